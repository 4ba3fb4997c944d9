//! The reports tab (`/statistics/reports`): the school annual quality report and the city
//! report as printable pages and as `.xlsx` downloads. The service decides who may see what.

use axum::extract::State;
use axum::response::Response;
use minijinja::context;
use minijinja::value::Serde;

use super::stats_nav;
use crate::auth::{CurrentUser, PageUser};
use crate::error::ApiError;
use crate::routes::pages::{PagePath, PageQuery};
use crate::services::statistics::filter::{Filter, FilterQuery};
use crate::services::statistics::reports::{self, Report, city, school, xlsx};
use crate::sheets::SheetFormat;
use crate::startup::AppState;
use crate::web::download::attachment;
use crate::web::{Page, PageError};

/// `/statistics/reports`: what the viewer may open.
pub async fn index(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageQuery(query): PageQuery<FilterQuery>,
) -> Result<Response, PageError> {
    let filter = Filter::parse(&query, state.clock.today())?;
    let offer = reports::offer(&state.db, &user, &filter).await?;
    let ctx = context! { offer => Serde(offer), ..stats_nav(&filter) };
    Ok(page.render(&state, "statistics/reports.html", ctx))
}

/// `/statistics/reports/school/{org_id}` (page) and `/statistics/reports/school/{org_id}.xlsx`.
pub async fn school(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PagePath(file): PagePath<String>,
    PageQuery(query): PageQuery<FilterQuery>,
) -> Result<Response, PageError> {
    let (id, workbook) = match file.strip_suffix(".xlsx") {
        Some(id) => (id, true),
        None => (file.as_str(), false),
    };
    // The id shares its path segment with the extension, so a bad one is simply no such report.
    let org_id = id.parse::<i64>().map_err(|_| ApiError::NotFound)?;
    let today = state.clock.today();
    let filter = Filter::parse(&query, today)?;
    let report = school::report(&state.db, &user, org_id, &filter, today).await?;
    if workbook {
        let year = report.filter.year.map(|y| y.to_string()).unwrap_or_default();
        download(&report, &format!("年度质量报告_{}_{year}", report.subject))
    } else {
        Ok(render(&state, &page, report, format!("/statistics/reports/school/{org_id}.xlsx")))
    }
}

/// `/statistics/reports/city?district=&year=`
pub async fn city_page(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageQuery(query): PageQuery<FilterQuery>,
) -> Result<Response, PageError> {
    let report = city_report(&state, &user, &query).await?;
    Ok(render(&state, &page, report, "/statistics/reports/city.xlsx".into()))
}

/// `/statistics/reports/city.xlsx?district=&year=`
pub async fn city_workbook(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageQuery(query): PageQuery<FilterQuery>,
) -> Result<Response, PageError> {
    let report = city_report(&state, &user, &query).await?;
    let year = report.filter.year.map_or_else(|| "历年".to_owned(), |y| y.to_string());
    download(&report, &format!("产教融合统计报告_{}_{year}", report.district_name))
}

async fn city_report(state: &AppState, user: &CurrentUser, query: &FilterQuery) -> Result<Report, ApiError> {
    let today = state.clock.today();
    let filter = Filter::parse(query, today)?;
    city::report(&state.db, user, &filter, today).await
}

fn download(report: &Report, stem: &str) -> Result<Response, PageError> {
    Ok(attachment(SheetFormat::Xlsx, stem, xlsx::workbook(report)?))
}

fn render(state: &AppState, page: &Page, report: Report, workbook: String) -> Response {
    let download = format!("{workbook}{}", report.filter.query_string());
    let ctx = context! {
        report => Serde(&report), download, no_data => xlsx::NO_DATA, ..stats_nav(&report.filter)
    };
    page.render(state, "statistics/report.html", ctx)
}
