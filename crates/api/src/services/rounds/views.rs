//! Reading a round's results: each school its own students' results (after publication; the
//! organizer every student's once run), each enterprise its intake (after publication), and the
//! organizer the access log. Every read of student-level data here is logged.

use std::collections::HashMap;

use chanjiao_domain::rounds::Phase;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::manage::places_of;
use super::students::school_of;
use super::{Access, Part, load, log_access};
use crate::auth::CurrentUser;
use crate::entities::rounds::{access_log, places, results, students};
use crate::error::ApiError;

/// One student's result, as their school sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = RoundResult)]
pub struct StudentOutcome {
    pub student_id: i64,
    pub pseudonym: String,
    pub school_id: i64,
    pub program_code: String,
    pub level: String,
    pub place_id: Option<i64>,
    pub place_title: Option<String>,
    pub organization_name: Option<String>,
    /// 1-based position of the place in the student's list.
    pub choice: Option<u32>,
    pub explanation_zh: String,
    pub explanation_en: String,
    pub response: String,
}

/// A student placed with the enterprise, as it sees them after publication.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = RoundIntern)]
pub struct Intern {
    pub student_id: i64,
    pub pseudonym: String,
    pub program_code: String,
    pub program_name: String,
    pub level: String,
    pub school_id: i64,
    pub school_name: String,
    pub choice: Option<u32>,
    pub response: String,
}

/// One of the enterprise's places and who was placed there.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = RoundIntake)]
pub struct Intake {
    pub place_id: i64,
    pub title: String,
    pub capacity: u32,
    pub students: Vec<Intern>,
}

/// One access-log entry.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = RoundAccessEntry)]
pub struct AccessEntry {
    pub at: DateTime<Utc>,
    pub user_email: String,
    pub organization_id: Option<i64>,
    pub organization_name: Option<String>,
    pub what: String,
    pub records: i32,
}

fn not_yet(phase: Phase) -> ApiError {
    ApiError::Refused {
        field: "phase",
        code: "wrong_phase",
        en: format!("the round is {phase}: results are not published yet"),
        zh: format!("轮次当前处于「{}」阶段，结果尚未发布", phase.zh()),
    }
}

/// Results: a school's own students once published; every student for the organizer once run.
pub async fn results(
    db: &DatabaseConnection,
    user: &CurrentUser,
    round_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<StudentOutcome>, ApiError> {
    let (row, part) = load(db, user, round_id).await?;
    let phase = *row.phase;
    let mut query = students::Entity::find().filter(students::Column::RoundId.eq(round_id));
    match part {
        Part::Organizer if matches!(phase, Phase::Run | Phase::Published | Phase::Closed) => {}
        Part::School if matches!(phase, Phase::Published | Phase::Closed) => {
            query = query.filter(students::Column::SchoolId.eq(school_of(user)?));
        }
        Part::Organizer | Part::School => return Err(not_yet(phase)),
        Part::Enterprise | Part::Observer => return Err(ApiError::Forbidden),
    }
    let rows = query.order_by_asc(students::Column::Id).all(db).await?;
    let result_rows: HashMap<i64, results::Model> = results::Entity::find()
        .filter(results::Column::StudentId.is_in(rows.iter().map(|s| s.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.student_id, r))
        .collect();
    let place_list = places_of(db, round_id).await?;
    let place_info: HashMap<i64, (String, String)> =
        place_list.into_iter().map(|p| (p.id, (p.title, p.organization_name))).collect();
    log_access(db, user, round_id, Access::Results, rows.len(), now).await?;
    Ok(rows
        .into_iter()
        .map(|s| {
            let result = result_rows.get(&s.id);
            let place_id = result.and_then(|r| r.place_id);
            let info = place_id.and_then(|p| place_info.get(&p));
            StudentOutcome {
                student_id: s.id,
                pseudonym: s.pseudonym,
                school_id: s.school_id,
                program_code: s.program_code,
                level: s.level.as_str().to_owned(),
                place_id,
                place_title: info.map(|i| i.0.clone()),
                organization_name: info.map(|i| i.1.clone()),
                choice: result.and_then(|r| r.choice).map(|c| c as u32),
                explanation_zh: result.map(|r| r.explanation_zh.clone()).unwrap_or_default(),
                explanation_en: result.map(|r| r.explanation_en.clone()).unwrap_or_default(),
                response: s.response.as_str().to_owned(),
            }
        })
        .collect())
}

/// The enterprise's places in the round and the students placed there, once published.
pub async fn intake(
    db: &DatabaseConnection,
    user: &CurrentUser,
    round_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<Intake>, ApiError> {
    let (row, _) = load(db, user, round_id).await?;
    let org = user.organization_id().ok_or(ApiError::Forbidden)?;
    let own: Vec<places::Model> = places::Entity::find()
        .filter(places::Column::RoundId.eq(round_id))
        .filter(places::Column::OrganizationId.eq(org))
        .order_by_asc(places::Column::Id)
        .all(db)
        .await?;
    if own.is_empty() {
        return Err(ApiError::Forbidden);
    }
    let phase = *row.phase;
    if !matches!(phase, Phase::Published | Phase::Closed) {
        return Err(not_yet(phase));
    }
    let placed =
        results::Entity::find().filter(results::Column::PlaceId.is_in(own.iter().map(|p| p.id))).all(db).await?;
    let student_rows: HashMap<i64, students::Model> = students::Entity::find()
        .filter(students::Column::Id.is_in(placed.iter().map(|r| r.student_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let schools = crate::services::organizations::names(db, student_rows.values().map(|s| s.school_id)).await?;
    let titles: HashMap<i64, String> = places_of(db, round_id).await?.into_iter().map(|p| (p.id, p.title)).collect();
    log_access(db, user, round_id, Access::Intake, placed.len(), now).await?;
    Ok(own
        .into_iter()
        .map(|place| {
            let mut interns: Vec<Intern> = placed
                .iter()
                .filter(|r| r.place_id == Some(place.id))
                .filter_map(|r| {
                    let s = student_rows.get(&r.student_id)?;
                    Some(Intern {
                        student_id: s.id,
                        pseudonym: s.pseudonym.clone(),
                        program_name: chanjiao_domain::ProgramCode::parse(&s.program_code)
                            .map(|c| c.name().to_owned())
                            .unwrap_or_default(),
                        program_code: s.program_code.clone(),
                        level: s.level.as_str().to_owned(),
                        school_id: s.school_id,
                        school_name: schools.get(&s.school_id).cloned().unwrap_or_default(),
                        choice: r.choice.map(|c| c as u32),
                        response: s.response.as_str().to_owned(),
                    })
                })
                .collect();
            interns.sort_by_key(|i| i.student_id);
            Intake {
                place_id: place.id,
                title: titles.get(&place.id).cloned().unwrap_or_default(),
                capacity: u32::try_from(place.capacity).unwrap_or(0),
                students: interns,
            }
        })
        .collect())
}

/// The round's access log, newest first: the organizer's and platform administrators' only.
pub async fn access_log(
    db: &DatabaseConnection,
    user: &CurrentUser,
    round_id: i64,
) -> Result<Vec<AccessEntry>, ApiError> {
    let (_, part) = load(db, user, round_id).await?;
    if part != Part::Organizer {
        return Err(ApiError::Forbidden);
    }
    let rows = access_log::Entity::find()
        .filter(access_log::Column::RoundId.eq(round_id))
        .order_by_desc(access_log::Column::Id)
        .all(db)
        .await?;
    let names = crate::services::organizations::names(db, rows.iter().filter_map(|r| r.organization_id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| AccessEntry {
            at: r.at,
            organization_name: r.organization_id.and_then(|o| names.get(&o).cloned()),
            user_email: r.user_email,
            organization_id: r.organization_id,
            what: r.what,
            records: r.records,
        })
        .collect())
}

/// The preferences workbook: the caller's school's students (none for the template) and the
/// round's places. Reading the students is logged as an export.
pub async fn preferences_sheet(
    db: &DatabaseConnection,
    user: &CurrentUser,
    round_id: i64,
    template: bool,
    now: DateTime<Utc>,
) -> Result<Vec<u8>, ApiError> {
    let (_, _) = load(db, user, round_id).await?;
    let places: Vec<Vec<String>> = places_of(db, round_id)
        .await?
        .into_iter()
        .map(|p| vec![p.id.to_string(), p.title, p.organization_name, p.capacity.to_string()])
        .collect();
    let mut rows = Vec::new();
    if !template {
        let school_id = school_of(user)?;
        let students = students::Entity::find()
            .filter(students::Column::RoundId.eq(round_id))
            .filter(students::Column::SchoolId.eq(school_id))
            .order_by_asc(students::Column::Id)
            .all(db)
            .await?;
        log_access(db, user, round_id, Access::Export, students.len(), now).await?;
        for student in super::students::describe(db, students).await? {
            let mut row =
                vec![student.pseudonym, student.program_code, student.level.as_str().to_owned(), "是".to_owned()];
            row.extend(student.preferences.iter().map(ToString::to_string));
            rows.push(row);
        }
    }
    crate::sheets::rounds::preferences_book(&rows, &places).map_err(ApiError::Sheet)
}

/// The results workbook: what [`results`] shows the caller.
pub async fn results_sheet(
    db: &DatabaseConnection,
    user: &CurrentUser,
    round_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<u8>, ApiError> {
    let rows: Vec<Vec<String>> = results(db, user, round_id, now)
        .await?
        .into_iter()
        .map(|r| {
            vec![
                r.pseudonym,
                r.program_code,
                r.level,
                r.place_id.map(|p| p.to_string()).unwrap_or_default(),
                r.place_title.unwrap_or_default(),
                r.organization_name.unwrap_or_default(),
                r.choice.map(|c| c.to_string()).unwrap_or_default(),
                r.explanation_zh,
                r.explanation_en,
                r.response,
            ]
        })
        .collect();
    crate::sheets::rounds::results_book(&rows).map_err(ApiError::Sheet)
}
