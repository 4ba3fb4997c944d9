//! The cast of authorization tests: for each organization kind a verified owner (the demo
//! account), another verified organization, a pending one and a rejected one; an intermediary
//! holding an active grant from every owner (the delegate, acting through `X-On-Behalf-Of`), one
//! whose grants were revoked, the city authority, the platform administrator, and an API key
//! of each owner's organization holding every scope.
//!
//! Everything is set up the way a user would: organizations register through
//! `POST /api/v1/organizations` and the administrator verifies or rejects them through
//! `POST /api/v1/organizations/{id}/verification`. Authorities are the one exception: they are
//! not self-service, so an authority of the cast registers as an intermediary and its kind is
//! then set in the database, as the administrator's tooling would create it.

use std::sync::atomic::{AtomicU32, Ordering};

use chanjiao_domain::CreditCode;
use reqwest::{Method, RequestBuilder, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::e2e::support::{DEMO_PASSWORD, TestApp};

/// The kind of organization that owns the resource a route acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Enterprise,
    School,
    Intermediary,
    Authority,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Enterprise => "enterprise",
            Kind::School => "school",
            Kind::Intermediary => "intermediary",
            Kind::Authority => "authority",
        }
    }
}

/// Who calls, relative to the owner of the resource (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Anonymous,
    Pending,
    Rejected,
    OtherVerified,
    Delegate,
    RevokedDelegate,
    Owner,
    Authority,
    PlatformAdmin,
    /// The owner's organization through an API key with every scope (a key acts as its
    /// organization, within the scope table, never as a person).
    OwnerKey,
}

impl Actor {
    /// In the order of the matrix's columns.
    pub const ALL: [Actor; 10] = [
        Actor::Anonymous,
        Actor::Pending,
        Actor::Rejected,
        Actor::OtherVerified,
        Actor::Delegate,
        Actor::RevokedDelegate,
        Actor::Owner,
        Actor::Authority,
        Actor::PlatformAdmin,
        Actor::OwnerKey,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Actor::Anonymous => "anonymous",
            Actor::Pending => "pending org",
            Actor::Rejected => "rejected org",
            Actor::OtherVerified => "other verified org",
            Actor::Delegate => "delegate",
            Actor::RevokedDelegate => "revoked delegate",
            Actor::Owner => "owner",
            Actor::Authority => "authority",
            Actor::PlatformAdmin => "platform admin",
            Actor::OwnerKey => "owner's API key",
        }
    }
}

/// One signed-in user (or nobody), perhaps acting for a client.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    pub email: Option<String>,
    pub token: Option<String>,
    /// The caller's own organization (none for anonymous callers and platform administrators).
    pub org_id: Option<i64>,
    /// The client named in `X-On-Behalf-Of`.
    pub on_behalf_of: Option<i64>,
}

impl Caller {
    pub fn anonymous() -> Caller {
        Caller::default()
    }

    async fn signed_in(app: &TestApp, email: &str) -> Caller {
        let token = app.login(email, DEMO_PASSWORD).await;
        let me: Value = app.get_json("/api/v1/me", Some(&token)).await.json().await.unwrap();
        let org_id = me["organization"]["id"].as_i64();
        Caller { email: Some(email.to_owned()), token: Some(token), org_id, on_behalf_of: None }
    }

    /// The same user with a new session of its own (for calls that end the session); an API key
    /// or nobody stays as it is.
    pub async fn fresh_session(&self, app: &TestApp) -> Caller {
        let token = match &self.email {
            Some(email) => Some(app.login(email, DEMO_PASSWORD).await),
            None => self.token.clone(),
        };
        Caller { token, ..self.clone() }
    }

    /// The same user naming `client` in `X-On-Behalf-Of`.
    pub fn acting_for(&self, client: i64) -> Caller {
        Caller { on_behalf_of: Some(client), ..self.clone() }
    }

    pub fn token(&self) -> &str {
        self.token.as_deref().expect("a signed-in caller")
    }

    /// A request with the caller's bearer token and `X-On-Behalf-Of`, if any.
    pub fn request(&self, app: &TestApp, method: Method, path: &str) -> RequestBuilder {
        let mut request = app.api.request(method, app.url(path));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(client) = self.on_behalf_of {
            request = request.header("X-On-Behalf-Of", client.to_string());
        }
        request
    }

    /// A set-up call that must succeed; its JSON answer (`null` for an empty one).
    pub async fn must(&self, app: &TestApp, method: Method, path: &str, body: &Value) -> Value {
        let response = self.request(app, method.clone(), path).json(body).send().await.expect("request");
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        assert!(status.is_success(), "set-up {method} {path} as {:?}: {status} {text}", self.email);
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    pub async fn post(&self, app: &TestApp, path: &str, body: Value) -> Value {
        self.must(app, Method::POST, path, &body).await
    }
}

/// The organizations of one kind, relative to its owner.
#[derive(Debug, Clone)]
pub struct Side {
    pub owner: Caller,
    pub other: Caller,
    pub pending: Caller,
    pub rejected: Caller,
    /// An API key of the owner's organization with every scope.
    pub key: Caller,
}

/// Everyone an authorization test needs, set up once per app.
pub struct Cast {
    pub enterprise: Side,
    pub school: Side,
    pub intermediary: Side,
    pub authority: Side,
    pub admin: Caller,
    /// A member of the intermediary every owner delegated to, not yet acting for anyone.
    pub delegate: Caller,
    /// A member of the intermediary whose grants every owner revoked.
    pub revoked: Caller,
}

static SERIAL: AtomicU32 = AtomicU32::new(1);

/// A number unique within the test binary, for names, e-mails and credit codes.
pub fn serial() -> u32 {
    SERIAL.fetch_add(1, Ordering::Relaxed)
}

/// Registers an organization of `kind` with an administrator whose password is the demo
/// password; returns its id and the administrator's e-mail. Still pending.
pub async fn register(app: &TestApp, kind: Kind, label: &str) -> (i64, String) {
    let n = serial();
    let email = format!("matrix-{n}@example.org");
    // Authorities are created by an administrator, not by self-registration (see module docs).
    let registered_kind = if kind == Kind::Authority { Kind::Intermediary } else { kind };
    let mut body = json!({"kind": registered_kind.as_str(), "name": format!("矩阵{label}{n}"), "region": "330602",
        "admin_email": email, "admin_password": DEMO_PASSWORD});
    match registered_kind {
        Kind::Enterprise => {
            let code = CreditCode::complete(&format!("91330602MA{n:07}")).expect("a well-formed credit code");
            body["credit_code"] = json!(code.as_str());
            body["region"] = json!("330603");
        }
        Kind::School => body["level"] = json!("gaozhi_zhuanke"),
        Kind::Intermediary | Kind::Authority => {}
    }
    let response = app.post_json("/api/v1/organizations", &body, None).await;
    let status = response.status();
    let created: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(status, StatusCode::CREATED, "registering {body}: {created}");
    let id = created["id"].as_i64().expect("organization id");
    if kind == Kind::Authority {
        app.db
            .execute_unprepared(&format!("UPDATE organizations SET kind = 'authority' WHERE id = {id}"))
            .await
            .expect("make the organization an authority");
    }
    (id, email)
}

/// The administrator's decision on an organization: `verified` or `rejected`.
pub async fn decide(app: &TestApp, admin: &Caller, org: i64, decision: &str) {
    admin.post(app, &format!("/api/v1/organizations/{org}/verification"), json!({"decision": decision})).await;
}

/// A signed-in administrator of a new organization of `kind` in the given state (`pending`,
/// `verified` or `rejected`).
pub async fn organization(app: &TestApp, admin: &Caller, kind: Kind, state: &str) -> Caller {
    let (id, email) = register(app, kind, state).await;
    if state != "pending" {
        decide(app, admin, id, state).await;
    }
    Caller::signed_in(app, &email).await
}

impl Cast {
    pub async fn assemble(app: &TestApp) -> Cast {
        let admin = Caller::signed_in(app, "admin@demo.local").await;
        let delegate = organization(app, &admin, Kind::Intermediary, "verified").await;
        let revoked = organization(app, &admin, Kind::Intermediary, "verified").await;
        let mut sides = Vec::new();
        for (kind, email) in [
            (Kind::Enterprise, "enterprise@demo.local"),
            (Kind::School, "school@demo.local"),
            (Kind::Intermediary, "broker@demo.local"),
            (Kind::Authority, "city@demo.local"),
        ] {
            let owner = Caller::signed_in(app, email).await;
            delegate_to(app, &owner, &delegate, &revoked).await;
            sides.push(Side {
                key: api_key(app, &owner).await,
                owner,
                other: organization(app, &admin, kind, "verified").await,
                pending: organization(app, &admin, kind, "pending").await,
                rejected: organization(app, &admin, kind, "rejected").await,
            });
        }
        let [enterprise, school, intermediary, authority] = sides.try_into().expect("four sides");
        Cast { enterprise, school, intermediary, authority, admin, delegate, revoked }
    }

    pub fn side(&self, kind: Kind) -> &Side {
        match kind {
            Kind::Enterprise => &self.enterprise,
            Kind::School => &self.school,
            Kind::Intermediary => &self.intermediary,
            Kind::Authority => &self.authority,
        }
    }

    /// The owner of resources of `kind`.
    pub fn owner(&self, kind: Kind) -> &Caller {
        &self.side(kind).owner
    }

    /// `actor` relative to resources of `kind` owned by the kind's owner.
    pub fn caller(&self, actor: Actor, kind: Kind) -> Caller {
        self.caller_for(actor, self.side(kind))
    }

    /// `actor` relative to `side`, whose owner may be another organization than the demo's
    /// (see [`Cast::fresh_owner`]).
    pub fn caller_for(&self, actor: Actor, side: &Side) -> Caller {
        let client = side.owner.org_id.expect("owners have an organization");
        match actor {
            Actor::Anonymous => Caller::anonymous(),
            Actor::Pending => side.pending.clone(),
            Actor::Rejected => side.rejected.clone(),
            Actor::OtherVerified => side.other.clone(),
            Actor::Delegate => self.delegate.acting_for(client),
            Actor::RevokedDelegate => self.revoked.acting_for(client),
            Actor::Owner => side.owner.clone(),
            Actor::Authority => self.authority.owner.clone(),
            Actor::PlatformAdmin => self.admin.clone(),
            Actor::OwnerKey => side.key.clone(),
        }
    }

    /// The side of `kind` with a new verified organization as owner, which delegated to the
    /// delegate and revoked the revoked delegate like the demo owners: for calls that change the
    /// owner itself (its profile), so that no other cell sees the change.
    pub async fn fresh_owner(&self, app: &TestApp, kind: Kind) -> Side {
        let owner = organization(app, &self.admin, kind, "verified").await;
        delegate_to(app, &owner, &self.delegate, &self.revoked).await;
        Side { key: api_key(app, &owner).await, owner, ..self.side(kind).clone() }
    }
}

/// A key of `owner`'s organization with every scope, as a caller.
async fn api_key(app: &TestApp, owner: &Caller) -> Caller {
    let org = owner.org_id.expect("owners have an organization");
    let body = json!({"name": format!("矩阵密钥{}", serial()), "scopes": ["read", "postings:write", "proposals:write", "feed"]});
    let key = owner.post(app, &format!("/api/v1/organizations/{org}/api-keys"), body).await;
    let token = key["secret"].as_str().expect("the key's secret").to_owned();
    Caller { email: None, token: Some(token), org_id: Some(org), on_behalf_of: None }
}

/// `owner` grants `delegate`'s intermediary, and grants and then revokes `revoked`'s.
async fn delegate_to(app: &TestApp, owner: &Caller, delegate: &Caller, revoked: &Caller) {
    owner.post(app, "/api/v1/delegations", json!({"intermediary_id": delegate.org_id})).await;
    let grant = owner.post(app, "/api/v1/delegations", json!({"intermediary_id": revoked.org_id})).await;
    owner.post(app, &format!("/api/v1/delegations/{}/revoke", grant["id"]), json!({})).await;
}
