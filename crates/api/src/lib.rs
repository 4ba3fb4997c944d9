//! Chanjiao's server: HTTP routes, pages, authentication, services and persistence.
//!
//! This is the only crate where requests, the database and the search index meet. Its route
//! modules are thin (extract → service → render); business rules live in `chanjiao-domain`,
//! SQL lives in `services` and `entities`, and everything the user sees is rendered from the
//! templates in `web/`, embedded in the binary.

pub mod abuse;
pub mod auth;
pub mod backup;
pub mod clock;
pub mod config;
pub mod db;
pub mod doctor;
pub mod entities;
pub mod error;
pub mod indexer;
pub mod integration;
pub mod jobs;
pub mod limits;
pub mod progress;
pub mod routes;
pub mod services;
pub mod sheets;
pub mod startup;
pub mod telemetry;
pub mod tls;
pub mod web;
pub mod workers;

pub use config::Config;
pub use error::ApiError;
pub use startup::{AppState, Application};
