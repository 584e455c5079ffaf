//! A real SMTP server for the e-mail tests: `tests/smtp/sink.py` (aiosmtpd) in the Python
//! virtualenv the test command creates (`target/oracle-venv`; made here too when missing), and
//! `pdftotext` (Debian's poppler-utils) to read PDFs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

static VENV: Mutex<()> = Mutex::new(());

/// A Python with aiosmtpd: `PRIEMNA_TEST_PYTHON`, or the test command's virtualenv.
pub fn python() -> PathBuf {
    if let Ok(p) = std::env::var("PRIEMNA_TEST_PYTHON") {
        return PathBuf::from(p);
    }
    let _guard = VENV.lock().unwrap_or_else(|e| e.into_inner());
    let root = workspace_root();
    let venv = root.join("target/oracle-venv");
    let python = venv.join("bin/python");
    let has_aiosmtpd = |p: &Path| {
        Command::new(p)
            .args(["-c", "import aiosmtpd"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if !has_aiosmtpd(&python) {
        if !python.exists() {
            let ok = Command::new("python3")
                .args(["-m", "venv"])
                .arg(&venv)
                .status()
                .is_ok_and(|s| s.success());
            assert!(
                ok,
                "cannot create {} (run scripts/test-all)",
                venv.display()
            );
        }
        let ok = Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(root.join("tests/smtp/requirements.txt"))
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "cannot install aiosmtpd (run scripts/test-all)");
    }
    python
}

/// A free local port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The running SMTP server.
pub struct MailSink {
    child: Option<Child>,
    pub port: u16,
    pub dir: PathBuf,
}

impl MailSink {
    /// Starts the server on `port`, keeping messages in `dir` (which may hold earlier ones).
    pub fn start(dir: &Path, port: u16, extra: &[&str]) -> MailSink {
        Self::try_start(dir, port, extra).expect("the SMTP sink did not start")
    }

    /// Starts the server on a free port. Between choosing a port and binding it another test
    /// may take it, so a server that cannot bind is started again on another port.
    pub fn start_anywhere(dir: &Path, extra: &[&str]) -> MailSink {
        for _ in 0..5 {
            if let Some(sink) = Self::try_start(dir, free_port(), extra) {
                return sink;
            }
        }
        panic!("the SMTP sink did not start on any of 5 free ports");
    }

    fn try_start(dir: &Path, port: u16, extra: &[&str]) -> Option<MailSink> {
        let mut child = Command::new(python())
            .arg(workspace_root().join("tests/smtp/sink.py"))
            .args(["--port", &port.to_string(), "--out"])
            .arg(dir)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the SMTP sink");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        if line.trim() != "READY" {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        Some(MailSink {
            child: Some(child),
            port,
            dir: dir.to_owned(),
        })
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Every message received so far, in order.
    pub fn messages(&self) -> Vec<Value> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "json"));
        files.sort();
        files
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    }

    /// Waits until at least `n` messages arrived, then returns them all.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Value> {
        let start = Instant::now();
        loop {
            let messages = self.messages();
            if messages.len() >= n {
                return messages;
            }
            assert!(
                start.elapsed() < timeout,
                "expected {n} messages, got {}: {messages:#?}",
                messages.len()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for MailSink {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The text of a PDF, by `pdftotext -layout` (Debian's poppler-utils).
pub fn pdf_text(path: &Path) -> String {
    let output = Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (apt-get install poppler-utils; scripts/test-all installs it)");
    assert!(
        output.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The text of a PDF given as bytes.
pub fn pdf_bytes_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("letter.pdf");
    std::fs::write(&path, pdf).unwrap();
    pdf_text(&path)
}

/// Collapses runs of whitespace, so that text laid out in columns can be searched.
pub fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
