//! Everything users see: templates, translations and static assets, embedded from `web/` at
//! build time, and the helpers that render pages and HTML error pages.

mod assets;
pub mod cache;
pub mod charts;
pub mod download;
mod lang;
mod localized;
pub mod numbers;
mod page;
mod page_error;
pub mod share;
pub mod times;

use std::collections::HashMap;
use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior, Value, context};
use rust_embed::RustEmbed;

use crate::error::ApiError;
use crate::startup::AppState;

pub use assets::static_asset;
pub use lang::Lang;
pub use localized::{Coded, Labelled, Localized, options};
pub use page::Page;
pub use page_error::{PageError, on_form, render_page_errors};
pub use share::{Share, ShareKind};

#[derive(RustEmbed)]
#[folder = "../../web/templates"]
struct TemplateFiles;

#[derive(RustEmbed)]
#[folder = "../../web/i18n"]
struct Translations;

/// The compiled templates and the message catalogues, shared by all requests.
pub struct Web {
    env: Environment<'static>,
    messages: HashMap<Lang, Value>,
}

impl Web {
    pub fn load() -> Result<Arc<Web>, String> {
        let mut env = Environment::new();
        // Printing a missing variable or message is a bug and fails loudly (tests render every
        // page); testing one in `{% if %}` is allowed, since optional values are common.
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        times::register(&mut env);
        numbers::register(&mut env);
        for name in TemplateFiles::iter() {
            let file = TemplateFiles::get(&name).ok_or_else(|| format!("template {name} vanished"))?;
            let source = String::from_utf8(file.data.into_owned()).map_err(|e| format!("template {name}: {e}"))?;
            env.add_template_owned(name.to_string(), source).map_err(|e| format!("template {name}: {e}"))?;
        }
        let mut messages = HashMap::new();
        for lang in [Lang::Zh, Lang::En] {
            let file_name = format!("{}.json", lang.code());
            let file = Translations::get(&file_name).ok_or_else(|| format!("missing translations {file_name}"))?;
            let map: HashMap<String, String> =
                serde_json::from_slice(&file.data).map_err(|e| format!("translations {file_name}: {e}"))?;
            messages.insert(lang, Value::from(Serde(map)));
        }
        Ok(Arc::new(Web { env, messages }))
    }

    /// Renders `template` with the common context (`t`, `lang`) merged under `ctx`.
    pub fn render(&self, template: &str, lang: Lang, ctx: Value) -> Result<String, ApiError> {
        let tmpl =
            self.env.get_template(template).map_err(|e| ApiError::Internal(format!("template {template}: {e}")))?;
        let base =
            context! { t => self.messages[&lang].clone(), lang => lang.code(), other_lang => lang.other().code() };
        tmpl.render(context! { ..ctx, ..base }).map_err(|e| ApiError::Internal(format!("rendering {template}: {e:#}")))
    }
}

/// An error shown as a page, in the visitor's language, with the status the error deserves.
pub struct HtmlError {
    status: StatusCode,
    body: String,
}

impl HtmlError {
    pub fn new(state: &AppState, lang: Lang, error: ApiError) -> Self {
        HtmlError::render(&state.web, lang, error)
    }

    /// The page for `error`, from the templates alone (middleware that has no [`AppState`]).
    pub fn render(web: &Web, lang: Lang, error: ApiError) -> Self {
        error.log();
        let status = error.status_code();
        let ctx = context! {
            status => status.as_u16(),
            title => error.title(lang == Lang::Zh),
            detail => if lang == Lang::Zh { error.detail_zh() } else { error.detail_en() },
            field_errors => Serde(error.field_errors()),
            user => Value::UNDEFINED,
            csrf => "",
            path => "/",
        };
        let body = web.render("error.html", lang, ctx).unwrap_or_else(|e| {
            tracing::error!(error = %e, "error page failed to render");
            format!("<!doctype html><title>{}</title><h1>{}</h1>", status.as_u16(), status.as_u16())
        });
        HtmlError { status, body }
    }
}

impl IntoResponse for HtmlError {
    fn into_response(self) -> Response {
        (self.status, Html(self.body)).into_response()
    }
}

/// Escapes text for HTML and SVG, in element content and in quoted attribute values (the
/// charts build their markup by hand; templates escape by themselves).
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Percent-encodes a string for use in a query parameter.
/// The link to a list page's next page: the page's own address with `cursor` set to `next`
/// (any earlier `cursor` dropped), or none on the last page.
pub fn next_page_href(uri: &axum::http::Uri, next: Option<&str>) -> Option<String> {
    let next = next?;
    let kept: Vec<&str> =
        uri.query().unwrap_or("").split('&').filter(|pair| !pair.is_empty() && !pair.starts_with("cursor=")).collect();
    let mut href = format!("{}?", uri.path());
    for pair in kept {
        href.push_str(pair);
        href.push('&');
    }
    href.push_str("cursor=");
    href.push_str(&url_encode(next));
    Some(href)
}

pub fn url_encode(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Only same-site paths are followed after login, so the `next` parameter cannot send a user
/// to another site.
/// A form whose only field is where to go afterwards (a button that acts, then returns to
/// the page it was pressed on); pass `next` through [`safe_next`].
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct NextForm {
    pub next: Option<String>,
}

pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if is_own_path(path) => path.to_owned(),
        _ => "/org".to_owned(),
    }
}

/// The longest `next` followed; anything longer is not a link of this site.
const MAX_NEXT: usize = 2048;

/// Whether `path` can only lead to a page of this site, however a browser or a proxy in
/// between reads it: one leading slash and then neither a slash nor a backslash (`//evil`,
/// `/\evil` are other hosts to browsers), no backslash, `@`, whitespace or control character
/// anywhere (browsers drop tabs and newlines, turning `/\t/evil` into `//evil`), and none of
/// those percent-encoded either, nor an encoded `%` (a proxy that decodes once would produce
/// them). A scheme (`https:`, `javascript:`) cannot come first, since the path starts with `/`.
fn is_own_path(path: &str) -> bool {
    let bytes = path.as_bytes();
    if path.len() > MAX_NEXT || bytes.first() != Some(&b'/') || matches!(bytes.get(1), Some(b'/' | b'\\')) {
        return false;
    }
    let dangerous = |b: u8| b < 0x21 || b == 0x7f || matches!(b, b'/' | b'\\' | b'@' | b'%');
    if path.chars().any(|c| c.is_control() || c.is_whitespace() || matches!(c, '\\' | '@')) {
        return false;
    }
    let mut rest = bytes;
    while let Some(at) = rest.iter().position(|&b| b == b'%') {
        let decoded = rest
            .get(at + 1..at + 3)
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match decoded {
            Some(b) if !dangerous(b) => rest = &rest[at + 3..],
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_exists_in_both_languages() {
        let read = |name: &str| -> HashMap<String, String> {
            serde_json::from_slice(&Translations::get(name).unwrap().data).unwrap()
        };
        let (zh, en) = (read("zh.json"), read("en.json"));
        let mut missing: Vec<_> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
        missing.extend(en.keys().filter(|k| !zh.contains_key(*k)));
        assert!(missing.is_empty(), "messages missing in one language: {missing:?}");
    }

    #[test]
    fn html_escaping_covers_text_and_quoted_attributes() {
        assert_eq!(escape_html(r#"<a href="x">R&D</a>"#), "&lt;a href=&quot;x&quot;&gt;R&amp;D&lt;/a&gt;");
        assert_eq!(escape_html("数控 & 机电"), "数控 &amp; 机电");
    }

    #[test]
    fn templates_compile() {
        Web::load().unwrap();
    }

    #[test]
    fn next_must_stay_on_this_site() {
        let followed =
            ["/org", "/postings/12", "/search?q=%E6%95%B0%E6%8E%A7&kind=job", "/rounds/3?tab=results#places", "/a:b"];
        for path in followed {
            assert_eq!(safe_next(Some(path)), path, "{path:?} is a page of this site");
        }
        let refused = [
            "https://evil.example",
            "http:/evil.example",
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/x\\..\\..\\evil",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\u{0}/evil",
            "/ /evil.example",
            "/\u{3000}/evil.example",
            "/%2F%2Fevil.example",
            "/%2f%2fevil.example",
            "/%5Cevil.example",
            "/%5cevil.example",
            "/%252F%252Fevil.example",
            "/%09/evil.example",
            "/%0A",
            "/%40evil.example",
            "/%zz",
            "/%",
            "/@evil.example",
            "/org@evil.example",
            "evil.example",
            "",
            " /org",
        ];
        for path in refused {
            assert_eq!(safe_next(Some(path)), "/org", "{path:?} must not be followed");
        }
        assert_eq!(safe_next(Some(&format!("/{}", "a".repeat(MAX_NEXT)))), "/org", "too long");
        assert_eq!(safe_next(None), "/org");
    }
}
