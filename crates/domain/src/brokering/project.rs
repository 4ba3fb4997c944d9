//! Cooperation projects (合作项目): what an accepted proposal becomes.
//!
//! A project's type follows from the kinds of its two postings (an apprenticeship need and a
//! program offer make an apprenticeship cohort). Its status runs agreed → active → completed,
//! with cancellation possible until completion. Outcomes are recorded at completion; retention
//! after 6 and 12 months is only known later, so outcomes stay editable after completion.

use crate::error::Text;
use serde::{Deserialize, Serialize};

use crate::error::{Invalid, Invalids};
use crate::organization::string_enum;
use crate::posting::{NumberInput, PostingKind, whole_number};

string_enum!(
    /// What kind of cooperation a project is.
    ProjectType, Text::new("a project type such as apprenticeship_cohort", "合作项目类型，如 apprenticeship_cohort"), {
        ApprenticeshipCohort => "apprenticeship_cohort",
        OrderClass => "order_class",
        TrainingBasePlacement => "training_base_placement",
        TeacherPractice => "teacher_practice",
        TechnicianTeaching => "technician_teaching",
        EmployeeTraining => "employee_training",
        JobPlacement => "job_placement",
        Rnd => "rnd",
    }
);

impl ProjectType {
    /// The type of cooperation between postings of kinds `a` and `b` (in either order), or
    /// `None` when they are not counterparts.
    pub fn for_kinds(a: PostingKind, b: PostingKind) -> Option<ProjectType> {
        use PostingKind::*;
        if !crate::posting::compatible(a, b) {
            return None;
        }
        let of = |kind: PostingKind| match kind {
            Apprenticeship => Some(ProjectType::ApprenticeshipCohort),
            OrderClass => Some(ProjectType::OrderClass),
            Job => Some(ProjectType::JobPlacement),
            TrainingBaseHosted | SharedTrainingBase | PracticePlaceNeed | K12CareerBase => {
                Some(ProjectType::TrainingBasePlacement)
            }
            TeacherPracticePost | TeacherPracticeNeed => Some(ProjectType::TeacherPractice),
            TechnicianToCampus | TeachingNeed => Some(ProjectType::TechnicianTeaching),
            EmployeeTraining | TrainingCourse => Some(ProjectType::EmployeeTraining),
            RndCooperation | ResearchCapability => Some(ProjectType::Rnd),
            ProgramOffering => None,
        };
        // A program offer takes the type of the enterprise need it meets; a technician visiting
        // a K-12 career base teaches, a base hosting one places.
        match (a, b) {
            (TechnicianToCampus, K12CareerBase) | (K12CareerBase, TechnicianToCampus) => {
                Some(ProjectType::TechnicianTeaching)
            }
            (EmployeeTraining, SharedTrainingBase) | (SharedTrainingBase, EmployeeTraining) => {
                Some(ProjectType::EmployeeTraining)
            }
            _ => of(a).or_else(|| of(b)),
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            ProjectType::ApprenticeshipCohort => "学徒制培养",
            ProjectType::OrderClass => "订单班",
            ProjectType::TrainingBasePlacement => "实训基地实习实训",
            ProjectType::TeacherPractice => "教师企业实践",
            ProjectType::TechnicianTeaching => "技师进校园",
            ProjectType::EmployeeTraining => "职工培训",
            ProjectType::JobPlacement => "就业安置",
            ProjectType::Rnd => "技术研发合作",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            ProjectType::ApprenticeshipCohort => "Apprenticeship cohort",
            ProjectType::OrderClass => "Order class",
            ProjectType::TrainingBasePlacement => "Training-base placement",
            ProjectType::TeacherPractice => "Teachers' enterprise practice",
            ProjectType::TechnicianTeaching => "Technicians teaching on campus",
            ProjectType::EmployeeTraining => "Employee training",
            ProjectType::JobPlacement => "Job placement",
            ProjectType::Rnd => "R&D cooperation",
        }
    }

    /// Whether the outcome "hours of teacher practice" applies.
    pub fn counts_practice_hours(self) -> bool {
        matches!(self, ProjectType::TeacherPractice | ProjectType::TechnicianTeaching)
    }
}

string_enum!(
    /// Where a project is.
    ProjectStatus, Text::new("one of agreed, active, completed, cancelled", "agreed、active、completed、cancelled 之一"), {
        Agreed => "agreed",
        Active => "active",
        Completed => "completed",
        Cancelled => "cancelled",
    }
);

string_enum!(
    /// What a participant does to a project.
    ProjectAction, Text::new("one of start, complete, cancel", "start、complete、cancel 之一"), {
        Start => "start",
        Complete => "complete",
        Cancel => "cancel",
    }
);

impl ProjectStatus {
    /// The status after `action`, or `None` when it is not allowed from this one.
    pub fn after(self, action: ProjectAction) -> Option<ProjectStatus> {
        use ProjectAction as A;
        use ProjectStatus as S;
        match (self, action) {
            (S::Agreed, A::Start) => Some(S::Active),
            (S::Active, A::Complete) => Some(S::Completed),
            (S::Agreed | S::Active, A::Cancel) => Some(S::Cancelled),
            _ => None,
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            ProjectStatus::Agreed => "已达成",
            ProjectStatus::Active => "进行中",
            ProjectStatus::Completed => "已完成",
            ProjectStatus::Cancelled => "已取消",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            ProjectStatus::Agreed => "Agreed",
            ProjectStatus::Active => "Active",
            ProjectStatus::Completed => "Completed",
            ProjectStatus::Cancelled => "Cancelled",
        }
    }
}

/// Outcomes as typed; [`Outcomes::parse`] checks them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutcomesInput {
    pub placed: Option<NumberInput>,
    pub hired: Option<NumberInput>,
    pub retained_6m: Option<NumberInput>,
    pub retained_12m: Option<NumberInput>,
    pub certificates: Option<NumberInput>,
    pub practice_hours: Option<NumberInput>,
}

/// What a project achieved. Unknown figures stay `None` rather than 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Outcomes {
    /// People placed (students, apprentices, trainees, teachers).
    pub placed: Option<u32>,
    /// Of those, hired by the enterprise.
    pub hired: Option<u32>,
    pub retained_6m: Option<u32>,
    pub retained_12m: Option<u32>,
    /// Certificates earned (1+X, vocational skill levels).
    pub certificates: Option<u32>,
    /// Hours of teachers' enterprise practice, or of technicians' teaching.
    pub practice_hours: Option<u32>,
}

const MAX_PEOPLE: i64 = 100_000;
const MAX_HOURS: i64 = 1_000_000;

impl Outcomes {
    /// Parses the figures and checks they nest: hired ≤ placed, retained after 12 months ≤
    /// after 6 months ≤ hired.
    pub fn parse(input: &OutcomesInput) -> Result<Outcomes, Invalids> {
        let mut errors = Invalids::default();
        let mut number = |field: &'static str, raw: &Option<NumberInput>, max: i64| -> Option<u32> {
            let raw = raw.as_ref().filter(|r| !r.is_blank())?;
            whole_number(raw, 0, max).map(|n| n as u32).map_err(|e| errors.push(field, e)).ok()
        };
        let outcomes = Outcomes {
            placed: number("placed", &input.placed, MAX_PEOPLE),
            hired: number("hired", &input.hired, MAX_PEOPLE),
            retained_6m: number("retained_6m", &input.retained_6m, MAX_PEOPLE),
            retained_12m: number("retained_12m", &input.retained_12m, MAX_PEOPLE),
            certificates: number("certificates", &input.certificates, MAX_PEOPLE),
            practice_hours: number("practice_hours", &input.practice_hours, MAX_HOURS),
        };
        let mut at_most = |field: &'static str, value: Option<u32>, bound: Option<u32>, of: Text| {
            if let (Some(value), Some(bound)) = (value, bound)
                && value > bound
            {
                errors.push(field, Invalid::NotAllowed(of));
            }
        };
        at_most("hired", outcomes.hired, outcomes.placed, Text::new("more than were placed", "多于安置人数"));
        at_most("retained_6m", outcomes.retained_6m, outcomes.hired, Text::new("more than were hired", "多于录用人数"));
        at_most(
            "retained_12m",
            outcomes.retained_12m,
            outcomes.retained_6m,
            Text::new("more than stayed 6 months", "多于 6 个月留任人数"),
        );
        if errors.0.is_empty() { Ok(outcomes) } else { Err(errors) }
    }
}
