//! Shaoxing's twelve industry clusters and the measurable targets of its 2024 industry–education
//! plan, written from the plan text.
//!
//! Clusters tag enterprises and postings; their keywords help matching find a cluster in free
//! text. Plan targets are what the authorities' dashboard counts against.

use crate::error::Text;
use std::fmt;
use std::sync::LazyLock;

use serde::Serialize;

use super::csv_records;
use crate::error::Invalid;
use crate::organization::string_enum;

const CLUSTERS_CSV: &str = include_str!("../../data/industry_clusters_shaoxing.csv");
const TARGETS_CSV: &str = include_str!("../../data/plan_targets_shaoxing_2024.csv");

string_enum!(
    /// How the plan groups its clusters.
    ClusterGroup, Text::new("one of emerging, traditional, service", "emerging、traditional、service 之一"), {
        Emerging => "emerging",
        Traditional => "traditional",
        Service => "service",
    }
);

impl ClusterGroup {
    pub fn zh(self) -> &'static str {
        match self {
            ClusterGroup::Emerging => "新兴产业",
            ClusterGroup::Traditional => "传统产业",
            ClusterGroup::Service => "现代服务业",
        }
    }
}

/// One industry cluster of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndustryCluster {
    pub id: ClusterId,
    pub name_zh: String,
    pub name_en: String,
    pub group: ClusterGroup,
    pub keywords: Vec<String>,
}

/// One measurable target of the plan, such as 15 K-12 career experience bases.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanTarget {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub target: f64,
    /// What is counted: `count`, `ratio`, `years per teacher`.
    pub unit: String,
    /// Whether the target is a floor ("at least") rather than an exact number.
    pub at_least: bool,
    /// The municipal body responsible, e.g. 市教育局.
    pub lead_unit: String,
}

static CLUSTERS: LazyLock<Vec<IndustryCluster>> = LazyLock::new(|| {
    csv_records(CLUSTERS_CSV)
        .map(|record| IndustryCluster {
            id: ClusterId(record.get("id").to_owned()),
            name_zh: record.get("name_zh").to_owned(),
            name_en: record.get("name_en").to_owned(),
            group: record.get("group").parse().expect("embedded cluster group is known"),
            keywords: record
                .get("keywords")
                .split(';')
                .map(|k| k.trim().to_owned())
                .filter(|k| !k.is_empty())
                .collect(),
        })
        .collect()
});

static TARGETS: LazyLock<Vec<PlanTarget>> = LazyLock::new(|| {
    csv_records(TARGETS_CSV)
        .map(|record| {
            let raw_unit = record.get("unit");
            let (unit, at_least) = match raw_unit.strip_suffix("(at least)") {
                Some(unit) => (unit.trim(), true),
                None => (raw_unit, false),
            };
            PlanTarget {
                id: record.get("id").to_owned(),
                name_zh: record.get("name_zh").to_owned(),
                name_en: record.get("name_en").to_owned(),
                target: record.get("target").parse().expect("embedded plan target is a number"),
                unit: unit.to_owned(),
                at_least,
                lead_unit: record.get("lead_unit").to_owned(),
            }
        })
        .collect()
});

/// The id of one of the plan's industry clusters (`hq_equipment`, `dyeing`, …).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ClusterId(String);

impl ClusterId {
    /// Accepts the id in any letter case, or the cluster's Chinese name (高端装备), because
    /// spreadsheets filled in by hand name clusters in Chinese.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(Invalid::Required);
        }
        let id = raw.to_ascii_lowercase();
        CLUSTERS
            .iter()
            .find(|c| c.id.0 == id || c.name_zh == raw)
            .map(|c| c.id.clone())
            .ok_or_else(|| Invalid::UnknownCluster(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn cluster(&self) -> &'static IndustryCluster {
        CLUSTERS.iter().find(|c| c.id == *self).expect("a cluster id is always on the list")
    }
}

impl fmt::Display for ClusterId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The twelve clusters, in the plan's order.
pub fn clusters() -> &'static [IndustryCluster] {
    &CLUSTERS
}

/// The plan's targets for 2024, in the plan's order.
pub fn plan_targets() -> &'static [PlanTarget] {
    &TARGETS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_twelve_clusters_in_three_groups() {
        let count = |group| clusters().iter().filter(|c| c.group == group).count();
        assert_eq!(
            (count(ClusterGroup::Emerging), count(ClusterGroup::Traditional), count(ClusterGroup::Service)),
            (4, 5, 3)
        );
        let huangjiu = ClusterId::parse("huangjiu").unwrap().cluster();
        assert_eq!(huangjiu.name_zh, "黄酒");
        assert!(huangjiu.keywords.contains(&"绍兴酒".to_owned()));
    }

    #[test]
    fn parses_ids_and_chinese_names() {
        assert_eq!(ClusterId::parse(" HQ_Equipment ").unwrap().as_str(), "hq_equipment");
        assert_eq!(ClusterId::parse("高端装备").unwrap().as_str(), "hq_equipment");
        assert_eq!(ClusterId::parse(""), Err(Invalid::Required));
        assert_eq!(ClusterId::parse("steel"), Err(Invalid::UnknownCluster("steel".into())));
    }

    #[test]
    fn reads_plan_targets_with_their_floors() {
        let k12 = plan_targets().iter().find(|t| t.id == "k12_career_base").unwrap();
        assert_eq!((k12.target, k12.unit.as_str(), k12.at_least), (15.0, "count", false));
        let ratio = plan_targets().iter().find(|t| t.id == "dual_qualified_teacher_ratio").unwrap();
        assert_eq!((ratio.target, ratio.unit.as_str(), ratio.at_least), (0.9, "ratio", true));
        assert_eq!(ratio.lead_unit, "市教育局");
    }
}
