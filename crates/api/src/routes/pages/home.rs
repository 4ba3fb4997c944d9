//! The home page: a search box first, the newest published postings by kind, the city's
//! headline numbers from the open data, and the ways in. Public and cacheable.

use axum::extract::State;
use axum::response::Response;
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use crate::services::postings::{self, Posting};
use crate::services::statistics::open_data;
use crate::startup::AppState;
use crate::web::{Localized, Page, PageError, Share, ShareKind};

/// How many of each kind's newest postings the home page lists.
const NEWEST_PER_KIND: u64 = 3;

/// One kind's newest postings.
#[derive(Serialize)]
struct NewestGroup<'a> {
    kind: &'static str,
    label: &'static str,
    postings: &'a [Posting],
}

pub async fn index(State(state): State<AppState>, page: Page) -> Result<Response, PageError> {
    let newest = postings::newest_by_kind(&state.db, state.clock.today(), NEWEST_PER_KIND).await?;
    let groups: Vec<NewestGroup> = newest
        .iter()
        .map(|(kind, postings)| NewestGroup { kind: kind.as_str(), label: kind.label(page.lang), postings })
        .collect();
    let headline = open_data::figures(&state.db).await?.headline();
    let share = Share::new(
        &state.config.public_base(),
        page.lang,
        "/",
        &[],
        ShareKind::Website,
        page.lang.pick("绍兴产教融合平台", "Shaoxing industry–education platform"),
        &page.lang.pick(
            "企业发布岗位、学徒、订单班和实训需求，学校发布专业、毕业生和实训资源：搜索、对接、合作。",
            "Enterprises post jobs, apprenticeships and training needs; schools post programs, graduates and \
             training resources: search, match, cooperate.",
        ),
    );
    Ok(page.render_public(
        &state,
        "index.html",
        context! { newest => Serde(groups), headline => Serde(headline) },
        share,
    ))
}
