//! What goes into the register and what comes out of it.

use jiff::Timestamp;
use jiff::civil::Date;
use priemna_domain::access::{Actor, CaseFacts, CaseScope, Role};
use priemna_domain::rules::Assessment;
use priemna_domain::submission::Draft;
use priemna_domain::workflow::{ReminderKind, Urgency};
use priemna_domain::{CaseId, Channel, DepartmentId, Kind, RegistrationNumber, Status, UserId};
use serde::{Deserialize, Serialize};

/// A checked submission and what the charter's rules said about it, ready to be registered.
#[derive(Debug, Clone)]
pub struct NewSubmission {
    pub draft: Draft,
    pub assessment: Assessment,
    pub received_at: Timestamp,
    /// Who entered it: `citizen` (portal, API), or `clerk:<name>` for paper, phone and boxes.
    pub entered_by: String,
    /// E-mails to queue in the same transaction (the receipt), with `NUMBER_PLACEHOLDER` and
    /// `TRACKING_CODE_PLACEHOLDER` in their text.
    pub messages: Vec<NewMessage>,
    /// Location, and what an Open311 request adds (`Default` for the other channels).
    pub extras: SubmissionExtras,
}

/// The receipt: what the citizen gets back once the submission is safely stored.
#[derive(Debug, Clone)]
pub struct Registered {
    /// The case's id in the register (for what is attached to it later).
    pub id: CaseId,
    pub number: RegistrationNumber,
    /// Shown once, here; only its hash is kept.
    pub tracking_code: String,
    pub received_at: Timestamp,
    pub status: Status,
}

/// A charter decision as stored with the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredDecision {
    pub rule: String,
    pub reason_bg: String,
    pub reason_en: String,
    pub needs_review: bool,
}

impl From<&priemna_domain::rules::Decision> for StoredDecision {
    fn from(d: &priemna_domain::rules::Decision) -> Self {
        StoredDecision {
            rule: d.rule.as_str().to_owned(),
            reason_bg: d.reason_bg.clone(),
            reason_en: d.reason_en.clone(),
            needs_review: d.needs_review,
        }
    }
}

/// One step of the case as the citizen sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseEvent {
    pub at: Timestamp,
    pub status: Status,
    pub note_bg: String,
    pub note_en: String,
}

/// What the citizen may see of their case: no personal data is echoed back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenView {
    pub number: RegistrationNumber,
    pub kind: Kind,
    pub channel: Channel,
    pub subject: String,
    pub body: String,
    pub address: Option<String>,
    pub anonymous: bool,
    pub received_at: Timestamp,
    pub status: Status,
    pub considered: bool,
    pub deadline_rule: Option<String>,
    pub answer_due: Option<Date>,
    pub acknowledge_due: Option<Date>,
    pub decisions: Vec<StoredDecision>,
    pub history: Vec<CaseEvent>,
    /// The written answer, once there is one.
    pub answer_text: Option<String>,
    pub answered_at: Option<Timestamp>,
}

/// A member of staff as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department_id: Option<DepartmentId>,
    pub corruption_officer: bool,
    pub active: bool,
    /// argon2id PHC string; never logged.
    pub password_hash: String,
    pub failed_logins: i64,
    pub locked_until: Option<Timestamp>,
    /// Locks since the last successful sign-in (each lock is longer than the one before).
    pub lockouts: i64,
    /// An administrator reset the password: nothing but changing it is allowed.
    pub must_change_password: bool,
    /// Where deadline reminders are e-mailed, if anywhere.
    pub email: Option<String>,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("role", &self.role)
            .field("department_id", &self.department_id)
            .finish_non_exhaustive()
    }
}

impl User {
    /// The user as the access rules see them.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.id,
            role: self.role,
            department_id: self.department_id,
            corruption_officer: self.corruption_officer,
        }
    }
}

impl User {
    /// The fields of the account a staff change can touch.
    pub fn state(&self) -> AccountState {
        AccountState {
            role: self.role,
            department_id: self.department_id,
            corruption_officer: self.corruption_officer,
            active: self.active,
            display_name: self.display_name.clone(),
            email: self.email.clone(),
        }
    }

    /// This account with `state` applied.
    pub fn with_state(&self, state: &AccountState) -> User {
        User {
            role: state.role,
            department_id: state.department_id,
            corruption_officer: state.corruption_officer,
            active: state.active,
            display_name: state.display_name.clone(),
            email: state.email.clone(),
            ..self.clone()
        }
    }
}

/// What an administrator can change on an account (besides its password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountState {
    pub role: Role,
    pub department_id: Option<DepartmentId>,
    pub corruption_officer: bool,
    pub active: bool,
    pub display_name: String,
    pub email: Option<String>,
}

/// A change to an account that waits for a second administrator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffChangeRequest {
    pub user_id: UserId,
    /// The account as the asker saw it: the change applies only if it is still so.
    pub before: AccountState,
    pub after: AccountState,
    /// Also give the account a one-time password (made when the change is approved).
    pub reset_password: bool,
}

/// A stored staff change and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffChange {
    pub id: i64,
    pub user_id: UserId,
    pub username: String,
    pub before: AccountState,
    pub after: AccountState,
    pub reset_password: bool,
    pub requested_by: UserId,
    pub requested_by_name: String,
    pub requested_at: Timestamp,
    pub state: StaffChangeState,
    pub decided_by: Option<String>,
    pub decided_at: Option<Timestamp>,
}

/// Where a staff change stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffChangeState {
    /// Waiting for a second administrator.
    Pending,
    Applied,
    Rejected,
}

impl StaffChangeState {
    /// The identifier stored in `staff_changes.state` and used by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            StaffChangeState::Pending => "pending",
            StaffChangeState::Applied => "applied",
            StaffChangeState::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<StaffChangeState> {
        [
            StaffChangeState::Pending,
            StaffChangeState::Applied,
            StaffChangeState::Rejected,
        ]
        .into_iter()
        .find(|state| state.as_str() == s)
    }
}

impl std::fmt::Display for StaffChangeState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A second administrator's (or the server's operator's) answer to a staff change.
#[derive(Debug, Clone)]
pub enum StaffDecision {
    /// Apply it: `password_hash` for a reset (a one-time password, to be changed at the next
    /// sign-in); `messages` queued in the same transaction (notices to designated officers).
    Approve {
        password_hash: Option<String>,
        messages: Vec<NewMessage>,
    },
    Reject,
}

/// How failed sign-ins lock an account: `max_failures` in a row lock it for `first_lock`,
/// each further lock (before a successful sign-in) twice as long, at most `longest_lock`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    pub max_failures: i64,
    pub first_lock: jiff::SignedDuration,
    pub longest_lock: jiff::SignedDuration,
}

impl LockoutPolicy {
    /// How long the lock after `lockouts` earlier locks lasts.
    pub fn lock_for(&self, lockouts: i64) -> jiff::SignedDuration {
        let doublings = u32::try_from(lockouts.clamp(0, 16)).unwrap_or(16);
        let factor = 1i32.checked_shl(doublings).unwrap_or(i32::MAX);
        self.first_lock
            .checked_mul(factor)
            .unwrap_or(self.longest_lock)
            .min(self.longest_lock)
    }
}

/// One sign-in attempt, as it is counted: for which account, from which client address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInAttempt<'a> {
    /// `user:<id>` for an active account ([`SignInAttempt::user_account`]), `name:<hash>` for
    /// a name that is none: both are counted alike, so the answers tell no names apart.
    pub account: &'a str,
    /// The account's owner, when there is one (told of failures, e-mailed, journalled).
    pub owner: Option<UserId>,
    /// An IPv4 address or an IPv6 /64.
    pub client: &'a str,
}

impl SignInAttempt<'_> {
    /// How an active account is named in `sign_in_failures`.
    pub fn user_account(user_id: UserId) -> String {
        format!("user:{user_id}")
    }
}

/// Where an account stands for one client address at a sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SignInStanding {
    /// Attempts from this address are refused until then.
    pub refused_until: Option<jiff::Timestamp>,
    /// Addresses whose passwords failed on this account lately (a distributed attack).
    pub failing_addresses: i64,
}

/// What a failed password from one address led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInFailure {
    /// Failed passwords in a row from this address.
    pub failures: i64,
    /// The refusal this failure began, if any.
    pub refused_until: Option<jiff::Timestamp>,
    /// Whether the owner's e-mail about it was queued.
    pub mailed: bool,
}

/// Writes the owner's e-mail about a refusal that a failed password began (`None`: nothing to
/// send, e.g. no e-mail address).
pub type MailOnRefusal<'a> = dyn Fn(&SignInFailure) -> Option<NewMessage> + Send + Sync + 'a;

/// The failed attempts on an account since its owner's previous sign-in: told at the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissedSignIns {
    pub count: i64,
    pub last_at: jiff::Timestamp,
    /// The address (an IPv4 address or an IPv6 /64) the last attempt came from.
    pub last_from: String,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department_id: Option<DepartmentId>,
    pub corruption_officer: bool,
    /// Whether it may sign in at once (an administrator's new case handler waits, inactive,
    /// for a second administrator).
    pub active: bool,
    pub password_hash: String,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    pub id: DepartmentId,
    pub name: String,
    pub head_user_id: Option<UserId>,
}

/// A live session and its user.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf_token: String,
    pub expires_at: Timestamp,
}

/// The submitter's personal data.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PersonalData {
    pub name: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub egn: Option<String>,
}

/// A case as the back office sees it (personal data is fetched separately, when allowed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    pub id: CaseId,
    pub number: RegistrationNumber,
    pub kind: Kind,
    pub channel: Channel,
    pub subject: String,
    pub body: String,
    pub address: Option<String>,
    pub anonymous: bool,
    pub health_or_safety_threat: bool,
    pub about_bad_administration: bool,
    pub about_employee: bool,
    pub in_writing: bool,
    pub received_at: Timestamp,
    pub received_date: Date,
    pub status: Status,
    pub considered: bool,
    pub deadline_rule: Option<String>,
    pub answer_due: Option<Date>,
    pub acknowledge_due: Option<Date>,
    pub decisions: Vec<StoredDecision>,
    pub sealed: bool,
    pub entered_by: String,
    pub subject_employee_id: Option<UserId>,
    pub department_id: Option<DepartmentId>,
    pub assignee_id: Option<UserId>,
    pub urgency: Urgency,
    pub escalated_at: Option<Timestamp>,
    pub triage_note: Option<String>,
    pub not_considered_rule: Option<String>,
    pub forwarded_to: Option<String>,
    pub forwarded_at: Option<Timestamp>,
    pub duplicate_of: Option<RegistrationNumber>,
    pub answer_text: Option<String>,
    pub answered_by: Option<UserId>,
    pub answered_at: Option<Timestamp>,
    pub conflicted_user_ids: Vec<UserId>,
    pub history: Vec<CaseEvent>,
    /// The personal data was erased after the retention period.
    pub anonymised: bool,
}

impl CaseRecord {
    /// What the access rules need to know about this case.
    pub fn facts(&self) -> CaseFacts {
        CaseFacts {
            department_id: self.department_id,
            assignee_id: self.assignee_id,
            corruption: self.sealed,
            about_employee: self.about_employee,
            conflicted_user_ids: self.conflicted_user_ids.clone(),
        }
    }
}

/// Which cases an inbox shows. The caller sets the visibility limits from the access rules.
#[derive(Debug, Clone, Default)]
pub struct InboxFilter {
    pub kind: Option<Kind>,
    pub channel: Option<Channel>,
    pub status: Option<Status>,
    pub department_id: Option<DepartmentId>,
    pub assignee_id: Option<UserId>,
    /// Only overdue cases.
    pub overdue_only: bool,
    /// Only open cases (the default inbox).
    pub open_only: bool,
    /// Include whistleblower reports (only for designated officers).
    pub include_sealed: bool,
    /// Hide cases on which this user has a conflict of interest.
    pub hide_conflicted_for: Option<UserId>,
    /// Hide complaints about employees (they are for the Mayor's office).
    pub hide_about_employee: bool,
    pub limit: u32,
    pub offset: u32,
}

impl InboxFilter {
    /// Every case within `scope` (the access rules' [`priemna_domain::access::case_scope`]),
    /// before the caller's own filters.
    pub fn within(scope: &CaseScope) -> InboxFilter {
        InboxFilter {
            department_id: scope.department_id,
            assignee_id: scope.assignee_id,
            include_sealed: scope.include_sealed,
            hide_conflicted_for: scope.hide_conflicted_for,
            hide_about_employee: scope.hide_about_employee,
            ..InboxFilter::default()
        }
    }
}

/// One line of an inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSummary {
    pub number: RegistrationNumber,
    pub kind: Kind,
    pub channel: Channel,
    pub subject: String,
    pub status: Status,
    pub received_at: Timestamp,
    pub answer_due: Option<Date>,
    pub urgency: Urgency,
    pub department_id: Option<DepartmentId>,
    pub department_name: Option<String>,
    pub assignee_id: Option<UserId>,
    pub assignee_name: Option<String>,
}

/// What one action changes on a case. `None` leaves a field as it is.
#[derive(Debug, Clone)]
pub struct CaseChange {
    pub at: Timestamp,
    pub actor: String,
    /// The journal's action name, e.g. `assign`.
    pub action: String,
    /// The status the action was decided on; the change fails if someone moved the case meanwhile.
    pub expected_status: Status,
    pub new_status: Status,
    pub department_id: Option<Option<DepartmentId>>,
    pub assignee_id: Option<Option<UserId>>,
    pub subject_employee_id: Option<Option<UserId>>,
    pub answer_due: Option<Option<Date>>,
    pub considered: Option<bool>,
    pub triage_note: Option<String>,
    pub not_considered_rule: Option<String>,
    pub forwarded_to: Option<String>,
    pub duplicate_of: Option<CaseId>,
    /// (text, signed by user id)
    pub answer: Option<(String, UserId)>,
    /// A conflict of interest to record with the change (user id, reason).
    pub conflict: Option<(UserId, String)>,
    /// What the citizen is told, if anything (Bulgarian, English).
    pub citizen_note: Option<(String, String)>,
    /// Before/after and the reason, for the journal. No personal data.
    pub journal_details: serde_json::Value,
    /// Letters (PDF) to keep with the case, written in the same transaction.
    pub documents: Vec<NewDocument>,
    /// E-mails to queue in the same transaction.
    pub messages: Vec<NewMessage>,
}

impl CaseChange {
    pub fn new(at: Timestamp, actor: String, action: &str, from: Status, to: Status) -> Self {
        CaseChange {
            at,
            actor,
            action: action.to_owned(),
            expected_status: from,
            new_status: to,
            department_id: None,
            assignee_id: None,
            subject_employee_id: None,
            answer_due: None,
            considered: None,
            triage_note: None,
            not_considered_rule: None,
            forwarded_to: None,
            duplicate_of: None,
            answer: None,
            conflict: None,
            citizen_note: None,
            journal_details: serde_json::Value::Null,
            documents: Vec::new(),
            messages: Vec::new(),
        }
    }
}

/// One journal entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub submission_id: Option<CaseId>,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The outcome of checking the journal's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JournalVerdict {
    Intact {
        entries: u64,
    },
    /// The first entry whose hash or link does not match.
    Broken {
        entry_id: i64,
        problem: JournalBreak,
    },
}

/// What is wrong with the first broken entry of the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JournalBreak {
    /// Its link to the previous entry does not match: an entry before it was removed or altered.
    Link,
    /// Its content does not match its hash: the entry itself was edited.
    Content,
}

impl JournalBreak {
    pub fn label_bg(self) -> &'static str {
        match self {
            JournalBreak::Link => {
                "връзката с предходния запис не съвпада (запис преди него е изтрит или променен)"
            }
            JournalBreak::Content => {
                "съдържанието на записа не съвпада с контролната му сума (записът е редактиран)"
            }
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            JournalBreak::Link => {
                "its link to the previous entry does not match (an entry before it was removed or altered)"
            }
            JournalBreak::Content => "its content does not match its hash (the entry was edited)",
        }
    }
}

impl std::fmt::Display for JournalBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label_en())
    }
}

/// Which journal entries to read: every condition given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JournalFilter {
    /// Written by one of these actors (a person appears under several labels: `user:ID`,
    /// `user:ID:NAME`, `clerk:NAME`, `cli:NAME`); empty: by anyone.
    pub actors: Vec<String>,
    /// About this case.
    pub submission_id: Option<CaseId>,
    pub action: Option<String>,
    /// At or after this instant.
    pub from: Option<Timestamp>,
    /// Before this instant.
    pub until: Option<Timestamp>,
    /// Only entries up to this id (an export stops where it started).
    pub max_id: Option<i64>,
}

/// Where a page of the journal starts, in the order of time (then id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JournalCursor {
    /// The newest entries.
    Latest,
    /// Entries older than the entry with this id, newest first.
    Before(i64),
    /// Entries newer than the entry with this id, oldest first.
    After(i64),
    /// The oldest entries, oldest first.
    Oldest,
}

/// A reminder to a member of staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffReminder {
    pub id: i64,
    pub number: RegistrationNumber,
    pub subject: String,
    pub kind: ReminderKind,
    pub due: Date,
    pub created_at: Timestamp,
    /// The case's access facts as they are now, so that a reader checks `ViewCase` before the
    /// subject is shown (a reminder written earlier may be for someone barred since).
    pub facts: CaseFacts,
}

/// A job that runs once per run key across servers, recorded in `job_runs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Job {
    /// Rates the open cases against their deadlines and reminds staff.
    Deadlines,
    /// Erases the personal data of finished cases past their retention period.
    Retention,
}

impl Job {
    /// The name stored in `job_runs.job`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Job::Deadlines => "deadlines",
            Job::Retention => "retention",
        }
    }

    pub fn parse(s: &str) -> Option<Job> {
        [Job::Deadlines, Job::Retention]
            .into_iter()
            .find(|job| job.as_str() == s)
    }
}

impl std::fmt::Display for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a run of the deadline job did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeadlineRunReport {
    /// False when another process already ran this slot.
    pub ran: bool,
    pub due_soon: u64,
    pub overdue: u64,
    pub escalated: u64,
    pub reminders: u64,
}

/// An open case as the deadline job sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineCase {
    pub id: CaseId,
    pub number: RegistrationNumber,
    pub answer_due: Option<Date>,
    pub urgency: Urgency,
    pub department_id: Option<DepartmentId>,
    pub assignee_id: Option<UserId>,
    pub escalated: bool,
    /// A corruption signal (whistleblower report).
    pub sealed: bool,
    pub about_employee: bool,
    /// Declared conflicts and the employee a complaint is about.
    pub conflicted_user_ids: Vec<UserId>,
}

impl DeadlineCase {
    /// What the access rules need to know about this case.
    pub fn facts(&self) -> CaseFacts {
        CaseFacts {
            department_id: self.department_id,
            assignee_id: self.assignee_id,
            corruption: self.sealed,
            about_employee: self.about_employee,
            conflicted_user_ids: self.conflicted_user_ids.clone(),
        }
    }
}

/// What the deadline job decided for one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrgencyUpdate {
    pub case_id: CaseId,
    pub urgency: Urgency,
    pub due: Option<Date>,
    /// Mark the case escalated to the Mayor's office.
    pub escalate: bool,
    /// (user id, reminder kind)
    pub reminders: Vec<(UserId, ReminderKind)>,
    /// E-mails about the reminders (each with a `dedupe_key`, so a reminder is mailed once).
    pub messages: Vec<NewMessage>,
}

// ---- written answers and notifications -------------------------------------------------------

/// In a message's subject and bodies, replaced by the registration number when the intake
/// transaction assigns it.
pub const NUMBER_PLACEHOLDER: &str = "{{number}}";
/// In a receipt's bodies, replaced by the tracking code only when the message is sent: the code
/// is kept beside the message until then (never in its text), and forgotten once it is sent.
pub const TRACKING_CODE_PLACEHOLDER: &str = "{{tracking_code}}";

/// Who an e-mail goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// The case's submitter, at the address they gave (read inside the transaction; nothing is
    /// queued when they gave none).
    Submitter,
    /// A given address (staff).
    Address { email: String, name: Option<String> },
}

/// What an e-mail of the outbox is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// The citizen's receipt for a registered submission.
    Receipt,
    /// The notice that the deadline is extended.
    DelayNotice,
    /// The written answer.
    Answer,
    /// A deadline reminder to a member of staff.
    StaffReminder,
    /// A reception visit booked or moved.
    BookingConfirmation,
    /// A reception visit cancelled.
    BookingCancellation,
    /// A member of staff's designation changed.
    DesignationNotice,
    /// Failed sign-ins to a member of staff's account.
    SignInNotice,
    /// The officer asks the citizen for missing information or documents.
    InformationRequest,
    /// The citizen's information arrived: the new answer date where the term ran anew.
    InformationReceived,
    /// To the officer: the citizen answered or added information.
    CitizenAnswered,
    /// To a member of staff: the day's reminders and answers in one e-mail.
    StaffDigest,
}

impl MessageKind {
    pub const ALL: [MessageKind; 12] = [
        MessageKind::Receipt,
        MessageKind::DelayNotice,
        MessageKind::Answer,
        MessageKind::StaffReminder,
        MessageKind::BookingConfirmation,
        MessageKind::BookingCancellation,
        MessageKind::DesignationNotice,
        MessageKind::SignInNotice,
        MessageKind::InformationRequest,
        MessageKind::InformationReceived,
        MessageKind::CitizenAnswered,
        MessageKind::StaffDigest,
    ];

    /// The identifier stored in `outbox.kind` and used by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Receipt => "receipt",
            MessageKind::DelayNotice => "delay_notice",
            MessageKind::Answer => "answer",
            MessageKind::StaffReminder => "staff_reminder",
            MessageKind::BookingConfirmation => "booking_confirmation",
            MessageKind::BookingCancellation => "booking_cancellation",
            MessageKind::DesignationNotice => "designation_notice",
            MessageKind::SignInNotice => "sign_in_notice",
            MessageKind::InformationRequest => "information_request",
            MessageKind::InformationReceived => "information_received",
            MessageKind::CitizenAnswered => "citizen_answered",
            MessageKind::StaffDigest => "staff_digest",
        }
    }

    pub fn parse(s: &str) -> Option<MessageKind> {
        MessageKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl MessageKind {
    /// Whether the message goes to the citizen about their case (and carries the case's
    /// reference, so that a reply finds the case).
    pub fn to_citizen(self) -> bool {
        matches!(
            self,
            MessageKind::Receipt
                | MessageKind::DelayNotice
                | MessageKind::Answer
                | MessageKind::InformationRequest
                | MessageKind::InformationReceived
        )
    }
}

impl std::fmt::Display for MessageKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An e-mail to write to the outbox together with the action that causes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    pub kind: MessageKind,
    /// The RFC 5322 Message-ID (`<…@…>`), fixed now and the same on every attempt.
    pub message_id: String,
    pub recipient: Recipient,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The document (index into the same change's `documents`) to attach.
    pub attach_document: Option<usize>,
    /// A file of its own to attach (file name, content type, content), e.g. a calendar file.
    pub attach_file: Option<(String, String, Vec<u8>)>,
    /// At most one message per key (e.g. one reminder per case, person, kind and date).
    pub dedupe_key: Option<String>,
}

impl NewMessage {
    /// A receipt queued with its facts only (its body empty): the outbox worker writes it from
    /// the register when it sends it, so the register keeps no copy of a text it can rebuild.
    pub fn written_when_sent(&self) -> bool {
        self.kind == MessageKind::Receipt && self.text.is_empty() && self.html.is_empty()
    }
}

/// Which letter a kept document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// The written answer to the case.
    Answer,
    /// The notice that the deadline is extended.
    DelayNotice,
    /// The confirmation of registration.
    Receipt,
}

impl DocumentKind {
    /// The identifier stored in `documents.kind` and used by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Answer => "answer",
            DocumentKind::DelayNotice => "delay_notice",
            DocumentKind::Receipt => "receipt",
        }
    }

    pub fn parse(s: &str) -> Option<DocumentKind> {
        [
            DocumentKind::Answer,
            DocumentKind::DelayNotice,
            DocumentKind::Receipt,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

impl std::fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A letter (PDF) to keep with the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDocument {
    pub kind: DocumentKind,
    /// The outgoing number printed on the letter, e.g. `2026-000123-2`.
    pub outgoing_number: Option<String>,
    pub filename: String,
    pub content: Vec<u8>,
    /// Who issued it (staff label or `system:…`).
    pub created_by: String,
}

/// A letter kept with a case (its content is read separately).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDocument {
    pub id: i64,
    pub submission_id: CaseId,
    pub kind: DocumentKind,
    pub outgoing_number: Option<String>,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: Timestamp,
    pub created_by: String,
}

/// A message the worker has claimed and now sends.
#[derive(Debug, Clone)]
pub struct OutgoingMessage {
    pub id: i64,
    pub message_id: String,
    pub kind: MessageKind,
    pub recipient: String,
    pub recipient_name: Option<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The tracking code for `TRACKING_CODE_PLACEHOLDER`, while the message is unsent.
    pub secret: Option<String>,
    /// The number of the case the message is about, if any.
    pub case_number: Option<RegistrationNumber>,
    pub case_id: Option<CaseId>,
    /// The case's reference token (`case_threads`), once it has one: carried in the subject
    /// and the References of e-mails to the citizen, so that a reply finds its case.
    pub thread_token: Option<String>,
    /// (file name, content type, content)
    pub attachment: Option<(String, String, Vec<u8>)>,
    /// Attempts so far, this one included.
    pub attempts: i64,
    pub created_at: Timestamp,
    /// The previous attempt ended without a record (a crash, or a lease that ran out): the
    /// server may have accepted it already.
    pub in_doubt: bool,
}

/// Where a message of the outbox stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Waiting to be sent (again, after a failed attempt, from `next_attempt_at`).
    Queued,
    /// Claimed by a worker, until its lease runs out.
    Sending,
    Sent,
    /// Failed for good: only an administrator puts it back in the queue.
    Failed,
}

impl OutboxState {
    pub const ALL: [OutboxState; 4] = [
        OutboxState::Queued,
        OutboxState::Sending,
        OutboxState::Sent,
        OutboxState::Failed,
    ];

    /// The identifier stored in `outbox.state` and used by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Queued => "queued",
            OutboxState::Sending => "sending",
            OutboxState::Sent => "sent",
            OutboxState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<OutboxState> {
        OutboxState::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
    }
}

impl std::fmt::Display for OutboxState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One line of the outbox as the back office sees it (no bodies, no secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub id: i64,
    pub message_id: String,
    pub kind: MessageKind,
    pub number: Option<RegistrationNumber>,
    pub recipient: String,
    /// The case is a whistleblower report: the recipient is not shown.
    pub sealed: bool,
    pub subject: String,
    pub state: OutboxState,
    pub attempts: i64,
    pub next_attempt_at: Option<Timestamp>,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub sent_at: Option<Timestamp>,
    pub has_attachment: bool,
}

/// How the outbox listing is filtered.
#[derive(Debug, Clone, Default)]
pub struct OutboxFilter {
    pub state: Option<OutboxState>,
    pub submission_id: Option<CaseId>,
    pub limit: u32,
    pub offset: u32,
}

// ---- Open311 (GeoReport v2) ------------------------------------------------------------------

/// What a submission may carry besides the charter's fields: where it is on the map and, for
/// requests posted through Open311, the service, the answers to its questions, a photo's URL and
/// the token given to batch clients. All empty for the other channels.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SubmissionExtras {
    pub location: Option<priemna_domain::services::GeoPoint>,
    pub service_code: Option<String>,
    pub media_url: Option<String>,
    /// `code → values`: the answers to the service's questions.
    pub attributes: std::collections::BTreeMap<String, Vec<String>>,
    pub open311_token: Option<String>,
    /// The portal form's one-time token: kept with the submission in the same transaction, and
    /// the files kept for that form go with the case.
    pub form: Option<crate::portal::FormOnce>,
    /// Files (checked) stored with the case in the same transaction, each journalled.
    pub attachments: Vec<crate::portal::NewAttachment>,
    /// An internal note for staff written with the case (the mailbox's link to the case a
    /// reply from another address answered), never shown to the citizen.
    pub internal_note: Option<String>,
}

/// Which Open311 requests to list (only submissions that came through Open311, never
/// whistleblower reports), newest first.
#[derive(Debug, Clone, Default)]
pub struct Open311Query {
    /// Only these numbers; the other filters are then ignored.
    pub numbers: Vec<RegistrationNumber>,
    /// Only these services (empty: all).
    pub service_codes: Vec<String>,
    /// Received at or after this instant.
    pub from: Option<Timestamp>,
    /// Received at or before this instant.
    pub to: Option<Timestamp>,
    /// `Some(true)`: open cases only; `Some(false)`: finished ones only.
    pub open: Option<bool>,
    /// Load each request's history too.
    pub with_history: bool,
    pub limit: u32,
    pub offset: u32,
}

/// An Open311 request as the register holds it: the case without its submitter.
#[derive(Debug, Clone, PartialEq)]
pub struct Open311Request {
    pub number: RegistrationNumber,
    pub service_code: String,
    pub kind: Kind,
    pub subject: String,
    pub body: String,
    pub address: Option<String>,
    pub location: Option<priemna_domain::services::GeoPoint>,
    pub media_url: Option<String>,
    pub attributes: std::collections::BTreeMap<String, Vec<String>>,
    pub status: Status,
    pub considered: bool,
    /// The rules that applied at registration (identifiers only).
    pub rules: Vec<String>,
    pub received_at: Timestamp,
    pub updated_at: Option<Timestamp>,
    pub answer_due: Option<Date>,
    pub department_name: Option<String>,
    pub forwarded_to: Option<String>,
    pub not_considered_rule: Option<String>,
    pub duplicate_of: Option<RegistrationNumber>,
    /// The personal data (and text) were erased after the retention period.
    pub anonymised: bool,
    /// Filled when asked for (`Open311Query::with_history`).
    pub history: Vec<CaseEvent>,
}

/// Which changes of Open311 requests to list (FixMyStreet's `servicerequestupdates`).
#[derive(Debug, Clone, Default)]
pub struct Open311UpdatesQuery {
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    pub limit: u32,
    pub offset: u32,
}

/// One step in the life of an Open311 request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open311Update {
    pub id: i64,
    pub number: RegistrationNumber,
    pub service_code: String,
    pub status: Status,
    pub at: Timestamp,
}

/// A key an application posts Open311 requests with (the key itself is never stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    pub key_prefix: String,
    /// Answer this application's POSTs with a token instead of the number.
    pub token_responses: bool,
    pub created_at: Timestamp,
    pub created_by: String,
    pub revoked_at: Option<Timestamp>,
}

#[derive(Debug, Clone)]
pub struct NewApiKey {
    pub name: String,
    /// SHA-256 of the key, hex.
    pub key_hash: String,
    pub key_prefix: String,
    pub token_responses: bool,
}
