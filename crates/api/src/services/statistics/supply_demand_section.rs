//! Supply and demand as a section of the city report: one row per program class under the
//! report's filter (demand, supply, placements, gap, fill rate, status), then the total. The
//! same figures as `/statistics/supply-demand`, from [`super::supply_demand::summary`].

use sea_orm::ConnectionTrait;

use super::filter::Filter;
use super::reports::{Cell, Column, Section};
use super::supply_demand::{Figures, summary};
use crate::error::ApiError;

fn row(name: &str, figures: &Figures) -> Vec<Cell> {
    vec![
        Cell::text(name),
        Cell::Number(figures.demand as f64),
        Cell::Number(figures.supply as f64),
        Cell::Number(figures.placements as f64),
        Cell::Number(figures.gap),
        Cell::maybe(figures.fill_rate),
        Cell::text(figures.status.zh()),
    ]
}

pub async fn section(db: &impl ConnectionTrait, filter: &Filter) -> Result<Section, ApiError> {
    let figures = summary(db, filter).await?;
    let mut rows: Vec<Vec<Cell>> = figures.by_class.iter().map(|line| row(&line.name, &line.figures)).collect();
    rows.push(row("合计", &figures.total));
    Ok(Section {
        key: "supply_demand",
        title_zh: "人才供需（按专业类）",
        title_en: "Supply and demand by program class",
        note_zh: "需求为企业已发布岗位、学徒与订单班需求的人数；供给为学校专业的毕业生数；安置为已完成合作项目安置的人数；缺口 = 需求 − 供给，正数为人才短缺；满足率 = 供给 ÷ 需求。",
        note_en: "Demand is the headcount of enterprises' published jobs, apprenticeships and order classes; supply is schools' graduates per program; placements are people placed by completed projects; gap = demand − supply (positive: a shortage); fill rate = supply ÷ demand.",
        columns: vec![
            Column::text("专业类", "Program class", 24.0),
            Column::number("需求", "Demand"),
            Column::number("供给", "Supply"),
            Column::number("安置", "Placed"),
            Column::number("缺口", "Gap"),
            Column::percent("满足率", "Fill rate"),
            Column::text("预警", "Status", 10.0),
        ],
        rows,
    })
}
