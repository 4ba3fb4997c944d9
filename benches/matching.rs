//! Matching benchmark: the real matching path (index retrieval, database re-read, scoring with the
//! catalogue model built from the national reference data) for postings among 100,000, and the
//! catalogue ranking behind free-text matching.
//!
//! ```text
//! cargo bench --bench matching -- [--docs 100000] [--subjects 200] [--seed 7]
//! ```
//!
//! Set-up: a SQLite database in a temporary directory with the demo organizations; the reference
//! data imported from ../shared/data/reference; `--docs` generated postings (the search
//! benchmark's generator) spread over the demo organizations of their side; the search index
//! rebuilt from the database, as `chanjiao reindex` does.
//!
//! Measured, one request at a time: the matches of `--subjects` postings (enterprise needs and
//! school offers alike) with the platform's 150 candidates; the same with 2,000 candidates (the
//! index's maximum, close to exhaustive for a kind) as the peer, with how often its top 10 agree;
//! and ranking every catalogue program of a level for a job title.

#[allow(dead_code)]
#[path = "search/corpus.rs"]
mod corpus;
#[path = "search/input.rs"]
mod input;
// The demo's sentence banks, the same the demo city's postings are written from.
use chanjiao_tools::demo::{texts, texts_enterprise, texts_school};

use std::sync::Arc;
use std::time::{Duration, Instant};

use chanjiao_api::entities::postings as posting_rows;
use chanjiao_api::services::matching::postings::{CANDIDATES, matches_of};
use chanjiao_api::services::postings::{insert_historical, with_org_names};
use chanjiao_api::{Config, db, indexer};
use chanjiao_domain::SchoolLevel;
use chanjiao_domain::posting::{NewPosting, PostingStatus, Side};

use crate::input::input_of;
use chanjiao_search::SearchIndex;
use sea_orm::{EntityTrait, TransactionTrait};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const PEER_CANDIDATES: usize = 2_000;
const JOB_TITLES: &[&str] = &[
    "数控车工",
    "跨境电商运营专员",
    "印染工艺技术员",
    "黄酒酿造师傅",
    "集成电路封装测试工程师",
    "PLC电气工程师",
    "珍珠直播带货主播",
    "化工操作工",
    "仓储物流主管",
    "医药销售代表",
    "焊接机器人操作员",
    "会计",
];

struct Args {
    docs: usize,
    subjects: usize,
    seed: u64,
}

fn args() -> Args {
    let mut args = Args { docs: 100_000, subjects: 200, seed: 7 };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{arg} needs a value")).replace('_', "");
        match arg.as_str() {
            "--docs" => args.docs = value().parse().expect("--docs takes a number"),
            "--subjects" => args.subjects = value().parse().expect("--subjects takes a number"),
            "--seed" => args.seed = value().parse().expect("--seed takes a number"),
            _ => {}
        }
    }
    args
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn summary(latencies: &mut [Duration]) -> String {
    latencies.sort_unstable();
    let mean = latencies.iter().sum::<Duration>() / latencies.len().max(1) as u32;
    let ms = |d: Duration| d.as_secs_f64() * 1_000.0;
    format!(
        "{:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms",
        ms(percentile(latencies, 50.0)),
        ms(percentile(latencies, 99.0)),
        ms(mean),
        ms(*latencies.last().unwrap_or(&Duration::ZERO))
    )
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), BoxError> {
    let args = args();
    // RUST_LOG=chanjiao_api::services::matching=debug shows where each request's time goes.
    if std::env::var_os("RUST_LOG").is_some() {
        chanjiao_api::telemetry::init(false);
    }
    let dir = tempfile::tempdir()?;
    let config = Config { data_dir: dir.path().to_path_buf(), ..Config::default() };
    let db = db::connect(&config).await?;
    let (enterprises, schools) = crate::input::prepare(&db).await?;

    let started = Instant::now();
    let docs = corpus::Generator::new().generate(args.docs, args.seed);
    let mut inserted = 0usize;
    for chunk in docs.chunks(5_000) {
        let txn = db.begin().await?;
        for doc in chunk {
            let Ok(posting) = NewPosting::parse(&input_of(doc, doc.id)) else { continue };
            let pool = if posting.side() == Side::Enterprise { &enterprises } else { &schools };
            let org = pool[doc.id as usize % pool.len()];
            insert_historical(
                &txn,
                org,
                &posting,
                PostingStatus::Published,
                doc.created_at,
                chanjiao_api::clock::Clock::system().now(),
            )
            .await?;
            inserted += 1;
        }
        txn.commit().await?;
    }
    eprintln!("inserted {inserted} of {} generated postings in {:.1} s", docs.len(), started.elapsed().as_secs_f64());
    drop(docs);

    let index = Arc::new(SearchIndex::open_or_create(dir.path().join("index"))?);
    let started = Instant::now();
    let indexed = indexer::rebuild(&db, &index).await?;
    eprintln!("indexed {indexed} postings in {:.1} s", started.elapsed().as_secs_f64());

    let started = Instant::now();
    let model = Arc::new(chanjiao_api::services::matching::model::load(&db).await?);
    let model_build = started.elapsed();

    let step = (inserted / args.subjects.max(1)).max(1) as u64;
    let ids: Vec<i64> = (0..args.subjects as u64).map(|i| (1 + i * step) as i64).collect();
    let rows = posting_rows::Entity::find().all(&db).await?;
    let rows: Vec<_> = rows.into_iter().filter(|r| ids.contains(&r.id)).collect();
    let subjects = with_org_names(&db, rows).await?;

    // Warm up the caches (page cache, tantivy readers) once.
    for subject in subjects.iter().take(10) {
        matches_of(&db, &index, &model, subject, 10, "zh", CANDIDATES).await?;
    }
    let mut latencies = Vec::new();
    let mut peer_latencies = Vec::new();
    let (mut agree, mut compared) = (0usize, 0usize);
    for subject in &subjects {
        let t = Instant::now();
        let found = matches_of(&db, &index, &model, subject, 10, "zh", CANDIDATES).await?;
        latencies.push(t.elapsed());
        let t = Instant::now();
        let peer = matches_of(&db, &index, &model, subject, 10, "zh", PEER_CANDIDATES).await?;
        peer_latencies.push(t.elapsed());
        let peer_ids: Vec<i64> = peer.iter().map(|m| m.posting.id).collect();
        agree += found.iter().filter(|m| peer_ids.contains(&m.posting.id)).count();
        compared += peer_ids.len();
    }
    let p99 = |l: &mut Vec<Duration>| {
        l.sort_unstable();
        percentile(l, 99.0)
    };
    let ratio = p99(&mut peer_latencies).as_secs_f64() / p99(&mut latencies).as_secs_f64();

    let mut catalogue = Vec::new();
    for (i, title) in JOB_TITLES.iter().cycle().take(240).enumerate() {
        let level = [SchoolLevel::Zhongzhi, SchoolLevel::GaozhiZhuanke, SchoolLevel::GaozhiBenke][i % 3];
        let t = Instant::now();
        let terms = chanjiao_search::terms(title);
        std::hint::black_box(model.rank(title, &terms, level, &[]));
        catalogue.push(t.elapsed());
    }

    println!("### Matching one posting among {indexed} postings ({} subjects, seed {})\n", subjects.len(), args.seed);
    println!("Catalogue model built in {:.2} s.\n", model_build.as_secs_f64());
    println!("| Path, one request at a time | p50 | p99 | mean | max |");
    println!("|---|---:|---:|---:|---:|");
    println!("| matches, {CANDIDATES} candidates (the platform) | {} |", summary(&mut latencies));
    println!("| matches, {PEER_CANDIDATES} candidates (peer) | {} |", summary(&mut peer_latencies));
    println!("| catalogue programs of a level for a job title | {} |", summary(&mut catalogue));
    println!(
        "\nPeer p99 / platform p99: ×{ratio:.1}. Top-10 agreement with the peer: {:.1} % ({agree} of {compared}).",
        100.0 * agree as f64 / compared.max(1) as f64
    );
    Ok(())
}
