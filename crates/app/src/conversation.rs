//! The conversation on a case: the officer asks the citizen for missing information or
//! documents, the citizen answers or adds information to an open case (on the tracking page,
//! through the JSON API or by replying to an e-mail), and staff write internal notes the
//! citizen never sees. Each message is written with its files, the citizen's history event,
//! the e-mail it causes, the case's changed deadline and its journal entry in one transaction
//! (`ConversationStore::add_case_message`).
//!
//! The deadline follows `domain::conversation`: for an application the term stops while a
//! request waits and runs anew from the day the information arrives; for the other kinds it
//! runs on.

use crate::cases::{load_visible, require};
use crate::staff::Staff;
use crate::{App, AppError};
use jiff::civil::Date;
use priemna_domain::access::Permission;
use priemna_domain::clock::local_date;
use priemna_domain::conversation::{self, Term};
use priemna_domain::deadline::DeadlineRule;
use priemna_domain::submission::{FieldError, MAX_BODY_CHARS, Problem};
use priemna_letters::bg_date;
use priemna_store::{
    CaseMessage, CaseRecord, DeadlineEffect, Direction, FormOnce, MessageChannel, NewAttachment,
    NewCaseMessage,
};
use serde_json::json;

/// Who the journal names for a message from the tracking page or the citizens' API.
pub const CITIZEN: &str = "citizen";

fn invalid(field: &str, problem: Problem) -> AppError {
    AppError::Validation(vec![FieldError::new(field, problem)])
}

/// The text of a message: trimmed, at most the charter's length, no control characters but
/// line breaks and tabs. Empty is allowed only where `may_be_empty`.
pub fn check_text(text: &str, may_be_empty: bool) -> Result<String, AppError> {
    let text = text.trim();
    if text.is_empty() && !may_be_empty {
        return Err(invalid("text", Problem::Missing));
    }
    if text.chars().count() > MAX_BODY_CHARS {
        return Err(invalid(
            "text",
            Problem::TooLong {
                max_chars: MAX_BODY_CHARS,
            },
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(invalid("text", Problem::ControlCharacter));
    }
    Ok(text.replace("\r\n", "\n"))
}

fn closed(case: &CaseRecord) -> AppError {
    AppError::Conflict {
        reason_bg: format!(
            "Преписка {} е приключена ({}); към нея не може да се добавя. Подайте ново \
             подаване, ако е нужно.",
            case.number,
            case.status.label_bg()
        ),
        reason_en: format!(
            "Case {} is finished ({}); nothing can be added to it. Send a new submission if \
             needed.",
            case.number,
            case.status.label_en()
        ),
    }
}

/// The case's conversation as staff read it (internal notes included).
pub async fn for_staff(
    app: &App,
    staff: &Staff,
    number: &str,
) -> Result<(CaseRecord, Vec<CaseMessage>), AppError> {
    let case = load_visible(app, staff, number).await?;
    let messages = app.store.case_messages(case.id, true).await?;
    Ok((case, messages))
}

/// The case's conversation as the citizen reads it: never an internal note.
pub async fn for_citizen(app: &App, case: &CaseRecord) -> Result<Vec<CaseMessage>, AppError> {
    Ok(app.store.case_messages(case.id, false).await?)
}

/// Whether a request for information waits for the citizen, since when.
pub async fn awaiting_since(app: &App, case: &CaseRecord) -> Result<Option<Date>, AppError> {
    Ok(app.store.awaiting_since(case.id).await?)
}

/// The officer asks the citizen for missing information or documents, to be given by `reply_by`
/// (YYYY-MM-DD; seven days, moved off days off, when empty). The citizen is told on the
/// tracking page and by e-mail; for an application the term stops until the answer arrives.
pub async fn ask(
    app: &App,
    staff: &Staff,
    number: &str,
    text: &str,
    reply_by: Option<&str>,
) -> Result<CaseMessage, AppError> {
    let case = load_visible(app, staff, number).await?;
    require(app, staff, Permission::RequestInformation, &case).await?;
    if !case.status.is_open() {
        return Err(closed(&case));
    }
    let text = check_text(text, false)?;
    let now = app.clock.now();
    let today = local_date(now);
    let reply_by = match reply_by.map(str::trim).filter(|s| !s.is_empty()) {
        None => conversation::default_reply_by(today, &app.calendar),
        Some(s) => {
            let date: Date = s
                .parse()
                .map_err(|_| invalid("due", Problem::InvalidDate))?;
            if date <= today {
                return Err(invalid(
                    "due",
                    Problem::Invalid {
                        detail: "the day to answer by must be after today".into(),
                    },
                ));
            }
            date
        }
    };
    let term = conversation::term_when_asked(case.kind);
    let stops = term == Term::Stops && case.answer_due.is_some();
    let since = app.store.awaiting_since(case.id).await?.unwrap_or(today);
    let (term_bg, term_en) = conversation::term_note(case.kind);
    let message = crate::notify::messages::information_request(
        &app.notify,
        case.number,
        &text,
        reply_by,
        (term_bg, term_en),
    );
    let added = app
        .store
        .add_case_message(NewCaseMessage {
            case_id: case.id,
            direction: Direction::ToCitizen,
            channel: MessageChannel::Portal,
            author: Some(staff.user.id),
            text: text.clone(),
            full_text: None,
            due_date: Some(reply_by),
            message_key: None,
            form: None,
            attachments: Vec::new(),
            deadline: DeadlineEffect::Waiting {
                since,
                stop_term: stops,
            },
            citizen_note: Some((
                format!(
                    "Поискахме допълнителна информация — моля, отговорете до {} г. {term_bg}",
                    bg_date(reply_by)
                ),
                format!(
                    "We asked for more information — please answer by {}. {term_en}",
                    priemna_letters::en_date(reply_by)
                ),
            )),
            messages: vec![message],
            actor: staff.actor_label(),
            action: "request_information".into(),
            journal_details: json!({
                "reply_by": reply_by.to_string(),
                "term_stopped": stops,
                "answer_due_before": case.answer_due.map(|d| d.to_string()),
            }),
            at: now,
        })
        .await?;
    app.notify.wake();
    crate::search::case_changed(app, case.id, false);
    Ok(added)
}

/// An internal note on the case: for staff only, never shown to the citizen.
pub async fn note(
    app: &App,
    staff: &Staff,
    number: &str,
    text: &str,
) -> Result<CaseMessage, AppError> {
    let case = load_visible(app, staff, number).await?;
    require(app, staff, Permission::WriteNote, &case).await?;
    let text = check_text(text, false)?;
    let now = app.clock.now();
    Ok(app
        .store
        .add_case_message(NewCaseMessage {
            case_id: case.id,
            direction: Direction::Internal,
            channel: MessageChannel::Staff,
            author: Some(staff.user.id),
            full_text: None,
            due_date: None,
            message_key: None,
            form: None,
            attachments: Vec::new(),
            deadline: DeadlineEffect::None,
            citizen_note: None,
            messages: Vec::new(),
            actor: staff.actor_label(),
            action: "internal_note".into(),
            journal_details: json!({ "chars": text.chars().count() }),
            text,
            at: now,
        })
        .await?)
}

/// What the citizen sends to an open case: an answer to a request or an addition.
#[derive(Clone)]
pub struct CitizenInput {
    pub text: String,
    /// An e-mail's whole text, when `text` was trimmed of its quoted history.
    pub full_text: Option<String>,
    /// Files already checked (`uploads::check_file`).
    pub files: Vec<NewAttachment>,
    pub channel: MessageChannel,
    /// An e-mail's key, so that the same e-mail is added once.
    pub message_key: Option<String>,
    /// A portal form's one-time token and the tracking code sealed with it.
    pub form: Option<(FormOnce, String)>,
    /// Who the journal names (`citizen`, `mailbox`).
    pub actor: String,
    /// When it arrived, if not now (an e-mail: when the mail server received it).
    pub received_at: Option<jiff::Timestamp>,
}

/// The citizen answers or adds information to an open case. When a request waited, it no
/// longer does, and for an application the term runs anew from today: the new date is stored,
/// shown on the tracking page and e-mailed.
pub async fn from_citizen(
    app: &App,
    case: &CaseRecord,
    input: CitizenInput,
) -> Result<CaseMessage, AppError> {
    if !case.status.is_open() {
        return Err(closed(case));
    }
    let text = check_text(&input.text, !input.files.is_empty())?;
    let now = input.received_at.unwrap_or_else(|| app.clock.now());
    let today = local_date(now);
    let waiting = app.store.awaiting_since(case.id).await?;
    let rule = case.deadline_rule.as_deref().and_then(DeadlineRule::parse);
    let (deadline, note, messages) = match waiting {
        None => (
            DeadlineEffect::None,
            (
                "Подателят добави информация към преписката.".to_owned(),
                "The submitter added information to the case.".to_owned(),
            ),
            Vec::new(),
        ),
        Some(_) => {
            let new_due = if case.considered {
                conversation::due_after_information(case.kind, rule, today, &app.calendar)
                    .map(|d| d.due)
            } else {
                None
            };
            let note = match new_due {
                Some(due) => (
                    format!(
                        "Получихме поисканата информация. Срокът за отговор тече отначало: новият \
                         краен срок е {} г.",
                        bg_date(due)
                    ),
                    format!(
                        "We received the information asked for. The term runs anew: the new \
                         final date is {}.",
                        priemna_letters::en_date(due)
                    ),
                ),
                None => (
                    "Получихме поисканата информация.".to_owned(),
                    "We received the information asked for.".to_owned(),
                ),
            };
            let messages = match new_due {
                Some(due) => vec![crate::notify::messages::information_received(
                    &app.notify,
                    case.number,
                    Some(due),
                )],
                None => Vec::new(),
            };
            (DeadlineEffect::Arrived { new_due }, note, messages)
        }
    };
    let mut messages = messages;
    // The case's officer is told at once, unless they chose the daily digest.
    if let Some(notice) = officer_notice(app, case).await? {
        messages.push(notice);
    }
    let sends = !messages.is_empty();
    let files = input.files.len();
    let added = app
        .store
        .add_case_message(NewCaseMessage {
            case_id: case.id,
            direction: Direction::FromCitizen,
            channel: input.channel,
            author: None,
            text,
            full_text: input.full_text,
            due_date: None,
            message_key: input.message_key,
            form: input.form,
            attachments: input.files,
            deadline,
            citizen_note: Some(note),
            messages,
            actor: input.actor,
            action: "citizen_message".into(),
            journal_details: json!({
                "channel": input.channel.as_str(),
                "answers_request": waiting.is_some(),
                "attachments": files,
            }),
            at: now,
        })
        .await?;
    if sends {
        app.notify.wake();
    }
    crate::search::case_changed(app, case.id, false);
    Ok(added)
}

/// The e-mail telling the case's officer that the citizen wrote: to an active officer with an
/// address who may view the case and wants an e-mail per event.
async fn officer_notice(
    app: &App,
    case: &CaseRecord,
) -> Result<Option<priemna_store::NewMessage>, AppError> {
    let Some(officer) = case.assignee_id else {
        return Ok(None);
    };
    let Some(user) = app.store.user_by_id(officer).await? else {
        return Ok(None);
    };
    let Some(email) = user.email.as_deref().filter(|_| user.active) else {
        return Ok(None);
    };
    if priemna_domain::access::check(&user.actor(), Permission::ViewCase, Some(&case.facts()))
        .is_err()
        || app.store.mail_mode(user.id).await? == priemna_store::MailMode::Digest
    {
        return Ok(None);
    }
    Ok(Some(crate::notify::messages::citizen_answered(
        &app.notify,
        email,
        &user.display_name,
        case.number,
    )))
}
