//! The outlook per program class: yearly demand (headcount asked for by enterprises' jobs,
//! apprenticeships and order classes naming a program of the class) against supply (graduates
//! offered by schools' program offers of the class), forecast three years ahead with a back-test,
//! classified shortage / balanced / oversupply, with the programs to expand and at risk.
//!
//! A posting counts in the year it was created, whatever its status now (a filled or expired need
//! was still demand that year); drafts never count. Only complete years are used: the current
//! year would look like a collapse. Aggregation reads the postings of the counted kinds once; the
//! 1M-posting dashboard of issue 7 will move it into SQL.

use std::collections::{BTreeMap, HashMap};

use chanjiao_domain::ProgramCode;
use chanjiao_domain::posting::{PostingKind, PostingStatus};
use chanjiao_domain::statistics::{
    BackTest, Forecast, Outlook, Recommendation, Series, Status, Subject, Thresholds, Trend, at_risk_of_phase_out,
    programs_to_expand,
};
use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;

use crate::entities::{posting_codes, postings};
use crate::error::ApiError;

/// Years forecast ahead.
const HORIZON: u32 = 3;

const DEMAND: [PostingKind; 3] = [PostingKind::Job, PostingKind::Apprenticeship, PostingKind::OrderClass];

/// One program class's history, forecast and classification.
#[derive(Debug, Clone, Serialize)]
pub struct ClassOutlook {
    pub code: String,
    pub name: String,
    /// `(year, demand, supply)`, oldest first.
    pub history: Vec<(i32, f64, f64)>,
    pub demand_forecast: Vec<Forecast>,
    pub supply_forecast: Vec<Forecast>,
    pub status: Status,
    pub status_label: &'static str,
    pub demand_backtest: Option<BackTest>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutlookReport {
    pub first_year: i32,
    pub last_year: i32,
    pub classes: Vec<ClassOutlook>,
    pub expand: Vec<Recommendation>,
    pub at_risk: Vec<Recommendation>,
}

/// A class's name and its `(year, people)` rows of demand and supply, in no order.
struct ClassTotals {
    name: String,
    demand: Vec<(i32, f64)>,
    supply: Vec<(i32, f64)>,
}

/// The outlook of every program class with any recorded demand or supply, as of `today`.
pub async fn report(db: &impl ConnectionTrait, today: NaiveDate) -> Result<OutlookReport, ApiError> {
    let last_year = today.year() - 1;
    let kinds: Vec<&str> = DEMAND.iter().chain([PostingKind::ProgramOffering].iter()).map(|k| k.as_str()).collect();
    let rows: Vec<(i64, String, Option<i64>, chrono::DateTime<chrono::Utc>)> = postings::Entity::find()
        .select_only()
        .columns([
            postings::Column::Id,
            postings::Column::Kind,
            postings::Column::Quantity,
            postings::Column::CreatedAt,
        ])
        .filter(postings::Column::Kind.is_in(kinds))
        .filter(postings::Column::Status.ne(PostingStatus::Draft.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    let codes: Vec<(i64, String)> = posting_codes::Entity::find()
        .select_only()
        .columns([posting_codes::Column::PostingId, posting_codes::Column::Code])
        .filter(posting_codes::Column::CodeType.eq("program"))
        .into_tuple()
        .all(db)
        .await?;
    let mut classes_of: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    for (posting, code) in codes {
        if let Ok(code) = ProgramCode::parse(&code) {
            let program = code.program();
            classes_of.entry(posting).or_default().push((program.class_code.clone(), program.class_name.clone()));
        }
    }
    let mut totals: BTreeMap<String, ClassTotals> = BTreeMap::new();
    let mut first_year = last_year;
    for (id, kind, quantity, created_at) in rows {
        let year = created_at.year();
        let (Some(classes), Some(quantity)) = (classes_of.get(&id), quantity) else { continue };
        if year > last_year {
            continue;
        }
        first_year = first_year.min(year);
        let is_supply = kind == PostingKind::ProgramOffering.as_str();
        let mut seen: Vec<&str> = Vec::new();
        for (code, name) in classes {
            // A posting naming two programs of one class counts once for it.
            if seen.contains(&code.as_str()) {
                continue;
            }
            seen.push(code);
            let entry = totals.entry(code.clone()).or_insert_with(|| ClassTotals {
                name: name.clone(),
                demand: Vec::new(),
                supply: Vec::new(),
            });
            let side = if is_supply { &mut entry.supply } else { &mut entry.demand };
            side.push((year, quantity as f64));
        }
    }
    let thresholds = Thresholds::DEFAULT;
    let mut subjects = Vec::new();
    let mut classes = Vec::new();
    for (code, ClassTotals { name, demand, supply }) in totals {
        let series = |points: Vec<(i32, f64)>| {
            Series::from_year_totals(first_year, last_year, points)
                .map_err(|e| ApiError::Internal(format!("outlook series of class {code}: {e}")))
        };
        let (demand, supply) = (series(demand)?, series(supply)?);
        let backtest = BackTest::run(&demand, Trend::DEFAULT);
        let outlook = Outlook::new(demand, supply, Trend::DEFAULT, HORIZON)
            .map_err(|e| ApiError::Internal(format!("outlook of class {code}: {e}")))?;
        let assessment = outlook.assess(&thresholds);
        let history = outlook
            .demand()
            .points()
            .zip(outlook.supply().points())
            .map(|((year, demand), (_, supply))| (year, demand, supply))
            .collect();
        classes.push(ClassOutlook {
            code: code.clone(),
            name: name.clone(),
            history,
            demand_forecast: outlook.demand_forecast().to_vec(),
            supply_forecast: outlook.supply_forecast().to_vec(),
            status: assessment.status,
            status_label: assessment.status.zh(),
            demand_backtest: backtest,
        });
        subjects.push(Subject { code, name, outlook });
    }
    Ok(OutlookReport {
        first_year,
        last_year,
        expand: programs_to_expand(&subjects, &thresholds),
        at_risk: at_risk_of_phase_out(&subjects, &thresholds),
        classes,
    })
}
