//! Everything users see: templates, translations and static assets, embedded from `web/` at
//! build time, and the helpers that render pages and HTML error pages.

mod assets;
mod lang;
mod page;

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
pub use page::Page;

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
        let body = state.web.render("error.html", lang, ctx).unwrap_or_else(|e| {
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

/// Percent-encodes a string for use in a query parameter.
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
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => path.to_owned(),
        _ => "/org".to_owned(),
    }
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
    fn templates_compile() {
        Web::load().unwrap();
    }

    #[test]
    fn next_must_stay_on_this_site() {
        assert_eq!(safe_next(Some("/org")), "/org");
        assert_eq!(safe_next(Some("//evil.example")), "/org");
        assert_eq!(safe_next(Some("https://evil.example")), "/org");
        assert_eq!(safe_next(None), "/org");
    }
}
