//! Chanjiao's domain: the pure types and rules of industry–education cooperation.
//!
//! Everything here is parsed once at the edge and valid from then on: a [`CreditCode`] always
//! carries a correct check character, a [`RegionCode`] is always a known division of Zhejiang.
//! This crate owns validation, organization and account rules, and (later) posting kinds,
//! lifecycles, matching scores, allocation and forecasting.
//!
//! It must not know about HTTP, SQL, the search index or the clock of any particular process:
//! no IO, no sea-orm, no axum, no tantivy. Functions that need "now" take it as an argument.

pub mod account;
pub mod error;
pub mod organization;
pub mod reference;
pub mod region;
pub mod text;

pub use account::{Email, Password, Role};
pub use error::{FieldError, Invalid, Invalids};
pub use organization::{CreditCode, NewOrganization, OrgKind, OrgName, SchoolLevel, Verification};
pub use region::{Region, RegionCode, RegionLevel};
