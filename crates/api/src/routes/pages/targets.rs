//! The statistics hub `/statistics` (tab "dashboard", 目标总览): the plan's targets with progress
//! bars and their numbers, the districts × targets table with who is behind, designations per
//! year; and the forms behind the figures: designations for overseers
//! (`/statistics/designations`) and the yearly report of a school (`/statistics/school-report`).

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chanjiao_domain::NumberInput;
use chanjiao_domain::statistics::designation::DesignationInput;
use chanjiao_domain::statistics::targets::{SchoolReportInput, TargetKind};
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;
use serde_json::{Value, json};

use super::PageForm;
use crate::auth::{CurrentUser, PageUser};
use crate::error::ApiError;
use crate::services::statistics::filter::{Filter, FilterQuery, nav_context};
use crate::services::statistics::targets::designations::{self, RevokeInput};
use crate::services::statistics::targets::{self, TargetLine, school_reports};
use crate::startup::AppState;
use crate::web::{Lang, Page};
use chanjiao_domain::access::Power;

/// A value as the dashboard prints it: counts whole, ratios in per cent, practice in years.
fn shown(kind: TargetKind, value: Option<f64>, lang: Lang) -> String {
    match (kind, value) {
        (_, None) => "—".into(),
        (TargetKind::DualQualifiedRatio, Some(v)) => format!("{:.1}%", v * 100.0),
        (TargetKind::TeacherPractice, Some(v)) => format!("{v:.2} {}", lang.pick("年/人", "years/teacher")),
        (TargetKind::Designations(_), Some(v)) if v.fract() == 0.0 => format!("{v:.0}"),
        (TargetKind::Designations(_), Some(v)) => format!("{v:.1}"),
    }
}

fn line_json(line: &TargetLine, lang: Lang) -> Value {
    let percent = line.progress.and_then(|p| p.ratio).map(|r| (r * 100.0).max(0.0));
    json!({
        "id": line.id, "name": lang.pick(&line.name_zh, &line.name_en), "lead_unit": line.lead_unit,
        "actual": shown(line.id, line.actual, lang), "target": shown(line.id, Some(line.target), lang),
        "percent": percent.map(|p| p.round()), "bar": percent.map(|p| p.min(100.0).round()),
        "expected": line.progress.map(|p| (p.expected * 100.0).round()),
        "status": line.progress.map(|p| p.status.as_str()),
        "status_label": line.progress.map(|p| if lang == Lang::Zh { p.status.zh() } else { p.status.en() }),
    })
}

/// `GET /statistics`
pub async fn dashboard(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Query(query): Query<FilterQuery>,
) -> Response {
    let today = state.clock.today();
    let filter = match Filter::parse(&query, today) {
        Ok(filter) => filter,
        Err(error) => return page.error(&state, error).into_response(),
    };
    let report = match targets::progress(&state.db, &filter, today).await {
        Ok(report) => report.for_viewer(&user),
        Err(error) => return page.error(&state, error).into_response(),
    };
    let lang = page.lang;
    let target_lines: Vec<Value> = report.targets.iter().map(|l| line_json(l, lang)).collect();
    let districts: Vec<Value> = report
        .districts
        .iter()
        .map(|d| {
            json!({"code": d.code, "name": d.name, "cells": d.cells.iter().map(|c| line_json(c, lang)).collect::<Vec<_>>(),
                "behind": d.behind.iter().map(|k| report.targets.iter().find(|t| t.id == *k)
                    .map(|t| lang.pick(&t.name_zh, &t.name_en)).unwrap_or_default()).collect::<Vec<_>>()})
        })
        .collect();
    let years: Vec<Value> = report
        .years
        .iter()
        .map(|y| {
            json!({"year": y.year, "counts": y.designations.iter().map(|(_, n)| n).collect::<Vec<_>>(), "total": y.total,
                "ratio": y.dual_qualified_ratio.map(|r| format!("{:.1}%", r * 100.0)), "practice_days": y.practice_days,
                "schools": y.schools_reporting})
        })
        .collect();
    let year_columns: Vec<String> = report
        .years
        .first()
        .map(|y| y.designations.iter().map(|(t, _)| lang.pick(t.zh(), t.en())).collect())
        .unwrap_or_default();
    let schools_behind: Vec<Value> = report
        .schools_behind
        .iter()
        .map(|s| {
            json!({"name": s.name, "district": s.district_name, "target": report.targets.iter().find(|t| t.id == s.target)
                .map(|t| lang.pick(&t.name_zh, &t.name_en)).unwrap_or_default(),
                "value": shown(s.target, Some(s.value), lang), "goal": shown(s.target, Some(s.goal), lang)})
        })
        .collect();
    let (filter_shown, district_list) = nav_context(&filter);
    let may_record = user.may(Power::RecordDesignations);
    let is_school = user.organization.as_ref().is_some_and(|o| o.kind == chanjiao_domain::OrgKind::School);
    page.render(
        &state,
        "statistics_targets.html",
        context! {
            filter => Serde(filter_shown), districts => Serde(district_list),
            report => Serde(json!({"period": report.period, "as_of": report.as_of, "elapsed": (report.elapsed * 100.0).round(),
                "report_year": report.report_year, "plan_source": report.plan_source, "city_name": report.city_name,
                "schools_behind_count": report.schools_behind_count})),
            targets => Serde(target_lines), district_rows => Serde(districts), years => Serde(years),
            year_columns => Serde(year_columns), schools_behind => Serde(schools_behind),
            oversees => may_record, is_school,
        },
    )
}

async fn designations_page(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    filter: &Filter,
    form: Option<&DesignationForm>,
    error: Option<ApiError>,
) -> Response {
    let list = match designations::list(&state.db, user, filter).await {
        Ok(list) => list,
        Err(error) => return page.error(state, error).into_response(),
    };
    let designees = if user.may(Power::RecordDesignations) {
        match designations::designees(&state.db).await {
            Ok(designees) => designees,
            Err(error) => return page.error(state, error).into_response(),
        }
    } else {
        Vec::new()
    };
    let (filter_shown, district_list) = nav_context(filter);
    page.render_form(
        state,
        "statistics_designations.html",
        context! {
            filter => Serde(filter_shown), districts => Serde(district_list), designations => Serde(list),
            types => Serde(designations::types()), oversees => user.may(Power::RecordDesignations), form => Serde(form.map(|f| json!(f))),
            designees => Serde(designees),
            current_year => chrono::Datelike::year(&state.clock.today()),
        },
        error,
    )
}

/// `GET /statistics/designations`
pub async fn designations_index(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Query(query): Query<FilterQuery>,
) -> Response {
    match Filter::parse(&query, state.clock.today()) {
        Ok(filter) => designations_page(&state, &page, &user, &filter, None, None).await,
        Err(error) => page.error(&state, error).into_response(),
    }
}

/// The designation form: every field as text.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct DesignationForm {
    designation_type: String,
    organization_id: String,
    organization_name: String,
    district: String,
    year: String,
    issuing_body: String,
    document_number: String,
    evidence_url: String,
    note: String,
}

/// `POST /statistics/designations`
pub async fn designations_create(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageForm(form): PageForm<DesignationForm>,
) -> Response {
    let organization_id = match form.organization_id.trim() {
        "" => Ok(None),
        raw => raw
            .parse::<i64>()
            .map(Some)
            .map_err(|_| ApiError::invalid("organization_id", chanjiao_domain::Invalid::Format("a whole number"))),
    };
    let result = match organization_id {
        Ok(organization_id) => {
            let input = DesignationInput {
                designation_type: form.designation_type.clone(),
                organization_id,
                organization_name: form.organization_name.clone(),
                district: form.district.clone(),
                year: Some(NumberInput::Text(form.year.clone())).filter(|y| !y.is_blank()),
                issuing_body: form.issuing_body.clone(),
                document_number: form.document_number.clone(),
                evidence_url: form.evidence_url.clone(),
                note: form.note.clone(),
            };
            designations::create(&state.db, &user, &input, state.clock.today(), state.clock.now()).await.map(|_| ())
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => Redirect::to("/statistics/designations").into_response(),
        Err(error) if error.belongs_on_form() => {
            designations_page(&state, &page, &user, &Filter::default(), Some(&form), Some(error)).await
        }
        Err(error) => page.error(&state, error).into_response(),
    }
}

/// `POST /statistics/designations/{id}/revoke`
pub async fn designations_revoke(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    PageForm(form): PageForm<RevokeInput>,
) -> Response {
    match designations::revoke(&state.db, &user, id, &form, state.clock.now()).await {
        Ok(_) => Redirect::to("/statistics/designations").into_response(),
        Err(error) if error.belongs_on_form() => {
            designations_page(&state, &page, &user, &Filter::default(), None, Some(error)).await
        }
        Err(error) => page.error(&state, error).into_response(),
    }
}

async fn report_page(
    state: &AppState,
    page: &Page,
    user: &CurrentUser,
    form: Option<&ReportForm>,
    error: Option<ApiError>,
) -> Response {
    let reports = match school_reports::list(&state.db, user).await {
        Ok(reports) => reports,
        Err(error) => return page.error(state, error).into_response(),
    };
    let (filter_shown, district_list) = nav_context(&Filter::default());
    page.render_form(
        state,
        "statistics_school_report.html",
        context! {
            filter => Serde(filter_shown), districts => Serde(district_list), reports => Serde(reports),
            form => Serde(form.map(|f| json!(f))), oversees => user.may(Power::OverseeCity),
            may_report => user.may(Power::SubmitSchoolReports),
            current_year => chrono::Datelike::year(&state.clock.today()),
        },
        error,
    )
}

/// `GET /statistics/school-report`
pub async fn report_index(State(state): State<AppState>, page: Page, PageUser(user): PageUser) -> Response {
    report_page(&state, &page, &user, None, None).await
}

#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ReportForm {
    year: String,
    full_time_teachers: String,
    dual_qualified_teachers: String,
    practice_days: String,
}

/// `POST /statistics/school-report`
pub async fn report_submit(
    State(state): State<AppState>,
    page: Page,
    PageUser(user): PageUser,
    PageForm(form): PageForm<ReportForm>,
) -> Response {
    let n = |raw: &str| Some(NumberInput::Text(raw.to_owned())).filter(|v| !v.is_blank());
    let input = SchoolReportInput {
        year: n(&form.year),
        full_time_teachers: n(&form.full_time_teachers),
        dual_qualified_teachers: n(&form.dual_qualified_teachers),
        practice_days: n(&form.practice_days),
    };
    match school_reports::submit(&state.db, &user, &input, state.clock.today(), state.clock.now()).await {
        Ok(_) => Redirect::to("/statistics/school-report").into_response(),
        Err(error) if error.belongs_on_form() => report_page(&state, &page, &user, Some(&form), Some(error)).await,
        Err(error) => page.error(&state, error).into_response(),
    }
}
