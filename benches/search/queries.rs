//! The fixed query mix, the same for every engine: words and phrases users type, drawn from the
//! generator's vocabulary, alone and with filters.

use chanjiao_domain::{ClusterId, PostingKind, RegionCode};
use chanjiao_search::{Filters, SearchRequest};

/// What a query exercises, for the per-class rows of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    OneTerm,
    MultiTerm,
    Phrase,
    Filtered,
}

impl Class {
    pub const ALL: [Class; 4] = [Class::OneTerm, Class::MultiTerm, Class::Phrase, Class::Filtered];

    pub fn name(self) -> &'static str {
        match self {
            Class::OneTerm => "1 term",
            Class::MultiTerm => "2–3 terms",
            Class::Phrase => "phrase (long word)",
            Class::Filtered => "filtered",
        }
    }
}

/// One query as typed, with its filters.
#[derive(Debug, Clone)]
pub struct BenchQuery {
    pub class: Class,
    /// Free text; words separated by spaces.
    pub q: &'static str,
    pub kind: Option<PostingKind>,
    /// A county (six digits) or township (nine digits) of 绍兴市.
    pub region: Option<&'static str>,
    pub cluster: Option<&'static str>,
}

impl BenchQuery {
    /// The words as typed, each to be found somewhere in the posting.
    pub fn terms(&self) -> Vec<&'static str> {
        self.q.split_whitespace().collect()
    }

    /// The request the API would make for this query: first page of 20, by relevance, facets
    /// always computed.
    pub fn request(&self) -> SearchRequest {
        SearchRequest {
            q: self.q.to_owned(),
            filters: Filters {
                kinds: self.kind.into_iter().collect(),
                region: self.region.map(|r| RegionCode::parse(r).expect("known region")),
                clusters: self.cluster.map(|c| ClusterId::parse(c).expect("known cluster")).into_iter().collect(),
                ..Filters::default()
            },
            limit: 20,
            ..SearchRequest::default()
        }
    }
}

const fn q(class: Class, q: &'static str) -> BenchQuery {
    BenchQuery { class, q, kind: None, region: None, cluster: None }
}

const fn f(
    q: &'static str,
    kind: Option<PostingKind>,
    region: Option<&'static str>,
    cluster: Option<&'static str>,
) -> BenchQuery {
    BenchQuery { class: Class::Filtered, q, kind, region, cluster }
}

/// The mix, 48 queries: 12 of each class. Runs cycle through it in order.
pub fn mix() -> Vec<BenchQuery> {
    use Class::*;
    use PostingKind::*;
    vec![
        q(OneTerm, "数控"),
        q(OneTerm, "印染"),
        q(OneTerm, "黄酒"),
        q(OneTerm, "珍珠"),
        q(OneTerm, "焊接"),
        q(OneTerm, "直播"),
        q(OneTerm, "PLC"),
        q(OneTerm, "模具"),
        q(OneTerm, "实习"),
        q(OneTerm, "化工"),
        q(OneTerm, "检验"),
        q(OneTerm, "学徒"),
        q(MultiTerm, "印染 工艺"),
        q(MultiTerm, "集成电路 封装"),
        q(MultiTerm, "跨境电商 运营"),
        q(MultiTerm, "黄酒 酿造"),
        q(MultiTerm, "PLC 编程 柯桥"),
        q(MultiTerm, "数控 编程"),
        q(MultiTerm, "焊接 机器人"),
        q(MultiTerm, "珍珠 直播 诸暨"),
        q(MultiTerm, "面料 打样"),
        q(MultiTerm, "仓储 供应链"),
        q(MultiTerm, "化工 安全 培训"),
        q(MultiTerm, "模具 设计 上虞"),
        q(Phrase, "工业机器人"),
        q(Phrase, "集成电路封装"),
        q(Phrase, "跨境电子商务"),
        q(Phrase, "机器视觉"),
        q(Phrase, "黄酒酿造"),
        q(Phrase, "食品安全"),
        q(Phrase, "职业技能等级证书"),
        q(Phrase, "现代学徒制"),
        q(Phrase, "短视频运营"),
        q(Phrase, "设备维护"),
        q(Phrase, "质量检验"),
        q(Phrase, "五险一金"),
        f("数控", Some(Job), None, None),
        f("印染 工艺", None, Some("330603"), None),
        f("黄酒", None, None, Some("huangjiu")),
        f("焊接", Some(Apprenticeship), Some("330681"), None),
        f("实习", Some(PracticePlaceNeed), None, Some("hq_equipment")),
        f("直播 运营", None, Some("330602"), Some("logistics")),
        f("芯片", Some(Job), Some("330604"), Some("ic")),
        f("培训", Some(EmployeeTraining), None, None),
        f("毕业生", Some(ProgramOffering), Some("330683"), None),
        f("检验", None, Some("330603001"), None),
        f("工艺", None, None, Some("dyeing")),
        f("设备", Some(TrainingBaseHosted), Some("330624"), None),
    ]
}
