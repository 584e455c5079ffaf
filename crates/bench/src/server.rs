//! The server under measurement, in a process of its own: the shipped `priemna serve`, started
//! from the binary beside this one, so that the load generator's threads and memory are not
//! counted as the server's (as with a client on another machine).

use anyhow::{Context, bail};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl ServerProcess {
    /// Starts `priemna serve` on a free port over the register at `url`, every rate limit off
    /// (the load generator is one client), the search index in `scratch`. Mail is configured as
    /// in production, so receipts are queued as they would be there; the SMTP server it names is
    /// down (the discard port of this machine), so the outbox worker tries each receipt once
    /// during the run — reading its case and writing it — and puts it back for an hour.
    pub fn start(url: &str, scratch: &Path) -> anyhow::Result<Self> {
        let binary = priemna_binary()?;
        let mut child = Command::new(&binary)
            .args(["serve", "--addr", "127.0.0.1:0", "--no-rate-limits"])
            .args([
                "--smtp-host",
                "127.0.0.1",
                "--smtp-port",
                "9",
                "--smtp-tls",
                "none",
            ])
            .args(["--outbox-retry", "3600", "--outbox-retry-max", "3600"])
            .arg("--database-url")
            .arg(url)
            .arg("--search-dir")
            .arg(scratch.join("search"))
            .env("RUST_LOG", "error")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let stdout = child.stdout.take().context("the server's output")?;
        let mut lines = BufReader::new(stdout).lines();
        let base = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(base) = line.strip_prefix("Priemna listening on ") {
                        break base.trim().to_owned();
                    }
                }
                Some(Err(e)) => bail!("reading the server's output: {e}"),
                None => {
                    let status = child.wait()?;
                    bail!("the server stopped before it listened ({status})");
                }
            }
        };
        // Keep reading what it prints so that it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Ok(Self { child, base })
    }

    /// The server's peak resident memory so far (`VmHWM`), in MiB.
    pub fn peak_rss_mib(&self) -> f64 {
        peak_rss_of(&format!("/proc/{}/status", self.child.id()))
    }

    /// Waits until the server has caught up with the work a storm leaves behind (the outbox's
    /// first attempt at every receipt, the search index): until it uses less than a tenth of a
    /// processor for a second, or `at_most` has passed. Returns how long it waited.
    pub async fn settle(&self, at_most: Duration) -> Duration {
        let stat = format!("/proc/{}/stat", self.child.id());
        let started = std::time::Instant::now();
        let mut last = cpu_ticks(&stat);
        while started.elapsed() < at_most {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let now = cpu_ticks(&stat);
            match (last, now) {
                // Clock ticks are hundredths of a second on Linux.
                (Some(a), Some(b)) if b.saturating_sub(a) < 10 => break,
                (_, None) => break,
                _ => last = now,
            }
        }
        started.elapsed()
    }

    /// Stops the server as an operator would (SIGTERM, then a wait for its clean shutdown).
    pub async fn stop(mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// User and system time of a `/proc/…/stat` file, in clock ticks.
fn cpu_ticks(stat: &str) -> Option<u64> {
    let text = std::fs::read_to_string(stat).ok()?;
    // The command name may hold spaces; the fields after it are counted from its ')'.
    let fields: Vec<&str> = text.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// `VmHWM` of a `/proc/…/status` file, in MiB.
pub fn peak_rss_of(status: &str) -> f64 {
    std::fs::read_to_string(status)
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// `priemna`, built beside `priemna-bench` (`cargo build -p priemna-cli -p priemna-bench`).
fn priemna_binary() -> anyhow::Result<PathBuf> {
    let me = std::env::current_exe().context("where priemna-bench is")?;
    let binary = me.with_file_name(format!("priemna{}", std::env::consts::EXE_SUFFIX));
    if !binary.exists() {
        bail!(
            "{} is missing: build it with `cargo build --release -p priemna-cli`",
            binary.display()
        );
    }
    Ok(binary)
}
