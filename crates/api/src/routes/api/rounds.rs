//! Allocation rounds over the API: opening and moving a round through its phases, places,
//! students and preferences, enterprises' rankings, running, results, intakes, the report and
//! the access log. Permissions and phases are checked by `services::rounds`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chanjiao_domain::rounds::Step;

use super::ApiJson;
use super::extract::Path;
use super::openapi::shared::{NotFound, TooManyRequests};
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::services::rounds::manage::{AdvanceInput, Place, PlaceInput, RoundDetail, RoundInput};
use crate::services::rounds::ranking::{Applicants, RankingBody};
use crate::services::rounds::students::{PreferencesBody, ResponseBody, Student, StudentBody};
use crate::services::rounds::views::{AccessEntry, Intake, StudentOutcome};
use crate::services::rounds::{Round, manage, ranking, run, students, views};
use crate::startup::AppState;

type Db = State<AppState>;

/// `GET /rounds`.
#[utoipa::path(
    get,
    path = "/rounds",
    operation_id = "listRounds",
    tag = "rounds",
    summary = "Rounds the caller may see: their own as organizer, and every opened one",
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The rounds.", body = Vec<Round>),
        (status = 404, response = NotFound),
    ),
)]
pub async fn list(State(state): Db, ApiUser(user): ApiUser) -> Result<Json<Vec<Round>>, ApiError> {
    Ok(Json(manage::list(&state.db, &user).await?))
}

/// `POST /rounds`: a draft round with its deadline and recorded seed.
#[utoipa::path(
    post,
    path = "/rounds",
    operation_id = "createRound",
    tag = "rounds",
    summary = "Open a round as a draft (authorities and intermediaries); the lottery seed is drawn and recorded",
    request_body = RoundInput,
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "The round.", body = Round),
        (status = 404, response = NotFound),
    ),
)]
pub async fn create(
    State(state): Db,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<RoundInput>,
) -> Result<(StatusCode, Json<Round>), ApiError> {
    Ok((StatusCode::CREATED, Json(manage::create(&state.db, &user, &input, state.clock.now()).await?)))
}

/// `GET /rounds/{id}`.
#[utoipa::path(
    get,
    path = "/rounds/{id}",
    operation_id = "getRound",
    tag = "rounds",
    summary = "A round with its places and the caller's part in it",
    params(
        ("id" = i64, Path, minimum = 1, description = "The round's id."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The round.", body = RoundDetail),
        (status = 404, response = NotFound),
    ),
)]
pub async fn show(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<RoundDetail>, ApiError> {
    Ok(Json(manage::get(&state.db, &user, id).await?))
}

/// `POST /rounds/{id}/places`.
#[utoipa::path(
    post,
    path = "/rounds/{id}/places",
    operation_id = "addRoundPlace",
    tag = "rounds",
    summary = "Add a published apprenticeship, order-class or training-base posting of an enterprise as a place",
    params(
        ("id" = i64, Path, minimum = 1, description = "The round's id."),
    ),
    request_body = PlaceInput,
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "The place.", body = Place),
        (status = 404, response = NotFound),
        (status = 409, description = "Refused in the round's current phase (code `wrong_phase`, field `phase`) or \
            after the deadline (`deadline_passed`). Also `posting_id` when the posting is already in the round.",
            body = Problem,
            content_type = "application/problem+json"),
    ),
)]
pub async fn add_place(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<PlaceInput>,
) -> Result<(StatusCode, Json<Place>), ApiError> {
    Ok((StatusCode::CREATED, Json(manage::add_place(&state.db, &user, id, &input, state.clock.now()).await?)))
}

async fn advance(
    state: &AppState,
    user: &crate::auth::CurrentUser,
    id: i64,
    step: Step,
    input: &AdvanceInput,
) -> Result<Json<Round>, ApiError> {
    Ok(Json(manage::advance(&state.db, user, id, step, input, state.clock.now()).await?))
}

/// `POST /rounds/{id}/open`.
#[utoipa::path(
    post,
    path = "/rounds/{id}/open",
    operation_id = "openRound",
    tag = "rounds",
    summary = "Open a draft round for preferences",
    params(
        ("id" = i64, Path, minimum = 1, description = "The round's id."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The round.", body = Round),
        (status = 404, response = NotFound),
        (status = 409, description = "Refused in the round's current phase (code `wrong_phase`, field `phase`) or \
            after the deadline (`deadline_passed`). Also `no_places`.", body = Problem,
            content_type = "application/problem+json"),
    ),
)]
pub async fn open(State(state): Db, ApiUser(user): ApiUser, Path(id): Path<i64>) -> Result<Json<Round>, ApiError> {
    advance(&state, &user, id, Step::Open, &AdvanceInput::default()).await
}

/// `POST /rounds/{id}/publish`, with an optional body `{"response_deadline": …}`.
#[utoipa::path(
    post,
    path = "/rounds/{id}/publish",
    operation_id = "publishRound",
    tag = "rounds",
    summary = "Publish the results; schools then record responses until the response deadline (7 days by default)",
    params(
        ("id" = i64, Path, minimum = 1, description = "The round's id."),
    ),
    request_body(content = Option<AdvanceInput>, description = "Optional; an empty body takes the defaults. A body \
        that is not JSON of this shape is a 400."),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The round.", body = Round),
        (status = 404, response = NotFound),
        (status = 409, description = "Refused in the round's current phase (code `wrong_phase`, field `phase`) or \
            after the deadline (`deadline_passed`).", body = Problem,
            content_type = "application/problem+json"),
    ),
)]
pub async fn publish(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Json<Round>, ApiError> {
    let input: AdvanceInput = if body.iter().all(u8::is_ascii_whitespace) {
        AdvanceInput::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| ApiError::BadRequest(format!("body: {e}")))?
    };
    advance(&state, &user, id, Step::Publish, &input).await
}

/// `POST /rounds/{id}/close`.
#[utoipa::path(
    post,
    path = "/rounds/{id}/close",
    operation_id = "closeRound",
    tag = "rounds",
    summary = "Close a published round; its personal data is deleted after the retention period",
    params(
        ("id" = i64, Path, minimum = 1, description = "The round's id."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The round.", body = Round),
        (status = 404, response = NotFound),
        (status = 409, description = "Refused in the round's current phase (code `wrong_phase`, field `phase`) or \
            after the deadline (`deadline_passed`).", body = Problem,
            content_type = "application/problem+json"),
    ),
)]
pub async fn close(State(state): Db, ApiUser(user): ApiUser, Path(id): Path<i64>) -> Result<Json<Round>, ApiError> {
    advance(&state, &user, id, Step::Close, &AdvanceInput::default()).await
}

/// `POST /rounds/{id}/run`: the report of the run.
#[utoipa::path(
    post,
    path = "/rounds/{id}/run",
    operation_id = "runRound",
    tag = "rounds",
    summary = "Run the round (again): results are stored but visible to the organizer only; deterministic",
    params(
        ("id" = i64, Path, minimum = 1, description = "The round's id."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The report.", body = run::Report),
        (status = 404, response = NotFound),
        (status = 409, description = "Refused in the round's current phase (code `wrong_phase`, field `phase`) or \
            after the deadline (`deadline_passed`).", body = Problem,
            content_type = "application/problem+json"),
    ),
)]
pub async fn run_round(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<run::Report>, ApiError> {
    Ok(Json(run::run(&state.db, &user, id, state.clock.now()).await?))
}

/// `POST /rounds/{id}/follow-up`.
#[utoipa::path(
    post,
    path = "/rounds/{id}/follow-up",
    operation_id = "followUpRound",
    tag = "rounds",
    summary = "Open a follow-up round for unfilled places and unplaced or declined students",
    params(
        ("id" = i64, Path, minimum = 1, description = "The round's id."),
    ),
    request_body = RoundInput,
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "The new round.", body = Round),
        (status = 404, response = NotFound),
        (status = 409, description = "Refused in the round's current phase (code `wrong_phase`, field `phase`) or \
            after the deadline (`deadline_passed`).", body = Problem,
            content_type = "application/problem+json"),
    ),
)]
pub async fn follow_up(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<RoundInput>,
) -> Result<(StatusCode, Json<Round>), ApiError> {
    Ok((StatusCode::CREATED, Json(manage::follow_up(&state.db, &user, id, &input, state.clock.now()).await?)))
}

/// `GET /rounds/{id}/report`.
#[utoipa::path(
    get,
    path = "/rounds/{id}/report",
    operation_id = "getRoundReport",
    tag = "rounds",
    summary = "The aggregate report: matched counts, rank distribution, unfilled places, blocking pairs, mechanism \
        comparison",
    params(
        ("id" = i64, Path, minimum = 1, description = "The round's id."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The report.", body = run::Report),
        (status = 404, response = NotFound),
    ),
)]
pub async fn report(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<run::Report>, ApiError> {
    Ok(Json(run::report(&state.db, &user, id).await?))
}

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
        (status = 409, description = "Refused in the round's current phase (code `wrong_phase`, field `phase`) or \
            after the deadline (`deadline_passed`).", body = Problem,
            content_type = "application/problem+json"),
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
        (status = 409, description = "Refused in the round's current phase (code `wrong_phase`, field `phase`) or \
            after the deadline (`deadline_passed`).", body = Problem,
            content_type = "application/problem+json"),
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
        (status = 409, description = "Refused in the round's current phase (code `wrong_phase`, field `phase`) or \
            after the deadline (`deadline_passed`).", body = Problem,
            content_type = "application/problem+json"),
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
        (status = 409, description = "Refused in the round's current phase (code `wrong_phase`, field `phase`) or \
            after the deadline (`deadline_passed`).", body = Problem,
            content_type = "application/problem+json"),
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
        (status = 409, description = "Refused in the round's current phase (code `wrong_phase`, field `phase`) or \
            after the deadline (`deadline_passed`).", body = Problem,
            content_type = "application/problem+json"),
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
        (status = 409, description = "Refused in the round's current phase (code `wrong_phase`, field `phase`) or \
            after the deadline (`deadline_passed`).", body = Problem,
            content_type = "application/problem+json"),
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
        (status = 409, description = "Refused in the round's current phase (code `wrong_phase`, field `phase`) or \
            after the deadline (`deadline_passed`).", body = Problem,
            content_type = "application/problem+json"),
    ),
)]
pub async fn intake(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Intake>>, ApiError> {
    Ok(Json(views::intake(&state.db, &user, id, state.clock.now()).await?))
}

/// `GET /rounds/{id}/access-log`.
#[utoipa::path(
    get,
    path = "/rounds/{id}/access-log",
    operation_id = "getRoundAccessLog",
    tag = "rounds",
    summary = "Who read student-level data of the round, newest first (the organizer)",
    params(
        ("id" = i64, Path, minimum = 1, description = "The round's id."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The log.", body = Vec<AccessEntry>),
        (status = 404, response = NotFound),
    ),
)]
pub async fn access_log(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<AccessEntry>>, ApiError> {
    Ok(Json(views::access_log(&state.db, &user, id).await?))
}

fn xlsx(stem: &str, bytes: Vec<u8>) -> axum::response::Response {
    super::sheets::attachment(crate::sheets::SheetFormat::Xlsx, stem, bytes)
}

/// `GET /rounds/{id}/sheets/template`: the preferences template with the round's places.
#[utoipa::path(
    get,
    path = "/rounds/{id}/sheets/template",
    operation_id = "roundPreferencesTemplate",
    tag = "rounds",
    summary = "The preferences template (.xlsx): columns 化名编号, 专业代码, 层次, 同意, 志愿1–志愿20 (place ids), and a sheet \
        listing the round's places",
    params(
        ("id" = i64, Path, minimum = 1, description = "The round's id."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The workbook.", body = String,
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, response = NotFound),
    ),
)]
pub async fn template_sheet(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<axum::response::Response, ApiError> {
    Ok(xlsx("志愿导入模板", views::preferences_sheet(&state.db, &user, id, true, state.clock.now()).await?))
}

/// `GET /rounds/{id}/sheets/preferences`: the caller's school's students and preferences.
#[utoipa::path(
    get,
    path = "/rounds/{id}/sheets/preferences",
    operation_id = "exportRoundPreferences",
    tag = "rounds",
    summary = "The caller's school's students and preferences (.xlsx); logged",
    params(
        ("id" = i64, Path, minimum = 1, description = "The round's id."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The workbook.", body = String,
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, response = NotFound),
        (status = 429, response = TooManyRequests),
    ),
)]
pub async fn preferences_sheet(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<axum::response::Response, ApiError> {
    Ok(xlsx("学生志愿", views::preferences_sheet(&state.db, &user, id, false, state.clock.now()).await?))
}

/// The multipart form of a preferences import; only its description is used (the handler reads
/// the form with `routes::uploads`).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct PreferencesUpload {
    /// The workbook (.xlsx).
    #[schema(value_type = String, content_media_type = "application/octet-stream")]
    file: Vec<u8>,
}

/// `POST /rounds/{id}/sheets/preferences`: import students and preferences (multipart `file`),
/// all or nothing. The caller and the round's phase are checked before the upload is read.
#[utoipa::path(
    post,
    path = "/rounds/{id}/sheets/preferences",
    operation_id = "importRoundPreferences",
    tag = "rounds",
    summary = "Import students and preferences of the caller's school from .xlsx, all or nothing; problems name \
        `rows[N].field`",
    description = "The caller (a school), the round (visible to it) and its phase (collecting preferences) are \
        checked before the file is read; then the file is read within the bounds of docs/security/files.md.",
    params(
        ("id" = i64, Path, minimum = 1, description = "The round's id."),
    ),
    request_body(content = PreferencesUpload, content_type = "multipart/form-data"),
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "The students imported.", body = Vec<Student>),
        (status = 404, response = NotFound),
        (status = 409, description = "Refused in the round's current phase.", body = Problem,
            content_type = "application/problem+json"),
        (status = 413, description = "The upload is larger than 16 MiB, or the file goes over a bound of the \
            readers (zip members and their inflated size, shared strings, the sheet's declared or actual rows and \
            columns, cells, cell length, text, CSV record length): `errors[0]` names field `file`, the bound as \
            `code` and the value and the limit in `reason` (docs/security/files.md). Nothing was stored.",
            body = Problem,
            content_type = "application/problem+json"),
        (status = 429, response = TooManyRequests),
    ),
)]
pub async fn import_preferences(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    super::extract::ApiMultipart(multipart): super::extract::ApiMultipart,
) -> Result<(StatusCode, Json<Vec<Student>>), ApiError> {
    students::may_import(&state.db, &user, id, state.clock.now()).await?;
    let upload = crate::routes::uploads::read_upload(multipart).await?;
    let rows = tokio::task::spawn_blocking(move || crate::sheets::rounds::read_preferences(&upload.bytes))
        .await
        .map_err(|e| ApiError::Internal(format!("sheet task: {e}")))?
        .map_err(ApiError::Sheet)?;
    Ok((StatusCode::CREATED, Json(students::import(&state.db, &user, id, rows, state.clock.now()).await?)))
}

/// `GET /rounds/{id}/sheets/results`.
#[utoipa::path(
    get,
    path = "/rounds/{id}/sheets/results",
    operation_id = "exportRoundResults",
    tag = "rounds",
    summary = "The results the caller may see (.xlsx), with explanations",
    params(
        ("id" = i64, Path, minimum = 1, description = "The round's id."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The workbook.", body = String,
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, response = NotFound),
        (status = 409, description = "Results not published yet.", body = Problem,
            content_type = "application/problem+json"),
        (status = 429, response = TooManyRequests),
    ),
)]
pub async fn results_sheet(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<axum::response::Response, ApiError> {
    Ok(xlsx("分配结果", views::results_sheet(&state.db, &user, id, state.clock.now()).await?))
}
