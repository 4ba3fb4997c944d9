//! Live answers of representative operations validate against the schema the generated
//! document declares for their status and content type: a list, a create answering 201, a 404
//! and a 422 naming fields. The checker knows the subset of JSON Schema the document uses:
//! `type` (a name or a list, `null` for nullable), `required`, `properties`, `enum`, `items`,
//! `$ref`, `oneOf`, `anyOf` and `allOf`.

use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::e2e::support::spawn_app;

#[tokio::test]
async fn live_answers_validate_against_the_documented_schemas() {
    let app = spawn_app().await;
    let doc: Value = app.get_json("/api/v1/openapi.json", None).await.json().await.unwrap();
    let admin = app.demo_login("admin@demo.local").await;

    // A list.
    let users = app.get_json("/api/v1/users", Some(&admin)).await;
    conforms(&doc, "get", "/users", users, StatusCode::OK).await;
    let programs = app.get_json("/api/v1/reference/programs?q=shu&limit=5", None).await;
    conforms(&doc, "get", "/reference/programs", programs, StatusCode::OK).await;
    let me = app.get_json("/api/v1/me", Some(&admin)).await;
    conforms(&doc, "get", "/me", me, StatusCode::OK).await;

    // A create answering 201.
    let registration = json!({
        "kind": "school", "name": "绍兴文档校验学校", "region": "330602", "level": "zhongzhi",
        "admin_email": "openapi-check@example.com", "admin_password": "a long enough password",
    });
    let created = app.post_json("/api/v1/organizations", &registration, None).await;
    let body = conforms(&doc, "post", "/organizations", created, StatusCode::CREATED).await;
    let id = body["id"].as_i64().expect("the new organization's id");
    let pending = app.get_json("/api/v1/organizations?verification=pending", Some(&admin)).await;
    conforms(&doc, "get", "/organizations", pending, StatusCode::OK).await;
    let school = app.get_json(&format!("/api/v1/organizations/{id}"), Some(&admin)).await;
    conforms(&doc, "get", "/organizations/{id}", school, StatusCode::OK).await;

    // A 404.
    let missing = app.get_json("/api/v1/organizations/987654321", Some(&admin)).await;
    conforms(&doc, "get", "/organizations/{id}", missing, StatusCode::NOT_FOUND).await;

    // A 422 naming fields.
    let invalid = app.post_json("/api/v1/organizations", &json!({ "kind": "school" }), None).await;
    let problem = conforms(&doc, "post", "/organizations", invalid, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(problem["errors"].as_array().is_some_and(|e| !e.is_empty()), "{problem}");
    let bad_id = app.get_json("/api/v1/organizations/seven", Some(&admin)).await;
    conforms(&doc, "get", "/organizations/{id}", bad_id, StatusCode::UNPROCESSABLE_ENTITY).await;
}

#[test]
fn the_checker_refuses_what_the_schema_does_not_allow() {
    let doc = json!({ "components": { "schemas": {
        "Kind": { "type": "string", "enum": ["a", "b"] },
        "Thing": { "type": "object", "required": ["id", "kind"], "properties": {
            "id": { "type": "integer" },
            "kind": { "$ref": "#/components/schemas/Kind" },
            "note": { "type": ["string", "null"] },
            "tags": { "type": "array", "items": { "type": "string" } },
            "parent": { "oneOf": [{ "type": "null" }, { "$ref": "#/components/schemas/Kind" }] },
        }},
    }}});
    let schema = json!({ "$ref": "#/components/schemas/Thing" });
    let good = json!({ "id": 1, "kind": "a", "note": null, "tags": ["x"], "parent": "b" });
    assert!(violations(&doc, &schema, &good).is_empty());
    for bad in [
        json!({ "kind": "a" }),
        json!({ "id": "1", "kind": "a" }),
        json!({ "id": 1, "kind": "c" }),
        json!({ "id": 1, "kind": "a", "tags": [1] }),
        json!({ "id": 1, "kind": "a", "parent": 3 }),
        json!([]),
    ] {
        assert!(!violations(&doc, &schema, &bad).is_empty(), "{bad} passed");
    }
}

/// Checks the answer's status, content type and body against the document; returns the body.
async fn conforms(doc: &Value, method: &str, path: &str, response: Response, status: StatusCode) -> Value {
    assert_eq!(response.status(), status, "{method} {path}");
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    let media = content_type.split(';').next().unwrap().trim().to_owned();
    let body: Value = response.json().await.expect("a JSON body");
    let operation = &doc["paths"][path][method];
    assert!(operation.is_object(), "{method} {path} is not documented");
    let declared = resolve(doc, &operation["responses"][status.as_str()]);
    assert!(declared.is_object(), "{method} {path} does not document {status}");
    let schema = &declared["content"][&media]["schema"];
    assert!(schema.is_object(), "{method} {path} {status} does not document {media}: {declared}");
    let problems = violations(doc, schema, &body);
    assert!(problems.is_empty(), "{method} {path} {status} does not match its schema: {problems:?}\n{body}");
    body
}

fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let target = doc.pointer(reference.trim_start_matches('#'));
            resolve(doc, target.unwrap_or_else(|| panic!("unresolved {reference}")))
        }
        None => value,
    }
}

/// Where `value` breaks `schema`, as JSON pointers with what is wrong; empty if it conforms.
fn violations(doc: &Value, schema: &Value, value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    check(doc, schema, value, "", &mut found);
    found
}

fn check(doc: &Value, schema: &Value, value: &Value, at: &str, found: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    if let Some(types) = schema.get("type") {
        let names: Vec<&str> = match types {
            Value::String(one) => vec![one.as_str()],
            Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !names.iter().any(|name| is_type(value, name)) {
            found.push(format!("{at}: {value} is not {names:?}"));
            return;
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        found.push(format!("{at}: {value} is not one of {allowed:?}"));
    }
    for (keyword, needed) in [("allOf", None), ("oneOf", Some(1)), ("anyOf", Some(0))] {
        let Some(branches) = schema.get(keyword).and_then(Value::as_array) else { continue };
        let passing = branches.iter().filter(|branch| violations(doc, branch, value).is_empty()).count();
        let ok = match needed {
            None => passing == branches.len(),
            Some(1) => passing == 1,
            Some(_) => passing > 0,
        };
        if !ok {
            found.push(format!("{at}: {value} fits {passing} of the {} branches of {keyword}", branches.len()));
        }
    }
    if let Value::Object(object) = value {
        for name in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
            let name = name.as_str().unwrap_or_default();
            if !object.contains_key(name) {
                found.push(format!("{at}: `{name}` is missing"));
            }
        }
        for (name, property) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
            if let Some(inner) = object.get(name) {
                check(doc, property, inner, &format!("{at}/{name}"), found);
            }
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (value, schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            check(doc, item_schema, item, &format!("{at}/{i}"), found);
        }
    }
}

fn is_type(value: &Value, name: &str) -> bool {
    match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    }
}
