//! The register: where submissions are kept, numbered and never lost.
//!
//! `Store` is the one interface the rest of Priemna uses, made of one trait per capability
//! (`IntakeStore`, `CaseStore`, `JournalStore`, …; all in [`prelude`]); each database engine
//! implements them in its own module with its own migrations. The backend is chosen from the database URL at start.
//! A submission is durable (committed and synced) before `register` returns its number.

mod capabilities;
mod conversation;
mod decisions;
mod digest;
mod export;
mod import;
mod journal;
mod letters;
mod mailbox;
mod model;
mod portal;
mod postgres;
mod rows;
mod search_types;
mod sqlite;
mod stats;
pub mod testing;
mod tracking;

use async_trait::async_trait;
pub use capabilities::{
    CaseStore, DocumentStore, IndexStore, IntakeStore, JobStore, JournalStore, Open311Store,
    OutboxStore, SessionStore, SignInStore, StaffStore,
};
pub use conversation::{
    CaseMessage, ConversationStore, DeadlineEffect, Direction, MessageChannel, NewCaseMessage,
    ThreadCase,
};
pub use digest::{DigestStore, MailMode};
pub use export::{ExportCase, ExportFilter, ExportStore, ExportSubmitter};
pub use import::{ImportBatch, ImportOutcome, ImportStore, ImportedCase, NumberRange};
pub use letters::{LetterSignatory, LetterStore};
pub use mailbox::{MailNote, MailOutcome, MailboxStore, NewMailNote};
pub use model::{
    AccountState, CaseChange, CaseEvent, CaseRecord, CaseSummary, CitizenView, DeadlineCase,
    DeadlineRunReport, Department, DocumentKind, InboxFilter, Job, JournalBreak, JournalCursor,
    JournalEntry, JournalFilter, JournalVerdict, LockoutPolicy, MailOnRefusal, MessageKind,
    MissedSignIns, NUMBER_PLACEHOLDER, NewDocument, NewMessage, NewSubmission, NewUser,
    OutboxEntry, OutboxFilter, OutboxState, OutgoingMessage, PersonalData, Recipient, Registered,
    Session, SignInAttempt, SignInFailure, SignInStanding, StaffChange, StaffChangeRequest,
    StaffChangeState, StaffDecision, StaffReminder, StoredDecision, StoredDocument,
    TRACKING_CODE_PLACEHOLDER, UrgencyUpdate, User,
};
pub use model::{
    ApiKey, NewApiKey, Open311Query, Open311Request, Open311Update, Open311UpdatesQuery,
    SubmissionExtras,
};
pub use portal::{
    Attachment, AttachmentInfo, Attendance, Booking, BookingOutcome, Contact, FormCleanup,
    FormOnce, FormResult, KeptUpload, NewAttachment, NewBooking, PortalPage, PortalStore,
    Reschedule, RescheduleOutcome, Survey, VISITS_PER_MONTH,
};
pub use postgres::PostgresStore;
pub use search_types::{IndexCase, IndexScan, RegisterMarker};
pub use sqlite::SqliteStore;
pub use stats::{StatRow, StatsFreshness, StatsStore, Topic};
pub use tracking::{TrackingCode, hash_tracking_code, normalise_tracking_code};

use std::sync::Arc;

/// Every capability of the register in one import: `use priemna_store::prelude::*;`.
pub mod prelude {
    pub use crate::{
        CaseStore, ConversationStore, DigestStore, DocumentStore, ExportStore, ImportStore,
        IndexStore, IntakeStore, JobStore, JournalStore, LetterStore, MailboxStore, Open311Store,
        OutboxStore, PortalStore, SessionStore, SignInStore, StaffStore, StatsStore, Store,
    };
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL (use sqlite:PATH or postgres://…): {0}")]
    UnsupportedUrl(String),
    #[error("the register is unavailable: {0}")]
    Unavailable(String),
    /// The disk under the database is full: nothing more can be written until space is made.
    #[error("the disk of the register is full: {0}")]
    DiskFull(String),
    #[error("database error: {0}")]
    Database(sqlx::Error),
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
    /// A unique value is taken, caught by the database rather than named by the store (the
    /// constraint, for the log).
    #[error("a unique value is taken: {0}")]
    UniqueClash(String),
    /// A value refers to a record that does not exist (a department, a user…); the field that
    /// holds it is named, for the client to correct.
    #[error("no such record for {field}")]
    MissingReference { field: String },
}

impl StoreError {
    /// A foreign-key failure of one statement, named by the field whose value it was.
    pub fn referring(field: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
        move |e| match StoreError::from(e) {
            StoreError::MissingReference { .. } => StoreError::MissingReference {
                field: field.to_owned(),
            },
            other => other,
        }
    }
}

/// Tells apart what the database said: a clash with a unique value, a missing referenced row,
/// a full disk and a lost connection are different failures with different answers.
impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        use sqlx::error::ErrorKind;
        match &e {
            sqlx::Error::Database(db) => {
                // SQLite's SQLITE_FULL (13) and PostgreSQL's disk_full (53100).
                if matches!(db.code().as_deref(), Some("13") | Some("53100")) {
                    return StoreError::DiskFull(db.message().to_owned());
                }
                match db.kind() {
                    ErrorKind::UniqueViolation => StoreError::UniqueClash(
                        db.constraint().unwrap_or_else(|| db.message()).to_owned(),
                    ),
                    ErrorKind::ForeignKeyViolation => StoreError::MissingReference {
                        field: db
                            .constraint()
                            .map(reference_field)
                            .unwrap_or_else(|| "reference".to_owned()),
                    },
                    _ => StoreError::Database(e),
                }
            }
            sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => StoreError::Unavailable(e.to_string()),
            _ => StoreError::Database(e),
        }
    }
}

/// The column of a PostgreSQL foreign key named the default way (`users_department_id_fkey`
/// → `department_id`); SQLite names none.
fn reference_field(constraint: &str) -> String {
    let bare = constraint.strip_suffix("_fkey").unwrap_or(constraint);
    [
        "_department_id",
        "_head_user_id",
        "_assignee_id",
        "_user_id",
        "_submission_id",
    ]
    .iter()
    .find(|column| bare.ends_with(*column))
    .map(|column| column[1..].to_owned())
    .unwrap_or_else(|| bare.to_owned())
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The register of submissions: every capability, plus what operating the database needs.
#[async_trait]
pub trait Store:
    IntakeStore
    + StaffStore
    + SignInStore
    + SessionStore
    + CaseStore
    + JournalStore
    + JobStore
    + DocumentStore
    + OutboxStore
    + Open311Store
    + IndexStore
    + PortalStore
    + LetterStore
    + MailboxStore
    + ConversationStore
    + DigestStore
    + ImportStore
    + StatsStore
    + ExportStore
    + Send
    + Sync
    + 'static
{
    /// Checks that the database answers.
    async fn ping(&self) -> Result<()>;

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
