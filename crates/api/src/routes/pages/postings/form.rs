//! The posting form: which fields a kind shows (its `KindSpec` rules), their labels, widgets and
//! current values, and turning a submitted form back into a `PostingInput`.

use chanjiao_domain::posting::{ApprenticeshipType, NumberInput, PostingInput, PostingKind, Rule, split_list};
use chanjiao_domain::reference::clusters;
use chanjiao_domain::{SchoolLevel, region};
use serde::Serialize;

use crate::web::{Lang, Localized};

/// A text of the form in both languages.
struct Both(&'static str, &'static str);

impl Localized for Both {
    fn zh(&self) -> &'static str {
        self.0
    }

    fn en(&self) -> &'static str {
        self.1
    }
}

/// One field as the template draws it.
#[derive(Debug, Serialize)]
pub struct FormField {
    pub name: &'static str,
    pub label: String,
    pub required: bool,
    /// text, textarea, lines, date, number, select, checkboxes, codes, region
    pub widget: &'static str,
    pub value: String,
    /// Chosen values of a checkbox group.
    pub chosen: Vec<String>,
    pub options: Vec<FormOption>,
    pub hint: String,
}

#[derive(Debug, Serialize)]
pub struct FormOption {
    pub value: String,
    pub label: String,
}

fn joined(items: &[String], separator: &str) -> String {
    items.join(separator)
}

fn number(value: &Option<NumberInput>) -> String {
    match value {
        Some(NumberInput::Integer(n)) => n.to_string(),
        Some(NumberInput::Decimal(d)) => d.to_string(),
        Some(NumberInput::Text(t)) => t.clone(),
        None => String::new(),
    }
}

/// The fields of `kind` in form order, filled from `input`.
pub fn fields(kind: PostingKind, input: &PostingInput, lang: Lang) -> Vec<FormField> {
    let spec = kind.spec();
    let mut fields = Vec::new();
    for (name, rule) in spec.rules() {
        if rule == Rule::Forbidden {
            continue;
        }
        let field = |label: &str, widget: &'static str, value: String, hint: &str| FormField {
            name,
            label: label.to_owned(),
            required: rule == Rule::Required,
            widget,
            value,
            chosen: Vec::new(),
            options: Vec::new(),
            hint: hint.to_owned(),
        };
        let list_hint = Both("多项用顿号或逗号分隔", "Separate items with commas").label(lang);
        let line_hint = Both("每行一项", "One item per line").label(lang);
        let f = match name {
            "title" => field(Both("标题", "Title").label(lang), "text", input.title.clone(), ""),
            "description" => {
                field(Both("详细说明", "Description").label(lang), "textarea", input.description.clone(), "")
            }
            "skills" => field(Both("技能要求", "Skills").label(lang), "text", joined(&input.skills, "、"), list_hint),
            "region" => {
                let mut f = field(Both("地区", "Region").label(lang), "region", input.region.clone(), "");
                f.hint = Both("区县或乡镇街道的行政区划代码", "Division code of a county or township")
                    .label(lang)
                    .to_owned();
                for county in region::children(region::SHAOXING) {
                    f.options.push(FormOption { value: county.code.clone(), label: county.name.clone() });
                    for town in region::children(&county.code) {
                        f.options.push(FormOption {
                            value: town.code.clone(),
                            label: format!("{} {}", county.name, town.name),
                        });
                    }
                }
                f
            }
            "starts_on" => field(
                Both("开始日期", "Starts on").label(lang),
                "date",
                input.starts_on.clone().unwrap_or_default(),
                "",
            ),
            "ends_on" => {
                field(Both("结束日期", "Ends on").label(lang), "date", input.ends_on.clone().unwrap_or_default(), "")
            }
            "quantity" => {
                field(Both(spec.quantity_zh, spec.quantity_en).label(lang), "number", number(&input.quantity), "")
            }
            "education_level" => {
                let mut f = field(
                    Both("学历层次", "Education level").label(lang),
                    "select",
                    input.education_level.clone().unwrap_or_default(),
                    "",
                );
                f.options = SchoolLevel::ALL
                    .iter()
                    .map(|l| FormOption { value: l.as_str().to_owned(), label: l.label(lang).to_owned() })
                    .collect();
                f
            }
            "program_codes" => {
                let hint = Both(
                    "国家专业目录代码，可按名称、代码或拼音首字母搜索",
                    "Catalogue codes; search by name, code or pinyin initials",
                )
                .label(lang);
                field(Both("专业", "Programs").label(lang), "codes", joined(&input.program_codes, "、"), hint)
            }
            "occupation_codes" => {
                let hint = Both("职业分类大典代码，如 6-18-01-01", "Occupation codes, e.g. 6-18-01-01").label(lang);
                field(Both("职业", "Occupations").label(lang), "codes", joined(&input.occupation_codes, "、"), hint)
            }
            "industry_clusters" => {
                let mut f = field(Both("产业集群", "Industry clusters").label(lang), "checkboxes", String::new(), "");
                f.options = clusters()
                    .iter()
                    .map(|c| FormOption { value: c.id.as_str().to_owned(), label: c.id.label(lang).to_owned() })
                    .collect();
                f.chosen = input.industry_clusters.clone();
                f
            }
            "certificates" => field(
                Both("证书（如 1+X）", "Certificates (e.g. 1+X)").label(lang),
                "text",
                joined(&input.certificates, "、"),
                list_hint,
            ),
            "amount_yuan" => {
                let meaning = spec.amount.map(|a| a.label(lang)).unwrap_or_default();
                field(meaning, "number", number(&input.amount_yuan), "")
            }
            "apprenticeship_type" => {
                let mut f = field(
                    Both("学徒制类型", "Apprenticeship type").label(lang),
                    "select",
                    input.apprenticeship_type.clone().unwrap_or_default(),
                    "",
                );
                f.options = ApprenticeshipType::ALL
                    .iter()
                    .map(|t| FormOption { value: t.as_str().to_owned(), label: t.label(lang).to_owned() })
                    .collect();
                f
            }
            "annual_enrolment" => {
                field(Both("年招生数", "Annual enrolment").label(lang), "number", number(&input.annual_enrolment), "")
            }
            "equipment" => {
                field(Both("主要设备", "Equipment").label(lang), "lines", joined(&input.equipment, "\n"), line_hint)
            }
            "open_periods" => field(
                Both("开放时段", "Open periods").label(lang),
                "lines",
                joined(&input.open_periods, "\n"),
                line_hint,
            ),
            _ => continue,
        };
        fields.push(f);
    }
    fields
}

/// A submitted form (as key–value pairs, so checkbox groups may repeat a key) as an input.
pub fn input_from_pairs(kind: PostingKind, pairs: &[(String, String)]) -> PostingInput {
    let one = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let optional = |name: &str| Some(one(name)).filter(|v| !v.trim().is_empty());
    let number = |name: &str| optional(name).map(NumberInput::Text);
    let list =
        |name: &str| pairs.iter().filter(|(k, _)| k == name).flat_map(|(_, v)| split_list(v)).collect::<Vec<_>>();
    // Equipment and open periods are one item per line, and an item may contain a comma.
    let lines =
        |name: &str| one(name).lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect::<Vec<_>>();
    PostingInput {
        kind: kind.as_str().to_owned(),
        title: one("title"),
        description: one("description"),
        skills: list("skills"),
        region: one("region"),
        starts_on: optional("starts_on"),
        ends_on: optional("ends_on"),
        quantity: number("quantity"),
        education_level: optional("education_level"),
        program_codes: list("program_codes"),
        occupation_codes: list("occupation_codes"),
        industry_clusters: list("industry_clusters"),
        certificates: list("certificates"),
        amount_yuan: number("amount_yuan"),
        apprenticeship_type: optional("apprenticeship_type"),
        annual_enrolment: number("annual_enrolment"),
        equipment: lines("equipment"),
        open_periods: lines("open_periods"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_fields_are_not_shown_and_required_ones_are_marked() {
        let shown = fields(PostingKind::Job, &PostingInput::default(), Lang::Zh);
        let names: Vec<&str> = shown.iter().map(|f| f.name).collect();
        assert!(names.contains(&"title") && names.contains(&"quantity"));
        assert!(!names.contains(&"equipment"), "a job has no equipment");
        assert!(shown.iter().find(|f| f.name == "title").unwrap().required);
    }

    #[test]
    fn repeated_and_comma_separated_values_become_lists() {
        let pairs: Vec<(String, String)> = [
            ("title", "数控车工"),
            ("skills", "数控编程、CNC, PLC"),
            ("industry_clusters", "hq_equipment"),
            ("industry_clusters", "metalwork"),
            ("equipment", "五轴加工中心, 4台\n数控车床"),
            ("quantity", " "),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let input = input_from_pairs(PostingKind::Job, &pairs);
        assert_eq!(input.skills, ["数控编程", "CNC", "PLC"]);
        assert_eq!(input.industry_clusters, ["hq_equipment", "metalwork"]);
        assert_eq!(input.equipment, ["五轴加工中心, 4台", "数控车床"]);
        assert_eq!(input.quantity, None);
    }
}
