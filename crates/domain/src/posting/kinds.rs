//! The kinds of posting, which side posts each, what each counts and which fields it takes, and
//! which kinds are matched with which (the table in docs/architecture.md).

use crate::error::Text;
use serde::Serialize;

use super::Side;
use crate::error::Invalid;
use crate::organization::string_enum;

string_enum!(
    /// What a posting offers or asks for. Enterprise kinds first, then school kinds.
    PostingKind, Text::new("a posting kind such as job or program_offering", "发布类型，如 job、program_offering"), {
        Job => "job",
        Apprenticeship => "apprenticeship",
        OrderClass => "order_class",
        TrainingBaseHosted => "training_base_hosted",
        TeacherPracticePost => "teacher_practice_post",
        TechnicianToCampus => "technician_to_campus",
        EmployeeTraining => "employee_training",
        RndCooperation => "rnd_cooperation",
        ProgramOffering => "program_offering",
        PracticePlaceNeed => "practice_place_need",
        TeacherPracticeNeed => "teacher_practice_need",
        TeachingNeed => "teaching_need",
        TrainingCourse => "training_course",
        ResearchCapability => "research_capability",
        SharedTrainingBase => "shared_training_base",
        K12CareerBase => "k12_career_base",
    }
);

string_enum!(
    /// The two apprenticeship schemes: 现代学徒制 trains a school's students jointly with an
    /// enterprise; 企业新型学徒制 trains an enterprise's own employees with a school or training body.
    ApprenticeshipType, Text::new("one of modern, enterprise_new", "modern（现代学徒制）、enterprise_new（企业新型学徒制）之一"), {
        Modern => "modern",
        EnterpriseNew => "enterprise_new",
    }
);

impl ApprenticeshipType {
    pub fn zh(self) -> &'static str {
        match self {
            ApprenticeshipType::Modern => "现代学徒制",
            ApprenticeshipType::EnterpriseNew => "企业新型学徒制",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            ApprenticeshipType::Modern => "Modern apprenticeship",
            ApprenticeshipType::EnterpriseNew => "New enterprise apprenticeship",
        }
    }
}

/// Whether a kind needs a field, may have it, or must not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Required,
    Optional,
    Forbidden,
}

string_enum!(
    /// What a posting's quantity counts, coarsely, for matching quantity against quantity.
    QuantityMeaning, Text::new("one of headcount, seats, capacity, graduates, projects", "headcount、seats、capacity、graduates、projects 之一"), {
        Headcount => "headcount",
        Seats => "seats",
        Capacity => "capacity",
        Graduates => "graduates",
        Projects => "projects",
    }
);

impl QuantityMeaning {
    pub fn zh(self) -> &'static str {
        match self {
            QuantityMeaning::Headcount => "人数",
            QuantityMeaning::Seats => "名额",
            QuantityMeaning::Capacity => "容量",
            QuantityMeaning::Graduates => "毕业生数",
            QuantityMeaning::Projects => "项目数",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            QuantityMeaning::Headcount => "Headcount",
            QuantityMeaning::Seats => "Seats",
            QuantityMeaning::Capacity => "Capacity",
            QuantityMeaning::Graduates => "Graduates",
            QuantityMeaning::Projects => "Projects",
        }
    }
}

string_enum!(
    /// What a posting's amount of money is, which also bounds it.
    AmountMeaning, Text::new("one of monthly_pay, monthly_stipend, sponsorship, fee_per_person, hourly_fee, budget", "monthly_pay、monthly_stipend、sponsorship、fee_per_person、hourly_fee、budget 之一"), {
        MonthlyPay => "monthly_pay",
        MonthlyStipend => "monthly_stipend",
        Sponsorship => "sponsorship",
        FeePerPerson => "fee_per_person",
        HourlyFee => "hourly_fee",
        Budget => "budget",
    }
);

impl AmountMeaning {
    pub fn zh(self) -> &'static str {
        match self {
            AmountMeaning::MonthlyPay => "月薪（元）",
            AmountMeaning::MonthlyStipend => "每月补贴（元）",
            AmountMeaning::Sponsorship => "每生资助（元）",
            AmountMeaning::FeePerPerson => "每人费用（元）",
            AmountMeaning::HourlyFee => "课时费（元/课时）",
            AmountMeaning::Budget => "经费预算（元）",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            AmountMeaning::MonthlyPay => "Monthly pay (yuan)",
            AmountMeaning::MonthlyStipend => "Monthly stipend (yuan)",
            AmountMeaning::Sponsorship => "Sponsorship per student (yuan)",
            AmountMeaning::FeePerPerson => "Fee per person (yuan)",
            AmountMeaning::HourlyFee => "Fee per teaching hour (yuan)",
            AmountMeaning::Budget => "Budget (yuan)",
        }
    }

    /// The largest plausible amount, in whole yuan: anything above is a typo (an extra zero, fen
    /// typed as yuan) rather than an offer.
    pub fn max_yuan(self) -> i64 {
        match self {
            AmountMeaning::MonthlyStipend | AmountMeaning::HourlyFee => 100_000,
            AmountMeaning::MonthlyPay | AmountMeaning::Sponsorship | AmountMeaning::FeePerPerson => 1_000_000,
            AmountMeaning::Budget => 100_000_000,
        }
    }
}

/// The fields a kind takes beyond those every posting has (title, description, skills, region,
/// start and end dates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindSpec {
    pub quantity: Rule,
    pub quantity_meaning: QuantityMeaning,
    /// The label of the quantity in forms, e.g. 招聘人数.
    pub quantity_zh: &'static str,
    pub quantity_en: &'static str,
    pub education_level: Rule,
    pub program_codes: Rule,
    pub occupation_codes: Rule,
    pub industry_clusters: Rule,
    pub certificates: Rule,
    /// What the amount means; `None` when the kind carries no amount.
    pub amount: Option<AmountMeaning>,
    pub apprenticeship_type: Rule,
    pub annual_enrolment: Rule,
    pub equipment: Rule,
    pub open_periods: Rule,
}

impl KindSpec {
    /// Every field with its rule, named as the API names it, in form order.
    pub fn rules(&self) -> [(&'static str, Rule); 17] {
        use Rule::*;
        [
            ("title", Required),
            ("description", Optional),
            ("skills", Optional),
            ("region", Required),
            ("starts_on", Optional),
            ("ends_on", Optional),
            ("quantity", self.quantity),
            ("education_level", self.education_level),
            ("program_codes", self.program_codes),
            ("occupation_codes", self.occupation_codes),
            ("industry_clusters", self.industry_clusters),
            ("certificates", self.certificates),
            ("amount_yuan", if self.amount.is_some() { Optional } else { Forbidden }),
            ("apprenticeship_type", self.apprenticeship_type),
            ("annual_enrolment", self.annual_enrolment),
            ("equipment", self.equipment),
            ("open_periods", self.open_periods),
        ]
    }

    /// The rule of one field by its API name; `None` for a name that is not a posting field.
    pub fn rule(&self, field: &str) -> Option<Rule> {
        self.rules().into_iter().find(|(name, _)| *name == field).map(|(_, rule)| rule)
    }
}

use QuantityMeaning as Q;
use Rule::{Forbidden as F, Optional as O, Required as R};

/// What most kinds take: a required quantity, codes and clusters to match on, no kind-specific
/// extras. Each kind below says how it differs.
const COMMON: KindSpec = KindSpec {
    quantity: R,
    quantity_meaning: Q::Headcount,
    quantity_zh: "人数",
    quantity_en: "Number of people",
    education_level: O,
    program_codes: O,
    occupation_codes: O,
    industry_clusters: O,
    certificates: O,
    amount: None,
    apprenticeship_type: F,
    annual_enrolment: F,
    equipment: F,
    open_periods: F,
};

const JOB: KindSpec =
    KindSpec {
        quantity_zh: "招聘人数", quantity_en: "Openings", amount: Some(AmountMeaning::MonthlyPay), ..COMMON
    };
const APPRENTICESHIP: KindSpec = KindSpec {
    quantity_meaning: Q::Seats,
    quantity_zh: "学徒名额",
    quantity_en: "Apprentice places",
    amount: Some(AmountMeaning::MonthlyStipend),
    apprenticeship_type: R,
    ..COMMON
};
const ORDER_CLASS: KindSpec = KindSpec {
    quantity_meaning: Q::Seats,
    quantity_zh: "订单班人数",
    quantity_en: "Class size",
    amount: Some(AmountMeaning::Sponsorship),
    ..COMMON
};
const TRAINING_BASE_HOSTED: KindSpec = KindSpec {
    quantity_meaning: Q::Capacity,
    quantity_zh: "可接纳实习学生数",
    quantity_en: "Students it can host",
    amount: Some(AmountMeaning::MonthlyStipend),
    equipment: O,
    open_periods: O,
    ..COMMON
};
const TEACHER_PRACTICE_POST: KindSpec = KindSpec {
    quantity_meaning: Q::Seats,
    quantity_zh: "可接收教师数",
    quantity_en: "Teachers it can take",
    certificates: F,
    amount: Some(AmountMeaning::MonthlyStipend),
    ..COMMON
};
const TECHNICIAN_TO_CAMPUS: KindSpec = KindSpec {
    quantity_zh: "可派出技师数",
    quantity_en: "Technicians available",
    amount: Some(AmountMeaning::HourlyFee),
    ..COMMON
};
const EMPLOYEE_TRAINING: KindSpec = KindSpec {
    quantity_zh: "培训人数",
    quantity_en: "Employees to train",
    education_level: F,
    amount: Some(AmountMeaning::FeePerPerson),
    ..COMMON
};
const RND_COOPERATION: KindSpec = KindSpec {
    quantity: O,
    quantity_meaning: Q::Projects,
    quantity_zh: "项目数",
    quantity_en: "Projects",
    education_level: F,
    occupation_codes: F,
    certificates: F,
    amount: Some(AmountMeaning::Budget),
    ..COMMON
};
const PROGRAM_OFFERING: KindSpec = KindSpec {
    quantity_meaning: Q::Graduates,
    quantity_zh: "年毕业生数",
    quantity_en: "Graduates per year",
    program_codes: R,
    annual_enrolment: O,
    ..COMMON
};
const PRACTICE_PLACE_NEED: KindSpec =
    KindSpec { quantity_zh: "需实习学生数", quantity_en: "Students needing places", certificates: F, ..COMMON };
const TEACHER_PRACTICE_NEED: KindSpec =
    KindSpec { quantity_zh: "需实践教师数", quantity_en: "Teachers needing practice", certificates: F, ..COMMON };
const TEACHING_NEED: KindSpec = KindSpec {
    quantity_zh: "需兼职教师数",
    quantity_en: "Part-time teachers needed",
    amount: Some(AmountMeaning::HourlyFee),
    ..COMMON
};
const TRAINING_COURSE: KindSpec = KindSpec {
    quantity_meaning: Q::Seats,
    quantity_zh: "每期名额",
    quantity_en: "Places per session",
    education_level: F,
    amount: Some(AmountMeaning::FeePerPerson),
    ..COMMON
};
const RESEARCH_CAPABILITY: KindSpec = KindSpec {
    quantity: O,
    quantity_zh: "科研人员数",
    quantity_en: "Researchers",
    education_level: F,
    occupation_codes: F,
    certificates: F,
    ..COMMON
};
const SHARED_TRAINING_BASE: KindSpec = KindSpec {
    quantity_meaning: Q::Capacity,
    quantity_zh: "工位数",
    quantity_en: "Workstations",
    amount: Some(AmountMeaning::FeePerPerson),
    equipment: R,
    open_periods: R,
    ..COMMON
};
const K12_CAREER_BASE: KindSpec = KindSpec {
    quantity_meaning: Q::Capacity,
    quantity_zh: "每批接待人数",
    quantity_en: "Pupils per visit",
    education_level: F,
    certificates: F,
    amount: Some(AmountMeaning::FeePerPerson),
    equipment: O,
    open_periods: O,
    ..COMMON
};

impl PostingKind {
    pub fn side(self) -> Side {
        use PostingKind::*;
        match self {
            Job | Apprenticeship | OrderClass | TrainingBaseHosted | TeacherPracticePost | TechnicianToCampus
            | EmployeeTraining | RndCooperation => Side::Enterprise,
            // k12_career_base: most career experience bases (职业体验基地) are run by vocational
            // schools opening their workshops to pupils, and the plan counts them under 市教育局;
            // an enterprise that hosts pupils posts training_base_hosted, which pairs with it.
            ProgramOffering | PracticePlaceNeed | TeacherPracticeNeed | TeachingNeed | TrainingCourse
            | ResearchCapability | SharedTrainingBase | K12CareerBase => Side::School,
        }
    }

    pub fn zh(self) -> &'static str {
        use PostingKind::*;
        match self {
            Job => "岗位需求",
            Apprenticeship => "学徒岗位",
            OrderClass => "订单班",
            TrainingBaseHosted => "企业实训基地",
            TeacherPracticePost => "教师企业实践岗位",
            TechnicianToCampus => "技师进校园",
            EmployeeTraining => "职工培训需求",
            RndCooperation => "技术研发合作",
            ProgramOffering => "专业人才供给",
            PracticePlaceNeed => "实习实训需求",
            TeacherPracticeNeed => "专业教师实践需求",
            TeachingNeed => "兼职教师需求",
            TrainingCourse => "培训项目",
            ResearchCapability => "科研平台",
            SharedTrainingBase => "共享实训基地",
            K12CareerBase => "中小学生职业体验基地",
        }
    }

    pub fn en(self) -> &'static str {
        use PostingKind::*;
        match self {
            Job => "Job opening",
            Apprenticeship => "Apprenticeship",
            OrderClass => "Order class",
            TrainingBaseHosted => "Enterprise training base",
            TeacherPracticePost => "Teacher practice post",
            TechnicianToCampus => "Technician to campus",
            EmployeeTraining => "Employee training request",
            RndCooperation => "R&D cooperation",
            ProgramOffering => "Program with graduates",
            PracticePlaceNeed => "Practice place need",
            TeacherPracticeNeed => "Teacher practice need",
            TeachingNeed => "Part-time teaching need",
            TrainingCourse => "Training course",
            ResearchCapability => "Research capability",
            SharedTrainingBase => "Shared training base",
            K12CareerBase => "K-12 career experience base",
        }
    }

    /// The fields this kind takes, and what its quantity and amount mean.
    pub fn spec(self) -> &'static KindSpec {
        use PostingKind::*;
        match self {
            Job => &JOB,
            Apprenticeship => &APPRENTICESHIP,
            OrderClass => &ORDER_CLASS,
            TrainingBaseHosted => &TRAINING_BASE_HOSTED,
            TeacherPracticePost => &TEACHER_PRACTICE_POST,
            TechnicianToCampus => &TECHNICIAN_TO_CAMPUS,
            EmployeeTraining => &EMPLOYEE_TRAINING,
            RndCooperation => &RND_COOPERATION,
            ProgramOffering => &PROGRAM_OFFERING,
            PracticePlaceNeed => &PRACTICE_PLACE_NEED,
            TeacherPracticeNeed => &TEACHER_PRACTICE_NEED,
            TeachingNeed => &TEACHING_NEED,
            TrainingCourse => &TRAINING_COURSE,
            ResearchCapability => &RESEARCH_CAPABILITY,
            SharedTrainingBase => &SHARED_TRAINING_BASE,
            K12CareerBase => &K12_CAREER_BASE,
        }
    }

    /// The kinds this kind is matched with. Symmetric: `b` is among `a`'s counterparts exactly when
    /// `a` is among `b`'s.
    ///
    /// Beyond the architecture table: a shared training base (学校实训基地) is open to enterprises
    /// and to other schools, so it serves employee training and other schools' practice-place needs
    /// (the only same-side pairing; matching must skip an organization's own postings). A K-12
    /// career base takes enterprise sites for visits (training_base_hosted) and enterprise
    /// technicians and craftsmen to lead activities (technician_to_campus).
    pub fn counterparts(self) -> &'static [PostingKind] {
        use PostingKind::*;
        match self {
            Job | Apprenticeship | OrderClass => &[ProgramOffering],
            TrainingBaseHosted => &[PracticePlaceNeed, K12CareerBase],
            TeacherPracticePost => &[TeacherPracticeNeed],
            TechnicianToCampus => &[TeachingNeed, K12CareerBase],
            EmployeeTraining => &[TrainingCourse, SharedTrainingBase],
            RndCooperation => &[ResearchCapability],
            ProgramOffering => &[Job, Apprenticeship, OrderClass],
            PracticePlaceNeed => &[TrainingBaseHosted, SharedTrainingBase],
            TeacherPracticeNeed => &[TeacherPracticePost],
            TeachingNeed => &[TechnicianToCampus],
            TrainingCourse => &[EmployeeTraining],
            ResearchCapability => &[RndCooperation],
            SharedTrainingBase => &[EmployeeTraining, PracticePlaceNeed],
            K12CareerBase => &[TrainingBaseHosted, TechnicianToCampus],
        }
    }

    /// The kinds one side posts, in order.
    pub fn of_side(side: Side) -> impl Iterator<Item = PostingKind> {
        PostingKind::ALL.iter().copied().filter(move |k| k.side() == side)
    }
}

/// Whether postings of kinds `a` and `b` can be matched with each other.
pub fn compatible(a: PostingKind, b: PostingKind) -> bool {
    a.counterparts().contains(&b)
}

/// Rejects a kind the organization's side does not post, for the `kind` field of a form.
pub(super) fn check_side(kind: PostingKind, side: Side) -> Result<(), Invalid> {
    match kind.side() {
        s if s == side => Ok(()),
        Side::Enterprise => {
            Err(Invalid::NotAllowed(Text::new("a kind that enterprises post", "该类发布只能由企业发布")))
        }
        Side::School => Err(Invalid::NotAllowed(Text::new("a kind that schools post", "该类发布只能由学校发布"))),
    }
}
