//! Free-text matching: a need described in words (a job advert pasted in, an occupation's
//! duties) matched without posting anything — the catalogue programs that train for it, and the
//! school offers on the platform, ranked as a posting's matches are.

use chanjiao_domain::matching::RankedProgram;
use chanjiao_domain::posting::{NewPosting, PostingKind, PostingStatus, Side, TimeWindow};
use chanjiao_domain::{Invalid, Invalids, RegionCode, SchoolLevel, text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::postings::{MatchView, matches_of};
use super::{ReasonView, round};
use crate::error::ApiError;
use crate::services::postings::Posting;
use crate::startup::AppState;

/// Longest text read: a full job advert fits; the matcher reads no further anyway.
pub const MAX_TEXT: usize = 4_000;

/// A need described in words.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MatchRequest {
    /// What is needed, in plain words.
    #[schema(required = true, min_length = 2, max_length = 4000)]
    pub text: String,
    /// Rank programs of this level; null, empty or absent for every level.
    #[schema(value_type = Option<SchoolLevel>)]
    pub level: Option<String>,
    /// A Zhejiang region code, for the offers' region criterion.
    pub region: Option<String>,
    #[schema(value_type = Option<u8>, minimum = 1, maximum = 50, default = 10)]
    pub limit: Option<usize>,
}

/// A catalogue program ranked for the text.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProgramMatch {
    pub code: String,
    pub name: String,
    pub level: SchoolLevel,
    pub class_code: String,
    pub class_name: String,
    pub score: f64,
    /// Text similarity.
    pub text: f64,
    /// Occupational fit.
    pub fit: f64,
    pub reason: Option<ReasonView>,
}

/// Programs and offers, best first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FreeMatches {
    pub programs: Vec<ProgramMatch>,
    pub offers: Vec<MatchView>,
}

struct Parsed {
    text: String,
    level: Option<SchoolLevel>,
    region: RegionCode,
}

fn parse(request: &MatchRequest) -> Result<Parsed, Invalids> {
    let mut errors = Invalids::default();
    let text = errors.take("text", text::clean(&request.text, 2, MAX_TEXT, true));
    let level = match request.level.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        Some(level) => errors.take("level", level.parse::<SchoolLevel>()),
        None => None,
    };
    let region = match request.region.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(region) => errors.take("region", RegionCode::parse(region)),
        // A need without a region is taken to be in 绍兴市.
        None => RegionCode::parse(chanjiao_domain::region::SHAOXING).ok(),
    };
    if request.limit.is_some_and(|l| l == 0 || l > super::postings::MAX_LIMIT) {
        errors.push("limit", Invalid::OutOfRange { min: 1, max: super::postings::MAX_LIMIT as i64 });
    }
    match (text, region) {
        (Some(text), Some(region)) if errors.0.is_empty() => Ok(Parsed { text, level, region }),
        _ => Err(errors),
    }
}

/// A job standing for the text, so the posting matcher can rank school offers for it.
fn as_posting(parsed: &Parsed, now: DateTime<Utc>) -> Result<Posting, Invalids> {
    let first_line: String = parsed.text.lines().next().unwrap_or_default().chars().take(80).collect();
    let title = chanjiao_domain::posting::Title::parse(&first_line).map_err(|e| Invalids::single("text", e))?;
    let description =
        chanjiao_domain::posting::Description::parse(&parsed.text).map_err(|e| Invalids::single("text", e))?;
    let posting = NewPosting {
        kind: PostingKind::Job,
        title,
        description,
        skills: Vec::new(),
        region: parsed.region.clone(),
        window: TimeWindow::ALWAYS,
        quantity: None,
        education_level: parsed.level,
        program_codes: Vec::new(),
        occupation_codes: Vec::new(),
        industry_clusters: Vec::new(),
        certificates: Vec::new(),
        amount: None,
        apprenticeship_type: None,
        annual_enrolment: None,
        equipment: Vec::new(),
        open_periods: Vec::new(),
    };
    Ok(Posting {
        id: 0,
        organization_id: 0,
        organization_name: String::new(),
        side: Side::Enterprise,
        status: PostingStatus::Published,
        kind_zh: posting.kind.zh(),
        region_name: posting.region.full_name(),
        posting,
        created_at: now,
        updated_at: now,
        published_at: Some(now),
    })
}

fn program_view(ranked: RankedProgram, lang: &str) -> ProgramMatch {
    ProgramMatch {
        code: ranked.program.code.as_str().to_owned(),
        name: ranked.program.name.clone(),
        level: ranked.program.level,
        class_code: ranked.program.class_code.clone(),
        class_name: ranked.program.class_name.clone(),
        score: round(ranked.score),
        text: round(ranked.text),
        fit: round(ranked.fit),
        reason: ranked.reason.as_ref().map(|r| ReasonView::new(r, lang)),
    }
}

/// Ranks catalogue programs (of the level asked for, else of every level) and school offers.
pub async fn match_text(state: &AppState, request: &MatchRequest, lang: &str) -> Result<FreeMatches, ApiError> {
    let parsed = parse(request)?;
    let limit = request.limit.unwrap_or(super::postings::DEFAULT_LIMIT);
    let model = state.catalogue.get(&state.db).await?;
    let subject = as_posting(&parsed, state.clock.now())?;
    let programs = {
        let (model, text, level, lang) = (model.clone(), parsed.text.clone(), parsed.level, lang.to_owned());
        tokio::task::spawn_blocking(move || {
            let terms = chanjiao_search::terms(&text);
            let levels: Vec<SchoolLevel> = level.map_or_else(|| SchoolLevel::ALL.to_vec(), |l| vec![l]);
            let mut ranked: Vec<RankedProgram> =
                levels.into_iter().flat_map(|l| model.rank(&text, &terms, l, &[]).into_iter().take(limit)).collect();
            ranked.sort_by(|a, b| b.score.total_cmp(&a.score));
            ranked.into_iter().take(limit).map(|r| program_view(r, &lang)).collect()
        })
        .await
        .map_err(|e| ApiError::Internal(format!("matching task: {e}")))?
    };
    let offers =
        matches_of(&state.db, &state.index, &model, &subject, limit, lang, super::postings::CANDIDATES).await?;
    Ok(FreeMatches { programs, offers })
}
