//! Spreadsheets over the API: import postings, export a listing, download the template, and
//! follow an import's progress.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chanjiao_domain::posting::Side;
use serde::{Deserialize, Serialize};

use super::extract::{ApiMultipart, Path, Query};
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::routes::uploads::read_upload;
use crate::services::imports::{self, Imported, Progress};
use crate::services::postings::ListQuery;
use crate::sheets;
use crate::startup::AppState;
// The download helpers live in crate::web::download; re-exported for the API's rounds export.
pub use crate::web::download::{attachment, parse_format};

pub async fn import(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiMultipart(multipart): ApiMultipart,
) -> Result<(StatusCode, Json<Imported>), ApiError> {
    imports::may_import(&user)?;
    let upload = read_upload(multipart).await?;
    let imported =
        imports::import(&state.db, &user, upload, &state.imports, state.clock.today(), state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(imported)))
}

/// A token issued by the server, to send with an upload as `progress` and poll.
#[derive(Debug, Serialize)]
pub struct ProgressToken {
    token: String,
}

/// `POST /imports`: a progress token for the caller's next import.
pub async fn issue(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<(StatusCode, Json<ProgressToken>), ApiError> {
    imports::may_import(&user)?;
    // Only when the process already tracks as many tokens as it keeps (see `ImportProgress`).
    let token = state.imports.issue(user.id).ok_or(ApiError::TooManyAttempts { retry_after_secs: 60 })?;
    Ok((StatusCode::CREATED, Json(ProgressToken { token })))
}

/// `GET /imports/{token}`: 404 unless the token was issued to the caller.
pub async fn progress(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(token): Path<String>,
) -> Result<Json<Progress>, ApiError> {
    state.imports.get(user.id, &token).map(Json).ok_or(ApiError::NotFound)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FileQuery {
    format: Option<String>,
    side: Option<String>,
    #[serde(flatten)]
    listing: ListQuery,
}

pub async fn export(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(query): Query<FileQuery>,
) -> Result<Response, ApiError> {
    let format = parse_format(query.format.as_deref())?;
    let bytes = imports::export(&state.db, &user, &query.listing, format, state.clock.today()).await?;
    Ok(attachment(format, "供需信息导出", bytes))
}

/// The import template for a side (default: the caller's, else the enterprise side).
pub async fn template(ApiUser(user): ApiUser, Query(query): Query<FileQuery>) -> Result<Response, ApiError> {
    let format = parse_format(query.format.as_deref())?;
    let side = match query.side.as_deref() {
        Some(raw) => raw.parse::<Side>().map_err(|e| ApiError::invalid("side", e))?,
        None => user.organization.as_ref().and_then(|o| Side::of(o.kind)).unwrap_or(Side::Enterprise),
    };
    Ok(attachment(format, "供需信息导入模板", sheets::template(format, side)))
}
