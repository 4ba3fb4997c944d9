//! Deleting the personal data of closed rounds after the retention period
//! (`rounds_retention_days`, 365 by default): students, preferences, rankings and results go;
//! the round, its places, its aggregate report and its access log stay.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::json;

use crate::entities::rounds::{preferences, rankings, results, round, students};
use crate::error::ApiError;
use crate::services::audit;

/// Deletes the personal data of every round closed more than `days` days before `now`; returns
/// how many rounds were cleared.
pub async fn sweep(db: &DatabaseConnection, now: DateTime<Utc>, days: i64) -> Result<usize, ApiError> {
    let cutoff = now - Duration::days(days.max(0));
    let due = round::Entity::find()
        .filter(round::Column::Phase.eq("closed"))
        .filter(round::Column::ClosedAt.lte(cutoff))
        .filter(round::Column::PersonalDataDeletedAt.is_null())
        .all(db)
        .await?;
    for row in &due {
        let txn = crate::db::begin_write(db).await?;
        // Explicit rather than relying on cascades, which SQLite applies only with its
        // foreign-key pragma on.
        let ids: Vec<i64> = students::Entity::find()
            .filter(students::Column::RoundId.eq(row.id))
            .all(&txn)
            .await?
            .iter()
            .map(|s| s.id)
            .collect();
        for chunk in ids.chunks(500) {
            results::Entity::delete_many().filter(results::Column::StudentId.is_in(chunk.to_vec())).exec(&txn).await?;
            rankings::Entity::delete_many()
                .filter(rankings::Column::StudentId.is_in(chunk.to_vec()))
                .exec(&txn)
                .await?;
            preferences::Entity::delete_many()
                .filter(preferences::Column::StudentId.is_in(chunk.to_vec()))
                .exec(&txn)
                .await?;
        }
        let deleted = students::Entity::delete_many()
            .filter(students::Column::RoundId.eq(row.id))
            .exec(&txn)
            .await?
            .rows_affected;
        round::Entity::update_many()
            .col_expr(round::Column::PersonalDataDeletedAt, Expr::value(now))
            .filter(round::Column::Id.eq(row.id))
            .exec(&txn)
            .await?;
        audit::record(&txn, None, now, "round", row.id, "delete_personal_data", json!({"students": deleted})).await?;
        txn.commit().await?;
    }
    Ok(due.len())
}
