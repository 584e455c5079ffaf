//! The municipality's mailbox as an intake channel: each message read from it becomes a
//! submission with channel e-mail (through [`crate::intake`], so the charter's rules, the
//! number and the receipt e-mail are those of every channel), or is noted without becoming one
//! — an automatic answer, a bounce (which marks the returned outbox message failed), or a
//! message set aside for a clerk with the reason.
//!
//! Nothing is lost or registered twice: a message is remembered by its key (SHA-256 of its
//! Message-ID) in the transaction that registers or notes it, and the reader marks it read only
//! after that transaction committed; a message read again (a crash in between, the same
//! message delivered twice) is found handled and only marked read.
//!
//! [`letter`] reads a message (pure), [`receive`] is the use case, [`reader`] the IMAP client
//! that feeds it.

pub mod letter;
pub mod reader;
pub mod thread;

use crate::App;
use crate::intake;
use crate::uploads::{self, FileProblem, MAX_FILES};
use jiff::{SignedDuration, Timestamp};
use letter::{Letter, Reading};
use priemna_domain::submission::{MAX_BODY_CHARS, MAX_SUBJECT_CHARS, RawSubmission, RawSubmitter};
use priemna_store::{
    FormOnce, MailOutcome, NewAttachment, NewMailNote, StoreError, SubmissionExtras,
};
use sha2::{Digest, Sha256};

pub use reader::{ImapConfig, ImapTls, spawn_reader};

/// Who the journal says registered a submission that came by e-mail.
pub const ENTERED_BY: &str = "mailbox";

/// The kind an e-mail is registered as: a clerk reclassifies it if it is another.
const KIND: &str = "signal";

/// Why a message could not be handled now (the reader leaves it unread and tries again).
#[derive(Debug, thiserror::Error)]
pub enum MailboxError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("IMAP: {0}")]
    Imap(String),
    #[error("IMAP connection: {0}")]
    Connect(String),
}

/// What became of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// Registered as this case.
    Registered(priemna_domain::RegistrationNumber),
    /// A reply, added to this case's conversation.
    Threaded(priemna_domain::RegistrationNumber),
    /// Handled before (registered or noted): nothing done again.
    AlreadyHandled,
    /// Noted, not registered.
    Noted(MailOutcome, String),
}

/// The form token a message is registered under: its key, hashed again so that the
/// `form_results` row cannot be mistaken for a portal form's.
pub fn registered_token_hash(message_key: &str) -> String {
    hex(&Sha256::digest(format!("mail:{message_key}").as_bytes()))
}

/// Handles one message read from the mailbox, received by the mail server at `received_at`.
#[tracing::instrument(skip_all)]
pub async fn receive(
    app: &App,
    raw: &[u8],
    received_at: Timestamp,
) -> Result<Received, MailboxError> {
    let (meta, reading) = letter::read(raw, &app.notify.from_address);
    let key = meta.key(raw);
    if app
        .store
        .mail_handled(&key, &registered_token_hash(&key))
        .await?
    {
        return Ok(Received::AlreadyHandled);
    }
    let note = |outcome: MailOutcome, reason: String, returns: Option<String>| NewMailNote {
        message_key: key.clone(),
        message_id: meta.message_id.clone(),
        sender: meta.sender.clone(),
        subject: meta.subject.clone(),
        outcome,
        reason,
        size: raw.len() as u64,
        raw: Some(raw.to_vec()),
        returns_message_id: returns,
        received_at,
    };
    match reading {
        Reading::Letter(letter) => match threading(app, &letter).await? {
            Threading::Case(case) => reply(app, &key, &letter, &case, received_at, &note).await,
            Threading::New(link) => match submission(app, &letter, received_at) {
                Ok((checked, attachments)) => {
                    register(app, &key, checked, attachments, link, received_at, &note).await
                }
                Err(reason) => noted(app, note(MailOutcome::SetAside, reason, None)).await,
            },
        },
        Reading::AutoReply { reason } => {
            noted(app, note(MailOutcome::AutoReply, reason, None)).await
        }
        Reading::Bounce {
            returns,
            diagnostic,
        } => noted(app, note(MailOutcome::Bounce, diagnostic, returns)).await,
        Reading::Unreadable { reason } => {
            noted(app, note(MailOutcome::SetAside, reason, None)).await
        }
    }
}

/// Notes a message too large to fetch from its headers alone: set aside for a clerk, who finds
/// it in the mailbox (it stays there, marked read).
pub async fn set_aside_oversized(
    app: &App,
    headers: &[u8],
    size: u64,
    limit: u64,
    received_at: Timestamp,
) -> Result<Received, MailboxError> {
    let (meta, _) = letter::read(headers, &app.notify.from_address);
    let key = meta.key(headers);
    if app
        .store
        .mail_handled(&key, &registered_token_hash(&key))
        .await?
    {
        return Ok(Received::AlreadyHandled);
    }
    let reason =
        format!("too large: {size} bytes (the limit is {limit}); the message stays in the mailbox");
    noted(
        app,
        NewMailNote {
            message_key: key,
            message_id: meta.message_id,
            sender: meta.sender,
            subject: meta.subject,
            outcome: MailOutcome::SetAside,
            reason,
            size,
            raw: None,
            returns_message_id: None,
            received_at,
        },
    )
    .await
}

async fn noted(app: &App, note: NewMailNote) -> Result<Received, MailboxError> {
    let (outcome, reason) = (note.outcome, note.reason.clone());
    tracing::info!(outcome = outcome.as_str(), %reason, "mail noted, not registered");
    if app.store.note_mail(note).await? {
        Ok(Received::Noted(outcome, reason))
    } else {
        Ok(Received::AlreadyHandled)
    }
}

#[allow(clippy::too_many_arguments)]
async fn register(
    app: &App,
    key: &str,
    checked: intake::Checked,
    attachments: Vec<NewAttachment>,
    link: Option<String>,
    received_at: Timestamp,
    note: &impl Fn(MailOutcome, String, Option<String>) -> NewMailNote,
) -> Result<Received, MailboxError> {
    // The message's key goes into the registering transaction as a one-time form token: the
    // same message registered twice at once is refused by its unique key. The code it would
    // seal is sealed with a pad nobody keeps, and the row outlives any mailbox.
    let mut pad = vec![0u8; 64];
    rand::Rng::fill(&mut rand::rng(), pad.as_mut_slice());
    let once = FormOnce {
        token_hash: registered_token_hash(key),
        receipt_hash: hex(&Sha256::digest(format!("mail-receipt:{key}").as_bytes())),
        pad,
        extra: None,
        secret_until: received_at,
        expires_at: received_at
            .checked_add(SignedDuration::from_hours(24 * 366 * 20))
            .unwrap_or(received_at),
    };
    let extras = SubmissionExtras {
        form: Some(once),
        attachments,
        internal_note: link,
        ..SubmissionExtras::default()
    };
    match intake::register_checked(app, checked, extras, ENTERED_BY).await {
        Ok(receipt) => {
            tracing::info!(number = %receipt.registered.number, "e-mail registered");
            Ok(Received::Registered(receipt.registered.number))
        }
        Err(StoreError::Duplicate(_)) => Ok(Received::AlreadyHandled),
        // What the register refuses for this submission alone (not an outage) is set aside.
        Err(StoreError::MissingReference { field }) => {
            let reason = format!("the register refused it: {field}");
            noted(app, note(MailOutcome::SetAside, reason, None)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Where a letter belongs: the case it answers, or a new submission (with, for the clerk, the
/// case it claims to answer and why it was not added there).
enum Threading {
    Case(Box<priemna_store::CaseRecord>),
    New(Option<String>),
}

/// Finds the case a reply answers: by the case's reference token (in `References` or the
/// subject's `[П-…]` tag) or the Message-ID of an e-mail Priemna sent about it — never by the
/// subject's words — and only from the case's own contact address, to an open case.
async fn threading(app: &App, letter: &Letter) -> Result<Threading, MailboxError> {
    let mut tokens = Vec::new();
    let mut message_ids = Vec::new();
    let mut unknown = Vec::new();
    for id in &letter.references {
        match thread::reference_token(id) {
            Some(token) => tokens.push(token),
            None if id.starts_with("<case.") => unknown.push(id.clone()),
            None => message_ids.push(id.clone()),
        }
    }
    for tag in thread::subject_tags(&letter.subject) {
        match thread::normalise(&tag) {
            Some(token) => tokens.push(token),
            None => unknown.push(thread::subject_tag(&tag)),
        }
    }
    tokens.sort_unstable();
    tokens.dedup();
    unknown.sort_unstable();
    unknown.dedup();
    if tokens.is_empty() && message_ids.is_empty() && unknown.is_empty() {
        return Ok(Threading::New(None));
    }
    let cases = app.store.thread_cases(&tokens, &message_ids).await?;
    let numbers = || {
        cases
            .iter()
            .map(|c| c.number.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let link = match cases.as_slice() {
        [] if tokens.is_empty() && unknown.is_empty() => return Ok(Threading::New(None)),
        [] => {
            let shown: Vec<String> = tokens
                .iter()
                .map(|t| thread::subject_tag(t))
                .chain(unknown)
                .collect();
            format!(
                "Писмото носи знак за преписка, който регистърът не е издавал ({}): не е \
                 свързано с преписка и е регистрирано като ново.",
                shown.join(", ")
            )
        }
        [case] => {
            let own = case
                .contact_email
                .as_deref()
                .is_some_and(|e| e.trim().eq_ignore_ascii_case(letter.from_address.trim()));
            match (own, case.open) {
                (true, true) => match app.store.case_by_number(case.number).await? {
                    Some(record) => return Ok(Threading::Case(Box::new(record))),
                    None => return Ok(Threading::New(None)),
                },
                (true, false) => format!(
                    "Отговор на преписка {} от адреса ѝ за контакт, но преписката е приключена: \
                     регистриран като ново подаване.",
                    case.number
                ),
                (false, _) => format!(
                    "Отговор на преписка {} от друг адрес (не от адреса за контакт на \
                     преписката): не е добавен към нея, регистриран е като ново подаване.",
                    case.number
                ),
            }
        }
        _ => format!(
            "Писмото сочи няколко преписки ({}): не е добавено към никоя, регистрирано е като \
             ново подаване.",
            numbers()
        ),
    };
    tracing::info!(%link, "a reply not added to a case");
    Ok(Threading::New(Some(link)))
}

/// A reply from the case's own address: added to the case's conversation (the quoted history
/// trimmed, the whole text kept), once by its key; files checked as the portal checks them.
async fn reply(
    app: &App,
    key: &str,
    letter: &Letter,
    case: &priemna_store::CaseRecord,
    received_at: Timestamp,
    note: &impl Fn(MailOutcome, String, Option<String>) -> NewMailNote,
) -> Result<Received, MailboxError> {
    let files = match checked_files(letter) {
        Ok(files) => files,
        Err(reason) => {
            let reason = format!("a reply to case {}: {reason}", case.number);
            return noted(app, note(MailOutcome::SetAside, reason, None)).await;
        }
    };
    let trimmed = thread::trim_quoted(&letter.text);
    let mut text = trimmed.clone();
    if text.is_empty() && files.is_empty() {
        text = "(писмото е без текст)".to_owned();
    }
    let input = crate::conversation::CitizenInput {
        full_text: (trimmed != letter.text).then(|| letter.text.clone()),
        text,
        files,
        channel: priemna_store::MessageChannel::Email,
        message_key: Some(key.to_owned()),
        form: None,
        actor: ENTERED_BY.to_owned(),
        received_at: Some(received_at),
    };
    match crate::conversation::from_citizen(app, case, input).await {
        Ok(_) => {
            tracing::info!(number = %case.number, "e-mail reply added to its case");
            Ok(Received::Threaded(case.number))
        }
        Err(crate::AppError::Store(e)) => Err(e.into()),
        Err(crate::AppError::Conflict { reason_en, .. }) if reason_en.starts_with("Already") => {
            Ok(Received::AlreadyHandled)
        }
        Err(e) => {
            let reason = format!("a reply to case {} was refused: {e}", case.number);
            noted(app, note(MailOutcome::SetAside, reason, None)).await
        }
    }
}

/// The letter's files checked as the portal checks them; or why the letter is set aside.
fn checked_files(letter: &Letter) -> Result<Vec<NewAttachment>, String> {
    if letter.files.len() > MAX_FILES {
        return Err(format!(
            "{} attachments (at most {MAX_FILES} are taken)",
            letter.files.len()
        ));
    }
    let mut attachments = Vec::new();
    for file in &letter.files {
        match uploads::check_file(&file.name, file.data.clone()) {
            Ok(attachment) => attachments.push(attachment),
            Err(problem) => {
                let why = match problem {
                    FileProblem::Empty => "is empty",
                    FileProblem::TooLarge => "is larger than the portal's limit",
                    FileProblem::NotAccepted => "is not of an accepted type",
                    FileProblem::Damaged => "is damaged",
                };
                return Err(format!(
                    "attachment “{}” {why} (accepted: {})",
                    file.name,
                    uploads::ACCEPTED
                ));
            }
        }
    }
    Ok(attachments)
}

/// The submission a letter makes, checked by the charter's rules, and its files checked as the
/// portal checks them; or why it is set aside.
fn submission(
    app: &App,
    letter: &Letter,
    received_at: Timestamp,
) -> Result<(intake::Checked, Vec<NewAttachment>), String> {
    let attachments = checked_files(letter)?;
    let mut subject = letter.subject.clone();
    if subject.is_empty() {
        subject = "(без тема)".to_owned();
    }
    if subject.chars().count() > MAX_SUBJECT_CHARS {
        subject = subject
            .chars()
            .take(MAX_SUBJECT_CHARS - 1)
            .collect::<String>()
            + "…";
    }
    let mut body = letter.text.clone();
    if body.is_empty() && !attachments.is_empty() {
        body = "(писмото е без текст; вижте приложените файлове)".to_owned();
    }
    if body.chars().count() > MAX_BODY_CHARS {
        return Err(format!(
            "the text is longer than {MAX_BODY_CHARS} characters"
        ));
    }
    let name = letter
        .from_name
        .clone()
        .unwrap_or_else(|| letter.from_address.clone());
    let raw = RawSubmission {
        kind: Some(KIND.to_owned()),
        channel: Some(priemna_domain::Channel::Email.as_str().to_owned()),
        subject: Some(subject),
        body: Some(body),
        submitter: Some(RawSubmitter {
            name: Some(name),
            email: Some(letter.from_address.clone()),
            ..RawSubmitter::default()
        }),
        // Writing to the municipality from one's address is giving it to be answered there
        // (docs/mailbox.md); the journal records the consent with the case, as for every
        // named submission.
        consent: Some(true),
        ..RawSubmission::default()
    };
    intake::check(app, &raw, received_at)
        .map_err(|errors| {
            let named: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.problem.message_en()))
                .collect();
            format!("not a valid submission: {}", named.join("; "))
        })
        .map(|checked| (checked, attachments))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
