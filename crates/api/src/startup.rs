//! Building and running the server: connect and migrate the database, bind the listener
//! (port 0 in tests), assemble the router with its middleware, and shut down gracefully:
//! draining first (`/readyz` answers 503 and responses close their connections for
//! `shutdown_drain_secs`, so the load balancer moves traffic elsewhere), then no new
//! connections while the requests in flight finish.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::web::Web;
use crate::{auth, db, routes, telemetry};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub web: Arc<Web>,
    pub imports: crate::services::imports::ImportProgress,
    pub index: Arc<chanjiao_search::SearchIndex>,
    pub catalogue: crate::services::matching::Catalogue,
    /// Bounded password hashing, shared by every request that hashes or checks a password.
    pub hasher: auth::password::Hasher,
    /// Per-client rate limits of this process.
    pub limits: Arc<crate::abuse::RateLimits>,
    /// "Now" for every handler and worker (fixed in tests that choose the time).
    pub clock: crate::clock::Clock,
    /// This process's name among the nodes on the database (periodic job holders, logs, metrics).
    pub node: crate::jobs::NodeId,
    /// Set once shutdown has begun.
    pub draining: Draining,
}

/// Whether this process is shutting down: from the shutdown signal on, `/readyz` answers 503
/// and every response closes its connection, while requests are still served for
/// `shutdown_drain_secs`. Cheap to clone; clones share the flag.
#[derive(Debug, Clone, Default)]
pub struct Draining(Arc<AtomicBool>);

impl Draining {
    pub fn is_draining(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// Starts draining (there is no way back: the process is stopping).
    pub fn begin(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// A bound, ready-to-run server.
pub struct Application {
    listener: TcpListener,
    state: AppState,
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("cannot bind {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("web assets: {0}")]
    Web(String),
    #[error("search index: {0}")]
    Index(#[from] chanjiao_search::SearchError),
    #[error("cannot create {dir}: {source}")]
    DataDir { dir: std::path::PathBuf, source: std::io::Error },
}

/// The search index of this process, in `<data_dir>/index`.
pub fn open_index(config: &Config) -> Result<chanjiao_search::SearchIndex, StartupError> {
    let dir = config.data_dir.join("index");
    std::fs::create_dir_all(&dir).map_err(|source| StartupError::DataDir { dir: dir.clone(), source })?;
    let index = chanjiao_search::SearchIndex::open_or_create(&dir)?;
    index.set_exact_count_limit(config.search_exact_count_limit);
    Ok(index)
}

/// Largest request body accepted anywhere (spreadsheet uploads are the biggest).
pub const MAX_BODY_BYTES: usize = 20 * 1024 * 1024;

impl Application {
    /// Connects, migrates and binds. Binding port 0 picks a free port; see [`Application::port`].
    pub async fn build(config: Config) -> Result<Application, StartupError> {
        Self::build_with_clock(config, crate::clock::Clock::system()).await
    }

    /// [`Application::build`] with a clock of the caller's choosing (tests fix "now").
    pub async fn build_with_clock(mut config: Config, clock: crate::clock::Clock) -> Result<Application, StartupError> {
        crate::tls::install_crypto_provider();
        let db = db::connect(&config).await?;
        db::migrate(&db).await?;
        let web = Web::load().map_err(StartupError::Web)?;
        let index = Arc::new(open_index(&config)?);
        let listener =
            TcpListener::bind(config.bind).await.map_err(|source| StartupError::Bind { addr: config.bind, source })?;
        // Without a configured public address, the one bound (port 0 resolved), never a Host header.
        if config.public_url.is_none() {
            let bound = listener.local_addr().map_err(|source| StartupError::Bind { addr: config.bind, source })?;
            config.public_url = Some(format!("http://{bound}"));
        }
        let hasher =
            auth::password::Hasher::new(config.abuse.password_hash_concurrency, config.abuse.password_hash_queue);
        let limits = Arc::new(crate::abuse::RateLimits::new(&config.abuse.rates));
        let imports = crate::services::imports::ImportProgress::new(db.clone(), clock.clone());
        Ok(Application {
            listener,
            state: AppState {
                db,
                config: Arc::new(config),
                web,
                imports,
                index,
                catalogue: Default::default(),
                hasher,
                limits,
                clock,
                node: crate::jobs::NodeId::generate(),
                draining: Draining::default(),
            },
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or_default()
    }

    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.listener.local_addr().ok()
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, drains for `shutdown_drain_secs` (still serving,
    /// but `/readyz` says 503 and connections close after their response), then stops
    /// accepting and finishes the requests in flight.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let workers = crate::workers::spawn(&self.state);
        let draining = self.state.draining.clone();
        let drain = Duration::from_secs(self.state.config.shutdown_drain_secs);
        let drained = async move {
            shutdown.await;
            draining.begin();
            tracing::info!(drain_secs = drain.as_secs(), "draining: readyz answers 503");
            tokio::time::sleep(drain).await;
            tracing::info!("no longer accepting connections; finishing requests in flight");
        };
        let app = router(self.state);
        let served = axum::serve(self.listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(drained)
            .await;
        workers.stop();
        served
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Browsers that saw this over HTTPS refuse plain HTTP to the site for a year.
const HSTS: &str = "max-age=31536000; includeSubDomains";

pub fn router(state: AppState) -> Router {
    let timeout = Duration::from_secs(state.config.request_timeout_secs);
    let hsts = state.config.cookie_secure;
    let request_id = HeaderName::from_static("x-request-id");
    let security_header = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    let router = routes::routes(state.clone())
        .layer(middleware::from_fn_with_state(state.clone(), auth::csrf::protect))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(security_header(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(security_header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(security_header(header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(CatchPanicLayer::custom(routes::pages::panic_page))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request| {
            let path = request.extensions().get::<MatchedPath>().map(MatchedPath::as_str).unwrap_or("unmatched");
            let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %request.method(), path, request_id = id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        // The route template for the access log and the request metrics (see `observe` below).
        .layer(middleware::from_fn(telemetry::access::note_route))
        // Outside the routes' limits, so that every limit sees the client it decided.
        .layer(middleware::from_fn_with_state(state.clone(), crate::abuse::client::identify));
    // Only when cookies are marked Secure, i.e. the site is served over HTTPS: on plain HTTP
    // the header would be ignored at best, and would lock a development host out at worst.
    let router = if hsts {
        router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        ))
    } else {
        router
    };
    let draining = state.draining.clone();
    let app = crate::integration::wrap(state.clone(), router.with_state(state.clone()))
        .layer(middleware::from_fn_with_state(draining, close_when_draining));
    // Outermost: every response the client gets is counted and logged once, including those
    // the integration layer answers itself, and none of the reads it runs internally.
    app.layer(middleware::from_fn_with_state(state, telemetry::access::observe))
}

/// While draining, asks every client to close its connection after the response, so that
/// keep-alive clients (a proxy's upstream pool) reconnect, through the balancer, elsewhere.
async fn close_when_draining(State(draining): State<Draining>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if draining.is_draining() {
        response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}
