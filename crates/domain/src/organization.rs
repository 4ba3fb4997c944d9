//! Organizations: enterprises, schools, intermediaries and authorities, and their identities.
//!
//! Enterprises are identified by the unified social credit code (统一社会信用代码, GB 32100-2015),
//! whose 18th character is a check character over the first 17; schools by their level.

use crate::error::Text;
use serde::Serialize;

use crate::error::{Invalid, Invalids};
use crate::region::RegionCode;
use crate::text;

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident, $format:expr, { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable identifier used in the API, the database and URLs.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::error::Invalid;
            fn from_str(raw: &str) -> Result<Self, $crate::error::Invalid> {
                match raw.trim() {
                    "" => Err($crate::error::Invalid::Required),
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::error::Invalid::Format($format)),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #[cfg(feature = "clap")]
        impl ::clap::ValueEnum for $name {
            fn value_variants<'a>() -> &'a [Self] {
                $name::ALL
            }

            fn to_possible_value(&self) -> Option<::clap::builder::PossibleValue> {
                Some(::clap::builder::PossibleValue::new(self.as_str()))
            }
        }

        $crate::stored::stored_as_str!($name);
    };
}
pub(crate) use string_enum;

string_enum!(
    /// What an organization is, which decides what it may post and see.
    OrgKind, Text::new("one of enterprise, school, intermediary, authority", "enterprise、school、intermediary、authority 之一"), {
        Enterprise => "enterprise",
        School => "school",
        Intermediary => "intermediary",
        Authority => "authority",
    }
);

impl OrgKind {
    pub fn zh(self) -> &'static str {
        match self {
            OrgKind::Enterprise => "企业",
            OrgKind::School => "学校",
            OrgKind::Intermediary => "产教融合服务组织",
            OrgKind::Authority => "主管部门",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            OrgKind::Enterprise => "Enterprise",
            OrgKind::School => "School",
            OrgKind::Intermediary => "Intermediary",
            OrgKind::Authority => "Authority",
        }
    }
}

string_enum!(
    /// A school's level of education. The identifiers follow the national crosswalk's levels.
    SchoolLevel, Text::new("one of zhongzhi, gaozhi_zhuanke, gaozhi_benke, putong_benke", "zhongzhi、gaozhi_zhuanke、gaozhi_benke、putong_benke 之一"), {
        Zhongzhi => "zhongzhi",
        GaozhiZhuanke => "gaozhi_zhuanke",
        GaozhiBenke => "gaozhi_benke",
        PutongBenke => "putong_benke",
    }
);

impl SchoolLevel {
    pub fn zh(self) -> &'static str {
        match self {
            SchoolLevel::Zhongzhi => "中职",
            SchoolLevel::GaozhiZhuanke => "高职专科",
            SchoolLevel::GaozhiBenke => "职教本科",
            SchoolLevel::PutongBenke => "普通本科",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            SchoolLevel::Zhongzhi => "Secondary vocational",
            SchoolLevel::GaozhiZhuanke => "Higher vocational (associate)",
            SchoolLevel::GaozhiBenke => "Vocational bachelor",
            SchoolLevel::PutongBenke => "Applied university (bachelor)",
        }
    }
}

string_enum!(
    /// Whether a platform administrator has checked the organization is who it says it is.
    Verification, Text::new("one of pending, verified, rejected", "pending、verified、rejected 之一"), {
        Pending => "pending",
        Verified => "verified",
        Rejected => "rejected",
    }
);

/// An organization's display name: 2 to 100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct OrgName(String);

impl OrgName {
    pub const MAX: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        text::clean(raw, 2, Self::MAX, false).map(OrgName)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The characters of a credit code, in the order whose index is the character's value.
const CREDIT_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// A unified social credit code whose check character is right (GB 32100-2015).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct CreditCode(String);

impl CreditCode {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let code = raw.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(Invalid::Required);
        }
        const FORMAT: Invalid = Invalid::Format(Text::new(
            "18 characters from 0-9 and A-Y without I, O, S, V, Z",
            "18 位，由数字和除 I、O、S、V、Z 以外的大写字母组成",
        ));
        let values: Vec<u32> =
            code.chars().map(|c| CREDIT_ALPHABET.find(c).map(|i| i as u32)).collect::<Option<_>>().ok_or(FORMAT)?;
        if values.len() != 18 {
            return Err(FORMAT);
        }
        let expected = Self::complete(&code[..17]).map(|c| c.0.as_bytes()[17] as char).ok_or(FORMAT)?;
        let found = code.as_bytes()[17] as char;
        if expected != found {
            return Err(Invalid::CheckCharacter { expected, found });
        }
        Ok(CreditCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Completes 17 leading characters with their check character, e.g. to generate codes for
    /// demonstration data. `None` if a character is outside the code's alphabet or the length
    /// is not 17.
    pub fn complete(first17: &str) -> Option<CreditCode> {
        let values: Vec<u32> =
            first17.chars().map(|c| CREDIT_ALPHABET.find(c).map(|i| i as u32)).collect::<Option<_>>()?;
        if values.len() != 17 {
            return None;
        }
        let sum: u32 = values.iter().zip(CREDIT_WEIGHTS).map(|(v, w)| v * w).sum();
        let check = CREDIT_ALPHABET.as_bytes()[((31 - sum % 31) % 31) as usize] as char;
        Some(CreditCode(format!("{first17}{check}")))
    }
}

/// The identity that depends on the kind: only enterprises have a credit code, only schools a
/// level. Making the variants carry the data means an enterprise without a code cannot exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KindIdentity {
    Enterprise { credit_code: CreditCode },
    School { level: SchoolLevel },
    Intermediary,
    Authority,
}

impl KindIdentity {
    pub fn kind(&self) -> OrgKind {
        match self {
            KindIdentity::Enterprise { .. } => OrgKind::Enterprise,
            KindIdentity::School { .. } => OrgKind::School,
            KindIdentity::Intermediary => OrgKind::Intermediary,
            KindIdentity::Authority => OrgKind::Authority,
        }
    }

    pub fn credit_code(&self) -> Option<&CreditCode> {
        match self {
            KindIdentity::Enterprise { credit_code } => Some(credit_code),
            _ => None,
        }
    }

    pub fn level(&self) -> Option<SchoolLevel> {
        match self {
            KindIdentity::School { level } => Some(*level),
            _ => None,
        }
    }
}

/// A valid organization, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrganization {
    pub name: OrgName,
    pub region: RegionCode,
    pub identity: KindIdentity,
}

/// The organization part of a registration form, as typed.
#[derive(Debug, Clone, Default)]
pub struct OrganizationInput<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub region: &'a str,
    pub credit_code: Option<&'a str>,
    pub level: Option<&'a str>,
}

impl NewOrganization {
    /// Parses every field and reports all problems at once.
    pub fn parse(input: &OrganizationInput<'_>) -> Result<Self, Invalids> {
        let mut errors = Invalids::default();
        let kind = errors.take("kind", input.kind.parse::<OrgKind>());
        let name = errors.take("name", OrgName::parse(input.name));
        let region = errors.take("region", RegionCode::parse(input.region));
        let given = |v: Option<&str>| v.map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        let credit = given(input.credit_code);
        let level = given(input.level);
        let identity = match kind {
            Some(OrgKind::Enterprise) => errors
                .take("credit_code", CreditCode::parse(credit.as_deref().unwrap_or("")))
                .map(|credit_code| KindIdentity::Enterprise { credit_code }),
            Some(OrgKind::School) => errors
                .take("level", level.as_deref().unwrap_or("").parse::<SchoolLevel>())
                .map(|level| KindIdentity::School { level }),
            Some(other) => {
                if credit.is_some() {
                    errors.push(
                        "credit_code",
                        Invalid::NotAllowed(Text::new(
                            "only enterprises have a credit code",
                            "只有企业填写统一社会信用代码",
                        )),
                    );
                }
                if level.is_some() {
                    errors.push(
                        "level",
                        Invalid::NotAllowed(Text::new("only schools have a level", "只有学校填写办学层次")),
                    );
                }
                Some(if other == OrgKind::Intermediary { KindIdentity::Intermediary } else { KindIdentity::Authority })
            }
            None => None,
        };
        if kind == Some(OrgKind::Enterprise) && level.is_some() {
            errors.push("level", Invalid::NotAllowed(Text::new("only schools have a level", "只有学校填写办学层次")));
        }
        if kind == Some(OrgKind::School) && credit.is_some() {
            errors.push(
                "credit_code",
                Invalid::NotAllowed(Text::new("only enterprises have a credit code", "只有企业填写统一社会信用代码")),
            );
        }
        match (name, region, identity) {
            (Some(name), Some(region), Some(identity)) if errors.is_empty() => {
                Ok(NewOrganization { name, region, identity })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_well_formed_credit_codes() {
        for code in ["91330602MA2D3X7Q1D", "91110108551385082Q", "91330000142916567n"] {
            assert!(CreditCode::parse(code).is_ok(), "{code}");
        }
    }

    #[test]
    fn completes_codes_with_their_check_character() {
        assert_eq!(CreditCode::complete("91330602MA2D3X7Q1").unwrap().as_str(), "91330602MA2D3X7Q1D");
        assert!(CreditCode::complete("91330602MA2D3X7Q").is_none());
        assert!(CreditCode::complete("91330602MA2D3X7QI").is_none());
    }

    #[test]
    fn names_the_expected_check_character() {
        assert_eq!(CreditCode::parse("91330600MA2BAD0000"), Err(Invalid::CheckCharacter { expected: 'A', found: '0' }));
    }

    #[test]
    fn rejects_wrong_length_and_forbidden_letters() {
        assert!(matches!(CreditCode::parse("91330602MA2D3X7Q1"), Err(Invalid::Format(_))));
        assert!(matches!(CreditCode::parse("91330602MA2D3X7QIO"), Err(Invalid::Format(_))));
    }

    proptest! {
        #[test]
        fn any_single_character_change_is_caught(pos in 0usize..18, replacement in 0usize..31) {
            let good = "91330602MA2D3X7Q1D";
            let new_char = CREDIT_ALPHABET.as_bytes()[replacement] as char;
            prop_assume!(good.as_bytes()[pos] as char != new_char);
            let mut bad: Vec<char> = good.chars().collect();
            bad[pos] = new_char;
            let bad: String = bad.into_iter().collect();
            prop_assert!(CreditCode::parse(&bad).is_err());
        }
    }

    fn input<'a>(kind: &'a str, credit: Option<&'a str>, level: Option<&'a str>) -> OrganizationInput<'a> {
        OrganizationInput { kind, name: "绍兴精工机械有限公司", region: "330603", credit_code: credit, level }
    }

    #[test]
    fn enterprise_needs_a_credit_code_and_school_a_level() {
        let err = NewOrganization::parse(&input("enterprise", None, None)).unwrap_err();
        assert_eq!(err.0[0].field, "credit_code");
        let err = NewOrganization::parse(&input("school", None, None)).unwrap_err();
        assert_eq!(err.0[0].field, "level");
        let school = NewOrganization::parse(&input("school", None, Some("gaozhi_zhuanke"))).unwrap();
        assert_eq!(school.identity.level(), Some(SchoolLevel::GaozhiZhuanke));
    }

    #[test]
    fn reports_every_bad_field_at_once() {
        let raw = OrganizationInput {
            kind: "enterprise",
            name: &"长".repeat(101),
            region: "999999",
            credit_code: Some("91330600MA2BAD0000"),
            level: None,
        };
        let fields: Vec<String> = NewOrganization::parse(&raw).unwrap_err().0.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "region", "credit_code"]);
    }

    #[test]
    fn intermediaries_carry_neither_code_nor_level() {
        let err = NewOrganization::parse(&input("intermediary", Some("91330602MA2D3X7Q1D"), None)).unwrap_err();
        assert_eq!(err.0[0].field, "credit_code");
        assert!(NewOrganization::parse(&input("authority", None, None)).is_ok());
    }
}
