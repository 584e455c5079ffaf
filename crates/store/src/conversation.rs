//! The conversation on a case (migration 0023): the officer's requests for information, the
//! citizen's answers and additions (from the tracking page or by e-mail), and the staff's
//! internal notes, in order; and the case's reference in the e-mails sent to the citizen
//! (`case_threads`), by which a reply finds its case.
//!
//! `ConversationStore` is a part of `Store` (a supertrait), implemented for each backend from
//! `common/conversation.rs`. Every message is written in one transaction with its files, the
//! citizen's history event, the e-mails it causes, the case's changed deadline and its journal
//! entry.

use crate::Result;
use crate::model::NewMessage;
use crate::portal::{AttachmentInfo, FormOnce, NewAttachment};
use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use priemna_domain::{CaseId, RegistrationNumber, UserId};

/// Which way a message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The citizen's answer or addition.
    FromCitizen,
    /// Staff to the citizen: a request for information.
    ToCitizen,
    /// A note among staff: never shown to the citizen.
    Internal,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::FromCitizen => "from_citizen",
            Direction::ToCitizen => "to_citizen",
            Direction::Internal => "internal",
        }
    }

    pub fn parse(s: &str) -> Option<Direction> {
        match s {
            "from_citizen" => Some(Direction::FromCitizen),
            "to_citizen" => Some(Direction::ToCitizen),
            "internal" => Some(Direction::Internal),
            _ => None,
        }
    }
}

/// How a message came or went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageChannel {
    /// The citizens' portal (the tracking page) or its JSON API.
    Portal,
    /// E-mail (a reply read from the mailbox, or a request sent by e-mail).
    Email,
    /// Written in the back office (a note; a request with no e-mail address to send it to).
    Staff,
}

impl MessageChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageChannel::Portal => "portal",
            MessageChannel::Email => "email",
            MessageChannel::Staff => "staff",
        }
    }

    pub fn parse(s: &str) -> Option<MessageChannel> {
        match s {
            "portal" => Some(MessageChannel::Portal),
            "email" => Some(MessageChannel::Email),
            "staff" => Some(MessageChannel::Staff),
            _ => None,
        }
    }
}

/// What a message does to the case's deadline, written with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineEffect {
    /// Nothing.
    None,
    /// A request for information now waits (since this day); when `stop_term`, the term stops
    /// (the case's answer date is cleared until the information arrives).
    Waiting { since: Date, stop_term: bool },
    /// The information arrived: nothing waits any more; `new_due` (when the term ran anew) is
    /// the case's new answer date.
    Arrived { new_due: Option<Date> },
}

/// A message to add to a case.
#[derive(Clone)]
pub struct NewCaseMessage {
    pub case_id: CaseId,
    pub direction: Direction,
    pub channel: MessageChannel,
    pub author: Option<UserId>,
    pub text: String,
    /// An e-mail's whole text, when `text` is trimmed of its quoted history.
    pub full_text: Option<String>,
    pub due_date: Option<Date>,
    /// An e-mail's key: the same message is added once (a second time is `Duplicate`).
    pub message_key: Option<String>,
    /// A portal form's one-time token (purpose `message`, the result the case's number, the
    /// code sealed): the same form sent twice adds one message.
    pub form: Option<(FormOnce, String)>,
    pub attachments: Vec<NewAttachment>,
    pub deadline: DeadlineEffect,
    /// The citizen's history event (Bulgarian, English), if the citizen is told.
    pub citizen_note: Option<(String, String)>,
    /// E-mails it causes, queued in the same transaction.
    pub messages: Vec<NewMessage>,
    /// Who the journal names, the action and its details.
    pub actor: String,
    pub action: String,
    pub journal_details: serde_json::Value,
    pub at: Timestamp,
}

impl std::fmt::Debug for NewCaseMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewCaseMessage")
            .field("case_id", &self.case_id)
            .field("direction", &self.direction)
            .field("channel", &self.channel)
            .field("files", &self.attachments.len())
            .finish_non_exhaustive()
    }
}

/// A message of the conversation, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseMessage {
    pub id: i64,
    pub case_id: CaseId,
    pub direction: Direction,
    pub channel: MessageChannel,
    pub author: Option<UserId>,
    pub author_name: Option<String>,
    pub text: String,
    pub full_text: Option<String>,
    pub due_date: Option<Date>,
    pub attachments: Vec<AttachmentInfo>,
    pub created_at: Timestamp,
}

/// A case found by its reference in a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadCase {
    pub case_id: CaseId,
    pub number: RegistrationNumber,
    /// The contact e-mail address the case was submitted with (also a sealed identity's; never
    /// shown, only compared).
    pub contact_email: Option<String>,
    pub open: bool,
}

#[async_trait]
pub trait ConversationStore: Send + Sync {
    /// The case's reference token: `fresh` is stored when the case has none yet.
    async fn thread_token(&self, case_id: CaseId, fresh: &str, at: Timestamp) -> Result<String>;
    /// The cases named by these reference tokens, and by these Message-IDs (with their angle
    /// brackets) of e-mails Priemna sent about a case.
    async fn thread_cases(
        &self,
        tokens: &[String],
        message_ids: &[String],
    ) -> Result<Vec<ThreadCase>>;
    /// Adds a message to the case, with everything it causes, in one transaction. A case that
    /// is no longer open is a `Conflict`; an e-mail or a form added already is a `Duplicate`.
    async fn add_case_message(&self, message: NewCaseMessage) -> Result<CaseMessage>;
    /// The case's conversation, oldest first; internal notes only when `with_internal`.
    async fn case_messages(&self, case_id: CaseId, with_internal: bool)
    -> Result<Vec<CaseMessage>>;
    /// The day since which a request for information waits for the citizen, if one does.
    async fn awaiting_since(&self, case_id: CaseId) -> Result<Option<Date>>;
}
