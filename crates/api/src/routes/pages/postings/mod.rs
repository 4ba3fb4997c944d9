//! Posting pages: browse with filters, view, create (choose a kind, then its form), edit, and
//! move through the lifecycle. The form's fields are [`form`]'s; spreadsheets are [`sheets`].

mod filters;
mod form;
mod public;
pub mod sheets;

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chanjiao_domain::posting::{Action, Actor, Context, KindSpec, PostingInput, PostingKind, Side};
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use super::{PageForm, PagePath, PageQuery};
use crate::auth::{CurrentUser, PageUser};
use crate::error::ApiError;
use crate::services::audit;
use crate::services::postings::{self, Create, ListQuery, Posting};
use crate::startup::AppState;
use crate::web::{Labelled, Lang, Localized, Page, PageError, on_form};
use form::{fields, input_from_pairs};

/// A catalogue entry (program or occupation) by code and name.
#[derive(Serialize)]
struct Named<'a> {
    code: &'a str,
    name: &'static str,
}

/// What a kind calls its quantity (招聘人数, 培训名额 …).
struct QuantityName(&'static KindSpec);

impl Localized for QuantityName {
    fn zh(&self) -> &'static str {
        self.0.quantity_zh
    }

    fn en(&self) -> &'static str {
        self.0.quantity_en
    }
}

/// A posting with everything a page shows, names resolved and labels in the page's language;
/// the posting's own fields as the API names them.
#[derive(Serialize)]
pub(crate) struct PostingView<'a> {
    #[serde(flatten)]
    posting: &'a Posting,
    kind_label: &'static str,
    status_label: &'static str,
    quantity_label: &'static str,
    amount_label: Option<&'static str>,
    level_label: Option<&'static str>,
    programs: Vec<Named<'a>>,
    occupations: Vec<Named<'a>>,
    clusters: Vec<&'static str>,
}

impl<'a> PostingView<'a> {
    pub(crate) fn new(posting: &'a Posting, lang: Lang) -> Self {
        let p = &posting.posting;
        let spec = p.kind.spec();
        PostingView {
            posting,
            kind_label: p.kind.label(lang),
            status_label: posting.status.label(lang),
            quantity_label: QuantityName(spec).label(lang),
            amount_label: spec.amount.map(|a| money_label(a.label(lang))),
            level_label: p.education_level.map(|l| l.label(lang)),
            programs: p.program_codes.iter().map(|c| Named { code: c.as_str(), name: c.name() }).collect(),
            occupations: p.occupation_codes.iter().map(|c| Named { code: c.as_str(), name: c.name() }).collect(),
            clusters: p.industry_clusters.iter().map(|c| c.label(lang)).collect(),
        }
    }
}

/// An amount's label as a page shows it beside the amount, which carries its unit (`3,500 元`,
/// `12.5 万元`, filter `yuan`): "月薪（元）" is "月薪" there. A label with more than the unit in
/// its brackets ("课时费（元/课时）") keeps them.
fn money_label(label: &'static str) -> &'static str {
    label.strip_suffix("（元）").or_else(|| label.strip_suffix(" (yuan)")).unwrap_or(label)
}

pub async fn index(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageQuery(query): PageQuery<ListQuery>,
) -> Result<Response, PageError> {
    let result = postings::list(&state.db, Some(&user), &query, state.clock.today()).await?;
    let items: Vec<PostingView> = result.items.iter().map(|p| PostingView::new(p, page.lang)).collect();
    let base_query = filters::query_without_cursor(&query);
    let options = filters::FilterOptions::new(page.lang);
    let chips = filters::chips(&query, &options);
    Ok(page.render(
        &state,
        "postings/list.html",
        context! {
            items => Serde(items),
            total => result.total,
            next_cursor => result.next_cursor,
            base_query,
            filters => Serde(&query),
            chips => Serde(chips),
            options => Serde(options),
        },
    ))
}

/// A posting's page. Anyone may open a published posting ([`public::show`]); a signed-in visitor
/// also sees its matches, its booking panel and, if it is theirs, its actions and audit trail.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let Some(user) = page.user.clone() else {
        return public::show(&state, &page, id).await;
    };
    let posting = postings::get(&state.db, &user, id).await?;
    let owner = posting.owned_by(&user);
    let actions: Vec<Labelled> = if owner {
        let context = Context {
            actor: Actor::User(user.role),
            today: state.clock.today(),
            ends_on: posting.posting.window.ends_on(),
        };
        posting
            .status
            .available_actions(&context)
            .into_iter()
            .map(|a| Labelled::new(a.as_str(), a.label(page.lang)))
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
    let responsiveness =
        crate::routes::pages::brokering::workspace::responsiveness(&state, posting.organization_id).await;
    let booking = crate::routes::pages::booking::panel(&state, &user, &posting, page.lang).await;
    let share = public::share(&state, &page, &posting);
    Ok(page.render_public(
        &state,
        "postings/show.html",
        context! {
            posting => Serde(PostingView::new(&posting, page.lang)),
            owner,
            actions => Serde(actions),
            trail => Serde(trail),
            matches => Serde(matches.as_ref().ok()),
            matches_failed => matches.is_err(),
            match_alert => Serde(match_alert),
            responsiveness => Serde(responsiveness.filter(|r| r.counted > 0)),
            booking => Serde(booking),
        },
        share,
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewQuery {
    kind: Option<String>,
}

fn side_of(user: &CurrentUser) -> Option<Side> {
    user.organization.as_ref().and_then(|o| Side::of(o.kind))
}

/// A kind to choose on the "new posting" page, with the kinds it is matched with.
#[derive(Serialize)]
struct KindChoice {
    value: &'static str,
    label: &'static str,
    counterparts: Vec<&'static str>,
}

/// The posting form of `kind`, posting to `action`, with a refused submission's problems.
fn form_page(
    state: &AppState,
    page: &Page,
    kind: PostingKind,
    input: &PostingInput,
    action: String,
    error: Option<ApiError>,
) -> Response {
    let ctx = context! {
        kind => kind.as_str(),
        kind_label => kind.label(page.lang),
        fields => Serde(fields(kind, input, page.lang)),
        editing => action.ends_with("/edit"),
        action,
    };
    page.render_form(state, "postings/form.html", ctx, error)
}

pub async fn new(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageQuery(query): PageQuery<NewQuery>,
) -> Result<Response, PageError> {
    let side = side_of(&user).ok_or(ApiError::Forbidden)?;
    match query.kind.as_deref().map(str::parse::<PostingKind>) {
        Some(Ok(kind)) if kind.side() == side => {
            let input = PostingInput {
                kind: kind.as_str().to_owned(),
                region: user.organization.as_ref().map(|o| o.region.clone()).unwrap_or_default(),
                ..Default::default()
            };
            Ok(form_page(&state, &page, kind, &input, format!("/postings/new?kind={}", kind.as_str()), None))
        }
        Some(_) => Err(ApiError::NotFound.into()),
        None => {
            let kinds: Vec<KindChoice> = PostingKind::of_side(side)
                .map(|k| KindChoice {
                    value: k.as_str(),
                    label: k.label(page.lang),
                    counterparts: k.counterparts().iter().map(|c| c.label(page.lang)).collect(),
                })
                .collect();
            Ok(page.render(&state, "postings/new.html", context! { kinds => Serde(kinds) }))
        }
    }
}

pub async fn create(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageQuery(query): PageQuery<NewQuery>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let Some(Ok(kind)) = query.kind.as_deref().map(str::parse::<PostingKind>) else {
        return Err(ApiError::NotFound.into());
    };
    let input = input_from_pairs(kind, &pairs);
    let publish = pairs.iter().any(|(k, v)| k == "intent" && v == "publish");
    let request = Create { input: input.clone(), publish };
    match postings::create(&state.db, &user, request, state.clock.today(), state.clock.now()).await {
        Ok(posting) => Ok(Redirect::to(&format!("/postings/{}", posting.id)).into_response()),
        Err(error) => {
            let error = on_form(error)?;
            let action = format!("/postings/new?kind={}", kind.as_str());
            Ok(form_page(&state, &page, kind, &input, action, Some(error)))
        }
    }
}

pub async fn edit(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let posting = postings::get(&state.db, &user, id).await?;
    if !posting.owned_by(&user) {
        return Err(ApiError::Forbidden.into());
    }
    let input = posting.posting.to_input();
    Ok(form_page(&state, &page, posting.posting.kind, &input, format!("/postings/{id}/edit"), None))
}

pub async fn update(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let kind = postings::get(&state.db, &user, id).await?.posting.kind;
    let input = input_from_pairs(kind, &pairs);
    // The service takes the API's merge patch; the form sends every field of the kind.
    let patch = serde_json::to_value(&input).map_err(|e| ApiError::Internal(format!("posting form: {e}")))?;
    match postings::update(&state.db, &user, id, patch, None, state.clock.now()).await {
        Ok(_) => Ok(Redirect::to(&format!("/postings/{id}")).into_response()),
        Err(error) => {
            let error = on_form(error)?;
            Ok(form_page(&state, &page, kind, &input, format!("/postings/{id}/edit"), Some(error)))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActForm {
    action: String,
}

pub async fn act(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PagePath(id): PagePath<i64>,
    PageForm(form): PageForm<ActForm>,
) -> Result<Response, PageError> {
    // Expiry is the clock's, never a button's.
    let action = match form.action.parse::<Action>() {
        Ok(Action::Expire) | Err(_) => return Err(ApiError::NotFound.into()),
        Ok(action) => action,
    };
    postings::transition(&state.db, &user, id, action, None, state.clock.today(), state.clock.now()).await?;
    Ok(Redirect::to(&format!("/postings/{id}")).into_response())
}
