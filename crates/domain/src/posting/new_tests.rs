//! Parsing postings: every kind's required and forbidden fields, each field's bounds, reporting
//! all errors at once, and the round trip through [`NewPosting::to_input`].

use crate::error::Text;
use proptest::prelude::*;

use super::*;
use crate::error::FieldError;
use crate::error::{Invalid, Invalids};
use crate::organization::SchoolLevel;
use crate::reference::{clusters, occupations, programs};

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// Sets a valid value for one field, by its API name.
fn set(input: &mut PostingInput, field: &str) {
    match field {
        "title" => input.title = "数控车工".into(),
        "description" => input.description = "负责数控车床编程与操作。\n两班倒。".into(),
        "skills" => input.skills = strings(&["数控编程", "CAD/CAM"]),
        "region" => input.region = "330603".into(),
        "starts_on" => input.starts_on = Some("2025-09-01".into()),
        "ends_on" => input.ends_on = Some("2025-12-31".into()),
        "quantity" => input.quantity = Some(12.into()),
        "education_level" => input.education_level = Some("gaozhi_zhuanke".into()),
        "program_codes" => input.program_codes = strings(&["460103"]),
        "occupation_codes" => input.occupation_codes = strings(&["6-18-01-01"]),
        "industry_clusters" => input.industry_clusters = strings(&["hq_equipment"]),
        "certificates" => input.certificates = strings(&["数控车铣加工（1+X）中级"]),
        "amount_yuan" => input.amount_yuan = Some("3500".into()),
        "apprenticeship_type" => input.apprenticeship_type = Some("modern".into()),
        "annual_enrolment" => input.annual_enrolment = Some(45.into()),
        "equipment" => input.equipment = strings(&["五轴加工中心 ×4", "数控车床 ×20"]),
        "open_periods" => input.open_periods = strings(&["周一至周五 8:30-17:00", "寒暑假"]),
        other => panic!("no such field {other}"),
    }
}

/// The smallest valid input of a kind: its required fields only.
fn minimal(kind: PostingKind) -> PostingInput {
    let mut input = PostingInput { kind: kind.as_str().into(), ..PostingInput::default() };
    for (field, rule) in kind.spec().rules() {
        if rule == Rule::Required {
            set(&mut input, field);
        }
    }
    input
}

fn fields_of(result: Result<NewPosting, Invalids>) -> Vec<(String, Invalid)> {
    result.unwrap_err().0.into_iter().map(|FieldError { field, invalid }| (field, invalid)).collect()
}

#[test]
fn every_kind_parses_with_its_required_fields_alone() {
    for &kind in PostingKind::ALL {
        let posting = NewPosting::parse(&minimal(kind)).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(posting.kind, kind);
        assert_eq!(posting.side(), kind.side());
    }
}

#[test]
fn every_kind_parses_with_all_its_allowed_fields() {
    for &kind in PostingKind::ALL {
        let mut input = minimal(kind);
        for (field, rule) in kind.spec().rules() {
            if rule != Rule::Forbidden {
                set(&mut input, field);
            }
        }
        NewPosting::parse(&input).unwrap_or_else(|e| panic!("{kind}: {e}"));
    }
}

#[test]
fn every_kind_names_each_missing_required_field() {
    for &kind in PostingKind::ALL {
        for (field, rule) in kind.spec().rules() {
            if rule != Rule::Required {
                continue;
            }
            let mut input = PostingInput { kind: kind.as_str().into(), ..PostingInput::default() };
            for (other, other_rule) in kind.spec().rules() {
                if other_rule == Rule::Required && other != field {
                    set(&mut input, other);
                }
            }
            assert_eq!(fields_of(NewPosting::parse(&input)), [(field.to_owned(), Invalid::Required)], "{kind} {field}");
        }
    }
}

#[test]
fn every_kind_refuses_each_field_it_does_not_take() {
    for &kind in PostingKind::ALL {
        for (field, rule) in kind.spec().rules() {
            if rule != Rule::Forbidden {
                continue;
            }
            let mut input = minimal(kind);
            set(&mut input, field);
            let expected = (
                field.to_owned(),
                Invalid::NotAllowed(Text::new("not used by this kind of posting", "此类发布不使用该项")),
            );
            assert_eq!(fields_of(NewPosting::parse(&input)), [expected], "{kind} {field}");
        }
    }
}

#[test]
fn reports_every_bad_field_at_once() {
    let input = PostingInput {
        kind: "job".into(),
        title: "x".into(),
        description: "ok\u{0}".into(),
        skills: vec!["长".repeat(31)],
        region: "110101".into(),
        starts_on: Some("2025-09-10".into()),
        ends_on: Some("2025-09-01".into()),
        quantity: Some((-3).into()),
        program_codes: strings(&["999999"]),
        occupation_codes: strings(&["6-18-01-01", "bad"]),
        industry_clusters: strings(&["steel"]),
        amount_yuan: Some("-1".into()),
        apprenticeship_type: Some("modern".into()),
        ..PostingInput::default()
    };
    let fields: Vec<String> = fields_of(NewPosting::parse(&input)).into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        fields,
        [
            "title",
            "description",
            "skills[0]",
            "region",
            "ends_on",
            "quantity",
            "program_codes[0]",
            "occupation_codes[1]",
            "industry_clusters[0]",
            "amount_yuan",
            "apprenticeship_type"
        ]
    );
}

#[test]
fn fields_are_checked_even_without_a_kind() {
    let input = PostingInput {
        kind: "internship".into(),
        title: "实习".into(),
        region: "330603".into(),
        quantity: Some("十二".into()),
        ..PostingInput::default()
    };
    let fields: Vec<String> = fields_of(NewPosting::parse(&input)).into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["kind", "quantity"]);
}

#[test]
fn a_side_posts_only_its_own_kinds() {
    let job = minimal(PostingKind::Job);
    assert!(NewPosting::parse_for_side(&job, Side::Enterprise).is_ok());
    assert_eq!(
        fields_of(NewPosting::parse_for_side(&job, Side::School)),
        [("kind".to_owned(), Invalid::NotAllowed(Text::new("a kind that enterprises post", "该类发布只能由企业发布")))]
    );
    let base = minimal(PostingKind::K12CareerBase);
    assert!(NewPosting::parse_for_side(&base, Side::Enterprise).is_err());
}

#[test]
fn text_bounds_and_control_characters() {
    let mut input = minimal(PostingKind::Job);
    input.title = "长".repeat(80);
    input.description = "段".repeat(5000);
    assert!(NewPosting::parse(&input).is_ok());
    input.title = "长".repeat(81);
    input.description = "段".repeat(5001);
    assert_eq!(
        fields_of(NewPosting::parse(&input)),
        [
            ("title".to_owned(), Invalid::TooLong { max: 80 }),
            ("description".to_owned(), Invalid::TooLong { max: 5000 })
        ]
    );
    input.title = "数控\n车工".into();
    input.description = "第一行\r\n第二行\t缩进\u{1b}[31m".into();
    assert_eq!(
        fields_of(NewPosting::parse(&input)),
        [("title".to_owned(), Invalid::ControlCharacters), ("description".to_owned(), Invalid::ControlCharacters)]
    );
}

#[test]
fn markup_is_kept_as_text() {
    let mut input = minimal(PostingKind::Job);
    input.title = "<script>alert(1)</script>".into();
    input.description = "<b>包吃住</b> & 五险一金".into();
    let posting = NewPosting::parse(&input).unwrap();
    assert_eq!(posting.title.as_str(), "<script>alert(1)</script>");
    assert_eq!(posting.description.as_str(), "<b>包吃住</b> & 五险一金");
}

#[test]
fn list_bounds() {
    let mut input = minimal(PostingKind::Job);
    input.skills = (0..31).map(|i| format!("技能{i}")).collect();
    input.program_codes = programs().iter().take(11).map(|p| p.code.as_str().to_owned()).collect();
    input.occupation_codes = occupations().iter().take(11).map(|o| o.code.as_str().to_owned()).collect();
    input.certificates = (0..21).map(|i| format!("证书{i}")).collect();
    assert_eq!(
        fields_of(NewPosting::parse(&input)),
        [
            ("skills".to_owned(), Invalid::TooMany { max: 30 }),
            ("program_codes".to_owned(), Invalid::TooMany { max: 10 }),
            ("occupation_codes".to_owned(), Invalid::TooMany { max: 10 }),
            ("certificates".to_owned(), Invalid::TooMany { max: 20 }),
        ]
    );
}

#[test]
fn lists_are_normalized_once() {
    let mut input = minimal(PostingKind::Job);
    input.skills = strings(&[" 焊接 ", "", "焊接", "钳工"]);
    input.program_codes = strings(&["460103", " 460103 ", "520101"]);
    input.industry_clusters = strings(&["高端装备", "HQ_EQUIPMENT", "metalwork"]);
    input.occupation_codes = strings(&["6180101", "6-18-01-01"]);
    let posting = NewPosting::parse(&input).unwrap();
    assert_eq!(posting.skills, ["焊接", "钳工"]);
    let codes: Vec<&str> = posting.program_codes.iter().map(|c| c.as_str()).collect();
    assert_eq!(codes, ["460103", "520101K"]);
    let clusters: Vec<&str> = posting.industry_clusters.iter().map(|c| c.as_str()).collect();
    assert_eq!(clusters, ["hq_equipment", "metalwork"]);
    assert_eq!(posting.occupation_codes.len(), 1);
}

#[test]
fn dates_are_ordered_and_plausible() {
    let mut input = minimal(PostingKind::Job);
    input.starts_on = Some("2025-09-01".into());
    input.ends_on = Some("2025-09-01".into());
    assert!(NewPosting::parse(&input).is_ok(), "a one-day window");
    input.ends_on = Some("2025-08-31".into());
    assert_eq!(
        fields_of(NewPosting::parse(&input)),
        [(
            "ends_on".to_owned(),
            Invalid::NotAllowed(Text::new("an end date before the start date", "结束日期早于开始日期"))
        )]
    );
    input.ends_on = Some("3025-08-31".into());
    assert_eq!(
        fields_of(NewPosting::parse(&input)),
        [("ends_on".to_owned(), Invalid::OutOfRange { min: 2000, max: 2100 })]
    );
    input.starts_on = Some("next monday".into());
    input.ends_on = Some(" ".into());
    assert_eq!(
        fields_of(NewPosting::parse(&input)),
        [("starts_on".to_owned(), Invalid::Format(Text::new("a date like 2025-09-01", "日期，如 2025-09-01")))]
    );
}

#[test]
fn quantities_are_bounded_for_every_kind() {
    for &kind in PostingKind::ALL {
        for bad in [0, -1, 100_001] {
            let mut input = minimal(kind);
            input.quantity = Some(bad.into());
            assert_eq!(
                fields_of(NewPosting::parse(&input)),
                [("quantity".to_owned(), Invalid::OutOfRange { min: 1, max: 100_000 })]
            );
        }
        let mut input = minimal(kind);
        input.quantity = Some(100_000.into());
        assert_eq!(NewPosting::parse(&input).unwrap().quantity.unwrap().get(), 100_000);
    }
}

#[test]
fn amounts_are_bounded_by_what_they_mean() {
    let mut job = minimal(PostingKind::Job);
    job.amount_yuan = Some(1_000_000.into());
    assert_eq!(NewPosting::parse(&job).unwrap().amount.unwrap().fen(), 100_000_000);
    job.amount_yuan = Some(1_000_001.into());
    assert_eq!(
        fields_of(NewPosting::parse(&job)),
        [("amount_yuan".to_owned(), Invalid::OutOfRange { min: 0, max: 1_000_000 })]
    );
    let mut rnd = minimal(PostingKind::RndCooperation);
    rnd.amount_yuan = Some("5000000.00".into());
    assert!(NewPosting::parse(&rnd).is_ok(), "an R&D budget may be millions");
    let mut course = minimal(PostingKind::TrainingCourse);
    course.amount_yuan = Some(0.into());
    assert_eq!(NewPosting::parse(&course).unwrap().amount.unwrap().fen(), 0, "free courses exist");
}

#[test]
fn amounts_read_as_people_write_them() {
    assert_eq!(Yuan::from_fen(220_000).to_string(), "2200");
    assert_eq!(Yuan::from_fen(350_050).to_string(), "3500.50");
    assert_eq!(Yuan::from_fen(0).to_string(), "0");
}

#[test]
fn a_program_offering_is_one_program_at_its_own_level() {
    let mut input = minimal(PostingKind::ProgramOffering);
    let posting = NewPosting::parse(&input).unwrap();
    assert_eq!(posting.education_level, Some(SchoolLevel::GaozhiZhuanke), "the level comes from the program");
    input.education_level = Some("zhongzhi".into());
    assert_eq!(
        fields_of(NewPosting::parse(&input)),
        [(
            "education_level".to_owned(),
            Invalid::NotAllowed(Text::new("a level other than the program's own", "与所选专业的层次不一致"))
        )]
    );
    input.education_level = None;
    input.program_codes = strings(&["460103", "460104"]);
    assert_eq!(fields_of(NewPosting::parse(&input)), [("program_codes".to_owned(), Invalid::TooMany { max: 1 })]);
    input.program_codes = strings(&["460103"]);
    input.annual_enrolment = Some(0.into());
    assert_eq!(NewPosting::parse(&input).unwrap().annual_enrolment.unwrap().get(), 0);
}

#[test]
fn apprenticeships_name_their_scheme() {
    let mut input = minimal(PostingKind::Apprenticeship);
    input.apprenticeship_type = Some("enterprise_new".into());
    assert_eq!(NewPosting::parse(&input).unwrap().apprenticeship_type, Some(ApprenticeshipType::EnterpriseNew));
    input.apprenticeship_type = Some("现代学徒制".into());
    assert_eq!(
        fields_of(NewPosting::parse(&input)),
        [(
            "apprenticeship_type".to_owned(),
            Invalid::Format(Text::new(
                "one of modern, enterprise_new",
                "modern（现代学徒制）、enterprise_new（企业新型学徒制）之一"
            ))
        )]
    );
}

#[test]
fn deserializes_from_json_with_numbers_as_numbers_or_text() {
    let json = r#"{"kind": "job", "title": "数控车工", "region": "330603", "quantity": 12,
        "amount_yuan": 3500.5, "skills": ["数控编程"], "unknown_field": true}"#;
    let input: PostingInput = serde_json::from_str(json).unwrap();
    let posting = NewPosting::parse(&input).unwrap();
    assert_eq!((posting.quantity.unwrap().get(), posting.amount.unwrap().fen()), (12, 350_050));
    let json = r#"{"kind": "job", "title": "数控车工", "region": "330603", "quantity": "12"}"#;
    assert!(NewPosting::parse(&serde_json::from_str(json).unwrap()).is_ok());
    let out = serde_json::to_value(&posting).unwrap();
    assert_eq!(out["amount_yuan"], 3500.5);
    assert_eq!(out["kind"], "job");
    assert!(out.get("starts_on").is_some(), "the window is flattened into the posting");
}

/// A valid input of any kind: required fields always, optional ones by `mask`, random values.
fn any_valid_input() -> impl Strategy<Value = PostingInput> {
    let texts = |pattern: &'static str, max: usize| prop::collection::vec(pattern, 1..max);
    (
        (prop::sample::select(PostingKind::ALL), "[\\u{4e00}-\\u{9fa5}]{2,40}", "[\\u{4e00}-\\u{9fa5}<>&\\n ]{0,200}"),
        (
            texts("[\\u{4e00}-\\u{9fa5}a-z+/]{1,10}", 6),
            prop::sample::select(&["330602", "330603", "330624", "330681", "330603001"][..]),
        ),
        (0u64..3000, 0u64..1000, 1i64..=100_000, prop::sample::select(SchoolLevel::ALL)),
        (
            0..programs().len(),
            prop::collection::vec(0..occupations().len(), 1..4),
            prop::collection::vec(0..clusters().len(), 1..4),
        ),
        (texts("[\\u{4e00}-\\u{9fa5}0-9+X（）]{1,20}", 4), 0i64..=10_000_000, any::<bool>(), 0i64..=100_000),
        // An item of spaces only is blank, which a required list rejects: items start with a
        // character.
        (
            texts("[\\u{4e00}-\\u{9fa5}×0-9][\\u{4e00}-\\u{9fa5}×0-9 ]{0,29}", 5),
            texts("[\\u{4e00}-\\u{9fa5}0-9:\\-]{1,30}", 4),
            any::<u32>(),
        ),
    )
        .prop_map(
            |(
                (kind, title, description),
                (skills, region),
                (start, length, quantity, level),
                (program, occs, clus),
                (certs, fen, modern, enrolment),
                (equipment, periods, mask),
            )| {
                let mut input = PostingInput { kind: kind.as_str().into(), ..PostingInput::default() };
                let base = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
                let program = &programs()[program];
                for (bit, (field, rule)) in kind.spec().rules().into_iter().enumerate() {
                    if rule == Rule::Forbidden || (rule == Rule::Optional && mask & (1 << bit) == 0) {
                        continue;
                    }
                    match field {
                        "title" => input.title = title.clone(),
                        "description" => input.description = description.clone(),
                        "skills" => input.skills = skills.clone(),
                        "region" => input.region = region.into(),
                        "starts_on" => input.starts_on = Some((base + chrono::Days::new(start)).to_string()),
                        "ends_on" => input.ends_on = Some((base + chrono::Days::new(start + length)).to_string()),
                        "quantity" => input.quantity = Some(quantity.into()),
                        "education_level" if kind == PostingKind::ProgramOffering => {
                            input.education_level = Some(program.level.as_str().into());
                        }
                        "education_level" => input.education_level = Some(level.as_str().into()),
                        "program_codes" => input.program_codes = vec![program.code.as_str().into()],
                        "occupation_codes" => {
                            input.occupation_codes =
                                occs.iter().map(|&i| occupations()[i].code.as_str().into()).collect()
                        }
                        "industry_clusters" => {
                            input.industry_clusters = clus.iter().map(|&i| clusters()[i].name_zh.clone()).collect()
                        }
                        "certificates" => input.certificates = certs.clone(),
                        "amount_yuan" => input.amount_yuan = Some(Yuan::from_fen(fen).to_string().as_str().into()),
                        "apprenticeship_type" => {
                            input.apprenticeship_type = Some(if modern { "modern" } else { "enterprise_new" }.into())
                        }
                        "annual_enrolment" => input.annual_enrolment = Some(enrolment.into()),
                        "equipment" => input.equipment = equipment.clone(),
                        "open_periods" => input.open_periods = periods.clone(),
                        other => panic!("no such field {other}"),
                    }
                }
                input
            },
        )
}

fn blank_or(pattern: &'static str) -> impl Strategy<Value = Option<String>> {
    prop::option::of(pattern)
}

proptest! {
    #[test]
    fn valid_inputs_parse_and_survive_the_round_trip(input in any_valid_input()) {
        let posting = NewPosting::parse(&input).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(NewPosting::parse(&posting.to_input()), Ok(posting));
    }

    #[test]
    fn parsing_anything_never_panics_and_names_only_real_fields(
        kind in prop::sample::select(PostingKind::ALL).prop_map(|k| k.as_str().to_owned()),
        title in "\\PC{0,100}",
        region in "[0-9]{0,9}",
        starts_on in blank_or("[0-9/\\-]{0,12}"),
        ends_on in blank_or("[0-9/\\-]{0,12}"),
        quantity in blank_or("-?[0-9.]{0,8}"),
        codes in prop::collection::vec("[0-9A-Z\\-]{0,11}", 0..12),
        amount in blank_or("[¥\\-0-9.,元]{0,12}"),
    ) {
        let input = PostingInput {
            kind,
            title,
            region,
            starts_on,
            ends_on,
            quantity: quantity.map(NumberInput::Text),
            program_codes: codes.clone(),
            occupation_codes: codes,
            amount_yuan: amount.map(NumberInput::Text),
            ..PostingInput::default()
        };
        if let Err(errors) = NewPosting::parse(&input) {
            prop_assert!(!errors.is_empty());
            let spec = PostingKind::Job.spec();
            for error in errors.0 {
                let base = error.field.split('[').next().unwrap_or_default();
                prop_assert!(base == "kind" || spec.rule(base).is_some(), "unknown field {}", error.field);
            }
        }
    }
}
