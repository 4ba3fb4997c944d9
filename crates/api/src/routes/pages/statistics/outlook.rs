//! The talent-demand outlook page: per program class, a chart of demand and supply with the
//! forecast, the same numbers in a table, the early-warning status and the back-test; then the
//! programs to expand and those at risk; the same per industry cluster. Honours the shared
//! statistics filter (district; a year sets the last year of history). Also the open data page.

use axum::extract::State;
use axum::response::Response;
use chanjiao_domain::statistics::{BackTest, Forecast};
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use super::stats_nav;
use crate::auth::PageUser;
use crate::routes::pages::PageQuery;
use crate::services::statistics::filter::{Filter, FilterQuery};
use crate::services::statistics::open_data;
use crate::services::statistics::outlook::{self, ClassOutlook};
use crate::startup::AppState;
use crate::web::charts::lines::{self, Line};
use crate::web::{Lang, Localized, Page, PageError};

/// `GET /statistics/outlook`.
pub async fn outlook(
    State(state): State<AppState>,
    page: Page,
    PageUser(_user): PageUser,
    PageQuery(query): PageQuery<FilterQuery>,
) -> Result<Response, PageError> {
    let filter = Filter::parse(&query, state.clock.today())?;
    let report = outlook::report_for(&state.db, &filter, state.clock.today()).await?;
    let lang = page.lang;
    let classes: Vec<Card<'_>> = report.classes.iter().map(|c| Card::new(c, lang)).collect();
    let clusters: Vec<Card<'_>> = report.clusters.iter().map(|c| Card::new(c, lang)).collect();
    let ctx = context! {
        report => Serde(&report), classes => Serde(classes), clusters => Serde(clusters), ..stats_nav(&filter)
    };
    Ok(page.render(&state, "statistics/outlook.html", ctx))
}

/// One class's (or cluster's) card: its figures and its chart of demand and supply with the
/// forecast dashed.
#[derive(Serialize)]
struct Card<'a> {
    code: &'a str,
    name: &'a str,
    status: &'static str,
    status_label: &'static str,
    history: &'a [(i32, f64, f64)],
    demand_forecast: &'a [Forecast],
    supply_forecast: &'a [Forecast],
    backtest: Option<&'a BackTest>,
    svg: String,
}

impl<'a> Card<'a> {
    fn new(c: &'a ClassOutlook, lang: Lang) -> Self {
        Card {
            code: &c.code,
            name: &c.name,
            status: c.status.as_str(),
            status_label: c.status.label(lang),
            history: &c.history,
            demand_forecast: &c.demand_forecast,
            supply_forecast: &c.supply_forecast,
            backtest: c.demand_backtest.as_ref(),
            svg: chart(c, lang),
        }
    }
}

/// The card's chart: history and forecast of demand and supply.
fn chart(c: &ClassOutlook, lang: Lang) -> String {
    let (demand_label, supply_label, description) = match lang {
        Lang::Zh => ("需求", "供给", "历年需求与供给（人），虚线为预测"),
        Lang::En => ("Demand", "Supply", "Demand and supply by year (people); dashed: forecast"),
    };
    let forecast_from = c.demand_forecast.first().map(|f| f.year);
    let line = |label, class, observed: Vec<(i32, f64)>, forecast: &[Forecast]| Line {
        label,
        class,
        points: observed.into_iter().chain(forecast.iter().map(|f| (f.year, f.value))).collect(),
        dashed_from: forecast_from,
    };
    // The class code is unique among the cards, so each chart's title and description are its own.
    let id: String = c.code.chars().filter(|ch| ch.is_ascii_alphanumeric() || *ch == '_').collect();
    lines::lines(
        &format!("outlook-{id}"),
        &c.name,
        description,
        &[
            line(demand_label, "demand", c.history.iter().map(|h| (h.0, h.1)).collect(), &c.demand_forecast),
            line(supply_label, "supply", c.history.iter().map(|h| (h.0, h.2)).collect(), &c.supply_forecast),
        ],
    )
}

/// `GET /open-data`: the public aggregates, for anyone.
pub async fn open_data(State(state): State<AppState>, page: Page) -> Result<Response, PageError> {
    let figures = open_data::figures(&state.db).await?;
    let ctx = context! { data => Serde(figures), min_cell => open_data::MIN_CELL };
    Ok(page.render(&state, "statistics/open_data.html", ctx))
}
