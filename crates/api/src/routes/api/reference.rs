//! Reference data for form pickers: programs, occupations, clusters and regions, searchable by
//! code, name or pinyin initials. Public: it is national and provincial open data.

use axum::Json;
use chanjiao_domain::reference::{self, search_occupations, search_programs};
use chanjiao_domain::{SchoolLevel, region};
use serde::Deserialize;
use serde_json::{Value, json};

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

/// Items a picker asks for: 20 unless it says, never more than 100.
fn limit(search: &Search) -> Result<usize, ApiError> {
    match search.limit.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        None => Ok(20),
        Some(raw) => chanjiao_domain::bounds::parse_count(raw, 1, 100)
            .map(|n| n as usize)
            .map_err(|e| ApiError::invalid("limit", e)),
    }
}

pub async fn programs(Query(search): Query<Search>) -> Result<Json<Value>, ApiError> {
    let level = match search.level.as_deref().filter(|l| !l.is_empty()) {
        Some(raw) => Some(raw.parse::<SchoolLevel>().map_err(|e| ApiError::invalid("level", e))?),
        None => None,
    };
    let items: Vec<Value> = search_programs(&search.q, level, limit(&search)?)
        .into_iter()
        .map(|p| {
            json!({"code": p.code.as_str(), "name": p.name, "level": p.level, "class_code": p.class_code,
                   "class_name": p.class_name, "category_name": p.category_name})
        })
        .collect();
    Ok(Json(json!({ "items": items })))
}

pub async fn occupations(Query(search): Query<Search>) -> Result<Json<Value>, ApiError> {
    let items: Vec<Value> = search_occupations(&search.q, limit(&search)?)
        .into_iter()
        .map(|o| json!({"code": o.code.as_str(), "name": o.name, "level": o.level, "aliases": o.aliases}))
        .collect();
    Ok(Json(json!({ "items": items })))
}

pub async fn clusters() -> Json<Value> {
    let items: Vec<Value> = reference::clusters()
        .iter()
        .map(|c| json!({"id": c.id, "name_zh": c.name_zh, "name_en": c.name_en, "keywords": c.keywords}))
        .collect();
    Json(json!({ "items": items }))
}

/// The divisions directly under `parent` (default: the counties of 绍兴市).
pub async fn regions(Query(search): Query<Search>) -> Result<Json<Value>, ApiError> {
    let parent = search.parent.as_deref().filter(|p| !p.is_empty()).unwrap_or(region::SHAOXING);
    let parent = chanjiao_domain::RegionCode::parse(parent).map_err(|e| ApiError::invalid("parent", e))?;
    let items: Vec<Value> = region::children(parent.as_str())
        .into_iter()
        .map(|r| json!({"code": r.code, "name": r.name, "level": r.level}))
        .collect();
    Ok(Json(json!({ "parent": parent.as_str(), "items": items })))
}
