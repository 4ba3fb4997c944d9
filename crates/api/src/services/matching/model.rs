//! Loading the catalogue model ([`CatalogueModel`]) from what `reference import` put in the
//! database, on a blocking thread: building it reads about 1,300 program profiles and 1,600
//! occupation definitions and takes a noticeable fraction of a second.
//!
//! Without imported reference data the model still knows the embedded catalogue and the
//! occupation names and aliases, so matching works, only with less to go on.

use std::collections::HashMap;

use chanjiao_domain::matching::{CatalogueModel, ReferenceTexts};
use sea_orm::{DatabaseConnection, EntityTrait};

use crate::entities::{occupation_details, program_occupations, program_profiles};
use crate::error::ApiError;

/// The imported reference texts, as the domain model takes them.
pub async fn reference_texts(db: &DatabaseConnection) -> Result<ReferenceTexts, ApiError> {
    let profiles = program_profiles::Entity::find().all(db).await?;
    let details = occupation_details::Entity::find().all(db).await?;
    let pairs = program_occupations::Entity::find().all(db).await?;
    let profiles: HashMap<String, (String, String)> = profiles
        .into_iter()
        .map(|p| {
            let all = [&p.occupations, &p.objective, &p.abilities, &p.courses, &p.certificates, &p.further_study]
                .map(String::as_str)
                .join(" ");
            (p.code, (p.occupations, all))
        })
        .collect();
    let definitions = details.into_iter().map(|d| (d.code, format!("{} {}", d.definition, d.tasks))).collect();
    let crosswalk = pairs.into_iter().map(|pair| (*pair.level, pair.program_code, pair.occupation_code)).collect();
    Ok(ReferenceTexts { profiles, definitions, crosswalk })
}

/// Builds the model from the database.
pub async fn load(db: &DatabaseConnection) -> Result<CatalogueModel, ApiError> {
    let texts = reference_texts(db).await?;
    let model = tokio::task::spawn_blocking(move || CatalogueModel::new(&texts, &chanjiao_search::terms))
        .await
        .map_err(|e| ApiError::Internal(format!("building the catalogue model: {e}")))?;
    tracing::info!(crosswalk = model.has_crosswalk(), "catalogue model ready");
    Ok(model)
}
