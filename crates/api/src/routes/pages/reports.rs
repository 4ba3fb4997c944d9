//! The reports tab (`/statistics/reports`): the school annual quality report and the city
//! report as printable pages and as `.xlsx` downloads. The service decides who may see what.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use minijinja::context;
use minijinja::value::Serde;

use crate::auth::PageUser;
use crate::error::ApiError;
use crate::routes::api::sheets::attachment;
use crate::services::statistics::filter::{Filter, FilterQuery, nav_context};
use crate::services::statistics::reports::{self, Report, city, school, xlsx};
use crate::sheets::SheetFormat;
use crate::startup::AppState;
use crate::web::Page;

/// `/statistics/reports`: what the viewer may open.
pub async fn index(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Query(query): Query<FilterQuery>,
) -> Response {
    let result = async {
        let filter = Filter::parse(&query, state.clock.today())?;
        let offer = reports::offer(&state.db, &user, &filter).await?;
        Ok::<_, ApiError>((filter, offer))
    }
    .await;
    match result {
        Ok((filter, offer)) => {
            let (shown, districts) = nav_context(&filter);
            page.render(
                &state,
                "statistics_reports.html",
                context! { filter => Serde(shown), districts => Serde(districts), offer => Serde(offer) },
            )
        }
        Err(error) => page.error(&state, error).into_response(),
    }
}

/// `/statistics/reports/school/{org_id}` (page) and `/statistics/reports/school/{org_id}.xlsx`.
pub async fn school(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Path(file): Path<String>,
    Query(query): Query<FilterQuery>,
) -> Response {
    let (id, workbook) = match file.strip_suffix(".xlsx") {
        Some(id) => (id, true),
        None => (file.as_str(), false),
    };
    let Ok(org_id) = id.parse::<i64>() else { return page.error(&state, ApiError::NotFound).into_response() };
    let today = state.clock.today();
    let report = match Filter::parse(&query, today) {
        Ok(filter) => school::report(&state.db, &user, org_id, &filter, today).await,
        Err(error) => Err(error),
    };
    match report {
        Ok(report) if workbook => {
            let year = report.filter.year.map(|y| y.to_string()).unwrap_or_default();
            download(&state, &page, &report, &format!("年度质量报告_{}_{year}", report.subject))
        }
        Ok(report) => render(&state, &page, report, format!("/statistics/reports/school/{org_id}.xlsx")),
        Err(error) => page.error(&state, error).into_response(),
    }
}

/// `/statistics/reports/city?district=&year=`
pub async fn city_page(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Query(query): Query<FilterQuery>,
) -> Response {
    match city_report(&state, &user, &query).await {
        Ok(report) => render(&state, &page, report, "/statistics/reports/city.xlsx".into()),
        Err(error) => page.error(&state, error).into_response(),
    }
}

/// `/statistics/reports/city.xlsx?district=&year=`
pub async fn city_workbook(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Query(query): Query<FilterQuery>,
) -> Response {
    match city_report(&state, &user, &query).await {
        Ok(report) => {
            let year = report.filter.year.map_or_else(|| "历年".to_owned(), |y| y.to_string());
            download(&state, &page, &report, &format!("产教融合统计报告_{}_{year}", report.district_name))
        }
        Err(error) => page.error(&state, error).into_response(),
    }
}

async fn city_report(
    state: &AppState,
    user: &crate::auth::CurrentUser,
    query: &FilterQuery,
) -> Result<Report, ApiError> {
    let today = state.clock.today();
    let filter = Filter::parse(query, today)?;
    city::report(&state.db, user, &filter, today).await
}

fn download(state: &AppState, page: &Page, report: &Report, stem: &str) -> Response {
    match xlsx::workbook(report) {
        Ok(bytes) => attachment(SheetFormat::Xlsx, stem, bytes),
        Err(error) => page.error(state, error).into_response(),
    }
}

fn render(state: &AppState, page: &Page, report: Report, workbook: String) -> Response {
    let (filter, districts) = nav_context(&report.filter);
    let download = format!("{workbook}{}", report.filter.query_string());
    page.render(
        state,
        "statistics_report.html",
        context! {
            report => Serde(&report), filter => Serde(filter), districts => Serde(districts), download,
            no_data => xlsx::NO_DATA,
        },
    )
}
