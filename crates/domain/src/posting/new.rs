//! A new or edited posting: the raw input as a JSON body, a form or a spreadsheet row sends it,
//! and its parsing into a [`NewPosting`] whose every field is valid and fits its kind.
//!
//! Parsing reports every problem at once, each against the field an API client sent (`title`,
//! `program_codes[2]`), so a form or an import report can point at it. Fields are checked for
//! form even when the kind is missing or unknown, so one round trip shows all mistakes.

use crate::error::Text;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Side;
use super::fields::{
    Description, Enrolment, NumberInput, Quantity, TimeWindow, Title, Yuan, parse_date, parse_list, text_list,
};
use super::kinds::{ApprenticeshipType, KindSpec, PostingKind, Rule, check_side};
use crate::error::{Invalid, Invalids};
use crate::organization::SchoolLevel;
use crate::reference::{ClusterId, OccupationCode, ProgramCode};
use crate::region::RegionCode;

/// Bounds of the list fields: (most items, most characters per item).
pub const SKILLS: (usize, usize) = (30, 30);
pub const CODES: usize = 10;
pub const CERTIFICATES: (usize, usize) = (20, 50);
pub const EQUIPMENT: (usize, usize) = (50, 60);
pub const OPEN_PERIODS: (usize, usize) = (12, 60);

/// A posting as typed. Every field may be missing; [`NewPosting::parse`] says what is wrong.
/// Deserializes from the API's JSON (numbers may be numbers or text) and is what spreadsheet
/// rows are read into.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PostingInput {
    /// Required on creation; which kind decides which other fields are required, allowed or
    /// forbidden (see `KindSpec`).
    #[cfg_attr(feature = "openapi", schema(value_type = PostingKind))]
    pub kind: String,
    /// Required on creation.
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 80))]
    pub title: String,
    /// Line breaks allowed; markup is text.
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    pub description: String,
    #[cfg_attr(feature = "openapi", schema(max_items = 30))]
    pub skills: Vec<String>,
    /// Required on creation: a Zhejiang GB/T 2260 division code.
    #[cfg_attr(feature = "openapi", schema(example = "330603"))]
    pub region: String,
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub starts_on: Option<String>,
    /// Not before `starts_on`.
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub ends_on: Option<String>,
    /// 1–100,000; headcount, seats, capacity or graduates, by kind.
    pub quantity: Option<NumberInput>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<SchoolLevel>))]
    pub education_level: Option<String>,
    /// 2021 national catalogue codes; a program offering has exactly one.
    pub program_codes: Vec<String>,
    /// 2022 occupational classification codes.
    pub occupation_codes: Vec<String>,
    /// Industry cluster ids (or Chinese names).
    pub industry_clusters: Vec<String>,
    /// Certificates asked for or awarded, by name.
    pub certificates: Vec<String>,
    /// Pay, stipend, fee or budget in yuan, by kind.
    pub amount_yuan: Option<NumberInput>,
    /// 现代学徒制 or 企业新型学徒制.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<ApprenticeshipType>))]
    pub apprenticeship_type: Option<String>,
    /// Program offerings: students a year.
    pub annual_enrolment: Option<NumberInput>,
    pub equipment: Vec<String>,
    pub open_periods: Vec<String>,
}

/// A valid posting of one kind, ready to be stored. Fields the kind does not take are empty;
/// fields it requires are present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPosting {
    pub kind: PostingKind,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub title: Title,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub description: Description,
    pub skills: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub region: RegionCode,
    #[serde(flatten)]
    pub window: TimeWindow,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>, required = true))]
    pub quantity: Option<Quantity>,
    /// The education a posting asks for or offers. For a program offering it is always the
    /// program's own level.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub education_level: Option<SchoolLevel>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub program_codes: Vec<ProgramCode>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub occupation_codes: Vec<OccupationCode>,
    /// Industry cluster ids.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub industry_clusters: Vec<ClusterId>,
    /// Certificates asked for or awarded, such as 1+X certificates, by name.
    pub certificates: Vec<String>,
    /// Money, meaning what the kind's [`KindSpec::amount`] says (monthly pay, fee, budget …).
    #[serde(rename = "amount_yuan")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>, required = true))]
    pub amount: Option<Yuan>,
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub apprenticeship_type: Option<ApprenticeshipType>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u32>, required = true))]
    pub annual_enrolment: Option<Enrolment>,
    pub equipment: Vec<String>,
    pub open_periods: Vec<String>,
}

impl NewPosting {
    /// Parses every field and reports all problems at once.
    pub fn parse(input: &PostingInput) -> Result<Self, Invalids> {
        parse(input, None)
    }

    /// Like [`NewPosting::parse`], and also rejects (on `kind`) a kind the poster's side does not
    /// post, so a school cannot post a job.
    pub fn parse_for_side(input: &PostingInput, side: Side) -> Result<Self, Invalids> {
        parse(input, Some(side))
    }

    pub fn side(&self) -> Side {
        self.kind.side()
    }

    /// The input this posting parses from, for editing, exporting and re-importing it:
    /// `NewPosting::parse(&posting.to_input())` gives the posting back.
    pub fn to_input(&self) -> PostingInput {
        let strings = |items: &[String]| items.to_vec();
        let date = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        PostingInput {
            kind: self.kind.as_str().to_owned(),
            title: self.title.as_str().to_owned(),
            description: self.description.as_str().to_owned(),
            skills: strings(&self.skills),
            region: self.region.as_str().to_owned(),
            starts_on: date(self.window.starts_on()),
            ends_on: date(self.window.ends_on()),
            quantity: self.quantity.map(|q| NumberInput::Integer(q.get().into())),
            education_level: self.education_level.map(|l| l.as_str().to_owned()),
            program_codes: self.program_codes.iter().map(|c| c.as_str().to_owned()).collect(),
            occupation_codes: self.occupation_codes.iter().map(|c| c.as_str().to_owned()).collect(),
            industry_clusters: self.industry_clusters.iter().map(|c| c.as_str().to_owned()).collect(),
            certificates: strings(&self.certificates),
            amount_yuan: self.amount.map(|a| NumberInput::Text(a.to_string())),
            apprenticeship_type: self.apprenticeship_type.map(|t| t.as_str().to_owned()),
            annual_enrolment: self.annual_enrolment.map(|e| NumberInput::Integer(e.get().into())),
            equipment: strings(&self.equipment),
            open_periods: strings(&self.open_periods),
        }
    }
}

/// Applies a kind's rules to the fields: collects errors, and says which fields to parse.
struct Checker {
    errors: Invalids,
    spec: Option<&'static KindSpec>,
}

impl Checker {
    /// Whether `field`, `present` or not, should be parsed; records a missing required field or a
    /// field the kind does not take. Without a known kind every field counts as optional.
    fn wants(&mut self, field: &str, rule: fn(&KindSpec) -> Rule, present: bool) -> bool {
        match (self.spec.map_or(Rule::Optional, rule), present) {
            (Rule::Forbidden, true) => {
                self.errors.push(
                    field,
                    Invalid::NotAllowed(Text::new("not used by this kind of posting", "此类发布不使用该项")),
                );
                false
            }
            (Rule::Required, false) => {
                self.errors.push(field, Invalid::Required);
                false
            }
            (_, present) => present,
        }
    }

    fn optional<T>(
        &mut self,
        field: &str,
        rule: fn(&KindSpec) -> Rule,
        raw: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, Invalid>,
    ) -> Option<T> {
        let raw = raw.map(str::trim).filter(|r| !r.is_empty());
        if self.wants(field, rule, raw.is_some()) { raw.and_then(|r| self.errors.take(field, parse(r))) } else { None }
    }

    fn number<T>(
        &mut self,
        field: &str,
        rule: fn(&KindSpec) -> Rule,
        raw: &Option<NumberInput>,
        parse: impl FnOnce(&NumberInput) -> Result<T, Invalid>,
    ) -> Option<T> {
        let raw = raw.as_ref().filter(|r| !r.is_blank());
        if self.wants(field, rule, raw.is_some()) { raw.and_then(|r| self.errors.take(field, parse(r))) } else { None }
    }

    fn list<T: PartialEq>(
        &mut self,
        field: &str,
        rule: fn(&KindSpec) -> Rule,
        raw: &[String],
        max_items: usize,
        parse: impl Fn(&str) -> Result<T, Invalid>,
    ) -> Vec<T> {
        let present = raw.iter().any(|item| !item.trim().is_empty());
        if self.wants(field, rule, present) {
            parse_list(&mut self.errors, field, raw, max_items, parse)
        } else {
            Vec::new()
        }
    }
}

fn parse(input: &PostingInput, side: Option<Side>) -> Result<NewPosting, Invalids> {
    let mut errors = Invalids::default();
    let kind = errors.take("kind", input.kind.parse::<PostingKind>());
    if let (Some(kind), Some(side)) = (kind, side) {
        errors.take("kind", check_side(kind, side));
    }
    let title = errors.take("title", Title::parse(&input.title));
    let description = errors.take("description", Description::parse(&input.description));
    let skills = text_list(&mut errors, "skills", &input.skills, SKILLS.0, SKILLS.1);
    let region = errors.take("region", RegionCode::parse(&input.region));

    let mut check = Checker { errors, spec: kind.map(PostingKind::spec) };
    let always = |_: &KindSpec| Rule::Optional;
    let starts_on = check.optional("starts_on", always, input.starts_on.as_deref(), parse_date);
    let ends_on = check.optional("ends_on", always, input.ends_on.as_deref(), parse_date);
    let window = check.errors.take("ends_on", TimeWindow::new(starts_on, ends_on));

    let quantity = check.number("quantity", |s| s.quantity, &input.quantity, Quantity::parse);
    let mut education_level = check.optional(
        "education_level",
        |s| s.education_level,
        input.education_level.as_deref(),
        str::parse::<SchoolLevel>,
    );
    let max_programs = if kind == Some(PostingKind::ProgramOffering) { 1 } else { CODES };
    let program_codes =
        check.list("program_codes", |s| s.program_codes, &input.program_codes, max_programs, ProgramCode::parse);
    let occupation_codes =
        check.list("occupation_codes", |s| s.occupation_codes, &input.occupation_codes, CODES, OccupationCode::parse);
    let industry_clusters = check.list(
        "industry_clusters",
        |s| s.industry_clusters,
        &input.industry_clusters,
        usize::MAX,
        ClusterId::parse,
    );
    let certificates = check.list(
        "certificates",
        |s| s.certificates,
        &input.certificates,
        CERTIFICATES.0,
        |c| crate::text::clean(c, 1, CERTIFICATES.1, false),
    );
    let amount_rule = |s: &KindSpec| if s.amount.is_some() { Rule::Optional } else { Rule::Forbidden };
    let max_yuan = check.spec.and_then(|s| s.amount).map_or(i64::MAX / 100, |m| m.max_yuan());
    let amount = check.number("amount_yuan", amount_rule, &input.amount_yuan, |raw| Yuan::parse(raw, max_yuan));
    let apprenticeship_type = check.optional(
        "apprenticeship_type",
        |s| s.apprenticeship_type,
        input.apprenticeship_type.as_deref(),
        str::parse::<ApprenticeshipType>,
    );
    let annual_enrolment =
        check.number("annual_enrolment", |s| s.annual_enrolment, &input.annual_enrolment, Enrolment::parse);
    let equipment = check.list(
        "equipment",
        |s| s.equipment,
        &input.equipment,
        EQUIPMENT.0,
        |e| crate::text::clean(e, 1, EQUIPMENT.1, false),
    );
    let open_periods = check.list(
        "open_periods",
        |s| s.open_periods,
        &input.open_periods,
        OPEN_PERIODS.0,
        |p| crate::text::clean(p, 1, OPEN_PERIODS.1, false),
    );

    // A program offering is one program of one level: the level is the program's, so it need not
    // be typed, and a different one is a mistake.
    if kind == Some(PostingKind::ProgramOffering)
        && let [program] = program_codes.as_slice()
    {
        match education_level {
            Some(level) if level != program.level() => {
                check.errors.push(
                    "education_level",
                    Invalid::NotAllowed(Text::new("a level other than the program's own", "与所选专业的层次不一致")),
                );
            }
            _ => education_level = Some(program.level()),
        }
    }

    let errors = check.errors;
    match (kind, title, description, region, window) {
        (Some(kind), Some(title), Some(description), Some(region), Some(window)) if errors.is_empty() => {
            Ok(NewPosting {
                kind,
                title,
                description,
                skills,
                region,
                window,
                quantity,
                education_level,
                program_codes,
                occupation_codes,
                industry_clusters,
                certificates,
                amount,
                apprenticeship_type,
                annual_enrolment,
                equipment,
                open_periods,
            })
        }
        _ => Err(errors),
    }
}
