//! Alerts: telling organizations what happened, in their inbox and by webhook.
//!
//! - [`inbox`]: the in-app inbox and [`inbox::notify`], the one function every service calls
//!   (inside its own transaction) to tell an organization something. It writes the notice and
//!   enqueues a webhook delivery for each of the organization's webhooks that wants it, so the
//!   change, the notice and the deliveries commit or vanish together.
//! - [`subscriptions`]: saved searches (shareable with other organizations), "new match for my
//!   posting" subscriptions and topic webhooks; each may carry a webhook URL and its secret.
//! - [`processor`]: the background task that tails the posting outbox behind the search
//!   indexer and turns newly published postings into notices.
//! - [`posting_changes`]: the `posting_changed` webhook topic, the change feed pushed to
//!   subscribers by the processor.
//! - [`delegated`]: what an intermediary set up while acting for a client, switched off when
//!   the client revokes the grant.
//! - [`webhooks`]: the persistent delivery outbox, its worker, signatures, and the address
//!   guard that keeps webhooks off internal networks.

pub mod delegated;
pub mod inbox;
pub mod posting_changes;
pub mod processor;
pub mod subscriptions;
pub mod webhooks;

pub use inbox::{Notice, Topic, notify};
