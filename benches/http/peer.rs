//! The PostgreSQL peer behind HTTP: `GET /search?q=&kind=&region=&cluster=` answered by
//! PostgreSQL full-text search (benches/search/peers.rs: jieba-segmented `tsvector`, GIN index)
//! as JSON `{total, hits (20: id, title, rank), facets: {kind, county, level, cluster}}`, what the
//! platform's `GET /api/v1/search` answers less its highlighting, synonyms and disjunctive facets.
//!
//! A small axum server in the benchmark's process, on a port of its own. At most as many queries
//! run at once as the peer has connections (2, one per core); the others wait their turn, as
//! they would for an application's connection pool.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use chanjiao_domain::PostingKind;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::Semaphore;

use crate::peers::Postgres;
use crate::queries::{BenchQuery, Class};

/// Queries in flight at once: the peer's connections.
const IN_FLIGHT: usize = 2;

#[derive(Debug, Default, Deserialize)]
struct SearchParams {
    #[serde(default)]
    q: String,
    kind: Option<String>,
    region: Option<String>,
    cluster: Option<String>,
}

struct Peer {
    postgres: Postgres,
    permits: Semaphore,
    /// [`BenchQuery`] holds `&'static str`: each distinct string asked for is kept once.
    interned: Mutex<HashMap<String, &'static str>>,
}

impl Peer {
    fn intern(&self, value: &str) -> &'static str {
        let mut interned = self.interned.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(kept) = interned.get(value) {
            return kept;
        }
        let kept: &'static str = Box::leak(value.to_owned().into_boxed_str());
        interned.insert(value.to_owned(), kept);
        kept
    }
}

/// Starts the peer on a free port of 127.0.0.1; returns its base URL. It serves until the
/// process ends.
pub async fn start(postgres: Postgres) -> Result<String, crate::BoxError> {
    let peer = Arc::new(Peer { postgres, permits: Semaphore::new(IN_FLIGHT), interned: Mutex::new(HashMap::new()) });
    let app = axum::Router::new().route("/search", get(search)).with_state(peer);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            eprintln!("peer server stopped: {error}");
        }
    });
    Ok(base)
}

async fn search(
    State(peer): State<Arc<Peer>>,
    Query(params): Query<SearchParams>,
) -> Result<Json<Value>, (StatusCode, String)> {
    let bad = |what: &str| (StatusCode::BAD_REQUEST, what.to_owned());
    let kind = match params.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(kind) => Some(kind.parse::<PostingKind>().map_err(|_| bad("unknown kind"))?),
        None => None,
    };
    let nonempty = |v: &Option<String>| v.as_deref().filter(|v| !v.is_empty()).map(|v| peer.intern(v));
    let query = BenchQuery {
        class: Class::OneTerm,
        q: peer.intern(params.q.trim()),
        kind,
        region: nonempty(&params.region),
        cluster: nonempty(&params.cluster),
    };
    if query.terms().is_empty() {
        return Err(bad("q is required"));
    }
    let _permit = peer.permits.acquire().await.map_err(|e| (StatusCode::SERVICE_UNAVAILABLE, e.to_string()))?;
    let rows = peer.postgres.answer(&query).await.map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    let mut total = 0u64;
    let mut hits = Vec::new();
    let mut facets: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for row in rows {
        match row.tag.as_str() {
            "hit" => hits.push((row.n, row.id, row.value)),
            "total" => total = row.n as u64,
            dimension => {
                let value = row.value.unwrap_or_else(|| "(none)".to_owned());
                facets.entry(dimension.to_owned()).or_default().insert(value, row.n as u64);
            }
        }
    }
    // The join after the ranked subquery need not keep its order.
    hits.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let hits: Vec<Value> =
        hits.into_iter().map(|(rank, id, title)| json!({"id": id, "title": title, "rank": rank})).collect();
    Ok(Json(json!({"total": total, "hits": hits, "facets": facets})))
}
