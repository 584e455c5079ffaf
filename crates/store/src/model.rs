//! What goes into the register and what comes out of it.

use jiff::Timestamp;
use jiff::civil::Date;
use priemna_domain::access::{Actor, CaseFacts, Role};
use priemna_domain::rules::Assessment;
use priemna_domain::submission::Draft;
use priemna_domain::{Channel, Kind, RegistrationNumber, Status};
use serde::{Deserialize, Serialize};

/// A checked submission and what the charter's rules said about it, ready to be registered.
#[derive(Debug, Clone)]
pub struct NewSubmission {
    pub draft: Draft,
    pub assessment: Assessment,
    pub received_at: Timestamp,
    /// Who entered it: `citizen` (portal, API), or `clerk:<name>` for paper, phone and boxes.
    pub entered_by: String,
}

/// The receipt: what the citizen gets back once the submission is safely stored.
#[derive(Debug, Clone)]
pub struct Registered {
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
}

/// A member of staff as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department_id: Option<i64>,
    pub corruption_officer: bool,
    pub active: bool,
    /// argon2id PHC string; never logged.
    pub password_hash: String,
    pub failed_logins: i64,
    pub locked_until: Option<Timestamp>,
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

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department_id: Option<i64>,
    pub corruption_officer: bool,
    pub password_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    pub id: i64,
    pub name: String,
    pub head_user_id: Option<i64>,
}

/// A live session and its user.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf_token: String,
    pub expires_at: Timestamp,
}

/// The submitter's personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    pub id: i64,
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
    pub subject_employee_id: Option<i64>,
    pub department_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub urgency: String,
    pub escalated_at: Option<Timestamp>,
    pub triage_note: Option<String>,
    pub not_considered_rule: Option<String>,
    pub forwarded_to: Option<String>,
    pub forwarded_at: Option<Timestamp>,
    pub duplicate_of: Option<RegistrationNumber>,
    pub answer_text: Option<String>,
    pub answered_by: Option<i64>,
    pub answered_at: Option<Timestamp>,
    pub conflicted_user_ids: Vec<i64>,
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
    pub department_id: Option<i64>,
    pub assignee_id: Option<i64>,
    /// Only overdue cases.
    pub overdue_only: bool,
    /// Only open cases (the default inbox).
    pub open_only: bool,
    /// Include whistleblower reports (only for designated officers).
    pub include_sealed: bool,
    /// Hide cases on which this user has a conflict of interest.
    pub hide_conflicted_for: Option<i64>,
    /// Hide complaints about employees (they are for the Mayor's office).
    pub hide_about_employee: bool,
    pub limit: u32,
    pub offset: u32,
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
    pub urgency: String,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
    pub assignee_id: Option<i64>,
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
    pub department_id: Option<Option<i64>>,
    pub assignee_id: Option<Option<i64>>,
    pub subject_employee_id: Option<Option<i64>>,
    pub answer_due: Option<Option<Date>>,
    pub considered: Option<bool>,
    pub decisions: Option<Vec<StoredDecision>>,
    pub triage_note: Option<String>,
    pub not_considered_rule: Option<String>,
    pub forwarded_to: Option<String>,
    pub duplicate_of: Option<i64>,
    /// (text, signed by user id)
    pub answer: Option<(String, i64)>,
    /// A conflict of interest to record with the change (user id, reason).
    pub conflict: Option<(i64, String)>,
    /// What the citizen is told, if anything (Bulgarian, English).
    pub citizen_note: Option<(String, String)>,
    /// Before/after and the reason, for the journal. No personal data.
    pub journal_details: serde_json::Value,
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
            decisions: None,
            triage_note: None,
            not_considered_rule: None,
            forwarded_to: None,
            duplicate_of: None,
            answer: None,
            conflict: None,
            citizen_note: None,
            journal_details: serde_json::Value::Null,
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
    pub submission_id: Option<i64>,
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
        problem: String,
    },
}

/// A reminder to a member of staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffReminder {
    pub id: i64,
    pub number: RegistrationNumber,
    pub subject: String,
    pub kind: String,
    pub due: Date,
    pub created_at: Timestamp,
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
    pub id: i64,
    pub number: RegistrationNumber,
    pub answer_due: Option<Date>,
    pub urgency: String,
    pub department_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub escalated: bool,
}

/// What the deadline job decided for one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrgencyUpdate {
    pub case_id: i64,
    pub urgency: String,
    pub due: Option<Date>,
    /// Mark the case escalated to the Mayor's office.
    pub escalate: bool,
    /// (user id, reminder kind)
    pub reminders: Vec<(i64, String)>,
}
