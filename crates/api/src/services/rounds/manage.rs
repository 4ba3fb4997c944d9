//! The organizer's side of a round: opening it with a deadline and a recorded lottery seed,
//! adding places from published enterprise postings, moving it through its phases, and opening
//! a follow-up round for what is left.

use chanjiao_domain::Text;
use chanjiao_domain::access::Power;
use std::collections::HashMap;

use chanjiao_domain::allocation::Mechanism;
use chanjiao_domain::posting::{PostingKind, PostingStatus, Side};
use chanjiao_domain::rounds::{Phase, Response, Step};
use chanjiao_domain::{Invalid, Invalids};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Part, Round, check, load, refused, view};
use crate::auth::CurrentUser;
use crate::clock;
use crate::db::Stored;
use crate::entities::rounds::{places, results, round, students};
use crate::entities::{organizations, postings};
use crate::error::ApiError;
use crate::services::audit;

/// What the organizer sends to open a round.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = RoundInput)]
pub struct RoundInput {
    #[schema(required = true)]
    pub name: Option<String>,
    /// China time, `2026-12-20T17:00` (as an HTML datetime field sends it) or RFC 3339; in the
    /// future and within 2000-01-01 … 2100-12-31.
    #[schema(required = true)]
    pub preference_deadline: Option<String>,
    /// `student-proposing` (the default), `enterprise-proposing` or `max-welfare`.
    #[schema(value_type = Option<Mechanism>)]
    pub mechanism: Option<String>,
    /// The lottery seed; drawn at random when absent. Giving one lets a round be reproduced
    /// elsewhere with the same data.
    pub seed: Option<u64>,
}

/// A place to add to a round.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = RoundPlaceInput)]
pub struct PlaceInput {
    #[schema(required = true)]
    pub posting_id: Option<i64>,
    /// Seats in this round; the posting's quantity when absent, never more.
    #[schema(minimum = 1)]
    pub capacity: Option<i64>,
}

/// A place of a round with what everyone may know of it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = RoundPlace)]
pub struct Place {
    pub id: i64,
    pub posting_id: i64,
    pub title: String,
    #[schema(value_type = PostingKind)]
    pub kind: String,
    pub organization_id: i64,
    pub organization_name: String,
    pub capacity: u32,
    pub ranking_rule: chanjiao_domain::rounds::RankingRule,
    /// How many students listed it (a count, no personal data).
    pub applicants: u64,
}

/// A round with its places.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoundDetail {
    #[serde(flatten)]
    pub round: Round,
    pub places: Vec<Place>,
    /// The caller's part in the round.
    pub part: Part,
}

/// The kinds of posting whose seats a round can allocate.
pub const PLACE_KINDS: [PostingKind; 3] =
    [PostingKind::Apprenticeship, PostingKind::OrderClass, PostingKind::TrainingBaseHosted];

/// A wall-clock time in China from a form or the API, within the platform's window of dates.
pub fn parse_local_time(raw: &str) -> Result<NaiveDateTime, Invalid> {
    chanjiao_domain::bounds::parse_local_datetime(raw)
}

fn future_time(field: &str, raw: Option<&str>, now: DateTime<Utc>, errors: &mut Invalids) -> Option<DateTime<Utc>> {
    match parse_local_time(raw.unwrap_or_default()) {
        Ok(local) if clock::from_local(local) > now => Some(clock::from_local(local)),
        Ok(_) => {
            errors.push(field, Invalid::Format(Text::new("a time in the future", "将来的时间")));
            None
        }
        Err(invalid) => {
            errors.push(field, invalid);
            None
        }
    }
}

/// Only verified authorities and intermediaries organize rounds.
fn organizer(user: &CurrentUser) -> Result<i64, ApiError> {
    user.require(Power::OrganizeRounds)?;
    user.organization_id().ok_or(ApiError::Forbidden)
}

/// Opens a round as a draft, with a seed drawn now and recorded.
pub async fn create(
    db: &DatabaseConnection,
    user: &CurrentUser,
    input: &RoundInput,
    now: DateTime<Utc>,
) -> Result<Round, ApiError> {
    let organizer_org_id = organizer(user)?;
    create_row(db, user, organizer_org_id, None, input, now).await
}

async fn create_row(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    organizer_org_id: i64,
    parent: Option<i64>,
    input: &RoundInput,
    now: DateTime<Utc>,
) -> Result<Round, ApiError> {
    let mut errors = Invalids::default();
    let name = input.name.as_deref().unwrap_or_default().trim().to_owned();
    if name.is_empty() {
        errors.push("name", Invalid::Required);
    } else if name.chars().count() > 200 {
        errors.push("name", Invalid::TooLong { max: 200 });
    }
    let deadline = future_time("preference_deadline", input.preference_deadline.as_deref(), now, &mut errors);
    let mechanism = match input.mechanism.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        None => Mechanism::StudentProposing,
        Some(raw) => raw.parse().unwrap_or_else(|_| {
            errors.push(
                "mechanism",
                Invalid::Format(Text::new(
                    "one of student-proposing, enterprise-proposing, max-welfare",
                    "student-proposing、enterprise-proposing、max-welfare 之一",
                )),
            );
            Mechanism::StudentProposing
        }),
    };
    // Seeds are stored in a signed 64-bit column: 0 to 2^63 - 1.
    let seed = match input.seed {
        Some(seed) if seed > i64::MAX as u64 => {
            errors.push("seed", Invalid::OutOfRange { min: 0, max: i64::MAX });
            0
        }
        Some(seed) => seed,
        None => rand::random::<u64>() >> 1,
    };
    let Some(deadline) = deadline.filter(|_| errors.0.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let row = round::ActiveModel {
        name: Set(name),
        organizer_org_id: Set(organizer_org_id),
        parent_round_id: Set(parent),
        phase: Set(Stored(Phase::Draft)),
        mechanism: Set(Stored(mechanism)),
        seed: Set(seed as i64),
        preference_deadline: Set(deadline),
        created_by: Set(user.user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        Some(user),
        now,
        "round",
        row.id,
        "create",
        json!({"seed": seed, "mechanism": mechanism.as_str()}),
    )
    .await?;
    view(&row, organizer_name(db, organizer_org_id).await?)
}

async fn organizer_name(db: &impl ConnectionTrait, id: i64) -> Result<String, ApiError> {
    Ok(organizations::Entity::find_by_id(id).one(db).await?.map(|o| o.name).unwrap_or_default())
}

/// The rounds the caller may see: their own as organizer, and every open one.
pub async fn list(db: &DatabaseConnection, user: &CurrentUser) -> Result<Vec<Round>, ApiError> {
    let rows = round::Entity::find().order_by_desc(round::Column::Id).all(db).await?;
    let mut rounds = Vec::new();
    let mut names: HashMap<i64, String> = HashMap::new();
    for row in rows {
        if super::part_of(user, &row) != Part::Organizer && *row.phase == Phase::Draft {
            continue;
        }
        let name = match names.get(&row.organizer_org_id) {
            Some(name) => name.clone(),
            None => {
                let name = organizer_name(db, row.organizer_org_id).await?;
                names.insert(row.organizer_org_id, name.clone());
                name
            }
        };
        rounds.push(view(&row, name)?);
    }
    Ok(rounds)
}

/// A round with its places.
pub async fn get(db: &DatabaseConnection, user: &CurrentUser, id: i64) -> Result<RoundDetail, ApiError> {
    let (row, part) = load(db, user, id).await?;
    let places = places_of(db, id).await?;
    Ok(RoundDetail { round: view(&row, organizer_name(db, row.organizer_org_id).await?)?, places, part })
}

pub(crate) async fn places_of(db: &impl ConnectionTrait, round_id: i64) -> Result<Vec<Place>, ApiError> {
    let rows = places::Entity::find()
        .filter(places::Column::RoundId.eq(round_id))
        .order_by_asc(places::Column::Id)
        .all(db)
        .await?;
    let posting_rows: HashMap<i64, postings::Model> = postings::Entity::find()
        .filter(postings::Column::Id.is_in(rows.iter().map(|r| r.posting_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let names: HashMap<i64, String> =
        crate::services::organizations::names(db, rows.iter().map(|r| r.organization_id)).await?;
    let counts = super::students::applicant_counts(db, round_id).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let posting = posting_rows.get(&r.posting_id);
            Place {
                id: r.id,
                posting_id: r.posting_id,
                title: posting.map(|p| p.title.clone()).unwrap_or_default(),
                kind: posting.map(|p| p.kind.as_str().to_owned()).unwrap_or_default(),
                organization_id: r.organization_id,
                organization_name: names.get(&r.organization_id).cloned().unwrap_or_default(),
                capacity: u32::try_from(r.capacity).unwrap_or(0),
                ranking_rule: *r.ranking_rule,
                applicants: counts.get(&r.id).copied().unwrap_or(0),
            }
        })
        .collect())
}

fn organizer_row(part: Part) -> Result<(), ApiError> {
    if part == Part::Organizer { Ok(()) } else { Err(ApiError::Forbidden) }
}

/// Adds a published apprenticeship, order-class or training-base posting of an enterprise as
/// a place, with at most the posting's quantity of seats.
pub async fn add_place(
    db: &DatabaseConnection,
    user: &CurrentUser,
    round_id: i64,
    input: &PlaceInput,
    now: DateTime<Utc>,
) -> Result<Place, ApiError> {
    let (row, part) = load(db, user, round_id).await?;
    organizer_row(part)?;
    let posting_id = input.posting_id.ok_or_else(|| ApiError::invalid("posting_id", Invalid::Required))?;
    let posting = postings::Entity::find_by_id(posting_id).one(db).await?;
    let posting = posting
        .filter(|p| {
            p.side == Side::Enterprise && p.status == PostingStatus::Published && PLACE_KINDS.contains(&*p.kind)
        })
        .ok_or_else(|| {
            ApiError::invalid(
                "posting_id",
                Invalid::NotAllowed(Text::new(
                    "a published apprenticeship, order class or training base posting of an enterprise",
                    "企业已发布的学徒制、订单班或实训基地需求",
                )),
            )
        })?;
    let max = posting.quantity.unwrap_or(10_000).clamp(1, 10_000);
    let capacity = input.capacity.unwrap_or(max);
    if !(1..=max).contains(&capacity) {
        return Err(ApiError::invalid("capacity", Invalid::OutOfRange { min: 1, max }));
    }
    check(&row, Step::AddPlaces, now)?;
    let exists = places::Entity::find()
        .filter(places::Column::RoundId.eq(round_id))
        .filter(places::Column::PostingId.eq(posting_id))
        .one(db)
        .await?;
    if exists.is_some() {
        return Err(ApiError::Conflict {
            field: "posting_id",
            invalid: Invalid::NotAllowed(Text::new("a posting already in this round", "已在本轮次中的发布")),
        });
    }
    let txn = crate::db::begin_write(db).await?;
    let place = places::ActiveModel {
        round_id: Set(round_id),
        posting_id: Set(posting_id),
        organization_id: Set(posting.organization_id),
        capacity: Set(capacity as i32),
        ranking_rule: Set(Stored(chanjiao_domain::rounds::RankingRule::Scoring)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(user),
        now,
        "round",
        round_id,
        "add_place",
        json!({"posting_id": posting_id, "capacity": capacity}),
    )
    .await?;
    txn.commit().await?;
    places_of(db, round_id).await?.into_iter().find(|p| p.id == place.id).ok_or(ApiError::NotFound)
}

/// Options of a phase change.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AdvanceInput {
    /// For publishing: until when schools record acceptances (China time); 7 days when absent.
    pub response_deadline: Option<String>,
}

/// Opens a draft for preferences, publishes a run round, or closes a published one. Running is
/// [`super::run::run`].
pub async fn advance(
    db: &DatabaseConnection,
    user: &CurrentUser,
    round_id: i64,
    step: Step,
    input: &AdvanceInput,
    now: DateTime<Utc>,
) -> Result<Round, ApiError> {
    let (row, part) = load(db, user, round_id).await?;
    organizer_row(part)?;
    // Bad input is refused as such before the round's phase is judged.
    let response_deadline = match input.response_deadline.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(raw) if step == Step::Publish => {
            let mut errors = Invalids::default();
            Some(future_time("response_deadline", Some(raw), now, &mut errors).ok_or(ApiError::Validation(errors))?)
        }
        _ => None,
    };
    let phase = check(&row, step, now)?;
    let mut active = row.clone().into_active_model();
    match step {
        Step::Open => {
            let count = places::Entity::find().filter(places::Column::RoundId.eq(round_id)).all(db).await?.len();
            if count == 0 {
                return Err(ApiError::Refused {
                    field: "places",
                    code: "no_places",
                    en: "add at least one place before opening the round".into(),
                    zh: "开放填报前请至少添加一个名额".into(),
                });
            }
        }
        Step::Publish => {
            let deadline = response_deadline.unwrap_or(now + Duration::days(7));
            active.response_deadline = Set(Some(deadline));
            active.published_at = Set(Some(now));
        }
        Step::Close => active.closed_at = Set(Some(now)),
        _ => return Err(refused(chanjiao_domain::rounds::PhaseRefusal::WrongPhase { phase, step })),
    }
    active.phase = Set(Stored(phase.after(step)));
    let txn = crate::db::begin_write(db).await?;
    let updated = active.update(&txn).await?;
    audit::record(&txn, Some(user), now, "round", round_id, step.as_str(), json!({"phase": updated.phase})).await?;
    txn.commit().await?;
    view(&updated, organizer_name(db, updated.organizer_org_id).await?)
}

/// Opens a follow-up round (a draft) from a published or closed one: each place with seats
/// left — its capacity less the students placed there who did not decline — and every student
/// who was not placed or declined, without preferences (their school enters new ones).
pub async fn follow_up(
    db: &DatabaseConnection,
    user: &CurrentUser,
    round_id: i64,
    input: &RoundInput,
    now: DateTime<Utc>,
) -> Result<Round, ApiError> {
    let (parent, part) = load(db, user, round_id).await?;
    organizer_row(part)?;
    check(&parent, Step::FollowUp, now)?;
    let parent_places = places::Entity::find().filter(places::Column::RoundId.eq(round_id)).all(db).await?;
    let parent_students = students::Entity::find().filter(students::Column::RoundId.eq(round_id)).all(db).await?;
    let result_rows: HashMap<i64, results::Model> = results::Entity::find()
        .filter(results::Column::StudentId.is_in(parent_students.iter().map(|s| s.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.student_id, r))
        .collect();
    let mut held: HashMap<i64, i32> = HashMap::new();
    let mut left_over = Vec::new();
    for student in &parent_students {
        let declined = student.response == Response::Declined;
        match result_rows.get(&student.id).and_then(|r| r.place_id) {
            Some(place) if !declined => *held.entry(place).or_default() += 1,
            _ => left_over.push(student),
        }
    }

    let txn = crate::db::begin_write(db).await?;
    let created = create_row(&txn, user, parent.organizer_org_id, Some(round_id), input, now).await?;
    for place in &parent_places {
        let seats = place.capacity - held.get(&place.id).copied().unwrap_or(0);
        if seats > 0 {
            places::ActiveModel {
                round_id: Set(created.id),
                posting_id: Set(place.posting_id),
                organization_id: Set(place.organization_id),
                capacity: Set(seats),
                ranking_rule: Set(Stored(chanjiao_domain::rounds::RankingRule::Scoring)),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    for student in left_over {
        students::ActiveModel {
            round_id: Set(created.id),
            school_id: Set(student.school_id),
            pseudonym: Set(student.pseudonym.clone()),
            program_code: Set(student.program_code.clone()),
            level: Set(student.level),
            consent_at: Set(student.consent_at),
            response: Set(Stored(Response::Pending)),
            responded_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(created)
}
