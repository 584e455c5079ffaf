//! What the mailbox reader keeps besides cases: the messages that did not become a submission.
//!
//! A message that became one is remembered by its key in `form_results` (a [`crate::FormOnce`]
//! with purpose `mail`), in the transaction that registers it. Every other message is noted in
//! `mail_notes` once (the key is unique): auto-replies and bounces recognised and not
//! registered, and messages set aside for a clerk with the reason. `MailboxStore` is a part of
//! `Store` (a supertrait), implemented for each backend from `common/mailbox.rs` (migration
//! 0022).

use crate::Result;
use async_trait::async_trait;
use jiff::Timestamp;

/// What became of a message that is no submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailOutcome {
    /// Kept for a clerk: too large, unreadable, or not a valid submission.
    SetAside,
    /// An automatic answer (out of office, auto-submitted, bulk): not registered.
    AutoReply,
    /// A delivery status notification: not registered; the message it returns is marked failed
    /// when it can be matched by its Message-ID.
    Bounce,
}

impl MailOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            MailOutcome::SetAside => "set_aside",
            MailOutcome::AutoReply => "auto_reply",
            MailOutcome::Bounce => "bounce",
        }
    }

    pub fn parse(s: &str) -> Option<MailOutcome> {
        match s {
            "set_aside" => Some(MailOutcome::SetAside),
            "auto_reply" => Some(MailOutcome::AutoReply),
            "bounce" => Some(MailOutcome::Bounce),
            _ => None,
        }
    }
}

/// A message to note.
#[derive(Clone, PartialEq, Eq)]
pub struct NewMailNote {
    /// SHA-256 (hex) of the Message-ID, or of the message's bytes when it has none.
    pub message_key: String,
    pub message_id: Option<String>,
    pub sender: Option<String>,
    pub subject: Option<String>,
    pub outcome: MailOutcome,
    pub reason: String,
    /// Bytes of the whole message.
    pub size: u64,
    /// The message as received, when small enough to keep.
    pub raw: Option<Vec<u8>>,
    /// For a bounce: the Message-ID (with its angle brackets) of the message it returns.
    pub returns_message_id: Option<String>,
    pub received_at: Timestamp,
}

impl std::fmt::Debug for NewMailNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewMailNote")
            .field("message_key", &self.message_key)
            .field("outcome", &self.outcome)
            .field("reason", &self.reason)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

/// A noted message, as staff see it (without its bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailNote {
    pub id: i64,
    pub message_id: Option<String>,
    pub sender: Option<String>,
    pub subject: Option<String>,
    pub outcome: MailOutcome,
    pub reason: String,
    pub size: u64,
    /// Whether the message's bytes are kept.
    pub kept: bool,
    /// For a bounce: the outbox message it returned, marked failed.
    pub bounced_outbox_id: Option<i64>,
    pub received_at: Timestamp,
}

#[async_trait]
pub trait MailboxStore: Send + Sync {
    /// Whether a message with this key was handled already: registered (its `form_results`
    /// row, under `registered_token_hash`) or noted.
    async fn mail_handled(&self, message_key: &str, registered_token_hash: &str) -> Result<bool>;
    /// Notes a message that is no submission, once: `false` when its key was noted already. A
    /// bounce whose `returns_message_id` names a sent outbox message marks that message failed
    /// with the reason, in the same transaction.
    async fn note_mail(&self, note: NewMailNote) -> Result<bool>;
    /// The noted messages, newest first.
    async fn mail_notes(&self, limit: u32) -> Result<Vec<MailNote>>;
    /// A noted message's bytes, when kept.
    async fn mail_note_raw(&self, id: i64) -> Result<Option<Vec<u8>>>;
}
