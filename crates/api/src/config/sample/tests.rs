use std::collections::BTreeSet;

use super::*;

/// A configuration with every optional key set, so that every key of the file is rendered.
fn every_key_set() -> Config {
    Config {
        database_url: Some("postgres://chanjiao@127.0.0.1/chanjiao".into()),
        public_url: Some("https://chanjiao.example.cn".into()),
        ..Config::default()
    }
}

#[test]
fn every_key_of_the_file_is_documented_exactly_once() {
    let keys: Vec<&str> = SECTIONS.iter().flat_map(|(_, keys)| keys.iter().map(|k| k.name)).collect();
    let documented: BTreeSet<&str> = keys.iter().copied().collect();
    assert_eq!(documented.len(), keys.len(), "a key is documented twice");
    let accepted: BTreeSet<String> = table(&every_key_set()).keys().cloned().collect();
    let documented: BTreeSet<String> = documented.into_iter().map(str::to_owned).collect();
    assert_eq!(accepted, documented, "keys the file accepts vs keys the sample documents");
}

#[test]
fn the_sample_with_every_key_uncommented_loads_as_the_defaults() {
    let sample = render(&Config::default());
    let uncommented: String = sample
        .lines()
        .map(|line| match line.strip_prefix("# ") {
            Some(rest) if rest.split_once(" = ").is_some_and(|(k, _)| !k.contains(' ')) => rest,
            _ => line,
        })
        .map(|line| format!("{line}\n"))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("chanjiao.toml");
    std::fs::write(&file, uncommented).unwrap();
    let loaded = Config::load(Some(&file), |_| None).expect("the uncommented sample is a valid file");
    // The two keys without a default come back as their examples; everything else as built in.
    assert_eq!(table(&loaded), table(&every_key_set()));
}

#[test]
fn the_packaged_configuration_file_is_the_generated_sample() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/debian/chanjiao.toml");
    let generated = render(&packaged());
    if std::env::var_os("CHANJIAO_UPDATE_CONFIG_SAMPLE").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "deploy/debian/chanjiao.toml is out of date: regenerate it with \
         `CHANJIAO_UPDATE_CONFIG_SAMPLE=1 cargo test -p chanjiao-api --lib config::sample`"
    );
    let loaded = Config::load(Some(&path), |_| None).expect("the packaged file loads");
    assert_eq!(loaded.data_dir, PathBuf::from("/var/lib/chanjiao"));
    assert!(loaded.cookie_secure);
    assert!(loaded.abuse.trusted_proxies.contains("127.0.0.1".parse().unwrap()));
    assert_eq!(table(&loaded), table(&packaged()));
}

#[test]
fn only_keys_that_differ_from_the_defaults_are_active() {
    let sample = render(&packaged());
    let active: Vec<&str> = sample
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| l.split_once(" = ").map(|(k, _)| k))
        .collect();
    assert_eq!(active, ["data_dir", "cookie_secure", "trusted_proxies"]);
}
