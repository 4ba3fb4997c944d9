//! Effectiveness indicators (成效指标) of schools, enterprises and intermediaries and the city
//! league table, under the shared statistics filter (district = the organization's region; year
//! = the year a round opened, a posting was published, a project was completed).
//!
//! Who sees what: authorities and platform administrators get the full table with names. Any
//! other organization gets the reduced shape — its own row in full, and for its own kind only
//! the spread of each indicator (count, quartiles, mean), quartiles withheld below
//! [`MIN_CELL`] organizations with a value — never another organization's name beside a figure.

mod collect;

use chanjiao_domain::Text;
use chanjiao_domain::access::Power;
use chanjiao_domain::statistics::{LeagueIndicator, Spread, rank_by};
use chanjiao_domain::{Invalid, Invalids, OrgKind, Verification};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

pub(crate) use collect::outcome_of;
pub use collect::{Figures, OrgRef};

use super::filter::{Filter, FilterQuery};
use crate::auth::CurrentUser;
use crate::entities::organizations;
use crate::error::ApiError;
use crate::services::organizations::Organization;

/// The fewest organizations with a value for which others may see an indicator's quartiles.
pub const MIN_CELL: u32 = 3;

/// The kinds of organization ranked on the league.
pub const RANKED: [OrgKind; 3] = [OrgKind::School, OrgKind::Enterprise, OrgKind::Intermediary];

/// The instants the calendar year `year` begins and ends in China (UTC+8), end excluded.
pub fn year_window(year: i32) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = |y: i32| {
        let date = NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN);
        crate::clock::from_local(date.and_hms_opt(0, 0, 0).unwrap_or_default())
    };
    (start(year), start(year + 1))
}

/// The league's query: the shared filter, the kind of organization and the indicator to sort by.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeagueQuery {
    /// school (default), enterprise or intermediary; only authorities choose — other
    /// organizations always get their own kind.
    pub kind: Option<String>,
    /// The indicator to rank by (default placements).
    #[param(value_type = Option<LeagueIndicator>)]
    pub sort: Option<String>,
    /// The district and year (`FilterQuery`'s parameters, listed with this one's).
    #[serde(flatten)]
    #[param(ignore)]
    pub filter: FilterQuery,
}

/// A parsed league query.
#[derive(Debug, Clone, PartialEq)]
pub struct LeagueRequest {
    pub filter: Filter,
    pub kind: OrgKind,
    pub sort: LeagueIndicator,
}

impl LeagueRequest {
    /// Defaults: schools, by placements. Every bad parameter is named in one 422.
    pub fn parse(query: &LeagueQuery, today: NaiveDate) -> Result<LeagueRequest, ApiError> {
        let mut errors = Invalids::default();
        let filter = match Filter::parse(&query.filter, today) {
            Ok(filter) => Some(filter),
            Err(ApiError::Validation(invalid)) => {
                errors.0.extend(invalid.0);
                None
            }
            Err(other) => return Err(other),
        };
        let kind = match query.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
            None => Some(OrgKind::School),
            Some(raw) => errors.take(
                "kind",
                raw.parse::<OrgKind>().ok().filter(|k| RANKED.contains(k)).ok_or(Invalid::Format(Text::new(
                    "one of school, enterprise, intermediary",
                    "school、enterprise、intermediary 之一",
                ))),
            ),
        };
        let sort = match query.sort.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Some(LeagueIndicator::Placements),
            Some(raw) => errors.take("sort", raw.parse::<LeagueIndicator>()),
        };
        let parsed = errors.finish(|| (filter, kind, sort))?;
        match parsed {
            (Some(filter), Some(kind), Some(sort)) => Ok(LeagueRequest { filter, kind, sort }),
            _ => Err(ApiError::Internal("league query parsed without values".into())),
        }
    }
}

/// Whose view a league is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = LeagueScope)]
pub enum Scope {
    /// Every organization by name (authorities, platform administrators).
    Full,
    /// The viewer's own organization and aggregates of its kind.
    Own,
}

/// One row of the league.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LeagueRow {
    /// 1-based rank by the sort indicator; `None` without a value (listed last).
    pub rank: Option<u32>,
    pub value: Option<f64>,
    #[serde(flatten)]
    pub figures: Figures,
}

/// The spread of one indicator over the organizations of the kind.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndicatorSpread {
    pub indicator: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    /// `higher_is_better` or `lower_is_better`.
    pub direction: &'static str,
    #[serde(flatten)]
    pub spread: Spread,
}

/// The league table. `scope: full` (authorities, platform administrators): every organization of
/// the kind by name in `rows`. `scope: own` (any other organization): `rows` is empty; `own` is the
/// caller's row and `summary` the aggregates of its own kind.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct League {
    pub filter: Filter,
    pub kind: OrgKind,
    /// The indicator ranked by.
    #[schema(value_type = LeagueIndicator)]
    pub sort: &'static str,
    /// `higher_is_better` or `lower_is_better`.
    pub direction: &'static str,
    pub scope: Scope,
    /// Every organization of the kind in the district, ranked (empty in the `own` scope).
    pub rows: Vec<LeagueRow>,
    /// The viewer's own row, with its rank, when the viewer is an organization of the kind.
    pub own: Option<LeagueRow>,
    /// Per indicator: how many organizations, how many with a value, quartiles.
    pub summary: Vec<IndicatorSpread>,
}

/// Whether `user` is an organization with indicators of its own (not an authority).
fn ranked_organization(user: &CurrentUser) -> Option<&Organization> {
    user.organization.as_ref().filter(|o| RANKED.contains(&o.kind))
}

/// The league as `user` may see it. Organizations other than authorities always get their
/// own kind, whatever `kind` asks for.
pub async fn league(db: &impl ConnectionTrait, user: &CurrentUser, request: LeagueRequest) -> Result<League, ApiError> {
    if user.may(Power::OverseeCity) {
        return build(db, request, Scope::Full, None).await;
    }
    let own = ranked_organization(user).ok_or_else(|| user.refused(Power::OverseeCity))?;
    let request = LeagueRequest { kind: own.kind, ..request };
    build(db, request, Scope::Own, Some(own.id)).await
}

/// "My indicators": the signed-in organization's own row and the aggregates of its kind.
pub async fn mine(db: &impl ConnectionTrait, user: &CurrentUser, request: LeagueRequest) -> Result<League, ApiError> {
    let own = ranked_organization(user).ok_or(ApiError::Forbidden)?;
    let request = LeagueRequest { kind: own.kind, ..request };
    build(db, request, Scope::Own, Some(own.id)).await
}

/// The verified organizations of `kind` whose region lies in the filter's district, by name.
pub async fn organizations_in(
    db: &impl ConnectionTrait,
    kind: OrgKind,
    filter: &Filter,
) -> Result<Vec<Organization>, ApiError> {
    let mut select = organizations::Entity::find()
        .filter(organizations::Column::Kind.eq(kind.as_str()))
        .filter(organizations::Column::Verification.eq(Verification::Verified.as_str()));
    if let Some(prefix) = filter.region_prefix() {
        select = select.filter(organizations::Column::RegionCode.starts_with(prefix));
    }
    select.order_by_asc(organizations::Column::Name).all(db).await?.into_iter().map(Organization::try_from).collect()
}

/// Every ranked organization's figures for `request`, ranked.
pub async fn ranked(db: &impl ConnectionTrait, request: &LeagueRequest) -> Result<Vec<LeagueRow>, ApiError> {
    let orgs = organizations_in(db, request.kind, &request.filter).await?;
    let figures = collect::figures(db, orgs, &request.filter).await?;
    let sort = request.sort;
    let table = rank_by(figures, |f| f.indicators.get(sort), |f| f.organization.name.as_str(), sort.direction());
    let mut rows: Vec<LeagueRow> =
        table.into_iter().map(|r| LeagueRow { rank: r.rank, value: r.value, figures: r.item }).collect();
    // Ranked rows first; of the rest, those with some activity before those with none.
    rows.sort_by_key(|r| (r.rank.is_none(), !r.figures.active));
    Ok(rows)
}

async fn build(
    db: &impl ConnectionTrait,
    request: LeagueRequest,
    scope: Scope,
    own: Option<i64>,
) -> Result<League, ApiError> {
    let rows = ranked(db, &request).await?;
    let min_cell = if scope == Scope::Full { 1 } else { MIN_CELL };
    let summary = LeagueIndicator::ALL
        .iter()
        .map(|&indicator| {
            let values: Vec<Option<f64>> = rows.iter().map(|r| r.figures.indicators.get(indicator)).collect();
            IndicatorSpread {
                indicator: indicator.as_str(),
                label_zh: indicator.zh(),
                label_en: indicator.en(),
                direction: indicator.direction().as_str(),
                spread: Spread::of(&values, min_cell),
            }
        })
        .collect();
    let own_row = own.and_then(|id| rows.iter().find(|r| r.figures.organization.id == id).cloned());
    Ok(League {
        filter: request.filter,
        kind: request.kind,
        sort: request.sort.as_str(),
        direction: request.sort.direction().as_str(),
        scope,
        rows: if scope == Scope::Full { rows } else { Vec::new() },
        own: own_row,
        summary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    #[test]
    fn the_league_defaults_to_schools_by_placements() {
        let request = LeagueRequest::parse(&LeagueQuery::default(), today()).unwrap();
        assert_eq!((request.kind, request.sort), (OrgKind::School, LeagueIndicator::Placements));
    }

    #[test]
    fn every_bad_parameter_is_named_at_once() {
        let query = LeagueQuery {
            kind: Some("authority".into()),
            sort: Some("fame".into()),
            filter: FilterQuery { district: Some("110101".into()), year: Some("2024".into()) },
        };
        let Err(ApiError::Validation(errors)) = LeagueRequest::parse(&query, today()) else { panic!("422 expected") };
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["district", "kind", "sort"]);
    }

    #[test]
    fn a_year_runs_from_midnight_to_midnight_in_china() {
        let (start, end) = year_window(2024);
        assert_eq!(start.to_rfc3339(), "2023-12-31T16:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2024-12-31T16:00:00+00:00");
    }
}
