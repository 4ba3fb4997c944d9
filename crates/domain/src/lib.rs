//! Chanjiao's domain: the pure types and rules of industry–education cooperation.
//!
//! Everything here is parsed once at the edge and valid from then on: a [`CreditCode`] always
//! carries a correct check character, a [`RegionCode`] is always a known division of Zhejiang.
//! This crate owns the access policy ([`access`]: who may do what, and [`api_keys`]: what a key may do), validation, organization and
//! account rules, the embedded national and local reference data ([`reference`]), posting kinds, fields and lifecycles ([`posting`]), matching
//! scores and explanations ([`matching`]), brokering rules ([`brokering`]: proposals, projects,
//! assessments), training-base slots and bookings ([`booking`]), the allocation mechanisms that place students into contested places, with their
//! reports and explanations ([`allocation`]), and city statistics ([`statistics`]: forecasts of
//! demand and supply with back-tests, shortage/oversupply early warning, effectiveness indicators), and the
//! login throttle's growing waits ([`throttle`]). [`stored`] fixes the text each stored value is
//! written as and read back from.
//!
//! [`bounds`] holds the one window of dates (2000–2100) and the number bounds every input is
//! checked against, so no user-controlled value reaches an overflow.
//!
//! It must not know about HTTP, SQL, the search index or the clock of any particular process:
//! no IO, no sea-orm, no axum, no tantivy. Functions that need "now" take it as an argument.

pub mod access;
pub mod account;
pub mod alerts;
pub mod allocation;
pub mod api_keys;
pub mod booking;
pub mod bounds;
pub mod brokering;
pub mod error;
pub mod matching;
pub mod organization;
pub mod posting;
pub mod reference;
pub mod region;
pub mod rounds;
pub mod statistics;
pub mod stored;
pub mod text;
pub mod throttle;

pub use account::{Email, Password, Role};
pub use error::{FieldError, Invalid, Invalids, Text};
pub use organization::{CreditCode, NewOrganization, OrgKind, OrgName, SchoolLevel, Verification};
pub use posting::{
    Action, Actor, AmountMeaning, ApprenticeshipType, Context, KindSpec, NewPosting, NumberInput, PostingInput,
    PostingKind, PostingStatus, QuantityMeaning, Rule, Side, TimeWindow, TransitionError, Yuan, compatible,
};
pub use reference::{
    ClusterId, IndustryCluster, Occupation, OccupationCode, PlanTarget, Program, ProgramClass, ProgramCode,
    search_occupations, search_programs,
};
pub use region::{Region, RegionCode, RegionLevel};
pub use stored::StoredText;
