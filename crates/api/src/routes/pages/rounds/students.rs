//! The school's students page of a round: its students with their ranked preferences, which
//! are reordered with ↑/↓ buttons or a number per row (plain form posts, no drag and no
//! JavaScript needed), and the form adding a student.

use std::collections::HashMap;

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use crate::auth::{CurrentUser, PageUser};
use crate::error::ApiError;
use crate::routes::pages::{PageForm, PagePath};
use crate::services::rounds::manage::{self, Place};
use crate::services::rounds::students::{self, PreferencesBody, Student, StudentBody};
use crate::startup::AppState;
use crate::web::{Page, PageError, on_form};

/// `GET /rounds/{id}/students`: the school's students and their ranked preferences.
pub async fn students_page(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    render_students(&state, &page, &user, id, &StudentForm::default(), None).await
}

/// A place on a student's list, at its rank.
#[derive(Serialize)]
struct Listed {
    place: i64,
    rank: usize,
    title: String,
}

/// A place the student has not listed yet.
#[derive(Serialize)]
struct Addable {
    place: i64,
    title: String,
}

/// One student's card: who, and the list with the places that can still be added.
#[derive(Serialize)]
struct StudentCard<'a> {
    id: i64,
    pseudonym: &'a str,
    program: String,
    level: &'a str,
    listed: Vec<Listed>,
    addable: Vec<Addable>,
    count: usize,
}

impl<'a> StudentCard<'a> {
    fn new(student: &'a Student, places: &[Place], titles: &HashMap<i64, String>) -> Self {
        let title = |place: &i64| titles.get(place).cloned().unwrap_or_default();
        StudentCard {
            id: student.id,
            pseudonym: &student.pseudonym,
            program: format!("{} {}", student.program_code, student.program_name),
            level: student.level.as_str(),
            listed: student
                .preferences
                .iter()
                .enumerate()
                .map(|(i, place)| Listed { place: *place, rank: i + 1, title: title(place) })
                .collect(),
            addable: places
                .iter()
                .filter(|p| !student.preferences.contains(&p.id))
                .map(|p| Addable { place: p.id, title: title(&p.id) })
                .collect(),
            count: student.preferences.len(),
        }
    }
}

async fn render_students(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    id: i64,
    form: &StudentForm,
    error: Option<ApiError>,
) -> Result<Response, PageError> {
    let detail = manage::get(&state.db, user, id).await?;
    let list = students::list(&state.db, user, id, state.clock.now()).await?;
    let titles: HashMap<i64, String> =
        detail.places.iter().map(|p| (p.id, format!("{}（{}）", p.title, p.organization_name))).collect();
    let cards: Vec<StudentCard<'_>> = list.iter().map(|s| StudentCard::new(s, &detail.places, &titles)).collect();
    let ctx = context! {
        round => Serde(&detail.round),
        students => Serde(cards),
        form => Serde(form),
        max => chanjiao_domain::rounds::MAX_PREFERENCES,
    };
    Ok(page.render_form(state, "rounds/students.html", ctx, error))
}

#[derive(Debug, Default, Deserialize, Serialize)]
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
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<StudentForm>,
) -> Result<Response, PageError> {
    let body = StudentBody {
        pseudonym: Some(form.pseudonym.clone()),
        program_code: Some(form.program_code.clone()),
        level: Some(form.level.clone()),
        consent: !form.consent.is_empty(),
        preferences: Vec::new(),
    };
    match students::add(&state.db, &user, id, &body, state.clock.now()).await {
        Ok(_) => Ok(Redirect::to(&format!("/rounds/{id}/students")).into_response()),
        Err(error) => render_students(&state, &page, &user, id, &form, Some(on_form(error)?)).await,
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
    PagePath((id, student)): PagePath<(i64, i64)>,
    PageForm(form): PageForm<ListForm>,
) -> Result<Response, PageError> {
    let current = students::one(&state.db, &user, id, student).await?;
    let body = PreferencesBody { places: reorder(&current.preferences, &form) };
    match students::set_preferences(&state.db, &user, id, student, &body, state.clock.now()).await {
        Ok(_) => Ok(Redirect::to(&format!("/rounds/{id}/students#student-{student}")).into_response()),
        Err(error) => render_students(&state, &page, &user, id, &StudentForm::default(), Some(on_form(error)?)).await,
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
