//! An import's progress under a token the server issues, readable on every node.
//!
//! Tokens are 128 random bits, bound to the user (or API key) they were issued to, so nobody
//! can guess or choose another's token, and a token polled by anyone else is unknown (404).
//! Behind a load balancer the token, the upload and the polls may each reach a different node,
//! so the progress lives in the database (`import_progress`, keyed by the token's SHA-256).
//!
//! Writing every row's progress to the database would slow the import and, on SQLite, could
//! not even happen during the save: the import holds the write lock (`BEGIN IMMEDIATE`) until
//! it commits. So the node running an import keeps its progress in memory (the overlay, which
//! answers polls reaching that node at once) and a background task ([`ImportProgress::write_behind`])
//! copies it to the database at most every quarter second, waiting out the lock when it must.
//! A progress write that fails is retried and never fails the import.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chanjiao_domain::StoredText;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;

use crate::auth::Principal;
use crate::clock::Clock;
use crate::db::Stored;
use crate::entities::import_progress::{self as rows, Column};

/// Where an import is, for the page's progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = ImportProgress)]
pub struct Progress {
    pub phase: Phase,
    pub done: usize,
    pub total: usize,
}

/// An import's phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = ImportPhase)]
pub enum Phase {
    /// The token is issued, no upload yet.
    Waiting,
    /// Checking rows.
    Reading,
    Saving,
    Done,
    Failed,
}

impl Phase {
    pub const ALL: [Phase; 5] = [Phase::Waiting, Phase::Reading, Phase::Saving, Phase::Done, Phase::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Waiting => "waiting",
            Phase::Reading => "reading",
            Phase::Saving => "saving",
            Phase::Done => "done",
            Phase::Failed => "failed",
        }
    }
}

impl StoredText for Phase {
    const TYPE_NAME: &'static str = "Phase";

    fn stored_text(&self) -> &str {
        self.as_str()
    }

    fn from_stored_text(text: &str) -> Option<Self> {
        Phase::ALL.into_iter().find(|phase| phase.as_str() == text)
    }
}

/// Whom a stored progress belongs to: the kind of [`Principal`] (its id is stored beside it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerKind {
    User,
    ApiKey,
}

impl StoredText for OwnerKind {
    const TYPE_NAME: &'static str = "OwnerKind";

    fn stored_text(&self) -> &str {
        match self {
            OwnerKind::User => "user",
            OwnerKind::ApiKey => "api_key",
        }
    }

    fn from_stored_text(text: &str) -> Option<Self> {
        [OwnerKind::User, OwnerKind::ApiKey].into_iter().find(|kind| kind.stored_text() == text)
    }
}

fn owner_of(principal: Principal) -> (OwnerKind, i64) {
    match principal {
        Principal::User(id) => (OwnerKind::User, id),
        Principal::ApiKey(id) => (OwnerKind::ApiKey, id),
    }
}

impl Progress {
    /// A token issued but not used yet.
    const WAITING: Progress = Progress { phase: Phase::Waiting, done: 0, total: 0 };

    fn from_row(row: &rows::Model) -> Progress {
        let count = |n: i64| usize::try_from(n).unwrap_or_default();
        Progress { phase: *row.phase, done: count(row.done), total: count(row.total) }
    }
}

/// Progress is kept this long after its last change, in memory and in the database.
const KEEP: Duration = Duration::from_secs(600);
/// Tokens kept per user (the oldest goes first) and in all (issuing refuses beyond), so that a
/// client asking for tokens in a loop cannot grow the map or the table without bound.
const PER_USER: usize = 16;
const IN_ALL: usize = 50_000;
/// The least time between two database writes of the progress this node tracks.
const WRITE_EVERY: Duration = Duration::from_millis(250);

/// This node's imports' progress, and the way to everyone's. Cheap to clone.
#[derive(Clone)]
pub struct ImportProgress {
    shared: Arc<Shared>,
}

struct Shared {
    db: DatabaseConnection,
    clock: Clock,
    /// Tokens issued or imports run on this node, by token.
    local: Mutex<HashMap<String, Tracked>>,
    /// Wakes the write-behind task when some progress changed.
    changed: tokio::sync::Notify,
}

struct Tracked {
    owner: Principal,
    /// `Some` once an import under the token runs on this node: then this node knows best.
    progress: Option<Progress>,
    at: Instant,
    /// Changed since the write-behind task last wrote it.
    unwritten: bool,
}

impl ImportProgress {
    pub fn new(db: DatabaseConnection, clock: Clock) -> ImportProgress {
        let shared = Shared { db, clock, local: Mutex::new(HashMap::new()), changed: tokio::sync::Notify::new() };
        ImportProgress { shared: Arc::new(shared) }
    }

    /// A new token for `owner`, or `None` when as many are tracked as the platform keeps. When
    /// the database cannot record it, the token still works on this node (logged).
    pub async fn issue(&self, owner: Principal) -> Option<String> {
        use rand::RngCore;
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        let token = hex::encode(bytes);
        {
            let mut map = self.shared.local.lock().ok()?;
            map.retain(|_, tracked| tracked.at.elapsed() < KEEP);
            let mut mine: Vec<(Instant, String)> =
                map.iter().filter(|(_, t)| t.owner == owner).map(|(k, t)| (t.at, k.clone())).collect();
            if mine.len() >= PER_USER {
                mine.sort();
                for (_, old) in &mine[..=mine.len() - PER_USER] {
                    map.remove(old);
                }
            }
            if map.len() >= IN_ALL {
                return None;
            }
        }
        match self.record(owner, &token).await {
            Ok(true) => {}
            Ok(false) => return None,
            Err(error) => tracing::warn!(%error, "import progress token not stored; it works on this node only"),
        }
        let tracked = Tracked { owner, progress: None, at: Instant::now(), unwritten: false };
        self.shared.local.lock().ok()?.insert(token.clone(), tracked);
        Some(token)
    }

    /// Stores a new token's row, first deleting the owner's oldest beyond the limit. `false`
    /// when the table holds as many as it may.
    async fn record(&self, owner: Principal, token: &str) -> Result<bool, DbErr> {
        let db = &self.shared.db;
        let now = self.shared.clock.now();
        if rows::Entity::find().count(db).await? >= IN_ALL as u64 {
            return Ok(false);
        }
        let (kind, id) = owner_of(owner);
        let older: Vec<String> = rows::Entity::find()
            .select_only()
            .column(Column::TokenHash)
            .filter(Column::OwnerKind.eq(kind.stored_text()))
            .filter(Column::OwnerId.eq(id))
            .order_by_desc(Column::UpdatedAt)
            .order_by_desc(Column::TokenHash)
            .offset(PER_USER as u64 - 1)
            .limit(4 * PER_USER as u64)
            .into_tuple()
            .all(db)
            .await?;
        if !older.is_empty() {
            rows::Entity::delete_many().filter(Column::TokenHash.is_in(older)).exec(db).await?;
        }
        let row = rows::ActiveModel {
            token_hash: Set(crate::auth::token::digest(token)),
            owner_kind: Set(Stored(kind)),
            owner_id: Set(id),
            phase: Set(Stored(Phase::Waiting)),
            done: Set(0),
            total: Set(0),
            updated_at: Set(now),
        };
        rows::Entity::insert(row).exec_without_returning(db).await?;
        Ok(true)
    }

    /// Whether `token` was issued to `owner` (on any node) and is still kept; if so, this node
    /// tracks the import under it from now on.
    pub async fn follow(&self, owner: Principal, token: &str) -> bool {
        if let Ok(map) = self.shared.local.lock()
            && let Some(tracked) = map.get(token)
        {
            return tracked.owner == owner;
        }
        match self.stored(owner, token).await {
            Ok(Some(_)) => {}
            Ok(None) => return false,
            Err(error) => {
                tracing::warn!(%error, "import progress token not checked");
                return false;
            }
        }
        if let Ok(mut map) = self.shared.local.lock() {
            map.insert(token.to_owned(), Tracked { owner, progress: None, at: Instant::now(), unwritten: false });
        }
        true
    }

    /// Records where the import under `token` is: at once in memory, in the database soon.
    pub(super) fn set(&self, token: Option<&str>, progress: Progress) {
        let Some(token) = token else { return };
        if let Ok(mut map) = self.shared.local.lock()
            && let Some(tracked) = map.get_mut(token)
        {
            tracked.progress = Some(progress);
            tracked.at = Instant::now();
            tracked.unwritten = true;
            self.shared.changed.notify_one();
        }
    }

    /// The progress of `owner`'s import under `token`; `None` for a token not theirs. This
    /// node's own imports answer from memory, others' from the database.
    pub async fn get(&self, owner: Principal, token: &str) -> Option<Progress> {
        let local = match self.shared.local.lock() {
            Ok(map) => map.get(token).map(|t| (t.owner, t.progress)),
            Err(_) => None,
        };
        match local {
            Some((issued_to, _)) if issued_to != owner => return None,
            Some((_, Some(progress))) => return Some(progress),
            _ => {}
        }
        match self.stored(owner, token).await {
            Ok(row) => row.map(|row| Progress::from_row(&row)),
            Err(error) => {
                tracing::warn!(%error, "import progress not read");
                local.map(|_| Progress::WAITING)
            }
        }
    }

    async fn stored(&self, owner: Principal, token: &str) -> Result<Option<rows::Model>, DbErr> {
        let (kind, id) = owner_of(owner);
        rows::Entity::find_by_id(crate::auth::token::digest(token))
            .filter(Column::OwnerKind.eq(kind.stored_text()))
            .filter(Column::OwnerId.eq(id))
            .one(&self.shared.db)
            .await
    }

    /// Copies this node's changed progress to the database, until the process stops: at most
    /// every [`WRITE_EVERY`], the latest state of each import (so a burst of rows is one write),
    /// retrying what failed (a write waiting out SQLite's lock, a database gone for a moment).
    pub async fn write_behind(self) {
        loop {
            self.shared.changed.notified().await;
            let changed: Vec<(String, Progress)> = match self.shared.local.lock() {
                Ok(mut map) => map
                    .iter_mut()
                    .filter(|(_, t)| t.unwritten)
                    .filter_map(|(token, t)| {
                        t.unwritten = false;
                        t.progress.map(|p| (token.clone(), p))
                    })
                    .collect(),
                Err(_) => return,
            };
            for (token, progress) in changed {
                if let Err(error) = self.write(&token, progress).await {
                    tracing::debug!(%error, "import progress not written yet; retrying");
                    // Written again next round, with whatever the import reached by then.
                    if let Ok(mut map) = self.shared.local.lock()
                        && let Some(tracked) = map.get_mut(&token)
                    {
                        tracked.unwritten = true;
                    }
                    self.shared.changed.notify_one();
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
            tokio::time::sleep(WRITE_EVERY).await;
        }
    }

    async fn write(&self, token: &str, progress: Progress) -> Result<(), DbErr> {
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        rows::Entity::update_many()
            .col_expr(Column::Phase, Expr::value(progress.phase.as_str()))
            .col_expr(Column::Done, Expr::value(count(progress.done)))
            .col_expr(Column::Total, Expr::value(count(progress.total)))
            .col_expr(Column::UpdatedAt, Expr::value(self.shared.clock.now()))
            .filter(Column::TokenHash.eq(crate::auth::token::digest(token)))
            .exec(&self.shared.db)
            .await?;
        Ok(())
    }
}

/// Deletes progress untouched for ten minutes (the periodic job `import_progress_pruning`).
pub async fn prune(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let cutoff = now - chrono::Duration::from_std(KEEP).unwrap_or(chrono::Duration::MAX);
    let pruned = rows::Entity::delete_many().filter(Column::UpdatedAt.lt(cutoff)).exec(db).await?;
    Ok(pruned.rows_affected)
}
