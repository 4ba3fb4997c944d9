//! A booking request as a school or an enterprise sends it: how many people come, what for, and
//! optionally whom the base should contact.

use serde::{Deserialize, Serialize};

use crate::error::{Invalid, Invalids};
use crate::posting::{NumberInput, whole_number};
use crate::text;

use super::Capacity;

/// How many people a booking brings: at least 1, at most what any slot can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Headcount(u32);

impl Headcount {
    pub fn parse(raw: &NumberInput) -> Result<Self, Invalid> {
        whole_number(raw, 1, Capacity::MAX.into()).map(|n| Headcount(n as u32))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// What the visit is for (课程实训、岗前培训…): 2 to 500 characters, line breaks allowed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Purpose(String);

impl Purpose {
    pub const MAX: usize = 500;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        text::clean(raw, 2, Self::MAX, true).map(Purpose)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A contact person or telephone number for the base: one line of up to 100 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Contact(String);

impl Contact {
    pub const MAX: usize = 100;

    /// Blank means no contact given.
    pub fn parse(raw: &str) -> Result<Option<Self>, Invalid> {
        let text = text::clean(raw, 0, Self::MAX, false)?;
        Ok((!text.is_empty()).then_some(Contact(text)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A booking request as sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingInput {
    /// People, 1–1000.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub headcount: Option<NumberInput>,
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 500, required = true))]
    pub purpose: String,
    pub contact: String,
}

/// A parsed booking request; whether the slot can take it is for [`super::rules`] and the
/// database to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBooking {
    pub headcount: Headcount,
    pub purpose: Purpose,
    pub contact: Option<Contact>,
}

impl NewBooking {
    pub fn parse(input: &BookingInput) -> Result<NewBooking, Invalids> {
        let mut errors = Invalids::default();
        let headcount = match &input.headcount {
            Some(raw) if !raw.is_blank() => errors.take("headcount", Headcount::parse(raw)),
            _ => errors.take("headcount", Err(Invalid::Required)),
        };
        let purpose = errors.take("purpose", Purpose::parse(&input.purpose));
        let contact = errors.take("contact", Contact::parse(&input.contact));
        errors.finish(|| ())?;
        match (headcount, purpose, contact) {
            (Some(headcount), Some(purpose), Some(contact)) => Ok(NewBooking { headcount, purpose, contact }),
            _ => unreachable!("every field parsed when no error was recorded"),
        }
    }
}
