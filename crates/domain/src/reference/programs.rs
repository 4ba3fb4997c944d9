//! The national program catalogues: 职业教育专业目录（2021年） for 中职, 高职专科 and 职教本科, and
//! 普通高等学校本科专业目录（2024年） for 普通本科.
//!
//! A program code names exactly one program of one level: the first digit of the code encodes
//! the level (6–7 中职, 4–5 高职专科, 2–3 职教本科, 0–1 普通本科), so the same name at two levels
//! (园艺技术 is taught at 中职 and 高职) has two codes. Loading checks this, so lookups by code
//! return one program.

use crate::error::Text;
use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

use serde::Serialize;

use super::initials::{Initials, is_initials_query};
use super::{MatchRank, best, csv_records, normalize_query};
use crate::error::Invalid;
use crate::organization::SchoolLevel;

const VOCATIONAL_CSV: &str = include_str!("../../data/program_catalog_2021.csv");
const UNDERGRADUATE_CSV: &str = include_str!("../../data/program_catalog_undergraduate_2024.csv");

/// A program of the national catalogues.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Program {
    pub code: ProgramCode,
    pub name: String,
    pub level: SchoolLevel,
    /// The 专业类, e.g. 4601 装备制造大类 › 机械设计制造类.
    pub class_code: String,
    pub class_name: String,
    /// The 专业大类 (vocational) or 学科门类 (undergraduate).
    pub category_code: String,
    pub category_name: String,
}

/// A class of programs (专业类) at one level, for pickers that browse before they search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgramClass {
    pub code: String,
    pub name: String,
    pub level: SchoolLevel,
    pub category_code: String,
    pub category_name: String,
}

struct Catalogue {
    programs: Vec<Program>,
    initials: Vec<Initials>,
    by_code: HashMap<String, usize>,
    /// Codes without their letter suffix (520101 for 520101K): the six digits are unique too, and
    /// older documents, such as the crosswalk, often drop the letter.
    by_digits: HashMap<String, usize>,
    classes: Vec<ProgramClass>,
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    let mut catalogue = Catalogue {
        programs: Vec::new(),
        initials: Vec::new(),
        by_code: HashMap::new(),
        by_digits: HashMap::new(),
        classes: Vec::new(),
    };
    for record in csv_records(VOCATIONAL_CSV).chain(csv_records(UNDERGRADUATE_CSV)) {
        let level = match record.get("educationLevel") {
            "VOCATIONAL_SECONDARY" => SchoolLevel::Zhongzhi,
            "VOCATIONAL_ASSOCIATE" => SchoolLevel::GaozhiZhuanke,
            "VOCATIONAL_BACHELOR" => SchoolLevel::GaozhiBenke,
            "UNDERGRADUATE" => SchoolLevel::PutongBenke,
            other => panic!("embedded program catalogue has an unknown level {other}"),
        };
        let class = ProgramClass {
            code: record.get("classCode").to_owned(),
            name: record.get("className").to_owned(),
            level,
            category_code: record.get("categoryCode").to_owned(),
            category_name: record.get("categoryName").to_owned(),
        };
        match record.get("itemLevel") {
            "CATEGORY" => {}
            "CLASS" => catalogue.classes.push(class),
            "MAJOR" => {
                let code = record.get("majorCode").to_owned();
                assert!(well_formed(&code), "embedded program code {code} is malformed");
                let index = catalogue.programs.len();
                let duplicate = catalogue.by_code.insert(code.clone(), index).is_some()
                    | catalogue.by_digits.insert(code[..6].to_owned(), index).is_some();
                assert!(!duplicate, "embedded program code {code} is not unique");
                let name = record.get("majorName").to_owned();
                catalogue.initials.push(Initials::of(&name));
                catalogue.programs.push(Program {
                    code: ProgramCode(code),
                    name,
                    level,
                    class_code: class.code,
                    class_name: class.name,
                    category_code: class.category_code,
                    category_name: class.category_name,
                });
            }
            other => panic!("embedded program catalogue has an unknown item level {other}"),
        }
    }
    catalogue
});

/// Six digits and at most two capital letters (T: 特设专业, K: 国家控制布点专业).
fn well_formed(code: &str) -> bool {
    let bytes = code.as_bytes();
    (6..=8).contains(&bytes.len())
        && bytes[..6].iter().all(u8::is_ascii_digit)
        && bytes[6..].iter().all(u8::is_ascii_uppercase)
}

/// A code of a program in the national catalogues, as printed there (`460103`, `520101K`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ProgramCode(String);

impl ProgramCode {
    /// Accepts a catalogue code in any letter case. Six digits alone also name a program whose
    /// code carries a letter (`520101` is `520101K`), because the digits are unique; a wrong letter
    /// is rejected.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let code = raw.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(Invalid::Required);
        }
        if !well_formed(&code) {
            return Err(Invalid::Format(Text::new(
                "a catalogue program code like 460103 or 520101K",
                "专业目录代码，如 460103 或 520101K",
            )));
        }
        let catalogue = &*CATALOGUE;
        let index = if code.len() == 6 { catalogue.by_digits.get(&code) } else { catalogue.by_code.get(&code) };
        match index {
            Some(&index) => Ok(catalogue.programs[index].code.clone()),
            None => Err(Invalid::UnknownProgram(code)),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn program(&self) -> &'static Program {
        let catalogue = &*CATALOGUE;
        &catalogue.programs[catalogue.by_code[&self.0]]
    }

    pub fn level(&self) -> SchoolLevel {
        self.program().level
    }

    pub fn name(&self) -> &'static str {
        &self.program().name
    }

    /// The four-digit class (专业类) the program belongs to.
    pub fn class_code(&self) -> &str {
        &self.0[..4]
    }
}

impl fmt::Display for ProgramCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Every program of every level, in catalogue order (中职, 高职专科, 职教本科, then 普通本科).
pub fn programs() -> &'static [Program] {
    &CATALOGUE.programs
}

/// The program classes (专业类) of one level, in catalogue order.
pub fn program_classes(level: SchoolLevel) -> Vec<&'static ProgramClass> {
    CATALOGUE.classes.iter().filter(|c| c.level == level).collect()
}

/// The programs of one class, by its four-digit code (class codes are unique across levels).
pub fn programs_in_class(class_code: &str) -> Vec<&'static Program> {
    let class_code = class_code.trim();
    CATALOGUE.programs.iter().filter(|p| p.class_code == class_code).collect()
}

/// Programs for a picker: by code prefix, name, or pinyin initials of the name ("sk" finds
/// 数控技术), optionally of one level, best matches first. An empty query lists the catalogue.
pub fn search_programs(query: &str, level: Option<SchoolLevel>, limit: usize) -> Vec<&'static Program> {
    let query = normalize_query(query);
    let catalogue = &*CATALOGUE;
    let code_query = query.to_ascii_uppercase();
    let initials = is_initials_query(&query);
    let ranked = catalogue
        .programs
        .iter()
        .enumerate()
        .filter(|(_, p)| level.is_none_or(|l| p.level == l))
        .filter_map(|(index, program)| {
            let code = program.code.as_str();
            let name = program.name.as_str();
            let rank = if query.is_empty() {
                MatchRank::NameContains
            } else if code == code_query || code[..6] == code_query {
                MatchRank::ExactCode
            } else if code.starts_with(&code_query) {
                MatchRank::CodePrefix
            } else if name == query {
                MatchRank::ExactName
            } else if name.starts_with(&query) {
                MatchRank::NamePrefix
            } else if name.contains(&query) {
                MatchRank::NameContains
            } else {
                match catalogue.initials[index].find(&query).filter(|_| initials) {
                    Some(0) => MatchRank::InitialsPrefix,
                    Some(_) => MatchRank::InitialsContain,
                    None => return None,
                }
            };
            Some((rank, index, program))
        })
        .collect();
    best(ranked, limit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn loads_every_program_of_every_level() {
        let count = |level| programs().iter().filter(|p| p.level == level).count();
        assert_eq!(count(SchoolLevel::Zhongzhi), 358);
        assert_eq!(count(SchoolLevel::GaozhiZhuanke), 744);
        assert_eq!(count(SchoolLevel::GaozhiBenke), 247);
        assert_eq!(count(SchoolLevel::PutongBenke), 812);
        assert_eq!(program_classes(SchoolLevel::GaozhiZhuanke).len(), 97);
        assert_eq!(program_classes(SchoolLevel::PutongBenke).len(), 93);
    }

    #[test]
    fn parses_codes_into_their_program() {
        let cnc = ProgramCode::parse(" 460103 ").unwrap();
        assert_eq!(cnc.name(), "数控技术");
        assert_eq!(cnc.level(), SchoolLevel::GaozhiZhuanke);
        assert_eq!(cnc.class_code(), "4601");
        assert_eq!(cnc.program().class_name, "机械设计制造类");
        assert_eq!(cnc.program().category_name, "装备制造大类");
    }

    #[test]
    fn keeps_and_infers_letter_suffixes() {
        assert_eq!(ProgramCode::parse("520101K").unwrap().as_str(), "520101K");
        assert_eq!(ProgramCode::parse("520101k").unwrap().as_str(), "520101K");
        assert_eq!(ProgramCode::parse("520101").unwrap().as_str(), "520101K");
        assert_eq!(ProgramCode::parse("520101T"), Err(Invalid::UnknownProgram("520101T".into())));
        assert_eq!(ProgramCode::parse("010104T").unwrap().name(), "伦理学");
    }

    #[test]
    fn rejects_malformed_and_unknown_codes() {
        assert_eq!(ProgramCode::parse(""), Err(Invalid::Required));
        for bad in ["46010", "4601033", "46O103", "数控技术", "460103KKK"] {
            assert!(matches!(ProgramCode::parse(bad), Err(Invalid::Format(_))), "{bad}");
        }
        assert_eq!(ProgramCode::parse("469999"), Err(Invalid::UnknownProgram("469999".into())));
    }

    #[test]
    fn the_same_name_at_two_levels_has_two_codes() {
        let found = search_programs("园艺技术", None, 10);
        let levels: Vec<SchoolLevel> = found.iter().filter(|p| p.name == "园艺技术").map(|p| p.level).collect();
        assert!(levels.contains(&SchoolLevel::Zhongzhi) && levels.contains(&SchoolLevel::GaozhiZhuanke));
        let zhongzhi = search_programs("园艺技术", Some(SchoolLevel::Zhongzhi), 10);
        assert!(zhongzhi.iter().all(|p| p.level == SchoolLevel::Zhongzhi));
    }

    #[test]
    fn searches_by_code_name_and_initials() {
        assert_eq!(search_programs("460103", None, 5)[0].name, "数控技术");
        assert!(search_programs("4601", None, 50).iter().all(|p| p.code.as_str().starts_with("4601")));
        let by_name = search_programs("数控", Some(SchoolLevel::GaozhiZhuanke), 5);
        assert_eq!(by_name[0].name, "数控技术", "a name prefix ranks before a name that merely contains");
        let by_initials = search_programs("SKJS", Some(SchoolLevel::GaozhiZhuanke), 5);
        assert_eq!(by_initials[0].name, "数控技术");
        assert!(search_programs("zzzzzz", None, 5).is_empty());
    }

    #[test]
    fn an_empty_query_lists_the_catalogue_in_order() {
        let first = search_programs("  ", Some(SchoolLevel::Zhongzhi), 3);
        assert_eq!(first.len(), 3);
        assert_eq!(first[0].code.as_str(), "610101");
    }

    #[test]
    fn lists_programs_of_a_class() {
        let class = programs_in_class("4601");
        assert!(class.iter().any(|p| p.name == "数控技术"));
        assert!(class.iter().all(|p| p.level == SchoolLevel::GaozhiZhuanke));
    }

    proptest! {
        #[test]
        fn every_catalogue_code_parses_to_itself(index in 0..programs().len()) {
            let program = &programs()[index];
            let parsed = ProgramCode::parse(&program.code.as_str().to_ascii_lowercase()).unwrap();
            prop_assert_eq!(parsed.program(), program);
            prop_assert_eq!(ProgramCode::parse(&program.code.as_str()[..6]).unwrap(), parsed);
        }

        #[test]
        fn search_respects_level_and_limit(query in "[a-z0-9\\u{4e00}-\\u{4e20}]{0,4}", limit in 0usize..30) {
            let found = search_programs(&query, Some(SchoolLevel::GaozhiBenke), limit);
            prop_assert!(found.len() <= limit);
            prop_assert!(found.iter().all(|p| p.level == SchoolLevel::GaozhiBenke));
        }

        #[test]
        fn parse_never_panics(raw in "\\PC{0,12}") {
            let _ = ProgramCode::parse(&raw);
        }
    }
}
