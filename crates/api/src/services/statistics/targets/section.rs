//! The plan targets as a section of the city report: one row per target with its value, what
//! was recorded, the share achieved, the share expected by now and the status, under the
//! report's filter (the district's shares of count targets when a district is chosen).

use chanjiao_domain::statistics::TargetKind;
use chrono::NaiveDate;
use sea_orm::ConnectionTrait;

use crate::error::ApiError;
use crate::services::statistics::filter::Filter;
use crate::services::statistics::reports::{Cell, Column, Section};

pub async fn section(db: &impl ConnectionTrait, filter: &Filter, today: NaiveDate) -> Result<Section, ApiError> {
    let report = super::progress(db, filter, today).await?;
    let rows = report
        .targets
        .iter()
        .map(|line| {
            // Ratios are shown as percentages like the share columns; counts and years as numbers.
            let value = |v: Option<f64>| match line.id {
                TargetKind::DualQualifiedRatio => Cell::maybe(v.map(|r| (r * 1000.0).round() / 10.0)),
                _ => Cell::maybe(v.map(|x| (x * 100.0).round() / 100.0)),
            };
            vec![
                Cell::text(line.name_zh.clone()),
                value(Some(line.target)),
                value(line.actual),
                Cell::maybe(line.progress.and_then(|p| p.ratio)),
                Cell::maybe(line.progress.map(|p| p.expected)),
                Cell::text(line.progress.map_or("全市性目标", |p| p.status.zh())),
            ]
        })
        .collect();
    Ok(Section {
        key: "targets",
        title_zh: "规划目标完成情况",
        title_en: "Plan targets",
        note_zh: "认定数为规划期内截至所选年度、未撤销的认定；双师型比例（%）为报告年度双师型教师数÷专任教师数；企业实践为人均年数。选定区县时，计数目标按区县数平均分解。",
        note_en: "Designations not revoked, within the plan period, up to the selected year; the dual-qualified share (%) is dual-qualified ÷ full-time teachers in the report year; practice in years per teacher. With a district, count targets are split evenly over the districts.",
        columns: vec![
            Column::text("目标", "Target", 30.0),
            Column::number("目标值", "Goal"),
            Column::number("实际", "Actual"),
            Column::percent("完成度", "Achieved"),
            Column::percent("按进度应达", "Expected by now"),
            Column::text("状态", "Status", 12.0),
        ],
        rows,
    })
}
