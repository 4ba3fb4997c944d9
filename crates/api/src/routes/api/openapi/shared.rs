//! What every operation shares, declared once: the problem responses (`#/components/responses`),
//! the security schemes and the `X-On-Behalf-Of` header, and [`complete`], which gives each
//! operation the statuses the server's shared machinery can answer for an operation of its shape
//! — so that a handler's annotation lists only what its own code can answer.

use serde_json::{Map, Value, json};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, HeaderBuilder, Ref, RefOr, Response, ResponseBuilder, schema::ObjectBuilder, schema::Type,
};

/// The HTTP methods an OpenAPI path item may hold.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// A problem response: its description, and the headers that come with it.
fn problem(description: &str, headers: &[(&str, &str, Type)]) -> RefOr<Response> {
    let mut response = ResponseBuilder::new().description(description).content(
        "application/problem+json",
        ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
    );
    for (name, about, kind) in headers {
        let header = HeaderBuilder::new()
            .schema(ObjectBuilder::new().schema_type(kind.clone()))
            .description(Some(*about))
            .build();
        response = response.header(*name, header);
    }
    RefOr::T(response.build())
}

/// One `ToResponse` type per shared problem response, referenced from annotations as
/// `(status = 404, response = NotFound)`.
macro_rules! problems {
    ($($name:ident => ($description:literal $(, $header:literal, $about:literal, $kind:ident)*)),+ $(,)?) => {
        $(
            pub struct $name;

            impl<'r> utoipa::ToResponse<'r> for $name {
                fn response() -> (&'r str, RefOr<Response>) {
                    (stringify!($name), problem($description, &[$(($header, $about, Type::$kind)),*]))
                }
            }
        )+
    };
}

problems! {
    BadRequest => ("The request is malformed: the body is not JSON, or `X-On-Behalf-Of` is not an id."),
    Unauthorized => ("No valid session.", "WWW-Authenticate", "Always `Bearer`.", String),
    BadCredentials => ("Wrong e-mail or password.", "WWW-Authenticate", "Always `Bearer`.", String),
    Forbidden => ("Signed in but not allowed, or acting for a client (`X-On-Behalf-Of`) without an active \
        grant. When the access policy refuses a power (see docs/security.md: e.g. the organization is not \
        verified yet), `detail` and `detail_zh` say why."),
    NotFound => ("No such resource, or not visible to the caller."),
    Conflict => ("A unique value is taken, or the current state refuses the request; `errors` names the field \
        and `code`."),
    PhaseRefused => ("Refused in the allocation round's current phase (code `wrong_phase`, field `phase`) or \
        after the deadline (`deadline_passed`)."),
    UnsupportedMediaType => ("The body is not `application/json`."),
    PayloadTooLarge => ("The upload is larger than 16 MiB."),
    UnprocessableEntity => ("A field is invalid; `errors` names each one."),
    TooManyRequests => ("Too many failed logins for this account or from this client (the login throttle), or \
        too many requests from this client to this group of endpoints (a rate limit).",
        "Retry-After", "Seconds until the next attempt.", Integer),
    ServiceUnavailable => ("Too many password hashes are already running and waiting; nothing was changed. Try \
        again after `Retry-After` seconds.", "Retry-After", "Seconds until the next attempt.", Integer),
}

/// The bearer token and the session cookie (which counts for `GET` and `HEAD` only).
pub fn security_schemes() -> [(&'static str, SecurityScheme); 2] {
    let bearer = HttpBuilder::new()
        .scheme(HttpAuthScheme::Bearer)
        .description(Some("The token from `POST /auth/login`, or an organization's API key (`cjk_…`)."))
        .build();
    let cookie = ApiKeyValue::with_description(
        crate::auth::cookies::SESSION,
        "The session cookie set by `POST /auth/login` and the login page; accepted for `GET` and `HEAD` only.",
    );
    [("bearerAuth", SecurityScheme::Http(bearer)), ("sessionCookie", SecurityScheme::ApiKey(ApiKey::Cookie(cookie)))]
}

/// `#/components/parameters/OnBehalfOf`: every signed-in operation reads it (`crate::auth`).
fn on_behalf_of() -> Value {
    json!({
        "name": "X-On-Behalf-Of",
        "in": "header",
        "required": false,
        "description": "For members of an intermediary: the id of a client organization that granted the \
            intermediary a delegation. The request then acts as that client (as an ordinary member, never its \
            administrator) and is recorded as done by the intermediary on the client's behalf. 403 without an \
            active grant, 400 if not an id. 中介机构代客户操作时填写客户组织的 id。",
        "schema": { "type": "integer", "format": "int64", "minimum": 1 },
        "example": 7
    })
}

/// Completes every operation of the generated document by its shape:
/// - no `security` in its annotation: public (`security: []`);
/// - signed in: also the session cookie for `GET`, the `X-On-Behalf-Of` header, and 400 (a header
///   that is not an id), 401 (no session) and 403 (no grant, or not allowed);
/// - a path or query parameter: 422 when one does not parse (`routes/extract.rs`);
/// - a JSON body: 400 when it is not JSON, 415 when it is not `application/json`, 422 when a field
///   is wrong.
///
/// A status the annotation already declares (with its own description) is left as it is.
pub fn complete(doc: &mut Value) {
    doc["components"]["parameters"]["OnBehalfOf"] = on_behalf_of();
    let Some(paths) = doc["paths"].as_object_mut() else { return };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for method in METHODS {
            if let Some(Value::Object(operation)) = item.get_mut(method) {
                complete_operation(method, operation);
            }
        }
    }
}

fn complete_operation(method: &str, operation: &mut Map<String, Value>) {
    let security = operation.entry("security").or_insert_with(|| json!([]));
    let secured = security.as_array().is_some_and(|s| s.iter().any(|r| r.as_object().is_some_and(|r| !r.is_empty())));
    let mut statuses = Vec::new();
    if secured {
        if matches!(method, "get" | "head") {
            let cookie = json!({ "sessionCookie": [] });
            let requirements = security.as_array_mut().expect("an array, checked above");
            if !requirements.contains(&cookie) {
                requirements.push(cookie);
            }
        }
        let parameters = operation.entry("parameters").or_insert_with(|| json!([]));
        if let Some(parameters) = parameters.as_array_mut() {
            parameters.push(json!({ "$ref": "#/components/parameters/OnBehalfOf" }));
        }
        statuses.extend([("400", "BadRequest"), ("401", "Unauthorized"), ("403", "Forbidden")]);
    }
    let parsed = operation
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|list| list.iter().any(|p| matches!(p.get("in").and_then(Value::as_str), Some("path" | "query"))));
    if parsed {
        statuses.push(("422", "UnprocessableEntity"));
    }
    if operation.contains_key("requestBody") {
        statuses.extend([("400", "BadRequest"), ("415", "UnsupportedMediaType"), ("422", "UnprocessableEntity")]);
    }
    let responses = operation.entry("responses").or_insert_with(|| json!({}));
    let Some(responses) = responses.as_object_mut() else { return };
    for (status, name) in statuses {
        responses.entry(status).or_insert_with(|| json!({ "$ref": format!("#/components/responses/{name}") }));
    }
}
