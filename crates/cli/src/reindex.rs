//! `priemna reindex`: rebuilds the search index from the register, with a progress bar; and
//! the search index of `priemna serve` (beside the SQLite file, or `--search-dir`).

use crate::db::DbArgs;
use anyhow::{Context, anyhow};
use indicatif::{ProgressBar, ProgressStyle};
use priemna_app::search::{index_dir_for, open_index_dir, rebuild};
use priemna_web::AppState;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

/// Gives a serving application its index on disk and starts the worker that keeps it current
/// (rebuilding it first, in the background, when missing or stale).
pub fn attach(state: AppState, url: &str, search_dir: Option<&Path>) -> anyhow::Result<AppState> {
    let dir = index_dir_for(url, search_dir);
    let state = state
        .with_search_index(&dir)
        .with_context(|| format!("opening the search index in {}", dir.display()))?;
    if let Some(search) = &state.search {
        search.start();
    }
    Ok(state)
}

pub async fn run(db: DbArgs, search_dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let url = db.url();
    let store = priemna_store::connect(&url)
        .await
        .with_context(|| format!("opening the register at {url}"))?;
    let dir = index_dir_for(&url, search_dir);
    let index = Arc::new(
        open_index_dir(&dir)
            .with_context(|| format!("opening the search index in {}", dir.display()))?
            .with_writer(2, 200_000_000),
    );
    index.lock_writer().map_err(|e| {
        anyhow!(
            "the search index in {} is in use (stop the server first): {e}",
            dir.display()
        )
    })?;
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} cases · {per_sec} · {eta} left")
            .map_err(|e| anyhow!("{e}"))?,
    );
    let started = std::time::Instant::now();
    let marker = rebuild(&index, &*store, |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .await
    .map_err(|e| {
        anyhow!("rebuilding the search index (is a server using it? stop it first): {e}")
    })?;
    bar.finish();
    println!(
        "Indexed {} cases into {} in {:.1} s.",
        marker.count,
        dir.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
