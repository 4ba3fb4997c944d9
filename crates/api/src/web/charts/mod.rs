//! Server-rendered SVG charts for the statistics pages: no script, no CDN. The services hand
//! the pages numbers; the pages draw them here, each chart with a `<title>` and `<desc>` for
//! screen readers and the same numbers in a table beside it.

pub mod gaps;
pub mod lines;
