//! Notifications: the e-mails Priemna sends and the outbox that never loses them.
//!
//! Every message is rendered here (`messages`: plain text and HTML, Bulgarian first, English
//! after) and handed to the store together with the action that causes it, so that it is
//! written in the same transaction: the receipt with the intake, the delay notice and the answer
//! (with its PDF letter, `compose`) with the case's change, the staff reminders with the
//! deadline job's run. A background `worker` then sends the outbox over SMTP (lettre) with
//! retries and backoff; without SMTP configured the messages wait in the outbox, which the back
//! office lists (`priemna_web::api::notify`).

pub mod calendar;
pub mod compose;
pub mod messages;
pub mod staff_notices;
pub mod worker;

pub use worker::{
    NotifyError, OutboxHealth, SmtpConfig, TlsMode, WorkerConfig, WorkerHandle, WorkerHealth,
    WorkerState, spawn_worker,
};

use priemna_letters::Letterhead;
use priemna_store::MessageKind;
use rand::Rng;

/// What the application needs to write messages and letters.
#[derive(Debug)]
pub struct Notifier {
    pub letterhead: Letterhead,
    /// The sender's address (`From`).
    pub from_address: String,
    /// The sender's display name.
    pub from_name: String,
    /// The public address of this Priemna (links in e-mails), e.g. `https://priemna.haskovo.bg`.
    pub public_url: Option<String>,
    /// An SMTP server is configured (otherwise messages wait in the outbox, and a receipt is
    /// queued without the tracking code, which nothing would send).
    pub smtp_configured: bool,
    /// What the outbox worker is doing (its supervisor keeps this up to date).
    pub health: OutboxHealth,
    /// Wakes the worker when a message was queued.
    wake: tokio::sync::Notify,
}

impl Default for Notifier {
    fn default() -> Self {
        let letterhead = Letterhead::default();
        Notifier::new(letterhead, "priemna@haskovo.bg".into(), None, None)
    }
}

impl Notifier {
    pub fn new(
        letterhead: Letterhead,
        from_address: String,
        from_name: Option<String>,
        public_url: Option<String>,
    ) -> Notifier {
        let public_url = public_url.map(|u| u.trim_end_matches('/').to_owned());
        let mut letterhead = letterhead;
        if letterhead.tracking_url.is_none() {
            letterhead.tracking_url = public_url.clone();
        }
        Notifier {
            from_name: from_name.unwrap_or_else(|| letterhead.organisation.clone()),
            letterhead,
            from_address,
            public_url,
            smtp_configured: false,
            health: OutboxHealth::default(),
            wake: tokio::sync::Notify::new(),
        }
    }

    /// A new Message-ID on the sender's domain: fixed when the message is queued, the same on
    /// every attempt, so a repeated delivery is recognisable as the same message.
    pub fn message_id(&self, kind: &str) -> String {
        let domain = self.domain();
        let random: [u8; 16] = rand::rng().random();
        let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
        format!("<{kind}.{hex}@{domain}>")
    }

    /// The sender's domain, for Message-IDs and the case's reference.
    pub fn domain(&self) -> &str {
        self.from_address
            .rsplit_once('@')
            .map(|(_, d)| d)
            .filter(|d| !d.is_empty())
            .unwrap_or("priemna.invalid")
    }

    /// Tells the worker that something was queued.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub(crate) async fn woken(&self) {
        self.wake.notified().await;
    }
}

/// Hides most of an address, for lists: `iv***@example.bg`.
pub fn mask_address(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => {
            let shown: String = local.chars().take(2).collect();
            format!("{shown}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

/// Addresses in a server's error message, masked (SMTP errors often quote the recipient).
pub fn redact(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            if word.contains('@') {
                let trimmed = word.trim_matches(|c: char| "<>,;:()[]\"'".contains(c));
                word.replace(trimmed, &mask_address(trimmed))
            } else {
                word.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// What an outgoing message is, for the staff's pages (the outbox keeps a code).
pub fn message_kind_bg(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::Receipt => "Разписка",
        MessageKind::DelayNotice => "Уведомление за забава",
        MessageKind::Answer => "Отговор",
        MessageKind::StaffReminder => "Напомняне за срок",
        MessageKind::BookingConfirmation => "Потвърждение на час за прием",
        MessageKind::BookingCancellation => "Отменен час за прием",
        MessageKind::DesignationNotice => "Промяна в правата на служител",
        MessageKind::SignInNotice => "Неуспешни опити за вход",
        MessageKind::InformationRequest => "Искане за допълнителна информация",
        MessageKind::InformationReceived => "Получена допълнителна информация",
        MessageKind::CitizenAnswered => "Отговор от подателя (до служителя)",
        MessageKind::StaffDigest => "Дневен обзор за служител",
    }
}
