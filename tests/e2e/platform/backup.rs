//! `chanjiao backup`, `restore` and `migrate-data`, run as an operator runs them against a real
//! `chanjiao serve` process: a backup taken while the server runs comes back row for row and
//! search result for search result, and a SQLite platform moves to PostgreSQL whole.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use serde_json::{Value, json};

use crate::e2e::operations::node::Node;
use crate::e2e::support::{DEMO_PASSWORD, fresh_database_url};

/// Tables that change whenever anyone signs in; they say nothing about the platform's data.
const SIGN_IN_TABLES: &[&str] = &["sessions", "login_attempts", "login_throttles"];
const QUERIES: &[&str] = &["数控", "护理", "模具", "恢复演练"];

/// `chanjiao` with `args` on `data_dir`, on PostgreSQL when `database_url` is given.
fn chanjiao(data_dir: &Path, database_url: Option<&str>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chanjiao"));
    command.args(args).arg("--data-dir").arg(data_dir).env_remove("CHANJIAO_DATABASE_URL").env("RUST_LOG", "warn");
    match database_url {
        Some(url) => command.env("DATABASE_URL", url),
        None => command.env_remove("DATABASE_URL"),
    };
    command.output().expect("run chanjiao")
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// `chanjiao serve` on `data_dir` (on PostgreSQL when `database_url` is given), once it is ready.
async fn serve(data_dir: &Path, database_url: Option<&str>, demo: bool) -> Node {
    let mut server = Node::spawn(data_dir, database_url, &[], demo);
    chanjiao_api::tls::install_crypto_provider();
    server.ready(&Client::new()).await;
    server
}

async fn login(server: &Node) -> String {
    let body: Value = Client::new()
        .post(format!("{}/api/v1/auth/login", server.base()))
        .json(&json!({"email": "enterprise@demo.local", "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["token"].as_str().expect("the demo enterprise signs in").to_owned()
}

/// Every hit's id for `q`, across all pages.
async fn search(server: &Node, token: &str, q: &str) -> BTreeSet<i64> {
    let client = Client::new();
    let mut ids = BTreeSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut query = vec![("q", q.to_owned()), ("limit", "100".to_owned())];
        if let Some(c) = &cursor {
            query.push(("cursor", c.clone()));
        }
        let body: Value = client
            .get(format!("{}/api/v1/search", server.base()))
            .query(&query)
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        ids.extend(body["hits"].as_array().unwrap().iter().map(|h| h["id"].as_i64().unwrap()));
        match body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return ids,
        }
    }
}

async fn all_searches(server: &Node, token: &str) -> BTreeMap<&'static str, BTreeSet<i64>> {
    let mut results = BTreeMap::new();
    for q in QUERIES {
        results.insert(*q, search(server, token, q).await);
    }
    results
}

async fn create_posting(server: &Node, token: &str, title: &str) -> i64 {
    let response = Client::new()
        .post(format!("{}/api/v1/postings", server.base()))
        .bearer_auth(token)
        .json(&json!({"publish": true, "kind": "job", "title": title, "region": "330603", "quantity": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED, "creating {title}");
    response.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// Waits until a search for `q` finds `id` (or, with `present` false, no longer finds it).
async fn until_search(server: &Node, token: &str, q: &str, id: i64, present: bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while search(server, token, q).await.contains(&id) != present {
        assert!(Instant::now() < deadline, "search for {q} did not settle on posting {id}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Rows per table of the platform's database, except the sign-in bookkeeping.
async fn table_counts(url: &str) -> BTreeMap<String, i64> {
    let db = Database::connect(url).await.expect("connect to count rows");
    let list = match db.get_database_backend() {
        DbBackend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        _ => {
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() \
              AND table_type = 'BASE TABLE'"
        }
    };
    let backend = db.get_database_backend();
    let mut counts = BTreeMap::new();
    for row in db.query_all_raw(Statement::from_string(backend, list)).await.unwrap() {
        let table: String = row.try_get_by_index(0).unwrap();
        if SIGN_IN_TABLES.contains(&table.as_str()) || table == "seaql_migrations" {
            continue;
        }
        let count = db
            .query_one_raw(Statement::from_string(backend, format!("SELECT COUNT(*) FROM \"{table}\"")))
            .await
            .unwrap()
            .unwrap();
        counts.insert(table, count.try_get_by_index::<i64>(0).unwrap());
    }
    db.close().await.ok();
    assert!(counts.get("postings").copied().unwrap_or(0) > 100, "the demo data is there: {counts:?}");
    counts
}

/// Drops a database [`fresh_database_url`] made, once the test is done with it.
async fn drop_database(url: &str) {
    let (Ok(base), Some(name)) = (std::env::var("CHANJIAO_TEST_DATABASE_URL"), url.rsplit('/').next()) else { return };
    let name = name.split('?').next().unwrap_or(name);
    if let Ok(admin) = Database::connect(base.as_str()).await {
        admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await.ok();
        admin.close().await.ok();
    }
}

fn sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}?mode=ro", data_dir.join("chanjiao.db").display())
}

#[tokio::test]
async fn a_backup_taken_while_the_server_runs_restores_the_same_rows_and_search_results() {
    let pg = fresh_database_url().await;
    let data = tempfile::tempdir().unwrap();
    let backups = tempfile::tempdir().unwrap();
    let count_url = pg.clone().unwrap_or_else(|| sqlite_url(data.path()));
    let server = serve(data.path(), pg.as_deref(), true).await;
    let token = login(&server).await;
    let kept = create_posting(&server, &token, "恢复演练专用岗位 备份前").await;
    until_search(&server, &token, "恢复演练", kept, true).await;
    // Let the alert worker (polling every second) handle the new posting before counting.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let searched = all_searches(&server, &token).await;
    let counted = table_counts(&count_url).await;

    let file = backups.path().join("chanjiao.backup");
    let file_arg = file.to_str().unwrap();
    let backed_up = chanjiao(data.path(), pg.as_deref(), &["backup", "--out", file_arg]);
    assert!(backed_up.status.success(), "{}", text(&backed_up));
    assert!(text(&backed_up).contains(" in ") && file.metadata().unwrap().len() > 0, "{}", text(&backed_up));
    let again = chanjiao(data.path(), pg.as_deref(), &["backup", "--out", file_arg]);
    assert!(!again.status.success() && text(&again).contains("--force"), "{}", text(&again));

    // Change the data after the backup: one posting closed, one added.
    let closed = Client::new()
        .post(format!("{}/api/v1/postings/{kept}/close", server.base()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(closed.status(), StatusCode::OK);
    let added = create_posting(&server, &token, "恢复演练专用岗位 备份后").await;
    until_search(&server, &token, "恢复演练", kept, false).await;
    until_search(&server, &token, "恢复演练", added, true).await;

    let refused = chanjiao(data.path(), pg.as_deref(), &["restore", file_arg, "--yes"]);
    assert!(!refused.status.success() && text(&refused).contains("running"), "{}", text(&refused));
    drop(server);
    let unconfirmed = chanjiao(data.path(), pg.as_deref(), &["restore", file_arg]);
    assert!(!unconfirmed.status.success() && text(&unconfirmed).contains("--yes"), "{}", text(&unconfirmed));

    let restored = chanjiao(data.path(), pg.as_deref(), &["restore", file_arg, "--yes"]);
    assert!(restored.status.success(), "{}", text(&restored));
    assert!(text(&restored).contains("search index rebuilt"), "{}", text(&restored));
    assert_eq!(table_counts(&count_url).await, counted, "every table has the rows it had at the backup");

    let server = serve(data.path(), pg.as_deref(), false).await;
    let token = login(&server).await;
    let posting: Value = Client::new()
        .get(format!("{}/api/v1/postings/{kept}", server.base()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (posting["title"].as_str(), posting["status"].as_str()),
        (Some("恢复演练专用岗位 备份前"), Some("published"))
    );
    let missing = Client::new()
        .get(format!("{}/api/v1/postings/{added}", server.base()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND, "the posting made after the backup is gone");
    // The index was rebuilt from the restored rows, not left as it was before the restore.
    assert_eq!(all_searches(&server, &token).await, searched);
    drop(server);
    if let Some(pg) = pg {
        drop_database(&pg).await;
    }
}

#[tokio::test]
async fn restore_refuses_what_is_not_a_backup_of_this_database_and_changes_nothing() {
    let data = tempfile::tempdir().unwrap();
    let migrated = chanjiao(data.path(), None, &["migrate"]);
    assert!(migrated.status.success(), "{}", text(&migrated));
    let added = chanjiao(
        data.path(),
        None,
        &["user", "add", "--email", "ops@sx.gov.cn", "--password", "a-long-password", "--role", "platform_admin"],
    );
    assert!(added.status.success(), "{}", text(&added));
    let before = fingerprint(data.path()).await;

    let junk = data.path().join("notes.txt");
    std::fs::write(&junk, "not a backup at all").unwrap();
    let refused = chanjiao(data.path(), None, &["restore", junk.to_str().unwrap(), "--yes"]);
    assert!(!refused.status.success(), "{}", text(&refused));
    assert!(text(&refused).contains("is not a chanjiao backup"), "{}", text(&refused));

    let stray = data.path().join("stray.db");
    let other = Database::connect(format!("sqlite://{}?mode=rwc", stray.display())).await.unwrap();
    other.execute_unprepared("CREATE TABLE t (x INTEGER)").await.unwrap();
    other.close().await.unwrap();
    let refused = chanjiao(data.path(), None, &["restore", stray.to_str().unwrap(), "--yes"]);
    assert!(
        text(&refused).contains("is not a chanjiao backup"),
        "a SQLite file of another application: {}",
        text(&refused)
    );

    let future = data.path().join("future.db");
    let backed_up = chanjiao(data.path(), None, &["backup", "--out", future.to_str().unwrap()]);
    assert!(backed_up.status.success(), "{}", text(&backed_up));
    let file = Database::connect(format!("sqlite://{}?mode=rw", future.display())).await.unwrap();
    file.execute_unprepared(
        "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m29991231_000000_create_future', 0)",
    )
    .await
    .unwrap();
    file.close().await.unwrap();
    let refused = chanjiao(data.path(), None, &["restore", future.to_str().unwrap(), "--yes"]);
    assert!(text(&refused).contains("restore with the newer version"), "{}", text(&refused));

    if let Some(pg) = fresh_database_url().await {
        let refused = chanjiao(data.path(), Some(&pg), &["restore", future.to_str().unwrap(), "--yes"]);
        assert!(text(&refused).contains("chanjiao migrate-data"), "{}", text(&refused));
        drop_database(&pg).await;
    }
    assert_eq!(fingerprint(data.path()).await, before, "the database was not touched");
}

/// What a refused restore must leave as it was: the schema's migrations and the accounts.
async fn fingerprint(data_dir: &Path) -> (Vec<String>, Vec<String>) {
    let db = Database::connect(format!("sqlite://{}?mode=ro", data_dir.join("chanjiao.db").display())).await.unwrap();
    let column = |sql: &'static str| {
        let db = db.clone();
        async move {
            let rows = db.query_all_raw(Statement::from_string(DbBackend::Sqlite, sql)).await.unwrap();
            rows.iter().map(|r| r.try_get_by_index::<String>(0).unwrap()).collect::<Vec<_>>()
        }
    };
    let migrations = column("SELECT version FROM seaql_migrations ORDER BY version").await;
    let users = column("SELECT email FROM users ORDER BY id").await;
    db.close().await.ok();
    assert!(users.contains(&"ops@sx.gov.cn".to_owned()));
    (migrations, users)
}

#[tokio::test]
async fn migrate_data_moves_a_sqlite_platform_to_postgresql_whole() {
    let Some(pg) = fresh_database_url().await else {
        eprintln!("skipped: set CHANJIAO_TEST_DATABASE_URL to move data into PostgreSQL");
        return;
    };
    let sqlite_dir = tempfile::tempdir().unwrap();
    let server = serve(sqlite_dir.path(), None, true).await;
    let token = login(&server).await;
    let id = create_posting(&server, &token, "恢复演练专用岗位 迁移前").await;
    until_search(&server, &token, "恢复演练", id, true).await;
    let searched = all_searches(&server, &token).await;
    drop(server);
    let counted = table_counts(&sqlite_url(sqlite_dir.path())).await;

    let from = format!("sqlite://{}", sqlite_dir.path().join("chanjiao.db").display());
    let pg_dir = tempfile::tempdir().unwrap();
    let moved = chanjiao(pg_dir.path(), None, &["migrate-data", "--from", &from, "--to", &pg]);
    assert!(moved.status.success(), "{}", text(&moved));
    assert!(text(&moved).contains("chanjiao reindex") && text(&moved).contains("postings"), "{}", text(&moved));
    assert_eq!(table_counts(&pg).await, counted, "every table has as many rows in PostgreSQL");

    let again = chanjiao(pg_dir.path(), None, &["migrate-data", "--from", &from, "--to", &pg]);
    assert!(!again.status.success() && text(&again).contains("not empty"), "{}", text(&again));

    let server = serve(pg_dir.path(), Some(&pg), false).await;
    let token = login(&server).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while all_searches(&server, &token).await != searched {
        assert!(Instant::now() < deadline, "the PostgreSQL node's search results differ from SQLite's");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Sequences were moved past the copied ids: a new posting gets a fresh one.
    let fresh = create_posting(&server, &token, "迁移之后的新岗位").await;
    assert!(fresh > id, "new id {fresh} after the copied {id}");
    drop(server);
    drop_database(&pg).await;
}
