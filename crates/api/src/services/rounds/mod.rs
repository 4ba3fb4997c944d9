//! Allocation rounds in the database: an authority or intermediary opens a round over
//! published enterprise postings ([`manage`]); schools put forward students and their
//! preferences ([`students`]); enterprises rank their applicants ([`ranking`]); the organizer
//! runs and publishes ([`run`]); results, intakes and the access log are read through
//! [`views`]; personal data of closed rounds is deleted after the retention period
//! ([`retention`]).
//!
//! Who sees what (see docs/rounds.md, "Privacy"):
//! - the organizer sees the round, its places, the aggregate report and the access log, and
//!   every student's result once the round has run (logged);
//! - a school sees only its own students, their preferences and results (logged);
//! - an enterprise sees, for ranking, the applicants who listed its places — pseudonym,
//!   program and level only, not the school — while the round collects preferences, and after
//!   publication the students placed with it, with their school (both logged);
//! - anyone signed in sees a round's places once it is open, and its report once published.
//!
//! Every refusal because of the round's phase is a 409 naming the phase; bad input is a 422
//! naming the field, and changes nothing.

pub mod manage;
pub mod ranking;
pub mod retention;
pub mod run;
pub mod students;
pub mod views;

use chanjiao_domain::OrgKind;
use chanjiao_domain::access::Power;
use chanjiao_domain::allocation::Mechanism;
use chanjiao_domain::rounds::{Phase, PhaseRefusal, Step};
use chrono::{DateTime, FixedOffset, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};
use serde::Serialize;

use crate::auth::CurrentUser;
use crate::clock;
use crate::entities::rounds::{access_log, round};
use crate::error::ApiError;

/// A round as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Round {
    pub id: i64,
    pub name: String,
    pub organizer_org_id: i64,
    pub organizer_name: String,
    pub parent_round_id: Option<i64>,
    pub phase: Phase,
    pub mechanism: Mechanism,
    /// The lottery seed, recorded so anyone with the data can recompute the tie-breaks.
    pub seed: u64,
    pub preference_deadline: DateTime<FixedOffset>,
    pub response_deadline: Option<DateTime<FixedOffset>>,
    pub created_at: DateTime<Utc>,
    pub run_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub personal_data_deleted_at: Option<DateTime<Utc>>,
}

/// The caller's part in a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = RoundPart)]
pub enum Part {
    Organizer,
    School,
    Enterprise,
    /// Any other signed-in user: sees the places and the published report only.
    Observer,
}

pub(crate) fn view(row: &round::Model, organizer_name: String) -> Result<Round, ApiError> {
    Ok(Round {
        id: row.id,
        name: row.name.clone(),
        organizer_org_id: row.organizer_org_id,
        organizer_name,
        parent_round_id: row.parent_round_id,
        phase: *row.phase,
        mechanism: *row.mechanism,
        seed: row.seed as u64,
        preference_deadline: clock::to_local(row.preference_deadline),
        response_deadline: row.response_deadline.map(clock::to_local),
        created_at: row.created_at,
        run_at: row.run_at,
        published_at: row.published_at,
        closed_at: row.closed_at,
        personal_data_deleted_at: row.personal_data_deleted_at,
    })
}

/// The caller's part in a round: the organizer's members (and platform administrators), a
/// school, an enterprise, or an observer.
pub fn part_of(user: &CurrentUser, row: &round::Model) -> Part {
    match &user.organization {
        _ if user.is_platform_admin() => Part::Organizer,
        Some(org) if org.id == row.organizer_org_id && user.may(Power::OrganizeRounds) => Part::Organizer,
        Some(org) if org.kind == OrgKind::School && user.may(Power::EnterStudents) => Part::School,
        Some(org) if org.kind == OrgKind::Enterprise => Part::Enterprise,
        _ => Part::Observer,
    }
}

/// The round, if the caller may see it at all: drafts only by their organizer.
pub(crate) async fn load(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    id: i64,
) -> Result<(round::Model, Part), ApiError> {
    let row = round::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotFound)?;
    let part = part_of(user, &row);
    if part != Part::Organizer && *row.phase == Phase::Draft {
        // Schools may prepare students while the round is a draft only if they know of it; a
        // draft is the organizer's until opened.
        return Err(ApiError::NotFound);
    }
    Ok((row, part))
}

/// Refuses a step the round's phase (or deadline) does not allow: 409 naming the phase.
pub(crate) fn check(row: &round::Model, step: Step, now: DateTime<Utc>) -> Result<Phase, ApiError> {
    let phase = *row.phase;
    let deadline = match step {
        Step::Respond => row.response_deadline,
        _ => Some(row.preference_deadline),
    };
    phase
        .check(step, deadline.map(|d| clock::to_local(d).naive_local()), clock::to_local(now).naive_local())
        .map_err(refused)?;
    Ok(phase)
}

pub(crate) fn refused(refusal: PhaseRefusal) -> ApiError {
    ApiError::Refused { field: refusal.field(), code: refusal.code(), en: refusal.to_string(), zh: refusal.zh() }
}

/// What kind of student-level data was read, for the access log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Students,
    Applicants,
    Results,
    Intake,
    Export,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Students => "students",
            Access::Applicants => "applicants",
            Access::Results => "results",
            Access::Intake => "intake",
            Access::Export => "export",
        }
    }
}

/// Appends one row to the round's access log: who read which student-level data, and how many
/// records. Written before the data is returned, so a failure to log is a failure to read.
pub(crate) async fn log_access(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    round_id: i64,
    what: Access,
    records: usize,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    access_log::ActiveModel {
        round_id: Set(round_id),
        user_id: Set(user.user_id),
        user_email: Set(user.actor_label()),
        organization_id: Set(user.organization_id()),
        what: Set(what.as_str().to_owned()),
        records: Set(i32::try_from(records).unwrap_or(i32::MAX)),
        at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The instance id of a student or place row: stable within a round, so a run is reproducible.
pub(crate) fn student_key(id: i64) -> String {
    format!("s{id}")
}

pub(crate) fn place_key(id: i64) -> String {
    format!("p{id}")
}

pub(crate) fn key_id(key: &str) -> Option<i64> {
    key.get(1..)?.parse().ok()
}
