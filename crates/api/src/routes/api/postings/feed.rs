//! The change feed over the API: `GET /feed/postings` and `GET /feed/postings/snapshot`.
//! Anonymous callers get the public feed; signed-in callers (and keys with the `feed` scope)
//! also their own organization's postings (see [`crate::services::postings::feed`]).

use axum::Json;
use axum::extract::State;

use crate::auth::ApiCaller;
use crate::error::ApiError;
use crate::routes::api::extract::Query;
use crate::routes::api::openapi::shared::TooManyRequests;
use crate::services::postings::feed::{self, FeedPage, FeedQuery, SnapshotPage, SnapshotQuery};
use crate::startup::AppState;

#[utoipa::path(
    get,
    path = "/feed/postings",
    operation_id = "postingFeed",
    tag = "feed",
    summary = "Every change to the postings the caller may see, in order",
    description = "Changes after `after`, oldest first: `created`, `updated`, `published`, `paused`, `resumed`, \
        `closed`, `filled`, `expired`, `reopened`, `deleted`. Each carries the posting as it is now, or no \
        posting (a tombstone) when the caller no longer sees it. Cursors are outbox sequences: the same on every \
        node and across restarts. Poll with `next_cursor`; `has_more` says whether to poll again at once. \
        Anonymous callers get the public feed (published postings). See docs/integration.md.",
    params(FeedQuery),
    security((), ("bearerAuth" = [])),
    responses(
        (status = 200, description = "A page of changes.", body = FeedPage),
        (status = 429, response = TooManyRequests),
    ),
)]
pub async fn changes(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(query): Query<FeedQuery>,
) -> Result<Json<FeedPage>, ApiError> {
    Ok(Json(feed::changes(&state.db, caller.as_ref(), &query, state.clock.now()).await?))
}

#[utoipa::path(
    get,
    path = "/feed/postings/snapshot",
    operation_id = "postingFeedSnapshot",
    tag = "feed",
    summary = "Every posting the caller sees now, with the feed cursor to continue from",
    description = "Page through with `next_page`; then read `GET /feed/postings?after=<cursor>`. Changes made \
        while the pages are read are in the feed after `cursor`.",
    params(SnapshotQuery),
    security((), ("bearerAuth" = [])),
    responses(
        (status = 200, description = "A page of postings.", body = SnapshotPage),
        (status = 429, response = TooManyRequests),
    ),
)]
pub async fn snapshot(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(query): Query<SnapshotQuery>,
) -> Result<Json<SnapshotPage>, ApiError> {
    Ok(Json(feed::snapshot(&state.db, caller.as_ref(), &query, state.clock.now()).await?))
}
