//! How close two postings are on the map, by administrative division: the same county (or
//! township) is closest, then a neighbouring county of Shaoxing, then the same city, then the
//! province. Distances in kilometres would need coordinates the platform does not hold, and
//! people in Shaoxing reason in counties anyway: a student of 诸暨 commutes to 柯桥, not to 新昌.

use crate::region::{RegionCode, RegionLevel};

use super::criteria::{Criterion, Reason, Scored};

/// Counties of 绍兴市 that share a border, each pair once (GB/T 2260 codes). 越城区 borders 柯桥区
/// and 上虞区; 柯桥区 also borders 诸暨市 and 嵊州市; 嵊州市 borders 上虞区, 新昌县 and 诸暨市.
const SHAOXING_ADJACENT: &[(&str, &str)] = &[
    ("330602", "330603"),
    ("330602", "330604"),
    ("330603", "330681"),
    ("330603", "330683"),
    ("330604", "330683"),
    ("330624", "330683"),
    ("330681", "330683"),
];

/// How close two divisions are, coarsest last; the order is the order of closeness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Proximity {
    /// Both in Zhejiang only (every posting is).
    SameProvince,
    SameCity,
    NeighbouringCounty,
    SameCounty,
}

impl Proximity {
    pub fn score(self) -> f64 {
        match self {
            Proximity::SameCounty => 1.0,
            Proximity::NeighbouringCounty => 0.75,
            Proximity::SameCity => 0.5,
            Proximity::SameProvince => 0.25,
        }
    }
}

/// The county of a division (itself for a county, its parent for a township), `None` for a city
/// or the province.
fn county(region: &RegionCode) -> Option<&'static str> {
    region.ancestry().into_iter().find(|r| r.level == RegionLevel::County).map(|r| r.code.as_str())
}

fn city(region: &RegionCode) -> Option<&'static str> {
    region.ancestry().into_iter().find(|r| r.level == RegionLevel::City).map(|r| r.code.as_str())
}

pub fn adjacent(a: &str, b: &str) -> bool {
    SHAOXING_ADJACENT.iter().any(|&(x, y)| (x == a && y == b) || (x == b && y == a))
}

pub fn proximity(a: &RegionCode, b: &RegionCode) -> Proximity {
    match (county(a), county(b)) {
        (Some(x), Some(y)) if x == y => return Proximity::SameCounty,
        (Some(x), Some(y)) if adjacent(x, y) => return Proximity::NeighbouringCounty,
        _ => {}
    }
    match (city(a), city(b)) {
        (Some(x), Some(y)) if x == y => Proximity::SameCity,
        _ => Proximity::SameProvince,
    }
}

/// The region criterion for a pair, explained with the names of the divisions.
pub fn region_criterion(subject: &RegionCode, candidate: &RegionCode) -> Scored {
    let closeness = proximity(subject, candidate);
    let name_of = |code: Option<&str>| {
        code.and_then(|c| RegionCode::parse(c).ok()).map_or_else(|| "浙江省".to_owned(), |r| r.name().to_owned())
    };
    let reason = match closeness {
        Proximity::SameCounty => {
            let name = name_of(county(subject));
            Reason::new(format!("同在{name}"), format!("Both in {name}"))
        }
        Proximity::NeighbouringCounty => {
            let (a, b) = (name_of(county(subject)), name_of(county(candidate)));
            Reason::new(format!("{a}与{b}相邻"), format!("{a} borders {b}"))
        }
        Proximity::SameCity => {
            let name = name_of(city(subject));
            Reason::new(format!("同在{name}"), format!("Both in {name}"))
        }
        Proximity::SameProvince => {
            let (a, b) = (candidate.full_name(), subject.full_name());
            Reason::new(format!("位于{a}，不在{b}附近"), format!("In {a}, not near {b}"))
        }
    };
    Scored::new(Criterion::Region, closeness.score(), reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(code: &str) -> RegionCode {
        RegionCode::parse(code).unwrap()
    }

    #[test]
    fn orders_county_neighbour_city_province() {
        assert_eq!(proximity(&r("330603"), &r("330603001")), Proximity::SameCounty);
        assert_eq!(proximity(&r("330603"), &r("330681")), Proximity::NeighbouringCounty);
        assert_eq!(proximity(&r("330603"), &r("330624")), Proximity::SameCity);
        assert_eq!(proximity(&r("330600"), &r("330624")), Proximity::SameCity);
        assert_eq!(proximity(&r("330603"), &r("330102")), Proximity::SameProvince);
    }

    #[test]
    fn adjacency_is_symmetric_and_within_shaoxing() {
        for &(a, b) in SHAOXING_ADJACENT {
            assert!(adjacent(b, a));
            assert_eq!(r(a).ancestry()[1].code, "330600");
            assert_eq!(r(b).ancestry()[1].code, "330600");
        }
    }

    #[test]
    fn explains_in_both_languages() {
        let same = region_criterion(&r("330603"), &r("330603"));
        assert_eq!(same.reason.zh, "同在柯桥区");
        assert_eq!(same.reason.en, "Both in 柯桥区");
        let near = region_criterion(&r("330603"), &r("330681"));
        assert_eq!(near.reason.zh, "柯桥区与诸暨市相邻");
        assert_eq!(near.score, 0.75);
    }
}
