//! Chanjiao's tools beside the server, built on its library: the deterministic demo city
//! ([`demo`], which `serve --demo` seeds and the benches draw texts from), the matcher's
//! evaluation against the shared evaluation sets ([`eval`], `chanjiao eval`), and allocation
//! rounds computed offline from an instance file ([`allocate`], `chanjiao allocate`).
//!
//! None of it is needed to serve requests, which is why it lives outside `chanjiao-api`.

pub mod allocate;
pub mod demo;
pub mod eval;
