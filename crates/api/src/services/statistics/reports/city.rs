//! The city report for authorities: postings and headcount by kind, projects by type and
//! status, placements, hires and retention, and the organizations leading each kind's league —
//! under the shared filter (district, year; every year when none is given).
//!
//! A posting counts in its own region and the year it was created (drafts never); a project in
//! a district when either party is there, agreed projects by the year they were agreed and
//! outcomes by the year they were completed.
//!
//! Adding a section is a function returning a [`Section`] and a line in [`report`], e.g. for
//! the plan targets (`services::statistics::targets::progress`) or supply and demand
//! (`services::statistics::supply_demand::summary`): turn their rows into `Cell`s and push.

use chanjiao_domain::access::Power;
use std::collections::{BTreeMap, HashMap, HashSet};

use chanjiao_domain::brokering::{ProjectStatus, ProjectType};
use chanjiao_domain::posting::{PostingKind, PostingStatus};
use chanjiao_domain::statistics::{LeagueIndicator, OutcomeTotals};
use chrono::NaiveDate;
use sea_orm::sea_query::{Alias, Expr, Func};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::school::by_type_and_status;
use super::{Cell, Column, Report, Section, district_name};
use crate::auth::CurrentUser;
use crate::entities::{organizations, postings, projects};
use crate::error::ApiError;
use crate::services::statistics::filter::Filter;
use crate::services::statistics::indicators::{LeagueRequest, RANKED, outcome_of, ranked, year_window};

/// How many organizations of each kind the league section names.
pub const LEADERS: usize = 3;

/// The city report under `filter`, for those who oversee; 403 for anyone else.
pub async fn report(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    filter: &Filter,
    today: NaiveDate,
) -> Result<Report, ApiError> {
    user.require(Power::OverseeCity)?;
    let district = district_name(filter);
    let period = filter.year.map_or_else(|| "历年".to_owned(), |y| format!("{y}年"));
    let sections = vec![
        postings_section(db, filter).await?,
        projects_section(db, filter).await?,
        outcomes_section(db, filter).await?,
        league_section(db, filter).await?,
        crate::services::statistics::targets::section::section(db, filter, today).await?,
        crate::services::statistics::supply_demand_section::section(db, filter).await?,
    ];
    Ok(Report {
        title_zh: format!("绍兴市产教融合统计报告（{district}，{period}）"),
        title_en: format!(
            "Shaoxing industry–education report ({}, {})",
            filter.region_prefix().unwrap_or("whole city"),
            filter.year.map_or_else(|| "all years".to_owned(), |y| y.to_string())
        ),
        subject: district.clone(),
        region_code: filter.region_prefix().unwrap_or(chanjiao_domain::region::SHAOXING).to_owned(),
        district_name: district,
        filter: filter.clone(),
        generated_on: today,
        sections,
    })
}

/// Organizations whose region lies in the filter's district (`None` for the whole city).
async fn organizations_in_district(
    db: &impl ConnectionTrait,
    filter: &Filter,
) -> Result<Option<HashSet<i64>>, ApiError> {
    let Some(prefix) = filter.region_prefix() else { return Ok(None) };
    let ids: Vec<i64> = organizations::Entity::find()
        .select_only()
        .column(organizations::Column::Id)
        .filter(organizations::Column::RegionCode.starts_with(prefix))
        .into_tuple()
        .all(db)
        .await?;
    Ok(Some(ids.into_iter().collect()))
}

async fn postings_section(db: &impl ConnectionTrait, filter: &Filter) -> Result<Section, ApiError> {
    let mut select = postings::Entity::find().filter(postings::Column::Status.ne(PostingStatus::Draft.as_str()));
    if let Some(prefix) = filter.region_prefix() {
        select = select.filter(postings::Column::RegionCode.starts_with(prefix));
    }
    if let Some(year) = filter.year {
        let (start, end) = year_window(year);
        select = select.filter(postings::Column::CreatedAt.gte(start)).filter(postings::Column::CreatedAt.lt(end));
    }
    // Counted in SQL: one row per kind.
    let counts: Vec<(String, i64, Option<i64>)> = select
        .select_only()
        .column(postings::Column::Kind)
        .column_as(postings::Column::Id.count(), "postings")
        // PostgreSQL sums a bigint into a numeric; both databases read a bigint back.
        .column_as(
            Expr::from(Func::cast_as(Func::sum(Expr::col(postings::Column::Quantity)), Alias::new("BIGINT"))),
            "quantity",
        )
        .group_by(postings::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    let by_kind: HashMap<String, (i64, Option<i64>)> = counts.into_iter().map(|(k, n, q)| (k, (n, q))).collect();
    let rows = PostingKind::ALL
        .iter()
        .filter_map(|kind| {
            let (n, quantity) = by_kind.get(kind.as_str())?;
            Some(vec![
                Cell::text(kind.zh()),
                Cell::text(if kind.side() == chanjiao_domain::posting::Side::Enterprise { "企业" } else { "学校" }),
                Cell::Number(*n as f64),
                Cell::maybe(quantity.map(|q| q as f64)),
            ])
        })
        .collect();
    Ok(Section {
        key: "postings",
        title_zh: "发布的需求与供给（按类型）",
        title_en: "Postings and headcount by kind",
        note_zh: "按发布地区和创建年份统计，不含草稿；人数为各条目填写的数量（招聘人数、名额、毕业生数等）之和。",
        note_en: "By the posting's region and the year it was created, drafts excluded; quantity is the sum of each posting's stated number.",
        columns: vec![
            Column::text("类型", "Kind", 22.0),
            Column::text("发布方", "Side", 8.0),
            Column::number("条数", "Postings"),
            Column::number("人数/数量", "Quantity"),
        ],
        rows,
    })
}

/// Projects with a party in the district (all, for the whole city).
async fn projects_in(db: &impl ConnectionTrait, filter: &Filter) -> Result<Vec<projects::Model>, ApiError> {
    let district = organizations_in_district(db, filter).await?;
    let rows = projects::Entity::find().all(db).await?;
    Ok(rows
        .into_iter()
        .filter(|p| district.as_ref().is_none_or(|d| d.contains(&p.proposer_org_id) || d.contains(&p.recipient_org_id)))
        .collect())
}

async fn projects_section(db: &impl ConnectionTrait, filter: &Filter) -> Result<Section, ApiError> {
    let window = filter.year.map(year_window);
    let mut counts: BTreeMap<(usize, &'static str), [u64; 4]> = BTreeMap::new();
    for project in projects_in(db, filter).await? {
        if window.is_some_and(|(start, end)| project.created_at < start || project.created_at >= end) {
            continue;
        }
        // A corrupt row fails the read (see crate::db::stored); none is skipped here.
        let (kind, status) = (*project.project_type, *project.status);
        let order = ProjectType::ALL.iter().position(|k| *k == kind).unwrap_or(usize::MAX);
        let column = ProjectStatus::ALL.iter().position(|s| *s == status).unwrap_or(0);
        counts.entry((order, kind.zh())).or_default()[column] += 1;
    }
    Ok(by_type_and_status(
        counts,
        "按项目达成（提案被接受）的年份统计，任一方在所选区县即计入；状态为当前状态。",
        "By the year a project was agreed, counted in a district when either party is there; status as it is now.",
    ))
}

async fn outcomes_section(db: &impl ConnectionTrait, filter: &Filter) -> Result<Section, ApiError> {
    let window = filter.year.map(year_window);
    let completed: Vec<_> = projects_in(db, filter)
        .await?
        .iter()
        .filter(|p| p.status == ProjectStatus::Completed)
        .filter(|p| window.is_none_or(|(start, end)| p.completed_at.is_some_and(|at| at >= start && at < end)))
        .map(outcome_of)
        .collect();
    let totals = OutcomeTotals::of(&completed);
    let count = |v: Option<u64>| Cell::maybe(v.map(|v| v as f64));
    let rows = vec![
        ("完成合作项目数", Cell::count(totals.projects), "个"),
        ("安置学生数", count(totals.placed), "人"),
        ("录用人数", count(totals.hired), "人"),
        ("6个月留任率", Cell::percent_points(totals.retention_6m), "%"),
        ("12个月留任率", Cell::percent_points(totals.retention_12m), "%"),
        ("1+X等证书数", count(totals.certificates), "个"),
        ("教师企业实践时长", count(totals.practice_hours), "小时"),
    ];
    Ok(Section {
        key: "outcomes",
        title_zh: "安置、录用与留任",
        title_en: "Placements, hires and retention",
        note_zh: "按项目完成年份统计；留任率只计已填报留任情况的项目。",
        note_en: "By the year projects were completed; retention counts only projects that reported it.",
        columns: vec![
            Column::text("指标", "Indicator", 28.0),
            Column::number("数值", "Value"),
            Column::text("单位", "Unit", 8.0),
        ],
        rows: rows.into_iter().map(|(name, value, unit)| vec![Cell::text(name), value, Cell::text(unit)]).collect(),
    })
}

async fn league_section(db: &impl ConnectionTrait, filter: &Filter) -> Result<Section, ApiError> {
    let mut rows = Vec::new();
    for kind in RANKED {
        let request = LeagueRequest { filter: filter.clone(), kind, sort: LeagueIndicator::Placements };
        for row in ranked(db, &request).await?.into_iter().filter(|r| r.rank.is_some()).take(LEADERS) {
            let i = &row.figures.indicators;
            rows.push(vec![
                Cell::text(kind.zh()),
                Cell::maybe(row.rank.map(f64::from)),
                Cell::text(row.figures.organization.name.clone()),
                Cell::maybe(i.placements.map(|p| p as f64)),
                Cell::maybe(i.hires.map(|h| h as f64)),
                Cell::maybe(i.response_rate),
                Cell::maybe(i.mean_assessment),
            ]);
        }
    }
    Ok(Section {
        key: "league",
        title_zh: "成效排行前列单位（按安置人数）",
        title_en: "Leading organizations by placements",
        note_zh: "各类单位按安置学生数排名的前三名；没有安置记录的单位不参与排名。",
        note_en: "The first three of each kind by students placed; organizations without placements are not ranked.",
        columns: vec![
            Column::text("单位类型", "Kind", 16.0),
            Column::number("名次", "Rank"),
            Column::text("单位", "Organization", 30.0),
            Column::number("安置人数", "Placed"),
            Column::number("录用人数", "Hired"),
            Column::percent("响应率", "Response rate"),
            Column::number("平均评价得分", "Mean assessment"),
        ],
        rows,
    })
}
