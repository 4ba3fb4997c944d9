//! A designation (认定) as an authority records it: what was designated, whom, where, when, by
//! which body, and the evidence (a document number, an https link, or both — never neither).
//! Revoking keeps the record with a reason; only the counting stops.

use crate::error::Text;
use serde::Deserialize;

use super::targets::DesignationType;
use crate::error::{Invalid, Invalids};
use crate::region::{self, RegionCode};
use crate::text;

/// A designation as submitted by a form or a JSON body.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DesignationInput {
    #[cfg_attr(feature = "openapi", schema(value_type = DesignationType))]
    pub designation_type: String,
    /// An organization on the platform, or
    pub organization_id: Option<i64>,
    /// the name of what was designated when it is no organization here (an alliance, a park).
    pub organization_name: String,
    /// A county of the city; may be left out when the organization's region says it.
    pub district: String,
    pub year: Option<crate::posting::NumberInput>,
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 100))]
    pub issuing_body: String,
    /// Evidence: the document number, the evidence URL (https), or both.
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub document_number: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 500, pattern = "^https://"))]
    pub evidence_url: String,
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub note: String,
}

/// Who was designated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Designee {
    Organization(i64),
    Named(String),
}

/// A parsed designation. The district is `None` when it is to be taken from the organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDesignation {
    pub designation_type: DesignationType,
    pub designee: Designee,
    pub district: Option<RegionCode>,
    pub year: i32,
    pub issuing_body: String,
    pub document_number: Option<String>,
    pub evidence_url: Option<String>,
    pub note: Option<String>,
}

impl NewDesignation {
    /// `city` is the division whose counties are districts (330600); the year runs from 2000 to
    /// `current_year`. Every problem is reported against its field; missing evidence against
    /// `evidence`.
    pub fn parse(input: &DesignationInput, city: &str, current_year: i32) -> Result<NewDesignation, Invalids> {
        let mut errors = Invalids::default();
        let designation_type = errors.take("designation_type", input.designation_type.parse::<DesignationType>());
        let designee = match (input.organization_id, input.organization_name.trim()) {
            (Some(id), _) => Some(Designee::Organization(id)),
            (None, "") => {
                errors.push("organization_name", Invalid::Required);
                None
            }
            (None, name) => errors.take("organization_name", text::clean(name, 2, 100, false)).map(Designee::Named),
        };
        let district = match input.district.trim() {
            "" if matches!(designee, Some(Designee::Named(_))) => {
                errors.push("district", Invalid::Required);
                None
            }
            "" => None,
            raw => errors.take("district", parse_district(raw, city)),
        };
        let year = match &input.year {
            None => Err(Invalid::Required),
            Some(raw) => crate::posting::whole_number(raw, 2000, i64::from(current_year)),
        };
        let year = errors.take("year", year);
        let issuing_body = errors.take("issuing_body", text::clean(&input.issuing_body, 2, 100, false));
        let optional = |raw: &str, max: usize| -> Result<Option<String>, Invalid> {
            match raw.trim() {
                "" => Ok(None),
                raw => text::clean(raw, 1, max, false).map(Some),
            }
        };
        let document_number = errors.take("document_number", optional(&input.document_number, 100));
        let evidence_url = errors.take(
            "evidence_url",
            optional(&input.evidence_url, 500).and_then(|url| match url {
                Some(url) if !url.starts_with("https://") || url.len() <= "https://".len() => {
                    Err(Invalid::Format(Text::new("a link starting with https://", "以 https:// 开头的链接")))
                }
                url => Ok(url),
            }),
        );
        if let (Some(None), Some(None)) = (&document_number, &evidence_url) {
            errors.push("evidence", Invalid::Required);
        }
        let note = match input.note.trim() {
            "" => Some(None),
            raw => errors.take("note", text::clean(raw, 1, 1000, true)).map(Some),
        };
        errors.finish(|| NewDesignation {
            designation_type: designation_type.expect("checked"),
            designee: designee.expect("checked"),
            district: district.flatten(),
            year: year.expect("checked") as i32,
            issuing_body: issuing_body.expect("checked"),
            document_number: document_number.flatten(),
            evidence_url: evidence_url.flatten(),
            note: note.flatten(),
        })
    }
}

/// A county (district or county-level city) of `city`, or of one of its townships' county: a
/// nine-digit township code is accepted and its county kept.
pub fn parse_district(raw: &str, city: &str) -> Result<Option<RegionCode>, Invalid> {
    let code = RegionCode::parse(raw)?;
    let county = code.ancestry().into_iter().find(|r| r.parent.as_deref() == Some(city));
    match county {
        Some(county) => RegionCode::parse(&county.code).map(Some),
        None => Err(Invalid::NotAllowed(Text::new("a district or county of the city", "本市的区、县（市）"))),
    }
}

/// The county of `city` a stored region code lies in, if any (an organization's region may be
/// the city itself, which is no district).
pub fn district_of(region_code: &str, city: &str) -> Option<RegionCode> {
    parse_district(region_code, city).ok().flatten()
}

/// The counties of `city`, in list order.
pub fn districts(city: &str) -> Vec<&'static region::Region> {
    region::children(city)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::posting::NumberInput;

    fn input() -> DesignationInput {
        DesignationInput {
            designation_type: "pilot_enterprise".into(),
            organization_name: "绍兴纺织产教融合联盟".into(),
            district: "330603".into(),
            year: Some(NumberInput::Integer(2022)),
            issuing_body: "浙江省发展和改革委员会".into(),
            document_number: "浙发改社会〔2022〕88号".into(),
            ..Default::default()
        }
    }

    fn fields(input: &DesignationInput) -> Vec<String> {
        NewDesignation::parse(input, "330600", 2026).unwrap_err().0.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_named_designation_with_a_document_number_parses() {
        let parsed = NewDesignation::parse(&input(), "330600", 2026).unwrap();
        assert_eq!(parsed.designation_type, DesignationType::PilotEnterprise);
        assert_eq!(parsed.designee, Designee::Named("绍兴纺织产教融合联盟".into()));
        assert_eq!(parsed.district.unwrap().as_str(), "330603");
        assert_eq!((parsed.year, parsed.evidence_url), (2022, None));
    }

    #[test]
    fn evidence_is_required_and_links_must_be_https() {
        let mut bare = input();
        bare.document_number.clear();
        assert_eq!(fields(&bare), ["evidence"]);
        bare.evidence_url = "http://example.org/notice".into();
        assert_eq!(fields(&bare), ["evidence_url"]);
        bare.evidence_url = "https://fzggw.zj.gov.cn/notice/2022/88.html".into();
        assert!(NewDesignation::parse(&bare, "330600", 2026).is_ok());
    }

    #[test]
    fn unknown_types_outside_districts_and_future_years_name_their_fields() {
        let mut bad = input();
        bad.designation_type = "steel_mill".into();
        bad.district = "330100".into();
        bad.year = Some(NumberInput::Integer(2027));
        bad.issuing_body.clear();
        assert_eq!(fields(&bad), ["designation_type", "district", "year", "issuing_body"]);
        let mut city_itself = input();
        city_itself.district = "330600".into();
        assert_eq!(fields(&city_itself), ["district"]);
    }

    #[test]
    fn an_organization_may_leave_the_district_to_its_region_and_a_township_means_its_county() {
        let mut org = input();
        org.organization_id = Some(7);
        org.district.clear();
        let parsed = NewDesignation::parse(&org, "330600", 2026).unwrap();
        assert_eq!((parsed.designee, parsed.district), (Designee::Organization(7), None));
        let mut named = input();
        named.district.clear();
        assert_eq!(fields(&named), ["district"]);
        assert_eq!(district_of("330603001", "330600").unwrap().as_str(), "330603");
        assert_eq!(district_of("330600", "330600"), None);
    }
}
