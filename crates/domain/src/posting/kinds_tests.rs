//! The kinds, their sides and fields, and the compatibility table.

use proptest::prelude::*;

use super::*;
use crate::error::Invalid;
use PostingKind::*;

/// The architecture table, one row per pairing, plus the pairings this crate adds for the
/// shared training base and the K-12 career base.
const PAIRS: &[(PostingKind, PostingKind)] = &[
    (Job, ProgramOffering),
    (Apprenticeship, ProgramOffering),
    (OrderClass, ProgramOffering),
    (TrainingBaseHosted, PracticePlaceNeed),
    (TeacherPracticePost, TeacherPracticeNeed),
    (TechnicianToCampus, TeachingNeed),
    (EmployeeTraining, TrainingCourse),
    (RndCooperation, ResearchCapability),
    (EmployeeTraining, SharedTrainingBase),
    (PracticePlaceNeed, SharedTrainingBase),
    (TrainingBaseHosted, K12CareerBase),
    (TechnicianToCampus, K12CareerBase),
];

#[test]
fn the_compatibility_table_is_exactly_the_listed_pairs() {
    for &a in PostingKind::ALL {
        for &b in PostingKind::ALL {
            let listed = PAIRS.contains(&(a, b)) || PAIRS.contains(&(b, a));
            assert_eq!(compatible(a, b), listed, "{a} with {b}");
        }
    }
}

#[test]
fn every_kind_has_counterparts_without_repeats() {
    for &kind in PostingKind::ALL {
        let counterparts = kind.counterparts();
        assert!(!counterparts.is_empty(), "{kind}");
        for (i, c) in counterparts.iter().enumerate() {
            assert!(!counterparts[i + 1..].contains(c), "{kind} lists {c} twice");
            assert_ne!(*c, kind, "{kind} is not its own counterpart");
        }
    }
}

#[test]
fn pairings_cross_sides_except_schools_sharing_bases() {
    for &(a, b) in PAIRS {
        if (a, b) == (PracticePlaceNeed, SharedTrainingBase) {
            assert_eq!(a.side(), b.side());
        } else {
            assert_ne!(a.side(), b.side(), "{a} with {b}");
        }
    }
}

proptest! {
    #[test]
    fn compatibility_is_symmetric(a in prop::sample::select(PostingKind::ALL), b in prop::sample::select(PostingKind::ALL)) {
        prop_assert_eq!(compatible(a, b), compatible(b, a));
        prop_assert_eq!(a.counterparts().contains(&b), b.counterparts().contains(&a));
    }
}

#[test]
fn eight_kinds_on_each_side() {
    let enterprise: Vec<PostingKind> = PostingKind::of_side(Side::Enterprise).collect();
    assert_eq!(
        enterprise,
        [
            Job,
            Apprenticeship,
            OrderClass,
            TrainingBaseHosted,
            TeacherPracticePost,
            TechnicianToCampus,
            EmployeeTraining,
            RndCooperation
        ]
    );
    assert_eq!(PostingKind::of_side(Side::School).count(), 8);
    assert_eq!(K12CareerBase.side(), Side::School);
}

#[test]
fn ids_round_trip_and_labels_are_bilingual() {
    let is_cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    for &kind in PostingKind::ALL {
        assert_eq!(kind.as_str().parse::<PostingKind>(), Ok(kind));
        assert!(is_cjk(kind.zh()) && !kind.en().is_empty(), "{kind}");
        assert!(is_cjk(kind.spec().quantity_zh) && !kind.spec().quantity_en.is_empty(), "{kind}");
        if let Some(amount) = kind.spec().amount {
            assert!(is_cjk(amount.zh()) && amount.max_yuan() > 0);
        }
    }
    assert_eq!("rnd_cooperation".parse::<PostingKind>(), Ok(RndCooperation));
    assert!(matches!("internship".parse::<PostingKind>(), Err(Invalid::Format(_))));
    assert_eq!("".parse::<PostingKind>(), Err(Invalid::Required));
}

#[test]
fn each_kind_takes_the_fields_its_users_need() {
    use QuantityMeaning as Q;
    use Rule::*;
    let spec = |kind: PostingKind| kind.spec();
    assert_eq!((spec(Job).quantity, spec(Job).quantity_meaning), (Required, Q::Headcount));
    assert_eq!(spec(Job).amount, Some(AmountMeaning::MonthlyPay));
    assert_eq!(spec(Apprenticeship).apprenticeship_type, Required);
    assert_eq!(spec(OrderClass).quantity_meaning, Q::Seats);
    assert_eq!(spec(ProgramOffering).quantity_meaning, Q::Graduates);
    assert_eq!(spec(ProgramOffering).program_codes, Required);
    assert_eq!(spec(ProgramOffering).annual_enrolment, Optional);
    assert_eq!(spec(ProgramOffering).amount, None);
    assert_eq!((spec(SharedTrainingBase).equipment, spec(SharedTrainingBase).open_periods), (Required, Required));
    assert_eq!(spec(SharedTrainingBase).quantity_meaning, Q::Capacity);
    assert_eq!(spec(RndCooperation).quantity, Optional);
    assert_eq!(spec(RndCooperation).amount, Some(AmountMeaning::Budget));
    assert_eq!(spec(TrainingCourse).amount, Some(AmountMeaning::FeePerPerson));
    for &kind in PostingKind::ALL {
        let spec = kind.spec();
        assert_eq!(spec.rule("title"), Some(Required));
        assert_eq!(spec.rule("region"), Some(Required));
        assert_eq!(spec.rule("no_such_field"), None);
        let extras_allowed = kind == Apprenticeship;
        assert_eq!(spec.apprenticeship_type != Forbidden, extras_allowed, "{kind}");
        assert_eq!(spec.annual_enrolment != Forbidden, kind == ProgramOffering, "{kind}");
        let base = matches!(kind, TrainingBaseHosted | SharedTrainingBase | K12CareerBase);
        assert_eq!(spec.equipment != Forbidden, base, "{kind}");
    }
}

#[test]
fn sides_follow_organization_kinds() {
    use crate::organization::OrgKind;
    assert_eq!(Side::of(OrgKind::Enterprise), Some(Side::Enterprise));
    assert_eq!(Side::of(OrgKind::School), Some(Side::School));
    assert_eq!(Side::of(OrgKind::Authority), None);
    assert_eq!(Side::Enterprise.other(), Side::School);
    assert_eq!("school".parse::<Side>(), Ok(Side::School));
}
