//! Crawl progress on stderr: a bar on a terminal (indicatif), a few plain lines otherwise (CI
//! logs), nothing with `--quiet`.

use std::io::Write as _;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How the crawl shows its progress.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Progress {
    /// Nothing (the library default, and `--quiet`).
    #[default]
    Quiet,
    /// A line at every tenth of the stores (or every 10 seconds) and a summary: for logs.
    Lines,
    /// A progress bar that redraws in place, and a summary: for terminals.
    Bar,
}

impl Progress {
    /// `Bar` when stderr is a terminal, else `Lines`; `Quiet` when `quiet`.
    #[must_use]
    pub fn for_stderr(quiet: bool) -> Self {
        use std::io::IsTerminal as _;
        if quiet {
            Self::Quiet
        } else if std::io::stderr().is_terminal() {
            Self::Bar
        } else {
            Self::Lines
        }
    }
}

/// How one store ended, for the counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    /// Read from the store.
    Read,
    /// Unchanged since the last build: facts from the cache.
    Cached,
    /// Could not be read.
    Failed,
    /// Not read (offline).
    Skipped,
}

/// Counts finished stores and shows them.
#[derive(Debug)]
pub struct Reporter {
    mode: Progress,
    bar: Option<ProgressBar>,
    total: usize,
    done: usize,
    read: usize,
    cached: usize,
    failed: usize,
    skipped: usize,
    started: Instant,
    last_line: Instant,
    next_tenth: usize,
}

impl Reporter {
    /// A reporter for `total` stores.
    #[must_use]
    pub fn new(mode: Progress, total: usize) -> Self {
        let bar = (mode == Progress::Bar && total > 0).then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "crawl {bar:30.cyan/blue} {pos}/{len} stores  {msg}  {elapsed}/{duration}",
            )
            .map_or_else(
                |_| ProgressStyle::default_bar(),
                |style| style.progress_chars("=> "),
            );
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        let now = Instant::now();
        Self {
            mode,
            bar,
            total,
            done: 0,
            read: 0,
            cached: 0,
            failed: 0,
            skipped: 0,
            started: now,
            last_line: now,
            next_tenth: 1,
        }
    }

    fn counters(&self) -> String {
        let mut parts = vec![format!("{} read", self.read)];
        if self.cached > 0 {
            parts.push(format!("{} unchanged", self.cached));
        }
        if self.failed > 0 {
            parts.push(format!("{} failed", self.failed));
        }
        if self.skipped > 0 {
            parts.push(format!("{} skipped", self.skipped));
        }
        parts.join(", ")
    }

    /// One more store finished.
    pub fn store_done(&mut self, how: Done) {
        self.done += 1;
        match how {
            Done::Read => self.read += 1,
            Done::Cached => self.cached += 1,
            Done::Failed => self.failed += 1,
            Done::Skipped => self.skipped += 1,
        }
        match self.mode {
            Progress::Quiet => {}
            Progress::Bar => {
                if let Some(bar) = &self.bar {
                    bar.set_message(self.counters());
                    bar.inc(1);
                }
            }
            Progress::Lines => {
                let tenth = self.done * 10 / self.total.max(1);
                let due = self.last_line.elapsed() >= Duration::from_secs(10);
                if (tenth >= self.next_tenth || due) && self.done < self.total {
                    self.next_tenth = tenth + 1;
                    self.last_line = Instant::now();
                    let _ = writeln!(
                        std::io::stderr().lock(),
                        "crawl: {}/{} stores ({}%): {}",
                        self.done,
                        self.total,
                        self.done * 100 / self.total.max(1),
                        self.counters()
                    );
                }
            }
        }
    }

    /// The summary line, with the number of requests made and how many of them read objects.
    pub fn finish(self, requests: u64, reads: u64) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if self.mode != Progress::Quiet && self.total > 0 {
            let _ = writeln!(
                std::io::stderr().lock(),
                "crawl: {} stores in {:.1} s: {}; {requests} requests ({reads} reads)",
                self.total,
                self.started.elapsed().as_secs_f64(),
                self.counters()
            );
        }
    }
}
