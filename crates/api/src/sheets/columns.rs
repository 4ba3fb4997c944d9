//! The columns of a posting sheet and matching a file's header row against them.
//!
//! Each [`Column`] is one field of a posting (or the status, or an export-only column such as
//! 编号), with its Chinese header, its API field name and what the instructions sheet says about
//! it. A header matches a column by its Chinese name, its API name or an alias, ignoring
//! surrounding whitespace, a `*` required marker and a trailing `（…）` hint, so `金额（元）`,
//! `金额`, `amount_yuan` and `标题*` all match.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::SheetError;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Field {
    Id,
    Organization,
    Kind,
    Title,
    Description,
    Skills,
    Region,
    RegionName,
    StartsOn,
    EndsOn,
    Quantity,
    EducationLevel,
    ProgramCodes,
    OccupationCodes,
    IndustryClusters,
    Certificates,
    AmountYuan,
    ApprenticeshipType,
    AnnualEnrolment,
    Equipment,
    OpenPeriods,
    Status,
}

impl Field {
    /// Columns exports write for people to read, which imports skip.
    pub fn is_export_only(self) -> bool {
        matches!(self, Field::Id | Field::Organization | Field::RegionName)
    }

    pub fn column(self) -> &'static Column {
        COLUMNS.iter().find(|c| c.field == self).expect("every field has a column")
    }

    /// The field of an API field name as the domain reports it, item index removed
    /// (`program_codes[2]` → program codes).
    pub fn from_api(name: &str) -> Option<Field> {
        let base = name.split('[').next().unwrap_or(name);
        COLUMNS.iter().find(|c| c.api == base).map(|c| c.field)
    }
}

/// One column of the sheet.
#[derive(Debug)]
pub(super) struct Column {
    pub field: Field,
    /// The header the template and exports write, without the required marker.
    pub zh: &'static str,
    /// The API field name, also accepted as a header.
    pub api: &'static str,
    /// Other headers accepted for this column.
    pub aliases: &'static [&'static str],
    /// Whether every kind needs this column, so a file without it is rejected outright.
    pub required: bool,
    /// The column width in the template and exports, in characters.
    pub width: f64,
    /// What to fill in, for the instructions sheet.
    pub meaning: &'static str,
    /// The values allowed, for the instructions sheet; lists of kinds, levels and the like are
    /// added by the template itself.
    pub values: &'static str,
}

impl Column {
    /// The header as the template writes it: required columns carry a `*`.
    pub fn template_header(&self) -> String {
        if self.required { format!("{}*", self.zh) } else { self.zh.to_owned() }
    }
}

/// Every column, in the order exports write them. The template leaves out the export-only ones.
pub(super) const COLUMNS: &[Column] = &[
    Column {
        field: Field::Id,
        zh: "编号",
        api: "id",
        aliases: &[],
        required: false,
        width: 8.0,
        meaning: "平台编号（仅导出时填写，导入时忽略）",
        values: "",
    },
    Column {
        field: Field::Organization,
        zh: "机构",
        api: "organization",
        aliases: &["机构名称"],
        required: false,
        width: 24.0,
        meaning: "发布机构（仅导出时填写，导入时忽略）",
        values: "",
    },
    Column {
        field: Field::Kind,
        zh: "类型",
        api: "kind",
        aliases: &["发布类型"],
        required: true,
        width: 16.0,
        meaning: "发布的类型，决定哪些列必填、哪些列不能填（见下方“各类型的填写要求”）",
        values: "类型名称或代码，见下方“各类型的填写要求”",
    },
    Column {
        field: Field::Title,
        zh: "标题",
        api: "title",
        aliases: &["名称"],
        required: true,
        width: 28.0,
        meaning: "简明的标题，如岗位名称、专业名称或项目名称",
        values: "2 至 80 个字，单行",
    },
    Column {
        field: Field::Description,
        zh: "描述",
        api: "description",
        aliases: &["说明"],
        required: false,
        width: 40.0,
        meaning: "详细说明：工作内容、要求、安排等",
        values: "最多 5000 字，可换行",
    },
    Column {
        field: Field::Skills,
        zh: "技能",
        api: "skills",
        aliases: &["技能要求"],
        required: false,
        width: 24.0,
        meaning: "要求或提供的技能",
        values: "最多 30 项，每项最多 30 字；多项用顿号（、）、逗号或分号分隔",
    },
    Column {
        field: Field::Region,
        zh: "地区代码",
        api: "region",
        aliases: &["地区", "区划代码", "行政区划代码"],
        required: true,
        width: 12.0,
        meaning: "所在地的行政区划代码（6 位县级或 9 位乡镇级），也可填写浙江省内的市、县（区）名称",
        values: "浙江省内的行政区划代码，如 330602；绍兴市各区县见下方",
    },
    Column {
        field: Field::RegionName,
        zh: "地区名称",
        api: "region_name",
        aliases: &[],
        required: false,
        width: 16.0,
        meaning: "地区代码对应的名称（仅导出时填写，导入时忽略）",
        values: "",
    },
    Column {
        field: Field::StartsOn,
        zh: "开始日期",
        api: "starts_on",
        aliases: &[],
        required: false,
        width: 12.0,
        meaning: "开始日期，可留空",
        values: "日期，如 2027-09-01、2027/9/1 或 2027年9月1日",
    },
    Column {
        field: Field::EndsOn,
        zh: "结束日期",
        api: "ends_on",
        aliases: &["截止日期"],
        required: false,
        width: 12.0,
        meaning: "结束日期（含当天），不得早于开始日期；过期后自动下架",
        values: "日期，如 2028-06-30",
    },
    Column {
        field: Field::Quantity,
        zh: "数量",
        api: "quantity",
        aliases: &["人数"],
        required: false,
        width: 8.0,
        meaning: "人数、名额或容量，含义随类型而定（见下方“各类型的填写要求”）",
        values: "1 至 100000 的整数",
    },
    Column {
        field: Field::EducationLevel,
        zh: "学历层次",
        api: "education_level",
        aliases: &["学历", "层次"],
        required: false,
        width: 12.0,
        meaning: "要求或提供的学历层次；专业人才供给可不填，自动取专业所属层次",
        values: "中职、高职专科、职教本科、普通本科",
    },
    Column {
        field: Field::ProgramCodes,
        zh: "专业代码",
        api: "program_codes",
        aliases: &["专业"],
        required: false,
        width: 14.0,
        meaning: "对口专业，填写专业目录中的专业代码；专业人才供给只填一个",
        values: "《职业教育专业目录（2021年）》或《普通高等学校本科专业目录》中的代码，如 460103、080901；最多 10 个",
    },
    Column {
        field: Field::OccupationCodes,
        zh: "职业代码",
        api: "occupation_codes",
        aliases: &["职业"],
        required: false,
        width: 14.0,
        meaning: "对应职业，填写《职业分类大典（2022年版）》中的职业代码",
        values: "如 6-18-01-01（车工），也可写作 6180101；最多 10 个",
    },
    Column {
        field: Field::IndustryClusters,
        zh: "产业集群",
        api: "industry_clusters",
        aliases: &["集群"],
        required: false,
        width: 14.0,
        meaning: "所属的绍兴市产业集群",
        values: "集群名称或代码，见下方“产业集群”",
    },
    Column {
        field: Field::Certificates,
        zh: "证书",
        api: "certificates",
        aliases: &["证书要求"],
        required: false,
        width: 24.0,
        meaning: "要求或颁发的证书，如 1+X 职业技能等级证书",
        values: "最多 20 项，每项最多 50 字",
    },
    Column {
        field: Field::AmountYuan,
        zh: "金额（元）",
        api: "amount_yuan",
        aliases: &["amount"],
        required: false,
        width: 12.0,
        meaning: "金额，含义随类型而定（月薪、补贴、费用、预算等，见下方“各类型的填写要求”）",
        values: "不小于 0、最多两位小数，如 6500 或 3500.50",
    },
    Column {
        field: Field::ApprenticeshipType,
        zh: "学徒制类型",
        api: "apprenticeship_type",
        aliases: &["学徒制"],
        required: false,
        width: 14.0,
        meaning: "学徒岗位必填：现代学徒制（与学校联合培养在校生）或企业新型学徒制（培养本企业职工）",
        values: "现代学徒制、企业新型学徒制",
    },
    Column {
        field: Field::AnnualEnrolment,
        zh: "年招生数",
        api: "annual_enrolment",
        aliases: &["招生数"],
        required: false,
        width: 10.0,
        meaning: "专业人才供给的年招生人数",
        values: "0 至 100000 的整数",
    },
    Column {
        field: Field::Equipment,
        zh: "设备",
        api: "equipment",
        aliases: &["主要设备"],
        required: false,
        width: 24.0,
        meaning: "实训基地的主要设备",
        values: "每行一项（单元格内按 Alt+Enter 换行），最多 50 项，每项最多 60 字",
    },
    Column {
        field: Field::OpenPeriods,
        zh: "开放时段",
        api: "open_periods",
        aliases: &[],
        required: false,
        width: 20.0,
        meaning: "实训基地、体验基地的开放时间",
        values: "每行一项（单元格内按 Alt+Enter 换行），最多 12 项，每项最多 60 字，如 周一至周五 8:30-17:00",
    },
    Column {
        field: Field::Status,
        zh: "状态",
        api: "status",
        aliases: &["发布状态"],
        required: false,
        width: 8.0,
        meaning: "导入后直接发布，或存为草稿；留空为草稿。发布须机构已通过认证",
        values: "发布、草稿（也可填 published、draft）",
    },
];

/// How list cells separate their items, for the instructions sheet.
pub(super) const LIST_HINT: &str = "多项用顿号（、）、逗号或分号分隔，也可在单元格内换行";

/// The columns the template has, in order.
pub(super) fn template_columns() -> impl Iterator<Item = &'static Column> {
    COLUMNS.iter().filter(|c| !c.field.is_export_only())
}

/// A header reduced to what identifies it: no surrounding whitespace or byte-order mark, no `*`
/// required marker, no trailing `（…）` or `(…)` hint, lower case.
pub(super) fn normalize(header: &str) -> String {
    let mut text = header;
    loop {
        let trimmed = text.trim_matches(|c: char| c.is_whitespace() || matches!(c, '\u{feff}' | '*' | '＊'));
        let trimmed = strip_hint(trimmed).unwrap_or(trimmed);
        if trimmed == text {
            break;
        }
        text = trimmed;
    }
    text.to_lowercase()
}

fn strip_hint(text: &str) -> Option<&str> {
    [('（', '）'), ('(', ')')].into_iter().find_map(|(open, close)| {
        let inner = text.strip_suffix(close)?;
        let start = inner.rfind(open)?;
        (start > 0).then(|| &text[..start])
    })
}

static BY_HEADER: LazyLock<HashMap<String, Field>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    for column in COLUMNS {
        for name in [column.zh, column.api].iter().chain(column.aliases) {
            let previous = map.insert(normalize(name), column.field);
            assert!(previous.is_none(), "header {name} names two columns");
        }
    }
    map
});

/// The field a header names, if any.
pub(super) fn field_of(header: &str) -> Option<Field> {
    BY_HEADER.get(&normalize(header)).copied()
}

/// A file's header row, matched against the columns.
#[derive(Debug)]
pub(super) struct Header {
    /// For each column of the file, by position, the field it holds; `None` for a column without
    /// header or data.
    pub fields: Vec<Option<Field>>,
    /// Each field's header as the file writes it.
    names: HashMap<Field, String>,
}

impl Header {
    /// Matches the header cells of a file. Rejects headers that name no column, two headers
    /// naming one column, data under a blank header, and files without the columns every posting
    /// needs.
    pub fn map(cells: &[String], has_data: impl Fn(usize) -> bool) -> Result<Header, SheetError> {
        let mut fields = Vec::with_capacity(cells.len());
        let mut names: HashMap<Field, String> = HashMap::new();
        let (mut unknown, mut duplicate) = (Vec::new(), Vec::new());
        for (index, cell) in cells.iter().enumerate() {
            let text = cell.trim();
            if normalize(text).is_empty() {
                if has_data(index) {
                    unknown.push(format!("{}列（无表头）", column_letter(index)));
                }
                fields.push(None);
                continue;
            }
            match field_of(text) {
                Some(field) if names.contains_key(&field) => {
                    duplicate.push(format!("{}、{}", names[&field], text));
                    fields.push(None);
                }
                Some(field) => {
                    names.insert(field, text.to_owned());
                    fields.push(Some(field));
                }
                None => {
                    unknown.push(text.to_owned());
                    fields.push(None);
                }
            }
        }
        if !unknown.is_empty() {
            return Err(SheetError::UnknownColumns(unknown));
        }
        if !duplicate.is_empty() {
            return Err(SheetError::DuplicateColumns(duplicate));
        }
        let missing: Vec<String> =
            COLUMNS.iter().filter(|c| c.required && !names.contains_key(&c.field)).map(|c| c.zh.to_owned()).collect();
        if !missing.is_empty() {
            return Err(SheetError::MissingColumns(missing));
        }
        Ok(Header { fields, names })
    }

    /// The header of a field as the file writes it, or the template's when the file lacks it.
    pub fn name_of(&self, field: Field) -> String {
        self.names.get(&field).cloned().unwrap_or_else(|| field.column().zh.to_owned())
    }

    pub fn has(&self, field: Field) -> bool {
        self.names.contains_key(&field)
    }

    /// Where a field's column is in the file, for ordering problems as the user reads them.
    pub fn position(&self, field: Field) -> Option<usize> {
        self.fields.iter().position(|f| *f == Some(field))
    }
}

/// The spreadsheet letter of a zero-based column index: 0 → A, 26 → AA.
pub(super) fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_with_markers_hints_and_english_names() {
        assert_eq!(field_of(" 标题* "), Some(Field::Title));
        assert_eq!(field_of("*类型"), Some(Field::Kind));
        assert_eq!(field_of("金额（元）"), Some(Field::AmountYuan));
        assert_eq!(field_of("金额(元)*"), Some(Field::AmountYuan));
        assert_eq!(field_of("金额"), Some(Field::AmountYuan));
        assert_eq!(field_of("地区代码（6位）\n"), Some(Field::Region));
        assert_eq!(field_of("Program_Codes"), Some(Field::ProgramCodes));
        assert_eq!(field_of("\u{feff}kind"), Some(Field::Kind));
        assert_eq!(field_of("标提"), None);
        assert_eq!(field_of("（元）"), None);
    }

    #[test]
    fn every_column_but_the_extras_is_a_posting_field() {
        let rules = chanjiao_domain::PostingKind::Job.spec().rules();
        for column in template_columns().filter(|c| !matches!(c.field, Field::Kind | Field::Status)) {
            assert!(rules.iter().any(|(name, _)| *name == column.api), "{}", column.api);
        }
        assert_eq!(template_columns().count(), rules.len() + 2);
        assert_eq!(Field::from_api("program_codes[2]"), Some(Field::ProgramCodes));
    }

    #[test]
    fn letters_name_columns_as_spreadsheets_do() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }
}
