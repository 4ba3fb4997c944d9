//! API keys: what a key may be used for ([`Scope`]), what it is called ([`KeyName`]) and the
//! shape of the key string a client presents (`cjk_<public id>_<secret>`, [`PresentedKey`]).
//!
//! A key acts as its organization, never as a person; which endpoints each scope opens is the
//! server's one scope table (`crates/api/src/auth/scopes.rs`). Generating secrets and keeping
//! their digests is the server's too: this module only fixes the rules and the text.

use std::collections::BTreeSet;

use crate::error::{Invalid, Text};
use crate::text;

/// What a key may do. Stored as text (one row per scope) and written in the API exactly as
/// [`Scope::as_str`] says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Scope {
    /// Read what the organization may read (postings, proposals, projects, bookings, …).
    #[serde(rename = "read")]
    Read,
    /// Create, edit, import and change the state of the organization's postings and slots.
    #[serde(rename = "postings:write")]
    PostingsWrite,
    /// Propose cooperation and answer proposals.
    #[serde(rename = "proposals:write")]
    ProposalsWrite,
    /// Pull the change feed of postings.
    #[serde(rename = "feed")]
    Feed,
}

impl Scope {
    pub const ALL: &'static [Scope] = &[Scope::Read, Scope::PostingsWrite, Scope::ProposalsWrite, Scope::Feed];

    /// The stable identifier used in the API, the database and the forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::PostingsWrite => "postings:write",
            Scope::ProposalsWrite => "proposals:write",
            Scope::Feed => "feed",
        }
    }

    /// What the scope allows, in Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            Scope::Read => "读取本机构可见的数据",
            Scope::PostingsWrite => "创建、修改、导入本机构的需求与资源及其时段",
            Scope::ProposalsWrite => "发起和答复合作意向",
            Scope::Feed => "拉取需求与资源的变更流",
        }
    }

    /// What the scope allows, in English.
    pub fn en(self) -> &'static str {
        match self {
            Scope::Read => "read what the organization may read",
            Scope::PostingsWrite => "create, edit and import the organization's postings and their slots",
            Scope::ProposalsWrite => "propose cooperation and answer proposals",
            Scope::Feed => "pull the change feed of postings",
        }
    }
}

impl std::str::FromStr for Scope {
    type Err = Invalid;

    fn from_str(raw: &str) -> Result<Self, Invalid> {
        match raw.trim() {
            "" => Err(Invalid::Required),
            other => Scope::ALL.iter().copied().find(|s| s.as_str() == other).ok_or(Invalid::Format(Text::new(
                "one of read, postings:write, proposals:write, feed",
                "read、postings:write、proposals:write、feed 之一",
            ))),
        }
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

crate::stored::stored_as_str!(Scope);

/// The scopes of a new key: at least one, each known, duplicates folded.
pub fn parse_scopes<S: AsRef<str>>(raw: &[S]) -> Result<BTreeSet<Scope>, Invalid> {
    if raw.len() > 16 {
        return Err(Invalid::TooMany { max: 16 });
    }
    let scopes = raw.iter().map(|s| s.as_ref().parse::<Scope>()).collect::<Result<BTreeSet<_>, _>>()?;
    if scopes.is_empty() { Err(Invalid::Required) } else { Ok(scopes) }
}

/// A key's name, unique within its organization ("CRM", "区门户同步").
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct KeyName(String);

impl KeyName {
    pub const MAX: usize = 60;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        text::clean(raw, 1, Self::MAX, false).map(KeyName)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What every key string starts with, so a bearer token is told from a session token at a glance
/// (and secret scanners can recognise a leaked key).
pub const PREFIX: &str = "cjk_";
/// Hex digits of the public id (48 bits: unique enough to find the row, not a secret).
pub const PUBLIC_ID_LEN: usize = 12;
/// Hex digits of the secret (256 random bits).
pub const SECRET_LEN: usize = 64;

/// A key string as a client presents it, split into the id that finds the row and the secret
/// whose digest must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PresentedKey<'a> {
    pub public_id: &'a str,
    pub secret: &'a str,
}

impl<'a> PresentedKey<'a> {
    /// Whether `token` claims to be a key at all (then it is a key or nothing: never a session).
    pub fn claims(token: &str) -> bool {
        token.starts_with(PREFIX)
    }

    /// The parts of a well-formed key string, or `None`.
    pub fn parse(token: &'a str) -> Option<Self> {
        let rest = token.strip_prefix(PREFIX)?;
        let (public_id, secret) = rest.split_once('_')?;
        let hex = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        (hex(public_id, PUBLIC_ID_LEN) && hex(secret, SECRET_LEN)).then_some(PresentedKey { public_id, secret })
    }

    /// The key string for a public id and a secret.
    pub fn format(public_id: &str, secret: &str) -> String {
        format!("{PREFIX}{public_id}_{secret}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_read_back_as_written_and_unknown_ones_are_refused() {
        for &scope in Scope::ALL {
            assert_eq!(scope.as_str().parse::<Scope>(), Ok(scope));
            assert_eq!(serde_json::to_string(&scope).unwrap(), format!("\"{}\"", scope.as_str()));
        }
        assert!(parse_scopes(&["read", "admin"]).is_err());
        assert_eq!(parse_scopes::<&str>(&[]), Err(Invalid::Required));
        assert_eq!(parse_scopes(&["feed", "read", "feed"]).unwrap().len(), 2);
    }

    #[test]
    fn only_well_formed_key_strings_parse() {
        let key = PresentedKey::format("0123456789ab", &"f".repeat(64));
        let parsed = PresentedKey::parse(&key).unwrap();
        assert_eq!(parsed.public_id, "0123456789ab");
        assert!(PresentedKey::parse("cjk_0123456789ab_short").is_none());
        assert!(PresentedKey::parse(&key.to_uppercase()).is_none());
        assert!(PresentedKey::parse(&"a".repeat(64)).is_none());
        assert!(PresentedKey::claims(&key));
    }

    #[test]
    fn names_are_bounded() {
        assert!(KeyName::parse("CRM 同步").is_ok());
        assert_eq!(KeyName::parse("  "), Err(Invalid::Required));
        assert!(KeyName::parse(&"x".repeat(61)).is_err());
    }
}
