//! What a public page says about itself to search engines and to the apps that draw share cards
//! from a link (WeChat, Weibo, others reading Open Graph): a canonical address, a title, a short
//! description and the site's logo.
//!
//! Addresses are built from the configured `public_url`, never from the request's `Host` header,
//! which the caller chooses. The canonical address keeps only what makes the page what it is:
//! the path, the query that selects its content (a search's text), and `?lang=en` exactly when
//! the page is in English; Chinese is the default and has no parameter. Session-specific
//! parameters (a cursor, facets, `next`) are left out, so every share of a page names one URL.

use serde::Serialize;

use crate::services::organizations::Organization;
use crate::services::postings::Posting;
use crate::web::{Lang, Localized, escape_html, url_encode};

/// The logo share cards show, 600×600 (apps want at least 300×300).
pub const LOGO: &str = "/static/logo.png";

/// The longest description, in characters: search engines show about this much, and WeChat's
/// card less.
pub const DESCRIPTION_CHARS: usize = 120;

/// What kind of thing a page is, for `og:type`.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ShareKind {
    /// A site-level page: the home page, search, an organization's profile.
    Website,
    /// One posting.
    Article,
}

/// The share metadata of one page, rendered into `<head>` by `base.html`.
#[derive(Debug, Clone, Serialize)]
pub struct Share {
    pub title: String,
    pub description: String,
    /// The canonical absolute address, also `og:url`.
    pub url: String,
    pub kind: ShareKind,
    /// The absolute address of the logo, `og:image`.
    pub image: String,
    /// `url` and `image` escaped for an attribute, printed as they are: the template engine
    /// would also escape every `/`, which is valid HTML but unreadable to people checking a
    /// page's source and to naive share-card scrapers.
    pub url_attr: String,
    pub image_attr: String,
}

impl Share {
    /// `path` is the page's own path (`/postings/12`); `query` the parameters that select its
    /// content, in order (empty values are dropped).
    pub fn new(
        base: &str,
        lang: Lang,
        path: &str,
        query: &[(&str, &str)],
        kind: ShareKind,
        title: String,
        description: &str,
    ) -> Share {
        let url = canonical(base, lang, path, query);
        let image = format!("{base}{LOGO}");
        Share {
            url_attr: escape_html(&url),
            image_attr: escape_html(&image),
            url,
            title,
            description: summary(description, DESCRIPTION_CHARS),
            kind,
            image,
        }
    }
}

/// The share cards of the public pages, worded in the page's language.
impl Share {
    /// The home page.
    pub fn home(base: &str, lang: Lang) -> Share {
        let title = lang.pick("绍兴产教融合平台", "Shaoxing industry–education platform");
        let description = lang.pick(
            "企业发布岗位、学徒、订单班和实训需求，学校发布专业、毕业生和实训资源：搜索、对接、合作。",
            "Enterprises post jobs, apprenticeships and training needs; schools post programs, graduates and \
             training resources: search, match, cooperate.",
        );
        Share::new(base, lang, "/", &[], ShareKind::Website, title, &description)
    }

    /// The search page for the text `q` (trimmed), with the number of results.
    pub fn search(base: &str, lang: Lang, q: &str, total: u64) -> Share {
        let title = if q.is_empty() {
            lang.pick("搜索岗位、专业与合作需求", "Search offers and needs")
        } else {
            format!("{q} · {}", lang.pick("搜索", "Search"))
        };
        let description = lang.pick(
            &format!("绍兴产教融合平台上{total}条已发布的岗位、学徒、专业与合作信息。"),
            &format!("{total} published jobs, apprenticeships, programs and cooperation offers in Shaoxing."),
        );
        Share::new(base, lang, "/search", &[("q", q)], ShareKind::Website, title, &description)
    }

    /// An organization's public profile, with how many postings it has published.
    pub fn organization(base: &str, lang: Lang, org: &Organization, total: u64) -> Share {
        let (name, region) = (&org.name, &org.region_name);
        let description = lang.pick(
            &format!("{name}（{region}）在绍兴产教融合平台上发布的{total}条信息。"),
            &format!("{name} ({region}): {total} postings published on the Shaoxing industry–education platform."),
        );
        let path = format!("/organizations/{}", org.id);
        Share::new(base, lang, &path, &[], ShareKind::Website, name.clone(), &description)
    }

    /// A posting: its title and organization, then its kind, region and the start of its
    /// description.
    pub fn posting(base: &str, lang: Lang, posting: &Posting) -> Share {
        let p = &posting.posting;
        let title = format!("{} · {}", p.title.as_str(), posting.organization_name);
        let mut description =
            format!("{} · {} · {}", p.kind.label(lang), posting.organization_name, posting.region_name);
        let text = p.description.as_str();
        if !text.trim().is_empty() {
            description = format!("{description} · {text}");
        }
        let path = format!("/postings/{}", posting.id);
        Share::new(base, lang, &path, &[], ShareKind::Article, title, &description)
    }
}

/// The canonical absolute address of a page (see the module's documentation).
pub fn canonical(base: &str, lang: Lang, path: &str, query: &[(&str, &str)]) -> String {
    let mut pairs: Vec<String> = query
        .iter()
        .map(|(k, v)| (k, v.trim()))
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", url_encode(v)))
        .collect();
    if lang == Lang::En {
        pairs.push("lang=en".to_owned());
    }
    if pairs.is_empty() { format!("{base}{path}") } else { format!("{base}{path}?{}", pairs.join("&")) }
}

/// The text with its whitespace collapsed, cut to `max` characters (an ellipsis marks a cut).
pub fn summary(text: &str, max: usize) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= max {
        return collapsed;
    }
    let mut cut: String = collapsed.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_addresses_keep_the_content_and_the_english_choice_only() {
        let base = "https://chanjiao.example.cn";
        assert_eq!(canonical(base, Lang::Zh, "/postings/7", &[]), "https://chanjiao.example.cn/postings/7");
        assert_eq!(canonical(base, Lang::En, "/postings/7", &[]), "https://chanjiao.example.cn/postings/7?lang=en");
        assert_eq!(
            canonical(base, Lang::Zh, "/search", &[("q", " 数控 "), ("kind", "")]),
            "https://chanjiao.example.cn/search?q=%E6%95%B0%E6%8E%A7"
        );
    }

    #[test]
    fn descriptions_are_bounded_in_characters_not_bytes() {
        assert_eq!(summary("  数控\n\n车工  学徒 ", 20), "数控 车工 学徒");
        let long = "数".repeat(500);
        let cut = summary(&long, DESCRIPTION_CHARS);
        assert_eq!(cut.chars().count(), DESCRIPTION_CHARS);
        assert!(cut.ends_with('…'));
    }
}
