//! The city's statistics in a real browser at a phone's width: the authority opens the
//! dashboard, narrows it to 柯桥区 with the filter form, carries the filter to the reports tab
//! and downloads the city report, which Chromium saves and calamine then reads.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use calamine::{Data, Reader, Xlsx};
use fantoccini::{Client, Locator};
use serde_json::json;

use crate::e2e::browser::{open_browser_downloading_to, sign_in, start_chromedriver};
use crate::e2e::support::{spawn_app, with_demo_postings};

const KEQIAO: &str = "330603";

/// The first finished `.xlsx` in `dir` (Chromium writes `.crdownload` until it is done). Waits
/// asynchronously: the server under test runs on this test's runtime and must serve the file.
async fn wait_for_download(dir: &Path, within: Duration) -> PathBuf {
    let deadline = Instant::now() + within;
    loop {
        let done = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "xlsx"));
        if let Some(path) = done {
            return path;
        }
        assert!(Instant::now() < deadline, "no report downloaded into {}", dir.display());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn cover_value(book: &mut Xlsx<Cursor<Vec<u8>>>, label: &str) -> Data {
    let cover = book.worksheet_range("封面").expect("a cover sheet");
    let row =
        cover.rows().find(|r| r[0] == Data::String(label.into())).unwrap_or_else(|| panic!("{label} on the cover"));
    row[1].clone()
}

async fn text_of(browser: &Client, css: &str) -> String {
    browser.wait().at_most(Duration::from_secs(15)).for_element(Locator::Css(css)).await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn the_city_opens_the_dashboard_filters_to_keqiao_and_downloads_the_report() {
    let Some(driver) = start_chromedriver() else { return };
    let app = spawn_app().await;
    with_demo_postings(&app).await;
    let downloads = tempfile::tempdir().unwrap();
    let browser = open_browser_downloading_to(&driver, downloads.path()).await;
    sign_in(&browser, &app, "city@demo.local").await;
    browser.wait().at_most(Duration::from_secs(15)).for_element(Locator::Css("#org-title")).await.unwrap();

    // The dashboard, for the whole city first.
    browser.goto(&app.url("/statistics")).await.unwrap();
    let heading = text_of(&browser, "#targets-progress").await;
    assert!(!heading.contains("柯桥区"), "{heading}");

    // Narrow it to 柯桥区 with the filter form under the tabs.
    let select = browser.find(Locator::Css("#stats-district")).await.unwrap();
    select.select_by_value(KEQIAO).await.unwrap();
    browser.find(Locator::Css("form.stats-filter button[type=submit]")).await.unwrap().click().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    while !browser.current_url().await.unwrap().query().unwrap_or_default().contains(KEQIAO) {
        assert!(Instant::now() < deadline, "the filter is a GET form that puts the district in the address");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(text_of(&browser, "#targets-progress").await.contains("柯桥区"));
    let chosen = browser.execute("return document.querySelector('#stats-district').value;", vec![]).await.unwrap();
    assert_eq!(chosen, json!(KEQIAO), "the form shows the district it filters by");
    let overflow = browser.execute("return document.documentElement.scrollWidth > 375;", vec![]).await.unwrap();
    assert_eq!(overflow, json!(false), "the dashboard scrolls sideways on a phone");

    // The tabs keep the filter: the reports tab offers 柯桥区's city report.
    browser.find(Locator::Css("nav.tabs a[href^='/statistics/reports']")).await.unwrap().click().await.unwrap();
    let link = browser
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css("a[href^='/statistics/reports/city.xlsx']"))
        .await
        .unwrap();
    let href = link.attr("href").await.unwrap().unwrap_or_default();
    assert!(href.contains(&format!("district={KEQIAO}")), "{href}");
    link.click().await.unwrap();
    let file = wait_for_download(downloads.path(), Duration::from_secs(30)).await;
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.contains("柯桥区"), "the file is named after the district: {name}");
    let mut book = Xlsx::new(Cursor::new(std::fs::read(&file).unwrap())).expect("a workbook");
    assert_eq!(cover_value(&mut book, "区县"), Data::String("柯桥区".into()));
    assert_eq!(cover_value(&mut book, "区划代码"), Data::String(KEQIAO.into()));
    assert!(book.sheet_names().len() > 2, "the report's sections follow the cover: {:?}", book.sheet_names());
}
