//! `priemna serve`'s settings for reading the municipality's mailbox over IMAP (docs/mailbox.md).
//! Every flag also reads an environment variable; the password only from the environment
//! (`PRIEMNA_IMAP_PASSWORD`) or a file, never from the command line. Without `--imap-host` no
//! mailbox is read.

use anyhow::Context;
use priemna_app::mailbox::{ImapConfig, ImapTls};
use std::time::Duration;

#[derive(clap::Args, Clone, Debug)]
pub struct MailboxArgs {
    /// IMAP server of the municipality's mailbox; each new message there becomes a submission.
    #[arg(long, env = "PRIEMNA_IMAP_HOST")]
    imap_host: Option<String>,
    /// IMAP port (default: 993 with --imap-tls tls, 143 with none).
    #[arg(long, env = "PRIEMNA_IMAP_PORT")]
    imap_port: Option<u16>,
    /// tls (IMAPS, the certificate checked) or none (only for a server on this machine).
    #[arg(long, default_value = "tls", env = "PRIEMNA_IMAP_TLS")]
    imap_tls: String,
    /// The mailbox's user name (the password from PRIEMNA_IMAP_PASSWORD or --imap-password-file).
    #[arg(long, env = "PRIEMNA_IMAP_USERNAME")]
    imap_username: Option<String>,
    /// A file holding the mailbox's password.
    #[arg(long, env = "PRIEMNA_IMAP_PASSWORD_FILE")]
    imap_password_file: Option<std::path::PathBuf>,
    /// The folder read.
    #[arg(long, default_value = "INBOX", env = "PRIEMNA_IMAP_MAILBOX")]
    imap_mailbox: String,
    /// Seconds between looks at the mailbox (with IDLE: the longest IDLE).
    #[arg(long, default_value_t = 60, env = "PRIEMNA_IMAP_POLL")]
    imap_poll: u64,
    /// Messages larger than this many bytes are set aside, not fetched.
    #[arg(long, default_value_t = 25 * 1024 * 1024, env = "PRIEMNA_IMAP_MAX_MESSAGE_BYTES")]
    imap_max_message_bytes: u64,
    /// Seconds before connecting again after a failure (doubling each time).
    #[arg(long, default_value_t = 1, env = "PRIEMNA_IMAP_RETRY")]
    imap_retry: u64,
    /// The longest pause between connections, in seconds.
    #[arg(long, default_value_t = 300, env = "PRIEMNA_IMAP_RETRY_MAX")]
    imap_retry_max: u64,
}

impl MailboxArgs {
    /// The reader's settings, when an IMAP server is configured.
    pub fn reader(&self) -> anyhow::Result<Option<ImapConfig>> {
        let Some(host) = self.imap_host.clone().filter(|h| !h.trim().is_empty()) else {
            return Ok(None);
        };
        let tls = ImapTls::parse(&self.imap_tls)
            .with_context(|| format!("--imap-tls {}: use tls or none", self.imap_tls))?;
        let username = self
            .imap_username
            .clone()
            .context("--imap-host needs --imap-username")?;
        let password = match (
            &self.imap_password_file,
            std::env::var("PRIEMNA_IMAP_PASSWORD"),
        ) {
            (Some(file), _) => std::fs::read_to_string(file)
                .with_context(|| format!("reading {}", file.display()))?
                .trim_end_matches(['\r', '\n'])
                .to_owned(),
            (None, Ok(p)) => p,
            (None, Err(_)) => anyhow::bail!(
                "--imap-host needs a password: PRIEMNA_IMAP_PASSWORD or --imap-password-file"
            ),
        };
        let port = self.imap_port.unwrap_or(match tls {
            ImapTls::Tls => 993,
            ImapTls::None => 143,
        });
        let mut config = ImapConfig::new(host, port, tls, username, password);
        config.mailbox = self.imap_mailbox.clone();
        config.poll = Duration::from_secs(self.imap_poll.max(1));
        config.max_message_bytes = self.imap_max_message_bytes.max(1024);
        config.retry_base = Duration::from_secs(self.imap_retry.max(1));
        config.retry_max = Duration::from_secs(self.imap_retry_max.max(1));
        Ok(Some(config))
    }
}
