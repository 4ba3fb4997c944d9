//! The supply-and-demand page (`/statistics/supply-demand`, tab "supply_demand"): the tables by
//! program class, industry cluster, district and year, the gap bars and the district grid drawn
//! beside the same numbers; and the list of postings behind any number.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use minijinja::context;
use minijinja::value::Serde;

use crate::auth::PageUser;
use crate::services::statistics::filter::{Filter, FilterQuery, districts, nav_context};
use crate::services::statistics::gap_chart::{self, Bar, Tile};
use crate::services::statistics::supply_demand::{self, Figures, Line, SupplyDemand};
use crate::services::statistics::supply_demand_postings::{self, Drill, DrillQuery};
use crate::startup::AppState;
use crate::web::{Lang, Page};

/// The most bars one chart shows: the largest gaps either way, so a long catalogue stays legible
/// (the table below lists every line).
const MAX_BARS: usize = 12;

fn status_label(lang: Lang, figures: &Figures) -> &'static str {
    if lang == Lang::Zh { figures.status.zh() } else { figures.status.en() }
}

fn gap_svg(lang: Lang, id: &str, title: &str, lines: &[Line]) -> String {
    let mut shown: Vec<&Line> = lines.iter().filter(|l| l.figures.demand > 0 || l.figures.supply > 0).collect();
    shown.sort_by(|a, b| b.figures.gap.abs().total_cmp(&a.figures.gap.abs()));
    shown.truncate(MAX_BARS);
    shown.sort_by(|a, b| b.figures.gap.total_cmp(&a.figures.gap));
    let bars: Vec<Bar<'_>> = shown.iter().map(|l| Bar { label: &l.name, gap: l.figures.gap }).collect();
    let description = lang.pick(
        "供需缺口（需求减供给，人）：向右为紧缺，向左为过剩；数据见下表",
        "Gap (demand minus supply, people): right is a shortage, left an oversupply; the numbers are in the table below",
    );
    gap_chart::gap_bars(id, title, &description, &bars)
}

fn grid_svg(lang: Lang, title: &str, report: &SupplyDemand) -> String {
    let tiles: Vec<Tile<'_>> = report
        .by_district
        .iter()
        .map(|d| {
            let rate = d.figures.fill_rate.map_or("—".to_owned(), |r| format!("{:.0}%", r * 100.0));
            Tile {
                code: &d.key,
                name: &d.name,
                status: d.figures.status,
                status_label: status_label(lang, &d.figures),
                figures: if lang == Lang::Zh {
                    format!("缺口 {:+.0} · 满足率 {rate}", d.figures.gap)
                } else {
                    format!("gap {:+.0} · fill {rate}", d.figures.gap)
                },
            }
        })
        .collect();
    let description = lang.pick(
        "各区县按供需状态着色（紧缺、平衡、过剩、数据不足），标注缺口与满足率；数据见下表",
        "Districts coloured by status (shortage, balanced, oversupply, insufficient data), with gap and fill rate; the numbers are in the table below",
    );
    gap_chart::district_grid("sd-grid", title, &description, &tiles)
}

/// `/statistics/supply-demand`.
pub async fn supply_demand(
    State(state): State<AppState>,
    page: Page,
    PageUser(_user): PageUser,
    Query(query): Query<FilterQuery>,
) -> Response {
    let filter = match Filter::parse(&query, state.clock.today()) {
        Ok(filter) => filter,
        Err(error) => return page.error(&state, error).into_response(),
    };
    let report = match supply_demand::summary(&state.db, &filter).await {
        Ok(report) => report,
        Err(error) => return page.error(&state, error).into_response(),
    };
    let lang = page.lang;
    let charts = context! {
        class => gap_svg(lang, "sd-class", &lang.pick("各专业类供需缺口", "Gap by program class"), &report.by_class),
        cluster => gap_svg(lang, "sd-cluster", &lang.pick("各产业集群供需缺口", "Gap by industry cluster"), &report.by_cluster),
        grid => grid_svg(lang, &lang.pick("各区县供需状态", "Supply and demand by district"), &report),
    };
    let (shown_filter, districts) = nav_context(&filter);
    // The drill-down links keep the filter: "&district=…&year=…".
    let filter_params = filter.query_string().replacen('?', "&", 1);
    page.render(
        &state,
        "statistics_supply_demand.html",
        context! {
            report => Serde(&report), empty => report.is_empty(), charts,
            filter => Serde(shown_filter), districts => Serde(districts), filter_params,
        },
    )
}

/// `/statistics/supply-demand/postings`: the postings behind one number.
pub async fn postings(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Query(query): Query<DrillQuery>,
) -> Response {
    let drill = match Drill::parse(&query, state.clock.today()) {
        Ok(drill) => drill,
        Err(error) => return page.error(&state, error).into_response(),
    };
    let listed = match supply_demand_postings::postings(&state.db, &user, &drill).await {
        Ok(listed) => listed,
        Err(error) => return page.error(&state, error).into_response(),
    };
    let back = format!("/statistics/supply-demand{}", drill.filter.query_string());
    let place = drill.filter.region_prefix().and_then(|code| districts().into_iter().find(|d| d.code == code));
    let previous = (drill.page > 1).then(|| drill.query_string(drill.page - 1));
    let next = (drill.page < listed.pages).then(|| drill.query_string(drill.page + 1));
    page.render(
        &state,
        "statistics_sd_postings.html",
        context! {
            listed => Serde(&listed), previous, next, back, place => place.map(|d| d.name.clone()),
        },
    )
}
