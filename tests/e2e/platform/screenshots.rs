//! The visual regression guard: the key pages of every role, photographed in headless Chromium
//! at 375 px (a phone) and 1280 px (a desktop) over the deterministic demo city at a fixed
//! instant, and compared with the reviewed baselines in `tests/screenshots/<page>-<width>.png`.
//!
//! A pixel differs when any channel differs by more than [`CHANNEL_TOLERANCE`]; a page fails when
//! more than [`MAX_DIFFERING`] of its pixels do (font hinting and anti-aliasing move a few).
//! On a failure the actual screenshot and a diff image (differing pixels red over a faded copy)
//! are written to the test target's temporary directory, named in the failure.
//!
//! `CHANJIAO_UPDATE_SCREENSHOTS=1 cargo test -p chanjiao --test e2e -- screenshots` rewrites the
//! baselines (docs/screenshots.md says how to review them). A missing baseline is written and the
//! test passes, except in CI (`CI` set), where it fails: every page must have a reviewed one.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use fantoccini::{Client, Locator};
use image::{ImageFormat, Rgba, RgbaImage};

use crate::e2e::browser::{Viewport, open_browser_at, sign_in, start_chromedriver};
use crate::e2e::support::{TestApp, first_hit, spawn_app_at, with_demo_postings};

/// Channel difference (0–255) up to which two pixels count as the same.
const CHANNEL_TOLERANCE: u8 = 40;
/// Share of differing pixels above which a page has changed.
const MAX_DIFFERING: f64 = 0.01;

/// The instant every screenshot is taken at: Monday 2027-03-01, 10:00 in Beijing.
fn instant() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2027-03-01T02:00:00Z").unwrap().to_utc()
}

/// Pages by baseline name and path; `{posting}` is the demo posting the visitor opens.
type Pages = &'static [(&'static str, &'static str)];

/// Who looks (an account, or an anonymous visitor), and at which pages.
const ROLES: &[(Option<&str>, Pages)] = &[
    (None, &[("home", "/"), ("search", "/search?q=数控"), ("posting", "{posting}")]),
    (Some("enterprise@demo.local"), &[("enterprise-org", "/org"), ("enterprise-postings", "/postings")]),
    (Some("school@demo.local"), &[("school-postings", "/postings")]),
    (Some("broker@demo.local"), &[("intermediary-workspace", "/workspace")]),
    (Some("city@demo.local"), &[("city-statistics", "/statistics")]),
    (Some("admin@demo.local"), &[("admin-verifications", "/admin/verifications")]),
];

#[tokio::test]
async fn key_pages_look_as_reviewed_on_a_phone() {
    compare_key_pages(Viewport::Phone).await;
}

#[tokio::test]
async fn key_pages_look_as_reviewed_on_a_desktop() {
    compare_key_pages(Viewport::Desktop).await;
}

async fn compare_key_pages(viewport: Viewport) {
    let Some(driver) = start_chromedriver() else { return };
    let app = spawn_app_at(instant()).await;
    let token = with_demo_postings(&app).await;
    let posting =
        format!("/postings/{}", first_hit(&app, &token, "q=数控车工&kind=apprenticeship&region=330603").await);
    let browser = open_browser_at(&driver, viewport).await;
    browser.goto(&app.url("/")).await.unwrap();
    let width = browser.execute("return window.innerWidth;", vec![]).await.unwrap();
    assert_eq!(width, viewport.width(), "the browser lays pages out at {viewport:?}'s width");

    let mut problems = Vec::new();
    for (account, pages) in ROLES {
        browser.delete_all_cookies().await.unwrap();
        if let Some(email) = account {
            sign_in(&browser, &app, email).await;
        }
        for (name, path) in *pages {
            let path = path.replace("{posting}", &posting);
            let png = photograph(&browser, &app, &path).await;
            let name = format!("{name}-{}", viewport.width());
            if let Err(problem) = check(&name, &png, viewport) {
                problems.push(problem);
            }
        }
    }
    browser.close().await.unwrap();
    assert!(problems.is_empty(), "pages look different from their baselines:\n{}", problems.join("\n"));
}

/// The visible part of the page at `path` once it has loaded and its fonts are ready.
async fn photograph(browser: &Client, app: &TestApp, path: &str) -> Vec<u8> {
    browser.goto(&app.url(path)).await.unwrap();
    browser.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("main")).await.unwrap();
    // Web fonts are system fonts here, but a page may still be laying them out; the caret of
    // a focused search box blinks, so nothing keeps focus.
    let settle = "document.activeElement && document.activeElement.blur(); return document.fonts.status;";
    for _ in 0..50 {
        if browser.execute(settle, vec![]).await.unwrap() == "loaded" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    browser.screenshot().await.unwrap()
}

fn baseline_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/screenshots").join(format!("{name}.png"))
}

/// Compares a screenshot with its baseline, or writes the baseline when asked to (or when it is
/// missing outside CI). The screenshot is scaled to CSS pixels first (a phone's is taken at
/// twice its width), which keeps the baselines small and the same on any screen density.
fn check(name: &str, png: &[u8], viewport: Viewport) -> Result<(), String> {
    let actual = css_pixels(image::load_from_memory_with_format(png, ImageFormat::Png).unwrap().to_rgba8(), viewport);
    let path = baseline_path(name);
    let update = std::env::var_os("CHANJIAO_UPDATE_SCREENSHOTS").is_some_and(|v| v == "1");
    if update || !path.exists() {
        if !update && std::env::var_os("CI").is_some() {
            return Err(format!(
                "{name}: no baseline {} (write it with CHANJIAO_UPDATE_SCREENSHOTS=1)",
                path.display()
            ));
        }
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        actual.save_with_format(&path, ImageFormat::Png).unwrap();
        eprintln!("wrote the baseline {}: review it before committing", path.display());
        return Ok(());
    }
    let expected = image::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).to_rgba8();
    let outcome = compare(&expected, &actual);
    if outcome.is_ok() {
        return Ok(());
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let (actual_path, diff_path) = (dir.join(format!("{name}.actual.png")), dir.join(format!("{name}.diff.png")));
    actual.save_with_format(&actual_path, ImageFormat::Png).unwrap();
    diff_image(&expected, &actual).save_with_format(&diff_path, ImageFormat::Png).unwrap();
    Err(format!("{name}: {} — see {} and {}", outcome.unwrap_err(), actual_path.display(), diff_path.display()))
}

fn css_pixels(image: RgbaImage, viewport: Viewport) -> RgbaImage {
    let scale = image.width() / viewport.width();
    if scale <= 1 {
        return image;
    }
    let (width, height) = (image.width() / scale, image.height() / scale);
    image::imageops::resize(&image, width, height, image::imageops::FilterType::Triangle)
}

fn differs(a: &Rgba<u8>, b: &Rgba<u8>) -> bool {
    a.0.iter().zip(b.0.iter()).any(|(x, y)| x.abs_diff(*y) > CHANNEL_TOLERANCE)
}

/// Whether two screenshots are the same within the tolerances; the reason if not.
fn compare(expected: &RgbaImage, actual: &RgbaImage) -> Result<(), String> {
    if expected.dimensions() != actual.dimensions() {
        return Err(format!("size {:?} instead of {:?}", actual.dimensions(), expected.dimensions()));
    }
    let differing = expected.pixels().zip(actual.pixels()).filter(|(a, b)| differs(a, b)).count();
    let share = differing as f64 / f64::from(expected.width() * expected.height());
    if share > MAX_DIFFERING {
        return Err(format!("{:.2}% of the pixels differ (at most {:.0}% may)", share * 100.0, MAX_DIFFERING * 100.0));
    }
    Ok(())
}

/// The actual screenshot faded, with the pixels that differ from the baseline in red (over the
/// larger of the two sizes, so that a page that grew shows where).
fn diff_image(expected: &RgbaImage, actual: &RgbaImage) -> RgbaImage {
    let (width, height) = (expected.width().max(actual.width()), expected.height().max(actual.height()));
    RgbaImage::from_fn(width, height, |x, y| {
        let (e, a) = (expected.get_pixel_checked(x, y), actual.get_pixel_checked(x, y));
        match (e, a) {
            (Some(e), Some(a)) if !differs(e, a) => {
                let fade = |c: u8| 255 - (255 - c) / 4;
                Rgba([fade(a[0]), fade(a[1]), fade(a[2]), 255])
            }
            _ => Rgba([220, 0, 0, 255]),
        }
    })
}

#[test]
fn the_comparison_tolerates_anti_aliasing_but_not_a_moved_block() {
    let white = RgbaImage::from_pixel(100, 100, Rgba([255, 255, 255, 255]));
    let mut hinted = white.clone();
    for x in 0..100 {
        hinted.put_pixel(x, 50, Rgba([230, 230, 230, 255])); // every pixel of a row, slightly
    }
    for x in 0..50 {
        hinted.put_pixel(x, 10, Rgba([0, 0, 0, 255])); // half a row, strongly: 0.5%
    }
    assert!(compare(&white, &hinted).is_ok());
    let mut moved = white.clone();
    for x in 0..20 {
        for y in 0..10 {
            moved.put_pixel(x, y, Rgba([0, 0, 0, 255])); // 2% of the pixels
        }
    }
    assert!(compare(&white, &moved).unwrap_err().contains("2.00% of the pixels differ"));
    assert!(compare(&white, &RgbaImage::new(100, 90)).unwrap_err().contains("size"));
    let diff = diff_image(&white, &moved);
    assert_eq!(diff.get_pixel(0, 0), &Rgba([220, 0, 0, 255]));
    assert_eq!(diff.get_pixel(50, 50), &Rgba([255, 255, 255, 255]));
}
