//! The IMAP client that reads the municipality's mailbox (`async-imap` over tokio; TLS by
//! rustls with Mozilla's roots). It takes the unread messages one by one, hands each to
//! [`super::receive`] and marks it read (`\Seen`) only after that committed; then it waits —
//! with IDLE where the server offers it, polling otherwise — and starts again. A lost
//! connection is opened again with a doubling pause; one message that cannot be handled never
//! stops it (a message the reader fails on is set aside, a failure of the register leaves it
//! unread for the next round).

use super::{MailboxError, Received};
use crate::App;
use async_imap::Session;
use futures_util::TryStreamExt;
use jiff::Timestamp;
use priemna_store::{MailOutcome, NewMailNote};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImapTls {
    /// TLS from the first byte (IMAPS, port 993), the server's certificate checked.
    Tls,
    /// None: only for a server on the same machine (tests, a local relay).
    None,
}

impl ImapTls {
    pub fn parse(s: &str) -> Option<ImapTls> {
        match s {
            "tls" => Some(ImapTls::Tls),
            "none" => Some(ImapTls::None),
            _ => None,
        }
    }
}

/// Where the mailbox is and how to read it.
#[derive(Clone)]
pub struct ImapConfig {
    pub host: String,
    pub port: u16,
    pub tls: ImapTls,
    pub username: String,
    pub password: String,
    /// The folder read (`INBOX`).
    pub mailbox: String,
    /// The longest wait between two looks at the mailbox (with IDLE: the longest IDLE).
    pub poll: Duration,
    /// Messages larger than this are not fetched but set aside.
    pub max_message_bytes: u64,
    /// The first pause after a lost connection, doubling up to `retry_max`.
    pub retry_base: Duration,
    pub retry_max: Duration,
    /// How long one IMAP command may take.
    pub timeout: Duration,
}

impl std::fmt::Debug for ImapConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("mailbox", &self.mailbox)
            .finish_non_exhaustive()
    }
}

impl ImapConfig {
    /// The settings with the usual timings: poll every minute, 25 MiB at most, retry from 1 s
    /// to 5 minutes, 60 s a command.
    pub fn new(host: String, port: u16, tls: ImapTls, username: String, password: String) -> Self {
        ImapConfig {
            host,
            port,
            tls,
            username,
            password,
            mailbox: "INBOX".to_owned(),
            poll: Duration::from_secs(60),
            max_message_bytes: 25 * 1024 * 1024,
            retry_base: Duration::from_secs(1),
            retry_max: Duration::from_secs(300),
            timeout: Duration::from_secs(60),
        }
    }
}

trait Stream: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Stream for T {}
type Connection = Box<dyn Stream>;

/// Starts the reader: it runs until the task is aborted, connecting again after every failure.
pub fn spawn_reader(app: App, config: ImapConfig) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut pause = config.retry_base;
        loop {
            let mut connected = false;
            let error = read_mailbox(&app, &config, &mut connected).await;
            if connected {
                pause = config.retry_base;
            }
            tracing::warn!(error = %error, pause_s = pause.as_secs_f64(),
                "mailbox reader: connection ended; connecting again after a pause");
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(config.retry_max);
        }
    })
}

async fn timed<T, E: std::fmt::Display>(
    limit: Duration,
    what: &str,
    f: impl Future<Output = Result<T, E>>,
) -> Result<T, MailboxError> {
    match tokio::time::timeout(limit, f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(MailboxError::Imap(format!("{what}: {e}"))),
        Err(_) => Err(MailboxError::Imap(format!("{what}: timed out"))),
    }
}

async fn connect(config: &ImapConfig) -> Result<Connection, MailboxError> {
    let tcp = TcpStream::connect((config.host.as_str(), config.port))
        .await
        .map_err(|e| MailboxError::Connect(format!("{}:{}: {e}", config.host, config.port)))?;
    match config.tls {
        ImapTls::None => Ok(Box::new(tcp)),
        ImapTls::Tls => {
            use tokio_rustls::rustls;
            let roots =
                rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .map_err(|e| MailboxError::Connect(format!("TLS: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
            let name = rustls::pki_types::ServerName::try_from(config.host.clone())
                .map_err(|e| MailboxError::Connect(format!("TLS name {}: {e}", config.host)))?;
            let stream = tokio_rustls::TlsConnector::from(Arc::new(tls))
                .connect(name, tcp)
                .await
                .map_err(|e| MailboxError::Connect(format!("TLS: {e}")))?;
            Ok(Box::new(stream))
        }
    }
}

/// One connection's life: log in, then read and wait until something fails.
async fn read_mailbox(app: &App, config: &ImapConfig, connected: &mut bool) -> MailboxError {
    let mut session = match open(config).await {
        Ok(s) => s,
        Err(e) => return e,
    };
    *connected = true;
    let idle = match timed(config.timeout, "CAPABILITY", session.capabilities()).await {
        Ok(caps) => caps.has_str("IDLE"),
        Err(e) => return e,
    };
    tracing::info!(host = %config.host, mailbox = %config.mailbox, idle, "mailbox reader connected");
    loop {
        if let Err(e) = read_unseen(app, config, &mut session).await {
            return e;
        }
        session = match wait(config, session, idle).await {
            Ok(s) => s,
            Err(e) => return e,
        };
    }
}

async fn open(config: &ImapConfig) -> Result<Session<Connection>, MailboxError> {
    let stream = tokio::time::timeout(config.timeout, connect(config))
        .await
        .map_err(|_| MailboxError::Connect("timed out".into()))??;
    let mut client = async_imap::Client::new(stream);
    match timed(config.timeout, "greeting", client.read_response()).await? {
        Some(_) => {}
        None => return Err(MailboxError::Connect("closed before its greeting".into())),
    }
    let login = client.login(&config.username, &config.password);
    let mut session = match tokio::time::timeout(config.timeout, login).await {
        Ok(Ok(session)) => session,
        Ok(Err((e, _))) => return Err(MailboxError::Imap(format!("LOGIN: {e}"))),
        Err(_) => return Err(MailboxError::Imap("LOGIN: timed out".into())),
    };
    timed(config.timeout, "SELECT", session.select(&config.mailbox)).await?;
    Ok(session)
}

/// Waits for news: IDLE up to `poll`, or a plain pause.
async fn wait(
    config: &ImapConfig,
    session: Session<Connection>,
    idle: bool,
) -> Result<Session<Connection>, MailboxError> {
    if !idle {
        tokio::time::sleep(config.poll).await;
        return Ok(session);
    }
    let mut handle = session.idle();
    timed(config.timeout, "IDLE", handle.init()).await?;
    {
        let (news, _stop) = handle.wait_with_timeout(config.poll);
        // A server that goes silent past the IDLE period plus a command's time is gone.
        timed(config.poll + config.timeout, "IDLE", news).await?;
    }
    timed(config.timeout, "DONE", handle.done()).await
}

/// Takes every unread message, oldest first.
async fn read_unseen(
    app: &App,
    config: &ImapConfig,
    session: &mut Session<Connection>,
) -> Result<(), MailboxError> {
    let mut uids: Vec<u32> = timed(config.timeout, "SEARCH", session.uid_search("UNSEEN"))
        .await?
        .into_iter()
        .collect();
    uids.sort_unstable();
    for uid in uids {
        take(app, config, session, uid).await?;
    }
    Ok(())
}

async fn fetch(
    config: &ImapConfig,
    session: &mut Session<Connection>,
    uid: u32,
    items: &str,
) -> Result<Option<async_imap::types::Fetch>, MailboxError> {
    let fetches: Vec<async_imap::types::Fetch> = timed(config.timeout, "FETCH", async {
        session
            .uid_fetch(uid.to_string(), items)
            .await?
            .try_collect()
            .await
    })
    .await?;
    Ok(fetches.into_iter().find(|f| f.uid == Some(uid)))
}

/// One message: handled, then marked read. A failure of the register leaves it unread.
#[tracing::instrument(skip_all, fields(uid))]
async fn take(
    app: &App,
    config: &ImapConfig,
    session: &mut Session<Connection>,
    uid: u32,
) -> Result<(), MailboxError> {
    let Some(head) = fetch(config, session, uid, "(UID RFC822.SIZE INTERNALDATE)").await? else {
        return Ok(()); // expunged meanwhile
    };
    let now = app.clock.now();
    let received_at = head
        .internal_date()
        .and_then(|d| Timestamp::from_second(d.timestamp()).ok())
        .map_or(now, |t| t.min(now));
    let size = u64::from(head.size.unwrap_or(0));
    let received = if size > config.max_message_bytes {
        let headers = fetch(config, session, uid, "(UID BODY.PEEK[HEADER])")
            .await?
            .and_then(|f| f.header().map(<[u8]>::to_vec))
            .unwrap_or_default();
        super::set_aside_oversized(app, &headers, size, config.max_message_bytes, received_at)
            .await?
    } else {
        let Some(raw) = fetch(config, session, uid, "(UID BODY.PEEK[])")
            .await?
            .and_then(|f| f.body().map(<[u8]>::to_vec))
        else {
            return Ok(());
        };
        guarded(app, raw, received_at).await?
    };
    tracing::info!(uid, outcome = ?received, "mail handled");
    timed(config.timeout, "STORE", async {
        session
            .uid_store(uid.to_string(), "+FLAGS.SILENT (\\Seen)")
            .await?
            .try_collect::<Vec<_>>()
            .await
    })
    .await?;
    Ok(())
}

/// [`super::receive`] on its own task: a message it fails on (a panic in a parser) is set
/// aside instead of stopping the reader.
async fn guarded(
    app: &App,
    raw: Vec<u8>,
    received_at: Timestamp,
) -> Result<Received, MailboxError> {
    let task = {
        let (app, raw) = (app.clone(), raw.clone());
        tokio::spawn(async move { super::receive(&app, &raw, received_at).await })
    };
    match task.await {
        Ok(result) => result,
        Err(e) => {
            tracing::error!(error = %e, "the mailbox reader failed on a message; set aside");
            let key = super::letter::Meta::default().key(&raw);
            let note = NewMailNote {
                message_key: key,
                message_id: None,
                sender: None,
                subject: None,
                outcome: MailOutcome::SetAside,
                reason: "the reader failed on it".to_owned(),
                size: raw.len() as u64,
                raw: Some(raw),
                returns_message_id: None,
                received_at,
            };
            super::noted(app, note).await
        }
    }
}
