//! Extractors that resolve the signed-in user, so that a handler's signature states what it
//! needs: [`ApiUser`] (API, 401 without a session), [`ApiAdmin`] (platform administrators on
//! the API), [`PageUser`] (pages, redirect to the login
//! page), [`PageAdmin`] (platform administrators only), [`MaybeUser`] (anyone).
//!
//! On the API, a bearer token starting `cjk_` is an organization's API key
//! ([`crate::services::api_keys`]): the caller is then the organization, never a person
//! ([`CurrentUser::api_key`], no user id), and the key's scopes are checked here against the one
//! scope table ([`crate::auth::scopes`]) before any handler runs. Pages never accept a key.

use std::collections::BTreeSet;

use axum::extract::{FromRequestParts, MatchedPath};
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use chanjiao_domain::Role;
use chanjiao_domain::access::{self, Caller, Power, Standing};
use chanjiao_domain::api_keys::{PresentedKey, Scope};
use serde::Serialize;

use crate::auth::cookies;
use crate::error::ApiError;
use crate::services::brokering::delegations;
use crate::services::organizations::Organization;
use crate::services::{accounts, api_keys};
use crate::startup::AppState;
use crate::web::{HtmlError, Lang};

/// The user behind a request, with their organization (platform administrators have none), or
/// an organization's API key.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CurrentUser {
    /// The person signed in; `None` when an API key calls: a key acts as its organization and
    /// never stands in for a person (nothing it does is recorded against a user).
    #[serde(rename = "id")]
    #[schema(required = true)]
    pub user_id: Option<i64>,
    /// The person's e-mail; empty for an API key.
    #[schema(format = "email")]
    pub email: String,
    pub role: Role,
    /// The organization they act as: their own, or a client that delegated to their
    /// intermediary (see [`CurrentUser::intermediary`]).
    #[schema(required = true)]
    pub organization: Option<Organization>,
    /// When an intermediary's member acts for a client, the intermediary (the user's own
    /// organization); everything they do is recorded as done on the client's behalf.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intermediary: Option<Organization>,
    /// The API key calling, when it is one (then the role is `member` and `user_id` is `None`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_key: Option<ApiKeyRef>,
    /// The digest of the session token, so logout can revoke exactly this session.
    #[serde(skip)]
    #[schema(ignore)]
    pub session_digest: String,
}

/// The API key behind a request: which key, its name (for the audit trail) and its scopes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ApiKeyRef {
    pub id: i64,
    pub name: String,
    pub scopes: BTreeSet<Scope>,
}

/// Whom a per-person record (an import's progress, say) belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Principal {
    User(i64),
    ApiKey(i64),
}

impl CurrentUser {
    /// The person behind the request; an API key gets a 403 saying a person must sign in, for
    /// the things only a person has (a password, sessions, an inbox's read marks).
    pub fn person(&self) -> Result<i64, ApiError> {
        self.user_id.ok_or(ApiError::KeyScope { scope: None })
    }

    /// The user or the key, for records that belong to whoever started them.
    pub fn principal(&self) -> Principal {
        match (&self.api_key, self.user_id) {
            (Some(key), _) => Principal::ApiKey(key.id),
            (None, Some(id)) => Principal::User(id),
            // Every session has a user; a caller with neither is a key (above).
            (None, None) => Principal::ApiKey(0),
        }
    }

    /// Who acted, in words, for records that keep a label: the person's e-mail, or
    /// "API key <name>" (the audit trail renders keys in the reader's language instead).
    pub fn actor_label(&self) -> String {
        match &self.api_key {
            Some(key) => format!("API key {}", key.name),
            None => self.email.clone(),
        }
    }

    pub fn is_platform_admin(&self) -> bool {
        self.role == Role::PlatformAdmin
    }

    pub fn organization_id(&self) -> Option<i64> {
        self.organization.as_ref().map(|o| o.id)
    }

    /// The user's own organization, whoever they act for.
    pub fn home_organization(&self) -> Option<&Organization> {
        self.intermediary.as_ref().or(self.organization.as_ref())
    }

    /// Members of the organization, and platform administrators, may see its private data.
    pub fn may_read_private(&self, organization_id: i64) -> bool {
        self.is_platform_admin() || self.organization_id() == Some(organization_id)
    }

    /// Members' e-mail addresses are for the organization's own members and platform
    /// administrators; an intermediary acting for the organization does not see them.
    pub fn may_see_member_emails(&self, organization_id: i64) -> bool {
        self.may_read_private(organization_id) && self.intermediary.is_none()
    }

    /// Only an organization's own administrators change it.
    pub fn may_administer(&self, organization_id: i64) -> bool {
        self.role == Role::OrgAdmin && self.organization_id() == Some(organization_id)
    }

    /// The user as the access policy sees them.
    pub fn caller(&self) -> Caller {
        Caller {
            role: self.role,
            organization: self.organization.as_ref().map(|o| Standing { kind: o.kind, verification: o.verification }),
            acting_for_client: self.intermediary.is_some(),
            api_key: self.api_key.is_some(),
        }
    }

    /// Whether the policy grants `power`, for pages that offer or hide what it allows.
    pub fn may(&self, power: Power) -> bool {
        access::decide(&self.caller(), power).is_ok()
    }

    /// The refusal of `power`, for the places that first try another way in (a school's own
    /// league row before the city's): a 403 that says why.
    pub fn refused(&self, power: Power) -> ApiError {
        self.require(power).err().unwrap_or(ApiError::Forbidden)
    }

    /// The one enforcement point of the access policy: a 403 that says why, or nothing.
    pub fn require(&self, power: Power) -> Result<(), ApiError> {
        access::decide(&self.caller(), power).map_err(|refusal| ApiError::NotPermitted { power, refusal })
    }
}

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Where a request is resolved: the API (which takes keys, and the session cookie only for
/// safe methods) or a page (cookie or bearer session, never a key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Via {
    Api {
        allow_cookie: bool,
    },
    Page,
    /// An API answer given without a handler (an idempotent replay): the bearer credential as
    /// on the API, but no route whose scope a key would need.
    Replay,
}

/// Whether the credential an API request presents still stands, for answers given without
/// running a handler (an idempotent replay): a revoked key, an ended session or a revoked
/// delegation is refused (401, 403) exactly as the handler would refuse it. Scopes are not
/// looked at: a key's scopes never change, and the answer was given under them.
pub async fn still_authenticates(parts: &Parts, state: &AppState) -> Result<(), ApiError> {
    let presented = bearer(parts).is_some();
    match resolve(parts, state, Via::Replay).await? {
        None if presented => Err(ApiError::Unauthenticated),
        _ => Ok(()),
    }
}

async fn resolve(parts: &Parts, state: &AppState, via: Via) -> Result<Option<CurrentUser>, ApiError> {
    let allow_cookie = matches!(via, Via::Page | Via::Api { allow_cookie: true });
    let token = match bearer(parts) {
        Some(token) => Some(token),
        None if allow_cookie => cookies::get(&parts.headers, cookies::SESSION),
        None => None,
    };
    let now = state.clock.now();
    let user = match token {
        // A key string is a key or nothing, never looked up as a session; and only on the API.
        Some(token) if PresentedKey::claims(token) => match via {
            Via::Api { .. } | Via::Replay if bearer(parts).is_some() => {
                let Some(key) = api_keys::authenticate(&state.db, token, now).await? else { return Ok(None) };
                if via != Via::Replay {
                    let route = parts.extensions.get::<MatchedPath>().map(MatchedPath::as_str);
                    let scopes = key.api_key.as_ref().map(|k| &k.scopes).cloned().unwrap_or_default();
                    super::scopes::check(&parts.method, route, &scopes)
                        .map_err(|scope| ApiError::KeyScope { scope })?;
                }
                Some(key)
            }
            _ => None,
        },
        Some(token) if !token.is_empty() => accounts::session_user(&state.db, token, now).await?,
        _ => None,
    };
    let Some(user) = user else { return Ok(None) };
    // An intermediary acting for a client: the API names the client in a header and is refused
    // without a grant; pages remember the choice in a cookie, and a revoked grant there simply
    // brings the user back to their own organization.
    if let Some(raw) = parts.headers.get(ON_BEHALF_OF).and_then(|v| v.to_str().ok()) {
        let client =
            raw.trim().parse::<i64>().map_err(|_| ApiError::BadRequest(format!("{ON_BEHALF_OF}: not an id")))?;
        return delegations::act_for(&state.db, user, client).await.map(Some);
    }
    if allow_cookie
        && user.api_key.is_none()
        && let Some(client) = cookies::get(&parts.headers, cookies::ACTING).and_then(|v| v.parse().ok())
    {
        return match delegations::act_for(&state.db, user.clone(), client).await {
            Ok(acting) => Ok(Some(acting)),
            Err(ApiError::Forbidden | ApiError::NotPermitted { .. } | ApiError::NotFound) => Ok(Some(user)),
            Err(other) => Err(other),
        };
    }
    Ok(Some(user))
}

/// The API header naming the client an intermediary acts for.
pub const ON_BEHALF_OF: &str = "x-on-behalf-of";

/// A signed-in API caller. The session cookie counts only for safe methods (see [`crate::auth`]).
pub struct ApiUser(pub CurrentUser);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let safe = matches!(parts.method, Method::GET | Method::HEAD);
        resolve(parts, state, Via::Api { allow_cookie: safe }).await?.map(ApiUser).ok_or(ApiError::Unauthenticated)
    }
}

/// A signed-in platform administrator on the API; other callers get 403 (401 without a session).
pub struct ApiAdmin(pub CurrentUser);

impl FromRequestParts<AppState> for ApiAdmin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let ApiUser(user) = ApiUser::from_request_parts(parts, state).await?;
        if user.is_platform_admin() { Ok(ApiAdmin(user)) } else { Err(ApiError::Forbidden) }
    }
}

/// Whoever is signed in on a page, if anyone.
pub struct MaybeUser(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = HtmlError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let lang = Lang::from_headers(&parts.headers, parts.uri.query());
        resolve(parts, state, Via::Page).await.map(MaybeUser).map_err(|e| HtmlError::new(state, lang, e))
    }
}

/// A signed-in page visitor; anyone else is sent to the login page and brought back after.
pub struct PageUser(pub CurrentUser);

pub enum PageRejection {
    Login(Redirect),
    Error(HtmlError),
}

impl IntoResponse for PageRejection {
    fn into_response(self) -> Response {
        match self {
            PageRejection::Login(redirect) => redirect.into_response(),
            PageRejection::Error(error) => error.into_response(),
        }
    }
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = PageRejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let MaybeUser(user) = MaybeUser::from_request_parts(parts, state).await.map_err(PageRejection::Error)?;
        match user {
            Some(user) => Ok(PageUser(user)),
            None => {
                let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
                let target = format!("/login?next={}", crate::web::url_encode(next));
                Err(PageRejection::Login(Redirect::to(&target)))
            }
        }
    }
}

/// A platform administrator on a page; other signed-in users get a 403 page.
pub struct PageAdmin(pub CurrentUser);

impl FromRequestParts<AppState> for PageAdmin {
    type Rejection = PageRejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let PageUser(user) = PageUser::from_request_parts(parts, state).await?;
        match user.require(Power::AdministerPlatform) {
            Ok(()) => Ok(PageAdmin(user)),
            Err(error) => {
                let lang = Lang::from_headers(&parts.headers, parts.uri.query());
                Err(PageRejection::Error(HtmlError::new(state, lang, error)))
            }
        }
    }
}

/// Whoever calls the API, if anyone: the public endpoints (search, published postings, public
/// profiles, the public feed) answer anonymous callers with what is public, and signed-in callers
/// with more. A token that is sent but not valid is still a 401, so a client with an expired
/// token learns so instead of silently seeing less.
pub struct ApiCaller(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let safe = matches!(parts.method, Method::GET | Method::HEAD);
        let presented = bearer(parts).is_some();
        match resolve(parts, state, Via::Api { allow_cookie: safe }).await? {
            Some(user) => Ok(ApiCaller(Some(user))),
            None if presented => Err(ApiError::Unauthenticated),
            None => Ok(ApiCaller(None)),
        }
    }
}
