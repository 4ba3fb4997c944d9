//! A deterministic generator of realistic Chinese postings.
//!
//! The sentences come from the demo's hand-written banks in `crates/tools/src/demo/texts*.rs`
//! (compiled into this bench with `#[path]`, since they are private to the api crate): per
//! industry cluster its roles, skills, duties, workplace sentences, certificates, training and
//! research topics, bases and pupils' activities; per posting kind its title templates and the
//! opening, ask, offer and schedule sentences of a description. The generator picks and fills
//! them with a fixed-seed PRNG, so every run (and every engine) sees the same corpus.

use chanjiao_domain::region::{RegionLevel, children};
use chanjiao_domain::{
    ClusterId, OccupationCode, PostingKind, PostingStatus, ProgramCode, RegionCode, SchoolLevel, Side,
};
use chanjiao_search::IndexDoc;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use crate::texts::{self, ClusterText, KindText, Topic};
use crate::{texts_enterprise as ent, texts_school as sch};

/// SplitMix64: tiny, fast and good enough to pick phrases.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`; `n` must be positive.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn range(&mut self, low: u32, high: u32) -> u32 {
        low + self.below((high - low + 1) as usize) as u32
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn phrase(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }

    /// Up to `n` distinct items, in a random order.
    pub fn some<T: Clone>(&mut self, items: &[T], n: usize) -> Vec<T> {
        let mut order: Vec<usize> = (0..items.len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, self.below(i + 1));
        }
        order.into_iter().take(n).map(|i| items[i].clone()).collect()
    }
}

/// Kinds with their relative frequency: jobs and program offerings dominate a real platform.
const KIND_WEIGHTS: &[(PostingKind, usize)] = &[
    (PostingKind::Job, 30),
    (PostingKind::Apprenticeship, 8),
    (PostingKind::OrderClass, 5),
    (PostingKind::TrainingBaseHosted, 5),
    (PostingKind::TeacherPracticePost, 4),
    (PostingKind::TechnicianToCampus, 3),
    (PostingKind::EmployeeTraining, 4),
    (PostingKind::RndCooperation, 4),
    (PostingKind::ProgramOffering, 12),
    (PostingKind::PracticePlaceNeed, 7),
    (PostingKind::TeacherPracticeNeed, 3),
    (PostingKind::TeachingNeed, 3),
    (PostingKind::TrainingCourse, 4),
    (PostingKind::ResearchCapability, 3),
    (PostingKind::SharedTrainingBase, 3),
    (PostingKind::K12CareerBase, 2),
];

const ENTERPRISE_WORDS: &[&str] = &[
    "越华",
    "恒信",
    "兰亭",
    "鉴湖",
    "会稽",
    "稽山",
    "永利",
    "精工",
    "海亮",
    "天马",
    "东方",
    "新和",
    "卧龙",
    "万丰",
    "三花",
    "盾安",
    "宝业",
    "古越",
    "塔牌",
    "会稽山",
    "浙江",
    "江南",
    "曹娥",
    "若耶",
    "镜湖",
    "柯岩",
    "大禹",
    "龙山",
    "启明",
    "嘉诚",
    "华联",
    "中成",
];
const ENTERPRISE_TRADES: &[(&str, &str)] = &[
    ("ic", "微电子"),
    ("ic", "半导体"),
    ("hq_equipment", "智能装备"),
    ("hq_equipment", "机电"),
    ("biomed", "生物医药"),
    ("biomed", "药业"),
    ("new_materials", "新材料"),
    ("new_materials", "化纤"),
    ("dyeing", "印染"),
    ("dyeing", "纺织"),
    ("chemical", "化工"),
    ("chemical", "精细化工"),
    ("huangjiu", "酿酒"),
    ("huangjiu", "黄酒"),
    ("pearl", "珍珠"),
    ("pearl", "珠宝"),
    ("metalwork", "精密机械"),
    ("metalwork", "模具"),
    ("logistics", "供应链"),
    ("logistics", "电子商务"),
    ("culture_tourism", "文旅"),
    ("culture_tourism", "酒店管理"),
    ("creative", "文化创意"),
    ("creative", "数字传媒"),
];
const ENTERPRISE_FORMS: &[&str] = &["有限公司", "股份有限公司", "科技有限公司", "集团有限公司", "实业有限公司"];
const SCHOOLS: &[(&str, &str, SchoolLevel)] = &[
    ("绍兴职业技术学院", "绍职院", SchoolLevel::GaozhiZhuanke),
    ("浙江工业职业技术学院", "浙工院", SchoolLevel::GaozhiZhuanke),
    ("浙江邮电职业技术学院", "浙邮电", SchoolLevel::GaozhiZhuanke),
    ("浙江农业商贸职业学院", "农商院", SchoolLevel::GaozhiZhuanke),
    ("浙江越秀外国语学院", "越秀", SchoolLevel::PutongBenke),
    ("绍兴文理学院", "文理学院", SchoolLevel::PutongBenke),
    ("浙江理工大学科技与艺术学院", "浙理科艺", SchoolLevel::PutongBenke),
    ("绍兴市中等专业学校", "绍兴中专", SchoolLevel::Zhongzhi),
    ("绍兴市柯桥区职业教育中心", "柯桥职教中心", SchoolLevel::Zhongzhi),
    ("绍兴市上虞区职业教育中心", "上虞职教中心", SchoolLevel::Zhongzhi),
    ("诸暨技师学院", "诸暨技院", SchoolLevel::Zhongzhi),
    ("嵊州市职业教育中心", "嵊州职教中心", SchoolLevel::Zhongzhi),
    ("新昌技师学院", "新昌技院", SchoolLevel::Zhongzhi),
    ("绍兴市职业教育中心", "绍兴职教中心", SchoolLevel::Zhongzhi),
];
const OPEN_PERIODS: &[&str] = &["每年3月至6月", "每年9月至12月", "寒暑假期间", "工作日全天", "每周二、周四下午"];

/// The text banks of every cluster, and the regions postings are placed in.
pub struct Generator {
    clusters: Vec<&'static ClusterText>,
    /// Counties of 绍兴市 with their townships.
    counties: Vec<(RegionCode, Vec<RegionCode>)>,
    base_time: DateTime<Utc>,
}

impl Default for Generator {
    fn default() -> Self {
        Self::new()
    }
}

impl Generator {
    pub fn new() -> Self {
        let counties = children(chanjiao_domain::region::SHAOXING)
            .into_iter()
            .filter(|c| c.level == RegionLevel::County)
            .map(|county| {
                let code = RegionCode::parse(&county.code).expect("embedded region");
                let towns = children(&county.code)
                    .into_iter()
                    .map(|t| RegionCode::parse(&t.code).expect("embedded region"))
                    .collect();
                (code, towns)
            })
            .collect();
        let base_time = Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).single().expect("valid time");
        Generator { clusters: texts::all_clusters().collect(), counties, base_time }
    }

    /// `n` postings, the same for the same `seed`.
    pub fn generate(&self, n: usize, seed: u64) -> Vec<IndexDoc> {
        let mut rng = Rng::new(seed);
        (0..n).map(|i| self.posting(i as u64 + 1, &mut rng)).collect()
    }

    fn posting(&self, id: u64, rng: &mut Rng) -> IndexDoc {
        let kind = pick_kind(rng);
        let spec = kind.spec();
        let allowed = |rule: chanjiao_domain::Rule| rule != chanjiao_domain::Rule::Forbidden;
        let ct = *rng.pick(&self.clusters);
        let role = rng.pick(ct.roles);

        let (county, towns) = rng.pick(&self.counties);
        let region = if !towns.is_empty() && rng.chance(65) { rng.pick(towns).clone() } else { county.clone() };
        let place = region.full_name().trim_start_matches("绍兴市").to_owned();

        let (org_name, short, organization_id) = match kind.side() {
            Side::Enterprise => {
                let word = rng.below(ENTERPRISE_WORDS.len());
                let trades: Vec<&(&str, &str)> = ENTERPRISE_TRADES.iter().filter(|(c, _)| *c == ct.id).collect();
                let trade = rng.below(trades.len());
                let form = rng.below(ENTERPRISE_FORMS.len());
                let county_name = county.name().trim_end_matches(['区', '市', '县']);
                let short = format!("{}{}", ENTERPRISE_WORDS[word], trades[trade].1);
                let name = format!("{county_name}{short}{}", ENTERPRISE_FORMS[form]);
                (name, short, 1_000 + (word * 100 + trade * 10 + form) as u64)
            }
            Side::School => {
                let index = rng.below(SCHOOLS.len());
                (SCHOOLS[index].0.to_owned(), SCHOOLS[index].1.to_owned(), 100 + index as u64)
            }
        };

        // Level and programs: a program offering is one program at its own level; other kinds
        // keep the role's programs of the chosen level.
        let programs: Vec<ProgramCode> = role.programs.iter().filter_map(|c| ProgramCode::parse(c).ok()).collect();
        let (education_level, program_codes) = if kind == PostingKind::ProgramOffering && !programs.is_empty() {
            let code = rng.pick(&programs).clone();
            (Some(code.level()), vec![code])
        } else if allowed(spec.education_level) && !role.levels.is_empty() {
            let level = *rng.pick(role.levels);
            let codes: Vec<ProgramCode> = programs.iter().filter(|c| c.level() == level).cloned().collect();
            (Some(level), codes)
        } else {
            (None, rng.some(&programs, 2))
        };
        let occupation_codes: Vec<OccupationCode> = if allowed(spec.occupation_codes) {
            OccupationCode::parse(role.occupation).into_iter().collect()
        } else {
            Vec::new()
        };
        let mut clusters = vec![ClusterId::parse(ct.id).expect("demo cluster ids are on the list")];
        if rng.chance(10) {
            let other = rng.pick(&self.clusters);
            if other.id != ct.id {
                clusters.push(ClusterId::parse(other.id).expect("demo cluster ids are on the list"));
            }
        }
        let certificates = if allowed(spec.certificates) && rng.chance(50) {
            to_strings(&rng.some(ct.certificates, 2))
        } else {
            vec![]
        };

        let topic: &Topic = match kind {
            PostingKind::RndCooperation | PostingKind::ResearchCapability => rng.pick(ct.research),
            PostingKind::K12CareerBase => rng.pick(ct.k12),
            _ => rng.pick(ct.training),
        };
        let base = rng.pick(ct.bases);
        let skill_count = rng.range(3, 5) as usize;
        let mut skills = to_strings(&rng.some(role.skills, skill_count));
        if matches!(
            kind,
            PostingKind::EmployeeTraining
                | PostingKind::TrainingCourse
                | PostingKind::RndCooperation
                | PostingKind::ResearchCapability
        ) {
            skills = to_strings(topic.skills);
        }
        let program_name = program_codes.first().map_or_else(|| role.name.to_owned(), |c| c.name().to_owned());
        let level = education_level.unwrap_or_else(|| *rng.pick(role.levels));
        let year = rng.range(2026, 2028);
        let start_month = rng.range(1, 12);
        let vars = Vars {
            org: org_name.clone(),
            short,
            place,
            cluster: ct.name.to_owned(),
            role: role.name.to_owned(),
            n: rng.range(2, 60).to_string(),
            level: texts::level_word(level).to_owned(),
            year: year.to_string(),
            pay: (rng.range(8, 30) * 500).to_string(),
            wan: rng.range(5, 200).to_string(),
            topic: topic.name.to_owned(),
            skill: rng.pick(role.skills).to_string(),
            skills: rng.some(role.skills, 3).join("、"),
            start: format!("{year}年{start_month}月"),
            end: format!("{}年{}月", year + 1, rng.range(1, 12)),
            period: rng.pick(OPEN_PERIODS).to_string(),
            program: program_name,
            enrol: rng.range(40, 200).to_string(),
            cert: ct.certificates.first().map_or_else(String::new, |c| (*c).to_owned()),
            base: base.name.to_owned(),
            platform: format!("{}研究中心", ct.name),
            course: topic.name.to_owned(),
            k: rng.range(1, 9).to_string(),
            months: rng.range(2, 12).to_string(),
        };

        let text = kind_text(kind, rng);
        let title = vars.fill(rng.phrase(text.titles));
        let mut description = vars.fill(rng.phrase(text.openings));
        let context_count = rng.range(1, 2) as usize;
        for sentence in rng.some(ct.context, context_count) {
            description.push_str(sentence);
        }
        match kind {
            PostingKind::Job | PostingKind::Apprenticeship | PostingKind::OrderClass | PostingKind::ProgramOffering => {
                description.push_str(rng.phrase(role.duties))
            }
            _ => description.push_str(topic.detail),
        }
        description.push_str(&vars.fill(rng.phrase(text.asks)));
        description.push_str(&vars.fill(rng.phrase(text.offers)));
        if rng.chance(70) {
            description.push_str(&vars.fill(rng.phrase(text.schedules)));
        }

        let created_at = self.base_time - Duration::minutes(rng.below(365 * 24 * 60) as i64);
        let ends_on = rng
            .chance(80)
            .then(|| NaiveDate::from_ymd_opt(2026, 12, 1).expect("valid date") + Duration::days(rng.below(400) as i64));

        IndexDoc {
            id,
            kind,
            status: PostingStatus::Published,
            organization_id,
            organization_name: org_name,
            title,
            description,
            skills,
            certificates,
            region,
            clusters,
            education_level: if allowed(spec.education_level) { education_level } else { None },
            program_codes,
            occupation_codes,
            extra_text: String::new(),
            created_at,
            ends_on,
        }
    }
}

fn pick_kind(rng: &mut Rng) -> PostingKind {
    let total: usize = KIND_WEIGHTS.iter().map(|(_, w)| w).sum();
    let mut ticket = rng.below(total);
    for (kind, weight) in KIND_WEIGHTS {
        if ticket < *weight {
            return *kind;
        }
        ticket -= weight;
    }
    PostingKind::Job
}

fn kind_text(kind: PostingKind, rng: &mut Rng) -> &'static KindText {
    use PostingKind::*;
    match kind {
        Job => &ent::JOB,
        Apprenticeship if rng.chance(50) => &ent::APPRENTICESHIP_MODERN,
        Apprenticeship => &ent::APPRENTICESHIP_NEW,
        OrderClass => &ent::ORDER_CLASS,
        TrainingBaseHosted => &ent::TRAINING_BASE_HOSTED,
        TeacherPracticePost => &ent::TEACHER_PRACTICE_POST,
        TechnicianToCampus => &ent::TECHNICIAN_TO_CAMPUS,
        EmployeeTraining => &ent::EMPLOYEE_TRAINING,
        RndCooperation => &ent::RND_COOPERATION,
        ProgramOffering => &sch::PROGRAM_OFFERING,
        PracticePlaceNeed => &sch::PRACTICE_PLACE_NEED,
        TeacherPracticeNeed => &sch::TEACHER_PRACTICE_NEED,
        TeachingNeed => &sch::TEACHING_NEED,
        TrainingCourse => &sch::TRAINING_COURSE,
        ResearchCapability => &sch::RESEARCH_CAPABILITY,
        SharedTrainingBase => &sch::SHARED_TRAINING_BASE,
        K12CareerBase => &sch::K12_CAREER_BASE,
    }
}

fn to_strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// The values of the banks' `{slot}`s for one posting.
struct Vars {
    org: String,
    short: String,
    place: String,
    cluster: String,
    role: String,
    n: String,
    level: String,
    year: String,
    pay: String,
    wan: String,
    topic: String,
    skill: String,
    skills: String,
    start: String,
    end: String,
    period: String,
    program: String,
    enrol: String,
    cert: String,
    base: String,
    platform: String,
    course: String,
    k: String,
    months: String,
}

impl Vars {
    /// Replaces every `{slot}` of `template` in one pass; an unknown slot is kept as written.
    fn fill(&self, template: &str) -> String {
        let mut out = String::with_capacity(template.len() + 64);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else { break };
            let name = &rest[open + 1..open + close];
            match self.get(name) {
                Some(value) => out.push_str(value),
                None => out.push_str(&rest[open..=open + close]),
            }
            rest = &rest[open + close + 1..];
        }
        out.push_str(rest);
        out
    }

    fn get(&self, name: &str) -> Option<&str> {
        Some(match name {
            "org" | "school" => &self.org,
            "short" => &self.short,
            "place" => &self.place,
            "cluster" => &self.cluster,
            "role" => &self.role,
            "n" => &self.n,
            "level" => &self.level,
            "year" => &self.year,
            "pay" => &self.pay,
            "wan" => &self.wan,
            "topic" => &self.topic,
            "skill" => &self.skill,
            "skills" => &self.skills,
            "start" => &self.start,
            "end" => &self.end,
            "period" => &self.period,
            "program" => &self.program,
            "enrol" => &self.enrol,
            "cert" => &self.cert,
            "base" => &self.base,
            "platform" => &self.platform,
            "course" => &self.course,
            "k" => &self.k,
            "months" => &self.months,
            _ => return None,
        })
    }
}
