//! Accounts: e-mail addresses, passwords as typed (before hashing) and roles.

use crate::error::Text;
use std::fmt;

use serde::Serialize;

use crate::error::Invalid;
use crate::organization::string_enum;
use crate::text;

/// A lower-cased e-mail address of plausible shape. Deliverability is not checked here.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let email = text::clean(raw, 1, 254, false)?.to_lowercase();
        const FORMAT: Invalid =
            Invalid::Format(Text::new("an email address like name@example.com", "电子邮箱，如 name@example.com"));
        let (local, domain) = email.split_once('@').ok_or(FORMAT)?;
        let domain_ok =
            domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !domain.contains("..");
        if local.is_empty()
            || local.len() > 64
            || !domain_ok
            || email.chars().any(char::is_whitespace)
            || domain.contains('@')
        {
            return Err(FORMAT);
        }
        Ok(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password as typed, before hashing: 8 to 128 characters. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let count = raw.chars().count();
        if count == 0 {
            return Err(Invalid::Required);
        }
        if count < 8 {
            return Err(Invalid::TooShort { min: 8 });
        }
        if count > 128 {
            return Err(Invalid::TooLong { max: 128 });
        }
        Ok(Password(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

string_enum!(
    /// What a user may do. Platform administrators belong to no organization.
    Role, Text::new("one of member, org_admin, platform_admin", "member、org_admin、platform_admin 之一"), {
        Member => "member",
        OrgAdmin => "org_admin",
        PlatformAdmin => "platform_admin",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(Email::parse(" Enterprise@Demo.Local ").unwrap().as_str(), "enterprise@demo.local");
        for bad in ["nobody", "a@b", "@demo.local", "a@.local", "a b@demo.local", "a@b@c.cn"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_have_bounds_and_hide_in_debug() {
        assert_eq!(Password::parse("short"), Err(Invalid::TooShort { min: 8 }));
        let pw = Password::parse("chanjiao-demo").unwrap();
        assert_eq!(format!("{pw:?}"), "Password(***)");
    }
}
