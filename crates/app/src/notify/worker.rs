//! The outbox worker: claims due messages, sends them over SMTP, records the outcome.
//!
//! Delivery is at least once, made as close to exactly once as SMTP allows:
//! - a message is claimed with a lease (`sending`, owner, expiry), so two workers — in one
//!   process or on two servers — never hold the same message;
//! - it is marked `sent` right after the server accepts it (retried a few times if the
//!   database hiccups), in one short statement;
//! - the only window left is a crash between the server's acceptance and that statement: the
//!   lease then runs out and the message is sent again, marked in doubt, with the same
//!   Message-ID — so a mail client (and our tests) can tell it is the same message;
//! - the SMTP timeout is shorter than the lease, so a slow send cannot outlive its claim.
//!
//! Failures are retried with exponential backoff; a permanent refusal of the recipient (5xx to
//! the address), a message that cannot be built (an address that cannot be parsed, a header
//! lettre cannot write), or too many attempts mark it `failed` with the reason, which an
//! administrator can put back in the queue. A failed message forgets its tracking code.
//!
//! No message can stop the worker: display names and subjects lose their control characters
//! before they reach lettre, each message is built (and its headers written) under
//! `catch_unwind`, and the worker itself runs under a supervisor that restarts it, after a
//! pause, should it end or panic. What it is doing is kept in `OutboxHealth` (the readiness
//! check, the outbox API, `/staff/admin/outbox`).

use crate::App;
use crate::mailbox::thread;
use jiff::{SignedDuration, Timestamp};
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use priemna_domain::Clock;
use priemna_domain::submission::breaks_line;
use priemna_store::{MessageKind, OutgoingMessage, TRACKING_CODE_PLACEHOLDER};
use rand::Rng;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain SMTP (a relay on the same host or network).
    None,
    /// STARTTLS, required (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

impl TlsMode {
    pub fn parse(s: &str) -> Option<TlsMode> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" | "plain" | "off" => Some(TlsMode::None),
            "starttls" => Some(TlsMode::StartTls),
            "tls" | "smtps" | "implicit" => Some(TlsMode::Tls),
            _ => None,
        }
    }
}

#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    /// Defaults by `tls`: 25, 587 or 465.
    pub port: Option<u16>,
    pub tls: TlsMode,
    pub username: Option<String>,
    pub password: Option<String>,
    /// For one whole SMTP conversation; keep it well under the lease.
    pub timeout: Duration,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

#[derive(Clone)]
pub struct WorkerConfig {
    pub smtp: SmtpConfig,
    /// How often to look for due messages when nothing wakes the worker.
    pub poll: Duration,
    /// How long a claim lasts before another worker may take the message over.
    pub lease: Duration,
    /// The first retry waits this long; each next one twice as long…
    pub retry_base: Duration,
    /// …up to this.
    pub retry_max: Duration,
    /// After this many attempts the message is marked failed.
    pub max_attempts: u32,
    /// Messages claimed at once.
    pub batch: u32,
    /// The worker's own clock (retries and leases are real time, whatever the app's clock).
    pub clock: Arc<dyn Clock>,
    /// The supervisor's pause before it starts a worker that ended or panicked again.
    pub restart_pause: Duration,
}

impl WorkerConfig {
    pub fn new(smtp: SmtpConfig) -> WorkerConfig {
        WorkerConfig {
            smtp,
            poll: Duration::from_secs(5),
            lease: Duration::from_secs(120),
            retry_base: Duration::from_secs(30),
            retry_max: Duration::from_secs(3600),
            max_attempts: 12,
            batch: 10,
            clock: Arc::new(crate::SystemClock),
            restart_pause: Duration::from_secs(10),
        }
    }

    /// The wait before attempt `attempts + 1`: base · 2^(attempts − 1), capped, ±10 %.
    pub fn backoff(&self, attempts: i64) -> Duration {
        let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
        let wait = self
            .retry_base
            .saturating_mul(2u32.saturating_pow(exponent))
            .min(self.retry_max);
        let jitter = rand::rng().random_range(0.9..1.1);
        wait.mul_f64(jitter)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("SMTP configuration: {0}")]
    Config(String),
}

/// What the outbox worker is doing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum WorkerState {
    /// No worker was started in this process (no SMTP server configured).
    #[default]
    NotStarted,
    /// Claiming and sending.
    Running,
    /// It ended or panicked; the supervisor starts it again after a pause.
    Restarting,
    /// Stopped with the server.
    Stopped,
}

impl WorkerState {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkerState::NotStarted => "not_started",
            WorkerState::Running => "running",
            WorkerState::Restarting => "restarting",
            WorkerState::Stopped => "stopped",
        }
    }
}

/// The outbox worker's health at one moment. Errors carry no personal data: addresses are
/// masked, and a panic is named, not quoted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkerHealth {
    pub state: WorkerState,
    /// When the worker (last) started running.
    pub running_since: Option<Timestamp>,
    /// The last message the SMTP server accepted.
    pub last_sent_at: Option<Timestamp>,
    /// How many times the supervisor restarted the worker.
    pub restarts: u32,
    /// Messages waiting (queued or being sent), as the worker last counted them.
    pub queue_length: Option<u64>,
    pub last_error: Option<String>,
    pub last_error_at: Option<Timestamp>,
}

/// The worker's health, shared between the worker, its supervisor and whoever asks.
#[derive(Debug, Default)]
pub struct OutboxHealth(Mutex<WorkerHealth>);

impl OutboxHealth {
    fn lock(&self) -> MutexGuard<'_, WorkerHealth> {
        // A panic elsewhere while the lock was held leaves plain data behind: use it.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn snapshot(&self) -> WorkerHealth {
        self.lock().clone()
    }

    fn running(&self, at: Timestamp) {
        let mut h = self.lock();
        h.state = WorkerState::Running;
        h.running_since = Some(at);
    }

    fn restarting(&self, at: Timestamp, reason: &str) {
        let mut h = self.lock();
        h.state = WorkerState::Restarting;
        h.restarts = h.restarts.saturating_add(1);
        h.last_error = Some(reason.to_owned());
        h.last_error_at = Some(at);
    }

    fn stopped(&self) {
        self.lock().state = WorkerState::Stopped;
    }

    fn sent(&self, at: Timestamp) {
        self.lock().last_sent_at = Some(at);
    }

    fn error(&self, at: Timestamp, error: &str) {
        let mut h = self.lock();
        h.last_error = Some(super::redact(error).chars().take(300).collect());
        h.last_error_at = Some(at);
    }

    fn queue_length(&self, n: u64) {
        self.lock().queue_length = Some(n);
    }
}

/// The running worker; `stop` lets the message in flight finish.
pub struct WorkerHandle {
    stop: watch::Sender<bool>,
    join: JoinHandle<()>,
}

impl WorkerHandle {
    /// Stops claiming, lets the message in flight finish (bounded by `wait`), and returns.
    pub async fn stop(self, wait: Duration) {
        let _ = self.stop.send(true);
        if tokio::time::timeout(wait, self.join).await.is_err() {
            tracing::warn!("the outbox worker did not stop in time");
        }
    }
}

type Transport = AsyncSmtpTransport<Tokio1Executor>;

fn transport(config: &SmtpConfig) -> Result<Transport, NotifyError> {
    let builder = match config.tls {
        TlsMode::None => {
            Transport::builder_dangerous(config.host.as_str()).port(config.port.unwrap_or(25))
        }
        TlsMode::StartTls => Transport::starttls_relay(&config.host)
            .map_err(|e| NotifyError::Config(e.to_string()))?
            .port(config.port.unwrap_or(587)),
        TlsMode::Tls => Transport::relay(&config.host)
            .map_err(|e| NotifyError::Config(e.to_string()))?
            .port(config.port.unwrap_or(465)),
    };
    let builder = builder.timeout(Some(config.timeout));
    let builder = match (&config.username, &config.password) {
        (Some(user), Some(password)) => {
            builder.credentials(Credentials::new(user.clone(), password.clone()))
        }
        _ => builder,
    };
    Ok(builder.build())
}

/// Starts the worker for `app`'s outbox, under a supervisor that restarts it should it end or
/// panic (after `config.restart_pause`), until `stop`.
pub fn spawn_worker(app: App, config: WorkerConfig) -> Result<WorkerHandle, NotifyError> {
    let transport = transport(&config.smtp)?;
    let instance: [u8; 6] = rand::rng().random();
    let owner = format!(
        "worker:{}:{}",
        std::process::id(),
        instance
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let (stop, stopped) = watch::channel(false);
    tracing::info!(host = %config.smtp.host, %owner, "outbox worker started");
    let join = tokio::spawn(supervise(app, config, transport, owner, stopped));
    Ok(WorkerHandle { stop, join })
}

/// The real time, for the health record (whatever clock the worker is given).
fn wall_clock() -> Timestamp {
    crate::SystemClock.now()
}

/// Runs the worker as a task of its own and starts it again whenever it ends or panics while
/// the server is not stopping.
async fn supervise(
    app: App,
    config: WorkerConfig,
    transport: Transport,
    owner: String,
    mut stopped: watch::Receiver<bool>,
) {
    let health = &app.notify.health;
    loop {
        health.running(wall_clock());
        let worker = tokio::spawn(run(
            app.clone(),
            config.clone(),
            transport.clone(),
            owner.clone(),
            stopped.clone(),
        ));
        let ended = worker.await;
        if *stopped.borrow() {
            break;
        }
        let reason = match ended {
            Ok(()) => "the outbox worker ended unexpectedly",
            Err(e) if e.is_panic() => "the outbox worker panicked",
            Err(_) => "the outbox worker was cancelled",
        };
        tracing::error!(
            reason,
            pause_s = config.restart_pause.as_secs_f64(),
            "outbox: restarting the worker after a pause"
        );
        health.restarting(wall_clock(), reason);
        tokio::select! {
            () = tokio::time::sleep(config.restart_pause) => {}
            _ = stopped.changed() => {}
        }
        if *stopped.borrow() {
            break;
        }
    }
    health.stopped();
    tracing::info!("outbox worker stopped");
}

fn after(now: Timestamp, wait: Duration) -> Timestamp {
    SignedDuration::try_from(wait)
        .ok()
        .and_then(|d| now.checked_add(d).ok())
        .unwrap_or(now)
}

async fn run(
    app: App,
    config: WorkerConfig,
    transport: Transport,
    owner: String,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        if *stopped.borrow() {
            break;
        }
        let now = config.clock.now();
        let claimed = app
            .store
            .claim_outbox(&owner, now, after(now, config.lease), config.batch)
            .await;
        match claimed {
            Ok(batch) if !batch.is_empty() => {
                let mut batch = batch.into_iter();
                for message in batch.by_ref() {
                    send_one(&app, &config, &transport, &owner, message).await;
                    if *stopped.borrow() {
                        break;
                    }
                }
                // Claimed but not tried (stopping): back to the queue at once.
                for message in batch {
                    let _ = app
                        .store
                        .outbox_failed(
                            message.id,
                            &owner,
                            "not attempted: the server stopped",
                            Some(config.clock.now()),
                        )
                        .await;
                }
                continue;
            }
            Ok(_) => {}
            Err(e) => {
                tracing::error!(error = %e, "outbox: cannot claim messages");
                app.notify
                    .health
                    .error(wall_clock(), "cannot claim messages: the database failed");
            }
        }
        if let Ok(n) = app.store.outbox_queue_length().await {
            app.notify.health.queue_length(n);
        }
        tokio::select! {
            () = app.notify.woken() => {}
            () = tokio::time::sleep(config.poll) => {}
            _ = stopped.changed() => {}
        }
    }
}

/// `Auto-Submitted: auto-generated` (RFC 3834): no out-of-office replies to notifications.
#[derive(Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}

/// `Content-Language: bg, en`.
#[derive(Clone)]
struct ContentLanguage;

impl Header for ContentLanguage {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Language")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ContentLanguage)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "bg, en".to_owned())
    }
}

/// `text` as one line a header can carry: control characters and the Unicode line separators
/// become spaces, and runs of white space one space.
pub fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if breaks_line(c) { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A display name for a mailbox: one line, or none when nothing is left. (lettre's `Display`
/// of a mailbox fails on a line break in the name, and its headers panic on that failure.)
fn display_name(name: Option<&str>) -> Option<String> {
    name.map(one_line).filter(|n| !n.is_empty())
}

/// The e-mail as it goes on the wire. Errors here are the message's own (e.g. a bad address):
/// retrying will not help.
pub fn build_email(app: &App, m: &OutgoingMessage) -> Result<Message, String> {
    let notifier = &app.notify;
    let from = Mailbox::new(
        display_name(Some(&notifier.from_name)),
        notifier
            .from_address
            .parse()
            .map_err(|e| format!("sender address: {e}"))?,
    );
    let to = Mailbox::new(
        display_name(m.recipient_name.as_deref()),
        m.recipient
            .parse()
            .map_err(|e| format!("recipient address: {e}"))?,
    );
    let code = m.secret.as_deref().unwrap_or("(показан при регистрацията)");
    let text = m.text.replace(TRACKING_CODE_PLACEHOLDER, code);
    let html = m.html.replace(TRACKING_CODE_PLACEHOLDER, code);
    let alternative = MultiPart::alternative_plain_html(text, html);
    let body = match &m.attachment {
        Some((filename, content_type, content)) => MultiPart::mixed()
            .multipart(alternative)
            .singlepart(Attachment::new(filename.clone()).body(
                content.clone(),
                ContentType::parse(content_type).map_err(|e| e.to_string())?,
            )),
        None => alternative,
    };
    let mut builder = Message::builder().from(from).to(to);
    let subject = one_line(&m.subject);
    // The case's reference: a reply carries it back (in References and the subject's tag).
    builder = match &m.thread_token {
        Some(token) => builder
            .subject(thread::tagged_subject(&subject, token))
            .references(thread::reference(token, notifier.domain())),
        None => builder.subject(subject),
    };
    builder
        .message_id(Some(m.message_id.clone()))
        .date(SystemTime::from(m.created_at))
        .header(AutoSubmitted)
        .header(ContentLanguage)
        .multipart(body)
        .map_err(|e| e.to_string())
}

/// Builds the message and writes its headers once, catching a panic in either: the message is
/// then failed with the reason, and the worker goes on with the next one. (Sending writes the
/// same headers again, so a message that passed here cannot panic there.)
pub fn prepare_email(app: &App, m: &OutgoingMessage) -> Result<Message, String> {
    std::panic::catch_unwind(AssertUnwindSafe(|| {
        let email = build_email(app, m)?;
        let _ = email.formatted();
        Ok(email)
    }))
    .unwrap_or_else(|_| Err("the message cannot be built: writing it panicked".to_owned()))
}

/// A refusal that will not change by retrying: the server says the mailbox is unknown or
/// unacceptable (550–553). Other errors — connection, authentication, temporary refusals —
/// are retried.
fn permanent(e: &lettre::transport::smtp::Error) -> bool {
    e.is_permanent()
        && e.status()
            .is_some_and(|c| (550..=553).contains(&u16::from(c)))
}

/// A receipt queued with its facts only gets its text now, from the case in the register (the
/// same facts give the same text). Other messages are sent as they were queued. On failure: the
/// message, the reason, and whether trying again later may help.
async fn written_from_register(
    app: &App,
    mut message: OutgoingMessage,
) -> Result<OutgoingMessage, (OutgoingMessage, String, bool)> {
    if message.kind != MessageKind::Receipt || !message.text.is_empty() {
        return Ok(message);
    }
    let Some(number) = message.case_number else {
        return Err((message, "a receipt without its case".to_owned(), false));
    };
    match app.store.case_by_number(number).await {
        Ok(Some(case)) => {
            let facts = super::messages::ReceiptFacts::of_case(&case);
            let (text, html) = super::messages::receipt_body(&app.notify, number, &facts);
            message.text = text;
            message.html = html;
            Ok(message)
        }
        Ok(None) => Err((
            message,
            format!("case {number} is not in the register"),
            false,
        )),
        Err(e) => Err((message, format!("reading case {number}: {e}"), true)),
    }
}

/// An e-mail to the citizen about a case carries the case's reference token (made now for the
/// case's first e-mail). Should the register fail here, the e-mail goes without it: a reply to
/// it is then registered as a new submission, nothing is lost.
async fn threaded(
    app: &App,
    config: &WorkerConfig,
    mut message: OutgoingMessage,
) -> OutgoingMessage {
    if !message.kind.to_citizen() || message.thread_token.is_some() {
        return message;
    }
    let Some(case_id) = message.case_id else {
        return message;
    };
    match app
        .store
        .thread_token(case_id, &thread::new_token(), config.clock.now())
        .await
    {
        Ok(token) => message.thread_token = Some(token),
        Err(e) => {
            tracing::warn!(id = message.id, error = %e, "outbox: no case reference for this e-mail");
        }
    }
    message
}

async fn send_one(
    app: &App,
    config: &WorkerConfig,
    transport: &Transport,
    owner: &str,
    message: OutgoingMessage,
) {
    if message.in_doubt {
        tracing::warn!(
            id = message.id,
            message_id = %message.message_id,
            "outbox: resending a message whose last attempt ended without a record \
             (same Message-ID; the server may have it already)"
        );
    }
    let message = match written_from_register(app, message).await {
        Ok(message) => message,
        Err((message, error, retry)) => {
            let retry_at = retry
                .then(|| after(config.clock.now(), config.backoff(message.attempts)))
                .filter(|_| message.attempts < i64::from(config.max_attempts));
            tracing::error!(id = message.id, %error, "outbox: the receipt cannot be written");
            app.notify.health.error(wall_clock(), &error);
            if let Err(e) = app
                .store
                .outbox_failed(message.id, owner, &error, retry_at)
                .await
            {
                tracing::error!(id = message.id, error = %e, "outbox: cannot record the failure");
            }
            return;
        }
    };
    let message = threaded(app, config, message).await;
    let email = match prepare_email(app, &message) {
        Ok(email) => email,
        Err(error) => {
            // Retrying will not help: failed for good, with the reason, and its code forgotten.
            let error = format!("cannot be built: {error}");
            tracing::error!(id = message.id, %error, "outbox: message cannot be sent");
            app.notify.health.error(wall_clock(), &error);
            if let Err(e) = app
                .store
                .outbox_failed(message.id, owner, &error, None)
                .await
            {
                tracing::error!(id = message.id, error = %e, "outbox: cannot record the failure");
            }
            return;
        }
    };
    match transport.send(email).await {
        Ok(response) => {
            let reply = format!(
                "{} {}",
                response.code(),
                response.message().collect::<Vec<_>>().join(" ")
            );
            // The server has it: record that now, and insist a little if the database hiccups
            // (until then, a crash would mean sending it again).
            for attempt in 0..5 {
                match app
                    .store
                    .outbox_sent(message.id, owner, config.clock.now(), &reply)
                    .await
                {
                    Ok(true) => break,
                    Ok(false) => {
                        tracing::warn!(
                            id = message.id,
                            "outbox: the claim was lost before the message was marked sent"
                        );
                        break;
                    }
                    Err(e) => {
                        tracing::error!(id = message.id, error = %e, attempt, "outbox: cannot mark sent");
                        tokio::time::sleep(Duration::from_millis(200 * (attempt + 1))).await;
                    }
                }
            }
            app.notify.health.sent(wall_clock());
            tracing::info!(id = message.id, kind = %message.kind, "outbox: sent");
        }
        Err(e) => {
            let error = e.to_string();
            let give_up = permanent(&e) || message.attempts >= i64::from(config.max_attempts);
            let retry_at =
                (!give_up).then(|| after(config.clock.now(), config.backoff(message.attempts)));
            tracing::warn!(id = message.id, attempts = message.attempts, %error, give_up, "outbox: sending failed");
            app.notify.health.error(wall_clock(), &error);
            if let Err(e) = app
                .store
                .outbox_failed(message.id, owner, &error, retry_at)
                .await
            {
                tracing::error!(id = message.id, error = %e, "outbox: cannot record the failure");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_display_name_with_header_lines_becomes_one_line_lettre_can_write() {
        let name = display_name(Some("Eve\r\nBcc: victim@evil.example\r\nX-Injected: yes"));
        assert_eq!(
            name.as_deref(),
            Some("Eve Bcc: victim@evil.example X-Injected: yes")
        );
        let to = Mailbox::new(name, "eve1@example.bg".parse().unwrap());
        let email = Message::builder()
            .from("priemna@haskovo.bg".parse().unwrap())
            .to(to)
            .subject(one_line("Регистрирано\r\nBcc: x@evil.example"))
            .body(String::from("b"))
            .unwrap();
        let head = String::from_utf8(email.formatted()).unwrap();
        let head = head.split("\r\n\r\n").next().unwrap();
        for line in head.split("\r\n") {
            let starts_header = !line.starts_with([' ', '\t']);
            assert!(
                !(starts_header && (line.starts_with("Bcc:") || line.starts_with("X-Injected"))),
                "{head}"
            );
        }
    }

    #[test]
    fn every_control_character_and_line_separator_becomes_a_space() {
        assert_eq!(
            one_line("a\u{0}b\u{7f}c\u{85}d\u{2028}e\u{2029}f\tg"),
            "a b c d e f g"
        );
        assert_eq!(display_name(Some(" \r\n\t ")), None);
        assert_eq!(display_name(None), None);
        assert_eq!(
            display_name(Some("Иван  Петров")).as_deref(),
            Some("Иван Петров")
        );
    }
}
