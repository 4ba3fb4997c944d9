//! Running a round: its stored data becomes a [`RunInput`], the round's mechanism places the
//! students (every mechanism is run beside it for the report), and the results with their
//! explanations and the aggregate report are stored in one transaction. The same data and seed
//! always give the same results, so running twice changes nothing.

use std::collections::HashMap;

use chanjiao_domain::ProgramCode;
use chanjiao_domain::allocation::Mechanism;
use chanjiao_domain::rounds::{Mark, Outcome, Phase, PlaceEntry, RunInput, Step, StudentEntry};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::manage::places_of;
use super::ranking::posting_programs;
use super::{Part, check, key_id, load, place_key, student_key};
use crate::auth::CurrentUser;
use crate::db::CorruptValue;
use crate::db::Stored;
use crate::entities::rounds::{places, preferences, rankings, results, round, students};
use crate::error::ApiError;
use crate::services::audit;

/// How full one place ended up, for the report.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = RoundPlaceFill)]
pub struct PlaceFill {
    pub place_id: i64,
    pub title: String,
    pub organization_name: String,
    pub capacity: u32,
    pub filled: u32,
}

/// The aggregate report of a run, stored with the round and kept after its personal data is
/// deleted: counts only, no student appears in it. Stored as JSON and read back typed.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = RoundReport)]
pub struct Report {
    pub mechanism: Mechanism,
    pub seed: u64,
    pub stats: chanjiao_domain::allocation::Stats,
    /// Every mechanism's figures on the same data, the round's own among them.
    pub comparison: Vec<MechanismStats>,
    pub places: Vec<PlaceFill>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MechanismStats {
    pub mechanism: Mechanism,
    #[serde(flatten)]
    pub stats: chanjiao_domain::allocation::Stats,
}

/// The round's data as a run takes it, students and places in id order.
pub(crate) async fn input_of(db: &impl ConnectionTrait, row: &round::Model) -> Result<RunInput, ApiError> {
    let place_rows = places::Entity::find()
        .filter(places::Column::RoundId.eq(row.id))
        .order_by_asc(places::Column::Id)
        .all(db)
        .await?;
    let student_rows = students::Entity::find()
        .filter(students::Column::RoundId.eq(row.id))
        .order_by_asc(students::Column::Id)
        .all(db)
        .await?;
    let mut lists: HashMap<i64, Vec<(i32, i64)>> = HashMap::new();
    for pref in preferences::Entity::find()
        .filter(preferences::Column::StudentId.is_in(student_rows.iter().map(|s| s.id)))
        .all(db)
        .await?
    {
        lists.entry(pref.student_id).or_default().push((pref.rank, pref.place_id));
    }
    let mut marks: HashMap<i64, HashMap<String, Mark>> = HashMap::new();
    for mark in rankings::Entity::find()
        .filter(rankings::Column::PlaceId.is_in(place_rows.iter().map(|p| p.id)))
        .all(db)
        .await?
    {
        marks.entry(mark.place_id).or_default().insert(
            student_key(mark.student_id),
            Mark {
                rank: mark.rank.map(|r| r as u32),
                interview: mark.interview_score.map(|s| s as u32),
                unacceptable: mark.unacceptable,
            },
        );
    }
    let mut students = Vec::with_capacity(student_rows.len());
    for s in student_rows {
        let mut list = lists.remove(&s.id).unwrap_or_default();
        list.sort();
        students.push(StudentEntry {
            id: student_key(s.id),
            school_id: s.school_id,
            program: ProgramCode::parse(&s.program_code).map_err(|_| {
                CorruptValue::new("round_students.program_code", "ProgramCode", s.program_code.as_str())
            })?,
            pseudonym: s.pseudonym,
            prefs: list.into_iter().map(|(_, p)| place_key(p)).collect(),
        });
    }
    let mut places = Vec::with_capacity(place_rows.len());
    for p in place_rows {
        places.push(PlaceEntry {
            id: place_key(p.id),
            capacity: u32::try_from(p.capacity).unwrap_or(1),
            program_codes: posting_programs(db, p.posting_id).await?,
            rule: *p.ranking_rule,
            marks: marks.remove(&p.id).unwrap_or_default(),
        });
    }
    Ok(RunInput { seed: row.seed as u64, students, places })
}

/// Runs the round (again, if it has run): 409 outside the collecting and run phases.
pub async fn run(
    db: &DatabaseConnection,
    user: &CurrentUser,
    round_id: i64,
    now: DateTime<Utc>,
) -> Result<Report, ApiError> {
    let (row, part) = load(db, user, round_id).await?;
    if part != Part::Organizer {
        return Err(ApiError::Forbidden);
    }
    check(&row, Step::Run, now)?;
    let input = input_of(db, &row).await?;
    let mechanism: Mechanism = *row.mechanism;
    let outcome = tokio::task::spawn_blocking(move || chanjiao_domain::rounds::run(&input, mechanism))
        .await
        .map_err(|e| ApiError::Internal(format!("run task: {e}")))?
        .map_err(|e| ApiError::Internal(format!("round {round_id} makes an invalid instance: {e}")))?;
    let report = report_of(db, &row, &outcome).await?;

    let txn = crate::db::begin_write(db).await?;
    let student_ids: Vec<i64> = outcome.results.iter().filter_map(|r| key_id(&r.student)).collect();
    results::Entity::delete_many().filter(results::Column::StudentId.is_in(student_ids)).exec(&txn).await?;
    let rows: Vec<results::ActiveModel> = outcome
        .results
        .iter()
        .filter_map(|r| {
            Some(results::ActiveModel {
                student_id: Set(key_id(&r.student)?),
                place_id: Set(r.place.as_deref().and_then(key_id)),
                choice: Set(r.choice.map(|c| c as i32)),
                explanation_zh: Set(r.explanation_zh.clone()),
                explanation_en: Set(r.explanation_en.clone()),
            })
        })
        .collect();
    for chunk in rows.chunks(500) {
        results::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
    }
    let mut active = row.clone().into_active_model();
    active.phase = Set(Stored(Phase::Run));
    active.run_at = Set(Some(now));
    active.report = Set(Some(serde_json::to_string(&report).map_err(|e| ApiError::Internal(format!("report: {e}")))?));
    active.update(&txn).await?;
    audit::record(
        &txn,
        Some(user),
        now,
        "round",
        round_id,
        "run",
        json!({"matched": outcome.stats.matched, "blocking_pairs": outcome.stats.blocking_pairs}),
    )
    .await?;
    txn.commit().await?;
    Ok(report)
}

async fn report_of(db: &impl ConnectionTrait, row: &round::Model, outcome: &Outcome) -> Result<Report, ApiError> {
    let mut filled: HashMap<String, u32> = HashMap::new();
    for result in &outcome.results {
        if let Some(place) = &result.place {
            *filled.entry(place.clone()).or_default() += 1;
        }
    }
    let places = places_of(db, row.id)
        .await?
        .into_iter()
        .map(|p| PlaceFill {
            filled: filled.get(&place_key(p.id)).copied().unwrap_or(0),
            place_id: p.id,
            title: p.title,
            organization_name: p.organization_name,
            capacity: p.capacity,
        })
        .collect();
    let report = Report {
        mechanism: outcome.mechanism,
        seed: row.seed as u64,
        stats: outcome.stats.clone(),
        comparison: outcome
            .comparison
            .iter()
            .map(|(mechanism, stats)| MechanismStats { mechanism: *mechanism, stats: stats.clone() })
            .collect(),
        places,
    };
    Ok(report)
}

/// The stored report: the organizer's once the round has run, everyone's once published.
pub async fn report(db: &DatabaseConnection, user: &CurrentUser, round_id: i64) -> Result<Report, ApiError> {
    let (row, part) = load(db, user, round_id).await?;
    let phase = *row.phase;
    let visible = match part {
        Part::Organizer => phase != Phase::Draft && phase != Phase::Collecting,
        _ => matches!(phase, Phase::Published | Phase::Closed),
    };
    let stored = row.report.as_deref().filter(|_| visible).ok_or(ApiError::NotFound)?;
    serde_json::from_str(stored).map_err(|_| ApiError::from(CorruptValue::new("rounds.report", "RoundReport", stored)))
}
