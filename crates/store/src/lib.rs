//! The register: where submissions are kept, numbered and never lost.
//!
//! `Store` is the one interface the rest of Priemna uses; each database engine implements it in
//! its own module with its own migrations. The backend is chosen from the database URL at start.
//! A submission is durable (committed and synced) before `register` returns its number.

mod journal;
mod model;
mod postgres;
mod rows;
mod sqlite;
pub mod testing;
mod tracking;

use async_trait::async_trait;
pub use model::{
    CaseChange, CaseEvent, CaseRecord, CaseSummary, CitizenView, DeadlineCase, DeadlineRunReport,
    Department, InboxFilter, JournalEntry, JournalVerdict, NewSubmission, NewUser, PersonalData,
    Registered, Session, StaffReminder, StoredDecision, UrgencyUpdate, User,
};
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;
pub use tracking::{TrackingCode, hash_tracking_code};

use jiff::Timestamp;
use priemna_domain::RegistrationNumber;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL (use sqlite:PATH or postgres://…): {0}")]
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
    /// The record changed since it was read (another member of staff acted first).
    #[error("changed meanwhile: {0}")]
    Conflict(String),
    /// A unique value (username, department name) is taken.
    #[error("already exists: {0}")]
    Duplicate(String),
    #[error("not found: {0}")]
    NotFound(String),
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

    // ---- staff and departments ----------------------------------------------------------

    async fn create_department(&self, name: &str, at: Timestamp, actor: &str)
    -> Result<Department>;
    async fn set_department_head(
        &self,
        department_id: i64,
        head_user_id: Option<i64>,
        at: Timestamp,
        actor: &str,
    ) -> Result<()>;
    async fn departments(&self) -> Result<Vec<Department>>;
    async fn create_user(&self, user: NewUser, at: Timestamp, actor: &str) -> Result<User>;
    /// Changes a user's role, department, designation or whether the account is active.
    async fn update_user(&self, user: &User, at: Timestamp, actor: &str) -> Result<()>;
    async fn user_by_username(&self, username: &str) -> Result<Option<User>>;
    async fn user_by_id(&self, id: i64) -> Result<Option<User>>;
    async fn users(&self) -> Result<Vec<User>>;
    async fn set_password(
        &self,
        user_id: i64,
        password_hash: &str,
        at: Timestamp,
        actor: &str,
    ) -> Result<()>;
    /// Records a login attempt (journalled); a failure counts towards the lock-out.
    async fn record_login(
        &self,
        user_id: i64,
        success: bool,
        locked_until: Option<Timestamp>,
        at: Timestamp,
    ) -> Result<()>;

    // ---- sessions --------------------------------------------------------------------------

    async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        at: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()>;
    /// The live session with this token hash, if it has not expired at `now`.
    async fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<Session>>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    async fn delete_sessions_of(&self, user_id: i64) -> Result<()>;

    // ---- cases -----------------------------------------------------------------------------

    async fn case_by_number(&self, number: RegistrationNumber) -> Result<Option<CaseRecord>>;
    /// The submitter's personal data (or a whistleblower's sealed identity). Every reading is
    /// journalled with `reader`.
    async fn personal_data(
        &self,
        case: &CaseRecord,
        reader: &str,
        at: Timestamp,
    ) -> Result<Option<PersonalData>>;
    /// Cases for an inbox, most urgent first, then by due date.
    async fn inbox(&self, filter: &InboxFilter) -> Result<Vec<CaseSummary>>;
    /// Applies one action: the case's fields, a history event for the citizen, a journal entry,
    /// all in one transaction. Fails with `Conflict` if the case left `expected_status`.
    async fn apply_change(&self, case_id: i64, change: CaseChange) -> Result<()>;

    // ---- journal -----------------------------------------------------------------------

    /// Journal entries with id greater than `after_id`, oldest first.
    async fn journal(&self, after_id: i64, limit: u32) -> Result<Vec<JournalEntry>>;
    /// Walks the chain and names the first broken entry.
    async fn verify_journal(&self) -> Result<JournalVerdict>;
    /// Appends an entry that changes nothing else (e.g. a reading of sealed data, a login).
    async fn append_journal(
        &self,
        at: Timestamp,
        actor: &str,
        action: &str,
        submission_id: Option<i64>,
        details: serde_json::Value,
    ) -> Result<()>;

    // ---- deadlines -----------------------------------------------------------------------

    /// Every open case with what the deadline job needs to know.
    async fn open_cases_for_deadlines(&self) -> Result<Vec<DeadlineCase>>;
    /// Records one run of the deadline job for `run_key` (e.g. the 10-minute slot): the
    /// urgency updates, reminders and escalations, all or nothing, and only if no other process
    /// has recorded this run key already.
    async fn record_deadline_run(
        &self,
        run_key: &str,
        at: Timestamp,
        updates: Vec<UrgencyUpdate>,
    ) -> Result<DeadlineRunReport>;
    /// How many times a job ran for a run key (0 or 1): for tests and operators.
    async fn job_runs(&self, job: &str) -> Result<Vec<String>>;
    async fn reminders_for(&self, user_id: i64) -> Result<Vec<StaffReminder>>;

    /// Erases the personal data of finished cases past their kind's cutoff date, once per
    /// `run_key` across servers; `None` when another server already ran it.
    async fn anonymise_expired(
        &self,
        cutoffs: &[(priemna_domain::Kind, jiff::civil::Date)],
        run_key: &str,
        at: Timestamp,
    ) -> Result<Option<u64>>;

    // ---- operations ----------------------------------------------------------------------

    /// Writes a consistent copy of the live database to `target` (SQLite only; PostgreSQL is
    /// backed up with its own tools, see docs/deployment.md).
    async fn backup(&self, _target: &str) -> Result<()> {
        Err(StoreError::UnsupportedUrl(
            "online backup is for SQLite; back up PostgreSQL with pg_dump or WAL archiving".into(),
        ))
    }
}

/// Opens the store a database URL names — `postgres://…`, `sqlite:PATH` or a plain file path —
/// and brings its schema up to date.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>> {
    if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        return Ok(Arc::new(PostgresStore::open(url).await?));
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    Ok(Arc::new(SqliteStore::open(path).await?))
}
