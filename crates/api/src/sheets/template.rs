//! The downloadable template of one side: the posting sheet with its headers, one example row,
//! drop-downs and hints, and the 填写说明 sheet listing every column, every kind's rules and the
//! allowed values (levels, clusters, Shaoxing's counties). The CSV template is the header and the
//! example row.

use chanjiao_domain::reference::clusters;
use chanjiao_domain::region::{SHAOXING, children};
use chanjiao_domain::{
    ApprenticeshipType, NewPosting, NumberInput, PostingInput, PostingKind, Rule, SchoolLevel, Side,
};
use rust_xlsxwriter::{DataValidation, DataValidationErrorStyle, Format, Workbook, Worksheet, XlsxError};

use super::cells::{DRAFT, PUBLISH};
use super::columns::{Column, Field, LIST_HINT, template_columns};
use super::write::{Value, csv_bytes, value, write_sheet};
use super::{INSTRUCTIONS_SHEET_NAME, MAX_ROWS, SheetFormat};

/// The template for `side`'s kinds, in `format`.
pub fn template(format: SheetFormat, side: Side) -> Vec<u8> {
    let columns: Vec<&Column> = template_columns().collect();
    let headers: Vec<String> = columns.iter().map(|c| c.template_header()).collect();
    let example = example(side);
    let row: Vec<Value> = columns.iter().map(|c| value(c.field, &example, None, "", DRAFT)).collect();
    let bytes = match format {
        SheetFormat::Csv => csv_bytes(&headers, std::iter::once(row)).map_err(|e| e.to_string()),
        SheetFormat::Xlsx => workbook(side, &columns, &headers, row, &example).map_err(|e| e.to_string()),
    };
    // The template is fixed content well within Excel's limits; the tests write it for both
    // sides in both formats.
    bytes.unwrap_or_else(|e| panic!("the {side} template cannot be written: {e}"))
}

/// The example row: a job for enterprises, a program's graduates for schools.
fn example(side: Side) -> NewPosting {
    let list = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let input = match side {
        Side::Enterprise => PostingInput {
            kind: PostingKind::Job.as_str().into(),
            title: "数控车工（储备技术员）".into(),
            description: "负责数控车床的编程、操作与日常保养，按图纸完成轴类、盘类零件加工。\n提供岗前培训和技能晋升通道，五险一金，两班倒。".into(),
            skills: list(&["数控编程", "CAD/CAM", "机械制图"]),
            region: "330603".into(),
            starts_on: Some("2027-07-01".into()),
            ends_on: Some("2027-12-31".into()),
            quantity: Some(NumberInput::Integer(12)),
            education_level: Some(SchoolLevel::GaozhiZhuanke.as_str().into()),
            program_codes: list(&["460103"]),
            occupation_codes: list(&["6-18-01-01"]),
            industry_clusters: list(&["hq_equipment"]),
            certificates: list(&["数控车铣加工职业技能等级证书（中级）"]),
            amount_yuan: Some(NumberInput::Integer(6500)),
            ..PostingInput::default()
        },
        Side::School => PostingInput {
            kind: PostingKind::ProgramOffering.as_str().into(),
            title: "数控技术专业 2027 届毕业生".into(),
            description: "面向绍兴高端装备产业，培养数控编程与加工、设备维护的技术技能人才。\n可与企业共建订单班、开展顶岗实习。".into(),
            skills: list(&["数控编程", "数控机床操作", "CAD/CAM"]),
            region: "330602".into(),
            starts_on: Some("2027-06-20".into()),
            quantity: Some(NumberInput::Integer(45)),
            program_codes: list(&["460103"]),
            occupation_codes: list(&["6-18-01-01"]),
            industry_clusters: list(&["hq_equipment"]),
            certificates: list(&["数控车铣加工职业技能等级证书（中级）"]),
            annual_enrolment: Some(NumberInput::Integer(50)),
            ..PostingInput::default()
        },
    };
    NewPosting::parse_for_side(&input, side).unwrap_or_else(|e| panic!("the {side} template example is invalid: {e}"))
}

fn workbook(
    side: Side,
    columns: &[&Column],
    headers: &[String],
    row: Vec<Value>,
    example: &NewPosting,
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    write_sheet(sheet, columns, headers, std::iter::once(row))?;
    add_validations(sheet, side, columns)?;
    let instructions = book.add_worksheet();
    write_instructions(instructions, side, columns, example)?;
    book.save_to_buffer()
}

/// Drop-downs for the enumerated columns and hints for the others, on every data row. The
/// drop-downs warn rather than refuse, since ids (job, zhongzhi) are accepted too.
fn add_validations(sheet: &mut Worksheet, side: Side, columns: &[&Column]) -> Result<(), XlsxError> {
    let last_row = MAX_ROWS as u32;
    for (index, column) in columns.iter().enumerate() {
        let choices: Vec<&str> = match column.field {
            Field::Kind => PostingKind::of_side(side).map(PostingKind::zh).collect(),
            Field::EducationLevel => SchoolLevel::ALL.iter().map(|l| l.zh()).collect(),
            Field::ApprenticeshipType if side == Side::Enterprise => {
                ApprenticeshipType::ALL.iter().map(|t| t.zh()).collect()
            }
            Field::Status => vec![PUBLISH, DRAFT],
            _ => Vec::new(),
        };
        let hint = match column.field {
            Field::Region => Some("如 330602（越城区）、330603（柯桥区），见“填写说明”"),
            Field::StartsOn | Field::EndsOn => Some("如 2027-09-01"),
            Field::ProgramCodes => Some("专业目录代码，如 460103；多个用顿号分隔"),
            Field::OccupationCodes => Some("职业分类大典代码，如 6-18-01-01"),
            Field::IndustryClusters => Some("如 高端装备、集成电路；见“填写说明”"),
            Field::Quantity => Some("整数，含义随类型而定，见“填写说明”"),
            Field::AmountYuan => Some("元，最多两位小数，含义随类型而定"),
            _ => None,
        };
        let validation = if !choices.is_empty() {
            DataValidation::new()
                .allow_list_strings(&choices)?
                .set_error_style(DataValidationErrorStyle::Warning)
                .set_error_title("请从下拉列表中选择")?
                .set_error_message(format!("可选值：{}", choices.join("、")))?
        } else if let Some(hint) = hint {
            DataValidation::new().allow_any_value().set_input_title(column.zh)?.set_input_message(hint)?
        } else {
            continue;
        };
        sheet.add_data_validation(1, index as u16, last_row, index as u16, &validation)?;
    }
    Ok(())
}

/// Writes the instructions sheet, section by section, down column A to F.
fn write_instructions(
    sheet: &mut Worksheet,
    side: Side,
    columns: &[&Column],
    example: &NewPosting,
) -> Result<(), XlsxError> {
    sheet.set_name(INSTRUCTIONS_SHEET_NAME)?;
    for (col, width) in [18.0, 24.0, 14.0, 44.0, 56.0, 36.0].into_iter().enumerate() {
        sheet.set_column_width(col as u16, width)?;
    }
    let mut out =
        Lines { sheet, row: 0, title: Format::new().set_bold().set_font_size(14), bold: Format::new().set_bold() };
    out.title(&format!("{}批量导入填写说明", side.zh()))?;
    for note in [
        format!(
            "1. 在“{}”表中每行填写一条发布，第一行为表头，请勿修改或删除表头；示例行可直接修改或删除。",
            super::SHEET_NAME
        ),
        "2. 列名带 * 的为必填列；数量等列是否必填取决于类型，见“各类型的填写要求”。不用的列可以留空或删除。".into(),
        format!("3. 技能、专业代码、职业代码、产业集群、证书、设备、开放时段可填多项：{LIST_HINT}。"),
        "4. 日期可填 2027-09-01、2027/9/1 或 2027年9月1日，也可使用 Excel 日期格式。".into(),
        format!(
            "5. 导入前会逐行检查：只要有一行有误，整个文件都不会导入，并列出每个问题所在的行、列和原因。一次最多 {MAX_ROWS} 行。"
        ),
        "6. 也可上传 CSV 文件（UTF-8 或 GBK 编码），列名相同；列名也可使用英文字段名（kind、title 等）。".into(),
    ] {
        out.line(&[note.as_str()])?;
    }

    out.section("各列说明", &["列名", "字段名", "是否必填", "说明", "可填写的值", "示例"])?;
    for column in columns {
        let example = match value(column.field, example, None, "", DRAFT) {
            Value::Blank => String::new(),
            Value::Text(text) => text,
            Value::Integer(n) => n.to_string(),
            Value::Money(yuan) => yuan.to_string(),
            Value::Date(date) => date.format("%Y-%m-%d").to_string(),
        };
        let values = allowed_values(column.field, side).unwrap_or_else(|| column.values.to_owned());
        let header = column.template_header();
        out.line(&[&header, column.api, need(column, side), column.meaning, &values, &example])?;
    }

    out.section("各类型的填写要求", &["类型", "类型代码", "数量的含义", "金额的含义", "必填的列", "不能填的列"])?;
    for kind in PostingKind::of_side(side) {
        let spec = kind.spec();
        let named = |wanted: Rule| -> String {
            let fields = spec.rules().into_iter().filter(|(_, rule)| *rule == wanted);
            let names = fields.filter_map(|(api, _)| Field::from_api(api)).map(|f| f.column().zh);
            names.collect::<Vec<_>>().join("、")
        };
        let quantity = match spec.quantity {
            Rule::Required => format!("{}（必填）", spec.quantity_zh),
            _ => format!("{}（选填）", spec.quantity_zh),
        };
        let amount = spec.amount.map_or("不填", |a| a.zh());
        out.line(&[kind.zh(), kind.as_str(), &quantity, amount, &named(Rule::Required), &named(Rule::Forbidden)])?;
    }

    out.section("学历层次", &["名称", "代码", "英文"])?;
    for level in SchoolLevel::ALL {
        out.line(&[level.zh(), level.as_str(), level.en()])?;
    }
    if side == Side::Enterprise {
        out.section("学徒制类型（仅学徒岗位填写）", &["名称", "代码", "英文"])?;
        for kind in ApprenticeshipType::ALL {
            out.line(&[kind.zh(), kind.as_str(), kind.en()])?;
        }
    }
    out.section("产业集群（可填名称或代码）", &["名称", "代码", "分组", "英文"])?;
    for cluster in clusters() {
        out.line(&[&cluster.name_zh, cluster.id.as_str(), cluster.group.zh(), &cluster.name_en])?;
    }
    out.section("绍兴市区县代码（也可填写浙江省内其他县级或乡镇级代码）", &["代码", "名称"])?;
    out.line(&[SHAOXING, "绍兴市"])?;
    for county in children(SHAOXING) {
        out.line(&[&county.code, &county.name])?;
    }
    out.section("状态", &["填写", "含义"])?;
    out.line(&[PUBLISH, "导入后直接发布（机构须已通过认证）"])?;
    out.line(&[DRAFT, "存为草稿，稍后在平台上发布；留空同此"])?;
    Ok(())
}

/// Whether a column must be filled for `side`'s kinds.
fn need(column: &Column, side: Side) -> &'static str {
    if column.required {
        return "必填";
    }
    let rules: Vec<Rule> = PostingKind::of_side(side).filter_map(|k| k.spec().rule(column.api)).collect();
    if rules.is_empty() || rules.iter().all(|r| *r == Rule::Optional) {
        "选填"
    } else if rules.iter().all(|r| *r == Rule::Required) {
        "必填"
    } else if rules.iter().all(|r| *r == Rule::Forbidden) {
        "不适用"
    } else if rules.contains(&Rule::Required) {
        "部分类型必填"
    } else {
        "部分类型可填"
    }
}

/// The values of the enumerated columns, spelled out for `side`.
fn allowed_values(field: Field, side: Side) -> Option<String> {
    let pairs = |items: Vec<(&str, &str)>| {
        Some(items.iter().map(|(zh, id)| format!("{zh}（{id}）")).collect::<Vec<_>>().join("、"))
    };
    match field {
        Field::Kind => pairs(PostingKind::of_side(side).map(|k| (k.zh(), k.as_str())).collect()),
        Field::EducationLevel => pairs(SchoolLevel::ALL.iter().map(|l| (l.zh(), l.as_str())).collect()),
        Field::ApprenticeshipType => pairs(ApprenticeshipType::ALL.iter().map(|t| (t.zh(), t.as_str())).collect()),
        Field::IndustryClusters => pairs(clusters().iter().map(|c| (c.name_zh.as_str(), c.id.as_str())).collect()),
        _ => None,
    }
}

/// A cursor down the instructions sheet.
struct Lines<'a> {
    sheet: &'a mut Worksheet,
    row: u32,
    title: Format,
    bold: Format,
}

impl Lines<'_> {
    fn title(&mut self, text: &str) -> Result<(), XlsxError> {
        self.sheet.write_string_with_format(self.row, 0, text, &self.title)?;
        self.row += 2;
        Ok(())
    }

    /// A blank line, the section's title, and its bold table header.
    fn section(&mut self, title: &str, header: &[&str]) -> Result<(), XlsxError> {
        self.row += 1;
        self.sheet.write_string_with_format(self.row, 0, title, &self.title)?;
        self.row += 1;
        for (col, text) in header.iter().enumerate() {
            self.sheet.write_string_with_format(self.row, col as u16, *text, &self.bold)?;
        }
        self.row += 1;
        Ok(())
    }

    fn line(&mut self, cells: &[&str]) -> Result<(), XlsxError> {
        for (col, text) in cells.iter().enumerate().filter(|(_, text)| !text.is_empty()) {
            self.sheet.write_string(self.row, col as u16, *text)?;
        }
        self.row += 1;
        Ok(())
    }
}
