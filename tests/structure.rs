//! The codebase's structural rules (docs/architecture.md), checked on the sources so that a change
//! that breaks one fails here with the file and line, instead of waiting for a reviewer:
//! - the domain depends on no IO crate;
//! - "now" is read only through the clock;
//! - pages render typed views, never patched JSON;
//! - entities carry the domain's enums, never a string status or kind;
//! - no source file is over 500 lines;
//! - every feature has the same name in every layer it appears in.

use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn files_under(dir: &str, extensions: &[&str]) -> Vec<PathBuf> {
    fn walk(dir: &Path, extensions: &[&str], out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            // Installed packages (axe-core for the browser tests) are not the project's sources.
            if path.is_dir() && path.file_name().is_some_and(|name| name == "node_modules") {
                continue;
            }
            if path.is_dir() {
                walk(&path, extensions, out);
            } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| extensions.contains(&e)) {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(ROOT).join(dir), extensions, &mut out);
    assert!(!out.is_empty(), "no files under {dir}: is the walk reading the sources?");
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn relative(path: &Path) -> String {
    path.strip_prefix(ROOT).unwrap_or(path).display().to_string()
}

/// Lines of `path` (outside comments) that contain any of `needles`, as `file:line: text`.
fn lines_containing(path: &Path, needles: &[&str]) -> Vec<String> {
    read(path)
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .filter(|(_, line)| needles.iter().any(|n| line.contains(n)))
        .map(|(i, line)| format!("{}:{}: {}", relative(path), i + 1, line.trim()))
        .collect()
}

#[test]
fn the_domain_depends_on_no_io_crate() {
    let manifest = read(&Path::new(ROOT).join("crates/domain/Cargo.toml"));
    let dependencies = manifest.split("[dependencies]").nth(1).unwrap_or_default();
    let dependencies = dependencies.split("\n[").next().unwrap_or_default();
    for io in ["sea-orm", "sqlx", "axum", "tokio", "tantivy", "reqwest", "hyper", "tower"] {
        assert!(
            !dependencies.lines().any(|line| line.trim_start().starts_with(io)),
            "crates/domain depends on {io}; the domain is pure (docs/architecture.md)"
        );
    }
}

#[test]
fn now_is_read_only_through_the_clock() {
    let mut found = Vec::new();
    for dir in ["crates/domain/src", "crates/search/src", "crates/api/src", "crates/tools/src", "src"] {
        for file in files_under(dir, &["rs"]) {
            if relative(&file) != "crates/api/src/clock.rs" {
                found.extend(lines_containing(&file, &["Utc::now()", "Local::now()", "SystemTime::now()"]));
            }
        }
    }
    assert!(found.is_empty(), "read \"now\" from the Clock in AppState instead:\n{}", found.join("\n"));
}

#[test]
fn pages_render_typed_views_not_patched_json() {
    let mut found = Vec::new();
    for file in files_under("crates/api/src/routes/pages", &["rs"]) {
        found.extend(lines_containing(&file, &["json!", "serde_json::Value", "lang.pick(", "page.error("]));
    }
    assert!(
        found.is_empty(),
        "page handlers build typed view structs and fail with PageError (docs/architecture.md):\n{}",
        found.join("\n")
    );
}

#[test]
fn entities_carry_the_domains_enums() {
    let mut found = Vec::new();
    for file in files_under("crates/api/src/entities", &["rs"]) {
        for (i, line) in read(&file).lines().enumerate() {
            let Some((name, ty)) = line.trim().strip_prefix("pub ").and_then(|l| l.split_once(':')) else { continue };
            let (name, ty) = (name.trim(), ty.trim().trim_end_matches(','));
            let enum_like = ["status", "kind", "side", "role", "phase", "level", "state", "topic"]
                .iter()
                .any(|word| name == *word || name.ends_with(&format!("_{word}")) || name.ends_with("_type"));
            if enum_like && (ty == "String" || ty == "Option<String>") {
                found.push(format!("{}:{}: {}", relative(&file), i + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "columns holding a domain enum are typed as the enum:\n{}", found.join("\n"));
}

#[test]
fn no_source_file_is_over_500_lines() {
    let mut long = Vec::new();
    for dir in ["crates", "src", "tests", "benches", "migrations", "web"] {
        for file in files_under(dir, &["rs", "html", "css", "js"]) {
            let lines = read(&file).lines().count();
            if lines > 500 {
                long.push(format!("{} ({lines} lines)", relative(&file)));
            }
        }
    }
    assert!(long.is_empty(), "split these by what they own:\n{}", long.join("\n"));
}

/// The features of docs/architecture.md, and the layers each appears in.
const FEATURES: [&str; 11] = [
    "accounts",
    "organizations",
    "postings",
    "search",
    "matching",
    "brokering",
    "booking",
    "rounds",
    "statistics",
    "alerts",
    "reference",
];

fn exists(path: &str) -> bool {
    Path::new(ROOT).join(path).exists()
}

#[test]
fn every_feature_has_the_same_name_in_every_layer() {
    let mut missing = Vec::new();
    for feature in FEATURES {
        // A module is a file or a directory; tests and docs have one place each.
        for module in [format!("crates/api/src/services/{feature}"), format!("crates/api/src/routes/api/{feature}")] {
            if !exists(&module) && !exists(&format!("{module}.rs")) {
                missing.push(module);
            }
        }
        for place in [format!("tests/e2e/{feature}/mod.rs"), format!("docs/{feature}.md")] {
            if !exists(&place) {
                missing.push(place);
            }
        }
        // Matching and reference data have no pages of their own: matches are shown on a
        // posting's page, and reference data through the pickers of every form.
        if !["matching", "reference"].contains(&feature) {
            for layer in [format!("crates/api/src/routes/pages/{feature}"), format!("web/templates/{feature}")] {
                if !exists(&layer) {
                    missing.push(layer);
                }
            }
        }
    }
    assert!(missing.is_empty(), "a feature is found by its name in every layer; missing:\n{}", missing.join("\n"));
}

/// The Content-Security-Policy allows styles and scripts from the site's own files only, so an
/// inline `style="…"`, an event handler attribute or an inline `<script>` silently does nothing
/// in the browser (the targets' progress bars once did): none may be written.
#[test]
fn templates_hold_no_inline_styles_or_scripts() {
    let mut found = Vec::new();
    for file in files_under("web/templates", &["html"]) {
        for (i, line) in read(&file).lines().enumerate() {
            let inline_script = line.match_indices("<script").any(|(at, _)| {
                let tag = &line[at..line[at..].find('>').map_or(line.len(), |end| at + end)];
                !tag.contains(" src=")
            });
            let handler = [" onclick=", " onload=", " onchange=", " onsubmit=", " oninput=", "javascript:"];
            if line.contains(" style=") || inline_script || handler.iter().any(|h| line.contains(h)) {
                found.push(format!("{}:{}: {}", relative(&file), i + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "the CSP refuses these; use a class in app.css or a file in web/static:\n{}",
        found.join("\n")
    );
}

/// WeChat's in-app browser (where most visitors open a shared link) blocks or mangles pop-ups
/// and dialogs: nothing may depend on a new window or a JavaScript dialog. A link that opens a
/// new tab must at least not hand the opener to the page it opens (`rel="noopener"`).
#[test]
fn nothing_depends_on_pop_ups_or_dialogs() {
    let mut found = Vec::new();
    let mut files = files_under("web/templates", &["html"]);
    files.extend(files_under("web/static", &["js"]));
    for file in files {
        for (i, line) in read(&file).lines().enumerate() {
            let dialog = ["window.open", "alert(", "confirm(", "prompt("].iter().any(|call| {
                line.match_indices(call).any(|(at, _)| {
                    // `alert(` inside another name (`showAlert(`) is not the dialog.
                    let before = line[..at].chars().next_back();
                    call.starts_with("window.") || !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
                })
            });
            let blank = line.contains("target=\"_blank\"") || line.contains("target='_blank'");
            if dialog || (blank && !line.contains("noopener")) {
                found.push(format!("{}:{}: {}", relative(&file), i + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "WeChat's browser blocks pop-ups and dialogs; show the message in the page, or link with rel=\"noopener\":\n{}",
        found.join("\n")
    );
}
