//! The postings behind a number of the supply-and-demand page: the same fact rows the number
//! sums, listed newest first, a page at a time.
//!
//! Who sees what: authorities and platform administrators see every posting; anyone else sees
//! published postings (public anyway) and their own organization's, and only a count of the rest
//! (closed, filled, expired or paused postings of other organizations), never their titles or
//! owners.

use chanjiao_domain::Text;
use chanjiao_domain::access::Power;
use chanjiao_domain::posting::{PostingKind, PostingStatus};
use chanjiao_domain::reference::ClusterId;
use chanjiao_domain::{Invalid, Invalids};
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::{Deserialize, Serialize};

use super::cells::Scope;
use super::facts::Sql;
use super::filter::{FIRST_YEAR, Filter, FilterQuery, districts};
use super::supply_demand::{class_name, cluster_name};
use crate::auth::CurrentUser;
use crate::db::Stored;
use crate::error::ApiError;

/// Postings per page.
pub const PAGE_SIZE: u64 = 20;

/// The last page anyone may ask for (two million postings behind one number).
const MAX_PAGE: u64 = 100_000;

/// The query string of a drill-down.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DrillQuery {
    /// Which table the number is in.
    #[param(value_type = String, pattern = "^(class|cluster|district|year)$")]
    pub dimension: Option<String>,
    /// A four-digit class code, a cluster id, a district code or a year.
    #[param(value_type = String)]
    pub key: Option<String>,
    /// Which number of the line.
    #[param(value_type = String, pattern = "^(demand|supply|placements)$")]
    pub measure: Option<String>,
    /// A district or county of 绍兴市 (330602, 330603, 330604, 330624, 330681, 330683); empty for
    /// the whole city. 422 otherwise.
    #[param(example = "330603")]
    pub district: Option<String>,
    /// A year from 2010 to next year; empty for every year. 422 otherwise.
    pub year: Option<String>,
    /// The page, from 1 (default).
    #[param(value_type = Option<u32>, minimum = 1)]
    pub page: Option<String>,
}

/// Which number: a line of one of the tables, and its demand, its supply or its placements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = SupplyDemandTarget)]
pub struct Target {
    /// `class`, `cluster`, `district` or `year`.
    pub dimension: &'static str,
    pub key: String,
    pub name: String,
    /// `demand`, `supply` or `placements` (the demand postings that completed projects placed
    /// people on, each with the people placed).
    pub measure: &'static str,
}

/// A parsed drill-down: the number and the page wanted.
#[derive(Debug, Clone)]
pub struct Drill {
    pub target: Target,
    pub filter: Filter,
    pub page: u64,
}

impl Drill {
    /// Parses the query; every field that is wrong is named (422), the filter's fields last.
    pub fn parse(query: &DrillQuery, today: NaiveDate) -> Result<Drill, ApiError> {
        let blank = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        let mut errors = Invalids::default();
        let measure = errors.take(
            "measure",
            match blank(&query.measure).as_deref() {
                Some("demand") => Ok("demand"),
                Some("supply") => Ok("supply"),
                Some("placements") => Ok("placements"),
                Some(_) => Err(Invalid::NotAllowed(Text::new("demand, supply or placements", "需求、供给或安置"))),
                None => Err(Invalid::Required),
            },
        );
        let target = match (blank(&query.dimension), blank(&query.key)) {
            (None, _) => errors.take("dimension", Err(Invalid::Required)),
            (Some(_), None) => errors.take("key", Err(Invalid::Required)),
            (Some(dimension), Some(key)) => match dimension.as_str() {
                "class" => errors.take("key", parse_class(&key)),
                "cluster" => errors.take("key", parse_cluster(&key)),
                "district" => errors.take("key", parse_district(&key)),
                "year" => errors.take("key", parse_year(&key, today)),
                _ => errors.take(
                    "dimension",
                    Err(Invalid::NotAllowed(Text::new(
                        "class, cluster, district or year",
                        "专业类、产业集群、区县或年份",
                    ))),
                ),
            },
        };
        let page = match blank(&query.page) {
            None => Some(1),
            Some(raw) => errors.take(
                "page",
                raw.parse::<u64>()
                    .ok()
                    .filter(|p| (1..=MAX_PAGE).contains(p))
                    .ok_or(Invalid::OutOfRange { min: 1, max: MAX_PAGE as i64 }),
            ),
        };
        let filter = FilterQuery { district: query.district.clone(), year: query.year.clone() };
        let filter = match Filter::parse(&filter, today) {
            Ok(filter) => Some(filter),
            Err(ApiError::Validation(invalids)) => {
                invalids.0.into_iter().for_each(|e| errors.push(e.field, e.invalid));
                None
            }
            Err(other) => return Err(other),
        };
        if let (Some((dimension, key, name)), Some(measure), Some(page), Some(filter)) = (target, measure, page, filter)
            && errors.is_empty()
        {
            return Ok(Drill { target: Target { dimension, key, name, measure }, filter, page });
        }
        Err(ApiError::Validation(errors))
    }

    /// The query string of this drill-down at `page`.
    pub fn query_string(&self, page: u64) -> String {
        let mut query =
            format!("?dimension={}&key={}&measure={}", self.target.dimension, self.target.key, self.target.measure);
        if let Some(district) = self.filter.region_prefix() {
            query.push_str(&format!("&district={district}"));
        }
        if let Some(year) = self.filter.year {
            query.push_str(&format!("&year={year}"));
        }
        if page > 1 {
            query.push_str(&format!("&page={page}"));
        }
        query
    }
}

fn parse_class(key: &str) -> Result<(&'static str, String, String), Invalid> {
    let known = key.len() == 4 && key.bytes().all(|b| b.is_ascii_digit()) && class_name(key) != key;
    if known {
        Ok(("class", key.to_owned(), class_name(key)))
    } else {
        Err(Invalid::Format(Text::new("a program class code like 4601", "专业类代码，如 4601")))
    }
}

fn parse_cluster(key: &str) -> Result<(&'static str, String, String), Invalid> {
    let id = ClusterId::parse(key)?;
    Ok(("cluster", id.as_str().to_owned(), cluster_name(id.as_str())))
}

fn parse_district(key: &str) -> Result<(&'static str, String, String), Invalid> {
    districts().into_iter().find(|d| d.code == key).map(|d| ("district", d.code.clone(), d.name.clone())).ok_or(
        Invalid::NotAllowed(Text::new(
            "a district or county of 绍兴市, like 330603",
            "绍兴市的区、县（市），如 330603",
        )),
    )
}

fn parse_year(key: &str, today: NaiveDate) -> Result<(&'static str, String, String), Invalid> {
    use chrono::Datelike;
    let max = today.year() + 1;
    match key.parse::<i32>() {
        Ok(year) if (FIRST_YEAR..=max).contains(&year) => Ok(("year", year.to_string(), year.to_string())),
        _ => Err(Invalid::OutOfRange { min: i64::from(FIRST_YEAR), max: i64::from(max) }),
    }
}

/// One posting behind the number.
#[derive(Debug, Clone, Serialize, FromQueryResult, utoipa::ToSchema)]
#[schema(as = SupplyDemandRow)]
pub struct Row {
    pub id: i64,
    pub title: String,
    pub organization_id: i64,
    pub organization_name: String,
    #[schema(value_type = PostingKind)]
    pub kind: Stored<PostingKind>,
    #[schema(value_type = PostingStatus)]
    pub status: Stored<PostingStatus>,
    pub region_code: String,
    pub quantity: i64,
    pub year: i32,
}

/// A row as the viewer sees it, with labels.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = SupplyDemandPosting)]
pub struct Listed {
    #[serde(flatten)]
    pub row: Row,
    pub kind_zh: &'static str,
    pub status_zh: &'static str,
}

/// The postings behind one number, as the viewer may see them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = SupplyDemandPostings)]
pub struct Postings {
    #[serde(flatten)]
    pub target: Target,
    pub filter: Filter,
    /// Every posting behind the number, and the people they sum to (the number itself).
    pub total_postings: i64,
    pub total_quantity: i64,
    /// Postings the viewer may not see in detail (counted, not listed).
    pub withheld_postings: i64,
    pub withheld_quantity: i64,
    pub items: Vec<Listed>,
    pub page: u64,
    pub pages: u64,
}

#[derive(FromQueryResult)]
struct Totals {
    postings: i64,
    quantity: i64,
    visible_postings: i64,
    visible_quantity: i64,
}

/// What a row adds to the number: the posting's headcount, or the people placed on it.
fn quantity(drill: &Drill) -> &'static str {
    if drill.target.measure == "placements" { "pl.placed" } else { "f.quantity" }
}

/// Appends the FROM and WHERE of the fact rows behind the target (with the postings and their
/// owners' names when listing). Placements are the demand rows joined to what completed projects
/// placed on each posting, counted as the supply-and-demand tables count them (`cells`).
fn push_from(sql: &mut Sql, drill: &Drill, listing: bool) {
    let Target { dimension, key, measure, .. } = &drill.target;
    let grouping = if *dimension == "year" { "district" } else { dimension };
    sql.push(" FROM posting_facts f");
    if *measure == "placements" {
        sql.push(
            " JOIN (SELECT u.posting_id AS posting_id, CAST(SUM(u.placed) AS BIGINT) AS placed FROM \
             (SELECT proposer_posting_id AS posting_id, placed FROM projects \
               WHERE status = 'completed' AND placed IS NOT NULL \
             UNION ALL SELECT recipient_posting_id AS posting_id, placed FROM projects \
               WHERE status = 'completed' AND placed IS NOT NULL) u \
             GROUP BY u.posting_id) pl ON pl.posting_id = f.posting_id",
        );
    }
    if listing {
        sql.push(" JOIN postings p ON p.id = f.posting_id JOIN organizations o ON o.id = f.organization_id");
    }
    sql.push(" WHERE f.dimension = ").bind(grouping);
    sql.push(" AND f.measure = ").bind(if *measure == "placements" { "demand" } else { *measure });
    if *dimension == "year" {
        // A year key was parsed as a year.
        sql.push(" AND f.created_year = ").bind(key.parse::<i32>().unwrap_or_default());
    } else {
        sql.push(" AND f.code = ").bind(key.clone());
    }
    let scope =
        Scope { district: drill.filter.region_prefix().map(str::to_owned), year: drill.filter.year, up_to_year: None };
    scope.push_conditions(sql);
}

/// The condition that keeps what `user` may see in detail: everything for those who oversee,
/// else published postings and their own organization's.
fn push_visible(sql: &mut Sql, user: &CurrentUser) {
    if user.may(Power::OverseeCity) {
        sql.push("1 = 1");
        return;
    }
    sql.push("(f.status = ").bind(PostingStatus::Published.as_str());
    if let Some(org) = user.organization_id() {
        sql.push(" OR f.organization_id = ").bind(org);
    }
    sql.push(")");
}

/// Every posting behind the number, and those `user` may see, in one pass over the fact rows.
async fn totals(db: &impl ConnectionTrait, drill: &Drill, user: &CurrentUser) -> Result<Totals, ApiError> {
    let mut sql = Sql::new(db.get_database_backend());
    let quantity = quantity(drill);
    sql.push(&format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS postings, CAST(COALESCE(SUM({quantity}), 0) AS BIGINT) AS quantity, "
    ));
    sql.push("CAST(COALESCE(SUM(CASE WHEN ");
    push_visible(&mut sql, user);
    sql.push(" THEN 1 ELSE 0 END), 0) AS BIGINT) AS visible_postings, CAST(COALESCE(SUM(CASE WHEN ");
    push_visible(&mut sql, user);
    sql.push(&format!(" THEN {quantity} ELSE 0 END), 0) AS BIGINT) AS visible_quantity"));
    push_from(&mut sql, drill, false);
    Totals::find_by_statement(sql.statement())
        .one(db)
        .await?
        .ok_or_else(|| ApiError::Internal("a count returned no row".into()))
}

/// The page of postings behind the number `drill` names, as `user` may see them.
pub async fn postings(db: &impl ConnectionTrait, user: &CurrentUser, drill: &Drill) -> Result<Postings, ApiError> {
    let totals = totals(db, drill, user).await?;
    let mut sql = Sql::new(db.get_database_backend());
    sql.push(&format!(
        "SELECT p.id AS id, p.title AS title, p.organization_id AS organization_id, o.name AS organization_name, \
         p.kind AS kind, p.status AS status, p.region_code AS region_code, {} AS quantity, \
         f.created_year AS year",
        quantity(drill)
    ));
    push_from(&mut sql, drill, true);
    sql.push(" AND ");
    push_visible(&mut sql, user);
    sql.push(" ORDER BY f.posting_id DESC LIMIT ")
        .bind(PAGE_SIZE as i64)
        .push(" OFFSET ")
        .bind(((drill.page - 1) * PAGE_SIZE) as i64);
    let rows = Row::find_by_statement(sql.statement()).all(db).await?;
    let items =
        rows.into_iter().map(|row| Listed { kind_zh: row.kind.zh(), status_zh: row.status.zh(), row }).collect();
    let pages = (totals.visible_postings.max(0) as u64).div_ceil(PAGE_SIZE).max(1);
    Ok(Postings {
        target: drill.target.clone(),
        filter: drill.filter.clone(),
        total_postings: totals.postings,
        total_quantity: totals.quantity,
        withheld_postings: totals.postings - totals.visible_postings,
        withheld_quantity: totals.quantity - totals.visible_quantity,
        items,
        page: drill.page,
        pages,
    })
}
