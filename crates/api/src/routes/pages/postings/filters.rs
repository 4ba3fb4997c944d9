//! The filter bar of the postings list: its choices, the filters in force as removable chips
//! (on a phone the bar is folded behind a "筛选" toggle and the chips are what shows), and the
//! query string that pagination and exports carry on.

use chanjiao_domain::posting::{PostingKind, PostingStatus};
use chanjiao_domain::reference::clusters;
use chanjiao_domain::region;
use serde::Serialize;

use crate::services::postings::ListQuery;
use crate::web::{Coded, Labelled, Lang, options};

/// A county as a choice of the filter bar.
#[derive(Serialize)]
pub(super) struct RegionOption {
    value: String,
    label: String,
}

/// The choices of the filter bar.
#[derive(Serialize)]
pub(super) struct FilterOptions {
    kinds: Vec<Labelled>,
    regions: Vec<RegionOption>,
    clusters: Vec<Labelled>,
    statuses: Vec<Labelled>,
}

impl FilterOptions {
    pub(super) fn new(lang: Lang) -> Self {
        FilterOptions {
            kinds: options(PostingKind::ALL, lang),
            regions: region::children(region::SHAOXING)
                .into_iter()
                .map(|r| RegionOption { value: r.code.clone(), label: r.name.clone() })
                .collect(),
            clusters: clusters().iter().map(|c| c.id.labelled(lang)).collect(),
            statuses: options(PostingStatus::ALL, lang),
        }
    }
}

/// The current query string without the cursor, for pagination and export links.
pub(super) fn query_without_cursor(query: &ListQuery) -> String {
    let pairs = [
        ("kind", &query.kind),
        ("side", &query.side),
        ("status", &query.status),
        ("region", &query.region),
        ("cluster", &query.cluster),
        ("organization", &query.organization),
    ];
    pairs
        .iter()
        .filter_map(|(k, v)| {
            v.as_deref().filter(|v| !v.is_empty()).map(|v| format!("{k}={}", crate::web::url_encode(v)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A filter in force: what it is, by name, and the link to the list without it.
#[derive(Debug, Serialize)]
pub(super) struct Chip {
    label: String,
    href: String,
}

/// The filters in force, each labelled with the name its choice has in the filter bar (a code
/// nobody reads is shown as typed). Status is a filter only when it is not the default.
pub(super) fn chips(query: &ListQuery, options: &FilterOptions) -> Vec<Chip> {
    let label_of = |choices: &[Labelled], value: &str| {
        choices.iter().find(|o| o.value == value).map_or_else(|| value.to_owned(), |o| o.label.to_owned())
    };
    let region_of = |value: &str| {
        options.regions.iter().find(|o| o.value == value).map_or_else(|| value.to_owned(), |o| o.label.clone())
    };
    let set = |value: &Option<String>| value.as_deref().filter(|v| !v.is_empty()).map(str::to_owned);
    let mut chips = Vec::new();
    let mut push = |label: Option<String>, without: ListQuery| {
        if let Some(label) = label {
            let rest = query_without_cursor(&without);
            chips.push(Chip {
                label,
                href: if rest.is_empty() { "/postings".into() } else { format!("/postings?{rest}") },
            });
        }
    };
    push(set(&query.kind).map(|v| label_of(&options.kinds, &v)), ListQuery { kind: None, ..query.clone() });
    push(set(&query.region).map(|v| region_of(&v)), ListQuery { region: None, ..query.clone() });
    push(set(&query.cluster).map(|v| label_of(&options.clusters, &v)), ListQuery { cluster: None, ..query.clone() });
    let status = set(&query.status).filter(|v| v != PostingStatus::Published.as_str());
    push(status.map(|v| label_of(&options.statuses, &v)), ListQuery { status: None, ..query.clone() });
    chips
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::Localized;

    #[test]
    fn each_filter_in_force_is_a_chip_named_as_the_bar_names_it_linking_to_the_list_without_it() {
        let options = FilterOptions::new(Lang::Zh);
        let query = ListQuery {
            kind: Some(PostingKind::Job.as_str().into()),
            region: Some("330603".into()),
            status: Some("published".into()),
            cursor: Some("abc".into()),
            ..ListQuery::default()
        };
        let chips = chips(&query, &options);
        assert_eq!(chips.len(), 2, "{chips:?}");
        assert_eq!(chips[0].label, PostingKind::Job.label(Lang::Zh));
        assert_eq!(chips[0].href, "/postings?status=published&region=330603");
        assert_eq!(chips[1].label, "柯桥区");
        assert_eq!(chips[1].href, "/postings?kind=job&status=published");
        let unknown = ListQuery { cluster: Some("nonsense".into()), ..ListQuery::default() };
        assert_eq!(super::chips(&unknown, &options)[0].label, "nonsense");
        assert_eq!(super::chips(&unknown, &options)[0].href, "/postings");
    }
}
