//! End-to-end tests of booking (docs/booking.md): the API, the pages and, where there are any, the browser.

pub(crate) mod api;
pub(crate) mod pages;
