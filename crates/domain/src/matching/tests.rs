//! Properties of scoring and ranking: scores stay in [0, 1], excluded pairs never come back, and
//! moving a candidate closer or making its quantity fit better never lowers its score.

use proptest::prelude::*;

use super::*;
use crate::posting::{PostingInput, PostingKind, Rule};
use crate::region::RegionCode;

/// Regions to draw from: Shaoxing, its counties and a few townships, and other cities.
const REGIONS: &[&str] = &[
    "330600",
    "330602",
    "330603",
    "330604",
    "330624",
    "330681",
    "330683",
    "330603001",
    "330602001",
    "330102",
    "330100",
    "330200",
];

const LEVELS: &[&str] = &["zhongzhi", "gaozhi_zhuanke", "gaozhi_benke", "putong_benke"];

/// A valid posting of `kind` with the fields matching looks at.
fn posting(kind: PostingKind, region: &str, level: Option<&str>, quantity: Option<u32>) -> NewPosting {
    let spec = kind.spec();
    let allowed = |field: &str| spec.rule(field) != Some(Rule::Forbidden);
    let required = |field: &str| spec.rule(field) == Some(Rule::Required);
    let mut input = PostingInput {
        kind: kind.as_str().into(),
        title: "数控加工合作".into(),
        description: "数控车床编程与操作".into(),
        region: region.into(),
        ..PostingInput::default()
    };
    if allowed("quantity") {
        input.quantity = quantity.or(required("quantity").then_some(1)).map(|q| i64::from(q).into());
    }
    if kind == PostingKind::ProgramOffering {
        input.education_level = Some("gaozhi_zhuanke".into());
        input.program_codes = vec!["460103".into()];
        input.annual_enrolment = Some(40.into());
    } else {
        if allowed("education_level") {
            input.education_level = level.map(Into::into).or(required("education_level").then(|| "zhongzhi".into()));
        }
        if required("program_codes") {
            input.program_codes = vec!["460103".into()];
        }
        if required("occupation_codes") {
            input.occupation_codes = vec!["6-18-01-01".into()];
        }
        if required("industry_clusters") {
            input.industry_clusters = vec!["hq_equipment".into()];
        }
        if required("apprenticeship_type") {
            input.apprenticeship_type = Some("modern".into());
        }
        if required("annual_enrolment") {
            input.annual_enrolment = Some(30.into());
        }
        if required("equipment") {
            input.equipment = vec!["数控车床 ×20".into()];
        }
        if required("open_periods") {
            input.open_periods = vec!["寒暑假".into()];
        }
        if required("certificates") {
            input.certificates = vec!["数控车铣加工（1+X）".into()];
        }
    }
    NewPosting::parse(&input).unwrap_or_else(|e| panic!("{kind}: {e}"))
}

fn party(id: u64, organization_id: u64, status: PostingStatus, posting: &NewPosting) -> Party<'_> {
    Party { id, organization_id, status, posting }
}

fn evidence(text: f64, occupation: Option<f64>) -> Evidence {
    Evidence { text, occupation: occupation.map(|s| (s, Reason::new("", ""))), assessments: None }
}

fn kind() -> impl Strategy<Value = PostingKind> {
    prop::sample::select(PostingKind::ALL.to_vec())
}

fn status() -> impl Strategy<Value = PostingStatus> {
    prop::sample::select(PostingStatus::ALL.to_vec())
}

fn any_evidence() -> impl Strategy<Value = Evidence> {
    (prop::num::f64::ANY, prop::option::of(prop::num::f64::ANY), prop::option::of((0.0..10.0f64, 0u32..50))).prop_map(
        |(text, occupation, assessments)| Evidence {
            text,
            occupation: occupation.map(|s| (s, Reason::new("", ""))),
            assessments,
        },
    )
}

proptest! {
    #[test]
    fn scores_are_in_the_unit_interval(
        (a, b) in (kind(), kind()),
        regions in (prop::sample::select(REGIONS), prop::sample::select(REGIONS)),
        levels in (prop::option::of(prop::sample::select(LEVELS)), prop::option::of(prop::sample::select(LEVELS))),
        quantities in (prop::option::of(1u32..5000), prop::option::of(1u32..5000)),
        evidence in any_evidence(),
    ) {
        let s = posting(a, regions.0, levels.0, quantities.0);
        let c = posting(b, regions.1, levels.1, quantities.1);
        if let Ok(found) = score(&party(1, 1, PostingStatus::Published, &s), &party(2, 2, PostingStatus::Published, &c), &evidence) {
            prop_assert!((0.0..=1.0).contains(&found.score), "score {}", found.score);
            prop_assert_eq!(found.criteria.len(), Criterion::ALL.len());
            for criterion in &found.criteria {
                prop_assert!((0.0..=1.0).contains(&criterion.score));
                prop_assert!(!criterion.reason.zh.is_empty() && !criterion.reason.en.is_empty() || criterion.criterion == Criterion::Occupation);
            }
        }
    }

    #[test]
    fn excluded_pairs_are_never_ranked(
        subject_kind in kind(),
        candidates in prop::collection::vec((kind(), status(), 1u64..4), 1..12),
    ) {
        let s = posting(subject_kind, "330603", None, Some(10));
        let postings: Vec<NewPosting> = candidates.iter().map(|(k, _, _)| posting(*k, "330602", None, Some(10))).collect();
        let subject = party(1000, 1, PostingStatus::Published, &s);
        let ranked = rank(
            &subject,
            candidates.iter().zip(&postings).enumerate().map(|(i, ((_, status, org), p))| {
                (party(i as u64, *org, *status, p), evidence(0.5, Some(0.5)))
            }),
            100,
        );
        for (id, _) in ranked {
            let (kind, status, org) = candidates[id as usize];
            prop_assert!(compatible(subject_kind, kind), "{subject_kind} was matched with {kind}");
            prop_assert_eq!(status, PostingStatus::Published);
            prop_assert_ne!(org, 1);
        }
    }

    #[test]
    fn closer_never_scores_lower(
        subject_region in prop::sample::select(REGIONS),
        (near, far) in (prop::sample::select(REGIONS), prop::sample::select(REGIONS)),
        text in 0.0..1.0f64,
    ) {
        let subject_region = RegionCode::parse(subject_region).unwrap();
        let (near, far) = if proximity(&subject_region, &RegionCode::parse(near).unwrap())
            >= proximity(&subject_region, &RegionCode::parse(far).unwrap()) { (near, far) } else { (far, near) };
        let s = posting(PostingKind::Apprenticeship, subject_region.as_str(), None, Some(20));
        let (cn, cf) = (posting(PostingKind::ProgramOffering, near, None, Some(30)), posting(PostingKind::ProgramOffering, far, None, Some(30)));
        let subject = party(1, 1, PostingStatus::Published, &s);
        let e = evidence(text, Some(0.6));
        let near_score = score(&subject, &party(2, 2, PostingStatus::Published, &cn), &e).unwrap().score;
        let far_score = score(&subject, &party(3, 3, PostingStatus::Published, &cf), &e).unwrap().score;
        prop_assert!(near_score >= far_score, "{near} {near_score} < {far} {far_score}");
    }

    #[test]
    fn a_better_quantity_fit_never_scores_lower(
        need in 1u32..500,
        (fewer, more) in (1u32..1000, 1u32..1000),
        subject_is_school in any::<bool>(),
    ) {
        let (fewer, more) = (fewer.min(more), fewer.max(more));
        let job = posting(PostingKind::Job, "330603", None, Some(need));
        let offers = [fewer, more].map(|n| posting(PostingKind::ProgramOffering, "330603", None, Some(n)));
        let e = evidence(0.7, Some(0.7));
        let scores: Vec<f64> = offers.iter().map(|offer| {
            let (s, c) = if subject_is_school { (offer, &job) } else { (&job, offer) };
            score(&party(1, 1, PostingStatus::Published, s), &party(2, 2, PostingStatus::Published, c), &e).unwrap().score
        }).collect();
        prop_assert!(scores[1] >= scores[0], "offer {more} scored {} below offer {fewer} at {}", scores[1], scores[0]);
    }
}

#[test]
fn explains_each_criterion_in_both_languages() {
    let need = posting(PostingKind::Apprenticeship, "330603", Some("gaozhi_zhuanke"), Some(20));
    let offer = posting(PostingKind::ProgramOffering, "330603", None, Some(30));
    let found = score(
        &party(1, 1, PostingStatus::Published, &need),
        &party(2, 2, PostingStatus::Published, &offer),
        &Evidence {
            text: 0.9,
            occupation: Some((1.0, Reason::new("专业面向 数控车工 职业", "The program leads to 数控车工"))),
            assessments: Some((4.5, 2)),
        },
    )
    .unwrap();
    let reason = |c: Criterion| found.criterion(c).unwrap().reason.clone();
    assert_eq!(reason(Criterion::Region).zh, "同在柯桥区");
    assert_eq!(reason(Criterion::Region).en, "Both in 柯桥区");
    assert_eq!(reason(Criterion::Level).zh, "层次一致：高职专科");
    assert_eq!(reason(Criterion::Quantity).zh, "可提供毕业生数 30，需求名额 20");
    assert_eq!(reason(Criterion::Quantity).en, "Offers 30, 20 needed");
    assert_eq!(reason(Criterion::Occupation).zh, "专业面向 数控车工 职业");
    assert_eq!(reason(Criterion::TrackRecord).en, "2 assessed projects, mean 4.5 of 5");
    assert_eq!(reason(Criterion::Text).zh, "内容高度相关");
    for scored in &found.criteria {
        assert!(!scored.reason.zh.is_empty() && !scored.reason.en.is_empty(), "{:?}", scored.criterion);
        assert!(scored.reason.zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{}", scored.reason.zh);
    }
    let weighted: f64 = found.criteria.iter().map(|c| c.score * c.weight).sum();
    assert!((found.score - weighted).abs() < 1e-12);
}

#[test]
fn levels_two_steps_apart_are_excluded() {
    let job = posting(PostingKind::Job, "330603", Some("putong_benke"), Some(5));
    let offer = posting(PostingKind::ProgramOffering, "330603", None, Some(30));
    let zhongzhi = NewPosting { education_level: Some(crate::SchoolLevel::Zhongzhi), ..offer.clone() };
    let result = score(
        &party(1, 1, PostingStatus::Published, &job),
        &party(2, 2, PostingStatus::Published, &zhongzhi),
        &evidence(1.0, Some(1.0)),
    );
    assert_eq!(result.unwrap_err(), Exclusion::LevelsCannotMeet);
    // One step apart is allowed but scores below the same level.
    assert!(levels_can_meet(Some(crate::SchoolLevel::PutongBenke), Some(crate::SchoolLevel::GaozhiZhuanke)));
}
