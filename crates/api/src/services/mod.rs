//! Use cases: each function takes parsed input, does its work in the database (in one
//! transaction where it writes more than one row) and returns domain-shaped results. Route
//! modules call these and only render.

pub mod account_security;
pub mod accounts;
pub mod alerts;
pub mod api_keys;
pub mod audit;
pub mod booking;
pub mod brokering;
pub mod imports;
pub mod login_throttle;
pub mod matching;
pub mod monitoring;
pub mod organizations;
pub mod paging;
pub mod postings;
pub mod reference;
pub mod rounds;
pub mod search;
pub mod statistics;
