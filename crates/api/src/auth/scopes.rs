//! Which API key scope opens which endpoint: the one table, by method and route template (the
//! router's `MatchedPath`), checked when a key caller is resolved ([`crate::auth::extract`]).
//!
//! An endpoint missing from the table is refused to every key: what is about people (password,
//! sessions, the inbox, members, alerts), about the keys themselves, about verification or the
//! platform, and the allocation rounds (pupils' data, read under a named person's log) need a
//! person signed in. Adding an endpoint for integrators means adding a row here.

use axum::http::Method;
use chanjiao_domain::api_keys::Scope;

/// (method, route template, scope). Templates are the full paths the router matched.
pub const TABLE: &[(Method, &str, Scope)] = &[
    // read: what the organization may read, and who is calling (the key and its organization).
    (Method::GET, "/api/v1/me", Scope::Read),
    (Method::GET, "/api/v1/organizations", Scope::Read),
    (Method::GET, "/api/v1/organizations/{id}", Scope::Read),
    (Method::GET, "/api/v1/organizations/{id}/responsiveness", Scope::Read),
    (Method::GET, "/api/v1/postings", Scope::Read),
    (Method::GET, "/api/v1/postings/export", Scope::Read),
    (Method::GET, "/api/v1/postings/template", Scope::Read),
    (Method::GET, "/api/v1/postings/{id}", Scope::Read),
    (Method::GET, "/api/v1/postings/{id}/audit", Scope::Read),
    (Method::GET, "/api/v1/postings/{id}/matches", Scope::Read),
    (Method::GET, "/api/v1/postings/{id}/slots", Scope::Read),
    (Method::POST, "/api/v1/match", Scope::Read),
    (Method::GET, "/api/v1/proposals", Scope::Read),
    (Method::GET, "/api/v1/proposals/{id}", Scope::Read),
    (Method::GET, "/api/v1/projects", Scope::Read),
    (Method::GET, "/api/v1/projects/{id}", Scope::Read),
    (Method::GET, "/api/v1/assessments", Scope::Read),
    (Method::GET, "/api/v1/delegations", Scope::Read),
    (Method::GET, "/api/v1/workspace/pipeline", Scope::Read),
    (Method::GET, "/api/v1/bookings", Scope::Read),
    (Method::GET, "/api/v1/search", Scope::Read),
    (Method::GET, "/api/v1/suggest", Scope::Read),
    (Method::GET, "/api/v1/open-data", Scope::Read),
    (Method::GET, "/api/v1/statistics/outlook", Scope::Read),
    (Method::GET, "/api/v1/statistics/supply-demand", Scope::Read),
    (Method::GET, "/api/v1/statistics/supply-demand/postings", Scope::Read),
    (Method::GET, "/api/v1/statistics/targets", Scope::Read),
    (Method::GET, "/api/v1/statistics/designations", Scope::Read),
    (Method::GET, "/api/v1/statistics/school-reports", Scope::Read),
    (Method::GET, "/api/v1/statistics/league", Scope::Read),
    (Method::GET, "/api/v1/statistics/league/mine", Scope::Read),
    (Method::GET, "/api/v1/statistics/reports/school/{org_id}", Scope::Read),
    (Method::GET, "/api/v1/statistics/reports/city", Scope::Read),
    (Method::GET, "/api/v1/reference/programs", Scope::Read),
    (Method::GET, "/api/v1/reference/occupations", Scope::Read),
    (Method::GET, "/api/v1/reference/clusters", Scope::Read),
    (Method::GET, "/api/v1/reference/regions", Scope::Read),
    // postings:write: the organization's postings, their imports and their slots.
    (Method::POST, "/api/v1/postings", Scope::PostingsWrite),
    (Method::PATCH, "/api/v1/postings/{id}", Scope::PostingsWrite),
    (Method::POST, "/api/v1/postings/{id}/{action}", Scope::PostingsWrite),
    (Method::POST, "/api/v1/postings/import", Scope::PostingsWrite),
    (Method::POST, "/api/v1/imports", Scope::PostingsWrite),
    (Method::GET, "/api/v1/imports/{token}", Scope::PostingsWrite),
    (Method::POST, "/api/v1/postings/{id}/slots", Scope::PostingsWrite),
    (Method::PATCH, "/api/v1/slots/{id}", Scope::PostingsWrite),
    (Method::DELETE, "/api/v1/slots/{id}", Scope::PostingsWrite),
    // proposals:write: proposing cooperation and answering proposals.
    (Method::POST, "/api/v1/proposals", Scope::ProposalsWrite),
    (Method::POST, "/api/v1/proposals/{id}/answer", Scope::ProposalsWrite),
    // feed: the change feed of postings.
    (Method::GET, "/api/v1/feed/postings", Scope::Feed),
    (Method::GET, "/api/v1/feed/postings/snapshot", Scope::Feed),
];

/// The scope that opens `method` on `route`, or `None` when no scope does (a person must sign
/// in). `HEAD` is answered like `GET`.
pub fn required(method: &Method, route: &str) -> Option<Scope> {
    let method = if method == Method::HEAD { &Method::GET } else { method };
    TABLE.iter().find(|(m, path, _)| m == method && *path == route).map(|(_, _, scope)| *scope)
}

/// Whether a key holding `scopes` may call `method` on `route`: `Err` names the scope it lacks
/// (or `None` when no scope would do).
pub fn check(
    method: &Method,
    route: Option<&str>,
    scopes: &std::collections::BTreeSet<Scope>,
) -> Result<(), Option<Scope>> {
    match route.and_then(|route| required(method, route)) {
        Some(scope) if scopes.contains(&scope) => Ok(()),
        other => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_row_is_unique_and_unknown_routes_need_a_person() {
        for (i, (method, path, _)) in TABLE.iter().enumerate() {
            assert!(path.starts_with("/api/v1/"), "{path}");
            assert!(!TABLE[i + 1..].iter().any(|(m, p, _)| m == method && p == path), "{method} {path} twice");
        }
        assert_eq!(required(&Method::POST, "/api/v1/me/password"), None);
        assert_eq!(required(&Method::GET, "/api/v1/organizations/{id}/api-keys"), None);
        assert_eq!(required(&Method::HEAD, "/api/v1/postings"), Some(Scope::Read));
        let read = [Scope::Read].into_iter().collect();
        assert_eq!(check(&Method::POST, Some("/api/v1/postings"), &read), Err(Some(Scope::PostingsWrite)));
        assert_eq!(check(&Method::GET, Some("/api/v1/postings"), &read), Ok(()));
        assert_eq!(check(&Method::GET, None, &read), Err(None));
    }
}
