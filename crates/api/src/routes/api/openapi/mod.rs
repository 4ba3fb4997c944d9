//! `GET /openapi.json`: the OpenAPI 3.1 document of this API, generated from the handlers'
//! `#[utoipa::path]` annotations and the `ToSchema` derives of the types they take and return.
//!
//! [`ApiDoc`] lists the annotated handlers; [`shared::complete`] adds what every operation of a
//! shape shares (security, `X-On-Behalf-Of`, the 400/401/403/415/422 problems). Nothing is
//! written by hand. The document is built once.
//! The end-to-end test `openapi` checks that it describes every route and nothing else.

pub mod shared;

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use serde_json::Value;
use utoipa::OpenApi;
use utoipa::openapi::Components;

use super::{
    account, alerts, api_keys, auth, booking, brokering, feed, indicators, matching, organizations, postings,
    reference, reports, rounds, search, sheets, statistics, targets,
};
use shared::{
    BadCredentials, BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, PhaseRefused, ServiceUnavailable,
    TooManyRequests, Unauthorized, UnprocessableEntity, UnsupportedMediaType,
};

const DESCRIPTION: &str = "Enterprises and schools post offers and needs (postings); the platform searches \
and matches them, and turns matches into proposals, cooperation projects and assessments, with intermediaries \
acting for their clients.\n\n产教融合信息服务平台 JSON 接口（第 1 版）：企业与学校发布供需信息，平台检索、匹配，\
并支持合作意向、合作项目、中介代办与第三方评价。\n\nRequests and responses are JSON. Sign in with `POST \
/auth/login` and send the token as `Authorization: Bearer <token>`; the session cookie it also sets counts for \
`GET` requests only. Integrators send an organization's API key (`cjk_…`, created by its administrators) the same \
way; a key acts as its organization, within its scopes (docs/integration.md). Errors are `application/problem+json` (see `Problem`). Reasons and labels come in Chinese \
and English. Prose documentation: docs/api.md, docs/matching.md, docs/brokering.md.";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Chanjiao API",
        version = env!("CARGO_PKG_VERSION"),
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    servers((url = "/api/v1", description = "This server.")),
    security(("bearerAuth" = [])),
    paths(
        document,
        auth::login, auth::logout, auth::me,
        account::logout_everywhere, account::change_password, account::users, account::disable, account::enable,
        organizations::register, organizations::list, organizations::show, organizations::update,
        organizations::members, organizations::add_member, organizations::verify, organizations::create_verified,
        api_keys::list, api_keys::create, api_keys::rotate, api_keys::revoke,
        reference::programs, reference::occupations, reference::clusters, reference::regions,
        postings::create, postings::list, postings::show, postings::update, postings::audit_trail, postings::act,
        feed::changes, feed::snapshot,
        alerts::inbox, alerts::read_all, alerts::read, alerts::list, alerts::create, alerts::show, alerts::delete,
        alerts::deliveries,
        booking::list, booking::publish, booking::update, booking::delete, booking::book, booking::cancel, booking::mine,
        rounds::list, rounds::create, rounds::show, rounds::add_place, rounds::open, rounds::publish, rounds::close,
        rounds::run_round, rounds::follow_up, rounds::report, rounds::list_students, rounds::add_student,
        rounds::remove_student, rounds::set_preferences, rounds::respond, rounds::applicants, rounds::set_ranking,
        rounds::results, rounds::intake, rounds::access_log, rounds::template_sheet, rounds::preferences_sheet,
        rounds::import_preferences, rounds::results_sheet,
        search::search, search::suggest, matching::posting_matches, matching::match_text,
        brokering::propose, brokering::list_proposals, brokering::show_proposal, brokering::answer,
        brokering::list_projects, brokering::show_project, brokering::update_project, brokering::appoint,
        brokering::list_assessments, brokering::submit_assessment, brokering::grant, brokering::list_delegations,
        brokering::revoke, brokering::pipeline, brokering::notes, brokering::add_note, brokering::responsiveness,
        sheets::import, sheets::issue, sheets::progress, sheets::export, sheets::template,
        statistics::outlook, statistics::supply_demand, statistics::supply_demand_postings, statistics::open_data,
        targets::progress, targets::list_designations, targets::create_designation, targets::revoke_designation,
        targets::list_school_reports, targets::submit_school_report,
        indicators::league, indicators::mine, reports::school, reports::city,
    ),
    components(
        // Types only parameters name are not collected from the paths: they are listed here.
        schemas(
            crate::error::Problem, crate::error::FieldProblem, crate::web::Lang, postings::PostingAction,
            chanjiao_domain::SchoolLevel, chanjiao_domain::Verification, chanjiao_domain::posting::PostingKind,
            chanjiao_domain::posting::Side, chanjiao_domain::posting::PostingStatus,
            crate::services::brokering::proposals::Mailbox, sheets::FileFormat,
        ),
        responses(
            BadRequest, Unauthorized, BadCredentials, Forbidden, NotFound, Conflict, UnsupportedMediaType,
            PayloadTooLarge, UnprocessableEntity, TooManyRequests, ServiceUnavailable, PhaseRefused,
        ),
    ),
    tags(
        (name = "meta", description = "This document."),
        (name = "auth", description = "Sessions and the signed-in user."),
        (name = "organizations", description = "Registration, profiles, members, verification and API keys."),
        (name = "postings", description = "Offers and needs, and their lifecycle."),
        (name = "sheets", description = "Spreadsheet import and export of postings."),
        (name = "feed", description = "The change feed of postings, for mirrors (docs/integration.md)."),
        (name = "search", description = "Full-text search and autocomplete."),
        (name = "matching", description = "Ranked counterparts, with reasons."),
        (name = "brokering", description = "Proposals, projects, delegations, the intermediary's workspace, \
            assessment and responsiveness."),
        (name = "reference", description = "Public reference data for pickers."),
        (name = "booking", description = "Training-base slots and bookings (实训基地共享)"),
        (name = "alerts", description = "The inbox, subscriptions (saved searches, new-match alerts, webhooks) and \
            webhook delivery logs; see docs/alerts.md."),
        (name = "statistics", description = "City statistics: forecasts and early warning (人才需求预测预警), plan \
            targets, designations and schools' yearly reports (目标总览)"),
        (name = "rounds", description = "Allocation rounds (学徒与实习岗位分配): places, students' preferences, enterprises' \
            rankings, the run, results and responses; see docs/rounds.md."),
    ),
    modifiers(&Schemes),
)]
pub struct ApiDoc;

/// Adds the security schemes, which `#[openapi]` cannot declare with descriptions, and the
/// long description.
struct Schemes;

impl utoipa::Modify for Schemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Components::new);
        for (name, scheme) in shared::security_schemes() {
            components.add_security_scheme(name, scheme);
        }
        openapi.info.description = Some(DESCRIPTION.to_owned());
    }
}

/// The whole document as JSON: generated, then completed by each operation's shape.
pub fn document_value() -> Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("the OpenAPI document serializes");
    // OpenAPI 3.1's `info.summary`, which utoipa's `Info` does not model.
    doc["info"]["summary"] = "The industry–education matching platform's JSON API, version 1.".into();
    shared::complete(&mut doc);
    doc
}

/// Built on first use and served as is.
static DOCUMENT: LazyLock<String> = LazyLock::new(|| document_value().to_string());

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    operation_id = "getOpenApi",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document of API version 1.",
        body = Object, content_type = "application/json")),
)]
pub async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT.as_str())
}

#[cfg(test)]
mod tests {
    use serde_json::Value;
    use utoipa::OpenApi;

    /// Every `$ref` the generated document makes names a component it declares (utoipa does
    /// not check this: a type used only through `value_type` or a hand-written schema can be
    /// referenced without being registered).
    #[test]
    fn every_reference_resolves() {
        let mut generated = serde_json::to_value(super::ApiDoc::openapi()).unwrap();
        super::shared::complete(&mut generated);
        let mut unresolved = Vec::new();
        unresolved_refs(&generated, &generated, &mut unresolved);
        assert!(unresolved.is_empty(), "the document refers to missing components: {unresolved:?}");
    }

    fn unresolved_refs(doc: &Value, value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    match (key.as_str(), inner.as_str()) {
                        ("$ref", Some(reference)) if doc.pointer(reference.trim_start_matches('#')).is_none() => {
                            found.push(reference.to_owned())
                        }
                        _ => unresolved_refs(doc, inner, found),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|inner| unresolved_refs(doc, inner, found)),
            _ => {}
        }
    }
}
