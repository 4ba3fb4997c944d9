//! Searching published postings through this process's index, with facet counts labelled for
//! people, and autocomplete. The index gives ids, scores and highlighted text; the database gives
//! everything else, so a hit never shows stale or unpublished data.

use chanjiao_domain::Text;
use std::collections::HashMap;
use std::sync::Arc;

use chanjiao_domain::posting::{PostingKind, PostingStatus, Side};
use chanjiao_domain::reference::{ClusterId, ProgramCode};
use chanjiao_domain::{Invalid, Invalids, RegionCode, SchoolLevel};
use chanjiao_search::{Filters, SearchIndex, SearchRequest, Sort};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};

use crate::entities::postings as posting_rows;
use crate::error::ApiError;
use crate::services::postings::with_org_names;

/// The query string of a search; list filters take comma-separated values.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// The search text; without it, a browse.
    #[param(required = false, example = "数控")]
    pub q: String,
    /// Posting kinds. Comma-separated values match any of them.
    #[param(example = "job,apprenticeship")]
    pub kind: Option<String>,
    /// One side.
    #[param(value_type = Option<chanjiao_domain::posting::Side>)]
    pub side: Option<String>,
    /// A region code: the division and everything under it.
    pub region: Option<String>,
    /// Industry cluster ids. Comma-separated values match any of them.
    pub cluster: Option<String>,
    /// Education levels. Comma-separated values match any of them.
    pub level: Option<String>,
    /// Four-digit program class codes (专业类), e.g. 4601. Comma-separated values match any of them.
    pub program_class: Option<String>,
    /// One organization's postings (its id).
    #[param(value_type = Option<i64>, minimum = 1)]
    pub organization: Option<String>,
    /// Order (default `relevance`; a browse without text is newest first).
    #[param(value_type = Option<SearchSort>, inline)]
    pub sort: Option<String>,
    /// Page size, 1–100 (default 20).
    #[param(value_type = Option<u8>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The orders of `GET /search`, for the document only (the handler parses `sort` itself).
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum SearchSort {
    Relevance,
    Newest,
    ClosingSoon,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchHit {
    pub id: i64,
    pub title: String,
    /// The title, HTML-escaped, matched words in `<mark>`.
    pub title_html: String,
    /// Part of the description with `<mark>` around matched words; all else HTML-escaped.
    pub snippet: String,
    pub score: f32,
    pub kind: PostingKind,
    pub kind_zh: &'static str,
    pub kind_en: &'static str,
    pub organization_name: String,
    pub region: String,
    pub region_name: String,
    pub quantity: Option<u32>,
    pub ends_on: Option<chrono::NaiveDate>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FacetValue {
    pub value: String,
    pub label: String,
    pub count: u64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    /// Counts by `kind`, `side`, `region`, `cluster`, `level` and `program_class`, labelled in
    /// Chinese; a filtered dimension counts as if it were not filtered.
    pub facets: HashMap<String, Vec<FacetValue>>,
    /// Postings matching; an estimate when `approximate`.
    pub total: u64,
    /// Whether `total` and the facet counts are estimates: a query matching more postings than
    /// the exact limit (30,000 by default, `search_exact_count_limit`) is counted on a uniform
    /// sample of its matches, within a few percent. Show them as such (约 N / about N).
    pub approximate: bool,
    pub next_cursor: Option<String>,
}

fn list<T>(
    raw: &Option<String>,
    field: &str,
    errors: &mut Invalids,
    parse: impl Fn(&str) -> Result<T, Invalid>,
) -> Vec<T> {
    raw.as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .filter_map(|v| errors.take(field, parse(v)))
        .collect()
}

pub(crate) fn request(query: &SearchQuery) -> Result<SearchRequest, Invalids> {
    let mut errors = Invalids::default();
    let kinds = list(&query.kind, "kind", &mut errors, |v| v.parse::<PostingKind>());
    let side = query.side.as_deref().filter(|s| !s.is_empty()).and_then(|s| errors.take("side", s.parse::<Side>()));
    let region =
        query.region.as_deref().filter(|s| !s.is_empty()).and_then(|r| errors.take("region", RegionCode::parse(r)));
    let clusters = list(&query.cluster, "cluster", &mut errors, ClusterId::parse);
    let levels = list(&query.level, "level", &mut errors, |v| v.parse::<SchoolLevel>());
    let program_classes = list(&query.program_class, "program_class", &mut errors, |v| {
        if v.len() == 4 && v.bytes().all(|b| b.is_ascii_digit()) {
            Ok(v.to_owned())
        } else {
            Err(Invalid::Format(Text::new("a four-digit program class code like 4601", "四位专业类代码，如 4601")))
        }
    });
    let organization_id = query.organization.as_deref().filter(|s| !s.is_empty()).and_then(|o| {
        errors.take("organization", o.parse::<u64>().map_err(|_| Invalid::OutOfRange { min: 1, max: i64::MAX }))
    });
    let sort = match query.sort.as_deref().unwrap_or("") {
        "" | "relevance" => Sort::Relevance,
        "newest" => Sort::Newest,
        "closing_soon" => Sort::ClosingSoon,
        _ => {
            errors.push(
                "sort",
                Invalid::Format(Text::new(
                    "one of relevance, newest, closing_soon",
                    "relevance、newest、closing_soon 之一",
                )),
            );
            Sort::Relevance
        }
    };
    let limit = match query.limit.as_deref().filter(|s| !s.is_empty()) {
        None => 0,
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=chanjiao_search::MAX_LIMIT).contains(&n) => n,
            _ => {
                errors.push("limit", Invalid::OutOfRange { min: 1, max: chanjiao_search::MAX_LIMIT as i64 });
                0
            }
        },
    };
    errors.finish(|| SearchRequest {
        q: query.q.clone(),
        filters: Filters { kinds, side, region, clusters, levels, program_classes, organization_id },
        sort,
        limit,
        offset: 0,
        cursor: query.cursor.clone().filter(|c| !c.is_empty()),
    })
}

/// The name a facet's value is shown by (a code nobody knows is shown as it is).
pub fn label(facet: &str, value: &str) -> String {
    let found = match facet {
        "kind" => value.parse::<PostingKind>().ok().map(|k| k.zh().to_owned()),
        "side" => value.parse::<Side>().ok().map(|s| s.zh().to_owned()),
        "region" => RegionCode::parse(value).ok().map(|r| r.name().to_owned()),
        "cluster" => ClusterId::parse(value).ok().map(|c| c.cluster().name_zh.clone()),
        "level" => value.parse::<SchoolLevel>().ok().map(|l| l.zh().to_owned()),
        "program_class" => ProgramCode::parse(&format!("{value}01")).ok().map(|p| p.program().class_name.clone()),
        _ => None,
    };
    found.unwrap_or_else(|| value.to_owned())
}

pub async fn search(
    db: &impl ConnectionTrait,
    index: &Arc<SearchIndex>,
    query: &SearchQuery,
) -> Result<SearchPage, ApiError> {
    let request = request(query)?;
    let searcher = index.clone();
    let results = tokio::task::spawn_blocking(move || searcher.search(&request))
        .await
        .map_err(|e| ApiError::Internal(format!("search task: {e}")))?
        .map_err(|e| ApiError::Internal(format!("search: {e}")))?;
    let ids: Vec<i64> = results.hits.iter().map(|h| h.id as i64).collect();
    let rows = posting_rows::Entity::find()
        .filter(posting_rows::Column::Id.is_in(ids))
        .filter(posting_rows::Column::Status.eq(PostingStatus::Published.as_str()))
        .all(db)
        .await?;
    let postings: HashMap<i64, _> = with_org_names(db, rows).await?.into_iter().map(|p| (p.id, p)).collect();
    let hits = results
        .hits
        .iter()
        .filter_map(|hit| {
            let p = postings.get(&(hit.id as i64))?;
            Some(SearchHit {
                id: p.id,
                title: p.posting.title.as_str().to_owned(),
                title_html: hit.title_html.clone(),
                snippet: hit.snippet_html.clone(),
                score: hit.score,
                kind: p.posting.kind,
                kind_zh: p.posting.kind.zh(),
                kind_en: p.posting.kind.en(),
                organization_name: p.organization_name.clone(),
                region: p.posting.region.as_str().to_owned(),
                region_name: p.region_name.clone(),
                quantity: p.posting.quantity.map(|q| q.get()),
                ends_on: p.posting.window.ends_on(),
            })
        })
        .collect();
    let facets = results
        .facets
        .iter()
        .map(|(name, values)| {
            let values = values
                .iter()
                .map(|(value, count)| FacetValue { value: value.clone(), label: label(name, value), count: *count })
                .collect();
            (name.clone(), values)
        })
        .collect();
    Ok(SearchPage {
        hits,
        facets,
        total: results.total,
        approximate: results.approximate,
        next_cursor: results.next_cursor,
    })
}

/// The entity tag of a search: the index's last applied change (any posting change moves it)
/// and the query, normalized (parsed, so that a bad query is refused before it is compared).
/// Two requests that would get the same answer from the same index get the same tag.
pub fn etag(query: &SearchQuery, last_seq: Option<i64>) -> Result<String, ApiError> {
    let parsed = request(query)?;
    let normalized = format!(
        "{}|{:?}|{:?}|{:?}|{}",
        parsed.q.split_whitespace().collect::<Vec<_>>().join(" "),
        parsed.filters,
        parsed.sort,
        parsed.cursor,
        parsed.limit,
    );
    let seq = last_seq.map_or_else(|| "none".to_owned(), |s| s.to_string());
    Ok(crate::web::cache::etag([seq.as_bytes(), normalized.as_bytes()]))
}

/// Completions of what was typed, best first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Suggestions {
    /// Up to 10 titles.
    #[schema(max_items = 10)]
    pub suggestions: Vec<String>,
}

pub async fn suggest(index: &Arc<SearchIndex>, prefix: &str) -> Result<Suggestions, ApiError> {
    let index = index.clone();
    let prefix = prefix.chars().take(50).collect::<String>();
    let suggestions = tokio::task::spawn_blocking(move || index.suggest(&prefix, 10))
        .await
        .map_err(|e| ApiError::Internal(format!("suggest task: {e}")))?
        .map_err(|e| ApiError::Internal(format!("suggest: {e}")))?;
    Ok(Suggestions { suggestions })
}
