use sea_orm::entity::prelude::*;

/// A response remembered under a caller's `Idempotency-Key` (see
/// [`crate::integration::idempotency`]). Without a status the request is still running.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    /// SHA-256 of the credential the request came with (and the client it acted for).
    #[sea_orm(primary_key, auto_increment = false)]
    pub caller: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    /// SHA-256 of the method, path, query, content type and body.
    pub request_digest: String,
    pub status: Option<i32>,
    /// The answer's `Content-Type` (a media type, not an enumeration).
    #[sea_orm(column_name = "content_type")]
    pub mime: Option<String>,
    pub location: Option<String>,
    pub body: Option<Vec<u8>>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
