//! The acceptance test of the change feed (docs/integration.md, "Keep a mirror in sync"): a
//! small client mirrors the postings through 1,000 mixed changes — creates, edits, publishing,
//! pausing, resuming, closing and reopening — with the server restarted on the same data
//! midway, and ends equal to the server's state, having applied every change once.
//!
//! Two mirrors run side by side: the public one (no credentials) and the enterprise's own (its
//! drafts too). Each starts from the snapshot and follows the feed from the snapshot's cursor.

use std::collections::{BTreeMap, HashMap};

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::e2e::alerts::webhooks::{Node, start_node};
use crate::e2e::support::fresh_database_url;

/// A copy of the postings one caller sees, kept by the feed.
struct Mirror {
    token: Option<String>,
    cursor: i64,
    postings: BTreeMap<i64, Value>,
    applied: usize,
}

impl Mirror {
    fn get(&self, client: &Client, url: String) -> reqwest::RequestBuilder {
        let request = client.get(url);
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    /// Starts from the snapshot, all pages.
    async fn start(client: &Client, base: &str, token: Option<String>) -> Mirror {
        let mut mirror = Mirror { token, cursor: 0, postings: BTreeMap::new(), applied: 0 };
        mirror.postings = mirror.snapshot(client, base).await;
        mirror
    }

    /// Every posting the caller sees now, and sets the cursor to continue from.
    async fn snapshot(&mut self, client: &Client, base: &str) -> BTreeMap<i64, Value> {
        let mut postings = BTreeMap::new();
        let mut page: Option<String> = None;
        loop {
            let mut url = format!("{base}/api/v1/feed/postings/snapshot?limit=100");
            if let Some(page) = &page {
                url.push_str(&format!("&page={page}"));
            }
            let body: Value = self.get(client, url).send().await.unwrap().json().await.unwrap();
            self.cursor = body["cursor"].as_str().unwrap().parse().unwrap();
            for posting in body["items"].as_array().unwrap() {
                postings.insert(posting["id"].as_i64().unwrap(), posting.clone());
            }
            match body["next_page"].as_str() {
                Some(next) => page = Some(next.to_owned()),
                None => return postings,
            }
        }
    }

    /// Reads the feed until it has nothing more, applying each change once, in order.
    async fn sync(&mut self, client: &Client, base: &str) {
        loop {
            let url = format!("{base}/api/v1/feed/postings?after={}&limit=200", self.cursor);
            let response = self.get(client, url).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            let page: Value = response.json().await.unwrap();
            for event in page["events"].as_array().unwrap() {
                let cursor: i64 = event["cursor"].as_str().unwrap().parse().unwrap();
                assert!(cursor > self.cursor, "a change after the cursor, never one seen before: {event}");
                self.cursor = cursor;
                let id = event["posting_id"].as_i64().unwrap();
                match event["posting"].is_null() {
                    true => self.postings.remove(&id),
                    false => self.postings.insert(id, event["posting"].clone()),
                };
                self.applied += 1;
            }
            let next: i64 = page["next_cursor"].as_str().unwrap().parse().unwrap();
            assert!(next >= self.cursor, "the cursor never goes back");
            self.cursor = next;
            if page["has_more"] == false {
                return;
            }
        }
    }
}

/// What the writer knows of its postings' statuses.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Status {
    Draft,
    Published,
    Paused,
    Closed,
}

/// A small deterministic generator, so a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % below
    }
}

async fn send(request: reqwest::RequestBuilder, expected: StatusCode) -> Value {
    let response = request.send().await.unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(status, expected, "{body}");
    body
}

/// One change by the enterprise: returns whether it was made.
async fn change(node: &Node, token: &str, rng: &mut Lcg, own: &mut HashMap<i64, Status>, n: usize) {
    let url = |path: &str| node.url(path);
    let mut ids: Vec<i64> = own.keys().copied().collect();
    ids.sort_unstable();
    if ids.len() < 20 || rng.next(5) == 0 {
        let publish = rng.next(3) > 0;
        let body = json!({"kind": "job", "title": format!("镜像岗位 {n}"), "region": "330603", "quantity": 2,
            "description": "数控车床操作", "ends_on": "2099-12-31", "publish": publish});
        let request = node.api.post(url("/api/v1/postings")).bearer_auth(token);
        let created = send(request.json(&body), StatusCode::CREATED).await;
        let status = if publish { Status::Published } else { Status::Draft };
        own.insert(created["id"].as_i64().unwrap(), status);
        return;
    }
    let id = ids[rng.next(ids.len())];
    let status = own[&id];
    let action = match (status, rng.next(4)) {
        (Status::Closed, _) => "reopen",
        (_, 0) | (Status::Draft, 1) => "edit",
        (Status::Draft, _) => "publish",
        (Status::Published, 1) => "pause",
        (Status::Paused, 1 | 2) => "resume",
        _ => "close",
    };
    let posting = format!("/api/v1/postings/{id}");
    if action == "edit" {
        let request = node.api.patch(url(&posting)).bearer_auth(token);
        send(request.json(&json!({"title": format!("镜像岗位 {id} 第 {n} 次修改")})), StatusCode::OK).await;
        return;
    }
    let request = node.api.post(url(&format!("{posting}/{action}"))).bearer_auth(token).json(&json!({}));
    send(request, StatusCode::OK).await;
    let after = match action {
        "reopen" => Status::Draft,
        "publish" | "resume" => Status::Published,
        "pause" => Status::Paused,
        _ => Status::Closed,
    };
    own.insert(id, after);
}

#[tokio::test]
async fn a_mirror_converges_through_a_thousand_changes_and_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let database = fresh_database_url().await;
    let mut node = start_node(dir.path(), database.clone(), &[]).await;
    let client = Client::new();
    let mut token = node.login("enterprise@demo.local").await;
    let mut public = Mirror::start(&client, &node.base, None).await;
    let mut mine = Mirror::start(&client, &node.base, Some(token.clone())).await;

    let mut rng = Lcg(20_270_301);
    let mut own: HashMap<i64, Status> = HashMap::new();
    for n in 0..1000 {
        change(&node, &token, &mut rng, &mut own, n).await;
        if n % 97 == 0 {
            public.sync(&client, &node.base).await;
            mine.sync(&client, &node.base).await;
        }
        if n == 500 {
            // A restart on the same data: the mirrors keep their cursors and carry on.
            node.stop().await;
            node = start_node(dir.path(), database.clone(), &[]).await;
            token = node.login("enterprise@demo.local").await;
            mine.token = Some(token.clone());
        }
    }
    public.sync(&client, &node.base).await;
    mine.sync(&client, &node.base).await;

    for (name, mirror) in [("public", &mut public), ("own", &mut mine)] {
        let cursor = mirror.cursor;
        let truth = mirror.snapshot(&client, &node.base).await;
        assert_eq!(mirror.postings.len(), truth.len(), "{name}: the same postings");
        for (id, posting) in &truth {
            assert_eq!(mirror.postings.get(id), Some(posting), "{name}: posting {id} as the server has it");
        }
        assert!(mirror.cursor >= cursor);
    }
    // And what the writer knows agrees: the public mirror holds exactly its published postings.
    let published: Vec<i64> = {
        let mut ids: Vec<i64> = own.iter().filter(|(_, s)| **s == Status::Published).map(|(id, _)| *id).collect();
        ids.sort_unstable();
        ids
    };
    let mirrored: Vec<i64> = public.postings.keys().copied().filter(|id| own.contains_key(id)).collect();
    assert_eq!(mirrored, published);
    let mut all_own: Vec<i64> = own.keys().copied().collect();
    all_own.sort_unstable();
    let mine_ids: Vec<i64> = mine.postings.keys().copied().filter(|id| own.contains_key(id)).collect();
    assert_eq!(mine_ids, all_own, "the enterprise's own mirror holds every one of its postings");
    assert_eq!(mine.applied, 1000, "the own mirror applied each of the 1,000 changes exactly once");
    assert!(public.applied > 500, "and the public one every change of a posting once published: {}", public.applied);
    node.stop().await;
}
