//! The end-to-end tests, one directory per feature (the same names as the code and the docs),
//! plus `security` and `platform` for what crosses features; `support` starts servers and
//! signs people in, `browser` drives Chromium.

mod accounts;
mod alerts;
mod booking;
mod brokering;
mod browser;
mod matching;
mod operations;
mod organizations;
mod platform;
mod postings;
mod reference;
mod rounds;
mod search;
mod security;
mod statistics;
mod support;
