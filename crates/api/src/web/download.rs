//! File downloads as both the API and the pages serve them: the spreadsheet format a request
//! asks for, and the headers that make a browser save the bytes under a Chinese file name.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use chanjiao_domain::Text;

use crate::error::ApiError;
use crate::sheets::SheetFormat;

/// What every download link on a page is wrapped in (the `downloads` macro of
/// `web/templates/_macros.html`): a page holding it varies with the browser (WeChat gets a hint).
pub const MARK: &str = "class=\"downloads\"";

/// The `format` parameter of a download (xlsx unless it says csv).
pub fn parse_format(raw: Option<&str>) -> Result<SheetFormat, ApiError> {
    match raw.unwrap_or("xlsx") {
        "xlsx" => Ok(SheetFormat::Xlsx),
        "csv" => Ok(SheetFormat::Csv),
        _ => Err(ApiError::invalid(
            "format",
            chanjiao_domain::Invalid::Format(Text::new("one of xlsx, csv", "xlsx、csv 之一")),
        )),
    }
}

/// A file download with a Chinese file name that every browser understands: an ASCII
/// `filename` for old clients and the real name in `filename*` (RFC 6266).
pub fn attachment(format: SheetFormat, stem: &str, bytes: Vec<u8>) -> Response {
    let name = format!("{stem}.{}", format.extension());
    let disposition = format!(
        "attachment; filename=\"chanjiao.{}\"; filename*=UTF-8''{}",
        format.extension(),
        super::url_encode(&name)
    );
    ([(header::CONTENT_TYPE, format.content_type().to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response()
}
