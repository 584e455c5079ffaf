//! What goes into the register and what comes out of it.

use jiff::Timestamp;
use jiff::civil::Date;
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
