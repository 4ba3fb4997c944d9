//! What the benchmarks that write generated postings into a real database (matching, http)
//! share: the database made ready for them, and the form a generated posting would have been
//! posted with.

use chanjiao_api::clock::Clock;
use chanjiao_api::entities::organizations;
use chanjiao_domain::posting::{PostingInput, Rule, Side};
use chanjiao_search::IndexDoc;
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};

/// Migrates `db`, seeds the demo organizations and imports the reference data from
/// ../shared/data/reference; returns the demo's enterprise and school organization ids.
pub async fn prepare(
    db: &DatabaseConnection,
) -> Result<(Vec<i64>, Vec<i64>), Box<dyn std::error::Error + Send + Sync>> {
    chanjiao_api::db::migrate(db).await?;
    chanjiao_tools::demo::seed(db, &Clock::system()).await?;
    let reference = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/reference");
    let imported = chanjiao_api::services::reference::import(db, &reference).await?;
    eprintln!("reference data: {} profiles, {} crosswalk pairs", imported.program_profiles, imported.crosswalk_pairs);
    let orgs = organizations::Entity::find().order_by_asc(organizations::Column::Id).all(db).await?;
    let of_side =
        |side: Side| -> Vec<i64> { orgs.iter().filter(|o| Side::of(*o.kind) == Some(side)).map(|o| o.id).collect() };
    Ok((of_side(Side::Enterprise), of_side(Side::School)))
}

/// The form a generated document would have been posted with, with whatever its kind requires
/// and the generator does not produce.
pub fn input_of(doc: &IndexDoc, n: u64) -> PostingInput {
    let spec = doc.kind.spec();
    let allowed = |field: &str| spec.rule(field) != Some(Rule::Forbidden);
    let mut input = PostingInput {
        kind: doc.kind.as_str().into(),
        title: doc.title.clone(),
        description: doc.description.clone(),
        skills: doc.skills.clone(),
        region: doc.region.as_str().into(),
        ends_on: doc.ends_on.map(|d| d.to_string()),
        education_level: doc.education_level.map(|l| l.as_str().into()),
        program_codes: doc.program_codes.iter().map(|c| c.as_str().into()).collect(),
        occupation_codes: doc.occupation_codes.iter().map(|c| c.as_str().into()).collect(),
        industry_clusters: doc.clusters.iter().map(|c| c.as_str().into()).collect(),
        certificates: doc.certificates.clone(),
        ..PostingInput::default()
    };
    if allowed("quantity") {
        input.quantity = Some(((n % 60) as i64 + 2).into());
    }
    if allowed("apprenticeship_type") {
        input.apprenticeship_type = Some("modern".into());
    }
    if allowed("annual_enrolment") {
        input.annual_enrolment = Some(((n % 90) as i64 + 30).into());
    }
    if allowed("equipment") {
        input.equipment = vec!["数控车床 ×20".into()];
    }
    if allowed("open_periods") {
        input.open_periods = vec!["寒暑假期间".into()];
    }
    input
}
