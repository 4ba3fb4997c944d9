//! Server-rendered pages: Chinese first, English on request, usable on a 375 px phone.

mod accounts;
mod admin;
mod alerts;
mod booking;
mod brokering;
mod extract;
mod home;
mod organizations;
mod postings;
mod rounds;
mod search;
mod sitemap;
mod statistics;

use axum::Router;
use axum::body::Body;
use axum::http::{Response, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};

use crate::abuse::rate::{Group, limited};
use crate::error::ApiError;
use crate::startup::AppState;
use crate::web::{Lang, Page};

pub use extract::{PageForm, PagePath, PageQuery};

/// Every page; a handler's [`crate::web::PageError`] is rendered as the error page on the way out.
pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(home::index))
        .route("/robots.txt", get(sitemap::robots))
        .route("/sitemap.xml", get(sitemap::index))
        .route("/sitemaps/{file}", get(sitemap::file))
        .route("/login", get(accounts::login_form).post(limited(Group::Login, accounts::login)))
        .route("/logout", post(accounts::logout))
        .route("/account", get(accounts::settings::show))
        .route("/account/password", post(accounts::settings::change_password))
        .route("/account/logout-everywhere", post(accounts::settings::logout_everywhere))
        .route("/register", get(accounts::register_form).post(limited(Group::Register, accounts::register)))
        .route("/org", get(organizations::show).post(organizations::update))
        .route("/org/members", post(organizations::add_member))
        .route("/organizations/{id}", get(limited(Group::Search, organizations::profile::show)))
        .route("/org/api-keys", get(organizations::api_keys::index).post(organizations::api_keys::create))
        .route("/org/api-keys/{id}/rotate", post(organizations::api_keys::rotate))
        .route("/org/api-keys/{id}/revoke", post(organizations::api_keys::revoke))
        .route("/search", get(limited(Group::Search, search::page)))
        .route("/postings", get(postings::index))
        .route("/postings/new", get(postings::new).post(postings::create))
        .route(
            "/postings/import",
            get(postings::sheets::form)
                .post(limited(Group::Import, postings::sheets::upload))
                .layer(axum::extract::DefaultBodyLimit::max(crate::routes::uploads::MAX_UPLOAD_BYTES)),
        )
        .route("/postings/export", get(limited(Group::Export, postings::sheets::export)))
        .route("/postings/template", get(postings::sheets::template))
        .route("/postings/{id}", get(limited(Group::Match, postings::show)))
        .route("/postings/{id}/edit", get(postings::edit).post(postings::update))
        .route("/postings/{id}/act", post(postings::act))
        .route("/inbox", get(alerts::inbox))
        .route("/inbox/read", post(alerts::read_all))
        .route("/inbox/{id}/read", post(alerts::read))
        .route("/alerts", get(alerts::index).post(alerts::create))
        .route("/alerts/{id}", get(alerts::show))
        .route("/alerts/{id}/delete", post(alerts::delete))
        .route("/proposals", get(brokering::proposals::index).post(brokering::proposals::create))
        .route("/proposals/new", get(brokering::proposals::new))
        .route("/proposals/{id}", get(brokering::proposals::show))
        .route("/proposals/{id}/answer", post(brokering::proposals::answer))
        .route("/projects", get(brokering::projects::index))
        .route("/projects/{id}", get(brokering::projects::show).post(brokering::projects::update))
        .route("/delegations", get(brokering::delegations::index).post(brokering::delegations::grant))
        .route("/delegations/{id}/revoke", post(brokering::delegations::revoke))
        .route("/acting", post(brokering::delegations::acting))
        .route("/workspace", get(brokering::workspace::board))
        .route("/workspace/notes", post(brokering::workspace::add_note))
        .route("/assessments", get(brokering::assessments::index))
        .route("/assessments/{id}", post(brokering::assessments::submit))
        .route("/postings/{id}/slots", post(booking::publish))
        .route("/postings/{id}/book", get(booking::book_page).post(booking::book))
        .route("/postings/{id}/calendar", get(booking::calendar))
        .route("/slots/{id}/capacity", post(booking::set_capacity))
        .route("/slots/{id}/delete", post(booking::delete_slot))
        .route("/bookings", get(booking::mine))
        .route("/bookings/{id}/cancel", post(booking::cancel))
        .route("/statistics", get(limited(Group::Statistics, statistics::dashboard)))
        .route("/statistics/designations", get(statistics::designations::index).post(statistics::designations::create))
        .route("/statistics/designations/{id}/revoke", post(statistics::designations::revoke))
        .route(
            "/statistics/school-report",
            get(statistics::school_report::index).post(statistics::school_report::submit),
        )
        .route("/rounds", get(rounds::list).post(rounds::create))
        .route("/rounds/{id}", get(rounds::show))
        .route("/rounds/{id}/places", post(rounds::add_place))
        .route("/rounds/{id}/step", post(rounds::step))
        .route("/rounds/{id}/students", get(rounds::students_page).post(rounds::add_student))
        .route("/rounds/{id}/students/{student}/preferences", post(rounds::preferences))
        .route("/rounds/{id}/results", get(rounds::results))
        .route("/rounds/{id}/students/{student}/response", post(rounds::respond))
        .route(
            "/rounds/{id}/places/{place}/ranking",
            get(rounds::ranking::ranking_page).post(rounds::ranking::save_ranking),
        )
        .route("/statistics/outlook", get(limited(Group::Statistics, statistics::outlook::outlook)))
        .route("/statistics/supply-demand", get(limited(Group::Statistics, statistics::supply::supply_demand)))
        .route("/statistics/supply-demand/postings", get(limited(Group::Statistics, statistics::supply::postings)))
        .route("/statistics/league", get(limited(Group::Statistics, statistics::league::league)))
        .route("/statistics/league/mine", get(limited(Group::Statistics, statistics::league::mine)))
        .route("/statistics/reports", get(statistics::reports::index))
        .route("/statistics/reports/city", get(limited(Group::Statistics, statistics::reports::city_page)))
        .route("/statistics/reports/city.xlsx", get(limited(Group::Export, statistics::reports::city_workbook)))
        .route("/statistics/reports/school/{file}", get(limited(Group::Statistics, statistics::reports::school)))
        .route("/open-data", get(limited(Group::Statistics, statistics::outlook::open_data)))
        .route("/admin/verifications", get(admin::verifications::queue))
        .route("/admin/verifications/{id}", post(admin::verifications::decide))
        .route("/admin/users", get(admin::users::index))
        .route("/admin/users/{id}/disable", post(admin::users::disable))
        .route("/admin/users/{id}/enable", post(admin::users::enable))
        .route("/admin/organizations", post(admin::verifications::create_organization))
        .route("/admin/organizations/new", get(admin::verifications::new_organization))
        .layer(axum::middleware::from_fn_with_state(state, crate::web::render_page_errors))
}

/// Unknown paths: a friendly page for people, a problem document for API clients.
pub async fn not_found(state: axum::extract::State<AppState>, page: Page) -> axum::response::Response {
    page.render_with_status(
        &state,
        StatusCode::NOT_FOUND,
        "error.html",
        minijinja::context! {
            status => 404,
            title => ApiError::NotFound.title(page.lang == Lang::Zh),
            field_errors => Vec::<()>::new(),
        },
    )
}

/// The last line of defence: a handler panicked. The page says nothing about why.
pub fn panic_page(_: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    tracing::error!("handler panicked");
    let html = "<!doctype html><html lang=\"zh\"><meta charset=\"utf-8\"><title>500</title>\
                <main><h1>服务器内部错误 / Internal server error</h1><p><a href=\"/\">返回首页 / Home</a></p></main></html>";
    (StatusCode::INTERNAL_SERVER_ERROR, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}
