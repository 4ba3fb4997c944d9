//! What happened to a posting, as the change feed and the `posting_changed` webhook report it.
//!
//! Every write to a posting appends one outbox row naming its [`PostingChange`]; integrators
//! read them in order (`GET /api/v1/feed/postings`) to keep a mirror. A change names what
//! happened; the feed pairs it with the posting as it is *now*, so a mirror that applies the
//! current representation on every change converges whatever it missed in between.

use super::Action;
use crate::error::Text;
use crate::organization::string_enum;

string_enum!(
    /// One change to a posting.
    PostingChange, Text::new(
        "one of created, updated, published, paused, resumed, closed, filled, expired, reopened, deleted",
        "created、updated、published、paused、resumed、closed、filled、expired、reopened、deleted 之一"
    ), {
        Created => "created",
        Updated => "updated",
        Published => "published",
        Paused => "paused",
        Resumed => "resumed",
        Closed => "closed",
        Filled => "filled",
        Expired => "expired",
        Reopened => "reopened",
        Deleted => "deleted",
    }
);

impl PostingChange {
    /// The change a lifecycle action makes.
    pub fn of(action: Action) -> PostingChange {
        match action {
            Action::Publish => PostingChange::Published,
            Action::Pause => PostingChange::Paused,
            Action::Resume => PostingChange::Resumed,
            Action::Close => PostingChange::Closed,
            Action::MarkFilled => PostingChange::Filled,
            Action::Expire => PostingChange::Expired,
            Action::Reopen => PostingChange::Reopened,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_names_its_own_change() {
        let changes: Vec<&str> = Action::ALL.iter().map(|a| PostingChange::of(*a).as_str()).collect();
        assert_eq!(changes, ["published", "paused", "resumed", "closed", "filled", "expired", "reopened"]);
        for change in PostingChange::ALL {
            assert_eq!(change.as_str().parse::<PostingChange>(), Ok(*change));
        }
    }
}
