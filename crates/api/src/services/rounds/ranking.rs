//! An enterprise's side of a round while it collects preferences: the applicants who listed
//! one of its places (pseudonym, program and level only — not their school) and its ranking of
//! them, explicit or by the scoring rule, with interview scores and unacceptable marks.

use chanjiao_domain::Text;
use std::collections::HashMap;

use chanjiao_domain::posting::CodeKind;
use chanjiao_domain::rounds::{Applicant, ProgramFit, RankingRule, Step, lottery_key, rank_applicants};
use chanjiao_domain::{Invalid, Invalids, ProgramCode};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    QueryFilter,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Access, check, load, log_access, student_key};
use crate::auth::CurrentUser;
use crate::db::Stored;
use crate::entities::posting_codes;
use crate::entities::rounds::{places, preferences, rankings, round, students};
use crate::error::ApiError;
use crate::services::audit;

/// An applicant as the enterprise sees them before publication.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = RoundApplicant)]
pub struct ApplicantView {
    pub student_id: i64,
    pub pseudonym: String,
    pub program_code: String,
    pub program_name: String,
    pub level: chanjiao_domain::SchoolLevel,
    pub fit: ProgramFit,
    /// The scoring rule's score out of 1,000.
    pub score: u32,
    pub rank: Option<u32>,
    pub interview_score: Option<u32>,
    pub unacceptable: bool,
    /// 1-based position in the place's list as it stands, absent when unacceptable.
    pub position: Option<u32>,
}

/// A place's applicants and its rule.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = RoundApplicants)]
pub struct Applicants {
    pub place_id: i64,
    pub ranking_rule: RankingRule,
    pub applicants: Vec<ApplicantView>,
}

/// One applicant's marks in a ranking.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = RoundMark)]
pub struct MarkBody {
    pub student_id: i64,
    pub rank: Option<i64>,
    #[schema(minimum = 0, maximum = 100)]
    pub interview_score: Option<i64>,
    #[serde(default)]
    pub unacceptable: bool,
}

/// A place's ranking: the rule and the marks (replacing any earlier ones).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = RoundRanking)]
pub struct RankingBody {
    #[schema(value_type = Option<RankingRule>)]
    pub rule: Option<String>,
    #[serde(default)]
    pub applicants: Vec<MarkBody>,
}

/// The place, if the caller's organization owns it.
async fn own_place(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    round_id: i64,
    place_id: i64,
) -> Result<places::Model, ApiError> {
    let place = places::Entity::find_by_id(place_id)
        .one(db)
        .await?
        .filter(|p| p.round_id == round_id)
        .ok_or(ApiError::NotFound)?;
    if user.organization_id() == Some(place.organization_id) { Ok(place) } else { Err(ApiError::Forbidden) }
}

/// The program codes a posting names, for program fit.
pub(crate) async fn posting_programs(db: &impl ConnectionTrait, posting_id: i64) -> Result<Vec<ProgramCode>, ApiError> {
    Ok(posting_codes::Entity::find()
        .filter(posting_codes::Column::PostingId.eq(posting_id))
        .filter(posting_codes::Column::CodeType.eq(Stored(CodeKind::Program)))
        .all(db)
        .await?
        .iter()
        .filter_map(|c| ProgramCode::parse(&c.code).ok())
        .collect())
}

/// The students who listed `place`, with the enterprise's marks.
async fn applicant_rows(
    db: &impl ConnectionTrait,
    place: &places::Model,
) -> Result<Vec<(students::Model, Option<rankings::Model>)>, ApiError> {
    let ids: Vec<i64> = preferences::Entity::find()
        .filter(preferences::Column::PlaceId.eq(place.id))
        .all(db)
        .await?
        .iter()
        .map(|p| p.student_id)
        .collect();
    let mut marks: HashMap<i64, rankings::Model> = rankings::Entity::find()
        .filter(rankings::Column::PlaceId.eq(place.id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.student_id, r))
        .collect();
    let mut rows = students::Entity::find().filter(students::Column::Id.is_in(ids)).all(db).await?;
    rows.sort_by_key(|s| s.id);
    Ok(rows.into_iter().map(|s| (marks.remove(&s.id), s)).map(|(m, s)| (s, m)).collect())
}

fn rule_of(place: &places::Model) -> RankingRule {
    *place.ranking_rule
}

/// The applicants to one of the caller's places, in the order its ranking gives them. Only
/// while the round collects preferences; logged.
pub async fn applicants(
    db: &DatabaseConnection,
    user: &CurrentUser,
    round_id: i64,
    place_id: i64,
    now: DateTime<Utc>,
) -> Result<Applicants, ApiError> {
    let (row, _) = load(db, user, round_id).await?;
    let place = own_place(db, user, round_id, place_id).await?;
    check(&row, Step::Rank, now)?;
    let list = view_applicants(db, &row, &place).await?;
    log_access(db, user, round_id, Access::Applicants, list.len(), now).await?;
    Ok(Applicants { place_id, ranking_rule: rule_of(&place), applicants: list })
}

async fn view_applicants(
    db: &impl ConnectionTrait,
    row: &round::Model,
    place: &places::Model,
) -> Result<Vec<ApplicantView>, ApiError> {
    let wanted = posting_programs(db, place.posting_id).await?;
    let rows = applicant_rows(db, place).await?;
    let mut views = Vec::new();
    let mut domain = Vec::new();
    for (student, mark) in rows {
        let code = ProgramCode::parse(&student.program_code).ok();
        let fit = code.as_ref().map_or(ProgramFit::None, |c| ProgramFit::of(c, &wanted));
        let rank = mark.as_ref().and_then(|m| m.rank).map(|r| r as u32);
        let interview = mark.as_ref().and_then(|m| m.interview_score).map(|r| r as u32);
        let unacceptable = mark.as_ref().is_some_and(|m| m.unacceptable);
        domain.push(Applicant {
            id: student_key(student.id),
            lottery: lottery_key(row.seed as u64, student.school_id, &student.pseudonym),
            fit,
            rank,
            interview,
            unacceptable,
        });
        views.push(ApplicantView {
            student_id: student.id,
            pseudonym: student.pseudonym,
            program_name: code.map(|c| c.name().to_owned()).unwrap_or_default(),
            program_code: student.program_code,
            level: *student.level,
            fit,
            score: fit.score(interview),
            rank,
            interview_score: interview,
            unacceptable,
            position: None,
        });
    }
    let order = rank_applicants(rule_of(place), &domain);
    for view in &mut views {
        let key = student_key(view.student_id);
        view.position = order.iter().position(|k| *k == key).map(|i| i as u32 + 1);
    }
    views.sort_by_key(|v| (v.position.unwrap_or(u32::MAX), v.student_id));
    Ok(views)
}

/// Sets the rule and marks of one of the caller's places.
pub async fn set(
    db: &DatabaseConnection,
    user: &CurrentUser,
    round_id: i64,
    place_id: i64,
    body: &RankingBody,
    now: DateTime<Utc>,
) -> Result<Applicants, ApiError> {
    let (row, _) = load(db, user, round_id).await?;
    let place = own_place(db, user, round_id, place_id).await?;
    let mut errors = Invalids::default();
    let rule = match body.rule.as_deref() {
        None => rule_of(&place),
        Some(raw) => raw.parse().unwrap_or_else(|e| {
            errors.push("rule", e);
            RankingRule::Scoring
        }),
    };
    let applicant_ids: Vec<i64> = applicant_rows(db, &place).await?.iter().map(|(s, _)| s.id).collect();
    for (i, mark) in body.applicants.iter().enumerate() {
        if !applicant_ids.contains(&mark.student_id) {
            errors.push(
                format!("applicants[{i}].student_id"),
                Invalid::NotAllowed(Text::new("a student who did not apply to this place", "未填报该名额的学生")),
            );
        } else if body.applicants[..i].iter().any(|m| m.student_id == mark.student_id) {
            errors.push(
                format!("applicants[{i}].student_id"),
                Invalid::NotAllowed(Text::new("a place listed twice", "重复填报的名额")),
            );
        }
        if mark.rank.is_some_and(|r| !(1..=100_000).contains(&r)) {
            errors.push(format!("applicants[{i}].rank"), Invalid::OutOfRange { min: 1, max: 100_000 });
        }
        if mark.interview_score.is_some_and(|s| !(0..=100).contains(&s)) {
            errors.push(format!("applicants[{i}].interview_score"), Invalid::OutOfRange { min: 0, max: 100 });
        }
    }
    if !errors.0.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    check(&row, Step::Rank, now)?;
    let txn = crate::db::begin_write(db).await?;
    rankings::Entity::delete_many().filter(rankings::Column::PlaceId.eq(place_id)).exec(&txn).await?;
    for mark in &body.applicants {
        rankings::ActiveModel {
            place_id: Set(place_id),
            student_id: Set(mark.student_id),
            rank: Set(mark.rank.map(|r| r as i32)),
            interview_score: Set(mark.interview_score.map(|s| s as i32)),
            unacceptable: Set(mark.unacceptable),
        }
        .insert(&txn)
        .await?;
    }
    let mut active = place.clone().into_active_model();
    active.ranking_rule = Set(Stored(rule));
    let place = active.update(&txn).await?;
    audit::record(
        &txn,
        Some(user),
        now,
        "round",
        round_id,
        "rank",
        json!({"place_id": place_id, "rule": rule.as_str()}),
    )
    .await?;
    txn.commit().await?;
    let list = view_applicants(db, &row, &place).await?;
    log_access(db, user, round_id, Access::Applicants, list.len(), now).await?;
    Ok(Applicants { place_id, ranking_rule: rule, applicants: list })
}
