//! What an anonymous caller may read over the API: every `GET` route of
//! `crates/api/src/routes/api/mod.rs` with the status an anonymous request gets, in one table
//! (the mutating routes are in [`crate::e2e::security::authz_matrix`], where anonymous callers
//! get 401 everywhere but registration and login). A `GET` route added without a row here fails
//! [`every_read_route_states_what_anonymous_callers_get`].
//!
//! Public: search and suggestions, published postings (one, or the list with its default
//! `status=published`), the public change feed, verified organizations' public profiles, the open
//! data, the reference catalogues and the API's own document. Everything else is 401: a token, or no answer.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::json;

use crate::e2e::platform::openapi::{ROUTES_SOURCE, registered_routes};
use crate::e2e::support::{TestApp, spawn_app};

/// What a row's path parameters name.
#[derive(Clone, Copy)]
enum Target {
    /// Any id: the answer does not depend on it (401 comes before looking).
    Any,
    PublishedPosting,
    DraftPosting,
    VerifiedOrganization,
    PendingOrganization,
}

/// One route as registered, the query sent with it, what `{…}` stands for, and the status.
struct Read {
    path: &'static str,
    query: &'static str,
    target: Target,
    expect: u16,
}

const fn read(path: &'static str, query: &'static str, target: Target, expect: u16) -> Read {
    Read { path, query, target, expect }
}

use Target::{Any, DraftPosting, PendingOrganization, PublishedPosting, VerifiedOrganization};

#[rustfmt::skip]
const READS: &[Read] = &[
    read("/openapi.json",                               "",               Any,                  200),
    read("/me",                                         "",               Any,                  401),
    read("/users",                                      "",               Any,                  401),
    read("/organizations",                              "",               Any,                  401),
    read("/organizations/{id}",                         "",               VerifiedOrganization, 200),
    read("/organizations/{id}",                         "",               PendingOrganization,  404),
    read("/organizations/{id}/members",                 "",               VerifiedOrganization, 401),
    read("/organizations/{id}/responsiveness",          "",               VerifiedOrganization, 401),
    read("/organizations/{id}/api-keys",                "",               VerifiedOrganization, 401),
    read("/postings",                                   "",               Any,                  200),
    read("/postings",                                   "?status=draft",  Any,                  401),
    read("/postings/export",                            "",               Any,                  401),
    read("/postings/template",                          "",               Any,                  401),
    read("/imports/{token}",                            "",               Any,                  401),
    read("/postings/{id}",                              "",               PublishedPosting,     200),
    read("/postings/{id}",                              "",               DraftPosting,         404),
    read("/postings/{id}/audit",                        "",               PublishedPosting,     401),
    read("/postings/{id}/matches",                      "",               PublishedPosting,     401),
    read("/proposals",                                  "",               Any,                  401),
    read("/proposals/{id}",                             "",               Any,                  401),
    read("/projects",                                   "",               Any,                  401),
    read("/projects/{id}",                              "",               Any,                  401),
    read("/assessments",                                "",               Any,                  401),
    read("/delegations",                                "",               Any,                  401),
    read("/workspace/pipeline",                         "",               Any,                  401),
    read("/workspace/notes",                            "",               Any,                  401),
    read("/postings/{id}/slots",                        "",               PublishedPosting,     401),
    read("/bookings",                                   "",               Any,                  401),
    read("/rounds",                                     "",               Any,                  401),
    read("/rounds/{id}",                                "",               Any,                  401),
    read("/rounds/{id}/report",                         "",               Any,                  401),
    read("/rounds/{id}/students",                       "",               Any,                  401),
    read("/rounds/{id}/places/{place}/applicants",      "",               Any,                  401),
    read("/rounds/{id}/results",                        "",               Any,                  401),
    read("/rounds/{id}/intake",                         "",               Any,                  401),
    read("/rounds/{id}/access-log",                     "",               Any,                  401),
    read("/rounds/{id}/sheets/template",                "",               Any,                  401),
    read("/rounds/{id}/sheets/preferences",             "",               Any,                  401),
    read("/rounds/{id}/sheets/results",                 "",               Any,                  401),
    read("/statistics/outlook",                         "",               Any,                  401),
    read("/statistics/supply-demand",                   "",               Any,                  401),
    read("/statistics/supply-demand/postings",          "",               Any,                  401),
    read("/statistics/targets",                         "",               Any,                  401),
    read("/statistics/designations",                    "",               Any,                  401),
    read("/statistics/school-reports",                  "",               Any,                  401),
    read("/statistics/league",                          "",               Any,                  401),
    read("/statistics/league/mine",                     "",               Any,                  401),
    read("/statistics/reports/school/{org_id}",         "",               Any,                  401),
    read("/statistics/reports/city",                    "",               Any,                  401),
    read("/open-data",                                  "",               Any,                  200),
    read("/feed/postings",                              "",               Any,                  200),
    read("/feed/postings/snapshot",                     "",               Any,                  200),
    read("/search",                                     "?q=数控",        Any,                  200),
    read("/suggest",                                    "?q=shukong",     Any,                  200),
    read("/inbox",                                      "",               Any,                  401),
    read("/subscriptions",                              "",               Any,                  401),
    read("/subscriptions/{id}",                         "",               Any,                  401),
    read("/subscriptions/{id}/deliveries",              "",               Any,                  401),
    read("/reference/programs",                         "",               Any,                  200),
    read("/reference/occupations",                      "",               Any,                  200),
    read("/reference/clusters",                         "",               Any,                  200),
    read("/reference/regions",                          "",               Any,                  200),
];

#[test]
fn every_read_route_states_what_anonymous_callers_get() {
    let source = std::fs::read_to_string(ROUTES_SOURCE).expect("the API's route table");
    let registered: BTreeSet<String> =
        registered_routes(&source).into_iter().filter(|(method, _)| method == "GET").map(|(_, path)| path).collect();
    let tabled: BTreeSet<String> = READS.iter().map(|r| r.path.to_owned()).collect();
    let missing: Vec<_> = registered.difference(&tabled).collect();
    let stale: Vec<_> = tabled.difference(&registered).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "tests/e2e/security/anonymous_reads.rs and crates/api/src/routes/api/mod.rs disagree\n\
         GET routes without a row: {missing:?}\nrows for routes that are not registered: {stale:?}"
    );
}

/// The ids the targets name, made through the API by their owners.
struct Ids {
    published: i64,
    draft: i64,
    verified: i64,
    pending: i64,
}

async fn ids(app: &TestApp) -> Ids {
    let enterprise = app.demo_login("enterprise@demo.local").await;
    let posting = |publish: bool| json!({"kind": "job", "title": "数控车工", "region": "330603", "quantity": 3, "publish": publish});
    let id = |value: serde_json::Value| value["id"].as_i64().unwrap_or_else(|| panic!("no id in {value}"));
    let published =
        id(app.post_json("/api/v1/postings", &posting(true), Some(&enterprise)).await.json().await.unwrap());
    let draft = id(app.post_json("/api/v1/postings", &posting(false), Some(&enterprise)).await.json().await.unwrap());
    let registration = json!({"kind": "enterprise", "name": "待审核精工有限公司", "region": "330603",
        "credit_code": "91330602MA2D3X7Q1D", "admin_email": "anonymous-reads@example.org",
        "admin_password": "a-long-password"});
    let pending = app.post_json("/api/v1/organizations", &registration, None).await;
    assert_eq!(pending.status(), StatusCode::CREATED);
    let pending = id(pending.json().await.unwrap());
    Ids { published, draft, verified: app.my_org_id(&enterprise).await, pending }
}

#[tokio::test]
async fn every_read_route_answers_anonymous_callers_as_the_table_says() {
    let app = spawn_app().await;
    let ids = ids(&app).await;
    let mut failures = Vec::new();
    for row in READS {
        let id = match row.target {
            Any => 1,
            PublishedPosting => ids.published,
            DraftPosting => ids.draft,
            VerifiedOrganization => ids.verified,
            PendingOrganization => ids.pending,
        };
        let path = row.path.replace("{id}", &id.to_string()).replace("{place}", "1").replace("{org_id}", "1");
        let path = path.replace("{token}", "0123456789abcdef");
        let response = app.api.get(app.url(&format!("/api/v1{path}{}", row.query))).send().await.unwrap();
        if response.status().as_u16() != row.expect {
            failures.push(format!("  GET {path}{}: expected {}, got {}", row.query, row.expect, response.status()));
        }
    }
    assert!(failures.is_empty(), "anonymous reads disagree with the table:\n{}", failures.join("\n"));
}
