//! The visitor's language: Chinese first, English second.
//!
//! Chosen by `?lang=` (remembered in a cookie), then that cookie, then `Accept-Language`.

use axum::http::{HeaderMap, header};

use crate::auth::cookies;

/// Deserializes from `zh` or `en`, for API query strings that name it explicitly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The text in this language, of a pair given Chinese first.
    pub fn pick(self, zh: &str, en: &str) -> String {
        if self == Lang::Zh { zh.to_owned() } else { en.to_owned() }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    fn from_code(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language asked for in the query string, if any.
    pub fn from_query(query: Option<&str>) -> Option<Lang> {
        query?
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == "lang")
            .and_then(|(_, v)| Lang::from_code(v))
    }

    pub fn from_headers(headers: &HeaderMap, query: Option<&str>) -> Lang {
        Lang::from_query(query)
            .or_else(|| cookies::get(headers, cookies::LANG).and_then(Lang::from_code))
            .or_else(|| {
                let accept = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
                from_accept_language(accept)
            })
            .unwrap_or(Lang::Zh)
    }
}

/// The supported language the browser prefers most, honouring `q` weights.
fn from_accept_language(accept: &str) -> Option<Lang> {
    let mut ranked: Vec<(f32, Lang)> = accept
        .split(',')
        .filter_map(|entry| {
            let mut parts = entry.split(';');
            let lang = Lang::from_code(parts.next()?)?;
            let q = parts.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
            Some((q, lang))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranked.first().map(|(_, lang)| *lang)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn query_beats_cookie_beats_accept_language() {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("en-US,en;q=0.9"));
        assert_eq!(Lang::from_headers(&headers, None), Lang::En);
        headers.insert(header::COOKIE, HeaderValue::from_static("chanjiao_lang=zh"));
        assert_eq!(Lang::from_headers(&headers, None), Lang::Zh);
        assert_eq!(Lang::from_headers(&headers, Some("lang=en")), Lang::En);
    }

    #[test]
    fn weights_are_respected_and_chinese_is_the_default() {
        assert_eq!(from_accept_language("fr;q=1, en;q=0.5, zh-CN;q=0.8"), Some(Lang::Zh));
        assert_eq!(from_accept_language("fr, de"), None);
        assert_eq!(Lang::from_headers(&HeaderMap::new(), None), Lang::Zh);
    }
}
