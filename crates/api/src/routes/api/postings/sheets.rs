//! Spreadsheets over the API: import postings, export a listing, download the template, and
//! follow an import's progress.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chanjiao_domain::posting::{PostingKind, PostingStatus, Side};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::ApiUser;
use crate::error::{ApiError, Problem};
use crate::routes::api::extract::{ApiMultipart, Path, Query};
use crate::routes::api::openapi::shared::{NotFound, TooManyRequests};
use crate::routes::uploads::read_upload;
use crate::services::imports::{self, Imported, Progress};
use crate::services::postings::ListQuery;
use crate::sheets;
use crate::startup::AppState;
// The download helpers live in crate::web::download; re-exported for the API's rounds export.
pub use crate::web::download::{attachment, parse_format};

/// The form `POST /postings/import` reads; it only describes the upload for the OpenAPI document
/// (`read_upload` takes the parts apart).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ImportForm {
    /// The spreadsheet.
    #[schema(value_type = String, content_media_type = "application/octet-stream")]
    file: Vec<u8>,
    /// A token from `POST /imports`, issued to the caller, to follow the import at
    /// `GET /imports/{token}`. Any other value is refused (422 on field `progress`).
    #[schema(max_length = 64)]
    progress: Option<String>,
}

#[utoipa::path(
    post,
    path = "/postings/import",
    operation_id = "importPostings",
    tag = "sheets",
    summary = "Import postings from a spreadsheet, all or nothing",
    description = "An `.xlsx` workbook (sheet 岗位与资源, else the first) or a CSV file (UTF-8, GB18030/GBK or \
        UTF-16 with a byte-order mark) laid out like `GET /postings/template`. Every row is checked first; then all \
        rows are stored in one transaction, or none. At most 16 MiB, read within the bounds of \
        docs/security/files.md. The caller's organization is checked before the file is read.",
    request_body(content = inline(ImportForm), content_type = "multipart/form-data"),
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "Every row was stored.", body = Imported),
        (status = 413, description = "The upload is larger than 16 MiB, or the file goes over a bound of the readers \
            (zip members and their inflated size, shared strings, the sheet's declared or actual rows and columns, \
            cells, cell length, text, CSV record length): `errors[0]` names field `file`, the bound as `code` and the \
            value and the limit in `reason` (docs/security/files.md). Nothing was stored.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a spreadsheet this platform reads (a legacy `.xls`, a PDF …).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The file cannot be imported: unreadable, empty, missing or unknown columns, more \
            than 20,000 rows, or rows with problems (then `errors` names `row` and `column` of each, at most 500); or \
            `progress` is not a token issued to the caller. Nothing was stored.", body = Problem, content_type = "application/problem+json"),
        (status = 429, response = TooManyRequests),
    ),
)]
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
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ImportProgressToken)]
pub struct ProgressToken {
    /// 128 random bits in hex, bound to the caller.
    #[schema(pattern = "^[0-9a-f]{32}$")]
    token: String,
}

/// `POST /imports`: a progress token for the caller's next import.
#[utoipa::path(
    post,
    path = "/imports",
    operation_id = "issueImportProgressToken",
    tag = "sheets",
    summary = "A progress token for the caller's next import",
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "The token.", body = ProgressToken),
        (status = 429, description = "The process already keeps as many tokens as it will (50,000); try again later.",
            body = Problem, content_type = "application/problem+json", headers(("Retry-After" = i64, description = "Seconds until the next attempt."))),
    ),
)]
pub async fn issue(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<(StatusCode, Json<ProgressToken>), ApiError> {
    imports::may_import(&user)?;
    // Only when the platform already tracks as many tokens as it keeps (see `ImportProgress`).
    let token =
        state.imports.issue(user.principal()).await.ok_or(ApiError::TooManyAttempts { retry_after_secs: 60 })?;
    Ok((StatusCode::CREATED, Json(ProgressToken { token })))
}

/// `GET /imports/{token}`: 404 unless the token was issued to the caller.
#[utoipa::path(
    get,
    path = "/imports/{token}",
    operation_id = "getImportProgress",
    tag = "sheets",
    summary = "Follow an import's progress",
    params(
        ("token" = String, Path, max_length = 64, description = "A token from `POST /imports`."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Where the import is.", body = Progress),
        (status = 404, response = NotFound),
    ),
)]
pub async fn progress(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(token): Path<String>,
) -> Result<Json<Progress>, ApiError> {
    state.imports.get(user.principal(), &token).await.map(Json).ok_or(ApiError::NotFound)
}

/// A spreadsheet's file format, as `format` names it.
/// Only describes the parameter; `parse_format` reads it.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum FileFormat {
    Xlsx,
    Csv,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FileQuery {
    format: Option<String>,
    side: Option<String>,
    #[serde(flatten)]
    listing: ListQuery,
}

#[utoipa::path(
    get,
    path = "/postings/export",
    operation_id = "exportPostings",
    tag = "sheets",
    summary = "Download a listing as a spreadsheet",
    params(
        ("format" = Option<FileFormat>, Query, description = "The file format (default `xlsx`)."),
        ("kind" = Option<PostingKind>, Query, description = "Only this kind."),
        ("side" = Option<Side>, Query, description = "Only this side."),
        ("status" = Option<PostingStatus>, Query, description = "Only this status (default `published`). Drafts: \
            only the caller's organization's."),
        ("region" = Option<String>, Query, pattern = "^(33[0-9]{4}([0-9]{3})?)?$", example = "330603",
            description = "A region code: this division and everything under it (a city, county or township); \
            empty for any."),
        ("cluster" = Option<String>, Query, example = "hq_equipment",
            description = "An industry cluster, by id or Chinese name."),
        ("organization" = Option<i64>, Query, minimum = 1, description = "Only this organization's postings (its id)."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The postings of the listing (filters as `GET /postings`, without paging), \
            newest first, at most 50,000.", content((String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (String = "text/csv")),
            headers(("Content-Disposition" = String, description = "`attachment` with a UTF-8 (RFC 5987) Chinese \
                file name."))),
        (status = 429, response = TooManyRequests),
    ),
)]
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
#[utoipa::path(
    get,
    path = "/postings/template",
    operation_id = "getImportTemplate",
    tag = "sheets",
    summary = "Download the import template",
    params(
        ("format" = Option<FileFormat>, Query, description = "The file format (default `xlsx`)."),
        ("side" = Option<Side>, Query, description = "Whose template (default: the caller's side, else `enterprise`)."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The template with its header row and instructions.", content((String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (String = "text/csv")),
            headers(("Content-Disposition" = String, description = "`attachment` with a UTF-8 (RFC 5987) Chinese \
                file name."))),
    ),
)]
pub async fn template(ApiUser(user): ApiUser, Query(query): Query<FileQuery>) -> Result<Response, ApiError> {
    let format = parse_format(query.format.as_deref())?;
    let side = match query.side.as_deref() {
        Some(raw) => raw.parse::<Side>().map_err(|e| ApiError::invalid("side", e))?,
        None => user.organization.as_ref().and_then(|o| Side::of(o.kind)).unwrap_or(Side::Enterprise),
    };
    Ok(attachment(format, "供需信息导入模板", sheets::template(format, side)))
}
