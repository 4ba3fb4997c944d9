//! The talent-demand outlook page: per program class, a chart of demand and supply with the
//! forecast, the same numbers in a table, the early-warning status and the back-test; then the
//! programs to expand and those at risk; the same per industry cluster. Honours the shared
//! statistics filter (district; a year sets the last year of history).

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde_json::json;

use crate::auth::PageUser;
use crate::services::statistics::chart::{self, Line};
use crate::services::statistics::filter::{Filter, FilterQuery, nav_context};
use crate::services::statistics::outlook::{self, ClassOutlook};
use crate::startup::AppState;
use crate::web::{Lang, Page};

pub async fn outlook(
    State(state): State<AppState>,
    page: Page,
    PageUser(_user): PageUser,
    Query(query): Query<FilterQuery>,
) -> Response {
    let filter = match Filter::parse(&query, state.clock.today()) {
        Ok(filter) => filter,
        Err(error) => return page.error(&state, error).into_response(),
    };
    let report = match outlook::report_for(&state.db, &filter, state.clock.today()).await {
        Ok(report) => report,
        Err(error) => return page.error(&state, error).into_response(),
    };
    let lang = page.lang;
    let classes: Vec<serde_json::Value> = report.classes.iter().map(|c| card(lang, c)).collect();
    let clusters: Vec<serde_json::Value> = report.clusters.iter().map(|c| card(lang, c)).collect();
    let (shown_filter, districts) = nav_context(&filter);
    page.render(
        &state,
        "statistics_outlook.html",
        context! {
            report => Serde(json!({"first_year": report.first_year, "last_year": report.last_year,
                "expand": report.expand, "at_risk": report.at_risk,
                "clusters_expand": report.clusters_expand, "clusters_at_risk": report.clusters_at_risk})),
            classes => Serde(classes), clusters => Serde(clusters),
            filter => Serde(shown_filter), districts => Serde(districts),
        },
    )
}

/// One class's (or cluster's) card: its chart of demand and supply with the forecast dashed.
fn card(lang: Lang, c: &ClassOutlook) -> serde_json::Value {
    let zh = lang == Lang::Zh;
    let (demand_label, supply_label) = if zh { ("需求", "供给") } else { ("Demand", "Supply") };
    let forecast_from = c.demand_forecast.first().map(|f| f.year);
    let line = |label, class, observed: Vec<(i32, f64)>, forecast: &[chanjiao_domain::statistics::Forecast]| Line {
        label,
        class,
        points: observed.into_iter().chain(forecast.iter().map(|f| (f.year, f.value))).collect(),
        dashed_from: forecast_from,
    };
    let svg = chart::lines(
        &c.name,
        if zh {
            "历年需求与供给（人），虚线为预测"
        } else {
            "Demand and supply by year (people); dashed: forecast"
        },
        &[
            line(demand_label, "demand", c.history.iter().map(|h| (h.0, h.1)).collect(), &c.demand_forecast),
            line(supply_label, "supply", c.history.iter().map(|h| (h.0, h.2)).collect(), &c.supply_forecast),
        ],
    );
    json!({
        "code": c.code, "name": c.name, "status": c.status.as_str(),
        "status_label": if zh { c.status.zh() } else { c.status.en() },
        "history": c.history, "demand_forecast": c.demand_forecast, "supply_forecast": c.supply_forecast,
        "backtest": c.demand_backtest, "svg": svg,
    })
}

/// `/open-data`: the public aggregates, for anyone.
pub async fn open_data(State(state): State<AppState>, page: Page) -> Response {
    match crate::services::statistics::open_data::figures(&state.db).await {
        Ok(figures) => page.render(
            &state,
            "open_data.html",
            context! { data => Serde(figures), min_cell => crate::services::statistics::open_data::MIN_CELL },
        ),
        Err(error) => page.error(&state, error).into_response(),
    }
}
