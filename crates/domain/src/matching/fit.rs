//! The criteria computed from the two postings' own fields: education level, quantity, dates,
//! industry cluster, and the candidate's track record.

use crate::SchoolLevel;
use crate::posting::{PostingKind, TimeWindow};
use crate::reference::ClusterId;

use super::criteria::{Criterion, Reason, Scored};

/// Steps on the ladder of levels; 职教本科 and 普通本科 stand on the same step.
fn step(level: SchoolLevel) -> i32 {
    match level {
        SchoolLevel::Zhongzhi => 0,
        SchoolLevel::GaozhiZhuanke => 1,
        SchoolLevel::GaozhiBenke | SchoolLevel::PutongBenke => 2,
    }
}

/// Whether two levels can meet at all: two steps apart (a 中职 program for a bachelor's job) is
/// a hard exclusion, not a low score.
pub fn levels_can_meet(a: Option<SchoolLevel>, b: Option<SchoolLevel>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (step(a) - step(b)).abs() < 2,
        _ => true,
    }
}

pub fn level_criterion(subject: Option<SchoolLevel>, candidate: Option<SchoolLevel>) -> Scored {
    let (a, b) = match (subject, candidate) {
        (Some(a), Some(b)) => (a, b),
        _ => {
            return Scored::neutral(
                Criterion::Level,
                Reason::new("未注明层次，无法比较", "No education level given on one side"),
            );
        }
    };
    let (score, zh, en) = if a == b {
        (1.0, format!("层次一致：{}", a.zh()), format!("Same level: {}", a.en()))
    } else if step(a) == step(b) {
        (0.8, format!("层次相当：{} 与 {}", a.zh(), b.zh()), format!("Equivalent levels: {} and {}", a.en(), b.en()))
    } else {
        (0.4, format!("层次相邻：{} 与 {}", a.zh(), b.zh()), format!("Adjacent levels: {} and {}", a.en(), b.en()))
    };
    Scored::new(Criterion::Level, score, Reason::new(zh, en))
}

/// Whether a kind's quantity is what its poster needs (people to hire, places for students)
/// rather than what it offers (graduates, seats, capacity). Every compatible pair is one need and
/// one offer; a K-12 career base needs the enterprise sites and technicians it is matched with.
pub fn is_need(kind: PostingKind) -> bool {
    use PostingKind::*;
    matches!(
        kind,
        Job | Apprenticeship
            | OrderClass
            | PracticePlaceNeed
            | TeacherPracticeNeed
            | TeachingNeed
            | EmployeeTraining
            | RndCooperation
            | K12CareerBase
    )
}

/// Quantity fit: an offer covering the need scores 1, a smaller one its share of the need. When
/// both are needs or both offers (no such pair today), the smaller over the larger.
pub fn quantity_criterion(subject: (PostingKind, Option<u32>), candidate: (PostingKind, Option<u32>)) -> Scored {
    let ((kind_a, Some(a)), (kind_b, Some(b))) = (subject, candidate) else {
        return Scored::neutral(Criterion::Quantity, Reason::new("未注明数量", "No quantity given on one side"));
    };
    let (need, offer, need_kind, offer_kind) = match (is_need(kind_a), is_need(kind_b)) {
        (true, false) => (a, b, kind_a, kind_b),
        (false, true) => (b, a, kind_b, kind_a),
        _ => {
            let score = f64::from(a.min(b)) / f64::from(a.max(b).max(1));
            return Scored::new(
                Criterion::Quantity,
                score,
                Reason::new(format!("数量 {a} 与 {b}"), format!("Quantities {a} and {b}")),
            );
        }
    };
    let score = if need == 0 { 1.0 } else { (f64::from(offer) / f64::from(need)).min(1.0) };
    let offered = offer_kind.spec().quantity_meaning.zh();
    let needed = need_kind.spec().quantity_meaning.zh();
    let zh = if offer >= need {
        format!("可提供{offered} {offer}，需求{needed} {need}")
    } else {
        format!("可提供{offered} {offer}，少于需求的 {need}")
    };
    let en = if offer >= need {
        format!("Offers {offer}, {need} needed")
    } else {
        format!("Offers {offer}, fewer than the {need} needed")
    };
    Scored::new(Criterion::Quantity, score, Reason::new(zh, en))
}

/// Date fit: windows that overlap score 1, windows with no end or start on either side are taken
/// to overlap, disjoint windows score 0 (not excluded: the end date of a posting is often when
/// applications close, not when the cooperation ends).
pub fn time_criterion(subject: TimeWindow, candidate: TimeWindow) -> Scored {
    if subject == TimeWindow::ALWAYS || candidate == TimeWindow::ALWAYS {
        return Scored::neutral(Criterion::Time, Reason::new("未限定时间", "No dates on one side"));
    }
    if subject.overlaps(candidate) {
        Scored::new(Criterion::Time, 1.0, Reason::new("时间段有重叠", "The dates overlap"))
    } else {
        Scored::new(Criterion::Time, 0.0, Reason::new("时间段不重叠", "The dates do not overlap"))
    }
}

pub fn cluster_criterion(subject: &[ClusterId], candidate: &[ClusterId]) -> Scored {
    if subject.is_empty() || candidate.is_empty() {
        return Scored::neutral(Criterion::Cluster, Reason::new("未注明产业集群", "No industry cluster on one side"));
    }
    match subject.iter().find(|c| candidate.contains(c)) {
        Some(shared) => {
            let cluster = shared.cluster();
            Scored::new(
                Criterion::Cluster,
                1.0,
                Reason::new(format!("同属{}", cluster.name_zh), format!("Both in {}", cluster.name_en)),
            )
        }
        None => Scored::new(Criterion::Cluster, 0.0, Reason::new("产业集群不同", "Different industry clusters")),
    }
}

/// Track record from the mean assessment score (1–5) of the candidate's past projects and how
/// many there were; none yet is neutral.
pub fn track_record_criterion(assessments: Option<(f64, u32)>) -> Scored {
    match assessments {
        Some((mean, count)) if count > 0 => Scored::new(
            Criterion::TrackRecord,
            (mean - 1.0) / 4.0,
            Reason::new(
                format!("{count} 个合作项目评价平均 {mean:.1} 分（满分 5 分）"),
                format!("{count} assessed projects, mean {mean:.1} of 5"),
            ),
        ),
        _ => Scored::neutral(Criterion::TrackRecord, Reason::new("暂无合作评价", "No assessed cooperation yet")),
    }
}
