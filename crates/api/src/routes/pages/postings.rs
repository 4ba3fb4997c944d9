//! Posting pages: browse with filters, view, create (choose a kind, then its form), edit, and
//! move through the lifecycle.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chanjiao_domain::posting::{Action, Actor, Context, PostingInput, PostingKind, PostingStatus, Side};
use chanjiao_domain::reference::clusters;
use chanjiao_domain::region;
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;
use serde_json::{Value, json};

use super::PageForm;
use super::posting_form::{fields, input_from_pairs};
use crate::auth::{CurrentUser, PageUser};
use crate::error::ApiError;
use crate::services::audit;
use crate::services::postings::{self, Create, ListQuery, Posting};
use crate::startup::AppState;
use crate::web::{Lang, Page};

/// A posting with everything a page shows, names resolved and labels in the page's language.
fn view(posting: &Posting, lang: Lang) -> Value {
    let p = &posting.posting;
    let spec = p.kind.spec();
    let mut value = serde_json::to_value(posting).unwrap_or(Value::Null);
    value["kind_label"] = json!(lang.pick(p.kind.zh(), p.kind.en()));
    value["status_label"] = json!(lang.pick(posting.status.zh(), posting.status.en()));
    value["quantity_label"] = json!(lang.pick(spec.quantity_zh, spec.quantity_en));
    value["amount_label"] = json!(spec.amount.map(|a| lang.pick(a.zh(), a.en())));
    value["amount_text"] = json!(p.amount.map(|a| a.to_string()));
    value["level_label"] = json!(p.education_level.map(|l| lang.pick(l.zh(), l.en())));
    value["programs"] = p.program_codes.iter().map(|c| json!({"code": c.as_str(), "name": c.name()})).collect();
    value["occupations"] = p.occupation_codes.iter().map(|c| json!({"code": c.as_str(), "name": c.name()})).collect();
    value["clusters"] =
        p.industry_clusters.iter().map(|c| json!(lang.pick(&c.cluster().name_zh, &c.cluster().name_en))).collect();
    value
}

/// The choices of the filter bar.
fn filter_options(lang: Lang) -> Value {
    let kinds: Vec<Value> = PostingKind::ALL
        .iter()
        .map(|k| json!({"value": k.as_str(), "label": lang.pick(k.zh(), k.en()), "side": k.side()}))
        .collect();
    let counties: Vec<Value> =
        region::children(region::SHAOXING).into_iter().map(|r| json!({"value": r.code, "label": r.name})).collect();
    let cluster_options: Vec<Value> = clusters()
        .iter()
        .map(|c| json!({"value": c.id.as_str(), "label": lang.pick(&c.name_zh, &c.name_en)}))
        .collect();
    let statuses: Vec<Value> =
        PostingStatus::ALL.iter().map(|s| json!({"value": s.as_str(), "label": lang.pick(s.zh(), s.en())})).collect();
    json!({"kinds": kinds, "regions": counties, "clusters": cluster_options, "statuses": statuses})
}

/// The current query string without the cursor, for pagination and export links.
fn query_without_cursor(query: &ListQuery) -> String {
    let pairs = [
        ("kind", &query.kind),
        ("side", &query.side),
        ("status", &query.status),
        ("region", &query.region),
        ("cluster", &query.cluster),
        ("organization", &query.organization),
    ];
    pairs
        .iter()
        .filter_map(|(k, v)| {
            v.as_deref().filter(|v| !v.is_empty()).map(|v| format!("{k}={}", crate::web::url_encode(v)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

pub async fn index(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Query(query): Query<ListQuery>,
) -> Response {
    match postings::list(&state.db, &user, &query, state.clock.today()).await {
        Ok(result) => {
            let items: Vec<Value> = result.items.iter().map(|p| view(p, page.lang)).collect();
            let base_query = query_without_cursor(&query);
            page.render(
                &state,
                "postings_list.html",
                context! {
                    items => Serde(items),
                    total => result.total,
                    next_cursor => result.next_cursor,
                    base_query,
                    filters => Serde(json!({
                        "kind": query.kind, "side": query.side, "status": query.status,
                        "region": query.region, "cluster": query.cluster, "organization": query.organization,
                    })),
                    options => Serde(filter_options(page.lang)),
                },
            )
        }
        Err(error) => page.error(&state, error).into_response(),
    }
}

pub async fn show(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Response {
    let posting = match postings::get(&state.db, &user, id).await {
        Ok(posting) => posting,
        Err(e) => return page.error(&state, e).into_response(),
    };
    let owner = posting.owned_by(&user);
    let actions: Vec<Value> = if owner {
        let context = Context {
            actor: Actor::User(user.role),
            today: state.clock.today(),
            ends_on: posting.posting.window.ends_on(),
        };
        posting
            .status
            .available_actions(&context)
            .into_iter()
            .map(|a| json!({"value": a.as_str(), "label": page.lang.pick(a.zh(), action_en(a))}))
            .collect()
    } else {
        Vec::new()
    };
    let trail = if owner || user.is_platform_admin() {
        audit::for_entity(&state.db, "posting", id).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    let matches = crate::services::matching::postings::for_page(&state, &posting, page.lang.code()).await;
    // The "notify me of new matches" toggle of `_match_alert.html`, for the posting's owners.
    let match_alert = if owner {
        crate::services::alerts::subscriptions::for_posting(&state.db, &user, id).await.ok().flatten()
    } else {
        None
    };
    let responsiveness = super::workspace::responsiveness(&state, posting.organization_id).await;
    let booking = super::booking::panel(&state, &user, &posting, page.lang).await;
    page.render(
        &state,
        "posting_show.html",
        context! {
            posting => Serde(view(&posting, page.lang)),
            owner,
            actions => Serde(actions),
            trail => Serde(trail),
            matches => Serde(matches.as_ref().ok()),
            matches_failed => matches.is_err(),
            match_alert => Serde(match_alert),
            responsiveness => Serde(responsiveness.filter(|r| r.counted > 0)),
            booking => Serde(booking),
        },
    )
}

fn action_en(action: Action) -> &'static str {
    match action {
        Action::Publish => "Publish",
        Action::Pause => "Pause",
        Action::Resume => "Resume",
        Action::Close => "Close",
        Action::MarkFilled => "Mark filled",
        Action::Expire => "Expire",
        Action::Reopen => "Reopen",
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewQuery {
    kind: Option<String>,
}

fn side_of(user: &CurrentUser) -> Option<Side> {
    user.organization.as_ref().and_then(|o| Side::of(o.kind))
}

fn form_page(
    state: &AppState,
    page: &Page,
    status: StatusCode,
    kind: PostingKind,
    input: &PostingInput,
    action: String,
    error: Option<ApiError>,
) -> Response {
    let field_errors = error.as_ref().map(ApiError::field_errors).unwrap_or_default();
    page.render_with_status(
        state,
        status,
        "posting_form.html",
        context! {
            kind => kind.as_str(),
            kind_label => page.lang.pick(kind.zh(), kind.en()),
            fields => Serde(fields(kind, input, page.lang)),
            editing => action.ends_with("/edit"),
            action,
            field_errors => Serde(field_errors),
            error_title => error.map(|e| e.title(page.lang == Lang::Zh)),
        },
    )
}

pub async fn new(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Query(query): Query<NewQuery>,
) -> Response {
    let Some(side) = side_of(&user) else {
        return page.error(&state, ApiError::Forbidden).into_response();
    };
    match query.kind.as_deref().map(str::parse::<PostingKind>) {
        Some(Ok(kind)) if kind.side() == side => {
            let input = PostingInput {
                kind: kind.as_str().to_owned(),
                region: user.organization.as_ref().map(|o| o.region.clone()).unwrap_or_default(),
                ..Default::default()
            };
            form_page(
                &state,
                &page,
                StatusCode::OK,
                kind,
                &input,
                format!("/postings/new?kind={}", kind.as_str()),
                None,
            )
        }
        Some(_) => page.error(&state, ApiError::NotFound).into_response(),
        None => {
            let kinds: Vec<Value> = PostingKind::of_side(side)
                .map(|k| json!({"value": k.as_str(), "label": page.lang.pick(k.zh(), k.en()),
                                "counterparts": k.counterparts().iter().map(|c| page.lang.pick(c.zh(), c.en())).collect::<Vec<_>>()}))
                .collect();
            page.render(&state, "posting_new.html", context! { kinds => Serde(kinds) })
        }
    }
}

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Query(query): Query<NewQuery>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let Some(Ok(kind)) = query.kind.as_deref().map(str::parse::<PostingKind>) else {
        return page.error(&state, ApiError::NotFound).into_response();
    };
    let input = input_from_pairs(kind, &pairs);
    let publish = pairs.iter().any(|(k, v)| k == "intent" && v == "publish");
    let request = Create { input: input.clone(), publish };
    match postings::create(&state.db, &user, request, state.clock.today(), state.clock.now()).await {
        Ok(posting) => Redirect::to(&format!("/postings/{}", posting.id)).into_response(),
        Err(error @ (ApiError::Validation(_) | ApiError::Transition(_))) => {
            let action = format!("/postings/new?kind={}", kind.as_str());
            form_page(&state, &page, error.status_code(), kind, &input, action, Some(error))
        }
        Err(error) => page.error(&state, error).into_response(),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Response {
    match postings::get(&state.db, &user, id).await {
        Ok(posting) if posting.owned_by(&user) => {
            let input = posting.posting.to_input();
            form_page(&state, &page, StatusCode::OK, posting.posting.kind, &input, format!("/postings/{id}/edit"), None)
        }
        Ok(_) => page.error(&state, ApiError::Forbidden).into_response(),
        Err(error) => page.error(&state, error).into_response(),
    }
}

pub async fn update(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let kind = match postings::get(&state.db, &user, id).await {
        Ok(posting) => posting.posting.kind,
        Err(error) => return page.error(&state, error).into_response(),
    };
    let input = input_from_pairs(kind, &pairs);
    let patch = serde_json::to_value(&input).unwrap_or(Value::Null);
    match postings::update(&state.db, &user, id, patch, state.clock.now()).await {
        Ok(_) => Redirect::to(&format!("/postings/{id}")).into_response(),
        Err(error @ ApiError::Validation(_)) => {
            form_page(&state, &page, error.status_code(), kind, &input, format!("/postings/{id}/edit"), Some(error))
        }
        Err(error) => page.error(&state, error).into_response(),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActForm {
    action: String,
}

pub async fn act(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    PageForm(form): PageForm<ActForm>,
) -> Response {
    let action = match form.action.parse::<Action>() {
        Ok(Action::Expire) | Err(_) => return page.error(&state, ApiError::NotFound).into_response(),
        Ok(action) => action,
    };
    match postings::transition(&state.db, &user, id, action, state.clock.today(), state.clock.now()).await {
        Ok(_) => Redirect::to(&format!("/postings/{id}")).into_response(),
        Err(error) => page.error(&state, error).into_response(),
    }
}
