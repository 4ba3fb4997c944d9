//! One row's cells into a [`PostingInput`]: Chinese labels to ids (岗位需求 → job, 高职专科 →
//! gaozhi_zhuanke), Excel numbers to codes (460103.0 → 460103, 80901 → 080901), Excel dates and
//! Chinese date text to ISO dates, list cells split into items, and the 状态 column.
//!
//! It only reshapes what the cells hold; whether the values are valid is for
//! [`NewPosting::parse_for_side`](chanjiao_domain::NewPosting::parse_for_side) to say. A cell is
//! a problem here only when it cannot be reshaped at all: an Excel error value, or a label that
//! is neither an id nor a Chinese name.

use std::collections::HashMap;
use std::sync::LazyLock;

use chanjiao_domain::posting::split_list;
use chanjiao_domain::region::children;
use chanjiao_domain::{ApprenticeshipType, NumberInput, PostingInput, PostingKind, PostingStatus, SchoolLevel, Side};
use chrono::{Days, NaiveDate};

use super::columns::{Field, Header};
use super::read::Cell;

/// A cell that cannot be read for its column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct CellProblem {
    pub field: Field,
    pub code: &'static str,
    pub reason: String,
    pub reason_zh: String,
}

/// A row as the domain parses it, with what the cells themselves got wrong.
#[derive(Debug, Default)]
pub(super) struct RowInput {
    pub input: PostingInput,
    pub publish: bool,
    pub problems: Vec<CellProblem>,
}

/// Reads the cells of one row, placed by the header. Cells under unmapped or export-only columns
/// are skipped.
pub(super) fn row_input(header: &Header, cells: &[Cell], side: Side) -> RowInput {
    let mut row = RowInput::default();
    for (field, cell) in header.fields.iter().zip(cells) {
        let Some(field) = *field else { continue };
        if field.is_export_only() || cell.is_blank() {
            continue;
        }
        if let Err((reason, reason_zh)) = fill(&mut row, field, cell, side) {
            row.problems.push(CellProblem { field, code: "format", reason, reason_zh });
        }
    }
    row
}

type Reasons = (String, String);

fn fill(row: &mut RowInput, field: Field, cell: &Cell, side: Side) -> Result<(), Reasons> {
    let input = &mut row.input;
    match field {
        Field::Kind => input.kind = label(&code_text(cell)?, kind_id, || kinds_expected(side))?,
        Field::Title => input.title = text(cell)?,
        Field::Description => input.description = text(cell)?,
        Field::Skills => input.skills = split_list(&text(cell)?),
        Field::Region => input.region = region(&code_text(cell)?),
        Field::StartsOn => input.starts_on = Some(date(cell)?),
        Field::EndsOn => input.ends_on = Some(date(cell)?),
        Field::Quantity => input.quantity = Some(number(cell)?),
        Field::EducationLevel => {
            input.education_level = Some(label(&code_text(cell)?, level_id, levels_expected)?);
        }
        Field::ProgramCodes => input.program_codes = codes(cell, pad_program_code)?,
        Field::OccupationCodes => input.occupation_codes = codes(cell, str::to_owned)?,
        Field::IndustryClusters => input.industry_clusters = split_list(&text(cell)?),
        Field::Certificates => input.certificates = split_list(&text(cell)?),
        Field::AmountYuan => input.amount_yuan = Some(number(cell)?),
        Field::ApprenticeshipType => {
            input.apprenticeship_type = Some(label(&code_text(cell)?, apprenticeship_id, apprenticeships_expected)?);
        }
        Field::AnnualEnrolment => input.annual_enrolment = Some(number(cell)?),
        Field::Equipment => input.equipment = lines(&text(cell)?),
        Field::OpenPeriods => input.open_periods = lines(&text(cell)?),
        Field::Status => row.publish = status(&code_text(cell)?)?,
        Field::Id | Field::Organization | Field::RegionName => {}
    }
    Ok(())
}

/// A cell's text as typed. Numbers print without a trailing `.0`, dates as ISO dates. A leading
/// apostrophe that exports put before `=`, `+`, `-` or `@` (so Excel does not run the text as a
/// formula) is taken off again.
fn text(cell: &Cell) -> Result<String, Reasons> {
    Ok(match cell {
        Cell::Empty => String::new(),
        Cell::Text(text) => unescape(text).to_owned(),
        Cell::Int(n) => n.to_string(),
        Cell::Float(f) => float_text(*f),
        Cell::Date(date, _) => date.format("%Y-%m-%d").to_string(),
        Cell::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Cell::Error(error) => return Err(spreadsheet_error(error)),
    })
}

pub(super) fn unescape(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => text,
    }
}

/// A cell holding a code or an id: trimmed, full-width characters (１２３, ＡＢＣ) made half-width.
fn code_text(cell: &Cell) -> Result<String, Reasons> {
    Ok(halfwidth(text(cell)?.trim()))
}

fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { f.to_string() }
}

fn spreadsheet_error(error: &str) -> Reasons {
    (format!("holds the spreadsheet error {error}"), format!("单元格为错误值 {error}，请填写实际内容"))
}

/// Full-width ASCII forms (as Chinese input methods type them) and the ideographic space as their
/// ASCII counterparts.
fn halfwidth(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// A number cell as the domain reads numbers. Whole floats (Excel stores every number as one)
/// become integers.
fn number(cell: &Cell) -> Result<NumberInput, Reasons> {
    let float = |f: f64| {
        if f.fract() == 0.0 && f.abs() < 1e15 { NumberInput::Integer(f as i64) } else { NumberInput::Decimal(f) }
    };
    Ok(match cell {
        Cell::Int(n) => NumberInput::Integer(*n),
        Cell::Float(f) => float(*f),
        // A number formatted as a date by mistake still holds the number.
        Cell::Date(_, serial) if serial.is_finite() => float(*serial),
        _ => NumberInput::Text(code_text(cell)?),
    })
}

/// Days of the 1900 date system counted from here; serials from 61 on (1900-03-01) are exact,
/// which covers every plausible posting date.
fn excel_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).expect("a valid date")
}

/// A date cell as ISO text: Excel dates, bare serial numbers of dates in 2000–2100 (a date cell
/// whose format was lost), 20270901, and 2027年9月1日. Anything else is passed on for the domain
/// to reject with its own message.
fn date(cell: &Cell) -> Result<String, Reasons> {
    let iso = |date: NaiveDate| date.format("%Y-%m-%d").to_string();
    let from_number = |f: f64| -> Option<NaiveDate> {
        if f.fract() != 0.0 {
            return None;
        }
        let n = f as i64;
        if (20_000_101..=21_001_231).contains(&n) {
            return NaiveDate::from_ymd_opt((n / 10_000) as i32, (n / 100 % 100) as u32, (n % 100) as u32);
        }
        (36_526..=73_415).contains(&n).then(|| excel_epoch() + Days::new(n as u64))
    };
    Ok(match cell {
        Cell::Date(date, _) => iso(*date),
        Cell::Int(n) => from_number(*n as f64).map_or_else(|| n.to_string(), iso),
        Cell::Float(f) => from_number(*f).map_or_else(|| float_text(*f), iso),
        _ => {
            let raw = code_text(cell)?;
            if raw.len() == 8 && raw.bytes().all(|b| b.is_ascii_digit()) {
                raw.parse::<f64>().ok().and_then(from_number).map_or(raw, iso)
            } else {
                raw.replace(['年', '月'], "-").replace(['日', '号'], "")
            }
        }
    })
}

/// The items of a code list. A number cell is one code; `format` puts back what Excel's number
/// storage dropped.
fn codes(cell: &Cell, format: fn(&str) -> String) -> Result<Vec<String>, Reasons> {
    Ok(split_list(&code_text(cell)?).iter().map(|code| format(code)).collect())
}

/// Undergraduate program codes begin with 0 (080901), which Excel drops when it stores the code as
/// a number; no code has five digits, so five digits are such a code.
fn pad_program_code(code: &str) -> String {
    if code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit()) { format!("0{code}") } else { code.to_owned() }
}

/// The region code of a cell: a code as is, a code followed by its name ("330602 越城区"), or the
/// name of a city or county of Zhejiang ("柯桥区", "绍兴市柯桥区").
fn region(raw: &str) -> String {
    let digits = raw.bytes().take_while(u8::is_ascii_digit).count();
    if digits == raw.len() {
        return raw.to_owned();
    }
    if let Some(code) = REGION_NAMES.get(raw) {
        return (*code).to_owned();
    }
    if digits == 6 || digits == 9 { raw[..digits].to_owned() } else { raw.to_owned() }
}

/// The cities and counties of Zhejiang by name and by city-and-county name; these are unique.
static REGION_NAMES: LazyLock<HashMap<String, &'static str>> = LazyLock::new(|| {
    let mut names = HashMap::new();
    for city in children("330000") {
        names.insert(city.name.clone(), city.code.as_str());
        for county in children(&city.code) {
            names.insert(county.name.clone(), county.code.as_str());
            names.insert(format!("{}{}", city.name, county.name), county.code.as_str());
        }
    }
    names
});

/// An enumerated cell: the id, a Chinese name, or a problem listing what is expected.
fn label(raw: &str, id: fn(&str) -> Option<&'static str>, expected: impl Fn() -> Reasons) -> Result<String, Reasons> {
    id(raw).map(str::to_owned).ok_or_else(|| {
        let (en, zh) = expected();
        (format!("{raw} is not one of {en}"), format!("“{raw}”不是可选值，须为：{zh}"))
    })
}

fn kind_id(raw: &str) -> Option<&'static str> {
    let lower = raw.to_ascii_lowercase();
    PostingKind::ALL.iter().find(|k| k.as_str() == lower || k.zh() == raw).map(|k| k.as_str())
}

fn kinds_expected(side: Side) -> Reasons {
    let kinds: Vec<PostingKind> = PostingKind::of_side(side).collect();
    let en = kinds.iter().map(|k| format!("{} ({})", k.as_str(), k.zh())).collect::<Vec<_>>().join(", ");
    let zh = kinds.iter().map(|k| k.zh()).collect::<Vec<_>>().join("、");
    (en, zh)
}

fn level_id(raw: &str) -> Option<&'static str> {
    let lower = raw.to_ascii_lowercase();
    let synonym = match raw {
        "中专" | "职高" => Some(SchoolLevel::Zhongzhi),
        "高职" | "大专" | "专科" => Some(SchoolLevel::GaozhiZhuanke),
        "职业本科" => Some(SchoolLevel::GaozhiBenke),
        _ => None,
    };
    let level = SchoolLevel::ALL.iter().copied().find(|l| l.as_str() == lower || l.zh() == raw);
    level.or(synonym).map(SchoolLevel::as_str)
}

fn levels_expected() -> Reasons {
    let levels = SchoolLevel::ALL;
    let en = levels.iter().map(|l| format!("{} ({})", l.as_str(), l.zh())).collect::<Vec<_>>().join(", ");
    (en, levels.iter().map(|l| l.zh()).collect::<Vec<_>>().join("、"))
}

fn apprenticeship_id(raw: &str) -> Option<&'static str> {
    let lower = raw.to_ascii_lowercase();
    ApprenticeshipType::ALL.iter().find(|t| t.as_str() == lower || t.zh() == raw).map(|t| t.as_str())
}

fn apprenticeships_expected() -> Reasons {
    let types = ApprenticeshipType::ALL;
    let en = types.iter().map(|t| format!("{} ({})", t.as_str(), t.zh())).collect::<Vec<_>>().join(", ");
    (en, types.iter().map(|t| t.zh()).collect::<Vec<_>>().join("、"))
}

/// The words the 状态 column takes for publishing at once.
pub(super) const PUBLISH: &str = "发布";
pub(super) const DRAFT: &str = "草稿";

/// Whether to publish: 发布 (or published), else a draft. The statuses exports write (已发布,
/// 已暂停 …) are read too, so an exported file imports again: 已发布 publishes, any other status
/// becomes a draft, since an imported posting starts its life anew.
fn status(raw: &str) -> Result<bool, Reasons> {
    let lower = raw.to_ascii_lowercase();
    match lower.as_str() {
        PUBLISH | "publish" => return Ok(true),
        DRAFT => return Ok(false),
        _ => {}
    }
    match PostingStatus::ALL.iter().find(|s| s.as_str() == lower || s.zh() == raw) {
        Some(status) => Ok(*status == PostingStatus::Published),
        None => Err((
            format!("{raw} is not one of {PUBLISH} (published), {DRAFT} (draft)"),
            format!("“{raw}”不是可选值，须为：{PUBLISH}、{DRAFT}"),
        )),
    }
}

/// One item per line, for lists whose items may contain commas (equipment, open periods).
fn lines(cell: &str) -> Vec<String> {
    cell.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_cell(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }

    #[test]
    fn dates_come_from_excel_serials_and_chinese_text() {
        let day = "2027-09-01";
        let serial = (NaiveDate::from_ymd_opt(2027, 9, 1).unwrap() - excel_epoch()).num_days();
        assert_eq!(serial, 46631);
        for cell in [
            Cell::Float(46631.0),
            Cell::Int(46631),
            Cell::Int(20270901),
            text_cell("20270901"),
            Cell::Date(NaiveDate::from_ymd_opt(2027, 9, 1).unwrap(), 46631.0),
        ] {
            assert_eq!(date(&cell).unwrap(), day, "{cell:?}");
        }
        let typed = date(&text_cell("2027年9月1日")).unwrap();
        assert_eq!(chanjiao_domain::posting::parse_date(&typed).unwrap().to_string(), day);
        assert_eq!(date(&text_cell("２０２７/9/1")).unwrap(), "2027/9/1");
        assert_eq!(date(&Cell::Float(12.5)).unwrap(), "12.5");
    }

    #[test]
    fn codes_survive_excel_number_storage() {
        assert_eq!(codes(&Cell::Float(460103.0), pad_program_code).unwrap(), ["460103"]);
        assert_eq!(codes(&Cell::Float(80901.0), pad_program_code).unwrap(), ["080901"]);
        assert_eq!(codes(&text_cell("520101K、460103"), pad_program_code).unwrap(), ["520101K", "460103"]);
        assert_eq!(codes(&Cell::Int(6180101), str::to_owned).unwrap(), ["6180101"]);
        assert_eq!(region(&code_text(&Cell::Float(330602.0)).unwrap()), "330602");
        assert_eq!(region("柯桥区"), "330603");
        assert_eq!(region("绍兴市柯桥区"), "330603");
        assert_eq!(region("330602 越城区"), "330602");
        assert_eq!(region("火星"), "火星");
    }

    #[test]
    fn labels_accept_ids_and_chinese_names() {
        assert_eq!(kind_id("岗位需求"), Some("job"));
        assert_eq!(kind_id("JOB"), Some("job"));
        assert_eq!(level_id("高职专科"), Some("gaozhi_zhuanke"));
        assert_eq!(level_id("大专"), Some("gaozhi_zhuanke"));
        assert_eq!(apprenticeship_id("企业新型学徒制"), Some("enterprise_new"));
        let (_, zh) = label("岗位", kind_id, || kinds_expected(Side::Enterprise)).unwrap_err();
        assert!(zh.contains("岗位需求、学徒岗位"), "{zh}");
    }

    #[test]
    fn status_publishes_only_when_asked() {
        assert_eq!(status("发布"), Ok(true));
        assert_eq!(status("Published"), Ok(true));
        assert_eq!(status("已发布"), Ok(true));
        assert_eq!(status("草稿"), Ok(false));
        assert_eq!(status("已暂停"), Ok(false));
        assert!(status("上线").is_err());
    }

    #[test]
    fn escaped_formulas_lose_their_apostrophe_and_nothing_else_does() {
        assert_eq!(unescape("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unescape("'-20℃ 冷库"), "-20℃ 冷库");
        assert_eq!(unescape("'引号'"), "'引号'");
        assert!(text(&Cell::Error("#REF!".into())).is_err());
    }
}
