//! `chanjiao allocate`: runs an allocation mechanism on an instance file and writes the
//! assignment with its report, for batch use and for checking a round's result by hand.
//!
//! No database and no server: the instance file is all the input. The output is
//! `{"assignment": {"s1": "p1", "s2": null}, "stats": {...}}` with the assignment's keys in the
//! input's student order (written by hand below, since serde_json's maps sort their keys without
//! its `preserve_order` feature) and `stats.elapsed_ms` timing the mechanism alone, not reading,
//! parsing or writing. A bad instance is reported by file, field and reason, and no output file
//! is written; the output appears whole or not at all (written beside, then renamed).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use chanjiao_domain::allocation::{Assignment, Instance, InstanceForm, Limits, Mechanism, Problem, Stats};
use clap::{Args, ValueEnum};
use serde::Serialize;
use serde::ser::SerializeMap;

/// The examples closing `chanjiao allocate --help`.
pub const EXAMPLES: &str = "\
Examples:
  chanjiao allocate --instance round.json --out result.json
  chanjiao allocate --instance round.json --out welfare.json --mechanism max-welfare --max-prefs 30";

#[derive(Debug, Args)]
pub struct AllocateArgs {
    /// The instance, JSON: {"students": [{"id", "prefs"}], "places": [{"id", "capacity", "prefs"}]}.
    #[arg(long)]
    pub instance: PathBuf,
    /// Where to write the assignment and its report (JSON).
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long, value_enum, default_value_t = MechanismArg::StudentProposing)]
    pub mechanism: MechanismArg,
    /// The longest list a student may submit; rounds on the platform allow 20.
    #[arg(long, default_value_t = Limits::PLATFORM.max_student_prefs)]
    pub max_prefs: usize,
}

/// The mechanisms as the command line names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MechanismArg {
    /// Student-proposing deferred acceptance: stable and best for every student.
    StudentProposing,
    /// Enterprise-proposing deferred acceptance: stable and best for every place.
    EnterpriseProposing,
    /// Most students placed, then the smallest sum of their ranks; not necessarily stable.
    MaxWelfare,
}

impl From<MechanismArg> for Mechanism {
    fn from(arg: MechanismArg) -> Mechanism {
        match arg {
            MechanismArg::StudentProposing => Mechanism::StudentProposing,
            MechanismArg::EnterpriseProposing => Mechanism::EnterpriseProposing,
            MechanismArg::MaxWelfare => Mechanism::MaxWelfare,
        }
    }
}

/// Why `allocate` stopped. The causes are part of the messages rather than a source chain, so
/// the terminal shows each once.
#[derive(Debug, thiserror::Error)]
pub enum AllocateError {
    #[error("cannot read {path}: {cause}")]
    Read { path: PathBuf, cause: std::io::Error },
    #[error("{path} is not an instance: {cause}")]
    Json { path: PathBuf, cause: serde_json::Error },
    #[error("{path}: invalid instance, {} problem(s):{}", .problems.len(), listing(.problems))]
    Invalid { path: PathBuf, problems: Vec<Problem> },
    #[error("cannot write {path}: {cause}")]
    Write { path: PathBuf, cause: std::io::Error },
}

/// At most this many problems are listed; a file with thousands is fixed by the first few.
const LISTED: usize = 20;

fn listing(problems: &[Problem]) -> String {
    let mut text: String = problems.iter().take(LISTED).map(|p| format!("\n  {p}")).collect();
    if problems.len() > LISTED {
        text.push_str(&format!("\n  and {} more", problems.len() - LISTED));
    }
    text
}

/// What a run did, for the terminal.
#[derive(Debug)]
pub struct Summary {
    pub mechanism: Mechanism,
    pub stats: Stats,
    pub elapsed_ms: f64,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = &self.stats;
        write!(
            f,
            "{}: placed {} of {} students, {} of {} seats unfilled, blocking pairs: {}, {:.2} ms",
            self.mechanism, s.matched, s.students, s.unfilled_seats, s.seats, s.blocking_pairs, self.elapsed_ms
        )
    }
}

/// Reads and parses the instance, runs the mechanism and writes the result.
pub fn run(args: &AllocateArgs) -> Result<Summary, AllocateError> {
    let path = &args.instance;
    let bytes = std::fs::read(path).map_err(|cause| AllocateError::Read { path: path.clone(), cause })?;
    let form: InstanceForm =
        serde_json::from_slice(&bytes).map_err(|cause| AllocateError::Json { path: path.clone(), cause })?;
    drop(bytes);
    let instance = Instance::parse(&form, Limits { max_student_prefs: args.max_prefs })
        .map_err(|invalid| AllocateError::Invalid { path: path.clone(), problems: invalid.problems })?;
    drop(form);

    let mechanism = Mechanism::from(args.mechanism);
    let started = Instant::now();
    let assignment = mechanism.run(&instance);
    // From whole nanoseconds, so that the JSON shows 0.002399 rather than 0.0023989999999999997.
    let elapsed_ms = started.elapsed().as_nanos() as f64 / 1e6;
    let stats = Stats::of(&instance, &assignment);

    let output = Output {
        assignment: InOrder { instance: &instance, assignment: &assignment },
        stats: Report { mechanism, stats: &stats, elapsed_ms },
    };
    write_whole(&args.out, &output).map_err(|cause| AllocateError::Write { path: args.out.clone(), cause })?;
    Ok(Summary { mechanism, stats, elapsed_ms })
}

#[derive(Serialize)]
struct Output<'a> {
    assignment: InOrder<'a>,
    stats: Report<'a>,
}

#[derive(Serialize)]
struct Report<'a> {
    mechanism: Mechanism,
    #[serde(flatten)]
    stats: &'a Stats,
    elapsed_ms: f64,
}

/// The assignment as a JSON object keyed by student id, in the input's order.
struct InOrder<'a> {
    instance: &'a Instance,
    assignment: &'a Assignment,
}

impl Serialize for InOrder<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.instance.students()))?;
        for s in 0..self.instance.students() {
            let place = self.assignment.place_of(s).map(|p| self.instance.place_id(p));
            map.serialize_entry(self.instance.student_id(s), &place)?;
        }
        map.end()
    }
}

/// Writes JSON to a temporary file beside `path`, then renames it over `path`, so a reader
/// never sees half a result and a failed run leaves nothing behind.
fn write_whole(path: &Path, value: &impl Serialize) -> std::io::Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut writer = BufWriter::new(std::fs::File::create(&temporary)?);
        serde_json::to_writer(&mut writer, value)?;
        writer.write_all(b"\n")?;
        writer.into_inner().map_err(|e| e.into_error())?.sync_all()
    })();
    match written.and_then(|()| std::fs::rename(&temporary, path)) {
        Ok(()) => Ok(()),
        Err(error) => {
            let _ = std::fs::remove_file(&temporary);
            Err(error)
        }
    }
}
