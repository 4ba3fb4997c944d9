//! Third-party assessment (第三方评估) of completed projects: the published criteria, and a
//! score of 1–5 on each with a comment and evidence links.

use crate::error::Text;
use serde::{Deserialize, Serialize};

use crate::error::{Invalid, Invalids};
use crate::organization::string_enum;
use crate::text;

string_enum!(
    /// The published assessment criteria.
    Criterion, Text::new("one of goals, outcomes, enterprise_engagement, school_engagement, management", "goals、outcomes、enterprise_engagement、school_engagement、management 之一"), {
        Goals => "goals",
        Outcomes => "outcomes",
        EnterpriseEngagement => "enterprise_engagement",
        SchoolEngagement => "school_engagement",
        Management => "management",
    }
);

impl Criterion {
    pub fn zh(self) -> &'static str {
        match self {
            Criterion::Goals => "合作目标达成度",
            Criterion::Outcomes => "人才培养成效",
            Criterion::EnterpriseEngagement => "企业参与度",
            Criterion::SchoolEngagement => "学校参与度",
            Criterion::Management => "规范管理与保障",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Criterion::Goals => "Goals achieved",
            Criterion::Outcomes => "Outcomes for learners",
            Criterion::EnterpriseEngagement => "Enterprise engagement",
            Criterion::SchoolEngagement => "School engagement",
            Criterion::Management => "Management and safeguards",
        }
    }
}

/// An assessment as submitted: a score per criterion (by its id), comments, evidence links.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssessmentInput {
    pub scores: std::collections::BTreeMap<String, String>,
    pub comment: String,
    /// One link per line.
    pub evidence: String,
}

/// A checked assessment: every criterion scored 1–5.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scores {
    pub scores: Vec<(Criterion, u8)>,
    pub comment: String,
    pub evidence: Vec<String>,
}

const MAX_LINKS: usize = 10;

impl Scores {
    pub fn parse(input: &AssessmentInput) -> Result<Scores, Invalids> {
        let mut errors = Invalids::default();
        let mut scores = Vec::with_capacity(Criterion::ALL.len());
        for &criterion in Criterion::ALL {
            let field = format!("scores.{}", criterion.as_str());
            match input.scores.get(criterion.as_str()).map(|s| s.trim()) {
                None | Some("") => errors.push(field, Invalid::Required),
                Some(raw) => match raw.parse::<u8>() {
                    Ok(score) if (1..=5).contains(&score) => scores.push((criterion, score)),
                    _ => errors.push(field, Invalid::OutOfRange { min: 1, max: 5 }),
                },
            }
        }
        for key in input.scores.keys() {
            if key.parse::<Criterion>().is_err() {
                errors.push(
                    format!("scores.{key}"),
                    Invalid::NotAllowed(Text::new("not a published criterion", "不是公布的评估指标")),
                );
            }
        }
        let comment = if input.comment.trim().is_empty() {
            String::new()
        } else {
            text::clean(&input.comment, 1, 2_000, true).map_err(|e| errors.push("comment", e)).unwrap_or_default()
        };
        let evidence: Vec<String> =
            input.evidence.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
        if evidence.len() > MAX_LINKS {
            errors.push("evidence", Invalid::TooMany { max: MAX_LINKS });
        }
        if evidence.iter().any(|l| !(l.starts_with("https://") || l.starts_with("http://")) || l.len() > 500) {
            errors.push(
                "evidence",
                Invalid::Format(Text::new(
                    "links starting with http:// or https://",
                    "以 http:// 或 https:// 开头的链接",
                )),
            );
        }
        if errors.0.is_empty() { Ok(Scores { scores, comment, evidence }) } else { Err(errors) }
    }

    /// The mean score, 1–5.
    pub fn mean(&self) -> f64 {
        self.scores.iter().map(|(_, s)| f64::from(*s)).sum::<f64>() / self.scores.len().max(1) as f64
    }
}
