//! National and local reference data, embedded in the binary: the program catalogues (职业教育专业目录
//! 2021, 普通高等学校本科专业目录 2024), the occupation classification (职业分类大典 2022: codes, names and
//! aliases only), Shaoxing's industry clusters and its plan targets for 2024.
//!
//! This module owns parsing those files once (lazily, on first use), the validated code types that
//! postings carry ([`ProgramCode`], [`OccupationCode`], [`ClusterId`]) and the searches behind form
//! pickers. It reads no file at run time: the data is compiled in with `include_str!`. The parts of
//! the national data that may not be copied (occupation definitions and tasks, program profiles,
//! the crosswalk) are loaded into the database by the API layer instead and are not known here.

mod clusters;
mod initials;
mod occupations;
mod programs;

pub use clusters::{ClusterGroup, ClusterId, IndustryCluster, PlanTarget, clusters, plan_targets};
pub use occupations::{Occupation, OccupationCode, occupations, search_occupations};
pub use programs::{Program, ProgramClass, ProgramCode, program_classes, programs, programs_in_class, search_programs};

/// Splits one line of the embedded CSV files into fields. The files are plain RFC 4180: a field is
/// quoted only when it contains a comma, and a quote inside a quoted field is doubled. No field of
/// the embedded files spans lines, so a line is a record.
pub(crate) fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// The records of an embedded CSV file as maps from header to field, so parsers name columns
/// rather than count them. Panics on a malformed file: the files are part of the build and a test
/// loads every one of them.
fn csv_records(text: &'static str) -> impl Iterator<Item = Record> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = csv_fields(lines.next().expect("embedded CSV has a header"));
    lines.map(move |line| {
        let fields = csv_fields(line);
        assert_eq!(fields.len(), header.len(), "embedded CSV line has the wrong number of fields: {line}");
        Record { header: header.clone(), fields }
    })
}

struct Record {
    header: Vec<String>,
    fields: Vec<String>,
}

impl Record {
    fn get(&self, column: &str) -> &str {
        let index = self.header.iter().position(|h| h == column);
        let index = index.unwrap_or_else(|| panic!("embedded CSV has no column {column}"));
        self.fields[index].trim()
    }
}

/// A search query as pickers send it: trimmed, ASCII letters lower-cased, so that "SK" and "sk"
/// find the same programs.
fn normalize_query(query: &str) -> String {
    query.trim().to_ascii_lowercase()
}

/// How well an entry matched a query; lower is better. Entries with the same rank keep catalogue
/// order, which puts a program's own category next to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum MatchRank {
    ExactCode,
    CodePrefix,
    ExactName,
    NamePrefix,
    NameContains,
    Alias,
    InitialsPrefix,
    InitialsContain,
}

/// Keeps the `limit` best-ranked entries, best first, catalogue order among equals.
fn best<T>(mut ranked: Vec<(MatchRank, usize, T)>, limit: usize) -> Vec<T> {
    ranked.sort_by_key(|(rank, index, _)| (*rank, *index));
    ranked.into_iter().take(limit).map(|(_, _, item)| item).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_quoted_fields_with_commas_and_quotes() {
        assert_eq!(csv_fields("a,b,,c"), ["a", "b", "", "c"]);
        assert_eq!(csv_fields(r#"4,1-06,"董事,副总裁","say ""hi""""#), ["4", "1-06", "董事,副总裁", r#"say "hi""#]);
    }

    #[test]
    fn every_embedded_file_loads() {
        assert_eq!(programs().len(), 358 + 744 + 247 + 812);
        assert!(occupations().len() > 2000);
        assert_eq!(clusters().len(), 12);
        assert_eq!(plan_targets().len(), 11);
    }
}
