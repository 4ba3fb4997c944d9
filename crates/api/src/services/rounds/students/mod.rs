//! A school's side of a round: putting students forward (pseudonym, program, level, consent),
//! entering their ranked preferences, and recording their acceptance or decline of a result.
//! A school acts only on its own students; the organizer may read every student (logged).

use chanjiao_domain::Text;
use chanjiao_domain::access::Power;
use std::collections::HashMap;

use chanjiao_domain::rounds::{MAX_PREFERENCES, Response, Step, StudentInput};
use chanjiao_domain::{Invalid, Invalids};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Access, Part, check, load, log_access};
use crate::auth::CurrentUser;
use crate::db::Stored;
use crate::entities::rounds::{places, preferences, results, round, students};
use crate::error::ApiError;
use crate::services::audit;

mod import;
pub use import::{import, may_import};

/// A student as their school sends them.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = RoundStudentInput)]
pub struct StudentBody {
    /// Chosen by the school; never a name or an ID number.
    #[schema(required = true, max_length = 40)]
    pub pseudonym: Option<String>,
    #[schema(required = true)]
    pub program_code: Option<String>,
    #[schema(required = true, value_type = Option<chanjiao_domain::SchoolLevel>)]
    pub level: Option<String>,
    /// Must be true.
    #[serde(default)]
    #[schema(required = true)]
    pub consent: bool,
    /// Place ids, first choice first (optional here; see [`set_preferences`]).
    #[serde(default)]
    #[schema(max_items = 20)]
    pub preferences: Vec<i64>,
}

/// A student's ranked places.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = RoundPreferences)]
pub struct PreferencesBody {
    /// Place ids, first choice first.
    #[serde(default)]
    #[schema(required = true, max_items = 20)]
    pub places: Vec<i64>,
}

/// A student and their preferences, as their school (or the organizer) sees them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = RoundStudent)]
pub struct Student {
    pub id: i64,
    pub school_id: i64,
    pub pseudonym: String,
    pub program_code: String,
    pub program_name: String,
    pub level: chanjiao_domain::SchoolLevel,
    pub consent_at: DateTime<Utc>,
    pub response: Response,
    /// Place ids, first choice first.
    pub preferences: Vec<i64>,
}

/// The school the caller acts for, which must be a verified school.
pub(crate) fn school_of(user: &CurrentUser) -> Result<i64, ApiError> {
    user.require(Power::EnterStudents)?;
    user.organization_id().ok_or(ApiError::Forbidden)
}

/// How many students listed each place of a round.
pub(crate) async fn applicant_counts(db: &impl ConnectionTrait, round_id: i64) -> Result<HashMap<i64, u64>, ApiError> {
    let place_ids: Vec<i64> = places::Entity::find()
        .filter(places::Column::RoundId.eq(round_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let mut counts = HashMap::new();
    for row in preferences::Entity::find().filter(preferences::Column::PlaceId.is_in(place_ids)).all(db).await? {
        *counts.entry(row.place_id).or_default() += 1;
    }
    Ok(counts)
}

/// Checks a list of places against the round: at most 20, each a place of the round, none twice.
async fn parse_preferences(
    db: &impl ConnectionTrait,
    round_id: i64,
    list: &[i64],
    field: &str,
    errors: &mut Invalids,
) -> Result<(), ApiError> {
    if list.len() > MAX_PREFERENCES {
        errors.push(field, Invalid::TooMany { max: MAX_PREFERENCES });
        return Ok(());
    }
    let known: Vec<i64> = places::Entity::find()
        .filter(places::Column::RoundId.eq(round_id))
        .all(db)
        .await?
        .iter()
        .map(|p| p.id)
        .collect();
    for (i, place) in list.iter().enumerate() {
        if !known.contains(place) {
            errors
                .push(format!("{field}[{i}]"), Invalid::NotAllowed(Text::new("a place of this round", "本轮次的名额")));
        } else if list[..i].contains(place) {
            errors.push(
                format!("{field}[{i}]"),
                Invalid::NotAllowed(Text::new("a place listed twice", "重复填报的名额")),
            );
        }
    }
    Ok(())
}

async fn write_preferences(db: &impl ConnectionTrait, student_id: i64, list: &[i64]) -> Result<(), ApiError> {
    preferences::Entity::delete_many().filter(preferences::Column::StudentId.eq(student_id)).exec(db).await?;
    if list.is_empty() {
        return Ok(());
    }
    let rows = list.iter().enumerate().map(|(i, place)| preferences::ActiveModel {
        student_id: Set(student_id),
        place_id: Set(*place),
        rank: Set(i as i32 + 1),
    });
    preferences::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// Puts a student forward for the caller's school, with preferences if given.
pub async fn add(
    db: &DatabaseConnection,
    user: &CurrentUser,
    round_id: i64,
    body: &StudentBody,
    now: DateTime<Utc>,
) -> Result<Student, ApiError> {
    let (row, _) = load(db, user, round_id).await?;
    let school_id = school_of(user)?;
    let parsed = prepare(db, &row, school_id, body, "", now).await?;
    let txn = crate::db::begin_write(db).await?;
    let student = store(&txn, &row, school_id, parsed, &body.preferences, now).await?;
    audit::record(&txn, Some(user), now, "round", round_id, "add_student", json!({"student_id": student.id})).await?;
    txn.commit().await?;
    describe(db, vec![student]).await?.pop().ok_or(ApiError::NotFound)
}

/// Checks one student before anything is written; `prefix` names the fields of a batch row
/// (`rows[3].`). The reads happen outside the writing transaction: on SQLite a transaction that
/// reads before it writes can fail to take the write lock when another connection wrote since.
pub(crate) async fn prepare(
    db: &impl ConnectionTrait,
    row: &round::Model,
    school_id: i64,
    body: &StudentBody,
    prefix: &str,
    now: DateTime<Utc>,
) -> Result<StudentInput, ApiError> {
    let parsed = StudentInput::parse(
        body.pseudonym.as_deref().unwrap_or_default(),
        body.program_code.as_deref().unwrap_or_default(),
        body.level.as_deref().unwrap_or_default(),
        body.consent,
    );
    let mut errors = Invalids::default();
    let parsed = match parsed {
        Ok(parsed) => Some(parsed),
        Err(found) => {
            errors.0.extend(found.0.into_iter().map(|mut e| {
                e.field = format!("{prefix}{}", e.field);
                e
            }));
            None
        }
    };
    parse_preferences(db, row.id, &body.preferences, &format!("{prefix}preferences"), &mut errors).await?;
    let Some(parsed) = parsed.filter(|_| errors.0.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    check(row, Step::EnterPreferences, now)?;
    let taken = students::Entity::find()
        .filter(students::Column::RoundId.eq(row.id))
        .filter(students::Column::SchoolId.eq(school_id))
        .filter(students::Column::Pseudonym.eq(parsed.pseudonym.as_str()))
        .one(db)
        .await?;
    if taken.is_some() {
        return Err(ApiError::Validation(Invalids::single(
            format!("{prefix}pseudonym"),
            Invalid::NotAllowed(Text::new(
                "a pseudonym already used by your school in this round",
                "本校在本轮次已使用的化名编号",
            )),
        )));
    }
    Ok(parsed)
}

/// Writes a prepared student and their preferences.
pub(crate) async fn store(
    db: &impl ConnectionTrait,
    row: &round::Model,
    school_id: i64,
    parsed: StudentInput,
    preferences: &[i64],
    now: DateTime<Utc>,
) -> Result<students::Model, ApiError> {
    let student = students::ActiveModel {
        round_id: Set(row.id),
        school_id: Set(school_id),
        pseudonym: Set(parsed.pseudonym),
        program_code: Set(parsed.program_code.as_str().to_owned()),
        level: Set(Stored(parsed.level)),
        consent_at: Set(now),
        response: Set(Stored(Response::Pending)),
        responded_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    write_preferences(db, student.id, preferences).await?;
    Ok(student)
}

/// The caller's school's student in the round, or 422 naming `student_id`: a school acts on
/// its own students only.
async fn own_student(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    round_id: i64,
    student_id: i64,
) -> Result<students::Model, ApiError> {
    let school_id = school_of(user)?;
    students::Entity::find_by_id(student_id)
        .one(db)
        .await?
        .filter(|s| s.round_id == round_id && s.school_id == school_id)
        .ok_or_else(|| {
            ApiError::invalid(
                "student_id",
                Invalid::NotAllowed(Text::new("a student of your school in this round", "本校参加本轮次的学生")),
            )
        })
}

/// Replaces a student's preferences.
pub async fn set_preferences(
    db: &DatabaseConnection,
    user: &CurrentUser,
    round_id: i64,
    student_id: i64,
    body: &PreferencesBody,
    now: DateTime<Utc>,
) -> Result<Student, ApiError> {
    let (row, _) = load(db, user, round_id).await?;
    let student = own_student(db, user, round_id, student_id).await?;
    let mut errors = Invalids::default();
    parse_preferences(db, round_id, &body.places, "places", &mut errors).await?;
    if !errors.0.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    check(&row, Step::EnterPreferences, now)?;
    let txn = crate::db::begin_write(db).await?;
    write_preferences(&txn, student_id, &body.places).await?;
    audit::record(&txn, Some(user), now, "round", round_id, "set_preferences", json!({"student_id": student_id}))
        .await?;
    txn.commit().await?;
    describe(db, vec![student]).await?.pop().ok_or(ApiError::NotFound)
}

/// Removes a student (and their preferences) from a round that is still collecting.
pub async fn remove(
    db: &DatabaseConnection,
    user: &CurrentUser,
    round_id: i64,
    student_id: i64,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let (row, _) = load(db, user, round_id).await?;
    let student = own_student(db, user, round_id, student_id).await?;
    check(&row, Step::EnterPreferences, now)?;
    let txn = crate::db::begin_write(db).await?;
    preferences::Entity::delete_many().filter(preferences::Column::StudentId.eq(student.id)).exec(&txn).await?;
    students::Entity::delete_by_id(student.id).exec(&txn).await?;
    audit::record(&txn, Some(user), now, "round", round_id, "remove_student", json!({"student_id": student_id}))
        .await?;
    txn.commit().await?;
    Ok(())
}

/// A student's answer to their published result.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = RoundResponse)]
pub struct ResponseBody {
    /// `accepted` or `declined`.
    #[schema(required = true)]
    pub response: Option<String>,
}

/// Records a placed student's acceptance or decline, before the response deadline.
pub async fn respond(
    db: &DatabaseConnection,
    user: &CurrentUser,
    round_id: i64,
    student_id: i64,
    body: &ResponseBody,
    now: DateTime<Utc>,
) -> Result<Student, ApiError> {
    let (row, _) = load(db, user, round_id).await?;
    let student = own_student(db, user, round_id, student_id).await?;
    let response: Response =
        body.response.as_deref().unwrap_or_default().parse().ok().filter(|r| *r != Response::Pending).ok_or_else(
            || {
                ApiError::invalid(
                    "response",
                    Invalid::Format(Text::new("one of accepted, declined", "accepted（接受）、declined（放弃）之一")),
                )
            },
        )?;
    check(&row, Step::Respond, now)?;
    let placed = results::Entity::find_by_id(student_id).one(db).await?.and_then(|r| r.place_id).is_some();
    if !placed {
        return Err(ApiError::Refused {
            field: "student_id",
            code: "not_placed",
            en: "the student was not placed in this round".into(),
            zh: "该学生在本轮次未被录取".into(),
        });
    }
    let txn = crate::db::begin_write(db).await?;
    let mut active = student.into_active_model();
    active.response = Set(Stored(response));
    active.responded_at = Set(Some(now));
    let updated = active.update(&txn).await?;
    audit::record(
        &txn,
        Some(user),
        now,
        "round",
        round_id,
        "respond",
        json!({"student_id": student_id, "response": response.as_str()}),
    )
    .await?;
    txn.commit().await?;
    describe(db, vec![updated]).await?.pop().ok_or(ApiError::NotFound)
}

/// The students the caller may see: a school its own, the organizer everyone. Logged.
pub async fn list(
    db: &DatabaseConnection,
    user: &CurrentUser,
    round_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<Student>, ApiError> {
    let (_, part) = load(db, user, round_id).await?;
    let mut query = students::Entity::find().filter(students::Column::RoundId.eq(round_id));
    match part {
        Part::Organizer => {}
        Part::School => query = query.filter(students::Column::SchoolId.eq(school_of(user)?)),
        Part::Enterprise | Part::Observer => return Err(ApiError::Forbidden),
    }
    let rows = query.order_by_asc(students::Column::Id).all(db).await?;
    log_access(db, user, round_id, Access::Students, rows.len(), now).await?;
    describe(db, rows).await
}

pub(crate) async fn describe(db: &impl ConnectionTrait, rows: Vec<students::Model>) -> Result<Vec<Student>, ApiError> {
    let mut lists: HashMap<i64, Vec<(i32, i64)>> = HashMap::new();
    for pref in preferences::Entity::find()
        .filter(preferences::Column::StudentId.is_in(rows.iter().map(|r| r.id)))
        .all(db)
        .await?
    {
        lists.entry(pref.student_id).or_default().push((pref.rank, pref.place_id));
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut list = lists.remove(&row.id).unwrap_or_default();
            list.sort();
            let program_name =
                chanjiao_domain::ProgramCode::parse(&row.program_code).map(|c| c.name().to_owned()).unwrap_or_default();
            Student {
                id: row.id,
                school_id: row.school_id,
                pseudonym: row.pseudonym,
                program_code: row.program_code,
                program_name,
                level: *row.level,
                consent_at: row.consent_at,
                response: *row.response,
                preferences: list.into_iter().map(|(_, place)| place).collect(),
            }
        })
        .collect())
}

/// One of the caller's school's students with their preferences.
pub async fn one(
    db: &DatabaseConnection,
    user: &CurrentUser,
    round_id: i64,
    student_id: i64,
) -> Result<Student, ApiError> {
    load(db, user, round_id).await?;
    let student = own_student(db, user, round_id, student_id).await?;
    describe(db, vec![student]).await?.pop().ok_or(ApiError::NotFound)
}
