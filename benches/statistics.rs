//! Statistics benchmark: the aggregations the supply-and-demand page and the outlook run, over
//! 1,000,000 postings on PostgreSQL.
//!
//! ```text
//! CHANJIAO_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!   cargo bench --bench statistics -- [--postings 1000000] [--runs 7] [--keep]
//! ```
//!
//! Set-up: a fresh database (named by the time) beside the one the URL names, migrated, with the
//! demo organizations; `--postings` postings bulk-inserted in SQL (`INSERT … SELECT FROM
//! generate_series`) across the demand, supply and other kinds, every status, the city's six
//! districts (a fifth at township level) and ten years, each with one or two program codes and
//! one or two industry clusters; the statistics' fact rows rebuilt (`facts::rebuild`, what
//! migration 000060 does to an existing database); `ANALYZE`. The database is dropped at the end
//! unless `--keep`.
//!
//! Measured, `--runs` times each (minimum and median): each grouping query on its own, the whole
//! supply-and-demand summary for the city, for one district and for one year, the outlook, the
//! first page of a drill-down, the league tables (enterprises and schools, all years) and the whole
//! city report. Peers, in the same process: the outlook aggregated the old way
//! (read the counted postings and their program codes, total them in Rust), checked to give the
//! same totals; and the class totals grouped in SQL straight from postings joined to their codes,
//! without the fact rows; and the league's old first step, reading every published posting.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chanjiao_api::auth::CurrentUser;
use chanjiao_api::services::statistics::cells::{Grouping, Scope, cells};
use chanjiao_api::services::statistics::filter::{Filter, FilterQuery};
use chanjiao_api::services::statistics::indicators::{self, LeagueQuery, LeagueRequest};
use chanjiao_api::services::statistics::reports::city;
use chanjiao_api::services::statistics::supply_demand_postings::{Drill, DrillQuery};
use chanjiao_api::services::statistics::{facts, outlook, supply_demand, supply_demand_postings};
use chanjiao_domain::Role;
use chrono::{Datelike, NaiveDate};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, FromQueryResult, Statement};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

struct Args {
    postings: u64,
    runs: usize,
    keep: bool,
}

fn args() -> Args {
    let mut args = Args { postings: 1_000_000, runs: 7, keep: false };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{arg} needs a value")).replace('_', "");
        match arg.as_str() {
            "--postings" => args.postings = value().parse().expect("--postings takes a number"),
            "--runs" => args.runs = value().parse().expect("--runs takes a number"),
            "--keep" => args.keep = true,
            _ => {}
        }
    }
    args
}

/// Runs `f` `runs` times; returns the minimum and the median.
async fn time<F, Fut, T>(runs: usize, mut f: F) -> Result<(Duration, Duration), BoxError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, BoxError>>,
{
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        std::hint::black_box(f().await?);
        times.push(start.elapsed());
    }
    times.sort();
    Ok((times[0], times[times.len() / 2]))
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn report(name: &str, (min, median): (Duration, Duration)) {
    let verdict = if median <= Duration::from_secs(1) { "" } else { "  ← over 1 s" };
    println!("{name:<52} min {:>10}  median {:>10}{verdict}", ms(min), ms(median));
}

/// Program codes of eight classes, and the cities' clusters, for the generator.
const PROGRAMS: [&str; 16] = [
    "460103", "460104", "460301", "460305", "510201", "510401", "530701", "530802", "470101", "480201", "540101",
    "550101", "490201", "500201", "520101", "540106",
];
const CLUSTERS: [&str; 12] = [
    "ic",
    "hq_equipment",
    "biomed",
    "new_materials",
    "dyeing",
    "chemical",
    "huangjiu",
    "pearl",
    "metalwork",
    "logistics",
    "culture_tourism",
    "creative",
];

fn array(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
    format!("(ARRAY[{}])", quoted.join(","))
}

async fn generate(db: &DatabaseConnection, postings: u64, today: NaiveDate) -> Result<(), BoxError> {
    #[derive(FromQueryResult)]
    struct Org {
        id: i64,
        kind: String,
    }
    let orgs = Org::find_by_statement(Statement::from_string(
        db.get_database_backend(),
        "SELECT id, kind FROM organizations WHERE kind IN ('enterprise', 'school') ORDER BY id",
    ))
    .all(db)
    .await?;
    let ids = |kind: &str| -> String {
        let ids: Vec<String> = orgs.iter().filter(|o| o.kind == kind).map(|o| o.id.to_string()).collect();
        format!("ARRAY[{}]::bigint[]", ids.join(","))
    };
    let (enterprises, schools) = (ids("enterprise"), ids("school"));
    let first_year = today.year() - 9;
    // Kinds by weight: demand half, supply a quarter, the rest other kinds of both sides.
    let kinds = array(&[
        "job",
        "job",
        "apprenticeship",
        "order_class",
        "program_offering",
        "program_offering",
        "training_course",
        "teaching_need",
    ]);
    let statuses = array(&["published", "expired", "filled", "closed", "draft", "expired", "paused", "expired"]);
    let districts = array(&["330602", "330603", "330604", "330624", "330681", "330683"]);
    let chunk = 250_000u64;
    let mut from = 1u64;
    while from <= postings {
        let to = (from + chunk - 1).min(postings);
        let sql = format!(
            "INSERT INTO postings (organization_id, side, kind, status, title, region_code, quantity, details, \
               created_at, updated_at, published_at, placed) \
             SELECT CASE WHEN k IN ('job', 'apprenticeship', 'order_class') \
                      THEN e[1 + (g * 7) % cardinality(e)] ELSE s[1 + (g * 7) % cardinality(s)] END, \
                    CASE WHEN k IN ('job', 'apprenticeship', 'order_class') THEN 'enterprise' ELSE 'school' END, \
                    k, st, 'posting ' || g, \
                    d || CASE WHEN g % 5 = 0 THEN '001' ELSE '' END, \
                    1 + (g * 13) % 60, '{{}}', ts, ts, CASE WHEN st = 'draft' THEN NULL ELSE ts END, 0 \
             FROM (SELECT g, {kinds}[1 + g % 8] AS k, {statuses}[1 + (g / 8) % 8] AS st, \
                          {districts}[1 + (g / 3) % 6] AS d, \
                          make_timestamptz({first_year} + (g / 11) % 10, 1 + g % 12, 1 + g % 28, 9, 0, 0, 'UTC') AS ts, \
                          {enterprises} AS e, {schools} AS s \
                   FROM generate_series({from}, {to}) g) gen"
        );
        db.execute_unprepared(&sql).await?;
        from = to + 1;
    }
    let programs = array(&PROGRAMS);
    let clusters = array(&CLUSTERS);
    db.execute_unprepared(&format!(
        "INSERT INTO posting_codes (posting_id, code_type, code) \
         SELECT id, 'program', {programs}[1 + id % 16] FROM postings \
         UNION ALL SELECT id, 'program', {programs}[1 + (id / 16 + 3) % 16] FROM postings \
           WHERE id % 4 = 0 AND {programs}[1 + (id / 16 + 3) % 16] <> {programs}[1 + id % 16] \
         UNION ALL SELECT id, 'cluster', {clusters}[1 + id % 12] FROM postings \
         UNION ALL SELECT id, 'cluster', {clusters}[1 + (id / 12 + 5) % 12] FROM postings \
           WHERE id % 3 = 0 AND {clusters}[1 + (id / 12 + 5) % 12] <> {clusters}[1 + id % 12]"
    ))
    .await?;
    Ok(())
}

/// The outlook's class totals the old way (services/statistics/outlook.rs before the fact rows):
/// read every counted posting and the program codes, total in Rust.
async fn outlook_in_rust(
    db: &DatabaseConnection,
    last_year: i32,
) -> Result<BTreeMap<(String, i32), (i64, i64)>, BoxError> {
    use chanjiao_api::entities::{posting_codes, postings};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    use std::collections::HashMap;
    let kinds = ["job", "apprenticeship", "order_class", "program_offering"];
    let rows: Vec<(i64, String, Option<i64>, chrono::DateTime<chrono::Utc>)> = postings::Entity::find()
        .select_only()
        .columns([
            postings::Column::Id,
            postings::Column::Kind,
            postings::Column::Quantity,
            postings::Column::CreatedAt,
        ])
        .filter(postings::Column::Kind.is_in(kinds))
        .filter(postings::Column::Status.ne("draft"))
        .into_tuple()
        .all(db)
        .await?;
    let codes: Vec<(i64, String)> = posting_codes::Entity::find()
        .select_only()
        .columns([posting_codes::Column::PostingId, posting_codes::Column::Code])
        .filter(
            posting_codes::Column::CodeType.eq(chanjiao_api::db::Stored(chanjiao_domain::posting::CodeKind::Program)),
        )
        .into_tuple()
        .all(db)
        .await?;
    let mut classes_of: HashMap<i64, Vec<String>> = HashMap::new();
    for (posting, code) in codes {
        let class = code[..4].to_owned();
        let classes = classes_of.entry(posting).or_default();
        if !classes.contains(&class) {
            classes.push(class);
        }
    }
    let mut totals: BTreeMap<(String, i32), (i64, i64)> = BTreeMap::new();
    for (id, kind, quantity, created_at) in rows {
        let (Some(classes), Some(quantity)) = (classes_of.get(&id), quantity) else { continue };
        let year = created_at.year();
        if year > last_year {
            continue;
        }
        for class in classes {
            let entry = totals.entry((class.clone(), year)).or_default();
            if kind == "program_offering" { entry.1 += quantity } else { entry.0 += quantity }
        }
    }
    Ok(totals)
}

/// Class totals grouped in SQL straight from postings joined to their codes (no fact rows).
/// What the league did before counting in SQL: every published posting's id, owner, author and
/// publication time, read into memory.
async fn published_read_into_rust(db: &DatabaseConnection) -> Result<usize, BoxError> {
    #[derive(FromQueryResult)]
    #[allow(dead_code)]
    struct Published {
        id: i64,
        organization_id: i64,
        created_by: Option<i64>,
        published_at: Option<chrono::DateTime<chrono::Utc>>,
    }
    let rows = Published::find_by_statement(Statement::from_string(
        db.get_database_backend(),
        "SELECT id, organization_id, created_by, published_at FROM postings WHERE published_at IS NOT NULL",
    ))
    .all(db)
    .await?;
    Ok(rows.len())
}

async fn classes_by_join(db: &DatabaseConnection) -> Result<usize, BoxError> {
    let sql = "SELECT k.code, CAST(extract(year FROM p.created_at AT TIME ZONE 'UTC') AS INTEGER) AS year, \
         SUM(CASE WHEN p.kind = 'program_offering' THEN 0 ELSE p.quantity END) AS demand, \
         SUM(CASE WHEN p.kind = 'program_offering' THEN p.quantity ELSE 0 END) AS supply \
         FROM postings p JOIN (SELECT DISTINCT posting_id, substr(code, 1, 4) AS code FROM posting_codes \
           WHERE code_type = 'program') k ON k.posting_id = p.id \
         WHERE p.kind IN ('job', 'apprenticeship', 'order_class', 'program_offering') AND p.status <> 'draft' \
           AND p.quantity IS NOT NULL GROUP BY 1, 2";
    Ok(db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await?.len())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), BoxError> {
    let args = args();
    let Some(base) = std::env::var("CHANJIAO_BENCH_DATABASE_URL").ok().filter(|u| !u.is_empty()) else {
        println!(
            "statistics benchmark skipped: set CHANJIAO_BENCH_DATABASE_URL to a PostgreSQL server \
             (e.g. postgres://postgres@127.0.0.1:5432/postgres); a fresh database is created beside it"
        );
        return Ok(());
    };
    let name = format!("chanjiao_bench_statistics_{}", chrono::Utc::now().timestamp());
    let admin = Database::connect(base.as_str()).await?;
    admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await?;
    let prefix = &base[..base.rfind('/').expect("database url has a path")];
    let url = format!("{prefix}/{name}");
    let db = Database::connect(url.as_str()).await?;
    let today = chanjiao_api::clock::Clock::system().today();

    let start = Instant::now();
    chanjiao_api::db::migrate(&db).await?;
    chanjiao_tools::demo::seed(&db, &chanjiao_api::clock::Clock::system()).await?;
    generate(&db, args.postings, today).await?;
    println!("generated {} postings with their codes in {:.1} s", args.postings, start.elapsed().as_secs_f64());
    let start = Instant::now();
    facts::rebuild(&db).await?;
    println!("fact rows rebuilt in {:.1} s", start.elapsed().as_secs_f64());
    db.execute_unprepared("VACUUM ANALYZE").await?;
    #[derive(FromQueryResult)]
    struct Count {
        n: i64,
    }
    let count = |table: &str| {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        let db = db.clone();
        async move { Count::find_by_statement(Statement::from_string(db.get_database_backend(), sql)).one(&db).await }
    };
    println!(
        "rows: postings {}, posting_codes {}, posting_facts {}",
        count("postings").await?.map_or(0, |c| c.n),
        count("posting_codes").await?.map_or(0, |c| c.n),
        count("posting_facts").await?.map_or(0, |c| c.n)
    );
    println!("\n{} runs each", args.runs);

    let runs = args.runs;
    let city = Scope::default();
    for (label, grouping) in [
        ("district × year", Grouping::District),
        ("class × year", Grouping::Class),
        ("cluster × year", Grouping::Cluster),
    ] {
        let scope = city.clone();
        report(
            &format!("query: {label}, whole city"),
            time(runs, || {
                let (db, scope) = (db.clone(), scope.clone());
                async move { Ok::<_, BoxError>(cells(&db, grouping, &scope).await?.len()) }
            })
            .await?,
        );
    }
    let keqiao = Filter::parse(&FilterQuery { district: Some("330603".into()), year: None }, today)?;
    let one_year = Filter::parse(&FilterQuery { district: None, year: Some((today.year() - 2).to_string()) }, today)?;
    for (label, filter) in [
        ("supply/demand summary, whole city", Filter::default()),
        ("supply/demand summary, 柯桥区", keqiao),
        ("supply/demand summary, one year", one_year),
    ] {
        report(
            label,
            time(runs, || {
                let (db, filter) = (db.clone(), filter.clone());
                async move { Ok::<_, BoxError>(supply_demand::summary(&db, &filter).await?.by_class.len()) }
            })
            .await?,
        );
    }
    let outlook_times = time(runs, || {
        let db = db.clone();
        async move { Ok::<_, BoxError>(outlook::report(&db, today).await?.classes.len()) }
    })
    .await?;
    report("outlook (classes and clusters, forecasts)", outlook_times);
    let admin_user = CurrentUser {
        user_id: Some(0),
        email: "bench@localhost".into(),
        role: Role::PlatformAdmin,
        organization: None,
        intermediary: None,
        api_key: None,
        session_digest: String::new(),
    };
    let drill = Drill::parse(
        &DrillQuery {
            dimension: Some("class".into()),
            key: Some("4601".into()),
            measure: Some("demand".into()),
            ..DrillQuery::default()
        },
        today,
    )?;
    report(
        "drill-down: class 4601 demand, first page",
        time(runs, || {
            let (db, drill, user) = (db.clone(), drill.clone(), admin_user.clone());
            async move { Ok::<_, BoxError>(supply_demand_postings::postings(&db, &user, &drill).await?.items.len()) }
        })
        .await?,
    );
    let mut league_median = Duration::ZERO;
    for kind in ["enterprise", "school"] {
        let request = LeagueRequest::parse(&LeagueQuery { kind: Some(kind.into()), ..LeagueQuery::default() }, today)?;
        let times = time(runs, || {
            let (db, request, user) = (db.clone(), request.clone(), admin_user.clone());
            async move { Ok::<_, BoxError>(indicators::league(&db, &user, request).await?.rows.len()) }
        })
        .await?;
        league_median = league_median.max(times.1);
        report(&format!("league table: {kind}s, all years"), times);
    }
    report(
        "city report (every section), whole city",
        time(runs, || {
            let (db, user) = (db.clone(), admin_user.clone());
            async move { Ok::<_, BoxError>(city::report(&db, &user, &Filter::default(), today).await?.sections.len()) }
        })
        .await?,
    );

    println!("\npeers");
    let read_all = time(runs.min(3), || {
        let db = db.clone();
        async move { published_read_into_rust(&db).await }
    })
    .await?;
    report("league's old first step: read every published posting", read_all);
    println!("{:<52} {:.1}× the slower league's median", "", read_all.1.as_secs_f64() / league_median.as_secs_f64());
    let last_year = today.year() - 1;
    let old = time(runs.min(3), || {
        let db = db.clone();
        async move { outlook_in_rust(&db, last_year).await.map(|t| t.len()) }
    })
    .await?;
    report("outlook class totals read into Rust (the old way)", old);
    println!("{:<52} {:.1}× the new outlook's median", "", old.1.as_secs_f64() / outlook_times.1.as_secs_f64());
    let joined = time(runs.min(3), || {
        let db = db.clone();
        async move { classes_by_join(&db).await }
    })
    .await?;
    report("class totals by postings ⋈ codes in SQL (no facts)", joined);
    // The two ways agree.
    let old_totals = outlook_in_rust(&db, last_year).await?;
    let scope = Scope { up_to_year: Some(last_year), ..Scope::default() };
    let new_totals: BTreeMap<(String, i32), (i64, i64)> = cells(&db, Grouping::Class, &scope)
        .await?
        .into_iter()
        .map(|c| ((c.code, c.year), (c.demand, c.supply)))
        .collect();
    assert_eq!(old_totals, new_totals, "the fact rows give the old totals");
    println!("the fact rows' class totals equal the old way's ({} class-years)", new_totals.len());

    db.close().await?;
    if !args.keep {
        admin.execute_unprepared(&format!("DROP DATABASE \"{name}\"")).await?;
    } else {
        println!("kept database {name}");
    }
    Ok(())
}
