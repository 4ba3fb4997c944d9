//! Account hygiene: changing one's password (which ends every other session), logging out
//! everywhere, platform administrators disabling and re-enabling users, and pruning what no
//! longer matters (expired sessions, login failures older than the lock-out window).
//!
//! Signing in itself lives in [`super::accounts`]; it refuses disabled users, and
//! [`super::accounts::session_user`] ignores their sessions, which disabling also deletes so
//! they stop working at once on every server sharing the database.

use chanjiao_domain::Text;
use chanjiao_domain::{Invalid, Invalids, Password, Role};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::CurrentUser;
use crate::auth::password::Hasher;
use crate::entities::{login_failures, sessions, users};
use crate::error::ApiError;
use crate::services::audit;

/// A password change as the form and the API send it.
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PasswordChange {
    #[schema(format = "password", required = true)]
    pub current_password: String,
    #[schema(format = "password", min_length = 8, max_length = 128, required = true)]
    pub new_password: String,
}

/// Why a change was refused when the current password does not match.
pub const WRONG_CURRENT: Text = Text::new("the current password", "当前密码不正确");

/// Changes the user's password after checking the current one, and ends every session of the
/// user except the one making the change.
pub async fn change_password(
    db: &DatabaseConnection,
    hasher: &Hasher,
    user: &CurrentUser,
    form: &PasswordChange,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let mut errors = Invalids::default();
    if form.current_password.is_empty() {
        errors.push("current_password", Invalid::Required);
    }
    let new = errors.take("new_password", Password::parse(&form.new_password));
    let (Some(new), true) = (new, errors.is_empty()) else { return Err(errors.into()) };
    let user_id = user.person()?;
    let row = users::Entity::find_by_id(user_id).one(db).await?.ok_or(ApiError::Unauthenticated)?;
    if !hasher.verify(&form.current_password, Some(row.password_hash)).await? {
        return Err(ApiError::invalid("current_password", Invalid::NotAllowed(WRONG_CURRENT)));
    }
    let hash = hasher.hash(new.expose()).await?;
    let txn = crate::db::begin_write(db).await?;
    users::Entity::update_many()
        .col_expr(users::Column::PasswordHash, Expr::value(hash))
        .filter(users::Column::Id.eq(user_id))
        .exec(&txn)
        .await?;
    let ended = sessions::Entity::delete_many()
        .filter(sessions::Column::UserId.eq(user_id))
        .filter(sessions::Column::TokenHash.ne(user.session_digest.as_str()))
        .exec(&txn)
        .await?
        .rows_affected;
    audit::record(&txn, Some(user), now, "user", user_id, "change_password", json!({ "ended_sessions": ended }))
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Ends every session of the user, this one included.
pub async fn logout_everywhere(db: &impl ConnectionTrait, user_id: i64) -> Result<u64, ApiError> {
    let ended = sessions::Entity::delete_many().filter(sessions::Column::UserId.eq(user_id)).exec(db).await?;
    Ok(ended.rows_affected)
}

/// A user as platform administrators see them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UserAccount {
    pub id: i64,
    #[schema(format = "email")]
    pub email: String,
    pub role: Role,
    #[schema(required = true)]
    pub organization_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// Set while the user is disabled: no sign-in, no sessions.
    #[schema(required = true)]
    pub disabled_at: Option<DateTime<Utc>>,
}

impl TryFrom<users::Model> for UserAccount {
    type Error = ApiError;

    fn try_from(row: users::Model) -> Result<Self, ApiError> {
        let role = *row.role;
        Ok(UserAccount {
            id: row.id,
            email: row.email,
            role,
            organization_id: row.organization_id,
            created_at: row.created_at,
            disabled_at: row.disabled_at,
        })
    }
}

/// Every user, in the order they joined.
pub async fn users(db: &impl ConnectionTrait) -> Result<Vec<UserAccount>, ApiError> {
    users::Entity::find().order_by_asc(users::Column::Id).all(db).await?.into_iter().map(TryInto::try_into).collect()
}

/// Disables (`disabled = true`) or re-enables a user. Disabling deletes every session of the
/// user in the same transaction, so they are signed out everywhere at once; an administrator
/// cannot disable themself (and so lock the platform's last administrator out).
pub async fn set_disabled(
    db: &DatabaseConnection,
    admin: &CurrentUser,
    id: i64,
    disabled: bool,
    now: DateTime<Utc>,
) -> Result<UserAccount, ApiError> {
    if !admin.is_platform_admin() {
        return Err(ApiError::Forbidden);
    }
    if disabled && Some(id) == admin.user_id {
        return Err(ApiError::Refused {
            field: "id",
            code: "own_account",
            en: "administrators cannot disable their own account".into(),
            zh: "管理员不能停用自己的账号".into(),
        });
    }
    let txn = crate::db::begin_write(db).await?;
    users::Entity::find_by_id(id).one(&txn).await?.ok_or(ApiError::NotFound)?;
    let at = disabled.then(Utc::now);
    users::Entity::update_many()
        .col_expr(users::Column::DisabledAt, Expr::value(at))
        .filter(users::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    let ended = if disabled { logout_everywhere(&txn, id).await? } else { 0 };
    let action = if disabled { "disable" } else { "enable" };
    audit::record(&txn, Some(admin), now, "user", id, action, json!({ "ended_sessions": ended })).await?;
    let row = users::Entity::find_by_id(id).one(&txn).await?.ok_or(ApiError::NotFound)?;
    txn.commit().await?;
    row.try_into()
}

/// Deletes expired sessions and login failures older than the lock-out window (they no longer
/// count towards any limit). Returns how many of each.
pub async fn prune(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    login_window_minutes: i64,
) -> Result<(u64, u64), ApiError> {
    let expired = sessions::Entity::delete_many().filter(sessions::Column::ExpiresAt.lte(now)).exec(db).await?;
    let window = Duration::try_minutes(login_window_minutes.max(0)).unwrap_or(Duration::MAX);
    let cutoff = now.checked_sub_signed(window).unwrap_or(DateTime::<Utc>::MIN_UTC);
    let stale =
        login_failures::Entity::delete_many().filter(login_failures::Column::AttemptedAt.lt(cutoff)).exec(db).await?;
    Ok((expired.rows_affected, stale.rows_affected))
}
