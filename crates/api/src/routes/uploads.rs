//! Reading a spreadsheet upload from a multipart form, shared by the API and the import page.

use axum::extract::Multipart;
use axum::http::StatusCode;

use crate::error::ApiError;
use crate::services::imports::Upload;

pub use crate::limits::MAX_UPLOAD_BYTES;

/// The `file` part (and an optional `progress` token the server issued) of a multipart body.
pub async fn read_upload(mut multipart: Multipart) -> Result<Upload, ApiError> {
    let too_large = |status: StatusCode| {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge { max_mib: MAX_UPLOAD_BYTES / (1024 * 1024) }
        } else {
            ApiError::BadRequest("the multipart body is malformed".into())
        }
    };
    let mut upload = Upload { file_name: None, content_type: None, bytes: Vec::new(), progress_token: None };
    let mut has_file = false;
    while let Some(field) = multipart.next_field().await.map_err(|e| too_large(e.status()))? {
        match field.name() {
            Some("file") => {
                upload.file_name = field.file_name().map(str::to_owned);
                upload.content_type = field.content_type().map(str::to_owned);
                upload.bytes = field.bytes().await.map_err(|e| too_large(e.status()))?.to_vec();
                has_file = true;
            }
            Some("progress") => {
                let token = field.text().await.map_err(|e| too_large(e.status()))?;
                if token.len() > 64 {
                    return Err(ApiError::invalid("progress", chanjiao_domain::Invalid::TooLong { max: 64 }));
                }
                upload.progress_token = Some(token).filter(|t| !t.is_empty());
            }
            _ => {}
        }
    }
    if !has_file || upload.bytes.is_empty() {
        return Err(ApiError::invalid("file", chanjiao_domain::Invalid::Required));
    }
    Ok(upload)
}
