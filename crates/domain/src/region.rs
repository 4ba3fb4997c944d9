//! Administrative divisions of Zhejiang (GB/T 2260, 统计用区划代码 2023), embedded in the binary.
//!
//! The list has the province, its cities and counties, and the townships of 绍兴市. A
//! [`RegionCode`] can only be made from a code on that list, so anything holding one can look up
//! its name and its parents without failing.

use crate::error::Text;
use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

use crate::error::Invalid;

const REGIONS_CSV: &str = include_str!("../data/regions_zhejiang.csv");

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RegionLevel {
    Province,
    City,
    County,
    Township,
}

/// One division: its code, Chinese name, level and parent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Region {
    pub code: String,
    pub name: String,
    pub level: RegionLevel,
    pub parent: Option<String>,
}

struct Regions {
    by_code: HashMap<String, Region>,
    ordered: Vec<String>,
}

static REGIONS: LazyLock<Regions> = LazyLock::new(|| {
    let mut by_code = HashMap::new();
    let mut ordered = Vec::new();
    for line in REGIONS_CSV.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split(',').collect();
        let level = match cols[2] {
            "province" => RegionLevel::Province,
            "city" => RegionLevel::City,
            "county" => RegionLevel::County,
            "township" => RegionLevel::Township,
            other => panic!("embedded region list has an unknown level {other}"),
        };
        let region = Region {
            code: cols[0].to_owned(),
            name: cols[1].to_owned(),
            level,
            parent: cols.get(3).filter(|p| !p.is_empty()).map(|p| (*p).to_owned()),
        };
        ordered.push(region.code.clone());
        by_code.insert(region.code.clone(), region);
    }
    Regions { by_code, ordered }
});

/// The code of 绍兴市, the city this platform was first built for.
pub const SHAOXING: &str = "330600";

/// A division code known to be on the embedded Zhejiang list.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct RegionCode(String);

impl RegionCode {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let code = raw.trim();
        if code.is_empty() {
            return Err(Invalid::Required);
        }
        let well_formed = (code.len() == 6 || code.len() == 9) && code.bytes().all(|b| b.is_ascii_digit());
        if !well_formed {
            return Err(Invalid::Format(Text::new(
                "a six-digit division code like 330602",
                "六位行政区划代码，如 330602",
            )));
        }
        if REGIONS.by_code.contains_key(code) {
            Ok(RegionCode(code.to_owned()))
        } else {
            Err(Invalid::UnknownRegion(code.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn region(&self) -> &'static Region {
        &REGIONS.by_code[&self.0]
    }

    pub fn name(&self) -> &'static str {
        &self.region().name
    }

    /// The chain from this division up to the province, this one first.
    pub fn ancestry(&self) -> Vec<&'static Region> {
        let mut chain = vec![self.region()];
        while let Some(parent) = chain.last().and_then(|r| r.parent.as_ref()) {
            chain.push(&REGIONS.by_code[parent]);
        }
        chain
    }

    /// "绍兴市柯桥区" style full name, from the city down.
    pub fn full_name(&self) -> String {
        let mut chain = self.ancestry();
        chain.retain(|r| r.level != RegionLevel::Province);
        chain.iter().rev().map(|r| r.name.as_str()).collect()
    }
}

impl crate::stored::StoredText for RegionCode {
    const TYPE_NAME: &'static str = "RegionCode";

    fn stored_text(&self) -> &str {
        self.as_str()
    }

    fn from_stored_text(text: &str) -> Option<Self> {
        RegionCode::parse(text).ok().filter(|code| code.as_str() == text)
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The direct children of a division, in list order (e.g. the counties of 绍兴市).
pub fn children(code: &str) -> Vec<&'static Region> {
    let regions = &*REGIONS;
    regions.ordered.iter().map(|c| &regions.by_code[c]).filter(|r| r.parent.as_deref() == Some(code)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_shaoxing_counties_and_townships() {
        let keqiao = RegionCode::parse("330603").unwrap();
        assert_eq!(keqiao.name(), "柯桥区");
        assert_eq!(keqiao.full_name(), "绍兴市柯桥区");
        let town = RegionCode::parse("330603001").unwrap();
        assert_eq!(town.full_name(), "绍兴市柯桥区柯桥街道");
        assert_eq!(children(SHAOXING).len(), 6);
    }

    #[test]
    fn rejects_unknown_and_malformed_codes() {
        assert_eq!(RegionCode::parse("110101"), Err(Invalid::UnknownRegion("110101".into())));
        assert!(matches!(RegionCode::parse("33060"), Err(Invalid::Format(_))));
        assert!(matches!(RegionCode::parse("绍兴"), Err(Invalid::Format(_))));
        assert_eq!(RegionCode::parse(""), Err(Invalid::Required));
    }
}
