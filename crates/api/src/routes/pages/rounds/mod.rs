//! Allocation round pages: the list with the organizer's form to open a round; a round's page
//! with its places, the organizer's phase buttons and the report (rank distribution, unfilled
//! places, stability certificate, mechanism comparison). The school's students page is in
//! [`students`], the results in [`results`], the enterprise's ranking page in [`ranking`].

pub(super) mod ranking;
pub(super) mod results;
pub(super) mod students;

pub(super) use results::{respond, results};
pub(super) use students::{add_student, preferences, students_page};

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chanjiao_domain::rounds::Step;
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use super::{PageForm, PagePath};
use crate::auth::{CurrentUser, PageUser};
use crate::error::ApiError;
use crate::services::rounds::manage::{self, AdvanceInput, PlaceInput, RoundInput};
use crate::services::rounds::run::{self, PlaceFill, Report};
use crate::services::rounds::{Part, Round};
use crate::startup::AppState;
use crate::web::{Localized, Page, PageError, on_form, times};

/// A round in the list: the round with its phase's label and its deadline as shown.
#[derive(Serialize)]
struct RoundRow<'a> {
    #[serde(flatten)]
    round: &'a Round,
    phase_label: &'static str,
    deadline: String,
}

/// `GET /rounds`.
pub async fn list(State(state): State<AppState>, page: Page, PageUser(user): PageUser) -> Result<Response, PageError> {
    list_page(&state, &page, &user, &RoundForm::default(), None).await
}

async fn list_page(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    form: &RoundForm,
    error: Option<ApiError>,
) -> Result<Response, PageError> {
    let rounds = manage::list(&state.db, user).await?;
    let organizer = user.may(chanjiao_domain::access::Power::OrganizeRounds);
    let rows: Vec<RoundRow<'_>> = rounds
        .iter()
        .map(|round| RoundRow {
            round,
            phase_label: round.phase.label(page.lang),
            deadline: times::day_time(round.preference_deadline.to_utc(), page.lang),
        })
        .collect();
    let ctx = context! { rounds => Serde(rows), organizer, form => Serde(form) };
    Ok(page.render_form(state, "rounds/list.html", ctx, error))
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RoundForm {
    name: String,
    preference_deadline: String,
    mechanism: String,
}

/// `POST /rounds`.
pub async fn create(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageForm(form): PageForm<RoundForm>,
) -> Result<Response, PageError> {
    let input = RoundInput {
        name: Some(form.name.clone()),
        preference_deadline: Some(form.preference_deadline.clone()),
        mechanism: Some(form.mechanism.clone()),
        seed: None,
    };
    match manage::create(&state.db, &user, &input, state.clock.now()).await {
        Ok(round) => Ok(Redirect::to(&format!("/rounds/{}", round.id)).into_response()),
        Err(error) => list_page(&state, &page, &user, &form, Some(on_form(error)?)).await,
    }
}

/// One bar of the rank distribution: how many got their `choice`-th choice, and the bar's
/// width in per cent of the longest bar.
#[derive(Serialize)]
struct RankBar {
    choice: usize,
    count: u64,
    width: u64,
}

/// The report with its rank distribution as bars and the places left with empty seats.
#[derive(Serialize)]
struct ReportView<'a> {
    #[serde(flatten)]
    report: &'a Report,
    bars: Vec<RankBar>,
    unfilled: Vec<&'a PlaceFill>,
}

impl<'a> ReportView<'a> {
    fn new(report: &'a Report) -> Self {
        let counts = &report.stats.rank_distribution;
        let most = counts.iter().copied().max().unwrap_or(0).max(1);
        let bars = counts
            .iter()
            .enumerate()
            .map(|(i, &n)| RankBar { choice: i + 1, count: n, width: n * 100 / most })
            .collect();
        let unfilled = report.places.iter().filter(|p| p.filled < p.capacity).collect();
        ReportView { report, bars, unfilled }
    }
}

/// `GET /rounds/{id}`.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    show_page(&state, &page, &user, id, None).await
}

async fn show_page(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    id: i64,
    error: Option<ApiError>,
) -> Result<Response, PageError> {
    let detail = manage::get(&state.db, user, id).await?;
    // The report exists once the round has run and is visible to this viewer; otherwise none.
    let report = run::report(&state.db, user, id).await.ok();
    let phase = detail.round.phase;
    let steps: Vec<&str> = [Step::Open, Step::Run, Step::Publish, Step::Close]
        .into_iter()
        .filter(|s| phase.allows(*s))
        .map(Step::as_str)
        .collect();
    let own_places: Vec<i64> =
        detail.places.iter().filter(|p| Some(p.organization_id) == user.organization_id()).map(|p| p.id).collect();
    let ctx = context! {
        round => Serde(&detail.round),
        places => Serde(&detail.places),
        phase_label => phase.label(page.lang),
        deadline => times::day_time(detail.round.preference_deadline.to_utc(), page.lang),
        organizer => detail.part == Part::Organizer,
        school => detail.part == Part::School,
        enterprise => !own_places.is_empty(),
        own_places => Serde(&own_places),
        may_rank => phase.allows(Step::Rank),
        steps => Serde(steps),
        may_add_places => phase.allows(Step::AddPlaces),
        may_follow_up => phase.allows(Step::FollowUp),
        report => Serde(report.as_ref().map(ReportView::new)),
    };
    Ok(page.render_form(state, "rounds/show.html", ctx, error))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PlaceForm {
    posting_id: String,
    capacity: String,
}

/// `POST /rounds/{id}/places`.
pub async fn add_place(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<PlaceForm>,
) -> Result<Response, PageError> {
    let input =
        PlaceInput { posting_id: form.posting_id.trim().parse().ok(), capacity: form.capacity.trim().parse().ok() };
    match manage::add_place(&state.db, &user, id, &input, state.clock.now()).await {
        Ok(_) => Ok(Redirect::to(&format!("/rounds/{id}")).into_response()),
        Err(error) => show_page(&state, &page, &user, id, Some(on_form(error)?)).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StepForm {
    step: String,
    name: String,
    preference_deadline: String,
}

/// `POST /rounds/{id}/step`: open, run, publish, close, or follow_up.
pub async fn step(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<StepForm>,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let plain = AdvanceInput::default();
    let advance = |step| manage::advance(&state.db, &user, id, step, &plain, now);
    let done = match form.step.as_str() {
        "run" => run::run(&state.db, &user, id, now).await.map(|_| id),
        "open" => advance(Step::Open).await.map(|_| id),
        "publish" => advance(Step::Publish).await.map(|_| id),
        "close" => advance(Step::Close).await.map(|_| id),
        "follow_up" => {
            let input = RoundInput {
                name: Some(form.name.clone()),
                preference_deadline: Some(form.preference_deadline.clone()),
                ..RoundInput::default()
            };
            manage::follow_up(&state.db, &user, id, &input, now).await.map(|r| r.id)
        }
        _ => Err(ApiError::BadRequest("unknown step".into())),
    };
    match done {
        Ok(target) => Ok(Redirect::to(&format!("/rounds/{target}")).into_response()),
        Err(error) => show_page(&state, &page, &user, id, Some(on_form(error)?)).await,
    }
}
