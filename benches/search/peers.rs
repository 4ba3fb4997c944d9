//! The database peers: SQLite FTS5 with the trigram tokenizer, and PostgreSQL full-text search
//! over text pre-segmented with jieba. Both answer what the search API answers for one query:
//! the first 20 hits by rank with their titles, the total, and facet counts (kind, county,
//! level, cluster) over the matches, in one statement per query.
//!
//! What they do less than tantivy, in their favour: no synonyms, pinyin or code names, no
//! highlighting, and facet counts are plain rather than disjunctive (a filtered dimension is
//! counted under its own filter too).

use chanjiao_search::IndexDoc;
use jieba_rs::Jieba;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::sqlx::{self, AssertSqlSafe, PgPool, Row, SqlitePool};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};

use crate::queries::BenchQuery;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Rows per multi-row INSERT into SQLite (11 values each, under SQLite's 32,766 parameters).
const SQLITE_BATCH: usize = 1_000;

/// What one query found: matches, and the hits returned on the first page.
#[derive(Debug, Clone, Copy, Default)]
pub struct Found {
    pub total: u64,
    pub hits: usize,
}

/// The columns both peers store, flattened from an [`IndexDoc`].
struct Flat<'a> {
    id: i64,
    kind: &'static str,
    level: Option<&'static str>,
    county: String,
    township: Option<String>,
    created_at: i64,
    title: &'a str,
    description: &'a str,
    skills: String,
    clusters: Vec<&'a str>,
}

fn flatten(doc: &IndexDoc) -> Flat<'_> {
    let chain = doc.region.ancestry();
    // ancestry runs from the region up: township?, county, city, province.
    let (county, township) = if doc.region.as_str().len() == 9 {
        (chain[1].code.clone(), Some(chain[0].code.clone()))
    } else {
        (chain[0].code.clone(), None)
    };
    let mut skills = doc.skills.join(" ");
    for certificate in &doc.certificates {
        skills.push(' ');
        skills.push_str(certificate);
    }
    Flat {
        id: doc.id as i64,
        kind: doc.kind.as_str(),
        level: doc.education_level.map(|l| l.as_str()),
        county,
        township,
        created_at: doc.created_at.timestamp(),
        title: &doc.title,
        description: &doc.description,
        skills,
        clusters: doc.clusters.iter().map(|c| c.as_str()).collect(),
    }
}

/// Placeholders and values of one dynamic statement.
struct Params {
    pg: bool,
    values: Vec<String>,
}

impl Params {
    fn push(&mut self, value: impl Into<String>) -> String {
        self.values.push(value.into());
        let n = self.values.len();
        if self.pg { format!("${n}") } else { format!("?{n}") }
    }
}

/// The filter conditions on `p` (postings) shared by both peers.
fn filter_sql(query: &BenchQuery, params: &mut Params) -> String {
    let mut sql = String::new();
    if let Some(kind) = query.kind {
        sql.push_str(&format!(" AND p.kind = {}", params.push(kind.as_str())));
    }
    if let Some(region) = query.region {
        let column = if region.len() == 9 { "township" } else { "county" };
        sql.push_str(&format!(" AND p.{column} = {}", params.push(region)));
    }
    if let Some(cluster) = query.cluster {
        sql.push_str(&format!(
            " AND p.id IN (SELECT posting_id FROM posting_clusters WHERE cluster = {})",
            params.push(cluster)
        ));
    }
    sql
}

/// The statement after the matched set `m (id, rank, kind, county, level)`: hits, total and
/// facet counts as rows `(tag, id, value, n)`.
fn results_sql(pg: bool) -> String {
    let (count, order) = if pg { ("count(*)::float8", "rank DESC") } else { ("CAST(count(*) AS REAL)", "rank") };
    format!(
        "SELECT 'hit' AS tag, h.id, p.title AS value, h.rank AS n \
           FROM (SELECT id, rank FROM m ORDER BY {order}, id LIMIT 20) h JOIN postings p ON p.id = h.id \
         UNION ALL SELECT 'total', NULL, NULL, {count} FROM m \
         UNION ALL SELECT 'kind', NULL, kind, {count} FROM m GROUP BY kind \
         UNION ALL SELECT 'county', NULL, county, {count} FROM m GROUP BY county \
         UNION ALL SELECT 'level', NULL, level, {count} FROM m GROUP BY level \
         UNION ALL SELECT 'cluster', NULL, c.cluster, {count} FROM m JOIN posting_clusters c ON c.posting_id = m.id \
           GROUP BY c.cluster"
    )
}

fn found_from(tags: impl Iterator<Item = (String, f64)>) -> Found {
    let mut found = Found::default();
    for (tag, n) in tags {
        match tag.as_str() {
            "hit" => found.hits += 1,
            "total" => found.total = n as u64,
            _ => {}
        }
    }
    found
}

// ---------------------------------------------------------------- SQLite

pub struct Sqlite {
    _connection: DatabaseConnection,
    pool: SqlitePool,
    pub file: std::path::PathBuf,
}

impl Sqlite {
    /// Creates the database in `dir`, loads `docs` and builds the FTS5 index.
    pub async fn load(dir: &std::path::Path, docs: &[IndexDoc]) -> Result<Self, BoxError> {
        let file = dir.join("bench.sqlite");
        let url = format!("sqlite://{}?mode=rwc", file.display());
        let mut options = ConnectOptions::new(url);
        // A 256 MiB page cache and memory-mapped reads on every connection: SQLite's defaults
        // (2 MiB, no mmap) would handicap it against tantivy's mmap.
        options.max_connections(2).min_connections(1).sqlx_logging(false).map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .pragma("cache_size", "-262144")
                .pragma("mmap_size", "4294967296")
        });
        let connection = Database::connect(options).await?;
        connection
            .execute_unprepared(
                "CREATE TABLE postings (
                     id INTEGER PRIMARY KEY, kind TEXT NOT NULL, level TEXT, county TEXT NOT NULL,
                     township TEXT, created_at INTEGER NOT NULL, title TEXT NOT NULL,
                     description TEXT NOT NULL, skills TEXT NOT NULL);
                 CREATE TABLE posting_clusters (
                     posting_id INTEGER NOT NULL, cluster TEXT NOT NULL,
                     PRIMARY KEY (cluster, posting_id)) WITHOUT ROWID;
                 CREATE VIRTUAL TABLE postings_fts USING fts5(
                     title, description, skills, content = 'postings', content_rowid = 'id',
                     tokenize = 'trigram');",
            )
            .await?;
        let pool = connection.get_sqlite_connection_pool().clone();
        let mut tx = pool.begin().await?;
        for chunk in docs.chunks(SQLITE_BATCH) {
            let rows: Vec<Flat> = chunk.iter().map(flatten).collect();
            let mut sql = String::from(
                "INSERT INTO postings (id, kind, level, county, township, created_at, title, description, skills) VALUES ",
            );
            for (i, _) in rows.iter().enumerate() {
                let b = i * 9;
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!(
                    "(?{},?{},?{},?{},?{},?{},?{},?{},?{})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7,
                    b + 8,
                    b + 9
                ));
            }
            let mut insert = sqlx::query(AssertSqlSafe(sql));
            for row in &rows {
                insert = insert
                    .bind(row.id)
                    .bind(row.kind)
                    .bind(row.level)
                    .bind(row.county.clone())
                    .bind(row.township.clone())
                    .bind(row.created_at)
                    .bind(row.title)
                    .bind(row.description)
                    .bind(row.skills.clone());
            }
            insert.execute(&mut *tx).await?;
            let pairs: Vec<(i64, &str)> =
                rows.iter().flat_map(|r| r.clusters.iter().map(move |c| (r.id, *c))).collect();
            let mut sql = String::from("INSERT INTO posting_clusters (posting_id, cluster) VALUES ");
            for i in 0..pairs.len() {
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!("(?{},?{})", i * 2 + 1, i * 2 + 2));
            }
            let mut insert = sqlx::query(AssertSqlSafe(sql));
            for (id, cluster) in pairs {
                insert = insert.bind(id).bind(cluster);
            }
            insert.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        connection
            .execute_unprepared(
                "INSERT INTO postings_fts (postings_fts) VALUES ('rebuild');
                 CREATE INDEX postings_kind ON postings (kind);
                 CREATE INDEX postings_county ON postings (county);
                 CREATE INDEX postings_township ON postings (township);
                 CREATE INDEX posting_clusters_posting ON posting_clusters (posting_id);
                 ANALYZE;",
            )
            .await?;
        Ok(Sqlite { _connection: connection, pool, file })
    }

    /// Terms of three or more characters go to the trigram index (`MATCH`, each as a quoted
    /// substring); shorter ones, such as most two-character Chinese words, which trigrams cannot
    /// find, are `LIKE '%term%'` over the three columns. Without a term of three characters the
    /// query scans the table and ranks newest first, as there is no bm25 to rank by.
    pub async fn search(&self, query: &BenchQuery) -> Result<Found, BoxError> {
        let mut params = Params { pg: false, values: Vec::new() };
        let terms = query.terms();
        let (long, short): (Vec<&str>, Vec<&str>) = terms.into_iter().partition(|t| t.chars().count() >= 3);
        let mut likes = String::new();
        for term in &short {
            let p = params.push(format!("%{term}%"));
            likes.push_str(&format!(" AND (p.title LIKE {p} OR p.description LIKE {p} OR p.skills LIKE {p})"));
        }
        let matched = if long.is_empty() {
            format!(
                "SELECT p.id, CAST(-p.created_at AS REAL) AS rank, p.kind, p.county, p.level FROM postings p WHERE 1 = 1{likes}"
            )
        } else {
            let expr: Vec<String> = long.iter().map(|t| format!("\"{}\"", t.replace('"', "\"\""))).collect();
            let m = params.push(expr.join(" AND "));
            format!(
                "SELECT p.id, bm25(postings_fts, 10.0, 1.0, 4.0) AS rank, p.kind, p.county, p.level \
                 FROM postings_fts JOIN postings p ON p.id = postings_fts.rowid \
                 WHERE postings_fts MATCH {m}{likes}"
            )
        };
        let filters = filter_sql(query, &mut params);
        let sql = format!("WITH m AS MATERIALIZED ({matched}{filters}) {}", results_sql(false));
        let mut statement = sqlx::query(AssertSqlSafe(sql));
        for value in params.values {
            statement = statement.bind(value);
        }
        let rows = statement.fetch_all(&self.pool).await?;
        let tags = rows.iter().map(|r| (r.get::<String, _>(0), r.get::<Option<f64>, _>(3).unwrap_or_default()));
        Ok(found_from(tags))
    }

    pub fn size_bytes(&self) -> u64 {
        ["", "-wal", "-shm"]
            .iter()
            .filter_map(|suffix| std::fs::metadata(format!("{}{suffix}", self.file.display())).ok())
            .map(|m| m.len())
            .sum()
    }

    pub async fn close(self) {
        self.pool.close().await;
    }
}

// ---------------------------------------------------------------- PostgreSQL

/// One row of a PostgreSQL answer: `tag` is `hit` (with `id`, the title as `value` and the rank
/// as `n`), `total`, or a facet dimension (`kind`, `county`, `level`, `cluster`) with the value
/// and its count.
#[derive(Debug, Clone)]
#[allow(dead_code)] // the search benchmark only counts them; the HTTP peer reads every field
pub struct AnswerRow {
    pub tag: String,
    pub id: Option<i64>,
    pub value: Option<String>,
    pub n: f64,
}

pub struct Postgres {
    admin: DatabaseConnection,
    connection: DatabaseConnection,
    pool: PgPool,
    pub database: String,
    jieba: Jieba,
}

/// Jieba's search-mode words of `text`, space-separated, punctuation dropped: what
/// `to_tsvector('simple', …)` then indexes as they are.
fn segment(jieba: &Jieba, text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for token in jieba.cut_for_search(text, false) {
        if token.word.chars().any(char::is_alphanumeric) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(token.word);
        }
    }
    out
}

/// Text for PostgreSQL's COPY text format: backslash, tab and newlines escaped.
fn copy_text(out: &mut String, value: Option<&str>) {
    match value {
        None => out.push_str("\\N"),
        Some(value) => {
            for c in value.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\t' => out.push_str("\\t"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    c => out.push(c),
                }
            }
        }
    }
}

impl Postgres {
    /// Creates a fresh database `bench_<random>` on the server at `url`, loads `docs` with COPY
    /// and builds a GIN index over a weighted `tsvector` of the segmented title, skills and
    /// description.
    pub async fn load(url: &str, docs: &[IndexDoc]) -> Result<Self, BoxError> {
        let admin = Database::connect(ConnectOptions::new(url.to_owned()).sqlx_logging(false).to_owned()).await?;
        let database = format!("bench_{}", uuid::Uuid::new_v4().simple());
        admin.execute_unprepared(&format!("CREATE DATABASE {database}")).await?;
        // The server's default work_mem (4 MB) would spill the matched set of a common word to
        // disk; 64 MB per query is a usual setting for a search workload.
        admin.execute_unprepared(&format!("ALTER DATABASE {database} SET work_mem = '64MB'")).await?;
        let base = url.rsplit_once('/').map_or(url, |(base, _)| base);
        let mut options = ConnectOptions::new(format!("{base}/{database}"));
        options.max_connections(2).min_connections(1).sqlx_logging(false);
        let connection = Database::connect(options).await?;
        connection
            .execute_unprepared(
                "CREATE TABLE postings (
                     id bigint PRIMARY KEY, kind text NOT NULL, level text, county text NOT NULL,
                     township text, created_at bigint NOT NULL, title text NOT NULL,
                     description text NOT NULL, skills text NOT NULL,
                     seg_title text NOT NULL, seg_skills text NOT NULL, seg_description text NOT NULL,
                     tsv tsvector GENERATED ALWAYS AS (
                         setweight(to_tsvector('simple', seg_title), 'A')
                         || setweight(to_tsvector('simple', seg_skills), 'B')
                         || setweight(to_tsvector('simple', seg_description), 'C')) STORED);
                 CREATE TABLE posting_clusters (
                     posting_id bigint NOT NULL, cluster text NOT NULL, PRIMARY KEY (cluster, posting_id));",
            )
            .await?;
        let pool = connection.get_postgres_connection_pool().clone();
        let jieba = Jieba::new();
        let mut conn = pool.acquire().await?;
        let mut copy = conn
            .copy_in_raw(
                "COPY postings (id, kind, level, county, township, created_at, title, description, skills, \
                 seg_title, seg_skills, seg_description) FROM STDIN",
            )
            .await?;
        let mut clusters = String::new();
        for chunk in docs.chunks(5_000) {
            let mut data = String::with_capacity(chunk.len() * 2_000);
            for doc in chunk {
                let row = flatten(doc);
                data.push_str(&format!("{}\t{}\t", row.id, row.kind));
                copy_text(&mut data, row.level);
                data.push('\t');
                copy_text(&mut data, Some(&row.county));
                data.push('\t');
                copy_text(&mut data, row.township.as_deref());
                data.push_str(&format!("\t{}\t", row.created_at));
                for (i, value) in [
                    row.title.to_owned(),
                    row.description.to_owned(),
                    row.skills.clone(),
                    segment(&jieba, row.title),
                    segment(&jieba, &row.skills),
                    segment(&jieba, row.description),
                ]
                .iter()
                .enumerate()
                {
                    if i > 0 {
                        data.push('\t');
                    }
                    copy_text(&mut data, Some(value));
                }
                data.push('\n');
                for cluster in row.clusters {
                    clusters.push_str(&format!("{}\t{cluster}\n", row.id));
                }
            }
            copy.send(data.into_bytes()).await?;
        }
        copy.finish().await?;
        let mut copy = conn.copy_in_raw("COPY posting_clusters (posting_id, cluster) FROM STDIN").await?;
        copy.send(clusters.into_bytes()).await?;
        copy.finish().await?;
        drop(conn);
        connection
            .execute_unprepared(
                "CREATE INDEX postings_tsv ON postings USING gin (tsv);
                 CREATE INDEX postings_kind ON postings (kind);
                 CREATE INDEX postings_county ON postings (county);
                 CREATE INDEX postings_township ON postings (township);
                 CREATE INDEX posting_clusters_posting ON posting_clusters (posting_id);",
            )
            .await?;
        // VACUUM refuses to run in the implicit transaction of a multi-statement string.
        connection.execute_unprepared("VACUUM ANALYZE postings").await?;
        connection.execute_unprepared("VACUUM ANALYZE posting_clusters").await?;
        Ok(Postgres { admin, connection, pool, database, jieba })
    }

    /// Each term is cut by jieba (the same dictionary the documents were cut with) and every
    /// word of every term must be in the posting: `to_tsquery('simple', 'a & b & c')`, ranked
    /// by `ts_rank` over the weighted vector.
    pub async fn search(&self, query: &BenchQuery) -> Result<Found, BoxError> {
        let rows = self.answer(query).await?;
        Ok(found_from(rows.into_iter().map(|row| (row.tag, row.n))))
    }

    /// The rows [`Postgres::search`] counts, as they come: the hits (id, title, rank), the total
    /// and each facet value's count, for a peer that serves them (benches/http/peer.rs).
    pub async fn answer(&self, query: &BenchQuery) -> Result<Vec<AnswerRow>, BoxError> {
        let mut params = Params { pg: true, values: Vec::new() };
        let mut words: Vec<String> = Vec::new();
        for term in query.terms() {
            for token in self.jieba.cut(term, false) {
                let word: String = token.word.chars().filter(|c| c.is_alphanumeric()).collect();
                if !word.is_empty() {
                    words.push(word.to_lowercase());
                }
            }
        }
        let tsquery = params.push(words.join(" & "));
        let filters = filter_sql(query, &mut params);
        let sql = format!(
            "WITH m AS MATERIALIZED (SELECT p.id, ts_rank(p.tsv, q)::float8 AS rank, p.kind, p.county, p.level \
             FROM postings p, to_tsquery('simple', {tsquery}) q WHERE p.tsv @@ q{filters}) {}",
            results_sql(true)
        );
        let mut statement = sqlx::query(AssertSqlSafe(sql));
        for value in params.values {
            statement = statement.bind(value);
        }
        let rows = statement.fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| AnswerRow {
                tag: r.get(0),
                id: r.get(1),
                value: r.get(2),
                n: r.get::<Option<f64>, _>(3).unwrap_or_default(),
            })
            .collect())
    }

    pub async fn size_bytes(&self) -> Result<u64, BoxError> {
        let row = sqlx::query("SELECT pg_database_size(current_database())").fetch_one(&self.pool).await?;
        Ok(row.get::<i64, _>(0) as u64)
    }

    /// Closes the connections and drops the database.
    pub async fn drop_database(self) -> Result<(), BoxError> {
        self.pool.close().await;
        self.connection.close().await?;
        self.admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.database)).await?;
        self.admin.close().await?;
        Ok(())
    }
}
