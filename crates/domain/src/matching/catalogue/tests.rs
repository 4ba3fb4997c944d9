//! The catalogue model on the embedded lists plus a small crosswalk and profile written for the
//! tests (the national crosswalk and profiles may not be copied into the project; the end-to-end
//! evaluation reads them from ../shared/data at run time).

use super::*;
use crate::posting::{NewPosting, PostingInput};

fn tokenize(text: &str) -> Vec<String> {
    // Good enough for tests: the bigram tokens; the API passes the search crate's analyser.
    bigrams(text)
}

fn texts() -> ReferenceTexts {
    let mut texts = ReferenceTexts {
        crosswalk: vec![
            (SchoolLevel::GaozhiZhuanke, "460103".into(), "6-18-01-01".into()),
            (SchoolLevel::GaozhiZhuanke, "460102".into(), "6-18-01-02".into()),
            (SchoolLevel::Zhongzhi, "660103".into(), "6-18-01-01".into()),
        ],
        ..ReferenceTexts::default()
    };
    texts.profiles.insert(
        "460104".into(),
        ("面向车工、铣工等职业，机械加工等岗位（群）。".into(), "面向车工、铣工等职业 数控编程 机床操作".into()),
    );
    texts.definitions.insert("6-18-01-01".into(), "使用车床加工工件的人员。操作数控车床，编制加工程序。".into());
    texts
}

fn model() -> CatalogueModel {
    CatalogueModel::new(&texts(), &tokenize)
}

fn posting(kind: &str, extra: impl FnOnce(&mut PostingInput)) -> NewPosting {
    let mut input = PostingInput {
        kind: kind.into(),
        title: "数控车工".into(),
        description: "数控车床操作".into(),
        region: "330603".into(),
        quantity: Some(10.into()),
        ..PostingInput::default()
    };
    extra(&mut input);
    NewPosting::parse(&input).unwrap_or_else(|e| panic!("{kind}: {e}"))
}

fn offering(code: &str, level: &str) -> NewPosting {
    posting("program_offering", |i| {
        i.program_codes = vec![code.into()];
        i.education_level = Some(level.into());
        i.annual_enrolment = Some(40.into());
    })
}

#[test]
fn finds_the_occupation_a_title_is_about() {
    let model = model();
    let found = model.occupations_for("数控车工（两班倒）");
    let (top, confidence) = found[0];
    assert_eq!(model.occupation(top).code.as_str(), "6-18-01-01");
    assert_eq!(confidence, 1.0);
    assert!(found.len() <= TOP_OCCUPATIONS && found.windows(2).all(|w| w[0].1 >= w[1].1));
    assert!(model.occupations_for("😀 !!").is_empty());
}

#[test]
fn ranks_crosswalked_programs_first_and_says_why() {
    let model = model();
    let query = "车工：操作数控车床，编制加工程序";
    let ranked = model.rank(query, &tokenize(query), SchoolLevel::GaozhiZhuanke, &[]);
    assert_eq!(ranked[0].program.code.as_str(), "460103");
    assert_eq!(ranked[0].reason.as_ref().unwrap().zh, "专业面向 车工 职业");
    assert!(ranked.iter().all(|r| r.program.level == SchoolLevel::GaozhiZhuanke));
    assert!(ranked.windows(2).all(|w| w[0].score >= w[1].score));
    // The class lift: machining programs fill the top ahead of other fields.
    assert!(ranked[..5].iter().all(|r| r.program.class_code == "4601"), "{:?}", &ranked[..5]);
}

#[test]
fn withheld_occupations_fall_back_on_the_hierarchy_and_profiles() {
    let model = model();
    let query = "车工：操作数控车床，编制加工程序";
    let ranked = model.rank(query, &tokenize(query), SchoolLevel::GaozhiZhuanke, &["6-18-01-01"]);
    let reasons: Vec<String> = ranked[..3].iter().filter_map(|r| r.reason.as_ref().map(|r| r.zh.clone())).collect();
    assert!(!reasons.iter().any(|r| r == "专业面向 车工 职业"), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("同类的 铣工") || r.contains("职业面向包括 车工")), "{reasons:?}");
    assert!(ranked[..3].iter().any(|r| r.program.code.as_str() == "460104"), "the profile names 车工");
}

#[test]
fn baseline_ranks_by_text_alone() {
    let model = model();
    let ranked = model.rank_by_text(&tokenize("数控"), SchoolLevel::GaozhiZhuanke);
    assert_eq!(ranked[0].program.name, "数控技术");
    assert!(ranked.iter().all(|r| r.fit == 0.0 && r.reason.is_none()));
}

#[test]
fn fits_postings_by_occupation_codes_text_and_program_codes() {
    let model = model();
    let job = posting("job", |i| i.occupation_codes = vec!["6-18-01-01".into()]);
    let fit = model.posting_fit(&job, &offering("460103", "gaozhi_zhuanke")).unwrap();
    assert_eq!(fit.score, 1.0);
    assert_eq!(fit.reason.zh, "专业面向 车工 职业");
    assert_eq!(fit.reason.en, "The program leads to 车工");
    // Both ways round, and from the title alone when there are no codes.
    let untagged = posting("job", |_| {});
    let from_school = model.posting_fit(&offering("460103", "gaozhi_zhuanke"), &untagged).unwrap();
    assert!(from_school.score > 0.5, "{from_school:?}");
    // Another level: the crosswalk lists the 中职 program for 车工 too.
    assert_eq!(model.posting_fit(&job, &offering("660103", "zhongzhi")).unwrap().score, 1.0);
    // Program codes asked for by the enterprise.
    let wants = posting("job", |i| i.program_codes = vec!["460101".into()]);
    let same_class = model.posting_fit(&wants, &offering("460105", "gaozhi_zhuanke")).unwrap();
    assert_eq!(same_class.score, 0.7);
    assert!(same_class.reason.zh.starts_with("同属"));
    let other_level = model.posting_fit(&wants, &offering("660102", "zhongzhi")).unwrap();
    assert!(other_level.reason.zh.contains("不同层次的同类专业"), "{other_level:?}");
    // Known on both sides but unconnected: a poor fit, said so.
    let unrelated = model.posting_fit(&job, &offering("740201", "zhongzhi")).unwrap();
    assert_eq!(unrelated.score, 0.0);
    assert!(unrelated.reason.zh.contains("没有对应关系"), "{unrelated:?}");
    // Nothing to compare: two enterprise kinds, no programs.
    assert!(model.posting_fit(&job, &untagged).is_none());
}

#[test]
fn maps_classes_across_vocational_levels_only() {
    assert_eq!(class_at("4601", SchoolLevel::Zhongzhi).as_deref(), Some("6601"));
    assert_eq!(class_at("5301", SchoolLevel::GaozhiBenke).as_deref(), Some("3301"));
    assert_eq!(class_at("0809", SchoolLevel::Zhongzhi), None);
}

#[test]
fn one_program_fits_as_its_row_of_the_whole_level() {
    let model = model();
    for code in ["6-18-01-01", "6-18-01-02", "6-18-01-03", "2-02-07-01"] {
        let o = model.position[code];
        for li in 0..3 {
            let rows = model.ways(o, li, &[]);
            for (p, row) in rows.iter().enumerate() {
                assert_eq!(model.ways_at(o, li, p), *row, "{code} level {li} program {p}");
            }
        }
    }
}
