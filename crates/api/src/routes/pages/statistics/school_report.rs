//! `/statistics/school-report`: a school's yearly report (teachers, dual-qualified teachers,
//! practice days) and the reports already made.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chanjiao_domain::NumberInput;
use chanjiao_domain::access::Power;
use chanjiao_domain::statistics::targets::SchoolReportInput;
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use super::stats_nav;
use crate::auth::{CurrentUser, PageUser};
use crate::error::ApiError;
use crate::routes::pages::PageForm;
use crate::services::statistics::filter::Filter;
use crate::services::statistics::targets::school_reports;
use crate::startup::AppState;
use crate::web::{Page, PageError, on_form};

async fn report_page(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    form: Option<&ReportForm>,
    error: Option<ApiError>,
) -> Result<Response, PageError> {
    let reports = school_reports::list(&state.db, user).await?;
    let ctx = context! {
        reports => Serde(reports), form => Serde(form), oversees => user.may(Power::OverseeCity),
        may_report => user.may(Power::SubmitSchoolReports),
        current_year => chrono::Datelike::year(&state.clock.today()),
        ..stats_nav(&Filter::default())
    };
    Ok(page.render_form(state, "statistics/school_report.html", ctx, error))
}

/// `GET /statistics/school-report`
pub async fn index(State(state): State<AppState>, page: Page, PageUser(user): PageUser) -> Result<Response, PageError> {
    report_page(&state, &page, &user, None, None).await
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ReportForm {
    year: String,
    full_time_teachers: String,
    dual_qualified_teachers: String,
    practice_days: String,
}

/// `POST /statistics/school-report`
pub async fn submit(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageForm(form): PageForm<ReportForm>,
) -> Result<Response, PageError> {
    let n = |raw: &str| Some(NumberInput::Text(raw.to_owned())).filter(|v| !v.is_blank());
    let input = SchoolReportInput {
        year: n(&form.year),
        full_time_teachers: n(&form.full_time_teachers),
        dual_qualified_teachers: n(&form.dual_qualified_teachers),
        practice_days: n(&form.practice_days),
    };
    match school_reports::submit(&state.db, &user, &input, state.clock.today(), state.clock.now()).await {
        Ok(_) => Ok(Redirect::to("/statistics/school-report").into_response()),
        Err(error) => report_page(&state, &page, &user, Some(&form), Some(on_form(error)?)).await,
    }
}
