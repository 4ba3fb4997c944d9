//! The authorization matrix: every mutating API route (each POST, PUT, PATCH and DELETE in
//! `crates/api/src/routes/api/mod.rs`) against ten actors, one expected status per cell, in one
//! table. A route added to `mod.rs` without a row here fails
//! [`every_mutating_route_is_in_the_authorization_matrix`].
//!
//! Each cell acts on a fresh resource its owner created for it (a posting, a proposal, a slot, a
//! round in the phase the call needs …; see [`crate::e2e::security::authz_fixtures`]), with a body the owner's
//! call would succeed with, so that the status reflects who calls, not what was sent. A refused
//! cell must also leave the resource as it was: its fixture names a witness (the resource read
//! back, or a row count) that is compared before and after.
//!
//! The policy the table states (the target of issue 14, `docs/security/matrix.md`):
//! - anonymous callers get 401 everywhere but registration and login;
//! - pending and rejected organizations get 403 on every power; they keep the self-service calls
//!   (signing in and out, registering, their inbox, alerts, matching text) and their own drafts,
//!   so on other organizations' postings they get what any other organization gets;
//! - another verified organization gets 403, or 404 where the resource is not visible to it, and
//!   may of course create its own things;
//! - a delegate (an intermediary's member acting for the owner through `X-On-Behalf-Of`) acts as
//!   an ordinary member of the owner: not as its administrator, and never with oversight powers;
//! - a revoked delegate gets 403 on everything that needs a signed-in user;
//! - the (verified) authority oversees (designations, assessor appointments, organizing rounds),
//!   but does not touch others' postings;
//! - the platform administrator verifies organizations and administers rounds and training
//!   bases, but has no organization to act as;
//! - the owner's API key (every scope) does what its scopes open as the owner's organization
//!   (postings, their slots and imports, proposals, matching text) and gets 403 on everything
//!   else, whatever the owner's own administrators may do: keys, members, delegations, rounds,
//!   the inbox and the account are for people.
//!
//! Where a caller names something that is not theirs in the body (a posting to propose from, a
//! student of another school), the answer is a 422 naming that field, as for any bad input;
//! where the resource in the path is not visible to the caller, a 404. The failure lists every
//! mismatching cell at once.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::Value;

use crate::e2e::booking::api::scalar;
use crate::e2e::platform::openapi::{ROUTES_SOURCE, registered_routes};
use crate::e2e::security::actors::{Actor, Cast, Kind};
use crate::e2e::security::authz_fixtures::{Body, Witness, prepare};
use crate::e2e::support::{TestApp, spawn_app_with};

/// One route: its method and path as registered, the kind of organization owning what it acts
/// on, and the expected status for each actor, in the order of [`Actor::ALL`].
pub struct Row {
    pub method: &'static str,
    pub path: &'static str,
    pub owner: Kind,
    pub expect: [u16; 10],
}

const fn row(method: &'static str, path: &'static str, owner: Kind, expect: [u16; 10]) -> Row {
    Row { method, path, owner, expect }
}

use Kind::{Authority as Auth, Enterprise as Ent, Intermediary as Int, School as Sch};

#[rustfmt::skip]
pub const MATRIX: &[Row] = &[
    // columns:                                                                anon pend rej  othr dlg  rvkd ownr auth admn key
    // Accounts: signing in and out, registering.
    row("POST",   "/auth/login",                                        Ent,  [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    row("POST",   "/auth/logout",                                       Ent,  [401, 204, 204, 204, 204, 403, 204, 204, 204, 403]),
    row("POST",   "/organizations",                                     Sch,  [201, 201, 201, 201, 201, 201, 201, 201, 201, 201]),
    // The owner is a fresh verified enterprise (a renamed organization goes back to review).
    row("PATCH",  "/organizations/{id}",                                Ent,  [401, 403, 403, 403, 403, 403, 200, 403, 403, 403]),
    row("POST",   "/organizations/{id}/members",                        Ent,  [401, 403, 403, 403, 403, 403, 201, 403, 403, 403]),
    // Acting on a fresh pending organization.
    // API keys: the organization's administrators in person (a delegate, a key and the
    // platform administrator cannot); another organization's key is not found.
    row("POST",   "/organizations/{id}/api-keys",                       Ent,  [401, 403, 403, 403, 403, 403, 201, 403, 403, 403]),
    row("POST",   "/api-keys/{id}/rotate",                              Ent,  [401, 403, 403, 404, 403, 403, 200, 404, 403, 403]),
    row("POST",   "/api-keys/{id}/revoke",                              Ent,  [401, 403, 403, 404, 403, 403, 200, 404, 403, 403]),
    row("POST",   "/organizations/{id}/verification",                   Ent,  [401, 403, 403, 403, 403, 403, 403, 403, 200, 403]),
    // Postings. GATE: pending and rejected publishing get 422 (status) on main.
    row("POST",   "/postings",                                          Ent,  [401, 403, 403, 201, 201, 403, 201, 403, 403, 201]),
    // A one-row file that publishes: pending and rejected organizations may import drafts, so a
    // row asking to be published is a row problem (422 naming its row and column), not a 403.
    row("POST",   "/postings/import",                                   Ent,  [401, 422, 422, 201, 201, 403, 201, 403, 403, 201]),
    // On the owner's draft: invisible to other organizations.
    // A progress token for an import: anyone who may import drafts (pending organizations too).
    row("POST",   "/imports",                                           Ent,  [401, 201, 201, 201, 201, 403, 201, 403, 403, 201]),
    row("PATCH",  "/postings/{id}",                                     Ent,  [401, 404, 404, 404, 200, 403, 200, 404, 403, 200]),
    row("POST",   "/match",                                             Ent,  [401, 200, 200, 200, 200, 403, 200, 200, 200, 200]),
    // `pause` on the owner's published posting.
    row("POST",   "/postings/{id}/{action}",                            Ent,  [401, 403, 403, 403, 200, 403, 200, 403, 403, 200]),
    // Brokering. Proposing from another organization's posting names the field
    // (from_posting_id, 422); an authority has no power to propose (403).
    row("POST",   "/proposals",                                         Ent,  [401, 403, 403, 422, 201, 403, 201, 403, 403, 201]),
    // The owner declines a school's proposal; parties alone see it (404 for everyone else).
    row("POST",   "/proposals/{id}/answer",                             Ent,  [401, 404, 404, 404, 200, 403, 200, 403, 403, 200]),
    // The owner starts an agreed project.
    row("PATCH",  "/projects/{id}",                                     Ent,  [401, 404, 404, 404, 200, 403, 200, 403, 403, 403]),
    // GATE: pending and rejected authorities get 201 on main.
    row("POST",   "/projects/{id}/assessments",                         Auth, [401, 403, 403, 201, 403, 403, 201, 201, 201, 403]),
    // The demo intermediary is the appointed assessor; nobody else sees the assessment.
    row("POST",   "/assessments/{id}",                                  Int,  [401, 404, 404, 404, 404, 403, 200, 404, 404, 403]),
    // Each caller grants the demo intermediary. GATE: pending and rejected get 201 on main.
    row("POST",   "/delegations",                                       Ent,  [401, 403, 403, 201, 403, 403, 201, 201, 403, 403]),
    // Another organization's grant does not exist for the caller.
    row("POST",   "/delegations/{id}/revoke",                           Ent,  [401, 404, 404, 404, 403, 403, 200, 404, 403, 403]),
    // A note on a client of the demo intermediary's only. Case notes are an intermediary's own
    // workspace: another intermediary's member acting for it (the delegate) is checked against
    // its own clients, so both it and another organization get 422 naming client_org_id.
    row("POST",   "/workspace/notes",                                   Int,  [401, 403, 403, 422, 422, 403, 201, 403, 403, 403]),
    // Training-base booking: the owner's published base (administrators see its bookings but
    // change nothing).
    row("POST",   "/postings/{id}/slots",                               Ent,  [401, 403, 403, 403, 201, 403, 201, 403, 403, 201]),
    row("PATCH",  "/slots/{id}",                                        Ent,  [401, 403, 403, 403, 200, 403, 200, 403, 403, 200]),
    row("DELETE", "/slots/{id}",                                        Ent,  [401, 403, 403, 403, 204, 403, 204, 403, 403, 204]),
    // A school books a slot of the demo enterprise's base. GATE: pending and rejected get 422
    // (organization) on main.
    row("POST",   "/slots/{id}/bookings",                               Sch,  [401, 403, 403, 201, 201, 403, 201, 403, 403, 403]),
    // The owner's booking; the administrator may cancel any; nobody else sees it.
    row("POST",   "/bookings/{id}/cancel",                              Sch,  [401, 404, 404, 404, 200, 403, 200, 404, 200, 403]),
    // Allocation rounds, organized by the city. Organizing is an authority's power, never
    // exercised on a client's behalf (the delegate gets 403).
    row("POST",   "/rounds",                                            Auth, [401, 403, 403, 201, 403, 403, 201, 201, 403, 403]),
    // On a draft round: invisible to everyone but its organizer and administrators.
    row("POST",   "/rounds/{id}/places",                                Auth, [401, 404, 404, 404, 404, 403, 201, 201, 201, 403]),
    row("POST",   "/rounds/{id}/open",                                  Auth, [401, 404, 404, 404, 404, 403, 200, 200, 200, 403]),
    // On a collecting, run or published round, which everyone signed in sees.
    row("POST",   "/rounds/{id}/run",                                   Auth, [401, 403, 403, 403, 403, 403, 200, 200, 200, 403]),
    row("POST",   "/rounds/{id}/publish",                               Auth, [401, 403, 403, 403, 403, 403, 200, 200, 200, 403]),
    row("POST",   "/rounds/{id}/close",                                 Auth, [401, 403, 403, 403, 403, 403, 200, 200, 200, 403]),
    row("POST",   "/rounds/{id}/follow-up",                             Auth, [401, 403, 403, 403, 403, 403, 201, 201, 201, 403]),
    // Schools enter students. GATE: pending and rejected schools get 201 on main.
    row("POST",   "/rounds/{id}/students",                              Sch,  [401, 403, 403, 201, 201, 403, 201, 403, 403, 403]),
    // On the owner's student: another school names a student that is not its own (422 on
    // student_id).
    row("DELETE", "/rounds/{id}/students/{student}",                    Sch,  [401, 403, 403, 422, 204, 403, 204, 403, 403, 403]),
    row("PUT",    "/rounds/{id}/students/{student}/preferences",        Sch,  [401, 403, 403, 422, 200, 403, 200, 403, 403, 403]),
    row("POST",   "/rounds/{id}/students/{student}/response",           Sch,  [401, 403, 403, 422, 200, 403, 200, 403, 403, 403]),
    // The owner's place in a collecting round.
    row("PUT",    "/rounds/{id}/places/{place}/ranking",                Ent,  [401, 403, 403, 403, 200, 403, 200, 403, 403, 403]),
    // GATE: pending and rejected schools get 201 on main.
    row("POST",   "/rounds/{id}/sheets/preferences",                    Sch,  [401, 403, 403, 201, 201, 403, 201, 403, 403, 403]),
    // Targets. GATE: pending and rejected authorities get 201 / 200 on main (issue 14's first finding).
    row("POST",   "/statistics/designations",                           Auth, [401, 403, 403, 201, 403, 403, 201, 201, 201, 403]),
    row("POST",   "/statistics/designations/{id}/revoke",               Auth, [401, 403, 403, 200, 403, 403, 200, 200, 200, 403]),
    // GATE: pending and rejected schools get 200 on main.
    row("POST",   "/statistics/school-reports",                         Sch,  [401, 403, 403, 200, 403, 403, 200, 403, 403, 403]),
    // Inbox and alerts: self-service.
    row("POST",   "/inbox/read",                                        Ent,  [401, 200, 200, 200, 200, 403, 200, 200, 200, 403]),
    row("POST",   "/inbox/{id}/read",                                   Ent,  [401, 404, 404, 404, 200, 403, 200, 404, 404, 403]),
    row("POST",   "/subscriptions",                                     Ent,  [401, 201, 201, 201, 201, 403, 201, 201, 403, 403]),
    row("DELETE", "/subscriptions/{id}",                                Ent,  [401, 404, 404, 404, 204, 403, 204, 404, 404, 403]),
    // Platform administration: creating authorities and disabling users.
    row("POST",   "/admin/organizations",                               Ent,  [401, 403, 403, 403, 403, 403, 403, 403, 201, 403]),
    row("POST",   "/users/{id}/disable",                                Ent,  [401, 403, 403, 403, 403, 403, 403, 403, 200, 403]),
    row("POST",   "/users/{id}/enable",                                 Ent,  [401, 403, 403, 403, 403, 403, 403, 403, 200, 403]),
    // The caller's own account; these end the caller's other sessions, so they come last.
    row("POST",   "/me/password",                                       Ent,  [401, 204, 204, 204, 204, 403, 204, 204, 204, 403]),
    row("POST",   "/auth/logout-everywhere",                            Ent,  [401, 204, 204, 204, 204, 403, 204, 204, 204, 403]),
];

const MUTATING: [&str; 4] = ["POST", "PUT", "PATCH", "DELETE"];

#[test]
fn every_mutating_route_is_in_the_authorization_matrix() {
    let source = std::fs::read_to_string(ROUTES_SOURCE).expect("the API's route table");
    let registered: BTreeSet<(String, String)> =
        registered_routes(&source).into_iter().filter(|(method, _)| MUTATING.contains(&method.as_str())).collect();
    let tabled: BTreeSet<(String, String)> = MATRIX.iter().map(|r| (r.method.to_owned(), r.path.to_owned())).collect();
    assert_eq!(tabled.len(), MATRIX.len(), "a route has two rows in the matrix");
    let missing: Vec<_> = registered.difference(&tabled).collect();
    let stale: Vec<_> = tabled.difference(&registered).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "tests/e2e/security/authz_matrix.rs and crates/api/src/routes/api/mod.rs disagree\n\
         mutating routes without a row (add one, with a fixture in authz_fixtures.rs): {missing:?}\n\
         rows for routes that are not registered: {stale:?}"
    );
}

#[tokio::test]
async fn every_mutating_route_answers_each_actor_as_the_policy_says() {
    // One client registers some forty organizations and signs in as often: the rate limits
    // (tested on their own in abuse.rs) are lifted so that every cell reaches its handler.
    let app = spawn_app_with(|config| {
        config.abuse.rates.register_per_minute = 0;
        config.abuse.rates.login_per_minute = 0;
        config.abuse.rates.import_per_minute = 0;
    })
    .await;
    let cast = Cast::assemble(&app).await;
    let mut failures = Vec::new();
    let mut cells = 0;
    for row in MATRIX {
        for (actor, expected) in Actor::ALL.into_iter().zip(row.expect) {
            cells += 1;
            if let Some(failure) = run_cell(&app, &cast, row, actor, expected).await {
                failures.push(failure);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cells} cells of the authorization matrix disagree with the policy:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Runs one cell; a line describing the disagreement, if any.
async fn run_cell(app: &TestApp, cast: &Cast, row: &Row, actor: Actor, expected: u16) -> Option<String> {
    let cell = prepare(app, cast, row, actor).await;
    let refused = expected >= 400;
    let before = if refused { observe(app, &cell.witness).await } else { None };
    let method = reqwest::Method::from_bytes(row.method.as_bytes()).expect("an HTTP method");
    let request = cell.caller.request(app, method, &cell.path);
    let request = match cell.body {
        Body::Json(body) => request.json(&body),
        Body::File { name, bytes } => {
            let part = reqwest::multipart::Part::bytes(bytes).file_name(name);
            request.multipart(reqwest::multipart::Form::new().part("file", part))
        }
        Body::None => request,
    };
    let response = request.send().await.expect("request");
    let got = response.status();
    let text = response.text().await.unwrap_or_default();
    let label = format!("{} {} as {}", row.method, row.path, actor.label());
    if got != StatusCode::from_u16(expected).expect("a status") {
        return Some(format!("  {label}: expected {expected}, got {} {}", got.as_u16(), gist(&text)));
    }
    let after = if refused { observe(app, &cell.witness).await } else { None };
    (before != after).then(|| format!("  {label}: refused with {expected} but changed {:?}", cell.witness))
}

/// What the witness shows now: the resource as its owner reads it, or a count.
async fn observe(app: &TestApp, witness: &Witness) -> Option<Value> {
    match witness {
        Witness::Nothing => None,
        Witness::Read { path, by } => {
            let response = by.request(app, reqwest::Method::GET, path).send().await.expect("request");
            // A witness that cannot be read would compare equal whatever happened.
            assert_eq!(response.status(), StatusCode::OK, "the witness {witness:?} is not readable");
            Some(response.json().await.expect("the witness is JSON"))
        }
        Witness::Count(sql) => Some(Value::from(scalar(app, sql).await)),
    }
}

/// What a problem document says (its `detail`, or its title), or the start of another answer.
fn gist(text: &str) -> String {
    let problem: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    match problem["detail"].as_str().or(problem["title"].as_str()) {
        Some(said) => format!("({said})"),
        None => text.chars().take(60).collect(),
    }
}
