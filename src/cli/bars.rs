//! The command line's [`Progress`]: one indicatif bar per phase on standard error, with counts,
//! a rate and the time taken, or a spinner when the phase's size is unknown.
//!
//! indicatif draws nothing when standard error is not a terminal, and nothing else here prints
//! per item, so logs and pipes see only each command's closing summary on standard output.

use std::sync::Mutex;
use std::time::Duration;

use chanjiao_api::progress::{Phase, Progress};
use indicatif::{ProgressBar, ProgressState, ProgressStyle};

/// Bars for the phases of one command, one after the other. A finished bar stays on screen as a
/// record of what was done.
#[derive(Default)]
pub struct Bars {
    current: Mutex<Option<ProgressBar>>,
}

impl Bars {
    fn current(&self) -> std::sync::MutexGuard<'_, Option<ProgressBar>> {
        // A panic while drawing leaves a bar that is still usable.
        self.current.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Items a second, whole: "1234/s" reads better than indicatif's four decimals.
fn rate(state: &ProgressState, out: &mut dyn std::fmt::Write) {
    let _ = write!(out, "{:.0}/s", state.per_sec());
}

fn counted() -> ProgressStyle {
    ProgressStyle::with_template("{prefix:>31} [{bar:30}] {pos}/{len} {rate} {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .with_key("rate", rate)
        .progress_chars("=> ")
}

fn spinning() -> ProgressStyle {
    ProgressStyle::with_template("{prefix:>31} {spinner} {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
        // The last string is the one shown once the phase is finished.
        .tick_strings(&["-", "\\", "|", "/", "done"])
}

impl Progress for Bars {
    fn start(&self, phase: Phase, total: Option<u64>) {
        let bar = match total {
            Some(total) => ProgressBar::new(total).with_style(counted()),
            None => {
                let bar = ProgressBar::new_spinner().with_style(spinning());
                bar.enable_steady_tick(Duration::from_millis(120));
                bar
            }
        };
        bar.set_prefix(phase.label());
        if let Some(previous) = self.current().replace(bar) {
            previous.finish();
        }
    }

    fn inc(&self, n: u64) {
        if let Some(bar) = self.current().as_ref() {
            bar.inc(n);
        }
    }

    fn finish(&self) {
        if let Some(bar) = self.current().take() {
            bar.finish();
        }
    }
}

impl Drop for Bars {
    /// A command that failed mid-phase leaves its bar where it stopped rather than spinning.
    fn drop(&mut self) {
        if let Some(bar) = self.current().take() {
            bar.abandon();
        }
    }
}
