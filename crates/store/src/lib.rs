//! The register: where submissions are kept, numbered and never lost.
//!
//! `Store` is the one interface the rest of Priemna uses; each database engine implements it in
//! its own module with its own migrations. The backend is chosen from the database URL at start.
//! A submission is durable (committed and synced) before `register` returns its number.

mod journal;
mod model;
mod sqlite;
mod tracking;

use async_trait::async_trait;
pub use model::{CaseEvent, CitizenView, NewSubmission, Registered, StoredDecision};
pub use sqlite::SqliteStore;
pub use tracking::{TrackingCode, hash_tracking_code};

use priemna_domain::RegistrationNumber;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL (use sqlite:PATH): {0}")]
    UnsupportedUrl(String),
    #[error("the register is unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("the registration series for {0} is exhausted")]
    SeriesExhausted(i16),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The register of submissions.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Registers a submission: assigns the next gap-free number of the year of receipt and a
    /// fresh tracking code, journals the action, and returns only once the data is on disk.
    async fn register(&self, submission: NewSubmission) -> Result<Registered>;

    /// What the citizen may see of a case, if `tracking_code` is the case's code.
    async fn find_for_citizen(
        &self,
        number: RegistrationNumber,
        tracking_code: &str,
    ) -> Result<Option<CitizenView>>;

    /// How many submissions the register holds.
    async fn count_submissions(&self) -> Result<u64>;

    /// Checks that the database answers.
    async fn ping(&self) -> Result<()>;
}

/// Opens the store a database URL names (`sqlite:PATH` or a plain file path), running migrations.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>> {
    if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        return Err(StoreError::UnsupportedUrl(
            "PostgreSQL support is not built yet".into(),
        ));
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    Ok(Arc::new(SqliteStore::open(path).await?))
}
