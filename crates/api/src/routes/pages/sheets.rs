//! The import page (template downloads, upload with progress, the row-by-row report) and
//! page-authenticated export and template downloads.

use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chanjiao_domain::posting::Side;
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use crate::auth::PageUser;
use crate::error::ApiError;
use crate::routes::api::sheets::{attachment, parse_format};
use crate::routes::uploads::read_upload;
use crate::services::imports;
use crate::services::postings::ListQuery;
use crate::sheets::{self, SheetError};
use crate::startup::AppState;
use crate::web::{Lang, Page};

pub async fn form(State(state): State<AppState>, page: Page, PageUser(user): PageUser) -> Response {
    if let Err(error) = imports::may_import(&user) {
        return page.error(&state, error).into_response();
    }
    page.render(
        &state,
        "postings_import.html",
        context! {
            outcome => (), problems => (), error_title => (), error_detail => (),
            progress => state.imports.issue(user.id),
        },
    )
}

pub async fn upload(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    multipart: Multipart,
) -> Response {
    if let Err(error) = imports::may_import(&user) {
        return page.error(&state, error).into_response();
    }
    let result = match read_upload(multipart).await {
        Ok(upload) => {
            imports::import(&state.db, &user, upload, &state.imports, state.clock.today(), state.clock.now()).await
        }
        Err(error) => Err(error),
    };
    // The page shows the form again, ready for the next file.
    let progress = state.imports.issue(user.id);
    match result {
        Ok(outcome) => page.render_with_status(
            &state,
            StatusCode::CREATED,
            "postings_import.html",
            context! {
                outcome => Serde(outcome), problems => (), error_title => (), error_detail => (),
                progress => progress,
            },
        ),
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
            page.render_with_status(
                &state,
                error.status_code(),
                "postings_import.html",
                context! {
                    outcome => (),
                    problems => Serde(problems),
                    more_problems => more,
                    error_title => error.title(zh),
                    error_detail => detail,
                    progress => progress,
                },
            )
        }
        Err(error) => page.error(&state, error).into_response(),
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
    page: Page,
    PageUser(user): PageUser,
    Query(query): Query<FileQuery>,
) -> Response {
    let result = async {
        let format = parse_format(query.format.as_deref())?;
        let bytes = imports::export(&state.db, &user, &query.listing, format, state.clock.today()).await?;
        Ok::<_, ApiError>(attachment(format, "供需信息导出", bytes))
    }
    .await;
    result.unwrap_or_else(|e| page.error(&state, e).into_response())
}

pub async fn template(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Query(query): Query<FileQuery>,
) -> Response {
    let side = user.organization.as_ref().and_then(|o| Side::of(o.kind)).unwrap_or(Side::Enterprise);
    match parse_format(query.format.as_deref()) {
        Ok(format) => attachment(format, "供需信息导入模板", sheets::template(format, side)),
        Err(e) => page.error(&state, e).into_response(),
    }
}
