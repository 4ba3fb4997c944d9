//! Argon2id password hashing, run off the async executor because it is deliberately slow, and
//! through a [`Hasher`] that bounds how many hashes run and wait at once: each takes about
//! 19 MiB, so a flood of logins or registrations must not be allowed to start them all.

use std::sync::{Arc, LazyLock};

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use tokio::sync::Semaphore;

use crate::error::ApiError;

/// A real hash of a random password, verified against when an e-mail is unknown so that a
/// login attempt takes as long whether or not the account exists.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash_blocking("chanjiao-no-such-user-7f3a").unwrap_or_default());

fn hash_blocking(password: &str) -> Result<String, ApiError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| ApiError::Internal(format!("password hashing failed: {e}")))
}

fn verify_blocking(password: &str, stored: Option<String>) -> bool {
    let exists = stored.is_some();
    let hash = stored.unwrap_or_else(|| DUMMY_HASH.clone());
    let matches = Argon2::default().verify_password(password.as_bytes(), hash.as_str()).is_ok();
    exists && matches
}

/// Hashes outside any request (the command line, demo data), where nothing floods.
pub async fn hash_offline(password: &str) -> Result<String, ApiError> {
    Hasher::new(1, 0).hash(password).await
}

/// Runs password hashes and checks, at most `concurrency` at a time with at most `queue` more
/// waiting; beyond that a request is refused at once with 503 and `Retry-After` instead of
/// holding memory in an unbounded queue. Cloning shares the limits.
#[derive(Debug, Clone)]
pub struct Hasher {
    running: Arc<Semaphore>,
    admitted: Arc<Semaphore>,
}

impl Hasher {
    pub fn new(concurrency: usize, queue: usize) -> Self {
        let concurrency = concurrency.clamp(1, Semaphore::MAX_PERMITS);
        let admitted = concurrency.saturating_add(queue).min(Semaphore::MAX_PERMITS);
        Hasher { running: Arc::new(Semaphore::new(concurrency)), admitted: Arc::new(Semaphore::new(admitted)) }
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
        let overloaded = ApiError::Overloaded { retry_after_secs: 1 };
        let ticket = Arc::clone(&self.admitted).try_acquire_owned().map_err(|_| overloaded)?;
        // The semaphores are never closed, so waiting for a turn cannot fail.
        let turn = Arc::clone(&self.running)
            .acquire_owned()
            .await
            .map_err(|e| ApiError::Internal(format!("hashing semaphore closed: {e}")))?;
        // The permits move into the blocking task: if the request is abandoned meanwhile (a
        // timeout, a closed connection), the hash still counts until it has really finished.
        tokio::task::spawn_blocking(move || {
            let result = work();
            drop((turn, ticket));
            result
        })
        .await
        .map_err(|e| ApiError::Internal(format!("hashing task failed: {e}")))
    }

    pub async fn hash(&self, password: &str) -> Result<String, ApiError> {
        let password = password.to_owned();
        self.run(move || hash_blocking(&password)).await?
    }

    /// Checks `password` against `stored`, or against a dummy hash when there is no account.
    pub async fn verify(&self, password: &str, stored: Option<String>) -> Result<bool, ApiError> {
        let password = password.to_owned();
        self.run(move || verify_blocking(&password, stored)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify_only_the_right_password() {
        let hasher = Hasher::new(2, 2);
        let hash = hasher.hash("chanjiao-demo").await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(hasher.verify("chanjiao-demo", Some(hash.clone())).await.unwrap());
        assert!(!hasher.verify("chanjiao-dem0", Some(hash)).await.unwrap());
        assert!(!hasher.verify("chanjiao-no-such-user-7f3a", None).await.unwrap());
    }

    #[tokio::test]
    async fn a_full_queue_refuses_at_once_with_a_retry_hint() {
        let hasher = Hasher::new(1, 1);
        // Hold the one running slot and the one queue place.
        let running = Arc::clone(&hasher.running).try_acquire_owned().unwrap();
        let queued = Arc::clone(&hasher.admitted).try_acquire_many_owned(2).unwrap();
        let refused = hasher.hash("chanjiao-demo").await.unwrap_err();
        assert!(matches!(refused, ApiError::Overloaded { retry_after_secs: 1 }), "{refused:?}");
        drop(queued);
        let waiting = tokio::spawn({
            let hasher = hasher.clone();
            async move { hasher.hash("chanjiao-demo").await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "a queued hash waits for the running one");
        drop(running);
        assert!(waiting.await.unwrap().is_ok());
    }
}
