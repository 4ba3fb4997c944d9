//! Reference data for form pickers: programs, occupations, clusters and regions, searchable by
//! code, name or pinyin initials. Public: it is national and provincial open data.

use axum::Json;
use chanjiao_domain::reference::{self, search_occupations, search_programs};
use chanjiao_domain::region::RegionLevel;
use chanjiao_domain::{SchoolLevel, region};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::Query;
use crate::error::ApiError;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Search {
    q: String,
    level: Option<String>,
    limit: Option<String>,
    parent: Option<String>,
}

/// Items found, in the order of relevance.
#[derive(Serialize, ToSchema)]
pub struct Items<T> {
    items: Vec<T>,
}

/// A program of the national catalogue.
#[derive(Serialize, ToSchema)]
pub struct ProgramRef {
    #[schema(example = "460103")]
    code: String,
    name: String,
    level: SchoolLevel,
    class_code: String,
    class_name: String,
    category_name: String,
}

/// An occupation or group of the national classification.
#[derive(Serialize, ToSchema)]
pub struct OccupationRef {
    #[schema(example = "6-18-01-01")]
    code: String,
    name: String,
    /// 1 大类, 2 中类, 3 小类, 4 细类.
    #[schema(minimum = 1, maximum = 4)]
    level: u8,
    aliases: Vec<String>,
}

/// One of Shaoxing's industry clusters.
#[derive(Serialize, ToSchema)]
pub struct ClusterRef {
    /// The cluster's id, such as `hq_equipment`.
    id: String,
    name_zh: String,
    name_en: String,
    keywords: Vec<String>,
}

/// An administrative division.
#[derive(Serialize, ToSchema)]
pub struct RegionRef {
    code: String,
    name: String,
    level: RegionLevel,
}

/// The divisions directly under `parent`.
#[derive(Serialize, ToSchema)]
pub struct Regions {
    parent: String,
    items: Vec<RegionRef>,
}

const LIMIT: &str = "How many, 1–100 (default 20); any other number is refused with 422 naming `limit`.";

/// Items a picker asks for: 20 unless it says, never more than 100.
fn limit(search: &Search) -> Result<usize, ApiError> {
    match search.limit.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        None => Ok(20),
        Some(raw) => chanjiao_domain::bounds::parse_count(raw, 1, 100)
            .map(|n| n as usize)
            .map_err(|e| ApiError::invalid("limit", e)),
    }
}

#[utoipa::path(
    get,
    path = "/reference/programs",
    operation_id = "searchPrograms",
    tag = "reference",
    summary = "Programs of the 2021 national catalogue",
    params(
        ("q" = Option<String>, Query, description = "Name, code or pinyin initials."),
        ("level" = Option<SchoolLevel>, Query, description = "Only this level."),
        ("limit" = Option<u8>, Query, minimum = 1, maximum = 100, description = LIMIT),
    ),
    responses((status = 200, description = "Matching programs.", body = Items<ProgramRef>)),
)]
pub async fn programs(Query(search): Query<Search>) -> Result<Json<Items<ProgramRef>>, ApiError> {
    let level = match search.level.as_deref().filter(|l| !l.is_empty()) {
        Some(raw) => Some(raw.parse::<SchoolLevel>().map_err(|e| ApiError::invalid("level", e))?),
        None => None,
    };
    let items = search_programs(&search.q, level, limit(&search)?)
        .into_iter()
        .map(|p| ProgramRef {
            code: p.code.as_str().to_owned(),
            name: p.name.clone(),
            level: p.level,
            class_code: p.class_code.clone(),
            class_name: p.class_name.clone(),
            category_name: p.category_name.clone(),
        })
        .collect();
    Ok(Json(Items { items }))
}

#[utoipa::path(
    get,
    path = "/reference/occupations",
    operation_id = "searchOccupations",
    tag = "reference",
    summary = "Occupations of the 2022 classification",
    params(
        ("q" = Option<String>, Query, description = "Name, alias, code or pinyin initials."),
        ("limit" = Option<u8>, Query, minimum = 1, maximum = 100, description = LIMIT),
    ),
    responses((status = 200, description = "Matching occupations.", body = Items<OccupationRef>)),
)]
pub async fn occupations(Query(search): Query<Search>) -> Result<Json<Items<OccupationRef>>, ApiError> {
    let items = search_occupations(&search.q, limit(&search)?)
        .into_iter()
        .map(|o| OccupationRef {
            code: o.code.as_str().to_owned(),
            name: o.name.clone(),
            level: o.level,
            aliases: o.aliases.clone(),
        })
        .collect();
    Ok(Json(Items { items }))
}

#[utoipa::path(
    get,
    path = "/reference/clusters",
    operation_id = "listClusters",
    tag = "reference",
    summary = "Shaoxing's 12 industry clusters",
    responses((status = 200, description = "All clusters.", body = Items<ClusterRef>)),
)]
pub async fn clusters() -> Json<Items<ClusterRef>> {
    let items = reference::clusters()
        .iter()
        .map(|c| ClusterRef {
            id: c.id.as_str().to_owned(),
            name_zh: c.name_zh.clone(),
            name_en: c.name_en.clone(),
            keywords: c.keywords.clone(),
        })
        .collect();
    Json(Items { items })
}

/// The divisions directly under `parent` (default: the counties of 绍兴市).
#[utoipa::path(
    get,
    path = "/reference/regions",
    operation_id = "listRegions",
    tag = "reference",
    summary = "Administrative divisions directly under a parent",
    params(("parent" = Option<String>, Query, description = "A GB/T 2260 code of Zhejiang (default `330600` 绍兴市).")),
    responses((status = 200, description = "The divisions under `parent`.", body = Regions)),
)]
pub async fn regions(Query(search): Query<Search>) -> Result<Json<Regions>, ApiError> {
    let parent = search.parent.as_deref().filter(|p| !p.is_empty()).unwrap_or(region::SHAOXING);
    let parent = chanjiao_domain::RegionCode::parse(parent).map_err(|e| ApiError::invalid("parent", e))?;
    let items = region::children(parent.as_str())
        .into_iter()
        .map(|r| RegionRef { code: r.code.clone(), name: r.name.clone(), level: r.level })
        .collect();
    Ok(Json(Regions { parent: parent.as_str().to_owned(), items }))
}
