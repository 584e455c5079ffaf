//! What an action sends: the letters (PDF) kept with the case and the e-mails that go with them,
//! added to the action's `CaseChange` so that the store writes them in its transaction.

use super::messages;
use crate::App;
use crate::AppError;
use crate::staff::Staff;
use jiff::Timestamp;
use jiff::civil::Date;
use priemna_domain::UserId;
use priemna_domain::access::{self, Permission};
use priemna_domain::workflow::{CaseAction, ReminderKind};
use priemna_letters::{
    self as letters, Addressee, AnswerLetter, CaseRef, DelayNotice, PdfError, Receipt, Signatory,
};
use priemna_store::{CaseChange, CaseRecord, DocumentKind, NewDocument};

fn case_ref(case: &CaseRecord) -> CaseRef {
    CaseRef {
        number: case.number,
        received_date: case.received_date,
        kind: case.kind,
        subject: case.subject.clone(),
    }
}

/// The signatory's title: role and department.
async fn signatory_title(app: &App, staff: &Staff) -> Result<String, AppError> {
    let role = staff.user.role.label_bg();
    let mut title: String = role
        .chars()
        .take(1)
        .flat_map(char::to_uppercase)
        .chain(role.chars().skip(1))
        .collect();
    if let Some(id) = staff.user.department_id
        && let Some(d) = app
            .store
            .departments()
            .await?
            .into_iter()
            .find(|d| d.id == id)
    {
        title.push_str(&format!(", „{}“", d.name));
    }
    Ok(title)
}

/// The addressee, read for the letter when this member of staff may see it (the reading is
/// journalled); otherwise the letter is addressed to "the submitter of No. …".
async fn addressee(
    app: &App,
    staff: &Staff,
    case: &CaseRecord,
) -> Result<Option<Addressee>, AppError> {
    let permission = if case.sealed {
        Permission::ViewSealedIdentity
    } else {
        Permission::ViewPersonalData
    };
    if case.anonymous
        || case.anonymised
        || access::check(&staff.user.actor(), permission, Some(&case.facts())).is_err()
    {
        return Ok(None);
    }
    let data = app
        .store
        .personal_data(
            case,
            &format!("{} (letter)", staff.actor_label()),
            app.clock.now(),
        )
        .await?;
    Ok(data.map(|p| Addressee {
        name: p.name,
        address: p.address,
    }))
}

/// The next outgoing number of a case's letters: `2026-000123-1`, `-2`, …
pub async fn next_outgoing_number(app: &App, case: &CaseRecord) -> Result<String, AppError> {
    let issued = app
        .store
        .documents(case.id)
        .await?
        .iter()
        .filter(|d| d.outgoing_number.is_some())
        .count();
    Ok(format!("{}-{}", case.number, issued + 1))
}

/// Who signs a letter and who prepared it: the official an administrator set to sign outgoing
/// letters, with this officer as "Изготвил"; until one is set, the officer signs, as before.
pub async fn signing(app: &App, staff: &Staff) -> Result<(Signatory, Option<String>), AppError> {
    let title = signatory_title(app, staff).await?;
    Ok(match app.store.letter_signatory().await? {
        Some(s) => (
            Signatory {
                name: s.name,
                position: s.position,
                for_mayor: s.for_mayor,
            },
            Some(format!(
                "{}, {}",
                staff.user.display_name,
                lower_first(&title)
            )),
        ),
        None => (
            Signatory {
                name: staff.user.display_name.clone(),
                position: title,
                for_mayor: false,
            },
            None,
        ),
    })
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The answer letter as it would be issued now: addressee, the officer's body, signatory.
pub async fn answer_draft(
    app: &App,
    staff: &Staff,
    case: &CaseRecord,
    outgoing_number: &str,
    text: &str,
    at: Timestamp,
) -> Result<AnswerLetter, AppError> {
    let (signatory, prepared_by) = signing(app, staff).await?;
    Ok(AnswerLetter {
        outgoing_number: outgoing_number.to_owned(),
        issued_at: at,
        case: case_ref(case),
        addressee: addressee(app, staff, case).await?,
        text: text.to_owned(),
        signatory,
        prepared_by,
    })
}

pub async fn answer_letter(
    app: &App,
    staff: &Staff,
    case: &CaseRecord,
    outgoing_number: &str,
    text: &str,
    at: Timestamp,
) -> Result<Vec<u8>, AppError> {
    let letter = answer_draft(app, staff, case, outgoing_number, text, at).await?;
    Ok(letters::answer_pdf(&app.notify.letterhead, &letter)?)
}

pub async fn delay_letter(
    app: &App,
    staff: &Staff,
    case: &CaseRecord,
    outgoing_number: &str,
    reason: &str,
    new_due: Date,
    at: Timestamp,
) -> Result<Vec<u8>, AppError> {
    let (signatory, prepared_by) = signing(app, staff).await?;
    let notice = DelayNotice {
        outgoing_number: outgoing_number.to_owned(),
        issued_at: at,
        case: case_ref(case),
        addressee: addressee(app, staff, case).await?,
        reason: reason.to_owned(),
        previous_due: case.answer_due,
        new_due,
        signatory,
        prepared_by,
    };
    Ok(letters::delay_notice_pdf(&app.notify.letterhead, &notice)?)
}

/// Adds the letters and e-mails an action sends to its change: the delay notice for an
/// inspection, the answer letter for an answer. The letter is kept with the case whether or
/// not the citizen gave an e-mail address (the store queues e-mail only to those who did).
pub async fn attach_letters(
    app: &App,
    staff: &Staff,
    case: &CaseRecord,
    action: CaseAction,
    reason: Option<&str>,
    change: &mut CaseChange,
) -> Result<(), AppError> {
    let at = change.at;
    match action {
        CaseAction::RequireInspection => {
            let Some(Some(new_due)) = change.answer_due else {
                return Ok(());
            };
            let reason = reason.unwrap_or_default();
            let outgoing = next_outgoing_number(app, case).await?;
            let pdf = delay_letter(app, staff, case, &outgoing, reason, new_due, at).await?;
            change.documents.push(NewDocument {
                kind: DocumentKind::DelayNotice,
                outgoing_number: Some(outgoing.clone()),
                filename: format!("uvedomlenie-{outgoing}.pdf"),
                content: pdf,
                created_by: staff.actor_label(),
            });
            let index = change.documents.len() - 1;
            change.messages.push(messages::delay_notice(
                &app.notify,
                case.number,
                &case.subject,
                reason,
                new_due,
                index,
            ));
        }
        CaseAction::Answer => {
            let Some((text, _)) = change.answer.clone() else {
                return Ok(());
            };
            let outgoing = next_outgoing_number(app, case).await?;
            let letter = answer_draft(app, staff, case, &outgoing, &text, at).await?;
            let pdf = letters::answer_pdf(&app.notify.letterhead, &letter)?;
            let signed_by = format!(
                "{}, {}",
                letter.signatory.name,
                lower_first(&letter.signatory.position)
            );
            change.citizen_note = Some((
                format!("Изпратен е писмен отговор с изх. № {outgoing}, подписан от {signed_by}."),
                format!(
                    "A written answer was sent (outgoing No. {outgoing}), signed by {signed_by}."
                ),
            ));
            change.documents.push(NewDocument {
                kind: DocumentKind::Answer,
                outgoing_number: Some(outgoing.clone()),
                filename: format!("otgovor-{outgoing}.pdf"),
                content: pdf,
                created_by: staff.actor_label(),
            });
            let index = change.documents.len() - 1;
            change.messages.push(messages::answer(
                &app.notify,
                case.number,
                &case.subject,
                &outgoing,
                &text,
                &signed_by,
                index,
            ));
        }
        _ => {}
    }
    Ok(())
}

/// The receipt of a registered case, rendered from the facts the register froze when it was
/// registered: the same bytes every time for the same case, letterhead and code. The register
/// keeps no copy of it. The citizen's copy shows the tracking code; the copy a clerk prints again
/// later cannot (the register keeps only the code's hash).
pub fn receipt_of_case(
    letterhead: &letters::Letterhead,
    case: &CaseRecord,
    tracking_code: Option<&str>,
) -> Result<Vec<u8>, PdfError> {
    letters::receipt_pdf(
        letterhead,
        &Receipt {
            case: case_ref(case),
            received_at: case.received_at,
            channel: case.channel,
            answer_due: case.answer_due,
            considered: case.considered,
            decisions: case.decisions.iter().map(|d| d.reason_bg.clone()).collect(),
            tracking_code: tracking_code.map(str::to_owned),
            registered_by: case.entered_by.strip_prefix("clerk:").map(str::to_owned),
        },
    )
}

/// The e-mails for a case's deadline reminders, to the members of staff who have an address.
pub fn reminder_messages(
    app: &App,
    users: &[priemna_store::User],
    case: &priemna_store::DeadlineCase,
    reminders: &[(UserId, ReminderKind)],
) -> Vec<priemna_store::NewMessage> {
    reminders
        .iter()
        .filter_map(|(user_id, kind)| {
            let user = users.iter().find(|u| u.id == *user_id && u.active)?;
            let email = user.email.as_deref()?;
            Some(super::messages::staff_reminder(
                &app.notify,
                email,
                &user.display_name,
                case.id,
                user.id,
                case.number,
                kind.as_str(),
                case.answer_due,
            ))
        })
        .collect()
}
