//! Listing postings with filters and keyset pagination (newest first, `cursor` = last id seen).

use chanjiao_domain::posting::CodeKind;
use chanjiao_domain::posting::{PostingKind, PostingStatus, Side};
use chanjiao_domain::reference::ClusterId;
use chanjiao_domain::{Invalid, Invalids, RegionCode};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};

use super::{Posting, with_org_names};
use crate::auth::CurrentUser;
use crate::db::Stored;
use crate::entities::{posting_codes, postings};
use crate::error::ApiError;

/// Filters as they arrive in a query string; every one optional.
#[derive(Debug, Default, Clone, Deserialize, Serialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this kind.
    #[param(value_type = Option<chanjiao_domain::posting::PostingKind>)]
    pub kind: Option<String>,
    /// Only this side.
    #[param(value_type = Option<chanjiao_domain::posting::Side>)]
    pub side: Option<String>,
    /// Only this status (default `published`). Drafts: only the caller's organization's.
    #[param(value_type = Option<chanjiao_domain::posting::PostingStatus>)]
    pub status: Option<String>,
    /// A region code: this division and everything under it (a city, county or township);
    /// empty for any.
    #[param(pattern = "^(33[0-9]{4}([0-9]{3})?)?$", example = "330603")]
    pub region: Option<String>,
    /// An industry cluster, by id or Chinese name.
    #[param(example = "hq_equipment")]
    pub cluster: Option<String>,
    /// Only this organization's postings (its id).
    #[param(value_type = Option<i64>, minimum = 1)]
    pub organization: Option<String>,
    /// Page size, 1–100 (default 20).
    #[param(value_type = Option<u8>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only postings changed at or after this instant (RFC 3339, e.g. `2027-03-01T08:00:00Z`).
    #[param(value_type = Option<String>, format = DateTime)]
    pub updated_since: Option<String>,
}

/// A page of postings.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = PostingPage)]
pub struct Page {
    pub items: Vec<Posting>,
    /// All postings of the listing, not only this page.
    pub total: u64,
    /// Pass as `cursor` for the next page; null on the last.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

pub const DEFAULT_LIMIT: u64 = 20;
pub const MAX_LIMIT: u64 = 100;

/// The filters, parsed.
struct Filters {
    kind: Option<PostingKind>,
    side: Option<Side>,
    status: PostingStatus,
    region_prefix: Option<String>,
    cluster: Option<ClusterId>,
    organization: Option<i64>,
    limit: u64,
    cursor: Option<i64>,
    updated_since: Option<DateTime<Utc>>,
}

fn blank(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The code prefix that selects a division and everything under it: 330000 → "33",
/// 330600 → "3306", 330603 → "330603", a township → itself.
fn region_prefix(region: &RegionCode) -> String {
    let code = region.as_str();
    if code.len() == 6 {
        let mut prefix = code;
        while prefix.len() > 2 && prefix.ends_with("00") {
            prefix = &prefix[..prefix.len() - 2];
        }
        prefix.to_owned()
    } else {
        code.to_owned()
    }
}

fn parse(query: &ListQuery) -> Result<Filters, Invalids> {
    let mut errors = Invalids::default();
    let kind = blank(&query.kind).and_then(|k| errors.take("kind", k.parse::<PostingKind>()));
    let side = blank(&query.side).and_then(|s| errors.take("side", s.parse::<Side>()));
    let status = match blank(&query.status) {
        Some(s) => errors.take("status", s.parse::<PostingStatus>()).unwrap_or(PostingStatus::Published),
        None => PostingStatus::Published,
    };
    let region = blank(&query.region).and_then(|r| errors.take("region", RegionCode::parse(r)));
    let cluster = blank(&query.cluster).and_then(|c| errors.take("cluster", ClusterId::parse(c)));
    let number = |field: &str, raw: Option<&str>, min: i64, max: i64, errors: &mut Invalids| -> Option<i64> {
        let raw = raw?;
        match raw.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                errors.push(field, Invalid::OutOfRange { min, max });
                None
            }
        }
    };
    let organization = number("organization", blank(&query.organization), 1, i64::MAX, &mut errors);
    let limit = number("limit", blank(&query.limit), 1, MAX_LIMIT as i64, &mut errors).map(|n| n as u64);
    let cursor = number("cursor", blank(&query.cursor), 1, i64::MAX, &mut errors);
    let updated_since =
        blank(&query.updated_since).and_then(|raw| crate::services::paging::instant("updated_since", raw, &mut errors));
    errors.finish(|| Filters {
        kind,
        side,
        status,
        region_prefix: region.as_ref().map(region_prefix),
        cluster,
        organization,
        limit: limit.unwrap_or(DEFAULT_LIMIT),
        cursor,
        updated_since,
    })
}

/// Postings `viewer` may list, a page at a time. Postings in any status but published are listed
/// only within the user's own organization, and never to anonymous visitors (401: signing in
/// is the way to them); published postings whose end date has passed are left out even before
/// the sweep expires them.
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: Option<&CurrentUser>,
    query: &ListQuery,
    today: NaiveDate,
) -> Result<Page, ApiError> {
    let filters = parse(query)?;
    let condition = match viewer {
        Some(user) => condition(&filters, user, today)?,
        None if filters.status == PostingStatus::Published => public_condition(&filters, today),
        None => return Err(ApiError::Unauthenticated),
    };
    let total = postings::Entity::find().filter(condition.clone()).count(db).await?;
    let mut page_condition = condition;
    if let Some(cursor) = filters.cursor {
        page_condition = page_condition.add(postings::Column::Id.lt(cursor));
    }
    let mut rows = postings::Entity::find()
        .filter(page_condition)
        .order_by_desc(postings::Column::Id)
        .limit(filters.limit + 1)
        .all(db)
        .await?;
    let more = rows.len() as u64 > filters.limit;
    rows.truncate(filters.limit as usize);
    let next_cursor = if more { rows.last().map(|r| r.id.to_string()) } else { None };
    Ok(Page { items: with_org_names(db, rows).await?, total, next_cursor })
}

/// Every posting of a listing (ignoring `limit` and `cursor`), newest first, up to `max`: for
/// exports.
pub async fn list_all(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    query: &ListQuery,
    today: NaiveDate,
    max: u64,
) -> Result<Vec<Posting>, ApiError> {
    let query = ListQuery { limit: None, cursor: None, ..query.clone() };
    let filters = parse(&query)?;
    let rows = postings::Entity::find()
        .filter(condition(&filters, user, today)?)
        .order_by_desc(postings::Column::Id)
        .limit(max)
        .all(db)
        .await?;
    with_org_names(db, rows).await
}

/// The newest published postings of one kind that have not ended, at most `max`: what the home
/// page shows anyone.
async fn newest_published(
    db: &impl ConnectionTrait,
    kind: PostingKind,
    today: NaiveDate,
    max: u64,
) -> Result<Vec<Posting>, ApiError> {
    let filters = Filters {
        kind: Some(kind),
        side: None,
        status: PostingStatus::Published,
        region_prefix: None,
        cluster: None,
        organization: None,
        limit: max,
        cursor: None,
        updated_since: None,
    };
    let rows = postings::Entity::find()
        .filter(public_condition(&filters, today))
        .order_by_desc(postings::Column::Id)
        .limit(max)
        .all(db)
        .await?;
    with_org_names(db, rows).await
}

/// For each kind with any, its newest published postings (at most `per_kind`), kinds in their
/// usual order: the home page's "newest" section.
pub async fn newest_by_kind(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    per_kind: u64,
) -> Result<Vec<(PostingKind, Vec<Posting>)>, ApiError> {
    let mut groups = Vec::new();
    for kind in PostingKind::ALL {
        let newest = newest_published(db, *kind, today, per_kind).await?;
        if !newest.is_empty() {
            groups.push((*kind, newest));
        }
    }
    Ok(groups)
}

/// The SQL condition of the filters, with what `user` may see.
fn condition(filters: &Filters, user: &CurrentUser, today: NaiveDate) -> Result<Condition, ApiError> {
    // Only published postings are public; in any other status a listing shows the caller's own.
    if filters.status != PostingStatus::Published && !user.is_platform_admin() {
        let own = user.organization_id().ok_or(ApiError::Forbidden)?;
        return Ok(public_condition(filters, today).add(postings::Column::OrganizationId.eq(own)));
    }
    Ok(public_condition(filters, today))
}

/// The SQL condition of the filters alone: for published postings, what anyone may see.
fn public_condition(filters: &Filters, today: NaiveDate) -> Condition {
    let mut condition = Condition::all().add(postings::Column::Status.eq(filters.status.as_str()));
    if filters.status == PostingStatus::Published {
        condition = condition
            .add(Condition::any().add(postings::Column::EndsOn.is_null()).add(postings::Column::EndsOn.gte(today)));
    }
    if let Some(kind) = filters.kind {
        condition = condition.add(postings::Column::Kind.eq(kind.as_str()));
    }
    if let Some(side) = filters.side {
        condition = condition.add(postings::Column::Side.eq(side.as_str()));
    }
    if let Some(prefix) = &filters.region_prefix {
        condition = condition.add(postings::Column::RegionCode.starts_with(prefix.as_str()));
    }
    if let Some(since) = filters.updated_since {
        condition = condition.add(postings::Column::UpdatedAt.gte(since));
    }
    if let Some(organization) = filters.organization {
        condition = condition.add(postings::Column::OrganizationId.eq(organization));
    }
    if let Some(cluster) = &filters.cluster {
        let tagged = Query::select()
            .column(posting_codes::Column::PostingId)
            .from(posting_codes::Entity)
            .and_where(posting_codes::Column::CodeType.eq(Stored(CodeKind::Cluster)))
            .and_where(posting_codes::Column::Code.eq(cluster.as_str()))
            .to_owned();
        condition = condition.add(postings::Column::Id.in_subquery(tagged));
    }
    condition
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_prefixes_cover_everything_below() {
        let prefix = |code: &str| region_prefix(&RegionCode::parse(code).unwrap());
        assert_eq!(prefix("330000"), "33");
        assert_eq!(prefix("330600"), "3306");
        assert_eq!(prefix("330603"), "330603");
        assert_eq!(prefix("330603001"), "330603001");
    }

    #[test]
    fn bad_filters_are_named() {
        let query = ListQuery {
            kind: Some("spaceship".into()),
            limit: Some("1000".into()),
            region: Some("110101".into()),
            ..Default::default()
        };
        let fields: Vec<String> = parse(&query).err().unwrap().0.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["kind", "region", "limit"]);
    }
}
