//! The import page (template downloads, upload with progress, the row-by-row report) and
//! page-authenticated export and template downloads.

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use chanjiao_domain::posting::Side;
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use crate::auth::PageUser;
use crate::error::ApiError;
use crate::routes::pages::PageQuery;
use crate::routes::uploads::read_upload;
use crate::services::imports;
use crate::services::postings::ListQuery;
use crate::sheets::{self, SheetError};
use crate::startup::AppState;
use crate::web::download::{attachment, parse_format};
use crate::web::{Lang, Page, PageError};

pub async fn form(State(state): State<AppState>, page: Page, PageUser(user): PageUser) -> Result<Response, PageError> {
    imports::may_import(&user)?;
    let progress = state.imports.issue(user.principal()).await;
    Ok(page.render(
        &state,
        "postings/import.html",
        context! {
            outcome => (), problems => (), error_title => (), error_detail => (),
            progress => progress,
        },
    ))
}

pub async fn upload(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    multipart: Multipart,
) -> Result<Response, PageError> {
    imports::may_import(&user)?;
    let result = match read_upload(multipart).await {
        Ok(upload) => {
            imports::import(&state.db, &user, upload, &state.imports, state.clock.today(), state.clock.now()).await
        }
        Err(error) => Err(error),
    };
    // The page shows the form again, ready for the next file.
    let progress = state.imports.issue(user.principal()).await;
    match result {
        Ok(outcome) => Ok(page.render_with_status(
            &state,
            StatusCode::CREATED,
            "postings/import.html",
            context! {
                outcome => Serde(outcome), problems => (), error_title => (), error_detail => (),
                progress => progress,
            },
        )),
        // The report replaces the form's field errors: a file's problems are by row and column,
        // and a file too large (which names no field of the form) is reported here too.
        Err(error @ (ApiError::Sheet(_) | ApiError::Validation(_) | ApiError::PayloadTooLarge { .. })) => {
            let zh = page.lang == Lang::Zh;
            let detail = if zh { error.detail_zh() } else { Some(error.to_string()) };
            // A file over a bound is one message, not a table of rows.
            let problems = if matches!(error, ApiError::Sheet(SheetError::TooLarge(_))) {
                Vec::new()
            } else {
                error.field_errors()
            };
            let more = match &error {
                ApiError::Sheet(SheetError::Rows(report)) => report.more_problems,
                _ => 0,
            };
            Ok(page.render_with_status(
                &state,
                error.status_code(),
                "postings/import.html",
                context! {
                    outcome => (),
                    problems => Serde(problems),
                    more_problems => more,
                    error_title => error.title(zh),
                    error_detail => detail,
                    progress => progress,
                },
            ))
        }
        Err(error) => Err(error.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FileQuery {
    format: Option<String>,
    #[serde(flatten)]
    listing: ListQuery,
}

pub async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageQuery(query): PageQuery<FileQuery>,
) -> Result<Response, PageError> {
    let format = parse_format(query.format.as_deref())?;
    let bytes = imports::export(&state.db, &user, &query.listing, format, state.clock.today()).await?;
    Ok(attachment(format, "供需信息导出", bytes))
}

pub async fn template(PageUser(user): PageUser, PageQuery(query): PageQuery<FileQuery>) -> Result<Response, PageError> {
    let side = user.organization.as_ref().and_then(|o| Side::of(o.kind)).unwrap_or(Side::Enterprise);
    let format = parse_format(query.format.as_deref())?;
    Ok(attachment(format, "供需信息导入模板", sheets::template(format, side)))
}
