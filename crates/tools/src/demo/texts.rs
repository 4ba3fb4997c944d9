//! The shapes of the demo's hand-written text banks, and the template filling they share.
//!
//! Sentences are written per industry cluster ([`ClusterText`], in `texts_emerging`,
//! `texts_process`, `texts_traditional` and `texts_service`) and per posting kind ([`KindText`], in
//! `texts_enterprise` and `texts_school`). Kind sentences are templates with named slots such as
//! `{org}` or `{role}`, filled by [`fill`]; cluster sentences are plain text.

use chanjiao_domain::SchoolLevel;

use super::{texts_emerging, texts_process, texts_service, texts_traditional};

/// A job role of a cluster, as enterprises advertise it and schools train for it.
pub struct Role {
    pub name: &'static str,
    /// Its occupation in the 2022 classification.
    pub occupation: &'static str,
    /// The levels it usually recruits from, most common first.
    pub levels: &'static [SchoolLevel],
    /// Catalogue programs that train for it, of any level; a posting keeps those of its level.
    pub programs: &'static [&'static str],
    pub skills: &'static [&'static str],
    /// What the role does, one sentence each.
    pub duties: &'static [&'static str],
}

/// A named subject with one sentence saying what it is about: a training course, a research
/// direction or a career experience activity.
pub struct Topic {
    pub name: &'static str,
    pub detail: &'static str,
    /// What it teaches or needs; none for activities of pupils.
    pub skills: &'static [&'static str],
}

/// A school's training centre and what it is equipped with.
pub struct Base {
    pub name: &'static str,
    pub equipment: &'static [&'static str],
}

/// Everything written about one industry cluster.
pub struct ClusterText {
    pub id: &'static str,
    /// The short name used in sentences (印染, 高端装备).
    pub name: &'static str,
    pub roles: &'static [Role],
    /// Sentences about a workplace of the cluster, true of any enterprise in it.
    pub context: &'static [&'static str],
    pub certificates: &'static [&'static str],
    /// Subjects of employee training and training courses.
    pub training: &'static [Topic],
    /// Subjects of R&D cooperation and research platforms.
    pub research: &'static [Topic],
    /// What an enterprise of the cluster works with, for the training bases it hosts.
    pub equipment: &'static [&'static str],
    /// Training centres that schools run for the cluster.
    pub bases: &'static [Base],
    /// Career experience activities for pupils.
    pub k12: &'static [Topic],
}

/// The sentence banks of one posting kind: title templates and the parts of a description, in
/// the order they are read.
pub struct KindText {
    pub titles: &'static [&'static str],
    pub openings: &'static [&'static str],
    pub asks: &'static [&'static str],
    pub offers: &'static [&'static str],
    pub schedules: &'static [&'static str],
}

/// The cluster with this id; every id of the embedded cluster list has one.
pub fn cluster(id: &str) -> &'static ClusterText {
    all_clusters().find(|c| c.id == id).unwrap_or(texts_emerging::CLUSTERS[0])
}

pub fn all_clusters() -> impl Iterator<Item = &'static ClusterText> {
    [texts_emerging::CLUSTERS, texts_process::CLUSTERS, texts_traditional::CLUSTERS, texts_service::CLUSTERS]
        .into_iter()
        .flatten()
        .copied()
}

/// Replaces every `{name}` in `template` with its value.
pub fn fill(template: &str, vars: &[(&str, String)]) -> String {
    let mut text = template.to_owned();
    for (name, value) in vars {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

/// How a level reads in a sentence (本科 rather than 普通本科).
pub fn level_word(level: SchoolLevel) -> &'static str {
    match level {
        SchoolLevel::Zhongzhi => "中职",
        SchoolLevel::GaozhiZhuanke => "高职",
        SchoolLevel::GaozhiBenke => "职教本科",
        SchoolLevel::PutongBenke => "本科",
    }
}
