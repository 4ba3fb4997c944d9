//! Accounts: registering an organization with its first administrator, adding users, signing
//! in through the login throttle, resolving sessions and signing out. Every password hash runs
//! through the bounded [`Hasher`].

use chanjiao_domain::Text;
use chanjiao_domain::organization::OrganizationInput;
use chanjiao_domain::{Email, Invalids, NewOrganization, OrgKind, Password, Role, Verification};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter,
};
use serde::Deserialize;

use crate::abuse::ClientAddr;
use crate::auth::password::Hasher;
use crate::auth::{CurrentUser, token};
use crate::config::Config;
use crate::db::Stored;
use crate::entities::{login_failures, organizations, sessions, users};
use crate::error::ApiError;
use crate::services::login_throttle;
use crate::services::organizations::{self as orgs, Organization};

/// A registration as submitted by the form or the API. Every field defaults to empty so that a
/// missing field is reported like an empty one: "required", by name.
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct Registration {
    /// `authority` is refused here (422 on `kind`): authorities are created by a platform
    /// administrator (`POST /admin/organizations`).
    #[schema(value_type = chanjiao_domain::OrgKind, required = true)]
    pub kind: String,
    #[schema(min_length = 2, max_length = 100, required = true)]
    pub name: String,
    /// A GB/T 2260 division code of Zhejiang.
    #[schema(example = "330603", required = true)]
    pub region: String,
    /// Enterprises only: the 18-character unified social credit code (GB 32100-2015), check
    /// character verified. Null or absent for other kinds.
    pub credit_code: Option<String>,
    /// Schools only; null or absent for other kinds.
    #[schema(value_type = Option<chanjiao_domain::SchoolLevel>)]
    pub level: Option<String>,
    #[schema(format = "email", required = true)]
    pub admin_email: String,
    #[schema(format = "password", min_length = 8, max_length = 128, required = true)]
    pub admin_password: String,
}

/// Who creates an organization, which decides the kinds allowed and the standing it starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// Anyone, through the register page or the API: any kind but authority, pending review.
    SelfService,
    /// A platform administrator (CLI, admin page or API), who vouches for it: any kind, verified.
    PlatformAdmin,
}

/// Registers an organization, pending verification, with its first administrator.
pub async fn register(
    db: &DatabaseConnection,
    hasher: &Hasher,
    form: Registration,
    now: DateTime<Utc>,
) -> Result<Organization, ApiError> {
    create(db, hasher, form, Origin::SelfService, now).await
}

/// A platform administrator creates an organization of any kind (authorities only this way),
/// verified from the start, with its first administrator.
pub async fn create_verified(
    db: &DatabaseConnection,
    hasher: &Hasher,
    form: Registration,
    now: DateTime<Utc>,
) -> Result<Organization, ApiError> {
    create(db, hasher, form, Origin::PlatformAdmin, now).await
}

async fn create(
    db: &DatabaseConnection,
    hasher: &Hasher,
    form: Registration,
    origin: Origin,
    now: DateTime<Utc>,
) -> Result<Organization, ApiError> {
    let parsed_org = NewOrganization::parse(&OrganizationInput {
        kind: &form.kind,
        name: &form.name,
        region: &form.region,
        credit_code: form.credit_code.as_deref(),
        level: form.level.as_deref(),
    });
    let mut errors = match &parsed_org {
        Ok(_) => Invalids::default(),
        Err(errors) => errors.clone(),
    };
    // Authorities oversee the whole city; they are created by a platform administrator (the
    // `org add` command or /admin/organizations), never by self-registration.
    if origin == Origin::SelfService && form.kind.parse::<OrgKind>() == Ok(OrgKind::Authority) {
        errors.push(
            "kind",
            chanjiao_domain::Invalid::NotAllowed(Text::new(
                "authorities are created by a platform administrator",
                "主管部门由平台管理员创建，不能自行注册",
            )),
        );
    }
    let email = errors.take("admin_email", Email::parse(&form.admin_email));
    let admin_password = errors.take("admin_password", Password::parse(&form.admin_password));
    let (Ok(new_org), Some(email), Some(admin_password)) = (parsed_org, email, admin_password) else {
        return Err(errors.into());
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    // Report known duplicates before the expensive hash; the unique indexes still decide races.
    if let Some(code) = new_org.identity.credit_code() {
        let taken =
            organizations::Entity::find().filter(organizations::Column::CreditCode.eq(code.as_str())).count(db).await?;
        if taken > 0 {
            return Err(already_registered("credit_code"));
        }
    }
    if users::Entity::find().filter(users::Column::Email.eq(email.as_str())).count(db).await? > 0 {
        return Err(already_registered("admin_email"));
    }
    let hash = hasher.hash(admin_password.expose()).await?;
    let txn = crate::db::begin_write(db).await?;
    let standing = match origin {
        Origin::SelfService => Verification::Pending,
        Origin::PlatformAdmin => Verification::Verified,
    };
    let org = insert_organization(&txn, &new_org, standing, now).await?;
    insert_user(&txn, Some(org.id), &email, hash, Role::OrgAdmin, now).await?;
    txn.commit().await?;
    Ok(org)
}

fn already_registered(field: &'static str) -> ApiError {
    ApiError::Conflict {
        field,
        invalid: chanjiao_domain::Invalid::NotAllowed(Text::new("already registered", "已被注册")),
    }
}

pub async fn insert_organization(
    db: &impl ConnectionTrait,
    org: &NewOrganization,
    verification: Verification,
    now: DateTime<Utc>,
) -> Result<Organization, ApiError> {
    let row = organizations::ActiveModel {
        kind: Set(Stored(org.identity.kind())),
        name: Set(org.name.as_str().to_owned()),
        region_code: Set(Stored(org.region.clone())),
        credit_code: Set(org.identity.credit_code().map(|c| c.as_str().to_owned())),
        school_level: Set(org.identity.level().map(Stored)),
        verification: Set(Stored(verification)),
        created_at: Set(now),
        verified_at: Set((verification == Verification::Verified).then_some(now)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    row.try_into()
}

async fn insert_user(
    db: &impl ConnectionTrait,
    organization_id: Option<i64>,
    email: &Email,
    password_hash: String,
    role: Role,
    now: DateTime<Utc>,
) -> Result<users::Model, ApiError> {
    users::ActiveModel {
        organization_id: Set(organization_id),
        email: Set(email.as_str().to_owned()),
        password_hash: Set(password_hash),
        role: Set(Stored(role)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(ApiError::from)
}

/// The roles [`NewUser::role`] names, for the API's document.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code, reason = "never built: it only names the values a string field takes")]
pub enum NewUserRole {
    Member,
    OrgAdmin,
}

/// A new user for an organization (or a platform administrator when `organization_id` is None).
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewUser {
    #[schema(format = "email", required = true)]
    pub email: String,
    #[schema(format = "password", min_length = 8, max_length = 128, required = true)]
    pub password: String,
    /// `member` (the default when empty or absent) or `org_admin`.
    #[schema(value_type = NewUserRole)]
    pub role: String,
}

pub async fn add_user(
    db: &impl ConnectionTrait,
    hasher: &Hasher,
    organization_id: Option<i64>,
    form: NewUser,
    now: DateTime<Utc>,
) -> Result<i64, ApiError> {
    let mut errors = Invalids::default();
    let email = errors.take("email", Email::parse(&form.email));
    let password_ok = errors.take("password", Password::parse(&form.password));
    let role_raw = if form.role.trim().is_empty() { "member" } else { form.role.as_str() };
    let role = errors.take("role", role_raw.parse::<Role>());
    let role_fits = match role {
        Some(Role::PlatformAdmin) => organization_id.is_none(),
        Some(_) => organization_id.is_some(),
        None => true,
    };
    if !role_fits {
        errors.push(
            "role",
            chanjiao_domain::Invalid::NotAllowed(Text::new(
                "platform administrators belong to no organization",
                "平台管理员不隶属于任何机构",
            )),
        );
    }
    let (Some(email), Some(password_ok), Some(role)) = (email, password_ok, role) else {
        return Err(errors.into());
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let hash = hasher.hash(password_ok.expose()).await?;
    Ok(insert_user(db, organization_id, &email, hash, role, now).await?.id)
}

/// A sign-in attempt and the client it comes from (see [`crate::abuse::ClientAddr`]).
pub struct LoginAttempt<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub client: ClientAddr,
}

/// Checks the credentials and opens a session. Returns the session token, shown only once.
///
/// The attempt is counted by the login throttle *before* the password is checked (see
/// [`login_throttle`]), so parallel guesses cannot outrun the count; a success forgives it.
pub async fn login(
    db: &DatabaseConnection,
    hasher: &Hasher,
    config: &Config,
    attempt: LoginAttempt<'_>,
    now: DateTime<Utc>,
) -> Result<String, ApiError> {
    let email: String = attempt.email.trim().to_lowercase().chars().take(254).collect();
    let client = attempt.client.limit_key().to_string();
    let policy = login_throttle::Policy::from_config(config);
    if let Err(retry_after_secs) = login_throttle::reserve(db, &policy, &email, &client, now).await? {
        tracing::info!(client = %attempt.client, retry_after_secs, "login refused by the throttle");
        return Err(ApiError::TooManyAttempts { retry_after_secs });
    }
    // A disabled user is treated as unknown: the same answer, the same time.
    let user = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .filter(users::Column::DisabledAt.is_null())
        .one(db)
        .await?;
    let ok = hasher.verify(attempt.password, user.as_ref().map(|u| u.password_hash.clone())).await?;
    let Some(user) = user.filter(|_| ok) else {
        // The throttle has counted it already; this row is the record of it.
        login_failures::ActiveModel {
            email: Set(email),
            ip: Set(client.chars().take(64).collect()),
            attempted_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        return Err(ApiError::BadCredentials);
    };
    login_throttle::release(db, &email, &client).await?;
    login_failures::Entity::delete_many().filter(login_failures::Column::Email.eq(email.as_str())).exec(db).await?;
    let token = token::generate();
    sessions::ActiveModel {
        token_hash: Set(token::digest(&token)),
        user_id: Set(user.id),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(config.session_ttl_hours)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The user behind a live session token, if any.
pub async fn session_user(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<CurrentUser>, ApiError> {
    let digest = token::digest(token);
    let session = sessions::Entity::find()
        .filter(sessions::Column::TokenHash.eq(digest.as_str()))
        .filter(sessions::Column::ExpiresAt.gt(now))
        .one(db)
        .await?;
    let Some(session) = session else { return Ok(None) };
    let user = users::Entity::find_by_id(session.user_id).one(db).await?;
    let Some(user) = user.filter(|u| u.disabled_at.is_none()) else { return Ok(None) };
    let organization = match user.organization_id {
        Some(id) => Some(orgs::get(db, id).await?),
        None => None,
    };
    let role = *user.role;
    Ok(Some(CurrentUser {
        user_id: Some(user.id),
        email: user.email,
        role,
        organization,
        intermediary: None,
        api_key: None,
        session_digest: digest,
    }))
}

/// Revokes one session; the token stops working at once on every server sharing the database.
pub async fn logout(db: &impl ConnectionTrait, session_digest: &str) -> Result<(), ApiError> {
    sessions::Entity::delete_many().filter(sessions::Column::TokenHash.eq(session_digest)).exec(db).await?;
    Ok(())
}
