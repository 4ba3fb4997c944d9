//! Allocation rounds over the API: opening and moving a round through its phases, its places,
//! running it, the report and the access log. Students, preferences, rankings, results and
//! intakes are in [`people`]; the spreadsheets in [`sheets`]. Permissions and phases are checked
//! by `services::rounds`.

mod people;
mod sheets;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chanjiao_domain::rounds::Step;

use super::ApiJson;
use super::extract::Path;
use super::openapi::shared::{NotFound, PhaseRefused};
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::services::rounds::manage::{AdvanceInput, Place, PlaceInput, RoundDetail, RoundInput};
use crate::services::rounds::views::AccessEntry;
use crate::services::rounds::{Round, manage, run, views};
use crate::startup::AppState;

pub use people::*;
pub use sheets::*;

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
        (status = 409, response = PhaseRefused),
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
        (status = 409, response = PhaseRefused),
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
        (status = 409, response = PhaseRefused),
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
        (status = 409, response = PhaseRefused),
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
