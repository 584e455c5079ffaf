//! Cases read for an export (the back office's CSV of a year's cases): page after page by id
//! (keyset pagination, so a register of millions of cases is read in bounded memory and a page
//! costs the same wherever it starts), with the facts the access rules need beside each case.
//!
//! The cases come without personal data. The submitters of the cases a reader may see are read
//! apart, by id, and only from the ordinary submitters' table: a whistleblower's sealed identity
//! is never part of an export. The caller checks access and journals what was exported.
//! `ExportStore` is a part of `Store`, implemented for each backend from the shared queries in
//! `common/export.rs`.

use crate::Result;
use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use priemna_domain::access::CaseFacts;
use priemna_domain::{CaseId, Channel, DepartmentId, Kind, RegistrationNumber, Status, UserId};
use std::collections::HashMap;

/// Which cases to export: received from `from` up to (not including) `until`, optionally of one
/// department.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFilter {
    pub from: Date,
    pub until: Date,
    pub department_id: Option<DepartmentId>,
}

/// A case as an export shows it: no personal data, and the access facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportCase {
    pub id: CaseId,
    pub number: RegistrationNumber,
    pub kind: Kind,
    pub channel: Channel,
    pub status: Status,
    pub subject: String,
    /// Where the problem is (not the submitter's address).
    pub place: Option<String>,
    pub received_date: Date,
    pub answer_due: Option<Date>,
    pub deadline_extended: bool,
    pub answered_at: Option<Timestamp>,
    pub department_id: Option<DepartmentId>,
    pub department_name: Option<String>,
    pub assignee_id: Option<UserId>,
    /// The Open311 service (problem category).
    pub service_code: Option<String>,
    pub not_considered_rule: Option<String>,
    pub forwarded_to: Option<String>,
    /// The case this one was merged into, by id.
    pub duplicate_of: Option<CaseId>,
    /// `overdue`, `due_soon`, `on_track` or `no_deadline`, as the deadline job last rated it.
    pub urgency: priemna_domain::workflow::Urgency,
    pub anonymous: bool,
    /// A whistleblower's report: the identity is sealed.
    pub sealed: bool,
    pub about_employee: bool,
    /// Declared conflicts and the employee a complaint is about.
    pub conflicted_user_ids: Vec<UserId>,
    /// The citizen's rating, 1 … 5.
    pub rating: Option<u8>,
}

impl ExportCase {
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

/// A submitter's name and contacts, for an export (never an identity number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSubmitter {
    pub name: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[async_trait]
pub trait ExportStore {
    /// The next cases of `filter` with an id greater than `after_id`, by id, at most `limit`.
    async fn export_cases(
        &self,
        filter: &ExportFilter,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<ExportCase>>;
    /// The submitters of these cases, by case id. Sealed cases (whistleblowers) and anonymous
    /// ones have none here. The caller journals the export.
    async fn export_submitters(
        &self,
        case_ids: &[CaseId],
    ) -> Result<HashMap<CaseId, ExportSubmitter>>;
}
