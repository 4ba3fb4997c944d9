//! The OpenAPI document served at `/api/v1/openapi.json` (generated from the handlers'
//! `#[utoipa::path]` annotations, see `crates/api/src/routes/api/openapi/`) must describe every
//! route registered in `crates/api/src/routes/api/mod.rs`, and nothing else. The routes are read
//! from that source file, so adding a route without annotating its handler fails here.

use std::collections::{BTreeSet, HashSet};

use reqwest::StatusCode;
use serde_json::Value;

use crate::e2e::support::spawn_app;

pub const ROUTES_SOURCE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/crates/api/src/routes/api/mod.rs");

/// The HTTP methods an OpenAPI path item may hold, which are also axum's method routers.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

type Route = (String, String);

#[tokio::test]
async fn the_openapi_document_describes_every_registered_route() {
    let app = spawn_app().await;
    let response = app.get_json("/api/v1/openapi.json", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("application/json"), "{content_type}");
    let doc: Value = response.json().await.expect("the document is JSON");
    let version = doc["openapi"].as_str().expect("an `openapi` version");
    assert!(version.starts_with("3.1."), "OpenAPI {version}, not 3.1");
    assert_eq!(doc["info"]["title"], "Chanjiao API");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"), "info.version follows Cargo's version");

    let source = std::fs::read_to_string(ROUTES_SOURCE).expect("the API's route table");
    let registered = registered_routes(&source);
    let documented = documented_routes(&doc);
    let undocumented: Vec<_> = registered.difference(&documented).collect();
    let unregistered: Vec<_> = documented.difference(&registered).collect();
    assert!(
        undocumented.is_empty() && unregistered.is_empty(),
        "the OpenAPI document and crates/api/src/routes/api/mod.rs disagree\n\
         registered but not documented: {undocumented:?}\n\
         documented but not registered: {unregistered:?}"
    );

    check_operations(&doc);
    check_refs(&doc, &doc, "#");
}

#[test]
fn routes_are_read_from_chained_wrapped_and_multiline_calls() {
    let source = r#"
        //! Doc text mentioning .route("/doc", get(nothing)).
        pub fn routes() -> Router<AppState> {
            Router::new()
                // .route("/commented", get(nothing))
                .route("/a", get(x::a).post(x::b))
                .route(
                    "/b/{id}/{action}",
                    post(x::act).layer(DefaultBodyLimit::max(crate::MAX)),
                )
                .route("/c/{id}", axum::routing::patch(|| async { "(" }).delete(x::gone)) /* .route("/d", get(d)) */
                .fallback(|| async { ApiError::NotFound })
        }
    "#;
    let expected: BTreeSet<Route> =
        [("GET", "/a"), ("POST", "/a"), ("POST", "/b/{id}/{action}"), ("PATCH", "/c/{id}"), ("DELETE", "/c/{id}")]
            .into_iter()
            .map(|(m, p)| (m.to_owned(), p.to_owned()))
            .collect();
    assert_eq!(registered_routes(source), expected);
}

/// `(METHOD, path)` of every operation in the document.
fn documented_routes(doc: &Value) -> BTreeSet<Route> {
    let paths = doc["paths"].as_object().expect("`paths`");
    let mut routes = BTreeSet::new();
    for (path, item) in paths {
        for method in METHODS {
            if item.get(method).is_some() {
                routes.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    routes
}

/// Every operation has a unique operationId, at least one response, a path parameter for each
/// `{name}` in its path, and the error statuses every operation of its shape can answer (see
/// [`statuses_required`]).
fn check_operations(doc: &Value) {
    let mut ids = HashSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let declared_for_path = item.get("parameters");
        for method in METHODS {
            let Some(operation) = item.get(method) else { continue };
            let id = operation["operationId"].as_str().unwrap_or("");
            assert!(!id.is_empty(), "{method} {path} has no operationId");
            assert!(ids.insert(id.to_owned()), "operationId {id} is used twice");
            let responses = operation["responses"].as_object();
            assert!(responses.is_some_and(|r| !r.is_empty()), "{method} {path} has no responses");
            let mut path_params = HashSet::new();
            let mut places = HashSet::new();
            for list in [declared_for_path, operation.get("parameters")].into_iter().flatten() {
                for parameter in list.as_array().expect("parameters are a list") {
                    let parameter = resolve(doc, parameter);
                    let place = parameter["in"].as_str().unwrap_or("");
                    if place == "path" {
                        path_params.insert(parameter["name"].as_str().unwrap_or("").to_owned());
                    }
                    let on_behalf =
                        parameter["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case("x-on-behalf-of"));
                    places.insert(if on_behalf { "on-behalf-of" } else { place });
                }
            }
            let shape = Shape {
                parameters: places.contains("path") || places.contains("query"),
                on_behalf: places.contains("on-behalf-of"),
                body: operation.get("requestBody").is_some(),
                secured: operation
                    .get("security")
                    .unwrap_or(&doc["security"])
                    .as_array()
                    .is_some_and(|s| !s.is_empty()),
            };
            let documented = operation["responses"].as_object().unwrap();
            for status in statuses_required(&shape) {
                assert!(documented.contains_key(status), "{method} {path} does not document its possible {status}");
            }
            for name in path.split('/').filter_map(|s| s.strip_prefix('{')?.strip_suffix('}')) {
                assert!(path_params.contains(name), "{method} {path} does not describe its path parameter {name}");
            }
        }
    }
}

/// What about an operation decides which errors it can answer regardless of its handler.
struct Shape {
    parameters: bool,
    on_behalf: bool,
    body: bool,
    secured: bool,
}

/// The statuses the server's shared machinery gives any operation of this shape: a path or
/// query parameter that does not parse is a 422 naming it (`routes/extract.rs`); a body
/// that is not JSON a 400, one of another content type a 415, one of the wrong shape a 422;
/// `X-On-Behalf-Of` that is not an id a 400, without a grant a 403; no session a 401.
fn statuses_required(shape: &Shape) -> Vec<&'static str> {
    let mut statuses = Vec::new();
    if shape.parameters || shape.body {
        statuses.push("422");
    }
    if shape.body {
        statuses.extend(["400", "415"]);
    }
    if shape.on_behalf {
        statuses.extend(["400", "403"]);
    }
    if shape.secured {
        statuses.push("401");
    }
    statuses
}

fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => resolve(doc, pointer(doc, reference).unwrap_or_else(|| panic!("unresolved {reference}"))),
        None => value,
    }
}

fn pointer<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

/// Every `$ref` is local and points at something.
fn check_refs(doc: &Value, value: &Value, at: &str) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                if key == "$ref" {
                    let reference = inner.as_str().unwrap_or_else(|| panic!("{at}: `$ref` is not a string"));
                    assert!(pointer(doc, reference).is_some(), "{at}: {reference} does not resolve");
                } else {
                    check_refs(doc, inner, &format!("{at}/{key}"));
                }
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                check_refs(doc, inner, &format!("{at}/{i}"));
            }
        }
        _ => {}
    }
}

/// `(METHOD, path)` of every `.route("/path", get(a).post(b))` in `fn routes()` of the source.
/// Handlers may be wrapped (`post(x).layer(..)`), calls may span lines, and comments are ignored.
/// Anything whose methods cannot be told from the text (`any`, `on`, nested routers) fails loudly,
/// so that this test is taught about it rather than silently missing routes.
pub fn registered_routes(source: &str) -> BTreeSet<Route> {
    let code = without_comments(source);
    let start = code.find("fn routes()").expect("the source defines `fn routes()`");
    let open = start + code[start..].find('{').expect("the body of `fn routes()`") + 1;
    let body = &code[open..open + closing(&code[open..])];
    for unsupported in [".nest(", ".merge(", ".nest_service(", ".route_service("] {
        assert!(
            !body.contains(unsupported),
            "routes() uses `{unsupported}`: teach tests/e2e/platform/openapi.rs to read it"
        );
    }
    let mut routes = BTreeSet::new();
    let mut rest = body;
    while let Some(at) = rest.find(".route(") {
        let args_start = at + ".route(".len();
        let args_end = args_start + closing(&rest[args_start..]);
        let (path, handler) = path_and_handler(&rest[args_start..args_end]);
        let methods = handler_methods(handler);
        assert!(!methods.is_empty(), "no HTTP method found for route {path}: {handler}");
        for method in methods {
            routes.insert((method.to_uppercase(), path.clone()));
        }
        rest = &rest[args_end..];
    }
    routes
}

/// The route's path literal and its handler expression.
fn path_and_handler(args: &str) -> (String, &str) {
    let args = args.trim_start();
    let literal = args.strip_prefix('"').unwrap_or_else(|| panic!("a route whose path is not a literal: {args}"));
    let end = literal.find('"').expect("the end of the path literal");
    let handler = literal[end + 1..].trim_start().strip_prefix(',').expect("a comma after the path");
    (literal[..end].to_owned(), handler.trim().trim_end_matches(',').trim())
}

/// The methods of a handler expression such as `get(a).post(b).layer(c)`: the top-level calls
/// that are method routers (`get`, `axum::routing::post`, `get_service` …).
fn handler_methods(handler: &str) -> Vec<&'static str> {
    let mut methods = Vec::new();
    let mut rest = handler;
    while let Some(open) = rest.find('(') {
        let callee_start =
            rest[..open].rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).map_or(0, |i| i + 1);
        let callee = rest[callee_start..open].rsplit("::").next().unwrap_or("");
        let name = callee.strip_suffix("_service").unwrap_or(callee);
        if let Some(method) = METHODS.iter().find(|m| **m == name) {
            methods.push(*method);
        }
        assert!(
            !matches!(name, "any" | "on"),
            "cannot tell the methods of `{handler}`: teach tests/e2e/platform/openapi.rs"
        );
        let args = open + 1;
        rest = &rest[args + closing(&rest[args..]) + 1..];
    }
    methods
}

/// The index of the bracket that closes the one just before `text`, skipping string literals.
fn closing(text: &str) -> usize {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => return i,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
    }
    panic!("unbalanced brackets in {:?}", text.chars().take(80).collect::<String>())
}

/// The source without `//` and `/* */` comments; string literals are kept as they are.
fn without_comments(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    let mut in_string = false;
    let mut escaped = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match (c, chars.peek()) {
            ('/', Some('/')) => while chars.next_if(|&n| n != '\n').is_some() {},
            ('/', Some('*')) => {
                chars.next();
                let mut previous = ' ';
                for n in chars.by_ref() {
                    if previous == '*' && n == '/' {
                        break;
                    }
                    previous = n;
                }
                out.push(' ');
            }
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}
