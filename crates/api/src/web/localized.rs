//! The domain's labelled values as pages show them: in the page's language, and as a
//! `{value, label}` pair where a template needs both (a select option, a filter chip).
//!
//! The domain gives every such value its Chinese and English names (`zh()`/`en()`); choosing
//! between them by [`Lang`] is presentation, so it lives here rather than in each handler.

use serde::Serialize;

use super::Lang;

/// A domain value with a name in each of the platform's languages.
pub trait Localized {
    fn zh(&self) -> &'static str;
    fn en(&self) -> &'static str;

    /// The name in `lang`.
    fn label(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh(),
            Lang::En => self.en(),
        }
    }
}

/// A value and its label in the page's language, for templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Labelled {
    pub value: &'static str,
    pub label: &'static str,
}

impl Labelled {
    pub fn new(value: &'static str, label: &'static str) -> Self {
        Labelled { value, label }
    }
}

/// Implements [`Localized`] by the type's own `zh`/`en`, and [`Coded`] by its `as_str` where
/// it has one.
macro_rules! localized {
    ($($ty:path),+ $(,)?) => {
        $(impl Localized for $ty {
            fn zh(&self) -> &'static str { (*self).zh() }
            fn en(&self) -> &'static str { (*self).en() }
        })+
    };
}

macro_rules! coded {
    ($($ty:path),+ $(,)?) => {
        $(impl Coded for $ty {
            fn code(&self) -> &'static str { (*self).as_str() }
        })+
    };
}

/// A value with a stable identifier (the one the API, the database and URLs use).
pub trait Coded: Localized {
    fn code(&self) -> &'static str;

    /// The value with its label in `lang`.
    fn labelled(&self, lang: Lang) -> Labelled {
        Labelled::new(self.code(), self.label(lang))
    }
}

use chanjiao_domain::{alerts, booking, brokering, organization, posting, rounds, statistics};

localized!(
    posting::PostingKind,
    posting::Side,
    posting::PostingStatus,
    posting::Action,
    posting::ApprenticeshipType,
    posting::QuantityMeaning,
    posting::AmountMeaning,
    organization::OrgKind,
    organization::SchoolLevel,
    booking::Period,
    booking::BookingStatus,
    brokering::ProposalStatus,
    brokering::DeclineReason,
    brokering::ProjectType,
    brokering::ProjectStatus,
    rounds::Phase,
    alerts::Topic,
    statistics::indicators::TargetStatus,
    statistics::targets::DesignationType,
    brokering::Criterion,
    statistics::LeagueIndicator,
    statistics::Status,
);

coded!(
    posting::PostingKind,
    posting::Side,
    posting::PostingStatus,
    organization::OrgKind,
    organization::SchoolLevel,
    booking::Period,
    brokering::ProposalStatus,
    brokering::ProjectType,
    brokering::ProjectStatus,
    rounds::Phase,
    statistics::targets::DesignationType,
    brokering::Criterion,
    statistics::LeagueIndicator,
    brokering::DeclineReason,
);

/// Every value of a coded type with its label, for a `<select>`.
pub fn options<T: Coded + Copy>(all: &[T], lang: Lang) -> Vec<Labelled> {
    all.iter().map(|value| value.labelled(lang)).collect()
}
