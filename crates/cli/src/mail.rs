//! `priemna serve`'s settings for e-mail and letters: the SMTP server, the sender, the
//! letterhead, and the outbox worker's timing. Every flag also reads an environment variable;
//! the SMTP password only from the environment (or a file), never from the command line.

use anyhow::Context;
use priemna_app::notify::{Notifier, SmtpConfig, TlsMode, WorkerConfig};
use priemna_letters::Letterhead;
use std::time::Duration;

#[derive(clap::Args, Clone, Debug)]
pub struct MailArgs {
    /// SMTP server; without it, e-mails wait in the outbox (listed at /api/v1/outbox).
    #[arg(long, env = "PRIEMNA_SMTP_HOST")]
    smtp_host: Option<String>,
    /// SMTP port (default: 25 with --smtp-tls none, 587 with starttls, 465 with tls).
    #[arg(long, env = "PRIEMNA_SMTP_PORT")]
    smtp_port: Option<u16>,
    /// none, starttls (required) or tls.
    #[arg(long, default_value = "starttls", env = "PRIEMNA_SMTP_TLS")]
    smtp_tls: String,
    /// SMTP user name (the password is read from PRIEMNA_SMTP_PASSWORD or --smtp-password-file).
    #[arg(long, env = "PRIEMNA_SMTP_USERNAME")]
    smtp_username: Option<String>,
    /// A file holding the SMTP password.
    #[arg(long, env = "PRIEMNA_SMTP_PASSWORD_FILE")]
    smtp_password_file: Option<std::path::PathBuf>,
    /// Seconds one SMTP conversation may take.
    #[arg(long, default_value_t = 30, env = "PRIEMNA_SMTP_TIMEOUT")]
    smtp_timeout: u64,
    /// The sender's address.
    #[arg(long, default_value = "priemna@haskovo.bg", env = "PRIEMNA_MAIL_FROM")]
    mail_from: String,
    /// The sender's name (default: the organisation).
    #[arg(long, env = "PRIEMNA_MAIL_FROM_NAME")]
    mail_from_name: Option<String>,
    /// The public address of this Priemna, for links in e-mails and letters.
    #[arg(long, env = "PRIEMNA_PUBLIC_URL")]
    public_url: Option<String>,
    /// The letterhead: organisation.
    #[arg(long, default_value = "Община Хасково", env = "PRIEMNA_ORG_NAME")]
    org_name: String,
    /// The letterhead: address.
    #[arg(
        long,
        default_value = "пл. „Общински“ №1, 6300 Хасково",
        env = "PRIEMNA_ORG_ADDRESS"
    )]
    org_address: String,
    /// The letterhead: telephone.
    #[arg(long, default_value = "038 603330", env = "PRIEMNA_ORG_PHONE")]
    org_phone: String,
    /// The letterhead: e-mail.
    #[arg(long, env = "PRIEMNA_ORG_EMAIL")]
    org_email: Option<String>,
    /// The letterhead: website.
    #[arg(long, default_value = "www.haskovo.bg", env = "PRIEMNA_ORG_WEBSITE")]
    org_website: String,
    /// Seconds between looks at the outbox when nothing wakes the worker.
    #[arg(long, default_value_t = 5, env = "PRIEMNA_OUTBOX_POLL")]
    outbox_poll: u64,
    /// Seconds a claim on a message lasts (a crashed server's messages are retried after it).
    #[arg(long, default_value_t = 120, env = "PRIEMNA_OUTBOX_LEASE")]
    outbox_lease: u64,
    /// Seconds before the first retry (doubling each time).
    #[arg(long, default_value_t = 30, env = "PRIEMNA_OUTBOX_RETRY")]
    outbox_retry: u64,
    /// The longest wait between retries, in seconds.
    #[arg(long, default_value_t = 3600, env = "PRIEMNA_OUTBOX_RETRY_MAX")]
    outbox_retry_max: u64,
    /// Attempts before a message is marked failed.
    #[arg(long, default_value_t = 12, env = "PRIEMNA_OUTBOX_ATTEMPTS")]
    outbox_attempts: u32,
}

impl MailArgs {
    /// The letterhead and sender.
    pub fn notifier(&self) -> Notifier {
        let letterhead = Letterhead {
            organisation: self.org_name.clone(),
            address: self.org_address.clone(),
            phone: self.org_phone.clone(),
            email: self.org_email.clone().filter(|e| !e.trim().is_empty()),
            website: Some(self.org_website.clone()).filter(|w| !w.trim().is_empty()),
            tracking_url: None,
        };
        let mut notifier = Notifier::new(
            letterhead,
            self.mail_from.clone(),
            self.mail_from_name.clone(),
            self.public_url.clone(),
        );
        // The same test as `worker`: an empty host starts no worker, so it is no SMTP server
        // (receipts then keep no tracking code, and readiness does not wait for a worker).
        notifier.smtp_configured = self
            .smtp_host
            .as_deref()
            .is_some_and(|h| !h.trim().is_empty());
        notifier
    }

    /// The worker's settings, when an SMTP server is configured.
    pub fn worker(&self) -> anyhow::Result<Option<WorkerConfig>> {
        let Some(host) = self.smtp_host.clone().filter(|h| !h.trim().is_empty()) else {
            return Ok(None);
        };
        let tls = TlsMode::parse(&self.smtp_tls)
            .with_context(|| format!("--smtp-tls {}: use none, starttls or tls", self.smtp_tls))?;
        let password = match (
            &self.smtp_password_file,
            std::env::var("PRIEMNA_SMTP_PASSWORD"),
        ) {
            (Some(file), _) => Some(
                std::fs::read_to_string(file)
                    .with_context(|| format!("reading {}", file.display()))?
                    .trim_end_matches(['\r', '\n'])
                    .to_owned(),
            ),
            (None, Ok(p)) => Some(p),
            (None, Err(_)) => None,
        };
        let mut config = WorkerConfig::new(SmtpConfig {
            host,
            port: self.smtp_port,
            tls,
            username: self.smtp_username.clone(),
            password,
            timeout: Duration::from_secs(self.smtp_timeout.max(1)),
        });
        config.poll = Duration::from_secs(self.outbox_poll.max(1));
        config.lease = Duration::from_secs(self.outbox_lease.max(2));
        config.retry_base = Duration::from_secs(self.outbox_retry.max(1));
        config.retry_max = Duration::from_secs(self.outbox_retry_max.max(1));
        config.max_attempts = self.outbox_attempts.max(1);
        if config.smtp.timeout >= config.lease {
            anyhow::bail!("--smtp-timeout must be shorter than --outbox-lease");
        }
        Ok(Some(config))
    }
}
