//! Highlighted titles and snippets: matched terms in `<mark>`, everything else HTML-escaped, so
//! a title of `<script>` comes out as `&lt;script&gt;` and the markup can be inserted as is.
//!
//! Tantivy's [`SnippetGenerator`] finds the matched terms (those of the query in that field,
//! synonyms included, so a search for CNC marks 数控) and the best passage, using the field's own
//! analyser; the markup is rendered here, so escaping is in one place.

use std::ops::Range;

use tantivy::Searcher;
use tantivy::query::Query;
use tantivy::snippet::{Snippet, SnippetGenerator};

use crate::error::Result;
use crate::schema::Fields;

/// Bytes of description in a snippet: about 80 Chinese characters.
const SNIPPET_BYTES: usize = 240;

pub(crate) struct Highlighter {
    title: Option<SnippetGenerator>,
    description: Option<SnippetGenerator>,
}

impl Highlighter {
    /// Highlights the terms of `query`; with no query, texts are only escaped.
    pub(crate) fn new(searcher: &Searcher, query: Option<&dyn Query>, fields: &Fields) -> Result<Self> {
        let Some(query) = query else { return Ok(Highlighter { title: None, description: None }) };
        let mut title = SnippetGenerator::create(searcher, query, fields.title)?;
        // The whole title is one fragment.
        title.set_max_num_chars(usize::MAX / 2);
        let mut description = SnippetGenerator::create(searcher, query, fields.description)?;
        description.set_max_num_chars(SNIPPET_BYTES);
        Ok(Highlighter { title: Some(title), description: Some(description) })
    }

    /// The whole title with its matches marked.
    pub(crate) fn title_html(&self, title: &str) -> String {
        match self.title.as_ref().map(|g| g.snippet(title)) {
            Some(snippet) if !snippet.is_empty() => render(title, &absolute(&snippet)),
            _ => escape_html(title),
        }
    }

    /// The best passage of the description with its matches marked, or its beginning; an
    /// ellipsis where text was cut.
    pub(crate) fn snippet_html(&self, description: &str) -> String {
        let (range, marks) = match self.description.as_ref().map(|g| g.snippet(description)) {
            Some(snippet) if !snippet.is_empty() => (snippet.fragment_range(), absolute(&snippet)),
            _ => (0..crate::pinyin::truncate(description, SNIPPET_BYTES).len(), Vec::new()),
        };
        let mut html = String::new();
        if range.start > 0 {
            html.push('…');
        }
        let marks: Vec<Range<usize>> = marks.into_iter().map(|m| m.start - range.start..m.end - range.start).collect();
        html.push_str(&render(&description[range.clone()], &marks));
        if range.end < description.trim_end().len() {
            html.push('…');
        }
        html
    }
}

/// The snippet's marks as byte ranges of the text it was made from.
fn absolute(snippet: &Snippet) -> Vec<Range<usize>> {
    let start = snippet.fragment_range().start;
    snippet.highlighted().iter().map(|r| r.start + start..r.end + start).collect()
}

/// `text` escaped, with the byte ranges `marks` (overlapping or not) in `<mark>`.
pub(crate) fn render(text: &str, marks: &[Range<usize>]) -> String {
    let mut marks: Vec<Range<usize>> =
        marks.iter().filter(|m| m.start < m.end && m.end <= text.len()).cloned().collect();
    marks.sort_by_key(|m| (m.start, m.end));
    let mut merged: Vec<Range<usize>> = Vec::new();
    for mark in marks {
        match merged.last_mut() {
            Some(last) if mark.start <= last.end => last.end = last.end.max(mark.end),
            _ => merged.push(mark),
        }
    }
    let mut html = String::with_capacity(text.len() + 16);
    let mut at = 0;
    for mark in merged {
        if !text.is_char_boundary(mark.start) || !text.is_char_boundary(mark.end) {
            continue;
        }
        html.push_str(&escape_html(&text[at..mark.start]));
        html.push_str("<mark>");
        html.push_str(&escape_html(&text[mark.clone()]));
        html.push_str("</mark>");
        at = mark.end;
    }
    html.push_str(&escape_html(&text[at..]));
    html
}

/// Text safe inside HTML elements and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_merged_and_everything_else_escaped() {
        let text = "<b>数控</b> & CNC";
        let start = text.find("数控").unwrap();
        let cnc = text.find("CNC").unwrap();
        let html = render(text, &[start..start + 3, start..start + 6, cnc..cnc + 3]);
        assert_eq!(html, "&lt;b&gt;<mark>数控</mark>&lt;/b&gt; &amp; <mark>CNC</mark>");
        assert_eq!(escape_html("\"'"), "&quot;&#39;");
        assert_eq!(render("abc", &[5..9, Range { start: 2, end: 1 }]), "abc");
    }
}
