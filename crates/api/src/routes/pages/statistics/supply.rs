//! The supply-and-demand page (`/statistics/supply-demand`, tab "supply_demand"): the tables by
//! program class, industry cluster, district and year, the gap bars and the district grid drawn
//! beside the same numbers; and the list of postings behind any number.

use axum::extract::State;
use axum::response::Response;
use minijinja::context;
use minijinja::value::Serde;

use super::stats_nav;
use crate::auth::PageUser;
use crate::routes::pages::PageQuery;
use crate::services::statistics::filter::{Filter, FilterQuery, districts};
use crate::services::statistics::supply_demand::{self, Line, SupplyDemand};
use crate::services::statistics::supply_demand_postings::{self, Drill, DrillQuery};
use crate::startup::AppState;
use crate::web::charts::gaps::{self, Bar, Tile};
use crate::web::{Lang, Localized, Page, PageError};

/// The most bars one chart shows: the largest gaps either way, so a long catalogue stays legible
/// (the table below lists every line).
const MAX_BARS: usize = 12;

fn gap_svg(lang: Lang, id: &str, title: &str, lines: &[Line]) -> String {
    let mut shown: Vec<&Line> = lines.iter().filter(|l| l.figures.demand > 0 || l.figures.supply > 0).collect();
    shown.sort_by(|a, b| b.figures.gap.abs().total_cmp(&a.figures.gap.abs()));
    shown.truncate(MAX_BARS);
    shown.sort_by(|a, b| b.figures.gap.total_cmp(&a.figures.gap));
    let bars: Vec<Bar<'_>> = shown.iter().map(|l| Bar { label: &l.name, gap: l.figures.gap }).collect();
    let description = match lang {
        Lang::Zh => "供需缺口（需求减供给，人）：向右为紧缺，向左为过剩；数据见下表",
        Lang::En => {
            "Gap (demand minus supply, people): right is a shortage, left an oversupply; the numbers are in the table below"
        }
    };
    gaps::gap_bars(id, title, description, &bars)
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
                status_label: d.figures.status.label(lang),
                figures: match lang {
                    Lang::Zh => format!("缺口 {:+.0} · 满足率 {rate}", d.figures.gap),
                    Lang::En => format!("gap {:+.0} · fill {rate}", d.figures.gap),
                },
            }
        })
        .collect();
    let description = match lang {
        Lang::Zh => "各区县按供需状态着色（紧缺、平衡、过剩、数据不足），标注缺口与满足率；数据见下表",
        Lang::En => {
            "Districts coloured by status (shortage, balanced, oversupply, insufficient data), with gap and fill rate; the numbers are in the table below"
        }
    };
    gaps::district_grid("sd-grid", title, description, &tiles)
}

/// `/statistics/supply-demand`.
pub async fn supply_demand(
    State(state): State<AppState>,
    page: Page,
    PageUser(_user): PageUser,
    PageQuery(query): PageQuery<FilterQuery>,
) -> Result<Response, PageError> {
    let filter = Filter::parse(&query, state.clock.today())?;
    let report = supply_demand::summary(&state.db, &filter).await?;
    let lang = page.lang;
    let (by_class, by_cluster, by_district) = match lang {
        Lang::Zh => ("各专业类供需缺口", "各产业集群供需缺口", "各区县供需状态"),
        Lang::En => ("Gap by program class", "Gap by industry cluster", "Supply and demand by district"),
    };
    let charts = context! {
        class => gap_svg(lang, "sd-class", by_class, &report.by_class),
        cluster => gap_svg(lang, "sd-cluster", by_cluster, &report.by_cluster),
        grid => grid_svg(lang, by_district, &report),
    };
    // The drill-down links keep the filter: "&district=…&year=…".
    let filter_params = filter.query_string().replacen('?', "&", 1);
    let ctx = context! {
        report => Serde(&report), empty => report.is_empty(), charts, filter_params, ..stats_nav(&filter)
    };
    Ok(page.render(&state, "statistics/supply_demand.html", ctx))
}

/// `/statistics/supply-demand/postings`: the postings behind one number.
pub async fn postings(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageQuery(query): PageQuery<DrillQuery>,
) -> Result<Response, PageError> {
    let drill = Drill::parse(&query, state.clock.today())?;
    let listed = supply_demand_postings::postings(&state.db, &user, &drill).await?;
    let back = format!("/statistics/supply-demand{}", drill.filter.query_string());
    let place = drill.filter.region_prefix().and_then(|code| districts().into_iter().find(|d| d.code == code));
    let previous = (drill.page > 1).then(|| drill.query_string(drill.page - 1));
    let next = (drill.page < listed.pages).then(|| drill.query_string(drill.page + 1));
    let ctx = context! { listed => Serde(&listed), previous, next, back, place => place.map(|d| d.name.clone()) };
    Ok(page.render(&state, "statistics/sd_postings.html", ctx))
}
