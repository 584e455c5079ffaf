//! The register: where submissions are kept, numbered and never lost.
//!
//! `Store` is the one interface the rest of Priemna uses; each database engine implements it in
//! its own module with its own migrations. The backend is chosen from the database URL at start.
//! A submission is durable (committed and synced) before `register` returns its number.

mod export;
mod import;
mod journal;
mod letters;
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
pub use export::{ExportCase, ExportFilter, ExportStore, ExportSubmitter};
pub use import::{ImportBatch, ImportOutcome, ImportStore, ImportedCase, NumberRange};
pub use letters::{LetterSignatory, LetterStore};
pub use model::{
    AccountState, CaseChange, CaseEvent, CaseRecord, CaseSummary, CitizenView, DeadlineCase,
    DeadlineRunReport, Department, InboxFilter, JournalBreak, JournalCursor, JournalEntry,
    JournalFilter, JournalVerdict, LockoutPolicy, MailOnRefusal, MissedSignIns, NUMBER_PLACEHOLDER,
    NewDocument, NewMessage, NewSubmission, NewUser, OutboxEntry, OutboxFilter, OutgoingMessage,
    PersonalData, Recipient, Registered, Session, SignInAttempt, SignInFailure, SignInStanding,
    StaffChange, StaffChangeRequest, StaffDecision, StaffReminder, StoredDecision, StoredDocument,
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

use jiff::Timestamp;
use priemna_domain::RegistrationNumber;
use std::sync::Arc;

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

/// The register of submissions.
#[async_trait]
pub trait Store:
    PortalStore + LetterStore + ImportStore + StatsStore + ExportStore + Send + Sync + 'static
{
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
    /// Creates an account; `messages` (notices of a designation) are queued with it.
    async fn create_user(
        &self,
        user: NewUser,
        at: Timestamp,
        actor: &str,
        messages: &[NewMessage],
    ) -> Result<User>;
    /// Changes a user's role, department, designation or whether the account is active;
    /// `messages` (notices of a designation change) are queued in the same transaction.
    async fn update_user(
        &self,
        user: &User,
        at: Timestamp,
        actor: &str,
        messages: &[NewMessage],
    ) -> Result<()>;
    async fn user_by_username(&self, username: &str) -> Result<Option<User>>;
    async fn user_by_id(&self, id: i64) -> Result<Option<User>>;
    async fn users(&self) -> Result<Vec<User>>;
    /// Sets a password (journalled): ends every session of the account but `keep_session` (a
    /// token hash), clears any lock, and with `must_change` lets the account do nothing but
    /// change it (an administrator's reset).
    async fn set_password(
        &self,
        user_id: i64,
        password_hash: &str,
        must_change: bool,
        keep_session: Option<&str>,
        at: Timestamp,
        actor: &str,
    ) -> Result<()>;
    /// Where `account` (see [`SignInAttempt`]) stands for one client address (an IPv4
    /// address or an IPv6 /64): its refusal, and how many addresses failed on it since `since`.
    async fn sign_in_standing(
        &self,
        account: &str,
        client: &str,
        since: Timestamp,
    ) -> Result<SignInStanding>;
    /// A successful sign-in from `client` (journalled): that address's failures are forgotten,
    /// other addresses' stay; returns the failed attempts the owner has not been told of (once).
    async fn record_login_success(
        &self,
        user_id: i64,
        client: &str,
        at: Timestamp,
    ) -> Result<Option<MissedSignIns>>;
    /// A wrong password, or a name that is no account (journalled), counted under `policy` for
    /// the attempt's address alone in one transaction; the owner's e-mail (`mail`) is queued
    /// with it when the failure begins a refusal and the owner was not e-mailed in the day
    /// before.
    async fn record_login_failure(
        &self,
        attempt: SignInAttempt<'_>,
        policy: LockoutPolicy,
        at: Timestamp,
        mail: &MailOnRefusal<'_>,
    ) -> Result<SignInFailure>;
    /// An attempt while its address is refused (journalled as `login_refused`).
    async fn record_login_refused(&self, attempt: SignInAttempt<'_>, at: Timestamp) -> Result<()>;
    /// The database's own secret that names which are no account are hashed with before they
    /// are counted (the name typed may be a password typed in the wrong field).
    async fn sign_in_key(&self) -> Result<String>;
    /// Ends the refusals of every address and forgets the failures (journalled).
    async fn unlock_user(&self, user_id: i64, at: Timestamp, actor: &str) -> Result<()>;
    /// Stores a change that waits for a second administrator (journalled).
    async fn request_staff_change(
        &self,
        request: StaffChangeRequest,
        requested_by: i64,
        at: Timestamp,
        actor: &str,
    ) -> Result<StaffChange>;
    /// Staff changes, newest first (only those waiting, with `pending_only`).
    async fn staff_changes(&self, pending_only: bool) -> Result<Vec<StaffChange>>;
    async fn staff_change(&self, id: i64) -> Result<Option<StaffChange>>;
    /// Approves (and applies) or rejects a waiting change, in one transaction, journalled.
    /// `decided_by` is the deciding user (`None`: the server's operator on the command line);
    /// the user who asked can never decide (`Conflict`), nor can a change be applied to an
    /// account that changed meanwhile (`Conflict`).
    async fn decide_staff_change(
        &self,
        id: i64,
        decided_by: Option<i64>,
        decision: StaffDecision,
        at: Timestamp,
        actor: &str,
    ) -> Result<StaffChange>;

    // ---- sessions --------------------------------------------------------------------------

    async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        at: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()>;
    /// Keeps the notice (JSON) a new session shows on the start page.
    async fn set_session_notice(&self, token_hash: &str, notice: &str) -> Result<()>;
    async fn session_notice(&self, token_hash: &str) -> Result<Option<String>>;
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
    /// A page of the entries `filter` selects, from `cursor`, in the order of time: newest
    /// first for `Latest` and `Before`, oldest first for `After` and `Oldest`.
    async fn journal_page(
        &self,
        filter: &JournalFilter,
        cursor: JournalCursor,
        limit: u32,
    ) -> Result<Vec<JournalEntry>>;
    /// How many entries `filter` selects, and the highest id among all entries.
    async fn journal_count(&self, filter: &JournalFilter) -> Result<(u64, i64)>;
    /// Appends an entry unless the same actor has one with the same action, case and details
    /// at or after `since` (a refused access repeated within a minute is recorded once).
    /// Returns whether it was appended.
    async fn append_journal_once(
        &self,
        at: Timestamp,
        since: Timestamp,
        actor: &str,
        action: &str,
        submission_id: Option<i64>,
        details: serde_json::Value,
    ) -> Result<bool>;
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

    // ---- letters and the outbox ----------------------------------------------------------

    /// The letters kept with a case, oldest first.
    async fn documents(&self, case_id: i64) -> Result<Vec<StoredDocument>>;
    /// One letter and its content.
    async fn document_content(&self, id: i64) -> Result<Option<(StoredDocument, Vec<u8>)>>;
    /// Keeps a letter with a case outside any action (e.g. a receipt printed at registration).
    async fn add_document(&self, case_id: i64, document: NewDocument, at: Timestamp)
    -> Result<i64>;
    /// Claims up to `limit` due messages for `owner` until `lease_until` (see `common/outbox.rs`).
    async fn claim_outbox(
        &self,
        owner: &str,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> Result<Vec<OutgoingMessage>>;
    /// Marks a claimed message sent; false if `owner` no longer holds it.
    async fn outbox_sent(
        &self,
        id: i64,
        owner: &str,
        at: Timestamp,
        response: &str,
    ) -> Result<bool>;
    /// Records a failed attempt: queued again until `retry_at`, or failed for good (`None`,
    /// which forgets the message's tracking code).
    async fn outbox_failed(
        &self,
        id: i64,
        owner: &str,
        error: &str,
        retry_at: Option<Timestamp>,
    ) -> Result<bool>;
    /// Puts a failed message back in the queue (journalled).
    async fn outbox_requeue(&self, id: i64, at: Timestamp, actor: &str) -> Result<bool>;
    /// The outbox for the back office, newest first.
    async fn outbox(&self, filter: &OutboxFilter) -> Result<Vec<OutboxEntry>>;
    /// How many messages are in each state.
    async fn outbox_counts(&self) -> Result<Vec<(String, u64)>>;
    /// How many messages wait to be sent (queued or being sent), off the outbox's index.
    async fn outbox_queue_length(&self) -> Result<u64>;

    // ---- Open311 (GeoReport v2) ------------------------------------------------------------

    /// Requests that came through Open311 (never whistleblower reports), newest first.
    async fn open311_requests(&self, query: &Open311Query) -> Result<Vec<Open311Request>>;
    /// The steps in the life of Open311 requests, oldest first (FixMyStreet's updates).
    async fn open311_updates(&self, query: &Open311UpdatesQuery) -> Result<Vec<Open311Update>>;
    /// The number of the request a batch client's token stands for.
    async fn open311_token(&self, token: &str) -> Result<Option<RegistrationNumber>>;
    /// Stores a new API key (its hash) and journals it.
    async fn create_api_key(&self, key: NewApiKey, at: Timestamp, actor: &str) -> Result<ApiKey>;
    async fn api_keys(&self) -> Result<Vec<ApiKey>>;
    /// The live (not revoked) key with this hash.
    async fn api_key_by_hash(&self, key_hash: &str) -> Result<Option<ApiKey>>;
    /// Revokes a key (journalled); `None` when there is no such key.
    async fn revoke_api_key(&self, id: i64, at: Timestamp, actor: &str) -> Result<Option<ApiKey>>;

    // ---- search -------------------------------------------------------------------------

    /// Cases as the search index reads them (no personal data).
    async fn cases_for_index(&self, scan: IndexScan) -> Result<Vec<IndexCase>>;
    /// What the register holds, for the search index to tell whether it is stale.
    async fn register_marker(&self) -> Result<RegisterMarker>;

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
