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
        Reading::Letter(letter) => match submission(app, &letter, received_at) {
            Ok((checked, attachments)) => {
                register(app, &key, checked, attachments, received_at, &note).await
            }
            Err(reason) => noted(app, note(MailOutcome::SetAside, reason, None)).await,
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

async fn register(
    app: &App,
    key: &str,
    checked: intake::Checked,
    attachments: Vec<NewAttachment>,
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

/// The submission a letter makes, checked by the charter's rules, and its files checked as the
/// portal checks them; or why it is set aside.
fn submission(
    app: &App,
    letter: &Letter,
    received_at: Timestamp,
) -> Result<(intake::Checked, Vec<NewAttachment>), String> {
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
