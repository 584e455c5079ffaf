//! The capabilities of the register, one trait each: what a part of Priemna needs from the
//! database, and no more. `Store` (in the crate's root) is all of them together; callers that
//! hold an `Arc<dyn Store>` reach every method, and generic code may ask for just one
//! capability. `crate::prelude` brings them all into scope.

use crate::Result;
use crate::model::OutboxState;
use crate::model::{
    ApiKey, CaseChange, CaseRecord, CaseSummary, CitizenView, DeadlineCase, DeadlineRunReport,
    Department, InboxFilter, JournalCursor, JournalEntry, JournalFilter, JournalVerdict,
    LockoutPolicy, MailOnRefusal, MissedSignIns, NewApiKey, NewDocument, NewMessage, NewSubmission,
    NewUser, Open311Query, Open311Request, Open311Update, Open311UpdatesQuery, OutboxEntry,
    OutboxFilter, OutgoingMessage, PersonalData, Registered, Session, SignInAttempt, SignInFailure,
    SignInStanding, StaffChange, StaffChangeRequest, StaffDecision, StaffReminder, StoredDocument,
    UrgencyUpdate, User,
};
use crate::search_types::{IndexCase, IndexScan, RegisterMarker};
use async_trait::async_trait;
use jiff::Timestamp;
use priemna_domain::{CaseId, DepartmentId, RegistrationNumber, UserId};

/// Intake: registering a submission from any channel, and what the citizen may see of it.
#[async_trait]
pub trait IntakeStore: Send + Sync {
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
}

/// Departments, staff accounts and the staff changes that wait for a second administrator.
#[async_trait]
pub trait StaffStore: Send + Sync {
    async fn create_department(&self, name: &str, at: Timestamp, actor: &str)
    -> Result<Department>;
    async fn set_department_head(
        &self,
        department_id: DepartmentId,
        head_user_id: Option<UserId>,
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
    async fn user_by_id(&self, id: UserId) -> Result<Option<User>>;
    async fn users(&self) -> Result<Vec<User>>;
    /// Stores a change that waits for a second administrator (journalled).
    async fn request_staff_change(
        &self,
        request: StaffChangeRequest,
        requested_by: UserId,
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
        decided_by: Option<UserId>,
        decision: StaffDecision,
        at: Timestamp,
        actor: &str,
    ) -> Result<StaffChange>;
}

/// Signing in: passwords, the refusals after failed attempts and their lifting.
#[async_trait]
pub trait SignInStore: Send + Sync {
    /// Sets a password (journalled): ends every session of the account but `keep_session` (a
    /// token hash), clears any lock, and with `must_change` lets the account do nothing but
    /// change it (an administrator's reset).
    async fn set_password(
        &self,
        user_id: UserId,
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
        user_id: UserId,
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
    async fn unlock_user(&self, user_id: UserId, at: Timestamp, actor: &str) -> Result<()>;
}

/// The sessions of signed-in staff.
#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn create_session(
        &self,
        token_hash: &str,
        user_id: UserId,
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
    async fn delete_sessions_of(&self, user_id: UserId) -> Result<()>;
}

/// Cases as the back office reads and acts on them.
#[async_trait]
pub trait CaseStore: Send + Sync {
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
    async fn apply_change(&self, case_id: CaseId, change: CaseChange) -> Result<()>;
}

/// The journal: the hash-chained record of every act, its reading and its verification.
#[async_trait]
pub trait JournalStore: Send + Sync {
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
        submission_id: Option<CaseId>,
        details: serde_json::Value,
    ) -> Result<bool>;
    /// Appends an entry that changes nothing else (e.g. a reading of sealed data, a login).
    async fn append_journal(
        &self,
        at: Timestamp,
        actor: &str,
        action: &str,
        submission_id: Option<CaseId>,
        details: serde_json::Value,
    ) -> Result<()>;
}

/// The background jobs: deadlines, reminders and the anonymisation of expired cases.
#[async_trait]
pub trait JobStore: Send + Sync {
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
    /// The run keys a job ran for, in the order run (each at most once): for tests and
    /// operators.
    async fn job_runs(&self, job: crate::model::Job) -> Result<Vec<String>>;
    async fn reminders_for(&self, user_id: UserId) -> Result<Vec<StaffReminder>>;

    /// Erases the personal data of finished cases past their kind's cutoff date, once per
    /// `run_key` across servers; `None` when another server already ran it.
    async fn anonymise_expired(
        &self,
        cutoffs: &[(priemna_domain::Kind, jiff::civil::Date)],
        run_key: &str,
        at: Timestamp,
    ) -> Result<Option<u64>>;
}

/// The letters kept with a case.
#[async_trait]
pub trait DocumentStore: Send + Sync {
    /// The letters kept with a case, oldest first.
    async fn documents(&self, case_id: CaseId) -> Result<Vec<StoredDocument>>;
    /// One letter and its content.
    async fn document_content(&self, id: i64) -> Result<Option<(StoredDocument, Vec<u8>)>>;
    /// Keeps a letter with a case outside any action (e.g. a receipt printed at registration).
    async fn add_document(
        &self,
        case_id: CaseId,
        document: NewDocument,
        at: Timestamp,
    ) -> Result<i64>;
}

/// The outbox: messages waiting to be sent, claimed by a worker, sent or failed.
#[async_trait]
pub trait OutboxStore: Send + Sync {
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
    async fn outbox_counts(&self) -> Result<Vec<(OutboxState, u64)>>;
    /// How many messages wait to be sent (queued or being sent), off the outbox's index.
    async fn outbox_queue_length(&self) -> Result<u64>;
}

/// Open311 (GeoReport v2): its requests, their updates, and the API keys of its clients.
#[async_trait]
pub trait Open311Store: Send + Sync {
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
}

/// What the search index reads of the register.
#[async_trait]
pub trait IndexStore: Send + Sync {
    /// Cases as the search index reads them (no personal data).
    async fn cases_for_index(&self, scan: IndexScan) -> Result<Vec<IndexCase>>;
    /// What the register holds, for the search index to tell whether it is stale.
    async fn register_marker(&self) -> Result<RegisterMarker>;
}
