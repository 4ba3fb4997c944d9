//! `chanjiao reference import DIR`: loads the reference data that may be used but not shipped
//! (program profiles, occupation definitions and tasks, the program ↔ occupation crosswalk) from
//! a folder such as `../shared/data/reference` into the database.
//!
//! Every file is read and checked before anything is written; the tables are then replaced in
//! one transaction, so importing twice gives the same result and a bad file changes nothing.
//! Codes that the embedded catalogues do not know (renamed or retired programs) are skipped and
//! reported, not fatal.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chanjiao_domain::SchoolLevel;
use chanjiao_domain::reference::{OccupationCode, ProgramCode};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};
use serde::{Deserialize, Serialize};

use crate::db::Stored;
use crate::entities::{occupation_details, program_occupations, program_profiles};
use crate::progress::{Phase, Progress, Silent};

pub const PROFILES_FILE: &str = "program_profiles_2022.jsonl";
pub const OCCUPATIONS_FILE: &str = "occupations_2022.csv";
pub const CROSSWALK_FILE: &str = "program_occupation_crosswalk_2023.csv";

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    /// Over a bound of [`crate::limits`]: a file larger, or with more lines, than reference data
    /// ever has; refused before it is parsed.
    #[error(transparent)]
    TooLarge(#[from] crate::limits::FileReadError),
    #[error("{path}:{line}: {message}")]
    Malformed { path: PathBuf, line: usize, message: String },
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
}

/// What an import loaded and what it could not resolve.
#[derive(Debug, Default, Serialize)]
pub struct ImportSummary {
    pub program_profiles: usize,
    pub occupation_details: usize,
    pub crosswalk_pairs: usize,
    pub unresolved_programs: BTreeSet<String>,
    pub unresolved_occupations: BTreeSet<String>,
}

#[derive(Debug, Deserialize)]
struct ProfileLine {
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    occupations: String,
    #[serde(default)]
    objective: String,
    #[serde(default)]
    abilities: String,
    #[serde(default)]
    courses: String,
    #[serde(default)]
    certificates: String,
    #[serde(default)]
    further_study: String,
}

#[derive(Debug, Deserialize)]
struct OccupationLine {
    code: String,
    #[serde(default)]
    definition: String,
    #[serde(default)]
    tasks: String,
}

#[derive(Debug, Deserialize)]
struct CrosswalkLine {
    level: String,
    program_code: String,
    occupation_code: String,
}

struct Parsed {
    profiles: Vec<program_profiles::ActiveModel>,
    occupations: Vec<occupation_details::ActiveModel>,
    pairs: Vec<program_occupations::ActiveModel>,
    summary: ImportSummary,
}

fn read(path: &Path) -> Result<String, ImportError> {
    use crate::limits::{FileReadError, MAX_REFERENCE_FILE_BYTES, MAX_REFERENCE_ROWS, read_text_file};
    read_text_file(path, MAX_REFERENCE_FILE_BYTES, MAX_REFERENCE_ROWS).map_err(|e| match e {
        FileReadError::Io { source, .. } => ImportError::Read { path: path.to_owned(), source },
        other => ImportError::TooLarge(other),
    })
}

fn malformed(path: &Path, line: usize, message: impl ToString) -> ImportError {
    ImportError::Malformed { path: path.to_owned(), line, message: message.to_string() }
}

fn parse_dir(dir: &Path) -> Result<Parsed, ImportError> {
    let mut summary = ImportSummary::default();
    let mut profiles = Vec::new();
    let path = dir.join(PROFILES_FILE);
    for (index, line) in read(&path)?.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let p: ProfileLine = serde_json::from_str(line).map_err(|e| malformed(&path, index + 1, e))?;
        let Ok(code) = ProgramCode::parse(&p.code) else {
            summary.unresolved_programs.insert(p.code);
            continue;
        };
        profiles.push(program_profiles::ActiveModel {
            code: Set(code.as_str().to_owned()),
            name: Set(p.name),
            occupations: Set(p.occupations),
            objective: Set(p.objective),
            abilities: Set(p.abilities),
            courses: Set(p.courses),
            certificates: Set(p.certificates),
            further_study: Set(p.further_study),
        });
    }
    // A profile file may list a program twice (two transcriptions); keep the first.
    let mut seen = BTreeSet::new();
    profiles.retain(|p| seen.insert(p.code.clone().unwrap()));

    let mut occupations = Vec::new();
    let path = dir.join(OCCUPATIONS_FILE);
    let text = read(&path)?;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut seen = BTreeSet::new();
    for (index, record) in reader.deserialize::<OccupationLine>().enumerate() {
        let o = record.map_err(|e| malformed(&path, index + 2, e))?;
        if o.definition.trim().is_empty() && o.tasks.trim().is_empty() {
            continue;
        }
        let Ok(code) = OccupationCode::parse(&o.code) else {
            summary.unresolved_occupations.insert(o.code);
            continue;
        };
        if seen.insert(code.as_str().to_owned()) {
            occupations.push(occupation_details::ActiveModel {
                code: Set(code.as_str().to_owned()),
                definition: Set(o.definition),
                tasks: Set(o.tasks),
            });
        }
    }

    let mut pairs = Vec::new();
    let path = dir.join(CROSSWALK_FILE);
    let text = read(&path)?;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut seen = BTreeSet::new();
    for (index, record) in reader.deserialize::<CrosswalkLine>().enumerate() {
        let c = record.map_err(|e| malformed(&path, index + 2, e))?;
        let level: SchoolLevel = c.level.parse().map_err(|e| malformed(&path, index + 2, format!("level {e}")))?;
        let program = ProgramCode::parse(&c.program_code);
        let occupation = OccupationCode::parse(&c.occupation_code);
        let (Ok(program), Ok(occupation)) = (program, occupation) else {
            if ProgramCode::parse(&c.program_code).is_err() {
                summary.unresolved_programs.insert(c.program_code);
            }
            if OccupationCode::parse(&c.occupation_code).is_err() {
                summary.unresolved_occupations.insert(c.occupation_code);
            }
            continue;
        };
        let key = (program.as_str().to_owned(), occupation.as_str().to_owned(), level);
        if seen.insert(key.clone()) {
            pairs.push(program_occupations::ActiveModel {
                program_code: Set(key.0),
                occupation_code: Set(key.1),
                level: Set(Stored(level)),
            });
        }
    }
    summary.program_profiles = profiles.len();
    summary.occupation_details = occupations.len();
    summary.crosswalk_pairs = pairs.len();
    Ok(Parsed { profiles, occupations, pairs, summary })
}

/// Reads `dir`, then replaces the three reference tables in one transaction.
pub async fn import(db: &DatabaseConnection, dir: &Path) -> Result<ImportSummary, ImportError> {
    import_with(db, dir, &Silent).await
}

/// [`import`], reporting the reading of the files and then each batch of rows written.
pub async fn import_with(
    db: &DatabaseConnection,
    dir: &Path,
    progress: &dyn Progress,
) -> Result<ImportSummary, ImportError> {
    let dir = dir.to_owned();
    progress.start(Phase::ReadReference, None);
    let parsed = tokio::task::spawn_blocking(move || parse_dir(&dir))
        .await
        .map_err(|e| ImportError::Database(sea_orm::DbErr::Custom(format!("import task failed: {e}"))))??;
    progress.finish();
    let rows = parsed.profiles.len() + parsed.occupations.len() + parsed.pairs.len();
    progress.start(Phase::WriteReference, Some(rows as u64));
    let txn = crate::db::begin_write(db).await?;
    program_profiles::Entity::delete_many().exec(&txn).await?;
    occupation_details::Entity::delete_many().exec(&txn).await?;
    program_occupations::Entity::delete_many().exec(&txn).await?;
    // Batches keep each statement under SQLite's and PostgreSQL's parameter limits.
    for chunk in parsed.profiles.chunks(100) {
        program_profiles::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
        progress.inc(chunk.len() as u64);
    }
    for chunk in parsed.occupations.chunks(500) {
        occupation_details::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
        progress.inc(chunk.len() as u64);
    }
    for chunk in parsed.pairs.chunks(1000) {
        program_occupations::Entity::insert_many(chunk.to_vec()).exec(&txn).await?;
        progress.inc(chunk.len() as u64);
    }
    txn.commit().await?;
    progress.finish();
    Ok(parsed.summary)
}

impl ImportSummary {
    /// A report for the terminal, in both languages.
    pub fn report(&self) -> String {
        let list = |codes: &BTreeSet<String>| {
            if codes.is_empty() { "—".to_owned() } else { codes.iter().cloned().collect::<Vec<_>>().join(", ") }
        };
        format!(
            "专业简介 program profiles: {}\n职业定义 occupation definitions: {}\n专业—职业对应 crosswalk pairs: {}\n\
             未能识别的专业代码 unresolved program codes ({}): {}\n未能识别的职业代码 unresolved occupation codes ({}): {}",
            self.program_profiles,
            self.occupation_details,
            self.crosswalk_pairs,
            self.unresolved_programs.len(),
            list(&self.unresolved_programs),
            self.unresolved_occupations.len(),
            list(&self.unresolved_occupations),
        )
    }
}
