//! A round's spreadsheets: the preferences template, the school's export and import of its
//! students and preferences, and the results.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::Db;
use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::routes::api::extract::{ApiMultipart, Path};
use crate::routes::api::openapi::shared::{NotFound, TooManyRequests};
use crate::services::rounds::students::{self, Student};
use crate::services::rounds::views;

fn xlsx(stem: &str, bytes: Vec<u8>) -> axum::response::Response {
    crate::routes::api::sheets::attachment(crate::sheets::SheetFormat::Xlsx, stem, bytes)
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
    ApiMultipart(multipart): ApiMultipart,
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
