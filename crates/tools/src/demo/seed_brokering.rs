//! Demonstration brokering, made through the platform's own services as the demo accounts would
//! make it, so the proposals' histories, the projects, the audit trail and the inbox notices are
//! the ones the platform writes: proposals in every state (open, a counter-offer awaiting an
//! answer, accepted, declined, withdrawn, expired), some brokered by the demo intermediary for
//! the demo enterprise, projects from the accepted ones (one active, two completed with their
//! outcomes), and assessments of the completed ones by a third party, submitted; the
//! intermediary's workspace has its client and a case note.
//!
//! Everything happens on days before today (each step at its own time over the last four
//! weeks), so the histories read as they would have happened. Added once: nothing is done while
//! the demo enterprise or school has any proposal.

use chanjiao_domain::NumberInput;
use chanjiao_domain::brokering::{AssessmentInput, Criterion, OutcomesInput, TermsInput};
use chanjiao_domain::posting::{PostingKind, PostingStatus, compatible};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use chanjiao_api::auth::CurrentUser;
use chanjiao_api::entities::{delegations, postings, proposals, users};
use chanjiao_api::error::ApiError;
use chanjiao_api::services::brokering::assessments::{self, Appointment};
use chanjiao_api::services::brokering::delegations as grants;
use chanjiao_api::services::brokering::projects::{self, ProjectUpdate};
use chanjiao_api::services::brokering::proposals::{self as proposing, Answer, NewProposal};
use chanjiao_api::services::brokering::workspace::{self, NewNote};
use chanjiao_api::services::organizations;

/// The demo account signed in as `email`, as the services see a signed-in user.
pub async fn account(db: &DatabaseConnection, email: &str) -> Result<CurrentUser, ApiError> {
    let user = users::Entity::find()
        .filter(users::Column::Email.eq(email))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("demo account {email} is missing")))?;
    let organization = match user.organization_id {
        Some(id) => Some(organizations::get(db, id).await?),
        None => None,
    };
    Ok(CurrentUser {
        user_id: Some(user.id),
        email: user.email,
        role: *user.role,
        organization,
        intermediary: None,
        api_key: None,
        session_digest: String::new(),
    })
}

fn org_of(user: &CurrentUser) -> Result<i64, ApiError> {
    user.organization_id().ok_or_else(|| ApiError::Internal(format!("demo account {} has no organization", user.email)))
}

/// The published postings of an organization, oldest first.
async fn published(db: &DatabaseConnection, organization_id: i64) -> Result<Vec<postings::Model>, ApiError> {
    Ok(postings::Entity::find()
        .filter(postings::Column::OrganizationId.eq(organization_id))
        .filter(postings::Column::Status.eq(PostingStatus::Published.as_str()))
        .order_by_asc(postings::Column::Id)
        .all(db)
        .await?)
}

/// Pairs of compatible postings (from, to), in a fixed order; each pair is used once.
struct Pairs(Vec<Pair>);

/// (from posting, its kind, to posting, the smaller quantity of the two).
type Pair = (i64, PostingKind, i64, Option<i64>);

impl Pairs {
    fn between(from: &[postings::Model], to: &[postings::Model]) -> Pairs {
        let mut pairs = Vec::new();
        for a in from {
            for b in to {
                if compatible(*a.kind, *b.kind) {
                    pairs.push((a.id, *a.kind, b.id, a.quantity.zip(b.quantity).map(|(x, y)| x.min(y))));
                }
            }
        }
        // Spread over the kinds rather than exhausting the first posting's counterparts.
        pairs.sort_by_key(|(a, _, b, _)| (*b, *a));
        pairs.dedup_by_key(|(_, _, b, _)| *b);
        Pairs(pairs)
    }

    fn take(&mut self) -> Result<Pair, ApiError> {
        if self.0.is_empty() {
            return Err(ApiError::Internal("the demo has too few compatible postings to propose on".into()));
        }
        Ok(self.0.remove(0))
    }
}

fn terms(message: &str, quantity: Option<i64>) -> TermsInput {
    TermsInput {
        message: message.to_owned(),
        quantity: quantity.map(|q| NumberInput::Integer(q.clamp(1, 20))),
        respond_within_days: Some(NumberInput::Integer(7)),
        ..TermsInput::default()
    }
}

fn answer(action: &str) -> Answer {
    Answer { action: action.to_owned(), ..Answer::default() }
}

/// Seeds the brokering story unless the demo enterprise or school already has a proposal.
/// Returns how many proposals were made.
pub async fn seed(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<usize, ApiError> {
    let enterprise = account(db, "enterprise@demo.local").await?;
    let school = account(db, "school@demo.local").await?;
    let broker = account(db, "broker@demo.local").await?;
    let city = account(db, "city@demo.local").await?;
    let (e, s, b) = (org_of(&enterprise)?, org_of(&school)?, org_of(&broker)?);
    let existing = proposals::Entity::find()
        .filter(
            Condition::any()
                .add(proposals::Column::ProposerOrgId.is_in([e, s]))
                .add(proposals::Column::RecipientOrgId.is_in([e, s])),
        )
        .count(db)
        .await?;
    if existing > 0 {
        return Ok(0);
    }
    let at = |days: i64, hours: i64| now - Duration::days(days) + Duration::hours(hours);
    let day = local_day;

    // The enterprise lets the service centre broker for it.
    let granted = delegations::Entity::find()
        .filter(delegations::Column::OrganizationId.eq(e))
        .filter(delegations::Column::IntermediaryId.eq(b))
        .filter(delegations::Column::RevokedAt.is_null())
        .count(db)
        .await?;
    if granted == 0 {
        grants::grant(db, &enterprise, b, at(30, 0)).await?;
    }
    let broker_for_e = grants::act_for(db, broker.clone(), e).await?;

    let (e_posts, s_posts) = (published(db, e).await?, published(db, s).await?);
    let mut e_to_s = Pairs::between(&e_posts, &s_posts);
    let mut s_to_e = Pairs::between(&s_posts, &e_posts);
    // Another school, for proposals the demo school is no party to.
    let other_school = postings::Entity::find()
        .filter(postings::Column::OrganizationId.ne(s))
        .filter(postings::Column::Side.eq(chanjiao_domain::Side::School.as_str()))
        .filter(postings::Column::Status.eq(PostingStatus::Published.as_str()))
        .order_by_asc(postings::Column::Id)
        .all(db)
        .await?;
    let mut e_to_other = Pairs::between(&e_posts, &other_school);

    // Accepted, then completed with outcomes and assessed by the service centre (a third party).
    let (id, quantity) = create(db, &school, s_to_e.take()?, "", at(28, 0)).await?;
    let accepted = proposing::answer(db, &enterprise, id, answer("accept"), at(27, 2), day(at(27, 2))).await?;
    let first = complete(db, &enterprise, accepted.project_id, quantity, at(26, 0), at(6, 0)).await?;
    assess(db, &city, &broker, first, b, at(5, 0), at(3, 0)).await?;

    // Brokered by the service centre for the enterprise, accepted by the school, completed, and
    // assessed by the city (the broker may not assess its own project).
    let (id, quantity) = create(db, &broker_for_e, e_to_s.take()?, "", at(25, 0)).await?;
    let note = NewNote {
        client_org_id: e,
        subject: format!("proposal:{id}"),
        body: "已电话联系学校专业负责人，对方同意下周内答复；实训安排需与教学计划衔接。".into(),
    };
    workspace::add_note(db, &broker, note, at(25, 2)).await?;
    let accepted = proposing::answer(db, &school, id, answer("accept"), at(24, 3), day(at(24, 3))).await?;
    let second = complete(db, &school, accepted.project_id, quantity, at(23, 0), at(4, 0)).await?;
    let city_org = org_of(&city)?;
    assess(db, &city, &city, second, city_org, at(3, 0), at(2, 0)).await?;

    // Accepted and under way.
    let (id, _) = create(db, &enterprise, e_to_s.take()?, "", at(20, 0)).await?;
    let accepted = proposing::answer(db, &school, id, answer("accept"), at(19, 4), day(at(19, 4))).await?;
    if let Some(project) = accepted.project_id {
        let start = ProjectUpdate { action: Some("start".into()), ..ProjectUpdate::default() };
        projects::update(db, &school, project, start, at(15, 0)).await?;
    }

    // Declined with a reason.
    let (id, _) = create(db, &enterprise, e_to_s.take()?, "希望下月开始。", at(18, 0)).await?;
    let decline = Answer {
        action: "decline".into(),
        reason: Some("timing".into()),
        note: "下月为期末考试周，建议下学期初再议。".into(),
        ..Answer::default()
    };
    proposing::answer(db, &school, id, decline, at(17, 5), day(at(17, 5))).await?;

    // Withdrawn by the school that made it.
    let (id, _) = create(db, &school, s_to_e.take()?, "", at(16, 0)).await?;
    proposing::answer(db, &school, id, answer("withdraw"), at(15, 6), day(at(15, 6))).await?;

    // Expired: another school never answered within its week.
    create(db, &enterprise, e_to_other.take()?, "欢迎来厂参观交流。", at(14, 0)).await?;
    proposing::sweep(db, at(6, 0)).await?;

    // A counter-offer from the school now awaits the enterprise.
    let (id, _) = create(db, &enterprise, e_to_s.take()?, "请于一周内答复。", at(5, 0)).await?;
    let counter = Answer {
        action: "counter".into(),
        terms: terms("感谢提议。我方希望调整为 4 人、下学期开始，其余条件不变。", Some(4)),
        ..Answer::default()
    };
    proposing::answer(db, &school, id, counter, at(4, 2), day(at(4, 2))).await?;

    // Open: just proposed, waiting for the recipients.
    create(db, &enterprise, e_to_s.take()?, "", at(2, 0)).await?;
    create(db, &broker_for_e, e_to_other.take()?, "", at(1, 0)).await?;
    Ok(proposals::Entity::find().filter(proposals::Column::ProposerOrgId.is_in([e, s])).count(db).await? as usize)
}

/// Proposes on a pair of postings at `t`; returns the proposal and the smaller of the two
/// postings' quantities.
async fn create(
    db: &DatabaseConnection,
    user: &CurrentUser,
    (from, kind, to, quantity): Pair,
    note: &str,
    t: DateTime<Utc>,
) -> Result<(i64, Option<i64>), ApiError> {
    let brokered = if user.intermediary.is_some() { "产教融合服务中心受委托提议：" } else { "" };
    let message = format!("{brokered}{}{note}", pitch(kind));
    let request = NewProposal { from_posting_id: from, to_posting_id: to, terms: terms(&message, quantity) };
    let view = proposing::create(db, user, request, t, local_day(t)).await?;
    Ok((view.id, quantity))
}

/// What a proposal from a posting of `kind` offers, in a sentence.
fn pitch(kind: PostingKind) -> &'static str {
    use PostingKind::*;
    match kind {
        Job => "我公司相关岗位正在招聘，欢迎贵校推荐应届毕业生，录用前可安排两周岗前实训。",
        Apprenticeship => "",
        OrderClass => "我公司有意与贵校合作开办订单班，共同制定培养方案，毕业后优先录用。",
        TrainingBaseHosted => "我公司实训基地可接收贵校学生分批实训，提供设备和带教师傅。",
        TeacherPracticePost => "诚邀贵校专业教师来我公司实践锻炼，企业提供岗位和食宿。",
        TechnicianToCampus => "我公司可选派技术骨干到贵校授课，讲授一线工艺和案例。",
        EmployeeTraining => "我公司员工技能提升培训希望由贵校承办，学时和内容可商定。",
        RndCooperation => "我公司有一项技术难题，希望与贵校联合攻关。",
        ProgramOffering => "我院相关专业应届毕业生希望到贵公司就业或实习，可先安排岗前实训。",
        PracticePlaceNeed => "我院学生需要实习实训场所，希望到贵公司实训基地分批实训。",
        TeacherPracticeNeed => "我院专业教师希望到贵公司实践锻炼，提升实践教学能力。",
        TeachingNeed => "我院希望贵公司选派技术人员来校授课，共建课程。",
        TrainingCourse => "",
        ResearchCapability => "我院科研团队可为贵公司提供技术服务和联合研发。",
        SharedTrainingBase => "我院共享实训基地可供贵公司开展员工培训和技能鉴定。",
        K12CareerBase => "我校希望组织学生到贵公司开展职业体验活动。",
    }
}

fn local_day(t: DateTime<Utc>) -> chrono::NaiveDate {
    chanjiao_api::clock::to_local(t).date_naive()
}

/// Starts and completes a project with its outcomes, as `user` (a participant).
async fn complete(
    db: &DatabaseConnection,
    user: &CurrentUser,
    project: Option<i64>,
    quantity: Option<i64>,
    started: DateTime<Utc>,
    completed: DateTime<Utc>,
) -> Result<i64, ApiError> {
    let project = project.ok_or_else(|| ApiError::Internal("an accepted demo proposal has no project".into()))?;
    let start = ProjectUpdate { action: Some("start".into()), ..ProjectUpdate::default() };
    projects::update(db, user, project, start, started).await?;
    // Fewer people than either posting asks for, so neither is filled by the demo.
    let placed = (quantity.unwrap_or(6) / 3).clamp(1, 6) as u32;
    let n = |v: u32| Some(NumberInput::Integer(i64::from(v)));
    let outcomes = OutcomesInput {
        placed: n(placed),
        hired: n(placed.saturating_sub(1).max(1)),
        retained_6m: n(placed.saturating_sub(1).max(1)),
        retained_12m: None,
        certificates: n(placed),
        practice_hours: n(placed * 160),
    };
    let done = ProjectUpdate { action: Some("complete".into()), outcomes };
    projects::update(db, user, project, done, completed).await?;
    Ok(project)
}

/// The city appoints `assessor` to the project, and the assessor submits its scores.
#[allow(clippy::too_many_arguments)]
async fn assess(
    db: &DatabaseConnection,
    city: &CurrentUser,
    assessor: &CurrentUser,
    project: i64,
    assessor_org: i64,
    appointed: DateTime<Utc>,
    submitted: DateTime<Utc>,
) -> Result<(), ApiError> {
    let appointment =
        assessments::appoint(db, city, project, Appointment { assessor_org_id: assessor_org }, appointed).await?;
    let scores = Criterion::ALL.iter().enumerate().map(|(i, c)| (c.as_str().to_owned(), (4 + i % 2).to_string()));
    let input = AssessmentInput {
        scores: scores.collect(),
        comment: "合作目标基本达成，学生实训安排规范，企业导师投入充分；建议进一步完善过程记录。".into(),
        evidence: String::new(),
    };
    assessments::submit(db, assessor, appointment.id, input, submitted).await?;
    Ok(())
}
