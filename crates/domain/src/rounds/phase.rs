//! A round's phases and what each allows.
//!
//! ```text
//! draft ──open──▶ collecting ──run──▶ run ──publish──▶ published ──close──▶ closed
//!                                    ▲  │ (run again)
//!                                    └──┘
//! ```
//! - draft: the organizer adds places; schools may already add students.
//! - collecting: schools add students and preferences until the preference deadline;
//!   enterprises rank their applicants (or choose the scoring rule) until the round is run.
//! - run: results are computed but visible only to the organizer, who may run again (the result
//!   is the same unless the data changed, which it cannot in this phase) or publish.
//! - published: everyone sees their results; schools record each student's acceptance or
//!   decline until the response deadline.
//! - closed: nothing changes any more; personal data is deleted after the retention period.
//!
//! A follow-up round for unfilled places and unplaced or declined students may be opened from a
//! published or closed round. The organizer may run before the preference deadline: running
//! ends the collection early, as it would at the deadline.

use crate::error::Text;
use chrono::NaiveDateTime;

use crate::organization::string_enum;

string_enum!(
    /// Where a round stands.
    Phase, Text::new("one of draft, collecting, run, published, closed", "draft、collecting、run、published、closed 之一"), {
        Draft => "draft",
        Collecting => "collecting",
        Run => "run",
        Published => "published",
        Closed => "closed",
    }
);

string_enum!(
    /// A placed student's answer to their result, recorded by their school.
    Response, Text::new("one of pending, accepted, declined", "pending、accepted、declined 之一"), {
        Pending => "pending",
        Accepted => "accepted",
        Declined => "declined",
    }
);

/// Something done to or in a round; each is allowed in some phases only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    AddPlaces,
    /// Adding or removing students and entering their preferences.
    EnterPreferences,
    /// An enterprise ranking its applicants or choosing the scoring rule.
    Rank,
    Open,
    Run,
    Publish,
    /// A school recording a student's acceptance or decline.
    Respond,
    Close,
    FollowUp,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::AddPlaces => "add_places",
            Step::EnterPreferences => "enter_preferences",
            Step::Rank => "rank",
            Step::Open => "open",
            Step::Run => "run",
            Step::Publish => "publish",
            Step::Respond => "respond",
            Step::Close => "close",
            Step::FollowUp => "follow_up",
        }
    }
}

/// Why a step is refused in the round's current state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhaseRefusal {
    #[error("the round is {phase}: {} is not possible now", .step.as_str())]
    WrongPhase { phase: Phase, step: Step },
    #[error("the deadline {deadline} has passed")]
    DeadlinePassed { deadline: NaiveDateTime },
}

impl PhaseRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            PhaseRefusal::WrongPhase { .. } => "wrong_phase",
            PhaseRefusal::DeadlinePassed { .. } => "deadline_passed",
        }
    }

    pub fn field(&self) -> &'static str {
        match self {
            PhaseRefusal::WrongPhase { .. } => "phase",
            PhaseRefusal::DeadlinePassed { .. } => "deadline",
        }
    }

    pub fn zh(&self) -> String {
        match self {
            PhaseRefusal::WrongPhase { phase, step } => {
                format!("轮次当前处于「{}」阶段，不能{}", phase.zh(), step_zh(*step))
            }
            PhaseRefusal::DeadlinePassed { deadline } => {
                format!("截止时间 {} 已过", deadline.format("%Y-%m-%d %H:%M"))
            }
        }
    }
}

fn step_zh(step: Step) -> &'static str {
    match step {
        Step::AddPlaces => "添加名额",
        Step::EnterPreferences => "填报学生志愿",
        Step::Rank => "排序申请人",
        Step::Open => "开放填报",
        Step::Run => "运行分配",
        Step::Publish => "发布结果",
        Step::Respond => "登记接受或放弃",
        Step::Close => "结束轮次",
        Step::FollowUp => "开启补录轮次",
    }
}

impl Phase {
    pub fn zh(self) -> &'static str {
        match self {
            Phase::Draft => "草稿",
            Phase::Collecting => "志愿填报中",
            Phase::Run => "已运行（未发布）",
            Phase::Published => "结果已发布",
            Phase::Closed => "已结束",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Phase::Draft => "Draft",
            Phase::Collecting => "Collecting preferences",
            Phase::Run => "Run (not published)",
            Phase::Published => "Results published",
            Phase::Closed => "Closed",
        }
    }

    /// Whether `step` is possible in this phase (deadlines aside, see [`Phase::check`]).
    pub fn allows(self, step: Step) -> bool {
        use Phase::*;
        match step {
            Step::AddPlaces | Step::EnterPreferences => matches!(self, Draft | Collecting),
            Step::Rank => self == Collecting,
            Step::Open => self == Draft,
            Step::Run => matches!(self, Collecting | Run),
            Step::Publish => self == Run,
            Step::Respond | Step::Close => self == Published,
            Step::FollowUp => matches!(self, Published | Closed),
        }
    }

    /// Refuses `step` unless the phase allows it and, for entering preferences while collecting
    /// and for responses, its deadline has not passed.
    pub fn check(self, step: Step, deadline: Option<NaiveDateTime>, now: NaiveDateTime) -> Result<(), PhaseRefusal> {
        if !self.allows(step) {
            return Err(PhaseRefusal::WrongPhase { phase: self, step });
        }
        let timed = matches!((self, step), (Phase::Collecting, Step::EnterPreferences) | (_, Step::Respond));
        match deadline {
            Some(deadline) if timed && now > deadline => Err(PhaseRefusal::DeadlinePassed { deadline }),
            _ => Ok(()),
        }
    }

    /// The phase after a step that moves the round (open, run, publish, close); the others
    /// leave it where it is.
    pub fn after(self, step: Step) -> Phase {
        match step {
            Step::Open => Phase::Collecting,
            Step::Run => Phase::Run,
            Step::Publish => Phase::Published,
            Step::Close => Phase::Closed,
            _ => self,
        }
    }
}

/// A student as a school puts them forward: a pseudonym of the school's choosing (never a
/// name or an ID number), the program code and level, and whether consent was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudentInput {
    pub pseudonym: String,
    pub program_code: crate::reference::ProgramCode,
    pub level: crate::organization::SchoolLevel,
}

impl StudentInput {
    /// Parses the raw fields, collecting every problem. Consent must be given: without it a
    /// student takes no part in a round.
    pub fn parse(pseudonym: &str, program: &str, level: &str, consent: bool) -> Result<StudentInput, crate::Invalids> {
        use crate::Invalid;
        let mut errors = crate::Invalids::default();
        let pseudonym = pseudonym.trim();
        if pseudonym.is_empty() {
            errors.push("pseudonym", Invalid::Required);
        } else if pseudonym.chars().count() > 40 {
            errors.push("pseudonym", Invalid::TooLong { max: 40 });
        } else if pseudonym.chars().any(|c| c.is_control() || c.is_whitespace()) {
            errors.push("pseudonym", Invalid::Format(Text::new("a pseudonym without spaces", "不含空格的化名编号")));
        }
        let program_code =
            crate::reference::ProgramCode::parse(program).map_err(|e| errors.push("program_code", e)).ok();
        let level = level.parse().map_err(|e| errors.push("level", e)).ok();
        if let (Some(code), Some(level)) = (&program_code, level)
            && code.level() != level
        {
            errors.push(
                "level",
                Invalid::NotAllowed(Text::new("a level other than the program's own", "与所选专业的层次不一致")),
            );
        }
        if !consent {
            errors.push("consent", Invalid::NotAllowed(Text::new("taking part without consent", "未经本人同意参加")));
        }
        match (program_code, level) {
            (Some(program_code), Some(level)) if errors.0.is_empty() => {
                Ok(StudentInput { pseudonym: pseudonym.to_owned(), program_code, level })
            }
            _ => Err(errors),
        }
    }
}
