//! The occupation classification of 2022 (中华人民共和国职业分类大典（2022年版）): codes, names and
//! the aliases recruiters use, in four levels — 大类 (1), 中类 (2), 小类 (3), 细类 (4, the
//! occupations proper).
//!
//! Only codes, names and aliases are embedded; definitions and tasks are loaded into the database
//! at run time (see the data README). Names in the source carry the classification's marks for
//! green (L) and digital (S) occupations as a suffix ("地理信息系统工程技术人员L/S"); they become
//! flags here, so names read as printed in text.

use crate::error::Text;
use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

use serde::Serialize;

use super::initials::{Initials, is_initials_query};
use super::{MatchRank, best, csv_records, normalize_query};
use crate::error::Invalid;

const OCCUPATIONS_CSV: &str = include_str!("../../data/occupations_2022.csv");

/// An occupation or group of the classification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Occupation {
    pub code: OccupationCode,
    /// 1 大类, 2 中类, 3 小类, 4 细类 (an occupation).
    pub level: u8,
    pub name: String,
    /// Other names in use, mostly from recruitment sites ("PLC工程师" for 自动控制工程技术人员).
    pub aliases: Vec<String>,
    /// The nearest group above, `None` for the eight 大类.
    pub parent: Option<OccupationCode>,
    /// 绿色职业 (marked L in the classification).
    pub green: bool,
    /// 数字职业 (marked S in the classification).
    pub digital: bool,
}

struct Classification {
    occupations: Vec<Occupation>,
    initials: Vec<Initials>,
    by_code: HashMap<String, usize>,
}

static CLASSIFICATION: LazyLock<Classification> = LazyLock::new(|| {
    let mut occupations: Vec<Occupation> = Vec::new();
    let mut by_code: HashMap<String, usize> = HashMap::new();
    for record in csv_records(OCCUPATIONS_CSV) {
        let code = record.get("code").to_owned();
        assert!(well_formed(&code), "embedded occupation code {code} is malformed");
        let level: u8 = record.get("level").parse().expect("embedded occupation level is a number");
        assert!((1..=4).contains(&level), "embedded occupation level {level} is out of range");
        let raw_name = record.get("name");
        let (name, green, digital) = strip_marks(raw_name);
        let mut aliases: Vec<String> = Vec::new();
        for alias in record.get("alias").split(',').map(str::trim) {
            if !alias.is_empty() && alias != raw_name && alias != name && !aliases.iter().any(|a| a == alias) {
                aliases.push(alias.to_owned());
            }
        }
        let occupation = Occupation {
            code: OccupationCode(code.clone()),
            level,
            name: name.to_owned(),
            aliases,
            parent: None,
            green,
            digital,
        };
        // The source lists a few codes twice: exact repeats, and 2-03-01-00 both as a 小类 and as
        // a 细类, because that group has no occupations of its own and is one. Keep the deepest.
        match by_code.get(&code) {
            Some(&index) if occupations[index].level >= level => {}
            Some(&index) => occupations[index] = occupation,
            None => {
                by_code.insert(code, occupations.len());
                occupations.push(occupation);
            }
        }
    }
    let mut parents = Vec::with_capacity(occupations.len());
    for occupation in &mut occupations {
        let parent = ancestors(occupation.code.as_str()).find(|a| by_code.contains_key(a));
        parents.push(parent.as_ref().map(|p| by_code[p]));
        occupation.parent = parent.map(OccupationCode);
    }
    // The source marks 6-20-03-00 (金属加工机械制造人员), a 小类 with three occupations of its own,
    // as a 细类. A group with entries below it sits above them, whatever its row says.
    let mut corrected = true;
    while corrected {
        corrected = false;
        for (index, parent) in parents.iter().enumerate() {
            if let Some(parent) = *parent
                && occupations[parent].level >= occupations[index].level
            {
                occupations[parent].level = occupations[index].level - 1;
                corrected = true;
            }
        }
    }
    let initials = occupations.iter().map(|o| Initials::of(&o.name)).collect();
    Classification { occupations, initials, by_code }
});

/// Splits the classification's trailing marks off a name: L green, S digital, L/S both.
fn strip_marks(name: &str) -> (&str, bool, bool) {
    for (suffix, green, digital) in [("L/S", true, true), ("L", true, false), ("S", false, true)] {
        if let Some(stem) = name.strip_suffix(suffix) {
            return (stem, green, digital);
        }
    }
    (name, false, false)
}

/// `6-18-01-01`: one digit, then three pairs, dash-separated.
fn well_formed(code: &str) -> bool {
    let bytes = code.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| if [1, 4, 7].contains(&i) { *b == b'-' } else { b.is_ascii_digit() })
}

/// The codes of the groups above `code`, nearest first: 6-18-01-01 → 6-18-01-00, 6-18-00-00, 6-00-00-00.
fn ancestors(code: &str) -> impl Iterator<Item = String> + '_ {
    [7, 4, 1].into_iter().filter_map(move |cut| {
        let ancestor = format!("{}{}", &code[..cut], &"-00-00-00"[..10 - cut]);
        (ancestor != code).then_some(ancestor)
    })
}

/// A code of the 2022 occupation classification, always of the form `6-18-01-01`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct OccupationCode(String);

impl OccupationCode {
    /// Accepts the dashed form (`6-18-01-01`) or its seven digits (`6180101`, as spreadsheets
    /// often store it).
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(Invalid::Required);
        }
        let code = if raw.len() == 7 && raw.bytes().all(|b| b.is_ascii_digit()) {
            format!("{}-{}-{}-{}", &raw[..1], &raw[1..3], &raw[3..5], &raw[5..])
        } else {
            raw.to_owned()
        };
        if !well_formed(&code) {
            return Err(Invalid::Format(Text::new("an occupation code like 6-18-01-01", "职业代码，如 6-18-01-01")));
        }
        if CLASSIFICATION.by_code.contains_key(&code) {
            Ok(OccupationCode(code))
        } else {
            Err(Invalid::UnknownOccupation(code))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn occupation(&self) -> &'static Occupation {
        let classification = &*CLASSIFICATION;
        &classification.occupations[classification.by_code[&self.0]]
    }

    pub fn name(&self) -> &'static str {
        &self.occupation().name
    }
}

impl fmt::Display for OccupationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Every entry of the classification, groups and occupations, in classification order.
pub fn occupations() -> &'static [Occupation] {
    &CLASSIFICATION.occupations
}

/// Occupations for a picker: by code prefix (with or without dashes), name, alias, or pinyin
/// initials of the name, best matches first. An empty query lists the classification.
pub fn search_occupations(query: &str, limit: usize) -> Vec<&'static Occupation> {
    let query = normalize_query(query);
    let classification = &*CLASSIFICATION;
    let is_code = !query.is_empty() && query.bytes().all(|b| b.is_ascii_digit() || b == b'-');
    let digits: String = query.chars().filter(char::is_ascii_digit).collect();
    let initials = is_initials_query(&query);
    let ranked = classification
        .occupations
        .iter()
        .enumerate()
        .filter_map(|(index, occupation)| {
            let code_digits: String = occupation.code.as_str().chars().filter(char::is_ascii_digit).collect();
            let name = occupation.name.to_ascii_lowercase();
            let name = name.as_str();
            let rank = if query.is_empty() {
                MatchRank::NameContains
            } else if is_code && code_digits == digits {
                MatchRank::ExactCode
            } else if is_code && !digits.is_empty() && code_digits.starts_with(&digits) {
                MatchRank::CodePrefix
            } else if name == query {
                MatchRank::ExactName
            } else if name.starts_with(&query) {
                MatchRank::NamePrefix
            } else if name.contains(&query) {
                MatchRank::NameContains
            } else if occupation.aliases.iter().any(|a| a.to_ascii_lowercase().contains(&query)) {
                MatchRank::Alias
            } else {
                match classification.initials[index].find(&query).filter(|_| initials) {
                    Some(0) => MatchRank::InitialsPrefix,
                    Some(_) => MatchRank::InitialsContain,
                    None => return None,
                }
            };
            Some((rank, index, occupation))
        })
        .collect();
    best(ranked, limit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn loads_four_levels_with_parents() {
        let all = occupations();
        assert_eq!(all.iter().filter(|o| o.level == 1).count(), 8);
        let codes: std::collections::HashSet<&str> = all.iter().map(|o| o.code.as_str()).collect();
        assert_eq!(codes.len(), all.len(), "codes are unique after loading");
        for occupation in all {
            match &occupation.parent {
                None => assert_eq!(occupation.level, 1, "{}", occupation.code),
                Some(parent) => assert!(parent.occupation().level < occupation.level, "{}", occupation.code),
            }
        }
    }

    #[test]
    fn parses_dashed_and_digit_codes() {
        let code = OccupationCode::parse("6-18-01-01").unwrap();
        assert_eq!(OccupationCode::parse("6180101").unwrap(), code);
        let occupation = code.occupation();
        assert_eq!(occupation.level, 4);
        assert_eq!(occupation.parent.as_ref().unwrap().as_str(), "6-18-01-00");
        assert_eq!(
            OccupationCode::parse("1-01-00-01").unwrap().occupation().parent.as_ref().unwrap().as_str(),
            "1-01-00-00"
        );
    }

    #[test]
    fn rejects_malformed_and_unknown_codes() {
        assert_eq!(OccupationCode::parse(" "), Err(Invalid::Required));
        for bad in ["6-18-01", "6-18-01-1a", "61801011", "车工"] {
            assert!(matches!(OccupationCode::parse(bad), Err(Invalid::Format(_))), "{bad}");
        }
        assert_eq!(OccupationCode::parse("9-99-99-99"), Err(Invalid::UnknownOccupation("9-99-99-99".into())));
    }

    #[test]
    fn a_group_with_occupations_below_it_is_a_group() {
        let group = OccupationCode::parse("6-20-03-00").unwrap().occupation();
        assert_eq!(group.level, 3);
        assert_eq!(OccupationCode::parse("6-20-03-01").unwrap().occupation().parent.as_ref(), Some(&group.code));
    }

    #[test]
    fn keeps_the_deepest_of_a_repeated_code() {
        let soil = OccupationCode::parse("2-03-01-00").unwrap().occupation();
        assert_eq!(soil.level, 4);
        assert_eq!(soil.name, "土壤肥料技术人员");
    }

    #[test]
    fn turns_green_and_digital_marks_into_flags() {
        let gis = OccupationCode::parse("2-02-02-07").unwrap().occupation();
        assert_eq!(gis.name, "地理信息系统工程技术人员");
        assert!(gis.green && gis.digital);
        assert_eq!(gis.aliases, ["GIS工程师"]);
        let software = OccupationCode::parse("2-02-10-03").unwrap().occupation();
        assert!(software.digital && !software.green);
        assert!(!software.name.ends_with('S'));
    }

    #[test]
    fn searches_by_code_name_alias_and_initials() {
        assert_eq!(search_occupations("6-18-01-01", 3)[0].code.as_str(), "6-18-01-01");
        assert!(search_occupations("61801", 20).iter().all(|o| o.code.as_str().starts_with("6-18-01")));
        assert_eq!(search_occupations("PLC工程师", 3)[0].code.as_str(), "2-02-07-07");
        assert_eq!(search_occupations("plc", 3)[0].code.as_str(), "2-02-07-07", "aliases match in any case");
        let welders = search_occupations("焊工", 5);
        assert!(welders.iter().any(|o| o.name == "焊工"));
        let by_initials = search_occupations("hg", 50);
        assert!(by_initials.iter().any(|o| o.name == "焊工"));
    }

    proptest! {
        #[test]
        fn every_code_parses_in_both_forms(index in 0..occupations().len()) {
            let occupation = &occupations()[index];
            let code = occupation.code.as_str();
            let digits: String = code.chars().filter(char::is_ascii_digit).collect();
            prop_assert_eq!(OccupationCode::parse(code).unwrap().occupation(), occupation);
            prop_assert_eq!(OccupationCode::parse(&digits).unwrap().occupation(), occupation);
        }

        #[test]
        fn search_respects_the_limit(query in "[a-z0-9\\-\\u{4e00}-\\u{4e20}]{0,4}", limit in 0usize..30) {
            prop_assert!(search_occupations(&query, limit).len() <= limit);
        }
    }
}
