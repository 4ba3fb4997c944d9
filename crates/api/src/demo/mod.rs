//! Demonstration data for Shaoxing, created by `serve --demo`: organizations across the city's
//! districts and one account per role, all with the password [`DEMO_PASSWORD`].
//!
//! Seeding is idempotent: an organization is matched by name and an account by e-mail, so
//! starting the demo twice changes nothing.

use chanjiao_domain::organization::KindIdentity;
use chanjiao_domain::{CreditCode, Email, NewOrganization, OrgName, RegionCode, Role, SchoolLevel, Verification};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
};

use crate::auth::password;
use crate::entities::{organizations, users};
use crate::error::ApiError;
use crate::services::accounts;

pub const DEMO_PASSWORD: &str = "chanjiao-demo";

/// One demo account, as printed at start-up.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub email: &'static str,
    pub role_zh: &'static str,
    pub organization: Option<&'static str>,
}

enum Identity {
    Enterprise(&'static str),
    School(SchoolLevel),
    Intermediary,
    Authority,
}

struct DemoOrg {
    name: &'static str,
    region: &'static str,
    identity: Identity,
    /// The demo account administering it, if any.
    admin: Option<&'static str>,
}

/// Organizations spread over the six districts and counties of 绍兴市. The enterprise codes are
/// 17 characters completed with a computed check character.
const ORGANIZATIONS: &[DemoOrg] = &[
    DemoOrg {
        name: "绍兴精工数控机床有限公司",
        region: "330603",
        identity: Identity::Enterprise("91330603MA2BK1N7X"),
        admin: Some("enterprise@demo.local"),
    },
    DemoOrg {
        name: "浙江越芯集成电路有限公司",
        region: "330602",
        identity: Identity::Enterprise("91330602MA2D8C3P4"),
        admin: None,
    },
    DemoOrg {
        name: "上虞晶华新材料科技有限公司",
        region: "330604",
        identity: Identity::Enterprise("91330604MA2JH5Q21"),
        admin: None,
    },
    DemoOrg {
        name: "诸暨华东珍珠饰品有限公司",
        region: "330681",
        identity: Identity::Enterprise("91330681MA2BWE9L6"),
        admin: None,
    },
    DemoOrg {
        name: "嵊州领带智造有限公司",
        region: "330683",
        identity: Identity::Enterprise("91330683MA2D1F8K3"),
        admin: None,
    },
    DemoOrg {
        name: "新昌康源生物医药有限公司",
        region: "330624",
        identity: Identity::Enterprise("91330624MA2BX27R5"),
        admin: None,
    },
    DemoOrg {
        name: "绍兴市现代职业技术学院",
        region: "330602",
        identity: Identity::School(SchoolLevel::GaozhiZhuanke),
        admin: Some("school@demo.local"),
    },
    DemoOrg {
        name: "柯桥区职业教育中心",
        region: "330603",
        identity: Identity::School(SchoolLevel::Zhongzhi),
        admin: None,
    },
    DemoOrg {
        name: "绍兴应用技术学院",
        region: "330602",
        identity: Identity::School(SchoolLevel::PutongBenke),
        admin: None,
    },
    DemoOrg {
        name: "绍兴产教融合服务中心",
        region: "330602",
        identity: Identity::Intermediary,
        admin: Some("broker@demo.local"),
    },
    DemoOrg {
        name: "绍兴市产教融合工作领导小组办公室",
        region: "330600",
        identity: Identity::Authority,
        admin: Some("city@demo.local"),
    },
];

pub const PLATFORM_ADMIN: &str = "admin@demo.local";

/// Creates what is missing of the demo and returns the demo accounts.
pub async fn seed(db: &DatabaseConnection) -> Result<Vec<DemoAccount>, ApiError> {
    let hash = password::hash(DEMO_PASSWORD).await?;
    let txn = db.begin().await?;
    let mut accounts_made = Vec::new();
    for demo in ORGANIZATIONS {
        let existing =
            organizations::Entity::find().filter(organizations::Column::Name.eq(demo.name)).one(&txn).await?;
        let org_id = match existing {
            Some(org) => org.id,
            None => accounts::insert_organization(&txn, &demo_org(demo)?, Verification::Verified).await?.id,
        };
        if let Some(email) = demo.admin {
            ensure_user(&txn, Some(org_id), email, &hash, Role::OrgAdmin).await?;
            let role_zh = match demo.identity {
                Identity::Enterprise(_) => "企业管理员",
                Identity::School(_) => "学校管理员",
                Identity::Intermediary => "服务组织管理员",
                Identity::Authority => "主管部门",
            };
            accounts_made.push(DemoAccount { email, role_zh, organization: Some(demo.name) });
        }
    }
    ensure_user(&txn, None, PLATFORM_ADMIN, &hash, Role::PlatformAdmin).await?;
    accounts_made.push(DemoAccount { email: PLATFORM_ADMIN, role_zh: "平台管理员", organization: None });
    txn.commit().await?;
    Ok(accounts_made)
}

fn demo_org(demo: &DemoOrg) -> Result<NewOrganization, ApiError> {
    let bad = |what: &str| ApiError::Internal(format!("demo organization {} has a bad {what}", demo.name));
    let identity = match demo.identity {
        Identity::Enterprise(prefix) => {
            KindIdentity::Enterprise { credit_code: CreditCode::complete(prefix).ok_or_else(|| bad("credit code"))? }
        }
        Identity::School(level) => KindIdentity::School { level },
        Identity::Intermediary => KindIdentity::Intermediary,
        Identity::Authority => KindIdentity::Authority,
    };
    Ok(NewOrganization {
        name: OrgName::parse(demo.name).map_err(|_| bad("name"))?,
        region: RegionCode::parse(demo.region).map_err(|_| bad("region"))?,
        identity,
    })
}

async fn ensure_user(
    db: &impl sea_orm::ConnectionTrait,
    organization_id: Option<i64>,
    email: &str,
    hash: &str,
    role: Role,
) -> Result<(), ApiError> {
    let email = Email::parse(email).map_err(|_| ApiError::Internal(format!("demo e-mail {email} is invalid")))?;
    let exists = users::Entity::find().filter(users::Column::Email.eq(email.as_str())).one(db).await?.is_some();
    if !exists {
        users::ActiveModel {
            organization_id: Set(organization_id),
            email: Set(email.as_str().to_owned()),
            password_hash: Set(hash.to_owned()),
            role: Set(role.as_str().to_owned()),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// The start-up banner listing the demo accounts.
pub fn banner(accounts: &[DemoAccount], base_url: &str) -> String {
    let mut text = format!("\n演示账号 / Demo accounts (password: {DEMO_PASSWORD})  {base_url}\n");
    for account in accounts {
        let org = account.organization.unwrap_or("—");
        text.push_str(&format!("  {:<24} {:<10} {}\n", account.email, account.role_zh, org));
    }
    text
}
