//! Brokering pages: proposals from a match and their answers, projects with their status actions
//! and outcomes, delegations to intermediaries (and acting for a client), the intermediary's
//! workspace board, and assessors' scoring forms.

pub(super) mod assessments;
pub(super) mod delegations;
pub(super) mod projects;
pub(super) mod proposals;
pub(super) mod workspace;

use chanjiao_domain::posting::NumberInput;

/// A number field as typed; an empty one is "not given".
fn number(raw: &str) -> Option<NumberInput> {
    Some(NumberInput::Text(raw.to_owned())).filter(|n| !n.is_blank())
}
