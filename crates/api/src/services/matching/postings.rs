//! The matches of one posting: candidates of the counterpart kinds from the search index (its
//! text expanded with the names and profiles behind its codes, plus codes the catalogue model
//! links to it), re-read from the database so nothing stale or unpublished is shown, then scored
//! criterion by criterion in the domain.

use std::collections::HashMap;
use std::sync::Arc;

use chanjiao_domain::matching::{self, CatalogueModel, Evidence, Party};
use chanjiao_domain::posting::{NewPosting, PostingKind, PostingStatus};
use chanjiao_search::{Filters, SearchIndex, SimilarRequest};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::Serialize;

use super::{CriterionView, round};
use crate::auth::CurrentUser;
use crate::entities::{occupation_details, postings as posting_rows, program_profiles};
use crate::error::ApiError;
use crate::services::postings::{self, Posting, with_org_names};
use crate::startup::AppState;

pub const DEFAULT_LIMIT: usize = 10;
pub const MAX_LIMIT: usize = 50;
/// Matches shown on a posting's page.
const PAGE_LIMIT: usize = 6;
/// Candidates read from the index and scored for one request: enough that the best ten by all
/// criteria are almost always among them (the matching benchmark measures how often).
pub const CANDIDATES: usize = 100;

/// A candidate posting, in the fields a match list shows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MatchedPosting {
    pub id: i64,
    pub title: String,
    pub kind: PostingKind,
    pub kind_label: &'static str,
    pub organization_id: i64,
    pub organization_name: String,
    pub region: String,
    pub region_name: String,
    pub quantity: Option<u32>,
    pub education_level: Option<chanjiao_domain::SchoolLevel>,
    pub program_codes: Vec<String>,
    pub ends_on: Option<chrono::NaiveDate>,
}

/// A counterpart posting and why it fits.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = Match)]
pub struct MatchView {
    pub posting: MatchedPosting,
    /// The weighted sum of the criteria's scores.
    pub score: f64,
    /// The score as a whole percentage, for people.
    #[schema(maximum = 100)]
    pub percent: u32,
    /// Always eight, in the order text, occupation, cluster, region, level, quantity, time,
    /// track_record.
    #[schema(min_items = 8, max_items = 8)]
    pub criteria: Vec<CriterionView>,
}

fn party(p: &Posting) -> Party<'_> {
    Party { id: p.id as u64, organization_id: p.organization_id as u64, status: p.status, posting: &p.posting }
}

fn summary(posting: &Posting, lang: &str) -> MatchedPosting {
    let p = &posting.posting;
    MatchedPosting {
        id: posting.id,
        title: p.title.as_str().to_owned(),
        kind: p.kind,
        kind_label: if lang == "en" { p.kind.en() } else { p.kind.zh() },
        organization_id: posting.organization_id,
        organization_name: posting.organization_name.clone(),
        region: p.region.as_str().to_owned(),
        region_name: posting.region_name.clone(),
        quantity: p.quantity.map(|q| q.get()),
        education_level: p.education_level,
        program_codes: p.program_codes.iter().map(|c| c.as_str().to_owned()).collect(),
        ends_on: p.window.ends_on(),
    }
}

/// The matches of posting `id` that `user` may see, best first.
pub async fn for_posting(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    limit: usize,
    lang: &str,
) -> Result<Vec<MatchView>, ApiError> {
    let subject = postings::get(&state.db, user, id).await?;
    let model = state.catalogue.get(&state.db).await?;
    matches_of(&state.db, &state.index, &model, &subject, limit, lang, CANDIDATES).await
}

/// Matches shown on a posting's page, which the page has already loaded (and checked `user` may
/// see). A failure is logged and leaves the page without its panel rather than failing it.
pub async fn for_page(state: &AppState, posting: &Posting, lang: &str) -> Result<Vec<MatchView>, ApiError> {
    let result = async {
        let model = state.catalogue.get(&state.db).await?;
        matches_of(&state.db, &state.index, &model, posting, PAGE_LIMIT, lang, CANDIDATES).await
    }
    .await;
    if let Err(error) = &result {
        tracing::warn!(%error, posting = posting.id, "matches for the page failed");
    }
    result
}

/// The matches of any posting, stored or not (free-text matching passes one made up from the
/// text, with id and organization 0), scoring the `candidates` most similar postings.
pub async fn matches_of(
    db: &DatabaseConnection,
    index: &Arc<SearchIndex>,
    model: &Arc<CatalogueModel>,
    subject: &Posting,
    limit: usize,
    lang: &str,
    candidates: usize,
) -> Result<Vec<MatchView>, ApiError> {
    let limit = limit.clamp(1, MAX_LIMIT);
    let started = std::time::Instant::now();
    let text = expanded_text(db, &subject.posting).await?;
    let request = SimilarRequest {
        text,
        codes: model.retrieval_codes(&subject.posting),
        filters: Filters { kinds: subject.posting.kind.counterparts().to_vec(), ..Filters::default() },
        exclude_organization: u64::try_from(subject.organization_id).ok().filter(|id| *id > 0),
        limit: candidates,
    };
    let index = index.clone();
    let similar = tokio::task::spawn_blocking(move || index.similar(&request))
        .await
        .map_err(|e| ApiError::Internal(format!("matching task: {e}")))?
        .map_err(|e| ApiError::Internal(format!("search index: {e}")))?;
    let retrieved = started.elapsed();
    let relevance: HashMap<i64, f64> = similar.iter().map(|s| (s.id as i64, f64::from(s.score))).collect();
    let best = relevance.values().copied().fold(0.0, f64::max);
    // By primary key only: with a status condition too, SQLite's planner may walk the status
    // index over every published posting instead. Unpublished rows are dropped in scoring.
    let rows =
        posting_rows::Entity::find().filter(posting_rows::Column::Id.is_in(relevance.keys().copied())).all(db).await?;
    let rows = rows.into_iter().filter(|r| r.status == PostingStatus::Published).collect();
    let candidates = with_org_names(db, rows).await?;
    let organizations: Vec<i64> = candidates.iter().map(|c| c.organization_id).collect();
    let track_records = crate::services::brokering::assessments::track_records(db, &organizations).await?;
    let loaded = started.elapsed();

    let model = model.clone();
    let subject = subject.clone();
    let lang = lang.to_owned();
    tokio::task::spawn_blocking(move || {
        let prepared = model.prepare(&subject.posting);
        let scored = candidates.iter().map(|candidate| {
            let evidence = Evidence {
                text: if best > 0.0 { relevance.get(&candidate.id).copied().unwrap_or(0.0) / best } else { 0.0 },
                occupation: model
                    .prepared_fit(&prepared, &model.prepare(&candidate.posting))
                    .map(|f| (f.score, f.reason)),
                assessments: track_records.get(&candidate.organization_id).copied(),
            };
            (party(candidate), evidence)
        });
        let ranked = matching::rank(&party(&subject), scored, limit);
        tracing::debug!(
            posting = subject.id,
            candidates = candidates.len(),
            retrieve_ms = retrieved.as_secs_f64() * 1e3,
            load_ms = (loaded - retrieved).as_secs_f64() * 1e3,
            score_ms = (started.elapsed() - loaded).as_secs_f64() * 1e3,
            "matched"
        );
        let by_id: HashMap<u64, &Posting> = candidates.iter().map(|c| (c.id as u64, c)).collect();
        ranked
            .into_iter()
            .filter_map(|(id, found)| {
                let posting = by_id.get(&id)?;
                Some(MatchView {
                    posting: summary(posting, &lang),
                    score: round(found.score),
                    percent: (found.score * 100.0).round() as u32,
                    criteria: found.criteria.iter().map(|c| CriterionView::new(c, &lang)).collect(),
                })
            })
            .collect()
    })
    .await
    .map_err(|e| ApiError::Internal(format!("matching task: {e}")))
}

/// The posting's own words, the names behind its codes, and for program codes the profile's
/// 职业面向 and 培养目标, for occupation codes their definitions: what the posting is about, in the
/// words its counterparts are likely to use.
async fn expanded_text(db: &DatabaseConnection, posting: &NewPosting) -> Result<String, ApiError> {
    let mut parts: Vec<String> = vec![posting.title.as_str().to_owned(), posting.skills.join(" ")];
    parts.extend(posting.certificates.iter().cloned());
    for code in &posting.program_codes {
        parts.push(code.name().to_owned());
    }
    for code in &posting.occupation_codes {
        let occupation = code.occupation();
        parts.push(occupation.name.clone());
        parts.extend(occupation.aliases.iter().cloned());
    }
    parts.push(posting.description.as_str().to_owned());
    if !posting.program_codes.is_empty() {
        let codes: Vec<&str> = posting.program_codes.iter().map(|c| c.as_str()).collect();
        for profile in
            program_profiles::Entity::find().filter(program_profiles::Column::Code.is_in(codes)).all(db).await?
        {
            parts.push(profile.occupations);
            parts.push(profile.objective);
        }
    }
    if !posting.occupation_codes.is_empty() {
        let codes: Vec<&str> = posting.occupation_codes.iter().map(|c| c.as_str()).collect();
        let details =
            occupation_details::Entity::find().filter(occupation_details::Column::Code.is_in(codes)).all(db).await?;
        parts.extend(details.into_iter().map(|d| d.definition));
    }
    Ok(parts.into_iter().filter(|p| !p.trim().is_empty()).collect::<Vec<_>>().join("\n"))
}
