//! Refused access, journalled: when the access rules refuse a member of staff a case or a
//! protected page, the journal records who, which case or page, the permission asked for and
//! the rule's reason — once per person, case or page, and permission a minute, so that a
//! reloading browser or a script cannot flood it. Writing the entry never fails the request:
//! should the journal be unavailable, the refusal is logged and the 403 goes out as it would.

use crate::App;
use crate::staff::Staff;
use jiff::SignedDuration;
use priemna_domain::access::{self, Denied, Permission};
use priemna_store::CaseRecord;
use serde_json::json;

/// The journal's action for a refused access.
pub const ACTION: &str = "access_denied";

/// A refusal repeated within this time is journalled once.
const QUIET: SignedDuration = SignedDuration::from_secs(60);

/// What was asked for.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    Case(&'a CaseRecord),
    /// A page or an endpoint that concerns no case, by its address.
    Page(&'static str),
}

/// `access::check`, with a refusal journalled.
pub async fn check(
    app: &App,
    staff: &Staff,
    permission: Permission,
    target: Target<'_>,
) -> Result<(), Denied> {
    let facts = match target {
        Target::Case(case) => Some(case.facts()),
        Target::Page(_) => None,
    };
    match access::check(&staff.user.actor(), permission, facts.as_ref()) {
        Ok(()) => Ok(()),
        Err(denied) => {
            record(app, staff, permission, target, &denied).await;
            Err(denied)
        }
    }
}

/// [`check_personal_data`] (letters, receipts, attached files: the submitter's
/// personal data), with a refusal journalled.
pub async fn personal_data(
    app: &App,
    staff: &Staff,
    case: &CaseRecord,
) -> Result<(), crate::AppError> {
    let permission = if case.sealed {
        Permission::ViewSealedIdentity
    } else {
        Permission::ViewPersonalData
    };
    if let Err(denied) = access::check(&staff.user.actor(), permission, Some(&case.facts())) {
        record(app, staff, permission, Target::Case(case), &denied).await;
    }
    check_personal_data(staff, case)
}

/// Whether this member of staff may read what carries the submitter's personal data about the
/// case — its letters, receipt and attached files: `ViewPersonalData`, or `ViewSealedIdentity`
/// for a whistleblower's report. Refused with the rule's reason and what is withheld.
pub fn check_personal_data(staff: &Staff, case: &CaseRecord) -> Result<(), crate::AppError> {
    let permission = if case.sealed {
        Permission::ViewSealedIdentity
    } else {
        Permission::ViewPersonalData
    };
    access::check(&staff.user.actor(), permission, Some(&case.facts())).map_err(|denied| {
        crate::AppError::Forbidden {
            reason_bg: format!(
                "Писмата, разписката и прикачените файлове съдържат лични данни на подателя. {}",
                denied.reason_bg
            ),
            reason_en: format!(
                "Letters, the receipt and attached files carry the submitter's personal data. {}",
                denied.reason_en
            ),
        }
    })
}

/// Journals a refusal the caller decided itself.
pub async fn record(
    app: &App,
    staff: &Staff,
    permission: Permission,
    target: Target<'_>,
    denied: &Denied,
) {
    let (submission_id, mut details) = match target {
        Target::Case(case) => (Some(case.id), json!({ "number": case.number.to_string() })),
        Target::Page(page) => (None, json!({ "page": page })),
    };
    if let Some(fields) = details.as_object_mut() {
        fields.insert("permission".into(), json!(permission.as_str()));
        fields.insert("reason".into(), json!(denied.reason_bg));
    }
    let now = app.clock.now();
    let since = now.checked_sub(QUIET).unwrap_or(now);
    if let Err(e) = app
        .store
        .append_journal_once(
            now,
            since,
            &staff.actor_label(),
            ACTION,
            submission_id,
            details,
        )
        .await
    {
        tracing::error!(error = %e, user = staff.user.id.0, permission = permission.as_str(),
            "a refused access could not be journalled");
    }
}

/// A page's address in words, for the journal's readers.
pub fn page_label(page: &str) -> String {
    let name = match page {
        "/staff/journal" | "/staff/journal.csv" => "дневник на действията",
        "/api/v1/journal" => "дневник на действията (API)",
        "/staff/admin" => "администриране",
        "/staff/admin/outbox" => "изходяща поща",
        "/staff/admin/users" | "/api/v1/users" => "служители",
        "/staff/admin/departments" | "/api/v1/departments" => "отдели",
        "/staff/overview" => "срокове по отдели",
        _ => return page.to_owned(),
    };
    format!("{name} ({page})")
}
