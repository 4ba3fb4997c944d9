//! The posting outbox: one row per change to a posting, written in the change's transaction,
//! and read in sequence order by the search indexer, the alert processor and the change feed.
//!
//! Sequences are handed out when a row is inserted, not when its transaction commits, so on
//! PostgreSQL a later sequence can become visible before an earlier one. Every reader therefore
//! stops at a gap and waits for it to fill ([`settled`]); a gap still open after
//! [`GAP_PATIENCE`] belongs to a transaction that rolled back, and is passed over.

use std::time::Duration;

use chanjiao_domain::posting::PostingChange;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::db::Stored;
use crate::entities::{posting_outbox, postings};
use crate::error::ApiError;

/// How long a hole in the sequence may stay open before it is taken for a rollback.
pub const GAP_PATIENCE: Duration = Duration::from_secs(10);

/// The outbox row of one change.
pub(crate) fn outbox_row(posting_id: i64, change: PostingChange, now: DateTime<Utc>) -> posting_outbox::ActiveModel {
    posting_outbox::ActiveModel {
        posting_id: Set(posting_id),
        op: Set("upsert".to_owned()),
        created_at: Set(now),
        change: Set(Some(Stored(change))),
        ..Default::default()
    }
}

/// Records a change to a posting, inside the change's transaction: the indexers re-read the
/// posting and decide its visibility; the feed reports the change.
pub(crate) async fn enqueue(
    txn: &impl ConnectionTrait,
    posting_id: i64,
    change: PostingChange,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    outbox_row(posting_id, change, now).insert(txn).await?;
    Ok(())
}

/// Records an `updated` change for every posting of an organization, whose name every posting
/// shows: renaming it changes them all, for the index and for mirrors.
pub(crate) async fn enqueue_organization(
    txn: &impl ConnectionTrait,
    organization_id: i64,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let select = Query::select()
        .column(postings::Column::Id)
        .expr(Expr::value("upsert"))
        .expr(Expr::value(now))
        .expr(Expr::value(PostingChange::Updated.as_str()))
        .from(postings::Entity)
        .and_where(postings::Column::OrganizationId.eq(organization_id))
        .order_by(postings::Column::Id, sea_orm::Order::Asc)
        .to_owned();
    let insert = Query::insert()
        .into_table(posting_outbox::Entity)
        .columns([
            posting_outbox::Column::PostingId,
            posting_outbox::Column::Op,
            posting_outbox::Column::CreatedAt,
            posting_outbox::Column::Change,
        ])
        .select_from(select)
        .map_err(|e| ApiError::Internal(format!("outbox insert: {e}")))?
        .to_owned();
    txn.execute(&insert).await?;
    Ok(())
}

/// Up to `limit` outbox rows after `after`, in sequence order, stopping at the first gap that
/// is still young: a reader that resumes from the last row returned never skips a change that
/// commits later. `now` is the application clock's, against which the rows' times are read.
pub async fn settled(
    db: &impl ConnectionTrait,
    after: i64,
    limit: u64,
    now: DateTime<Utc>,
) -> Result<Vec<posting_outbox::Model>, ApiError> {
    let rows = posting_outbox::Entity::find()
        .filter(posting_outbox::Column::Seq.gt(after))
        .order_by_asc(posting_outbox::Column::Seq)
        .limit(limit)
        .all(db)
        .await?;
    Ok(in_order(rows, after, now))
}

/// The prefix of `rows` (in sequence order, all after `after`) with no young gap.
fn in_order(rows: Vec<posting_outbox::Model>, after: i64, now: DateTime<Utc>) -> Vec<posting_outbox::Model> {
    let mut expected = after + 1;
    let mut accepted = Vec::with_capacity(rows.len());
    for row in rows {
        let old_enough = now.signed_duration_since(row.created_at).to_std().unwrap_or_default() > GAP_PATIENCE;
        if row.seq != expected && !old_enough {
            break;
        }
        expected = row.seq + 1;
        accepted.push(row);
    }
    accepted
}

/// The newest sequence of the outbox (0 when empty).
pub async fn newest(db: &impl ConnectionTrait) -> Result<i64, ApiError> {
    Ok(posting_outbox::Entity::find()
        .order_by_desc(posting_outbox::Column::Seq)
        .one(db)
        .await?
        .map(|r| r.seq)
        .unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn row(seq: i64, at: DateTime<Utc>) -> posting_outbox::Model {
        posting_outbox::Model { seq, posting_id: 1, op: "upsert".into(), created_at: at, change: None }
    }

    #[test]
    fn a_young_gap_stops_the_reader_and_an_old_one_is_passed_over() {
        let now = Utc.with_ymd_and_hms(2027, 3, 1, 12, 0, 0).unwrap();
        let young = now - chrono::Duration::seconds(1);
        let old = now - chrono::Duration::seconds(60);
        let seqs = |rows: Vec<posting_outbox::Model>| rows.iter().map(|r| r.seq).collect::<Vec<_>>();
        assert_eq!(seqs(in_order(vec![row(1, young), row(2, young), row(4, young)], 0, now)), [1, 2]);
        assert_eq!(
            seqs(in_order(vec![row(1, young), row(2, young), row(4, old), row(5, young)], 0, now)),
            [1, 2, 4, 5]
        );
        assert_eq!(seqs(in_order(vec![row(7, young)], 5, now)), Vec::<i64>::new());
        assert_eq!(seqs(in_order(vec![row(6, young)], 5, now)), [6]);
    }
}
