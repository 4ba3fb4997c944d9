//! The JSON API, version 1. Errors are `application/problem+json` (see [`crate::error`]).

mod accounts;
mod alerts;
mod booking;
mod brokering;
mod matching;
mod openapi;
mod organizations;
mod postings;
mod reference;
mod rounds;
mod search;
mod statistics;

pub(crate) use crate::routes::extract;
pub(crate) use accounts::{account, api_keys, auth};
pub(crate) use postings::{feed, sheets};
pub(crate) use statistics::{indicators, reports, targets};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::abuse::rate::{Group, limited};
use crate::error::ApiError;
use crate::startup::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi::document))
        .route("/auth/login", post(limited(Group::Login, auth::login)))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/logout-everywhere", post(account::logout_everywhere))
        .route("/me", get(auth::me))
        .route("/me/password", post(account::change_password))
        .route("/users", get(account::users))
        .route("/users/{id}/disable", post(account::disable))
        .route("/users/{id}/enable", post(account::enable))
        .route("/organizations", post(limited(Group::Register, organizations::register)).get(organizations::list))
        .route("/organizations/{id}", get(organizations::show).patch(organizations::update))
        .route("/organizations/{id}/members", get(organizations::members).post(organizations::add_member))
        .route("/organizations/{id}/verification", post(organizations::verify))
        .route("/organizations/{id}/api-keys", get(api_keys::list).post(api_keys::create))
        .route("/api-keys/{id}/rotate", post(api_keys::rotate))
        .route("/api-keys/{id}/revoke", post(api_keys::revoke))
        .route("/admin/organizations", post(organizations::create_verified))
        .route("/postings", post(postings::create).get(postings::list))
        .route(
            "/postings/import",
            post(limited(Group::Import, sheets::import))
                .layer(DefaultBodyLimit::max(crate::routes::uploads::MAX_UPLOAD_BYTES)),
        )
        .route("/postings/export", get(limited(Group::Export, sheets::export)))
        .route("/postings/template", get(sheets::template))
        .route("/imports", post(sheets::issue))
        .route("/imports/{token}", get(sheets::progress))
        .route("/postings/{id}", get(postings::show).patch(postings::update))
        .route("/postings/{id}/audit", get(postings::audit_trail))
        .route("/postings/{id}/matches", get(limited(Group::Match, matching::posting_matches)))
        .route("/match", post(limited(Group::Match, matching::match_text)))
        .route("/postings/{id}/{action}", post(postings::act))
        .route("/proposals", post(brokering::propose).get(brokering::list_proposals))
        .route("/proposals/{id}", get(brokering::show_proposal))
        .route("/proposals/{id}/answer", post(brokering::answer))
        .route("/projects", get(brokering::list_projects))
        .route("/projects/{id}", get(brokering::show_project).patch(brokering::update_project))
        .route("/projects/{id}/assessments", post(brokering::appoint))
        .route("/assessments", get(brokering::list_assessments))
        .route("/assessments/{id}", post(brokering::submit_assessment))
        .route("/delegations", post(brokering::grant).get(brokering::list_delegations))
        .route("/delegations/{id}/revoke", post(brokering::revoke))
        .route("/workspace/pipeline", get(brokering::pipeline))
        .route("/workspace/notes", get(brokering::notes).post(brokering::add_note))
        .route("/organizations/{id}/responsiveness", get(brokering::responsiveness))
        .route("/postings/{id}/slots", get(booking::list).post(booking::publish))
        .route("/slots/{id}", axum::routing::patch(booking::update).delete(booking::delete))
        .route("/slots/{id}/bookings", post(booking::book))
        .route("/bookings", get(booking::mine))
        .route("/bookings/{id}/cancel", post(booking::cancel))
        .route("/rounds", get(rounds::list).post(rounds::create))
        .route("/rounds/{id}", get(rounds::show))
        .route("/rounds/{id}/places", post(rounds::add_place))
        .route("/rounds/{id}/open", post(rounds::open))
        .route("/rounds/{id}/run", post(rounds::run_round))
        .route("/rounds/{id}/publish", post(rounds::publish))
        .route("/rounds/{id}/close", post(rounds::close))
        .route("/rounds/{id}/follow-up", post(rounds::follow_up))
        .route("/rounds/{id}/report", get(rounds::report))
        .route("/rounds/{id}/students", get(rounds::list_students).post(rounds::add_student))
        .route("/rounds/{id}/students/{student}", axum::routing::delete(rounds::remove_student))
        .route("/rounds/{id}/students/{student}/preferences", axum::routing::put(rounds::set_preferences))
        .route("/rounds/{id}/students/{student}/response", post(rounds::respond))
        .route("/rounds/{id}/places/{place}/applicants", get(rounds::applicants))
        .route("/rounds/{id}/places/{place}/ranking", axum::routing::put(rounds::set_ranking))
        .route("/rounds/{id}/results", get(rounds::results))
        .route("/rounds/{id}/intake", get(rounds::intake))
        .route("/rounds/{id}/access-log", get(rounds::access_log))
        .route("/rounds/{id}/sheets/template", get(rounds::template_sheet))
        .route(
            "/rounds/{id}/sheets/preferences",
            get(limited(Group::Export, rounds::preferences_sheet))
                .post(limited(Group::Import, rounds::import_preferences)),
        )
        .route("/rounds/{id}/sheets/results", get(limited(Group::Export, rounds::results_sheet)))
        .route("/statistics/outlook", get(limited(Group::Statistics, statistics::outlook)))
        .route("/statistics/supply-demand", get(limited(Group::Statistics, statistics::supply_demand)))
        .route(
            "/statistics/supply-demand/postings",
            get(limited(Group::Statistics, statistics::supply_demand_postings)),
        )
        .route("/statistics/targets", get(limited(Group::Statistics, targets::progress)))
        .route("/statistics/designations", get(targets::list_designations).post(targets::create_designation))
        .route("/statistics/designations/{id}/revoke", post(targets::revoke_designation))
        .route("/statistics/school-reports", get(targets::list_school_reports).post(targets::submit_school_report))
        .route("/statistics/league", get(limited(Group::Statistics, indicators::league)))
        .route("/statistics/league/mine", get(limited(Group::Statistics, indicators::mine)))
        .route("/statistics/reports/school/{org_id}", get(limited(Group::Statistics, reports::school)))
        .route("/statistics/reports/city", get(limited(Group::Statistics, reports::city)))
        .route("/open-data", get(limited(Group::Statistics, statistics::open_data)))
        .route("/feed/postings", get(limited(Group::Search, feed::changes)))
        .route("/feed/postings/snapshot", get(limited(Group::Search, feed::snapshot)))
        .route("/search", get(limited(Group::Search, search::search)))
        .route("/suggest", get(limited(Group::Search, search::suggest)))
        .route("/inbox", get(alerts::inbox))
        .route("/inbox/read", post(alerts::read_all))
        .route("/inbox/{id}/read", post(alerts::read))
        .route("/subscriptions", get(alerts::list).post(alerts::create))
        .route("/subscriptions/{id}", get(alerts::show).delete(alerts::delete))
        .route("/subscriptions/{id}/deliveries", get(alerts::deliveries))
        .route("/reference/programs", get(reference::programs))
        .route("/reference/occupations", get(reference::occupations))
        .route("/reference/clusters", get(reference::clusters))
        .route("/reference/regions", get(reference::regions))
        .fallback(|| async { ApiError::NotFound })
        // Every call of an API key counts against its own limit, before anything else is done.
        .layer(axum::middleware::from_fn(crate::abuse::rate::per_key))
}

pub use extract::ApiJson;
