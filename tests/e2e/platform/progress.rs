//! Long operations report their progress through `chanjiao_api::progress`: every phase is
//! started and finished, and what is counted adds up to its announced total. The command line
//! draws that as bars only on a terminal: piped, it prints its one-line summary and nothing
//! per item.

use std::process::Command;
use std::sync::{Arc, Mutex};

use chanjiao_api::progress::{Phase, Progress};
use chanjiao_search::SearchIndex;

use crate::e2e::support::{shared_reference, spawn_app};

struct Seen {
    phase: Phase,
    total: Option<u64>,
    counted: u64,
    finished: bool,
}

#[derive(Default)]
struct Recorder {
    phases: Mutex<Vec<Seen>>,
}

impl Progress for Recorder {
    fn start(&self, phase: Phase, total: Option<u64>) {
        let mut phases = self.phases.lock().unwrap();
        assert!(phases.last().is_none_or(|p| p.finished), "{phase:?} started before the last phase finished");
        phases.push(Seen { phase, total, counted: 0, finished: false });
    }

    fn inc(&self, n: u64) {
        self.phases.lock().unwrap().last_mut().expect("inc inside a phase").counted += n;
    }

    fn finish(&self) {
        self.phases.lock().unwrap().last_mut().expect("finish of a phase").finished = true;
    }
}

impl Recorder {
    /// The phases, each checked to be finished and, when its total was announced, complete.
    fn done(&self) -> Vec<(Phase, u64)> {
        let phases = self.phases.lock().unwrap();
        phases
            .iter()
            .map(|seen| {
                assert!(seen.finished, "{:?} was not finished", seen.phase);
                if let Some(total) = seen.total {
                    assert_eq!(seen.counted, total, "{:?} counted {} of {total}", seen.phase, seen.counted);
                }
                (seen.phase, seen.counted)
            })
            .collect()
    }
}

#[tokio::test]
async fn the_demo_the_reindex_and_the_reference_import_count_every_item_of_every_phase() {
    let app = spawn_app().await;

    let demo = Recorder::default();
    let (_, added) = chanjiao_tools::demo::seed_all_with(&app.db, &app.clock, &demo).await.unwrap();
    let phases = demo.done();
    let names: Vec<Phase> = phases.iter().map(|p| p.0).collect();
    assert_eq!(
        names,
        [Phase::DemoOrganizations, Phase::DemoPostings, Phase::DemoResources, Phase::DemoBrokering, Phase::DemoRounds]
    );
    assert!(phases[0].1 >= 64, "every catalogue organization counted: {phases:?}");
    assert!(phases[1].1 as usize >= added && added >= 400, "{phases:?}, {added} added");

    let reindex = Recorder::default();
    let index = Arc::new(SearchIndex::in_ram().unwrap());
    let indexed = chanjiao_api::indexer::rebuild_with(&app.db, &index, &reindex).await.unwrap();
    assert_eq!(reindex.done(), [(Phase::IndexPostings, indexed as u64)]);
    assert!(indexed >= 300);

    let import = Recorder::default();
    let summary = chanjiao_api::services::reference::import_with(&app.db, &shared_reference(), &import).await.unwrap();
    let rows = summary.program_profiles + summary.occupation_details + summary.crosswalk_pairs;
    assert_eq!(import.done(), [(Phase::ReadReference, 0), (Phase::WriteReference, rows as u64)]);
}

#[test]
fn a_long_command_whose_output_is_piped_prints_its_summary_and_no_bars() {
    let dir = tempfile::tempdir().unwrap();
    let import = Command::new(env!("CARGO_BIN_EXE_chanjiao"))
        .args(["reference", "import"])
        .arg(shared_reference())
        .arg("--data-dir")
        .arg(dir.path())
        .env_remove("DATABASE_URL")
        .env_remove("CHANJIAO_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run chanjiao");
    assert!(import.status.success(), "{}", String::from_utf8_lossy(&import.stderr));
    let stdout = String::from_utf8_lossy(&import.stdout);
    assert!(stdout.contains("crosswalk pairs"), "{stdout}");
    assert!(!stdout.contains(Phase::WriteReference.label()), "{stdout}");
    assert!(import.stderr.is_empty(), "{}", String::from_utf8_lossy(&import.stderr));
}
