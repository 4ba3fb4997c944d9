//! Reading and writing the few cookies the platform uses, without a cookie-jar dependency.

use axum::http::{HeaderMap, HeaderValue, header};

pub const SESSION: &str = "chanjiao_session";
pub const CSRF: &str = "chanjiao_csrf";
pub const LANG: &str = "chanjiao_lang";
/// The client organization an intermediary's member acts for on pages.
pub const ACTING: &str = "chanjiao_acting";

/// The value of cookie `name` in the request, if any.
pub fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

#[derive(Debug, Clone, Copy)]
pub enum SameSite {
    Strict,
    Lax,
}

/// A `Set-Cookie` value. `max_age_secs = 0` deletes the cookie.
pub fn set(name: &str, value: &str, max_age_secs: i64, same_site: SameSite, secure: bool) -> HeaderValue {
    let same_site = match same_site {
        SameSite::Strict => "Strict",
        SameSite::Lax => "Lax",
    };
    let secure = if secure { "; Secure" } else { "" };
    let cookie = format!("{name}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite={same_site}{secure}");
    // Names and values are ours (hex tokens, language codes), so this cannot fail.
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_cookie_among_several() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; chanjiao_session=abc; b=2"));
        assert_eq!(get(&headers, SESSION), Some("abc"));
        assert_eq!(get(&headers, "missing"), None);
    }

    #[test]
    fn session_cookies_are_http_only_and_same_site() {
        let value = set(SESSION, "t", 60, SameSite::Lax, true);
        let text = value.to_str().unwrap();
        assert!(text.contains("HttpOnly") && text.contains("SameSite=Lax") && text.contains("Secure"));
    }
}
