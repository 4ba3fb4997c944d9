//! Tests over small realistic indexes in memory.

mod estimates;
mod facets;
mod hostile;
mod index;
mod search;
mod similar;
mod suggest;

use chanjiao_domain::{ClusterId, PostingKind, PostingStatus, ProgramCode, RegionCode, SchoolLevel};
use chrono::{NaiveDate, TimeZone, Utc};

use crate::{Change, IndexDoc, SearchIndex, SearchRequest, SearchResults};

/// A listed posting with everything optional left empty; created on day `id` of March 2025.
pub(crate) fn posting(id: u64, kind: PostingKind, title: &str, description: &str) -> IndexDoc {
    IndexDoc {
        id,
        kind,
        status: PostingStatus::Published,
        organization_id: 1,
        organization_name: "绍兴精工机械有限公司".to_owned(),
        title: title.to_owned(),
        description: description.to_owned(),
        skills: Vec::new(),
        certificates: Vec::new(),
        region: region("330602"),
        clusters: Vec::new(),
        education_level: None,
        program_codes: Vec::new(),
        occupation_codes: Vec::new(),
        extra_text: String::new(),
        created_at: Utc.with_ymd_and_hms(2025, 3, (id % 28 + 1) as u32, 9, 0, 0).unwrap(),
        ends_on: None,
    }
}

pub(crate) fn region(code: &str) -> RegionCode {
    RegionCode::parse(code).unwrap()
}

pub(crate) fn cluster(id: &str) -> ClusterId {
    ClusterId::parse(id).unwrap()
}

pub(crate) fn program(code: &str) -> ProgramCode {
    ProgramCode::parse(code).unwrap()
}

pub(crate) fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, m, d).unwrap()
}

/// An index in memory holding `docs`, committed at sequence 1.
pub(crate) fn index_of(docs: Vec<IndexDoc>) -> SearchIndex {
    let index = SearchIndex::in_ram().unwrap();
    let changes: Vec<Change> = docs.into_iter().map(Change::Upsert).collect();
    index.apply(&changes, 1).unwrap();
    index
}

pub(crate) fn search(index: &SearchIndex, q: &str) -> SearchResults {
    index.search(&SearchRequest { q: q.to_owned(), ..Default::default() }).unwrap()
}

pub(crate) fn ids(results: &SearchResults) -> Vec<u64> {
    results.hits.iter().map(|h| h.id).collect()
}

/// Postings of Shaoxing's clusters, the corpus most tests search.
pub(crate) fn corpus() -> Vec<IndexDoc> {
    use PostingKind::*;
    let mut cnc = posting(1, Job, "CNC操作工", "负责CNC设备的日常操作与保养，能看懂机械图纸，两班倒。");
    cnc.region = region("330603");
    cnc.clusters = vec![cluster("hq_equipment")];
    cnc.skills = vec!["看图".to_owned(), "设备保养".to_owned()];

    let mut program_offering = posting(
        2,
        ProgramOffering,
        "数控技术专业毕业生供给",
        "我校数控技术专业每年毕业生约120人，掌握机床编程与操作。",
    );
    program_offering.organization_name = "绍兴职业技术学院".to_owned();
    program_offering.program_codes = vec![program("460103")];
    program_offering.education_level = Some(SchoolLevel::GaozhiZhuanke);

    let mut apprenticeship = posting(
        3,
        Apprenticeship,
        "现代学徒制电气自动化学徒",
        "与绍兴职业技术学院合作开展现代学徒制，学徒每月补贴2000元，学习PLC编程。",
    );
    apprenticeship.region = region("330604");
    apprenticeship.clusters = vec![cluster("hq_equipment")];

    let mut order_class =
        posting(4, OrderClass, "集成电路封装测试订单班", "面向封装测试岗位，学生毕业后直接入职，企业承担学费。");
    order_class.region = region("330602001");
    order_class.clusters = vec![cluster("ic")];

    let mut ecommerce = posting(5, Job, "跨境电商运营专员", "负责亚马逊店铺运营与推广，英语四级以上。");
    ecommerce.region = region("330603001");
    ecommerce.clusters = vec![cluster("logistics")];

    let mut dyeing = posting(6, Job, "印染车间技术员", "熟悉染整工艺，有印染企业三年以上经验者优先。");
    dyeing.region = region("330603");
    dyeing.clusters = vec![cluster("dyeing")];

    let mut wine = posting(7, TrainingCourse, "黄酒酿造技艺培训", "绍兴黄酒传统酿造工艺培训课程，每期三十人。");
    wine.organization_name = "绍兴市黄酒行业协会".to_owned();
    wine.clusters = vec![cluster("huangjiu")];

    let plc = posting(8, Job, "自动化工程师", "负责可编程控制器程序设计与现场调试。");

    let mut english = posting(9, Job, "Welding Robot Technician", "Maintain industrial welding robots in Shangyu.");
    english.region = region("330604");

    vec![cnc, program_offering, apprenticeship, order_class, ecommerce, dyeing, wine, plc, english]
}
