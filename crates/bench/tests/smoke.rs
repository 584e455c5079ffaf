//! Smoke runs of every benchmark, as `scripts/bench` runs them but tiny: they prove the
//! benchmarks still work, never measure (the figures come from `scripts/bench` alone).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_priemna-bench");

#[test]
fn the_benchmark_still_runs() {
    // A tiny smoke run: the real figures come from scripts/bench, never from the test suite.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bench.md");
    let output = Command::new(BIN)
        .args([
            "intake",
            "--seconds",
            "0.2",
            "--concurrency",
            "1,4",
            "--out",
        ])
        .arg(&out)
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = std::fs::read_to_string(&out).unwrap();
    for line in [
        "HTTP baseline",
        "database baseline",
        "intake, vs HTTP baseline",
        "tracking look-up",
    ] {
        assert!(report.contains(line), "{line} missing in {report}");
    }
}

#[test]
fn the_scale_benchmark_still_runs_on_a_generated_register() {
    // A tiny smoke run of `generate` and `scale`; the real sizes run from scripts/bench.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("generated.db");
    let generated = Command::new(BIN)
        .args([
            "generate", "--cases", "400", "--years", "2", "--chunk", "150", "--db",
        ])
        .arg(&db)
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    assert!(String::from_utf8_lossy(&generated.stdout).contains("Generated 400 cases"));

    let out = dir.path().join("scale.md");
    let output = Command::new(BIN)
        .args(["scale", "--seconds", "0.2", "--concurrency", "1", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(&out)
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = std::fs::read_to_string(&out).unwrap();
    assert!(
        report.contains("600 cases"),
        "400 generated + 200 registered: {report}"
    );
    for line in [
        "HTTP baseline",
        "tracking look-up",
        "inbox, JSON (first page)",
        "statistics page, this year",
        "statistics JSON, this year",
    ] {
        let row = report
            .lines()
            .find(|l| l.starts_with(&format!("| {line}")))
            .unwrap_or_else(|| panic!("{line} missing in {report}"));
        assert!(row.ends_with("| 0 |"), "errors in {row}");
    }
}

#[test]
fn the_search_benchmark_still_runs() {
    let output = Command::new(BIN)
        .args(["search", "--cases", "3000", "--queries", "5"])
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = String::from_utf8_lossy(&output.stdout);
    for line in [
        "| measurement | median ms | p95 ms |",
        "baseline: raw term query",
        "search, registry clerk",
        "possible duplicates",
    ] {
        assert!(report.contains(line), "{line} missing in {report}");
    }
}
