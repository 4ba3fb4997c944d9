//! Shutting down behind a load balancer: from the signal on, `/readyz` answers 503 ("draining")
//! while requests are still served, with `Connection: close`, for `shutdown_drain_secs`; then
//! the node stops accepting.

use std::time::{Duration, Instant};

use chanjiao_api::{Application, Config};
use reqwest::{Client, StatusCode, header};
use serde_json::Value;

use crate::e2e::support::fresh_database_url;

#[tokio::test]
async fn readyz_turns_503_as_soon_as_shutdown_begins_while_requests_are_still_served() {
    chanjiao_api::tls::install_crypto_provider();
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        bind: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().to_path_buf(),
        database_url: fresh_database_url().await,
        shutdown_drain_secs: 2,
        ..Config::default()
    };
    let app = Application::build(config).await.expect("application starts");
    let base = format!("http://{}", app.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        stopped.await.ok();
    }));
    let client = Client::new();
    let readyz = || async { client.get(format!("{base}/readyz")).send().await.unwrap() };
    let deadline = Instant::now() + Duration::from_secs(30);
    while readyz().await.status() != StatusCode::OK {
        assert!(Instant::now() < deadline, "the app did not become ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let before = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert!(before.headers().get(header::CONNECTION).is_none(), "keep-alive while serving normally");

    stop.send(()).unwrap();
    let signalled = Instant::now();
    let mut draining = readyz().await;
    while draining.status() == StatusCode::OK {
        assert!(signalled.elapsed() < Duration::from_secs(1), "readyz still says ready");
        draining = readyz().await;
    }
    assert_eq!(draining.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(draining.headers().get(header::CONNECTION).map(|v| v.as_bytes()), Some(&b"close"[..]));
    assert_eq!(draining.json::<Value>().await.unwrap()["status"], "draining");
    // Still serving within the drain window: health, and real pages.
    let health = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(health.headers().get(header::CONNECTION).map(|v| v.as_bytes()), Some(&b"close"[..]));
    assert_eq!(client.get(format!("{base}/login")).send().await.unwrap().status(), StatusCode::OK);
    assert!(signalled.elapsed() < Duration::from_secs(2), "these were all within the drain window");

    // After the window the server stops: run_until returns and nothing accepts any more.
    let finished = tokio::time::timeout(Duration::from_secs(10), server).await;
    assert!(matches!(finished, Ok(Ok(Ok(())))), "the server stopped cleanly: {finished:?}");
    assert!(signalled.elapsed() >= Duration::from_secs(2), "not before the drain window was over");
    assert!(Client::new().get(format!("{base}/healthz")).send().await.is_err(), "no longer accepting");
}
