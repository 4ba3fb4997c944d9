//! The one error type of the server, and its honest mapping to HTTP.
//!
//! API responses are `application/problem+json` (RFC 9457) with per-field details; pages render
//! the same error as HTML through [`crate::web::HtmlError`]. A 5xx body never says what went
//! wrong inside: the cause is logged once, here, and the client gets a request id to quote.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chanjiao_domain::{Invalid, Invalids};
use serde::Serialize;

use crate::sheets::SheetError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid input")]
    Validation(Invalids),
    #[error("authentication required")]
    Unauthenticated,
    #[error("e-mail or password is wrong")]
    BadCredentials,
    #[error("too many failed attempts")]
    TooManyAttempts { retry_after_secs: u64 },
    /// A per-client rate limit (see [`crate::abuse::rate`]).
    #[error("too many requests")]
    RateLimited { retry_after_secs: u64 },
    /// Too much work of one kind is already waiting (password hashing): come back shortly.
    #[error("server busy")]
    Overloaded { retry_after_secs: u64 },
    #[error("not allowed")]
    Forbidden,
    /// The access policy refuses a power ([`chanjiao_domain::access`]): 403 with the reason.
    #[error("not allowed to {}: {refusal}", power.en())]
    NotPermitted { power: chanjiao_domain::access::Power, refusal: chanjiao_domain::access::Refusal },
    /// An API key called an endpoint its scopes do not open: 403 naming the scope it lacks, or,
    /// when no scope opens it (`None`), saying that a person must sign in
    /// ([`crate::auth::scopes`]).
    #[error("{}", match scope { Some(scope) => format!("this API key lacks the scope {scope}"), None => "API keys cannot use this endpoint; a person must sign in".to_owned() })]
    KeyScope { scope: Option<chanjiao_domain::api_keys::Scope> },
    #[error("not found")]
    NotFound,
    #[error("conflict on {field}")]
    Conflict { field: &'static str, invalid: Invalid },
    #[error("transition refused: {0}")]
    Transition(chanjiao_domain::posting::TransitionError),
    /// A rule of the current state refuses the request (a proposal already answered, a project
    /// not yet active): 409 with the reason in both languages.
    #[error("refused: {en}")]
    Refused { field: &'static str, code: &'static str, en: String, zh: String },
    #[error("booking refused: {0}")]
    Booking(chanjiao_domain::booking::Refusal),
    #[error("spreadsheet: {0}")]
    Sheet(crate::sheets::SheetError),
    #[error("request forgery check failed")]
    Csrf,
    #[error("the upload is larger than {max_mib} MiB")]
    PayloadTooLarge { max_mib: usize },
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("malformed request: {0}")]
    BadRequest(String),
    /// `If-Match` named a version that is no longer current: someone changed the resource since
    /// the client read it (412; `field` names the header).
    #[error("the resource changed since it was read")]
    PreconditionFailed,
    #[error("database error: {0}")]
    Database(sea_orm::DbErr),
    /// A stored row holds a value its type does not know ([`crate::db::stored`]): a 500, logged
    /// with the column and the value.
    #[error("{0}")]
    Corrupt(crate::db::CorruptValue),
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthenticated | ApiError::BadCredentials => StatusCode::UNAUTHORIZED,
            ApiError::TooManyAttempts { .. } | ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Overloaded { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Forbidden | ApiError::NotPermitted { .. } | ApiError::KeyScope { .. } | ApiError::Csrf => {
                StatusCode::FORBIDDEN
            }
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Transition(chanjiao_domain::posting::TransitionError::NotPermitted { .. }) => {
                StatusCode::FORBIDDEN
            }
            ApiError::Conflict { .. } | ApiError::Transition(_) | ApiError::Refused { .. } => StatusCode::CONFLICT,
            ApiError::Booking(refusal) if refusal.is_permission() => StatusCode::FORBIDDEN,
            ApiError::Booking(_) => StatusCode::CONFLICT,
            ApiError::UnsupportedMediaType | ApiError::Sheet(SheetError::Unsupported(_)) => {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
            ApiError::Sheet(SheetError::Write(_)) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Sheet(SheetError::TooLarge(_)) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Sheet(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            ApiError::Database(_) | ApiError::Corrupt(_) | ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn invalid(field: &'static str, invalid: Invalid) -> Self {
        ApiError::Validation(Invalids::single(field, invalid))
    }

    /// The per-field problems, for forms and problem details.
    pub fn field_errors(&self) -> Vec<FieldProblem> {
        let describe = |field: &str, invalid: &Invalid| FieldProblem {
            field: field.to_owned(),
            code: invalid.code(),
            reason: invalid.to_string(),
            reason_zh: invalid.zh(),
            row: None,
            column: None,
        };
        match self {
            ApiError::Validation(errors) => errors.0.iter().map(|e| describe(&e.field, &e.invalid)).collect(),
            ApiError::Conflict { field, invalid } => vec![describe(field, invalid)],
            ApiError::Booking(refusal) => vec![FieldProblem {
                field: refusal.field().to_owned(),
                code: refusal.code(),
                reason: refusal.to_string(),
                reason_zh: refusal.zh(),
                row: None,
                column: None,
            }],
            ApiError::Transition(refused) => vec![FieldProblem {
                field: "status".to_owned(),
                code: refused.code(),
                reason: refused.to_string(),
                reason_zh: refused.zh(),
                row: None,
                column: None,
            }],
            ApiError::Refused { field, code, en, zh } => vec![FieldProblem {
                field: (*field).to_owned(),
                code,
                reason: en.clone(),
                reason_zh: zh.clone(),
                row: None,
                column: None,
            }],
            ApiError::Sheet(SheetError::Rows(report)) => report
                .problems
                .iter()
                .map(|p| FieldProblem {
                    field: p.field.clone(),
                    code: p.code,
                    reason: p.reason.clone(),
                    reason_zh: p.reason_zh.clone(),
                    row: Some(p.row),
                    column: Some(p.column.clone()),
                })
                .collect(),
            ApiError::PreconditionFailed => vec![FieldProblem {
                field: "If-Match".to_owned(),
                code: "stale_version",
                reason: "the version named is no longer the current one".to_owned(),
                reason_zh: "所给版本已不是最新版本".to_owned(),
                row: None,
                column: None,
            }],
            ApiError::Sheet(SheetError::TooLarge(limit)) => vec![FieldProblem {
                field: "file".to_owned(),
                code: limit.bound.code(),
                reason: limit.to_string(),
                reason_zh: limit.zh(),
                row: None,
                column: None,
            }],
            ApiError::KeyScope { scope } => vec![FieldProblem {
                field: "scope".to_owned(),
                code: if scope.is_some() { "missing_scope" } else { "people_only" },
                reason: self.to_string(),
                reason_zh: self.detail_zh().unwrap_or_default(),
                row: None,
                column: None,
            }],
            _ => Vec::new(),
        }
    }

    /// Whether the error names fields a form can show in place (bad input, a conflict, a rule of
    /// the current state), rather than calling for an error page.
    pub fn belongs_on_form(&self) -> bool {
        !self.field_errors().is_empty()
    }

    /// A short title in the given language; 5xx titles say nothing about the cause.
    pub fn title(&self, zh: bool) -> String {
        let (zh_text, en_text) = match self {
            ApiError::Validation(_) => ("提交的内容有误", "The input is invalid"),
            ApiError::Unauthenticated => ("请先登录", "Please sign in"),
            ApiError::BadCredentials => ("邮箱或密码错误", "E-mail or password is wrong"),
            ApiError::TooManyAttempts { .. } => {
                ("失败次数过多，请稍后再试", "Too many failed attempts; try again later")
            }
            ApiError::RateLimited { .. } => ("请求过于频繁，请稍后再试", "Too many requests; try again later"),
            ApiError::Overloaded { .. } => ("服务器繁忙，请稍后再试", "The server is busy; try again shortly"),
            ApiError::Forbidden | ApiError::NotPermitted { .. } | ApiError::KeyScope { .. } => {
                ("无权进行此操作", "You are not allowed to do this")
            }
            ApiError::NotFound => ("页面或资源不存在", "Not found"),
            ApiError::Conflict { .. } => ("与已有记录冲突", "This conflicts with an existing record"),
            ApiError::Transition(_) | ApiError::Refused { .. } => {
                ("当前状态下不能进行此操作", "Not possible in the current status")
            }
            ApiError::Booking(refusal) => refusal.title(),
            ApiError::Sheet(SheetError::Write(_)) => ("服务器内部错误", "Internal server error"),
            ApiError::Sheet(_) => ("文件未能导入", "The file was not imported"),
            ApiError::PayloadTooLarge { .. } => ("上传的文件过大", "The upload is too large"),
            ApiError::Csrf => ("表单已过期，请刷新页面后重试", "The form has expired; reload the page and try again"),
            ApiError::UnsupportedMediaType => ("不支持的内容类型", "Unsupported content type"),
            ApiError::BadRequest(_) => ("请求格式错误", "Malformed request"),
            ApiError::PreconditionFailed => {
                ("内容已被他人修改，请重新读取后再提交", "Changed since you read it; read it again and retry")
            }
            ApiError::Database(_) | ApiError::Corrupt(_) | ApiError::Internal(_) => {
                ("服务器内部错误", "Internal server error")
            }
        };
        if zh { zh_text.into() } else { en_text.into() }
    }

    /// A longer explanation in Chinese, where the title alone does not say what to do.
    pub fn detail_zh(&self) -> Option<String> {
        match self {
            ApiError::Sheet(error) if self.status_code().is_client_error() => Some(error.zh()),
            ApiError::PayloadTooLarge { max_mib } => Some(format!("文件不能超过 {max_mib} MB")),
            ApiError::Booking(refusal) => Some(refusal.zh()),
            ApiError::NotPermitted { power, refusal } => Some(format!("{}：不能{}", refusal.zh(), power.zh())),
            ApiError::KeyScope { scope: Some(scope) } => Some(format!("此 API 密钥缺少权限范围 {scope}")),
            ApiError::KeyScope { scope: None } => Some("API 密钥不能使用此接口，须由本人登录".to_owned()),
            _ => None,
        }
    }

    /// A longer explanation in English, where the title alone does not say what to do.
    pub fn detail_en(&self) -> Option<String> {
        match self {
            ApiError::BadRequest(message) => Some(message.clone()),
            ApiError::Sheet(error) if self.status_code().is_client_error() => Some(error.to_string()),
            ApiError::PayloadTooLarge { .. } => Some(self.to_string()),
            ApiError::Validation(errors) => Some(errors.to_string()),
            ApiError::Booking(refusal) => Some(refusal.to_string()),
            ApiError::NotPermitted { power, refusal } => Some(format!("{refusal}: you may not {}", power.en())),
            ApiError::KeyScope { .. } => Some(self.to_string()),
            _ => None,
        }
    }

    /// Seconds after which a refused request may be tried again (`Retry-After`).
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            ApiError::TooManyAttempts { retry_after_secs }
            | ApiError::RateLimited { retry_after_secs }
            | ApiError::Overloaded { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// Logs server-side failures once, with their cause; client errors are not worth a warning.
    /// (A 503 for a full hashing queue is the server protecting itself, not a failure, and
    /// logging each one would turn a flood into a flood of log lines.)
    pub fn log(&self) {
        if self.status_code().is_server_error() && !matches!(self, ApiError::Overloaded { .. }) {
            tracing::error!(error = %self, "request failed");
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    /// A corrupt stored value and a unique violation a user can fix (409 naming the field,
    /// [`crate::db::constraints`]) are told apart here, once, from other database failures.
    fn from(err: sea_orm::DbErr) -> Self {
        if let Some(corrupt) = crate::db::CorruptValue::find(&err) {
            return ApiError::Corrupt(corrupt.clone());
        }
        crate::db::constraints::conflict(&err).unwrap_or(ApiError::Database(err))
    }
}

impl From<crate::db::CorruptValue> for ApiError {
    fn from(corrupt: crate::db::CorruptValue) -> Self {
        ApiError::Corrupt(corrupt)
    }
}

impl From<Invalids> for ApiError {
    fn from(errors: Invalids) -> Self {
        ApiError::Validation(errors)
    }
}

/// One problem field of a [`Problem`].
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    /// The field, with the list item or criterion when there is one (`program_codes[2]`,
    /// `scores.goals`).
    #[schema(example = "credit_code")]
    pub field: String,
    /// A stable reason: `required`, `too_short`, `too_long`, `control_characters`, `format`,
    /// `check_character`, `unknown_region`, `not_allowed`, `out_of_range`, `too_many`,
    /// `unknown_program`, `unknown_occupation`, `unknown_cluster`; for state conflicts
    /// `transition_not_allowed`, `end_date_passed` and the brokering rules' codes.
    #[schema(example = "check_character")]
    pub code: &'static str,
    /// In English.
    pub reason: String,
    /// In Chinese.
    pub reason_zh: String,
    /// For spreadsheet imports: the row as users see it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<u64>)]
    pub row: Option<usize>,
    /// For spreadsheet imports: the column header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
}

/// An RFC 9457 problem document (`application/problem+json`). A 5xx body says nothing about the
/// cause; quote the `x-request-id` response header instead.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Problem {
    /// Always `about:blank`.
    #[serde(rename = "type")]
    #[schema(example = "about:blank")]
    kind: &'static str,
    /// A short English title.
    #[schema(example = "The input is invalid")]
    title: String,
    /// The HTTP status.
    #[schema(example = 422)]
    status: u16,
    /// More about the problem, when there is more to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    /// The same in Chinese, for spreadsheet and upload problems.
    #[serde(skip_serializing_if = "Option::is_none")]
    detail_zh: Option<String>,
    /// One entry per problem field; absent when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(required = false)]
    errors: Vec<FieldProblem>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.log();
        let status = self.status_code();
        let detail = self.detail_en();
        let problem = Problem {
            kind: "about:blank",
            title: self.title(false),
            status: status.as_u16(),
            detail,
            detail_zh: self.detail_zh(),
            errors: self.field_errors(),
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if let Some(retry_after_secs) = self.retry_after_secs() {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
