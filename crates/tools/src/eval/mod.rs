//! `chanjiao eval`: how well the matcher ranks the national catalogue's programs for a need,
//! measured against the evaluation sets in `../shared/data/eval` (see their README).
//!
//! `eval rank` ranks, for every query and level of a query file, all catalogue programs of that
//! level with the platform's catalogue matcher (or the plain BM25 baseline) and writes one JSON
//! line per pair; `eval score` scores such a file against a labelled query file ([`score`]);
//! `eval compare` does both for both methods on several files in one run, which is how
//! docs/matching.md is produced.

pub mod rank;
pub mod score;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use chanjiao_api::progress::Progress;
use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{path}:{line}: {message}")]
    Malformed { path: PathBuf, line: usize, message: String },
    #[error(
        "{path} carries hashed labels (a test set): it is scored by the product owners, not locally; \
         `eval rank` still ranks it"
    )]
    HashedLabels { path: PathBuf },
}

/// The labels of one level of a query; absent in test sets, whose labels are hashed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Labels {
    #[serde(default)]
    pub relevant: Option<Vec<String>>,
    #[serde(default)]
    pub class_only_count: usize,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EvalQuery {
    pub query_id: String,
    pub query_text: String,
    pub levels: BTreeMap<String, Labels>,
    /// The occupation the query stands for; dev sets only, used only to withhold it from the
    /// crosswalk when simulating test conditions.
    #[serde(default)]
    pub occupation: Option<String>,
}

/// One line of a rankings file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Ranking {
    pub query_id: String,
    pub level: String,
    pub ranked: Vec<String>,
}

fn read_lines<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Vec<T>, EvalError> {
    let file = std::fs::File::open(path).map_err(|source| EvalError::Read { path: path.into(), source })?;
    let mut items = Vec::new();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|source| EvalError::Read { path: path.into(), source })?;
        if line.trim().is_empty() {
            continue;
        }
        let item = serde_json::from_str(&line).map_err(|e| EvalError::Malformed {
            path: path.into(),
            line: i + 1,
            message: e.to_string(),
        })?;
        items.push(item);
    }
    Ok(items)
}

pub fn read_queries(path: &Path) -> Result<Vec<EvalQuery>, EvalError> {
    read_lines(path)
}

pub fn read_rankings(path: &Path) -> Result<Vec<Ranking>, EvalError> {
    read_lines(path)
}

pub fn write_rankings(path: &Path, rankings: &[Ranking]) -> Result<(), EvalError> {
    let write = || -> std::io::Result<()> {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        for ranking in rankings {
            serde_json::to_writer(&mut out, ranking)?;
            out.write_all(b"\n")?;
        }
        out.flush()
    };
    write().map_err(|source| EvalError::Write { path: path.into(), source })
}

/// Checks that every level of every query carries labels in clear.
pub fn require_labels(path: &Path, queries: &[EvalQuery]) -> Result<(), EvalError> {
    if queries.iter().flat_map(|q| q.levels.values()).any(|l| l.relevant.is_none()) {
        return Err(EvalError::HashedLabels { path: path.into() });
    }
    Ok(())
}

/// The examples closing `chanjiao eval --help` and each of its subcommands' help.
pub const EXAMPLES: &str = "\
Examples:
  chanjiao reference import ../shared/data/reference     # first: the matcher needs the crosswalk
  chanjiao eval rank --queries ../shared/data/eval/job_title_test.jsonl --out rankings.jsonl
  chanjiao eval score --queries ../shared/data/eval/job_title_dev.jsonl --rankings rankings.jsonl
  chanjiao eval compare --queries ../shared/data/eval/job_title_dev.jsonl \\
                        --queries ../shared/data/eval/occupation_text_dev.jsonl";

/// `chanjiao eval …`
#[derive(Debug, clap::Subcommand)]
pub enum EvalCommand {
    /// Rank the catalogue programs of each query's levels and write the rankings as JSON lines.
    #[command(after_help = EXAMPLES)]
    Rank {
        #[arg(long)]
        queries: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, value_enum, default_value = "matcher")]
        method: rank::Method,
        /// Hide each query's own occupation (named in dev sets) from the crosswalk while ranking
        /// it, as the test sets' occupations are hidden.
        #[arg(long)]
        withhold_own_occupation: bool,
    },
    /// Print nDCG@10, Recall@10 and MRR of a rankings file against a labelled query file.
    #[command(after_help = EXAMPLES)]
    Score {
        #[arg(long)]
        queries: PathBuf,
        #[arg(long)]
        rankings: PathBuf,
    },
    /// Rank and score labelled query files with the BM25 baseline and the matcher, in one run,
    /// with the crosswalk as imported and with each query's occupation withheld.
    #[command(after_help = EXAMPLES)]
    Compare {
        #[arg(long = "queries", required = true)]
        queries: Vec<PathBuf>,
    },
}

/// Runs an eval command against the reference data imported into `db`, reporting the queries
/// ranked to `progress`.
pub async fn run(
    db: &sea_orm::DatabaseConnection,
    command: EvalCommand,
    progress: &dyn Progress,
) -> anyhow::Result<()> {
    match command {
        EvalCommand::Score { queries, rankings } => {
            let labelled = read_queries(&queries)?;
            require_labels(&queries, &labelled)?;
            let report = score::score(&labelled, &read_rankings(&rankings)?);
            print!("{}", report.table());
        }
        EvalCommand::Rank { queries, out, method, withhold_own_occupation } => {
            let model = chanjiao_api::services::matching::model::load(db).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            warn_without_reference(&model);
            let queries = read_queries(&queries)?;
            let rankings = rank::rank_all(&model, &queries, method, withhold_own_occupation, progress);
            write_rankings(&out, &rankings)?;
            println!("wrote {} rankings to {}", rankings.len(), out.display());
        }
        EvalCommand::Compare { queries } => {
            let model = chanjiao_api::services::matching::model::load(db).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            warn_without_reference(&model);
            for path in queries {
                let labelled = read_queries(&path)?;
                require_labels(&path, &labelled)?;
                println!("## {}\n", path.display());
                let runs = [
                    (rank::Method::Bm25, false, "crosswalk as imported"),
                    (rank::Method::Matcher, false, "crosswalk as imported"),
                    (rank::Method::Matcher, true, "each query's occupation withheld (test conditions)"),
                ];
                let mut baseline = None;
                for (method, withhold, condition) in runs {
                    let started = std::time::Instant::now();
                    let rankings = rank::rank_all(&model, &labelled, method, withhold, progress);
                    let report = score::score(&labelled, &rankings);
                    let gain = baseline
                        .map_or(String::new(), |b: f64| format!(", {:+.4} nDCG@10 over BM25", report.overall.ndcg - b));
                    println!(
                        "### {} — {condition} ({:.1} s{gain})\n\n```\n{}```\n",
                        method.label(),
                        started.elapsed().as_secs_f64(),
                        report.table()
                    );
                    baseline.get_or_insert(report.overall.ndcg);
                }
            }
        }
    }
    Ok(())
}

fn warn_without_reference(model: &chanjiao_domain::matching::CatalogueModel) {
    if !model.has_crosswalk() {
        eprintln!(
            "warning: no reference data imported; run `chanjiao reference import ../shared/data/reference` first \
             (the matcher knows program and occupation names only)"
        );
    }
}
