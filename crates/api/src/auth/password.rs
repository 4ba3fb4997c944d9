//! Argon2id password hashing, run off the async executor because it is deliberately slow.

use std::sync::LazyLock;

use argon2::{Argon2, PasswordHasher, PasswordVerifier};

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

pub async fn hash(password: &str) -> Result<String, ApiError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| ApiError::Internal(format!("hashing task failed: {e}")))?
}

/// Checks `password` against `stored`, or against a dummy hash when there is no account.
pub async fn verify(password: &str, stored: Option<String>) -> Result<bool, ApiError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let exists = stored.is_some();
        let hash = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        let matches = Argon2::default().verify_password(password.as_bytes(), hash.as_str()).is_ok();
        exists && matches
    })
    .await
    .map_err(|e| ApiError::Internal(format!("verification task failed: {e}")))
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn hashes_are_argon2id_and_verify_only_the_right_password() {
        let hash = super::hash("chanjiao-demo").await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(super::verify("chanjiao-demo", Some(hash.clone())).await.unwrap());
        assert!(!super::verify("chanjiao-dem0", Some(hash)).await.unwrap());
        assert!(!super::verify("chanjiao-no-such-user-7f3a", None).await.unwrap());
    }
}
