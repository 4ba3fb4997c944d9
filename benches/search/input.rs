//! The form a generated posting would have been posted with, shared by the benchmarks that write
//! generated postings into a real database (matching, http).

use chanjiao_domain::posting::{PostingInput, Rule};
use chanjiao_search::IndexDoc;

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
