//! The inbox page shows times in Beijing time, not cut from UTC text: a notice sent at 17:30 UTC
//! on 1 March is read at 01:30 on 2 March in Shaoxing.

use chanjiao_api::services::alerts::{Notice, Topic, notify};
use chrono::{TimeZone, Utc};
use sea_orm::TransactionTrait;
use serde_json::json;

use crate::e2e::support::{page_text, signed_in, spawn_app};

#[tokio::test]
async fn the_inbox_shows_when_a_notice_came_in_beijing_time() {
    let app = spawn_app().await;
    let (browser, _) = signed_in(&app, "enterprise@demo.local").await;
    let token = app.demo_login("enterprise@demo.local").await;
    let notice = Notice {
        organization_id: app.my_org_id(&token).await,
        topic: Topic::ProjectUpdated,
        title_zh: "深夜的通知".into(),
        title_en: "A notice late at night".into(),
        link: "/projects".into(),
        data: json!({}),
    };
    let txn = app.db.begin().await.unwrap();
    notify(&txn, notice, Utc.with_ymd_and_hms(2027, 3, 1, 17, 30, 0).unwrap()).await.unwrap();
    txn.commit().await.unwrap();

    let html = page_text(&browser, &app, "/inbox").await;
    assert!(html.contains("深夜的通知"), "{html}");
    assert!(html.contains("2027-03-02 01:30"), "Beijing time, the next day");
    assert!(!html.contains("2027-03-01 17:30"), "never the UTC wall-clock");
}
