//! Matching postings with their counterparts ([`postings`]), and free text with catalogue programs
//! and school offers ([`free`]).
//!
//! The catalogue model is built once per process from the imported reference data, in the
//! background at start-up; the first match waits for it if it is not ready yet. A new
//! `reference import` is picked up on restart.

pub mod free;
pub mod model;
pub mod postings;

use std::sync::Arc;

use chanjiao_domain::matching::{CatalogueModel, Reason, Scored};
use sea_orm::DatabaseConnection;
use serde::Serialize;
use tokio::sync::OnceCell;

use crate::error::ApiError;

/// The process's catalogue model, built on first need.
#[derive(Clone, Default)]
pub struct Catalogue(Arc<OnceCell<Arc<CatalogueModel>>>);

impl Catalogue {
    pub async fn get(&self, db: &DatabaseConnection) -> Result<Arc<CatalogueModel>, ApiError> {
        self.0.get_or_try_init(|| async { model::load(db).await.map(Arc::new) }).await.cloned()
    }
}

/// One criterion of a match as the API and pages show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = CriterionScore)]
pub struct CriterionView {
    /// `text`, `occupation`, `cluster`, `region`, `level`, `quantity`, `time` or `track_record`.
    pub name: &'static str,
    /// In the language asked for.
    pub label: &'static str,
    #[schema(minimum = 0, maximum = 1)]
    pub score: f64,
    pub weight: f64,
    /// In the language asked for.
    pub reason: String,
    pub reason_zh: String,
    pub reason_en: String,
}

impl CriterionView {
    pub fn new(scored: &Scored, lang: &str) -> Self {
        let criterion = scored.criterion;
        CriterionView {
            name: criterion.as_str(),
            label: if lang == "en" { criterion.en() } else { criterion.zh() },
            score: round(scored.score),
            weight: scored.weight,
            reason: scored.reason.in_lang(lang).to_owned(),
            reason_zh: scored.reason.zh.clone(),
            reason_en: scored.reason.en.clone(),
        }
    }
}

/// A reason in both languages and the one asked for.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = Reason)]
pub struct ReasonView {
    /// In the language asked for.
    pub text: String,
    pub zh: String,
    pub en: String,
}

impl ReasonView {
    pub fn new(reason: &Reason, lang: &str) -> Self {
        ReasonView { text: reason.in_lang(lang).to_owned(), zh: reason.zh.clone(), en: reason.en.clone() }
    }
}

/// Scores are shown to three decimals; more is noise to a reader and churn in JSON diffs.
pub(crate) fn round(score: f64) -> f64 {
    (score * 1000.0).round() / 1000.0
}
