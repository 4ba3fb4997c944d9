//! The hand-written part of the document that has not been moved onto the handlers yet
//! (`web/openapi-unannotated.json`): operations whose handlers carry no `#[utoipa::path]`, and the
//! components only they use. It shrinks as handlers are annotated and goes when it is empty.
//!
//! An operation is either generated or hand-written, never both (the `openapi` test checks it);
//! a component both declare is taken from the generated side, the code being the truth.

use serde_json::Value;

/// Operations and components not generated yet.
const REMAINDER: &str = include_str!("../../../../../../web/openapi-unannotated.json");

/// Adds the remainder's operations and its components that `doc` lacks to `doc`.
pub fn merge(doc: &mut Value) {
    let remainder: Value = serde_json::from_str(REMAINDER).expect("web/openapi-unannotated.json is JSON");
    for (path, item) in remainder["paths"].as_object().into_iter().flatten() {
        let target = &mut doc["paths"][path];
        for (method, operation) in item.as_object().into_iter().flatten() {
            if target.get(method).is_none() {
                target[method] = operation.clone();
            }
        }
    }
    for (section, entries) in remainder["components"].as_object().into_iter().flatten() {
        let target = &mut doc["components"][section];
        for (name, entry) in entries.as_object().into_iter().flatten() {
            if target.get(name).is_none() {
                target[name] = entry.clone();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use utoipa::OpenApi;

    use super::*;

    /// The generated part must stand on its own: a `$ref` it makes may not be satisfied only by
    /// a component of the remainder, which goes away.
    #[test]
    fn the_generated_part_resolves_its_own_refs() {
        let mut generated = serde_json::to_value(super::super::ApiDoc::openapi()).unwrap();
        super::super::shared::complete(&mut generated);
        let mut unresolved = Vec::new();
        unresolved_refs(&generated, &generated, &mut unresolved);
        assert!(unresolved.is_empty(), "the generated document refers to missing components: {unresolved:?}");
    }

    fn unresolved_refs(doc: &Value, value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    match (key.as_str(), inner.as_str()) {
                        ("$ref", Some(reference)) if doc.pointer(reference.trim_start_matches('#')).is_none() => {
                            found.push(reference.to_owned())
                        }
                        _ => unresolved_refs(doc, inner, found),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|inner| unresolved_refs(doc, inner, found)),
            _ => {}
        }
    }

    #[test]
    fn no_operation_is_both_generated_and_hand_written() {
        let generated = serde_json::to_value(super::super::ApiDoc::openapi()).unwrap();
        let remainder: Value = serde_json::from_str(REMAINDER).unwrap();
        for (path, item) in remainder["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                assert!(
                    generated["paths"][path].get(method).is_none(),
                    "{method} {path} is annotated: delete it from web/openapi-unannotated.json"
                );
            }
        }
    }
}
