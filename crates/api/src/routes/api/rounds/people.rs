//! A round's students and their preferences and responses (schools), the applicants to a place
//! and their ranking (enterprises), and the results and intakes once run or published.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::Db;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::routes::api::ApiJson;
use crate::routes::api::extract::Path;
use crate::routes::api::openapi::shared::{NotFound, PhaseRefused};
use crate::services::rounds::ranking::{Applicants, RankingBody};
use crate::services::rounds::students::{PreferencesBody, ResponseBody, Student, StudentBody};
use crate::services::rounds::views::{Intake, StudentOutcome};
use crate::services::rounds::{ranking, students, views};

/// `GET /rounds/{id}/students`.
#[utoipa::path(
    get,
    path = "/rounds/{id}/students",
    operation_id = "listRoundStudents",
    tag = "rounds",
    summary = "The caller's school's students (the organizer: all); logged",
    params(
        ("id" = i64, Path, minimum = 1, description = "The round's id."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The students.", body = Vec<Student>),
        (status = 404, response = NotFound),
    ),
)]
pub async fn list_students(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Student>>, ApiError> {
    Ok(Json(students::list(&state.db, &user, id, state.clock.now()).await?))
}

/// `POST /rounds/{id}/students`.
#[utoipa::path(
    post,
    path = "/rounds/{id}/students",
    operation_id = "addRoundStudent",
    tag = "rounds",
    summary = "Put a student of the caller's school forward, with consent",
    params(
        ("id" = i64, Path, minimum = 1, description = "The round's id."),
    ),
    request_body = StudentBody,
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "The student.", body = Student),
        (status = 404, response = NotFound),
        (status = 409, response = PhaseRefused),
    ),
)]
pub async fn add_student(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<StudentBody>,
) -> Result<(StatusCode, Json<Student>), ApiError> {
    Ok((StatusCode::CREATED, Json(students::add(&state.db, &user, id, &body, state.clock.now()).await?)))
}

/// `DELETE /rounds/{id}/students/{student}`.
#[utoipa::path(
    delete,
    path = "/rounds/{id}/students/{student}",
    operation_id = "removeRoundStudent",
    tag = "rounds",
    summary = "Remove a student of the caller's school while the round collects preferences",
    params(
        ("id" = i64, Path, minimum = 1, description = "The round's id."),
        ("student" = i64, Path, minimum = 1, description = "The student's id in the round."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "Removed."),
        (status = 404, response = NotFound),
        (status = 409, response = PhaseRefused),
    ),
)]
pub async fn remove_student(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path((id, student)): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    students::remove(&state.db, &user, id, student, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /rounds/{id}/students/{student}/preferences`.
#[utoipa::path(
    put,
    path = "/rounds/{id}/students/{student}/preferences",
    operation_id = "setRoundPreferences",
    tag = "rounds",
    summary = "Replace a student's ranked places (at most 20)",
    params(
        ("id" = i64, Path, minimum = 1, description = "The round's id."),
        ("student" = i64, Path, minimum = 1, description = "The student's id in the round."),
    ),
    request_body = PreferencesBody,
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The student.", body = Student),
        (status = 404, response = NotFound),
        (status = 409, response = PhaseRefused),
    ),
)]
pub async fn set_preferences(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path((id, student)): Path<(i64, i64)>,
    ApiJson(body): ApiJson<PreferencesBody>,
) -> Result<Json<Student>, ApiError> {
    Ok(Json(students::set_preferences(&state.db, &user, id, student, &body, state.clock.now()).await?))
}

/// `POST /rounds/{id}/students/{student}/response`.
#[utoipa::path(
    post,
    path = "/rounds/{id}/students/{student}/response",
    operation_id = "respondRoundResult",
    tag = "rounds",
    summary = "Record a placed student's acceptance or decline",
    params(
        ("id" = i64, Path, minimum = 1, description = "The round's id."),
        ("student" = i64, Path, minimum = 1, description = "The student's id in the round."),
    ),
    request_body = ResponseBody,
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The student.", body = Student),
        (status = 404, response = NotFound),
        (status = 409, description = "Refused in the round's current phase (code `wrong_phase`, field `phase`) or \
            after the deadline (`deadline_passed`). Also `not_placed`.", body = Problem,
            content_type = "application/problem+json"),
    ),
)]
pub async fn respond(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path((id, student)): Path<(i64, i64)>,
    ApiJson(body): ApiJson<ResponseBody>,
) -> Result<Json<Student>, ApiError> {
    Ok(Json(students::respond(&state.db, &user, id, student, &body, state.clock.now()).await?))
}

/// `GET /rounds/{id}/places/{place}/applicants`.
#[utoipa::path(
    get,
    path = "/rounds/{id}/places/{place}/applicants",
    operation_id = "listRoundApplicants",
    tag = "rounds",
    summary = "The applicants to one of the caller's places (pseudonym, program, level), in ranking order; logged",
    params(
        ("id" = i64, Path, minimum = 1, description = "The round's id."),
        ("place" = i64, Path, minimum = 1, description = "The place's id in the round."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The applicants.", body = Applicants),
        (status = 404, response = NotFound),
        (status = 409, response = PhaseRefused),
    ),
)]
pub async fn applicants(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path((id, place)): Path<(i64, i64)>,
) -> Result<Json<Applicants>, ApiError> {
    Ok(Json(ranking::applicants(&state.db, &user, id, place, state.clock.now()).await?))
}

/// `PUT /rounds/{id}/places/{place}/ranking`.
#[utoipa::path(
    put,
    path = "/rounds/{id}/places/{place}/ranking",
    operation_id = "setRoundRanking",
    tag = "rounds",
    summary = "Rank the applicants explicitly or choose the scoring rule; interview scores and unacceptable marks",
    params(
        ("id" = i64, Path, minimum = 1, description = "The round's id."),
        ("place" = i64, Path, minimum = 1, description = "The place's id in the round."),
    ),
    request_body = RankingBody,
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The applicants.", body = Applicants),
        (status = 404, response = NotFound),
        (status = 409, response = PhaseRefused),
    ),
)]
pub async fn set_ranking(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path((id, place)): Path<(i64, i64)>,
    ApiJson(body): ApiJson<RankingBody>,
) -> Result<Json<Applicants>, ApiError> {
    Ok(Json(ranking::set(&state.db, &user, id, place, &body, state.clock.now()).await?))
}

/// `GET /rounds/{id}/results`.
#[utoipa::path(
    get,
    path = "/rounds/{id}/results",
    operation_id = "listRoundResults",
    tag = "rounds",
    summary = "Results with explanations: a school's own students once published (the organizer: all once run); \
        logged",
    params(
        ("id" = i64, Path, minimum = 1, description = "The round's id."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The results.", body = Vec<StudentOutcome>),
        (status = 404, response = NotFound),
        (status = 409, response = PhaseRefused),
    ),
)]
pub async fn results(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<StudentOutcome>>, ApiError> {
    Ok(Json(views::results(&state.db, &user, id, state.clock.now()).await?))
}

/// `GET /rounds/{id}/intake`.
#[utoipa::path(
    get,
    path = "/rounds/{id}/intake",
    operation_id = "getRoundIntake",
    tag = "rounds",
    summary = "The students placed with the caller's places, once published; logged",
    params(
        ("id" = i64, Path, minimum = 1, description = "The round's id."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The intake per place.", body = Vec<Intake>),
        (status = 404, response = NotFound),
        (status = 409, response = PhaseRefused),
    ),
)]
pub async fn intake(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Intake>>, ApiError> {
    Ok(Json(views::intake(&state.db, &user, id, state.clock.now()).await?))
}
