//! The platform administrators' pages: the verification queue and new organizations
//! ([`verifications`]), and the list of users ([`users`]).

pub mod users;
pub mod verifications;
