//! Decoding stored text back into domain values, the same for every backend.

use crate::{Result, StoreError};
use jiff::Timestamp;
use jiff::civil::Date;
use priemna_domain::Status;
use priemna_domain::workflow::{ReminderKind, Urgency};

pub(crate) fn parse_timestamp(s: &str) -> Result<Timestamp> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("bad timestamp {s:?}")))
}

pub(crate) fn parse_date(s: Option<String>) -> Result<Option<Date>> {
    s.map(|s| {
        s.parse()
            .map_err(|_| StoreError::Corrupt(format!("bad date {s:?}")))
    })
    .transpose()
}

pub(crate) fn parse_status(s: &str) -> Result<Status> {
    Status::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown status {s:?}")))
}

/// Whether a database error is a UNIQUE constraint violation.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

pub(crate) fn parse_urgency(s: &str) -> Result<Urgency> {
    Urgency::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown urgency {s:?}")))
}

pub(crate) fn parse_reminder_kind(s: &str) -> Result<ReminderKind> {
    ReminderKind::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown reminder {s:?}")))
}
