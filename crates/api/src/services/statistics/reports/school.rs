//! The school annual quality report (职业院校年度质量报告): for one school and one year, the
//! programs it offered with their graduates, the students placed and how many of them 对口,
//! hires and retention, its cooperation projects by type and status, 1+X certificates and its
//! teachers' enterprise practice.
//!
//! Counting, as docs/statistics.md states: offers count in the year they were created (drafts
//! never), outcomes in the year their project was completed, projects by type and status in the
//! year they were agreed. 对口 compares the codes of the enterprise posting a placement filled with
//! the school posting's programs (`effectiveness::relevant`).

use chanjiao_domain::access::Power;
use chanjiao_domain::posting::CodeKind;
use std::collections::{BTreeMap, HashMap, HashSet};

use chanjiao_domain::brokering::{ProjectStatus, ProjectType};
use chanjiao_domain::posting::{PostingKind, PostingStatus};
use chanjiao_domain::statistics::effectiveness::relevant;
use chanjiao_domain::statistics::{OutcomeTotals, PostingCodes, Relevance, places_students};
use chanjiao_domain::{OrgKind, ProgramCode};
use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{Cell, Column, Report, Section};
use crate::auth::CurrentUser;
use crate::db::Stored;
use crate::entities::{organizations, posting_codes, postings, program_occupations, projects};
use crate::error::ApiError;
use crate::services::statistics::filter::Filter;
use crate::services::statistics::indicators::{outcome_of, year_window};

/// The report of school `org_id` for the filter's year (last year when none is given), for
/// that school or those who oversee; a 404 for anyone else and for an id that is no school.
pub async fn report(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    org_id: i64,
    filter: &Filter,
    today: NaiveDate,
) -> Result<Report, ApiError> {
    if !(user.may(Power::OverseeCity) || user.organization_id() == Some(org_id)) {
        return Err(ApiError::NotFound);
    }
    let school = organizations::Entity::find_by_id(org_id).one(db).await?.ok_or(ApiError::NotFound)?;
    if school.kind != OrgKind::School {
        return Err(ApiError::NotFound);
    }
    let year = filter.year.unwrap_or(today.year() - 1);
    let (start, end) = year_window(year);
    let within = |at: chrono::DateTime<chrono::Utc>| at >= start && at < end;

    let offers = postings::Entity::find()
        .filter(postings::Column::OrganizationId.eq(org_id))
        .filter(postings::Column::Kind.eq(PostingKind::ProgramOffering.as_str()))
        .filter(postings::Column::Status.ne(PostingStatus::Draft.as_str()))
        .filter(postings::Column::CreatedAt.gte(start))
        .filter(postings::Column::CreatedAt.lt(end))
        .order_by_asc(postings::Column::Id)
        .all(db)
        .await?;
    let involved = projects::Entity::find()
        .filter(
            Condition::any()
                .add(projects::Column::ProposerOrgId.eq(org_id))
                .add(projects::Column::RecipientOrgId.eq(org_id)),
        )
        .order_by_asc(projects::Column::Id)
        .all(db)
        .await?;
    let completed: Vec<&projects::Model> = involved
        .iter()
        .filter(|p| p.status == ProjectStatus::Completed && p.completed_at.is_some_and(within))
        .collect();
    let agreed: Vec<&projects::Model> = involved.iter().filter(|p| within(p.created_at)).collect();
    let ours = |p: &projects::Model| {
        if p.proposer_org_id == org_id { p.proposer_posting_id } else { p.recipient_posting_id }
    };
    let theirs = |p: &projects::Model| {
        if p.proposer_org_id == org_id { p.recipient_posting_id } else { p.proposer_posting_id }
    };
    let partner =
        |p: &projects::Model| if p.proposer_org_id == org_id { p.recipient_org_id } else { p.proposer_org_id };

    let mut posting_ids: Vec<i64> = offers.iter().map(|o| o.id).collect();
    posting_ids.extend(completed.iter().flat_map(|p| [ours(p), theirs(p)]));
    let codes = codes_of(db, &posting_ids).await?;
    let school_programs: HashSet<String> =
        codes.values().flat_map(|c| c.programs.iter().map(|(p, _)| p.clone())).collect();
    let crosswalk: HashSet<(String, String)> = if school_programs.is_empty() {
        HashSet::new()
    } else {
        program_occupations::Entity::find()
            .filter(program_occupations::Column::ProgramCode.is_in(school_programs.iter().cloned()))
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.program_code, r.occupation_code))
            .collect()
    };
    let partner_ids: Vec<i64> = completed.iter().map(|p| partner(p)).collect();
    let names: HashMap<i64, String> = crate::services::organizations::names(db, partner_ids).await?;

    let empty = PostingCodes::default();
    let mut placements = Vec::new();
    let mut judged = Vec::new();
    let mut teachers = Vec::new();
    for project in &completed {
        let outcome = outcome_of(project);
        let partner_name = names.get(&partner(project)).cloned().unwrap_or_default();
        match outcome.project_type {
            Some(kind) if places_students(kind) => {
                let verdict = relevant(
                    codes.get(&ours(project)).unwrap_or(&empty),
                    codes.get(&theirs(project)).unwrap_or(&empty),
                    |p, o| crosswalk.contains(&(p.to_owned(), o.to_owned())),
                );
                judged.push((outcome.placed.unwrap_or(0), verdict));
                let verdict_text = match verdict {
                    Some(true) => "对口",
                    Some(false) => "不对口",
                    None => "无法判断",
                };
                placements.push(vec![
                    Cell::text(project.title.clone()),
                    Cell::text(kind.zh()),
                    Cell::text(partner_name),
                    Cell::maybe(outcome.placed.map(f64::from)),
                    Cell::maybe(outcome.hired.map(f64::from)),
                    Cell::maybe(outcome.certificates.map(f64::from)),
                    Cell::text(verdict_text),
                ]);
            }
            Some(ProjectType::TeacherPractice) => teachers.push(vec![
                Cell::text(project.title.clone()),
                Cell::text(partner_name),
                Cell::maybe(outcome.placed.map(f64::from)),
                Cell::maybe(outcome.practice_hours.map(f64::from)),
            ]),
            _ => {}
        }
    }
    let totals = OutcomeTotals::of(&completed.iter().map(|p| outcome_of(p)).collect::<Vec<_>>());
    let relevance = Relevance::of(&judged);
    let graduates: Option<f64> = offers.iter().filter_map(|o| o.quantity).map(|q| q as f64).reduce(|a, b| a + b);
    let programs = programs_section(&offers, &codes);
    let distinct_programs = school_programs_offered(&offers, &codes);
    let overview = overview_section(OverviewFigures {
        programs: distinct_programs,
        graduates,
        totals: &totals,
        relevance: &relevance,
        projects: agreed.len(),
    });
    Ok(Report {
        title_zh: format!("{}年度质量报告（{year}年）", school.name),
        title_en: format!("Annual quality report {year}: {}", school.name),
        subject: school.name,
        filter: Filter { district: None, year: Some(year) },
        district_name: school.region_code.full_name(),
        region_code: school.region_code.as_str().to_owned(),
        generated_on: today,
        sections: vec![
            overview,
            programs,
            placements_section(placements),
            projects_section(&agreed),
            teachers_section(teachers),
        ],
    })
}

/// Program and occupation codes of the postings, with each program's class.
async fn codes_of(db: &impl ConnectionTrait, ids: &[i64]) -> Result<HashMap<i64, PostingCodes>, ApiError> {
    let mut out: HashMap<i64, PostingCodes> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let rows = posting_codes::Entity::find()
        .filter(posting_codes::Column::PostingId.is_in(ids.iter().copied()))
        .filter(posting_codes::Column::CodeType.is_in([Stored(CodeKind::Program), Stored(CodeKind::Occupation)]))
        .all(db)
        .await?;
    for row in rows {
        let entry = out.entry(row.posting_id).or_default();
        if row.code_type == CodeKind::Program {
            let class = ProgramCode::parse(&row.code)
                .map(|c| c.class_code().to_owned())
                .unwrap_or_else(|_| row.code.chars().take(4).collect());
            entry.programs.push((row.code, class));
        } else {
            entry.occupations.push(row.code);
        }
    }
    Ok(out)
}

fn school_programs_offered(offers: &[postings::Model], codes: &HashMap<i64, PostingCodes>) -> usize {
    let distinct: HashSet<&str> = offers
        .iter()
        .filter_map(|o| codes.get(&o.id))
        .flat_map(|c| c.programs.iter().map(|(p, _)| p.as_str()))
        .collect();
    distinct.len()
}

fn program_name(code: &str) -> String {
    ProgramCode::parse(code).map(|c| c.name().to_owned()).unwrap_or_default()
}

fn programs_section(offers: &[postings::Model], codes: &HashMap<i64, PostingCodes>) -> Section {
    let rows = offers
        .iter()
        .map(|offer| {
            let programs = codes.get(&offer.id).map(|c| c.programs.clone()).unwrap_or_default();
            let join = |f: &dyn Fn(&(String, String)) -> String| programs.iter().map(f).collect::<Vec<_>>().join("、");
            vec![
                Cell::text(join(&|(code, _)| code.clone())),
                Cell::text(join(&|(code, _)| program_name(code))),
                Cell::text(offer.title.clone()),
                Cell::maybe(offer.quantity.map(|q| q as f64)),
            ]
        })
        .collect();
    Section {
        key: "programs",
        title_zh: "开设专业与毕业生",
        title_en: "Programs offered and graduates",
        note_zh: "本年度发布的专业供给（不含草稿）；毕业生数为供给中填写的年毕业生数。",
        note_en: "Program offers created in the year (drafts excluded); graduates as stated in each offer.",
        columns: vec![
            Column::text("专业代码", "Program code", 14.0),
            Column::text("专业名称", "Program", 24.0),
            Column::text("供给标题", "Offer", 30.0),
            Column::number("毕业生数", "Graduates"),
        ],
        rows,
    }
}

struct OverviewFigures<'a> {
    programs: usize,
    graduates: Option<f64>,
    totals: &'a OutcomeTotals,
    relevance: &'a Relevance,
    projects: usize,
}

fn overview_section(f: OverviewFigures<'_>) -> Section {
    let count = |v: Option<u64>| Cell::maybe(v.map(|v| v as f64));
    let percent = Cell::percent_points;
    let placed = f.totals.placed;
    let rows = vec![
        ("开设专业数", "Programs offered", Cell::count(f.programs as u64), "个"),
        ("毕业生数", "Graduates", Cell::maybe(f.graduates), "人"),
        ("安置学生数", "Students placed", count(placed), "人"),
        ("对口安置人数", "Placed in line with their program", Cell::count(f.relevance.relevant), "人"),
        ("可判断对口的安置人数", "Placements that could be judged", Cell::count(f.relevance.judged), "人"),
        ("专业对口率", "Share in line with the program", percent(f.relevance.rate), "%"),
        ("录用人数", "Hired", count(f.totals.hired), "人"),
        ("6个月留任率", "Retained after 6 months", percent(f.totals.retention_6m), "%"),
        ("12个月留任率", "Retained after 12 months", percent(f.totals.retention_12m), "%"),
        ("1+X等证书数", "Certificates (1+X)", count(f.totals.certificates), "个"),
        ("教师企业实践人次", "Teachers in enterprise practice", count(f.totals.teachers), "人次"),
        ("教师企业实践时长", "Teachers' enterprise practice", count(f.totals.practice_hours), "小时"),
        ("本年度达成合作项目数", "Cooperation projects agreed", Cell::count(f.projects as u64), "个"),
        ("本年度完成合作项目数", "Cooperation projects completed", Cell::count(f.totals.projects), "个"),
    ];
    Section {
        key: "overview",
        title_zh: "主要指标",
        title_en: "Key figures",
        note_zh: "安置、录用、留任与证书按本年度完成的项目统计；“无数据”表示没有记录，不等于0。",
        note_en: "Placements, hires, retention and certificates count projects completed in the year; \"no data\" means nothing recorded, not 0.",
        columns: vec![
            Column::text("指标", "Indicator", 26.0),
            Column::text("Indicator", "Indicator (English)", 32.0),
            Column::number("数值", "Value"),
            Column::text("单位", "Unit", 8.0),
        ],
        rows: rows
            .into_iter()
            .map(|(zh, en, value, unit)| vec![Cell::text(zh), Cell::text(en), value, Cell::text(unit)])
            .collect(),
    }
}

fn placements_section(rows: Vec<Vec<Cell>>) -> Section {
    Section {
        key: "placements",
        title_zh: "学生安置与专业对口",
        title_en: "Students placed and relevance",
        note_zh: "对口：所填补的企业需求与本校供给专业代码相同、同属一个专业类，或其职业代码与本校专业在专业—职业对照表中对应；企业需求未填代码的为“无法判断”，不计入对口率。",
        note_en: "In line: the enterprise posting names the same program, one of the same class, or an occupation the crosswalk links to the school's program; postings without codes cannot be judged and stay out of the rate.",
        columns: vec![
            Column::text("项目", "Project", 36.0),
            Column::text("类型", "Type", 16.0),
            Column::text("合作企业", "Enterprise", 26.0),
            Column::number("安置人数", "Placed"),
            Column::number("录用人数", "Hired"),
            Column::number("证书数", "Certificates"),
            Column::text("是否对口", "In line", 10.0),
        ],
        rows,
    }
}

fn projects_section(agreed: &[&projects::Model]) -> Section {
    let mut counts: BTreeMap<(usize, &str), [u64; 4]> = BTreeMap::new();
    for project in agreed {
        // A corrupt row fails the read (see crate::db::stored); none is skipped here.
        let (kind, status) = (*project.project_type, *project.status);
        let order = ProjectType::ALL.iter().position(|k| *k == kind).unwrap_or(usize::MAX);
        let column = ProjectStatus::ALL.iter().position(|s| *s == status).unwrap_or(0);
        counts.entry((order, kind.zh())).or_default()[column] += 1;
    }
    by_type_and_status(
        counts,
        "本年度达成（提案被接受）的合作项目，按类型和当前状态统计。",
        "Projects agreed in the year, by type and current status.",
    )
}

/// A table of project counts by type (rows) and status (columns), with totals.
pub(super) fn by_type_and_status(
    counts: BTreeMap<(usize, &'static str), [u64; 4]>,
    note_zh: &'static str,
    note_en: &'static str,
) -> Section {
    let rows = counts
        .into_iter()
        .map(|((_, name), by_status)| {
            let mut row = vec![Cell::text(name)];
            row.extend(by_status.iter().map(|n| Cell::count(*n)));
            row.push(Cell::count(by_status.iter().sum::<u64>()));
            row
        })
        .collect();
    Section {
        key: "projects",
        title_zh: "合作项目（按类型和状态）",
        title_en: "Cooperation projects by type and status",
        note_zh,
        note_en,
        columns: vec![
            Column::text("项目类型", "Type", 20.0),
            Column::number("已达成", "Agreed"),
            Column::number("进行中", "Active"),
            Column::number("已完成", "Completed"),
            Column::number("已取消", "Cancelled"),
            Column::number("合计", "Total"),
        ],
        rows,
    }
}

fn teachers_section(rows: Vec<Vec<Cell>>) -> Section {
    Section {
        key: "teachers",
        title_zh: "教师企业实践",
        title_en: "Teachers' enterprise practice",
        note_zh: "本年度完成的教师企业实践项目：实践教师人次与实践时长。",
        note_en: "Teacher-practice projects completed in the year: teachers and hours.",
        columns: vec![
            Column::text("项目", "Project", 36.0),
            Column::text("实践企业", "Enterprise", 26.0),
            Column::number("教师人次", "Teachers"),
            Column::number("实践时长（小时）", "Hours"),
        ],
        rows,
    }
}
