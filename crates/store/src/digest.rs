//! Less mail for staff (migration 0024): each member of staff chooses an e-mail per event
//! (`immediate`, the default) or one a day (`digest`) for the mail about their cases — deadline
//! reminders and citizens' answers. `DigestStore` is a part of `Store`, implemented for each
//! backend from `common/digest.rs`; the digest itself is written by `app::jobs::run_digest`.

use crate::Result;
use crate::model::NewMessage;
use async_trait::async_trait;
use jiff::Timestamp;
use priemna_domain::{RegistrationNumber, UserId};

/// How a member of staff gets the mail about their cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MailMode {
    /// An e-mail per event.
    #[default]
    Immediate,
    /// One e-mail a day.
    Digest,
}

impl MailMode {
    pub fn as_str(self) -> &'static str {
        match self {
            MailMode::Immediate => "immediate",
            MailMode::Digest => "digest",
        }
    }

    pub fn parse(s: &str) -> Option<MailMode> {
        match s {
            "immediate" => Some(MailMode::Immediate),
            "digest" => Some(MailMode::Digest),
            _ => None,
        }
    }
}

#[async_trait]
pub trait DigestStore: Send + Sync {
    /// A member of staff's choice (immediate when never chosen).
    async fn mail_mode(&self, user_id: UserId) -> Result<MailMode>;
    /// Records a member of staff's choice (journalled).
    async fn set_mail_mode(
        &self,
        user_id: UserId,
        mode: MailMode,
        at: Timestamp,
        actor: &str,
    ) -> Result<()>;
    /// Everyone who chose the daily digest.
    async fn digest_users(&self) -> Result<Vec<UserId>>;
    /// The citizens' messages since `since` on the cases assigned to this member of staff:
    /// the case's number and when the message came, oldest first.
    async fn citizen_messages_for(
        &self,
        user_id: UserId,
        since: Timestamp,
    ) -> Result<Vec<(RegistrationNumber, Timestamp)>>;
    /// Queues a message of its own (a digest): `false` when its `dedupe_key` was queued already.
    async fn queue_message(&self, message: NewMessage, at: Timestamp) -> Result<bool>;
}
