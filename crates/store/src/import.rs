//! Import of cases from an existing register (a spreadsheet, or a data generator): many cases
//! in one transaction, numbered in Priemna's gap-free series, with one journal entry for the
//! whole import.
//!
//! `ImportStore` is a part of `Store` (a supertrait), implemented for each backend from the
//! shared queries in `common/import.rs`.

use crate::Result;
use async_trait::async_trait;
use jiff::Timestamp;
use priemna_domain::rules::Assessment;
use priemna_domain::submission::Draft;
use priemna_domain::{DepartmentId, RegistrationNumber, Status};

/// One case to import: checked (`Draft`), judged by the charter's rules on its date of receipt
/// (`Assessment`, which carries the legal deadline), and what the old register knew of its end.
#[derive(Debug, Clone)]
pub struct ImportedCase {
    /// The old register's number, kept beside Priemna's; unique in the register when given.
    pub legacy_number: Option<String>,
    pub draft: Draft,
    pub assessment: Assessment,
    /// When it was received; its municipal date decides the year of the number.
    pub received_at: Timestamp,
    pub department_id: Option<DepartmentId>,
    /// Any status but `Duplicate` (there is no case to merge it into).
    pub status: Status,
    pub answered_at: Option<Timestamp>,
    pub answer_text: Option<String>,
    /// When the case was finished (retention runs from it); `None` for open cases.
    pub finished_at: Option<Timestamp>,
}

/// The import as a whole, for its journal entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportBatch {
    /// Who imported (e.g. `clerk:ivanova`).
    pub actor: String,
    pub at: Timestamp,
    /// What was imported, e.g. the file's name.
    pub source: String,
    /// The SHA-256 of the file, in hex, so the journal says exactly which file it was.
    pub sha256: String,
}

/// The numbers one import gave in one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberRange {
    pub first: RegistrationNumber,
    pub last: RegistrationNumber,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportOutcome {
    pub count: u64,
    /// The lowest and highest numbers given (`None` when nothing was imported).
    pub first: Option<RegistrationNumber>,
    pub last: Option<RegistrationNumber>,
    /// The numbers given in each year, oldest year first; each range is gap-free.
    pub ranges: Vec<NumberRange>,
}

#[async_trait]
pub trait ImportStore: Send + Sync {
    /// Imports `cases` in one transaction: all of them, or — on any failure — none. Each gets
    /// the next gap-free number of its year of receipt, in order of receipt (stable: cases
    /// received at the same instant keep their order), a random tracking code (only its hash is
    /// kept; nobody is told it), its personal data in `submitters` (whistleblowers' in
    /// `sealed_identities`), and its history (registration, and the answer or end). One
    /// journal entry records the import. `progress` is called with the number of cases written
    /// so far. Fails with `Duplicate` when an old number is in the register already or twice
    /// in `cases`; an empty `cases` writes nothing.
    async fn import_cases(
        &self,
        cases: Vec<ImportedCase>,
        batch: ImportBatch,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<ImportOutcome>;

    /// Which of these old numbers are in the register already, with the case each became.
    async fn legacy_numbers_in_use(
        &self,
        legacy_numbers: &[String],
    ) -> Result<Vec<(String, RegistrationNumber)>>;
}
