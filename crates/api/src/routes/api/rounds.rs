//! Allocation rounds over the API: opening and moving a round through its phases, places,
//! students and preferences, enterprises' rankings, running, results, intakes, the report and
//! the access log. Permissions and phases are checked by `services::rounds`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chanjiao_domain::rounds::Step;

use super::ApiJson;
use super::extract::Path;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::services::rounds::manage::{AdvanceInput, Place, PlaceInput, RoundDetail, RoundInput};
use crate::services::rounds::ranking::{Applicants, RankingBody};
use crate::services::rounds::students::{PreferencesBody, ResponseBody, Student, StudentBody};
use crate::services::rounds::views::{AccessEntry, Intake, StudentOutcome};
use crate::services::rounds::{Round, manage, ranking, run, students, views};
use crate::startup::AppState;

type Db = State<AppState>;

/// `GET /rounds`.
pub async fn list(State(state): Db, ApiUser(user): ApiUser) -> Result<Json<Vec<Round>>, ApiError> {
    Ok(Json(manage::list(&state.db, &user).await?))
}

/// `POST /rounds`: a draft round with its deadline and recorded seed.
pub async fn create(
    State(state): Db,
    ApiUser(user): ApiUser,
    ApiJson(input): ApiJson<RoundInput>,
) -> Result<(StatusCode, Json<Round>), ApiError> {
    Ok((StatusCode::CREATED, Json(manage::create(&state.db, &user, &input, state.clock.now()).await?)))
}

/// `GET /rounds/{id}`.
pub async fn show(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<RoundDetail>, ApiError> {
    Ok(Json(manage::get(&state.db, &user, id).await?))
}

/// `POST /rounds/{id}/places`.
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
pub async fn open(State(state): Db, ApiUser(user): ApiUser, Path(id): Path<i64>) -> Result<Json<Round>, ApiError> {
    advance(&state, &user, id, Step::Open, &AdvanceInput::default()).await
}

/// `POST /rounds/{id}/publish`, with an optional body `{"response_deadline": …}`.
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
pub async fn close(State(state): Db, ApiUser(user): ApiUser, Path(id): Path<i64>) -> Result<Json<Round>, ApiError> {
    advance(&state, &user, id, Step::Close, &AdvanceInput::default()).await
}

/// `POST /rounds/{id}/run`: the report of the run.
pub async fn run_round(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<run::Report>, ApiError> {
    Ok(Json(run::run(&state.db, &user, id, state.clock.now()).await?))
}

/// `POST /rounds/{id}/follow-up`.
pub async fn follow_up(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<RoundInput>,
) -> Result<(StatusCode, Json<Round>), ApiError> {
    Ok((StatusCode::CREATED, Json(manage::follow_up(&state.db, &user, id, &input, state.clock.now()).await?)))
}

/// `GET /rounds/{id}/report`.
pub async fn report(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<run::Report>, ApiError> {
    Ok(Json(run::report(&state.db, &user, id).await?))
}

/// `GET /rounds/{id}/students`.
pub async fn list_students(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Student>>, ApiError> {
    Ok(Json(students::list(&state.db, &user, id, state.clock.now()).await?))
}

/// `POST /rounds/{id}/students`.
pub async fn add_student(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<StudentBody>,
) -> Result<(StatusCode, Json<Student>), ApiError> {
    Ok((StatusCode::CREATED, Json(students::add(&state.db, &user, id, &body, state.clock.now()).await?)))
}

/// `DELETE /rounds/{id}/students/{student}`.
pub async fn remove_student(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path((id, student)): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    students::remove(&state.db, &user, id, student, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `PUT /rounds/{id}/students/{student}/preferences`.
pub async fn set_preferences(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path((id, student)): Path<(i64, i64)>,
    ApiJson(body): ApiJson<PreferencesBody>,
) -> Result<Json<Student>, ApiError> {
    Ok(Json(students::set_preferences(&state.db, &user, id, student, &body, state.clock.now()).await?))
}

/// `POST /rounds/{id}/students/{student}/response`.
pub async fn respond(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path((id, student)): Path<(i64, i64)>,
    ApiJson(body): ApiJson<ResponseBody>,
) -> Result<Json<Student>, ApiError> {
    Ok(Json(students::respond(&state.db, &user, id, student, &body, state.clock.now()).await?))
}

/// `GET /rounds/{id}/places/{place}/applicants`.
pub async fn applicants(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path((id, place)): Path<(i64, i64)>,
) -> Result<Json<Applicants>, ApiError> {
    Ok(Json(ranking::applicants(&state.db, &user, id, place, state.clock.now()).await?))
}

/// `PUT /rounds/{id}/places/{place}/ranking`.
pub async fn set_ranking(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path((id, place)): Path<(i64, i64)>,
    ApiJson(body): ApiJson<RankingBody>,
) -> Result<Json<Applicants>, ApiError> {
    Ok(Json(ranking::set(&state.db, &user, id, place, &body, state.clock.now()).await?))
}

/// `GET /rounds/{id}/results`.
pub async fn results(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<StudentOutcome>>, ApiError> {
    Ok(Json(views::results(&state.db, &user, id, state.clock.now()).await?))
}

/// `GET /rounds/{id}/intake`.
pub async fn intake(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Intake>>, ApiError> {
    Ok(Json(views::intake(&state.db, &user, id, state.clock.now()).await?))
}

/// `GET /rounds/{id}/access-log`.
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
pub async fn template_sheet(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<axum::response::Response, ApiError> {
    Ok(xlsx("志愿导入模板", views::preferences_sheet(&state.db, &user, id, true, state.clock.now()).await?))
}

/// `GET /rounds/{id}/sheets/preferences`: the caller's school's students and preferences.
pub async fn preferences_sheet(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<axum::response::Response, ApiError> {
    Ok(xlsx("学生志愿", views::preferences_sheet(&state.db, &user, id, false, state.clock.now()).await?))
}

/// `POST /rounds/{id}/sheets/preferences`: import students and preferences (multipart `file`),
/// all or nothing. The caller and the round's phase are checked before the upload is read.
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
pub async fn results_sheet(
    State(state): Db,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<axum::response::Response, ApiError> {
    Ok(xlsx("分配结果", views::results_sheet(&state.db, &user, id, state.clock.now()).await?))
}
