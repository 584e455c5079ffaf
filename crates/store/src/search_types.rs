//! What the search index reads from the register: cases without personal data, and a marker
//! of what the register holds so that a stale index is noticed.

use jiff::Timestamp;
use jiff::civil::Date;
use priemna_domain::access::CaseFacts;
use priemna_domain::{CaseId, Channel, DepartmentId, Kind, RegistrationNumber, Status, UserId};

/// Which cases to read for the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexScan {
    /// The next `limit` cases with id greater than `after_id`, by id (a rebuild).
    After { after_id: i64, limit: u32 },
    /// These cases (after a change).
    Ids(Vec<CaseId>),
    /// These cases, by number (after a registration).
    Numbers(Vec<RegistrationNumber>),
    /// The cases merged into this one as its duplicates.
    DuplicatesOf(CaseId),
    /// Cases registered after `after_id` or changed since `changed_since` (an RFC 3339 prefix,
    /// compared as text: pass it cut to the second so that nothing of that second is missed),
    /// by id, at most `limit`.
    ChangedSince {
        after_id: i64,
        changed_since: Option<String>,
        limit: u32,
    },
}

/// A case as the search index needs it: its text, filters and access facts. No personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexCase {
    pub id: CaseId,
    pub number: RegistrationNumber,
    pub kind: Kind,
    pub channel: Channel,
    pub status: Status,
    pub subject: String,
    pub body: String,
    pub address: Option<String>,
    pub answer_text: Option<String>,
    pub department_id: Option<DepartmentId>,
    pub assignee_id: Option<UserId>,
    pub sealed: bool,
    pub about_employee: bool,
    /// Declared conflicts and the employee a complaint is about.
    pub conflicted_user_ids: Vec<UserId>,
    pub received_at: Timestamp,
    pub received_date: Date,
    pub updated_at: Option<String>,
    pub duplicate_of: Option<CaseId>,
}

impl IndexCase {
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

/// What the register holds, to compare with what the index covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegisterMarker {
    pub count: u64,
    pub max_id: i64,
    /// The latest change to any case (`updated_at`).
    pub max_updated_at: Option<String>,
}
