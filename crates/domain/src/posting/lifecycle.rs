//! A posting's lifecycle: draft → published ⇄ paused → closed, filled or expired.
//!
//! A draft that will never be published can be closed directly. Closed, filled and expired are
//! terminal: the only way out is an administrator's reopen, which
//! leads back to draft, never straight to published. A reopened posting was out of circulation,
//! often with a passed end date or a stale quantity; going through draft means its owner looks at
//! it again, and publishing re-checks the end date like the first time. Expiry is the clock's
//! alone: the sweep expires published and paused postings whose end date has passed (the end date
//! itself still counts as open), and nobody can publish or resume a posting past its end date.
//!
//! The caller decides who may touch a posting at all (members of the owning organization); this
//! module decides what they may do with it.

use crate::error::Text;
use chrono::NaiveDate;

use crate::account::Role;
use crate::organization::string_enum;

string_enum!(
    /// Where a posting is in its life. Only published postings are listed in search.
    PostingStatus, Text::new("one of draft, published, paused, closed, filled, expired", "draft、published、paused、closed、filled、expired 之一"), {
        Draft => "draft",
        Published => "published",
        Paused => "paused",
        Closed => "closed",
        Filled => "filled",
        Expired => "expired",
    }
);

string_enum!(
    /// What someone (or the clock) asks to do with a posting.
    Action, Text::new("one of publish, pause, resume, close, mark_filled, expire, reopen", "publish、pause、resume、close、mark_filled、expire、reopen 之一"), {
        Publish => "publish",
        Pause => "pause",
        Resume => "resume",
        Close => "close",
        MarkFilled => "mark_filled",
        Expire => "expire",
        Reopen => "reopen",
    }
);

/// Who asks for a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    /// A signed-in user, already known to belong to the owning organization (or to run the
    /// platform).
    User(Role),
    /// The expiry sweep, which acts on dates alone.
    Clock,
}

/// What a transition depends on besides the status: who asks, the date, and the posting's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    pub actor: Actor,
    pub today: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

impl Context {
    fn is_past_end(&self) -> bool {
        self.ends_on.is_some_and(|end| end < self.today)
    }
}

/// Why a transition was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("cannot {action} a posting that is {from}")]
    NotAllowed { from: PostingStatus, action: Action },
    #[error("not permitted to {action} a posting")]
    NotPermitted { action: Action },
    #[error("the end date {ends_on} has passed")]
    EndDatePassed { ends_on: NaiveDate },
    #[error("the end date has not passed")]
    NotYetEnded,
}

impl TransitionError {
    /// A stable machine-readable code, for API clients that branch on the reason.
    pub fn code(&self) -> &'static str {
        match self {
            TransitionError::NotAllowed { .. } => "transition_not_allowed",
            TransitionError::NotPermitted { .. } => "transition_not_permitted",
            TransitionError::EndDatePassed { .. } => "end_date_passed",
            TransitionError::NotYetEnded => "not_yet_ended",
        }
    }

    /// The reason in Chinese.
    pub fn zh(&self) -> String {
        match self {
            TransitionError::NotAllowed { from, action } => format!("{}的发布不能{}", from.zh(), action.zh()),
            TransitionError::NotPermitted { action } => format!("无权{}", action.zh()),
            TransitionError::EndDatePassed { ends_on } => format!("结束日期 {ends_on} 已过，请先修改结束日期"),
            TransitionError::NotYetEnded => "尚未过结束日期".into(),
        }
    }
}

impl PostingStatus {
    pub fn zh(self) -> &'static str {
        match self {
            PostingStatus::Draft => "草稿",
            PostingStatus::Published => "已发布",
            PostingStatus::Paused => "已暂停",
            PostingStatus::Closed => "已关闭",
            PostingStatus::Filled => "已满额",
            PostingStatus::Expired => "已过期",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            PostingStatus::Draft => "Draft",
            PostingStatus::Published => "Published",
            PostingStatus::Paused => "Paused",
            PostingStatus::Closed => "Closed",
            PostingStatus::Filled => "Filled",
            PostingStatus::Expired => "Expired",
        }
    }

    /// Closed, filled and expired postings are out of circulation until reopened.
    pub fn is_terminal(self) -> bool {
        matches!(self, PostingStatus::Closed | PostingStatus::Filled | PostingStatus::Expired)
    }

    /// Whether the posting appears in search and listings for other organizations.
    pub fn is_listed(self) -> bool {
        self == PostingStatus::Published
    }

    /// The status after `action`, or why it cannot happen.
    pub fn apply(self, action: Action, context: &Context) -> Result<PostingStatus, TransitionError> {
        use PostingStatus::*;
        let permitted = match (action, context.actor) {
            (Action::Expire, actor) => actor == Actor::Clock,
            (Action::Reopen, Actor::User(role)) => matches!(role, Role::OrgAdmin | Role::PlatformAdmin),
            (_, actor) => actor != Actor::Clock,
        };
        if !permitted {
            return Err(TransitionError::NotPermitted { action });
        }
        let end_passed = || match context.ends_on {
            Some(ends_on) if context.is_past_end() => Err(TransitionError::EndDatePassed { ends_on }),
            _ => Ok(Published),
        };
        match (self, action) {
            (Draft, Action::Publish) | (Paused, Action::Resume) => end_passed(),
            (Published, Action::Pause) => Ok(Paused),
            (Draft | Published | Paused, Action::Close) => Ok(Closed),
            (Published | Paused, Action::MarkFilled) => Ok(Filled),
            (Published | Paused, Action::Expire) if context.is_past_end() => Ok(Expired),
            (Published | Paused, Action::Expire) => Err(TransitionError::NotYetEnded),
            (Closed | Filled | Expired, Action::Reopen) => Ok(Draft),
            (from, action) => Err(TransitionError::NotAllowed { from, action }),
        }
    }

    /// The actions that would succeed now, for the buttons of a page.
    pub fn available_actions(self, context: &Context) -> Vec<Action> {
        Action::ALL.iter().copied().filter(|a| self.apply(*a, context).is_ok()).collect()
    }

    /// Whether the expiry sweep should expire a posting in this status with this end date today.
    pub fn is_due_to_expire(self, ends_on: Option<NaiveDate>, today: NaiveDate) -> bool {
        self.apply(Action::Expire, &Context { actor: Actor::Clock, today, ends_on }).is_ok()
    }
}

impl Action {
    pub fn zh(self) -> &'static str {
        match self {
            Action::Publish => "发布",
            Action::Pause => "暂停",
            Action::Resume => "恢复",
            Action::Close => "关闭",
            Action::MarkFilled => "标记为已满额",
            Action::Expire => "过期",
            Action::Reopen => "重新开启",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Action::Publish => "Publish",
            Action::Pause => "Pause",
            Action::Resume => "Resume",
            Action::Close => "Close",
            Action::MarkFilled => "Mark as filled",
            Action::Expire => "Expire",
            Action::Reopen => "Reopen",
        }
    }
}
