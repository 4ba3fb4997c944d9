//! Allocation round pages: the list with the organizer's form to open a round; a round's page
//! with its places, the organizer's phase buttons and the report (rank distribution, unfilled
//! places, stability certificate, mechanism comparison); the school's students page, where
//! preferences are reordered with ↑/↓ buttons or a number per row (plain form posts, no drag
//! and no JavaScript needed); and the results page (a school's students with their
//! explanations, an enterprise's intake). The enterprise's ranking page is in
//! [`super::round_ranking`].

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chanjiao_domain::rounds::Step;
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;

use super::PageForm;
use crate::auth::{CurrentUser, PageUser};
use crate::error::ApiError;
use crate::services::rounds::manage::{self, AdvanceInput, PlaceInput, RoundInput};
use crate::services::rounds::students::{self, PreferencesBody, StudentBody};
use crate::services::rounds::{Part, run, views};
use crate::startup::AppState;
use crate::web::{Lang, Page};

/// `GET /rounds`.
pub async fn list(State(state): State<AppState>, page: Page, PageUser(user): PageUser) -> Response {
    list_page(&state, &page, &user, &RoundForm::default(), None).await
}

async fn list_page(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    form: &RoundForm,
    error: Option<ApiError>,
) -> Response {
    let rounds = match manage::list(&state.db, user).await {
        Ok(rounds) => rounds,
        Err(e) => return page.error(state, e).into_response(),
    };
    let organizer = user.may(chanjiao_domain::access::Power::OrganizeRounds);
    let rows: Vec<Value> = rounds
        .iter()
        .map(|r| {
            let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
            v["phase_label"] = json!(page.lang.pick(r.phase.zh(), r.phase.en()));
            v["deadline"] = json!(r.preference_deadline.format("%Y-%m-%d %H:%M").to_string());
            v
        })
        .collect();
    page.render_form(
        state,
        "round_list.html",
        context! { rounds => Serde(rows), organizer, form => Serde(form) },
        error,
    )
}

#[derive(Debug, Default, Deserialize, serde::Serialize)]
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
) -> Response {
    let input = RoundInput {
        name: Some(form.name.clone()),
        preference_deadline: Some(form.preference_deadline.clone()),
        mechanism: Some(form.mechanism.clone()),
        seed: None,
    };
    match manage::create(&state.db, &user, &input, state.clock.now()).await {
        Ok(round) => Redirect::to(&format!("/rounds/{}", round.id)).into_response(),
        Err(error) if error.belongs_on_form() => list_page(&state, &page, &user, &form, Some(error)).await,
        Err(error) => page.error(&state, error).into_response(),
    }
}

/// The report with its rank distribution as bars (percent of the matched students).
fn report_view(report: &Value) -> Value {
    let mut view = report.clone();
    let counts: Vec<u64> = report["stats"]["rank_distribution"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_u64).collect())
        .unwrap_or_default();
    let most = counts.iter().copied().max().unwrap_or(0).max(1);
    view["bars"] = counts
        .iter()
        .enumerate()
        .map(|(i, &n)| json!({"choice": i + 1, "count": n, "width": n * 100 / most}))
        .collect();
    view["unfilled"] = report["places"]
        .as_array()
        .map(|places| {
            places.iter().filter(|p| p["filled"].as_u64() < p["capacity"].as_u64()).cloned().collect::<Vec<Value>>()
        })
        .unwrap_or_default()
        .into();
    view
}

/// `GET /rounds/{id}`.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Response {
    show_page(&state, &page, &user, id, None).await
}

async fn show_page(state: &AppState, page: &Page, user: &CurrentUser, id: i64, error: Option<ApiError>) -> Response {
    let detail = match manage::get(&state.db, user, id).await {
        Ok(detail) => detail,
        Err(e) => return page.error(state, e).into_response(),
    };
    let report = run::report(&state.db, user, id).await.ok().map(|r| report_view(&r));
    let phase = detail.round.phase;
    let steps: Vec<&str> = [Step::Open, Step::Run, Step::Publish, Step::Close]
        .into_iter()
        .filter(|s| phase.allows(*s))
        .map(Step::as_str)
        .collect();
    let own_places: Vec<i64> =
        detail.places.iter().filter(|p| Some(p.organization_id) == user.organization_id()).map(|p| p.id).collect();
    page.render_form(
        state,
        "round_show.html",
        context! {
            round => Serde(&detail.round),
            places => Serde(&detail.places),
            phase_label => page.lang.pick(phase.zh(), phase.en()),
            deadline => detail.round.preference_deadline.format("%Y-%m-%d %H:%M").to_string(),
            organizer => detail.part == Part::Organizer,
            school => detail.part == Part::School,
            enterprise => !own_places.is_empty(),
            own_places => Serde(&own_places),
            may_rank => phase.allows(Step::Rank),
            steps => Serde(steps),
            may_add_places => phase.allows(Step::AddPlaces),
            may_follow_up => phase.allows(Step::FollowUp),
            report => Serde(report),
        },
        error,
    )
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
    Path(id): Path<i64>,
    PageForm(form): PageForm<PlaceForm>,
) -> Response {
    let input =
        PlaceInput { posting_id: form.posting_id.trim().parse().ok(), capacity: form.capacity.trim().parse().ok() };
    match manage::add_place(&state.db, &user, id, &input, state.clock.now()).await {
        Ok(_) => Redirect::to(&format!("/rounds/{id}")).into_response(),
        Err(error) if error.belongs_on_form() => show_page(&state, &page, &user, id, Some(error)).await,
        Err(error) => page.error(&state, error).into_response(),
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
    Path(id): Path<i64>,
    PageForm(form): PageForm<StepForm>,
) -> Response {
    let now = state.clock.now();
    let done = match form.step.as_str() {
        "run" => run::run(&state.db, &user, id, now).await.map(|_| id),
        "open" => manage::advance(&state.db, &user, id, Step::Open, &AdvanceInput::default(), now).await.map(|_| id),
        "publish" => {
            manage::advance(&state.db, &user, id, Step::Publish, &AdvanceInput::default(), now).await.map(|_| id)
        }
        "close" => manage::advance(&state.db, &user, id, Step::Close, &AdvanceInput::default(), now).await.map(|_| id),
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
        Ok(target) => Redirect::to(&format!("/rounds/{target}")).into_response(),
        Err(error) if error.belongs_on_form() => show_page(&state, &page, &user, id, Some(error)).await,
        Err(error) => page.error(&state, error).into_response(),
    }
}

/// `GET /rounds/{id}/students`: the school's students and their ranked preferences.
pub async fn students_page(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Response {
    render_students(&state, &page, &user, id, &StudentForm::default(), None).await
}

async fn render_students(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    id: i64,
    form: &StudentForm,
    error: Option<ApiError>,
) -> Response {
    let detail = match manage::get(&state.db, user, id).await {
        Ok(detail) => detail,
        Err(e) => return page.error(state, e).into_response(),
    };
    let list = match students::list(&state.db, user, id, state.clock.now()).await {
        Ok(list) => list,
        Err(e) => return page.error(state, e).into_response(),
    };
    let titles: HashMap<i64, String> =
        detail.places.iter().map(|p| (p.id, format!("{}（{}）", p.title, p.organization_name))).collect();
    let cards: Vec<Value> = list
        .iter()
        .map(|s| {
            let listed: Vec<Value> = s
                .preferences
                .iter()
                .enumerate()
                .map(|(i, p)| json!({"place": p, "rank": i + 1, "title": titles.get(p).cloned().unwrap_or_default()}))
                .collect();
            let addable: Vec<Value> = detail
                .places
                .iter()
                .filter(|p| !s.preferences.contains(&p.id))
                .map(|p| json!({"place": p.id, "title": titles.get(&p.id).cloned().unwrap_or_default()}))
                .collect();
            json!({"id": s.id, "pseudonym": s.pseudonym, "program": format!("{} {}", s.program_code, s.program_name),
                   "level": s.level, "listed": listed, "addable": addable, "count": s.preferences.len()})
        })
        .collect();
    page.render_form(
        state,
        "round_students.html",
        context! {
            round => Serde(&detail.round),
            students => Serde(cards),
            form => Serde(form),
            max => chanjiao_domain::rounds::MAX_PREFERENCES,
        },
        error,
    )
}

#[derive(Debug, Default, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct StudentForm {
    pseudonym: String,
    program_code: String,
    level: String,
    consent: String,
}

/// `POST /rounds/{id}/students`.
pub async fn add_student(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    PageForm(form): PageForm<StudentForm>,
) -> Response {
    let body = StudentBody {
        pseudonym: Some(form.pseudonym.clone()),
        program_code: Some(form.program_code.clone()),
        level: Some(form.level.clone()),
        consent: !form.consent.is_empty(),
        preferences: Vec::new(),
    };
    match students::add(&state.db, &user, id, &body, state.clock.now()).await {
        Ok(_) => Redirect::to(&format!("/rounds/{id}/students")).into_response(),
        Err(error) if error.belongs_on_form() => render_students(&state, &page, &user, id, &form, Some(error)).await,
        Err(error) => page.error(&state, error).into_response(),
    }
}

/// The preference-list form: one button (`op` = `up:{place}`, `down:{place}`, `remove:{place}`,
/// or `add` with `place`) or "save order" (`op` = `order`), which sorts by the number fields
/// `pos_{place}` (ties keep their order).
#[derive(Debug, Default, Deserialize)]
pub struct ListForm {
    #[serde(default)]
    op: String,
    #[serde(default)]
    place: String,
    #[serde(flatten)]
    rest: HashMap<String, String>,
}

fn reorder(list: &[i64], form: &ListForm) -> Vec<i64> {
    let mut list = list.to_vec();
    // A row's buttons carry their place in their value (`up:12`), the "add" forms a field.
    let (op, place) = match form.op.split_once(':') {
        Some((op, place)) => (op, place),
        None => (form.op.as_str(), form.place.as_str()),
    };
    let place: Option<i64> = place.trim().parse().ok();
    let at = place.and_then(|p| list.iter().position(|&x| x == p));
    match (op, at) {
        ("up", Some(i)) if i > 0 => list.swap(i, i - 1),
        ("down", Some(i)) if i + 1 < list.len() => list.swap(i, i + 1),
        ("remove", Some(i)) => {
            list.remove(i);
        }
        ("add", None) => list.extend(place),
        ("order", _) => {
            let position = |p: &i64| -> f64 {
                form.rest.get(&format!("pos_{p}")).and_then(|v| v.trim().parse().ok()).unwrap_or(f64::MAX)
            };
            let mut keyed: Vec<(f64, usize, i64)> =
                list.iter().enumerate().map(|(i, p)| (position(p), i, *p)).collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            list = keyed.into_iter().map(|(_, _, p)| p).collect();
        }
        _ => {}
    }
    list
}

/// `POST /rounds/{id}/students/{student}/preferences`.
pub async fn preferences(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Path((id, student)): Path<(i64, i64)>,
    PageForm(form): PageForm<ListForm>,
) -> Response {
    let current = match students::one(&state.db, &user, id, student).await {
        Ok(current) => current,
        Err(e) => return page.error(&state, e).into_response(),
    };
    let body = PreferencesBody { places: reorder(&current.preferences, &form) };
    match students::set_preferences(&state.db, &user, id, student, &body, state.clock.now()).await {
        Ok(_) => Redirect::to(&format!("/rounds/{id}/students#student-{student}")).into_response(),
        Err(error) if error.belongs_on_form() => {
            render_students(&state, &page, &user, id, &StudentForm::default(), Some(error)).await
        }
        Err(error) => page.error(&state, error).into_response(),
    }
}

/// `GET /rounds/{id}/results`: a school's (or the organizer's) results with their reasons, and
/// an enterprise's intake.
pub async fn results(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Response {
    let detail = match manage::get(&state.db, &user, id).await {
        Ok(detail) => detail,
        Err(e) => return page.error(&state, e).into_response(),
    };
    let enterprise = detail.places.iter().any(|p| Some(p.organization_id) == user.organization_id());
    let (results, intake) = if enterprise && detail.part != Part::Organizer {
        match views::intake(&state.db, &user, id, state.clock.now()).await {
            Ok(intake) => (None, Some(intake)),
            Err(e) => return page.error(&state, e).into_response(),
        }
    } else {
        match views::results(&state.db, &user, id, state.clock.now()).await {
            Ok(results) => (Some(results), None),
            Err(e) => return page.error(&state, e).into_response(),
        }
    };
    let results: Option<Vec<Value>> = results.map(|rows| {
        rows.iter()
            .map(|r| {
                let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
                v["explanation"] = json!(if page.lang == Lang::Zh { &r.explanation_zh } else { &r.explanation_en });
                v
            })
            .collect()
    });
    let may_respond = detail.part == Part::School && detail.round.phase.allows(Step::Respond);
    page.render(
        &state,
        "round_results.html",
        context! { round => Serde(&detail.round), results => Serde(results), intake => Serde(intake), may_respond },
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResponseForm {
    response: String,
}

/// `POST /rounds/{id}/students/{student}/response`: the school records a placed student's
/// acceptance or decline.
pub async fn respond(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Path((id, student)): Path<(i64, i64)>,
    PageForm(form): PageForm<ResponseForm>,
) -> Response {
    let body = students::ResponseBody { response: Some(form.response) };
    match students::respond(&state.db, &user, id, student, &body, state.clock.now()).await {
        Ok(_) => Redirect::to(&format!("/rounds/{id}/results")).into_response(),
        Err(error) => page.error(&state, error).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(op: &str, place: &str, rest: &[(&str, &str)]) -> ListForm {
        ListForm {
            op: op.into(),
            place: place.into(),
            rest: rest.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
        }
    }

    #[test]
    fn preference_lists_reorder_with_buttons_or_numbers() {
        let list = [1, 2, 3];
        assert_eq!(reorder(&list, &form("up:3", "", &[])), [1, 3, 2]);
        assert_eq!(reorder(&list, &form("up:1", "", &[])), [1, 2, 3]);
        assert_eq!(reorder(&list, &form("down:1", "", &[])), [2, 1, 3]);
        assert_eq!(reorder(&list, &form("remove:2", "", &[])), [1, 3]);
        assert_eq!(reorder(&list, &form("add", "4", &[])), [1, 2, 3, 4]);
        assert_eq!(reorder(&list, &form("add", "2", &[])), [1, 2, 3]);
        let numbers = [("pos_1", "3"), ("pos_2", "1"), ("pos_3", "2")];
        assert_eq!(reorder(&list, &form("order", "", &numbers)), [2, 3, 1]);
    }
}
