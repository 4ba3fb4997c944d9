//! Who may do what: the platform's one access policy.
//!
//! Every power an organization can hold (overseeing the city, recording designations, organizing
//! allocation rounds, publishing postings, …) is a [`Power`], and [`decide`] is the only place
//! that says which callers hold it. Verification is a gate, not a label: only a *verified*
//! organization gets the powers of its kind; a pending or rejected one may edit its own profile
//! and drafts and see what anyone sees, and every power refuses it with a [`Refusal`] that says
//! why, in Chinese and English. Platform administrators keep the powers of the platform.
//!
//! The api crate turns a signed-in user into a [`Caller`] and asks [`decide`]; nothing else in
//! the server compares kinds or verification states to grant a power.

use crate::account::Role;
use crate::error::Text;
use crate::organization::{OrgKind, Verification, string_enum};

string_enum!(
    /// Something only some callers may do. The identifiers appear in problem documents and in
    /// `docs/security/access.md`.
    Power, Text::new("a power", "一项权限"), {
        OverseeCity => "oversee_city",
        RecordDesignations => "record_designations",
        AppointAssessors => "appoint_assessors",
        AssessProjects => "assess_projects",
        OrganizeRounds => "organize_rounds",
        EnterStudents => "enter_students",
        SubmitSchoolReports => "submit_school_reports",
        PublishPostings => "publish_postings",
        Propose => "propose",
        BookTrainingBases => "book_training_bases",
        BrokerForClients => "broker_for_clients",
        GrantDelegations => "grant_delegations",
        ManageApiKeys => "manage_api_keys",
        AdministerPlatform => "administer_platform",
    }
);

/// Who holds a power, as data: [`decide`] reads it and the documentation table is printed from it.
struct Rule {
    /// The organization kinds whose verified members hold the power (empty: no organization does).
    kinds: &'static [OrgKind],
    /// Only the organization's administrators, not ordinary members.
    administrators_only: bool,
    /// An intermediary's member acting for a client may use it on the client's behalf.
    delegable: bool,
    /// Platform administrators hold it.
    platform_admins: bool,
}

/// Powers only a person holds: an API key acts as its organization, and the keys themselves
/// (creating, rotating, revoking) are managed by its administrators in person, never by a key.
fn people_only(power: Power) -> bool {
    matches!(power, Power::ManageApiKeys | Power::GrantDelegations | Power::AdministerPlatform)
}

const ALL_KINDS: &[OrgKind] = &[OrgKind::Enterprise, OrgKind::School, OrgKind::Intermediary, OrgKind::Authority];
const POSTERS: &[OrgKind] = &[OrgKind::Enterprise, OrgKind::School];

impl Power {
    fn rule(self) -> Rule {
        let rule = |kinds, administrators_only, delegable, platform_admins| Rule {
            kinds,
            administrators_only,
            delegable,
            platform_admins,
        };
        match self {
            Power::OverseeCity | Power::RecordDesignations | Power::AppointAssessors => {
                rule(&[OrgKind::Authority], false, false, true)
            }
            Power::AssessProjects => rule(&[OrgKind::Intermediary, OrgKind::Authority], false, false, false),
            Power::OrganizeRounds => rule(&[OrgKind::Authority, OrgKind::Intermediary], false, false, false),
            Power::EnterStudents => rule(&[OrgKind::School], false, true, false),
            Power::SubmitSchoolReports => rule(&[OrgKind::School], true, false, false),
            Power::PublishPostings | Power::Propose | Power::BookTrainingBases => rule(POSTERS, false, true, false),
            Power::BrokerForClients => rule(&[OrgKind::Intermediary], false, false, false),
            Power::GrantDelegations | Power::ManageApiKeys => rule(ALL_KINDS, true, false, false),
            Power::AdministerPlatform => rule(&[], false, false, true),
        }
    }

    /// What the power is, in Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            Power::OverseeCity => "查看全市合作意向、项目、学校报表和排行",
            Power::RecordDesignations => "认定示范项目与基地",
            Power::AppointAssessors => "指派项目评估机构",
            Power::AssessProjects => "评估合作项目",
            Power::OrganizeRounds => "组织分配轮次",
            Power::EnterStudents => "为分配轮次录入学生",
            Power::SubmitSchoolReports => "报送学校年度数据",
            Power::PublishPostings => "发布需求与资源",
            Power::Propose => "发起合作意向",
            Power::BookTrainingBases => "预约实训基地",
            Power::BrokerForClients => "代理客户开展对接",
            Power::GrantDelegations => "委托服务组织代理",
            Power::ManageApiKeys => "管理本机构的 API 密钥",
            Power::AdministerPlatform => "管理平台（审核机构、创建主管部门）",
        }
    }

    /// What the power is, in English.
    pub fn en(self) -> &'static str {
        match self {
            Power::OverseeCity => "oversee the city (every proposal, project, school report and league)",
            Power::RecordDesignations => "record official designations",
            Power::AppointAssessors => "appoint assessors",
            Power::AssessProjects => "assess projects",
            Power::OrganizeRounds => "organize allocation rounds",
            Power::EnterStudents => "enter students in rounds",
            Power::SubmitSchoolReports => "submit school reports",
            Power::PublishPostings => "publish postings",
            Power::Propose => "propose cooperation",
            Power::BookTrainingBases => "book training bases",
            Power::BrokerForClients => "broker for clients",
            Power::GrantDelegations => "grant delegations",
            Power::ManageApiKeys => "manage the organization's API keys",
            Power::AdministerPlatform => "administer the platform (verify organizations, create authorities)",
        }
    }
}

/// The standing of the organization a caller acts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub kind: OrgKind,
    pub verification: Verification,
}

/// Everything the policy needs to know about who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub role: Role,
    /// The organization the caller acts as: their own, or the client's when acting for one.
    /// Platform administrators have none.
    pub organization: Option<Standing>,
    /// An intermediary's member acting for a client (then `organization` is the client's).
    pub acting_for_client: bool,
    /// An API key rather than a person: it acts as its organization with a member's role.
    pub api_key: bool,
}

/// Why a power is refused. Each says what the caller can do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum Refusal {
    #[error("the organization is not verified yet")]
    NotVerified,
    #[error("the organization's verification was rejected")]
    Rejected,
    #[error("this is not something your kind of organization does")]
    WrongKind,
    #[error("only the organization's administrators may do this")]
    NotAdministrator,
    #[error("this cannot be done on a client's behalf")]
    NotOnBehalf,
    #[error("this needs an organization")]
    NoOrganization,
    #[error("only platform administrators may do this")]
    PlatformAdminsOnly,
    #[error("an API key cannot do this; a person must sign in")]
    PeopleOnly,
}

impl Refusal {
    pub fn zh(self) -> &'static str {
        match self {
            Refusal::NotVerified => "机构尚未通过审核",
            Refusal::Rejected => "机构审核未通过",
            Refusal::WrongKind => "此类机构不能进行此操作",
            Refusal::NotAdministrator => "仅机构管理员可以进行此操作",
            Refusal::NotOnBehalf => "不能代客户进行此操作",
            Refusal::NoOrganization => "需要以所属机构身份进行此操作",
            Refusal::PlatformAdminsOnly => "仅平台管理员可以进行此操作",
            Refusal::PeopleOnly => "API 密钥不能进行此操作，须由本人登录",
        }
    }

    /// A stable identifier for problem documents.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NotVerified => "not_verified",
            Refusal::Rejected => "rejected",
            Refusal::WrongKind => "wrong_kind",
            Refusal::NotAdministrator => "not_administrator",
            Refusal::NotOnBehalf => "not_on_behalf",
            Refusal::NoOrganization => "no_organization",
            Refusal::PlatformAdminsOnly => "platform_admins_only",
            Refusal::PeopleOnly => "people_only",
        }
    }
}

/// Whether `caller` holds `power`. The checks run from what can never change (the kind of
/// organization) to what can (verification), so the reason given is the one that matters.
pub fn decide(caller: &Caller, power: Power) -> Result<(), Refusal> {
    let rule = power.rule();
    if caller.api_key && people_only(power) {
        return Err(Refusal::PeopleOnly);
    }
    if caller.role == Role::PlatformAdmin {
        return if rule.platform_admins { Ok(()) } else { Err(Refusal::NoOrganization) };
    }
    let Some(org) = caller.organization else {
        return Err(if rule.kinds.is_empty() { Refusal::PlatformAdminsOnly } else { Refusal::NoOrganization });
    };
    if rule.kinds.is_empty() {
        return Err(Refusal::PlatformAdminsOnly);
    }
    if !rule.kinds.contains(&org.kind) {
        return Err(Refusal::WrongKind);
    }
    if caller.acting_for_client && !rule.delegable {
        return Err(Refusal::NotOnBehalf);
    }
    if rule.administrators_only && caller.role != Role::OrgAdmin {
        return Err(Refusal::NotAdministrator);
    }
    match org.verification {
        Verification::Verified => Ok(()),
        Verification::Pending => Err(Refusal::NotVerified),
        Verification::Rejected => Err(Refusal::Rejected),
    }
}

/// One row of the "who may do what" table: who holds the power, in words.
pub struct TableRow {
    pub power: Power,
    pub holders: String,
    pub administrators_only: bool,
    pub delegable: bool,
    pub platform_admins: bool,
}

/// The policy as a table, one row per power, for `docs/security/access.md` (a test keeps the
/// document and this table in step).
pub fn table() -> Vec<TableRow> {
    Power::ALL
        .iter()
        .map(|&power| {
            let rule = power.rule();
            let holders = if rule.kinds.is_empty() {
                "—".to_owned()
            } else {
                rule.kinds.iter().map(|k| format!("verified {k}")).collect::<Vec<_>>().join(", ")
            };
            TableRow {
                power,
                holders,
                administrators_only: rule.administrators_only,
                delegable: rule.delegable,
                platform_admins: rule.platform_admins,
            }
        })
        .collect()
}

/// The table in Markdown, exactly as `docs/security/access.md` carries it.
pub fn markdown_table() -> String {
    let yes = |b: bool| if b { "yes" } else { "no" };
    let mut out = String::from(
        "| power | 权限 | held by | org admins only | on a client's behalf | platform admins |\n|---|---|---|---|---|---|\n",
    );
    for row in table() {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            row.power,
            row.power.zh(),
            row.holders,
            yes(row.administrators_only),
            yes(row.delegable),
            yes(row.platform_admins),
        ));
    }
    out
}

#[cfg(test)]
mod tests;
