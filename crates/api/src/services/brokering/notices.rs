//! What brokering tells organizations, through the inbox (and their webhooks): a proposal
//! received or answered, a reminder before its deadline, its expiry, a project moving on, an
//! assessment to do. Each notice is written in the transaction of the change it reports.

use chanjiao_domain::brokering::{ProposalAction, ProposalSide};
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde_json::json;

use crate::entities::{projects, proposals};
use crate::error::ApiError;
use crate::services::alerts::{Notice, Topic, notify};
use crate::web::Lang;
use crate::web::times::day_time;

fn party(row: &proposals::Model, side: ProposalSide) -> i64 {
    match side {
        ProposalSide::Proposer => row.proposer_org_id,
        ProposalSide::Recipient => row.recipient_org_id,
    }
}

/// A new proposal, to its recipient.
pub async fn proposal_received(
    db: &impl ConnectionTrait,
    row: &proposals::Model,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    notify(
        db,
        Notice {
            organization_id: row.recipient_org_id,
            topic: Topic::ProposalReceived,
            title_zh: format!("收到合作提议：{}", clip(&row.message)),
            title_en: format!("New cooperation proposal: {}", clip(&row.message)),
            link: format!("/proposals/{}", row.id),
            data: json!({ "proposal_id": row.id, "deadline": row.deadline }),
        },
        now,
    )
    .await
}

/// An answer (or a withdrawal) by `side`, to the other side.
pub async fn proposal_answered(
    db: &impl ConnectionTrait,
    row: &proposals::Model,
    side: ProposalSide,
    action: &ProposalAction,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let (zh, en) = match action {
        ProposalAction::Accept => ("对方已接受合作提议", "Your proposal was accepted"),
        ProposalAction::Decline { .. } => ("对方婉拒了合作提议", "Your proposal was declined"),
        ProposalAction::Counter { .. } => ("对方提出了修改意见，请答复", "A counter-proposal awaits your answer"),
        ProposalAction::Withdraw => ("对方撤回了合作提议", "The proposal was withdrawn"),
        ProposalAction::Remind | ProposalAction::Expire => return Ok(()),
    };
    notify(
        db,
        Notice {
            organization_id: party(row, side.other()),
            topic: Topic::ProposalAnswered,
            title_zh: zh.to_owned(),
            title_en: en.to_owned(),
            link: format!("/proposals/{}", row.id),
            data: json!({ "proposal_id": row.id, "action": action.name() }),
        },
        now,
    )
    .await
}

/// The clock's reminder to the awaited side, or the expiry to both.
pub async fn proposal_due(
    db: &impl ConnectionTrait,
    row: &proposals::Model,
    awaiting: ProposalSide,
    action: &ProposalAction,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let link = format!("/proposals/{}", row.id);
    match action {
        ProposalAction::Remind => {
            notify(
                db,
                Notice {
                    organization_id: party(row, awaiting),
                    topic: Topic::ProposalReminder,
                    // In Beijing time with the weekday, as the proposal's page shows the deadline.
                    title_zh: format!("合作提议将于 {} 到期，请尽快答复", day_time(row.deadline, Lang::Zh)),
                    title_en: format!(
                        "A proposal expires on {} (Beijing time); please answer",
                        day_time(row.deadline, Lang::En)
                    ),
                    link,
                    data: json!({ "proposal_id": row.id, "deadline": row.deadline }),
                },
                now,
            )
            .await
        }
        ProposalAction::Expire => {
            for organization_id in [row.proposer_org_id, row.recipient_org_id] {
                notify(
                    db,
                    Notice {
                        organization_id,
                        topic: Topic::ProposalExpired,
                        title_zh: "合作提议逾期未答复，已过期".to_owned(),
                        title_en: "A proposal expired unanswered".to_owned(),
                        link: link.clone(),
                        data: json!({ "proposal_id": row.id }),
                    },
                    now,
                )
                .await?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A project's change by one participant, to the other (and to its broker).
pub async fn project_updated(
    db: &impl ConnectionTrait,
    row: &projects::Model,
    actor_org: Option<i64>,
    what_zh: &str,
    what_en: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let mut to: Vec<i64> = vec![row.proposer_org_id, row.recipient_org_id];
    to.extend(row.broker_org_id);
    to.retain(|org| Some(*org) != actor_org);
    to.dedup();
    for organization_id in to {
        notify(
            db,
            Notice {
                organization_id,
                topic: Topic::ProjectUpdated,
                title_zh: format!("合作项目{what_zh}：{}", clip(&row.title)),
                title_en: format!("Project {what_en}: {}", clip(&row.title)),
                link: format!("/projects/{}", row.id),
                data: json!({ "project_id": row.id }),
            },
            now,
        )
        .await?;
    }
    Ok(())
}

/// An appointment, to the assessor.
pub async fn assessment_assigned(
    db: &impl ConnectionTrait,
    assessor_org_id: i64,
    project: &projects::Model,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    notify(
        db,
        Notice {
            organization_id: assessor_org_id,
            topic: Topic::AssessmentAssigned,
            title_zh: format!("受托评估合作项目：{}", clip(&project.title)),
            title_en: format!("You are appointed to assess: {}", clip(&project.title)),
            link: "/assessments".to_owned(),
            data: json!({ "project_id": project.id }),
        },
        now,
    )
    .await
}

fn clip(text: &str) -> String {
    let mut clipped: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        clipped.push('…');
    }
    clipped
}
