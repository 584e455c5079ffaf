//! A message from the mailbox read as what it is — a citizen's letter, an automatic answer, a
//! delivery failure, or something that cannot be read — as a pure function of its bytes (MIME
//! by `mail-parser`: charsets, quoted-printable and base64, HTML turned into text).

use mail_parser::{Message, MessageParser, MimeHeaders, PartType};
use sha2::{Digest, Sha256};

/// What every message tells of itself, whatever it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    /// Without its angle brackets.
    pub message_id: Option<String>,
    /// The sender's address (`From`).
    pub sender: Option<String>,
    pub subject: Option<String>,
}

impl Meta {
    /// The key a message is remembered by: SHA-256 of its Message-ID, or of its bytes when it
    /// has none (the same message read again has the same bytes).
    pub fn key(&self, raw: &[u8]) -> String {
        let mut hash = Sha256::new();
        match &self.message_id {
            Some(id) => {
                hash.update(b"message-id:");
                hash.update(id.as_bytes());
            }
            None => {
                hash.update(b"bytes:");
                hash.update(raw);
            }
        }
        hex(&hash.finalize())
    }
}

/// A file attached to a letter, as it came (checked later, as the portal checks files).
#[derive(Clone, PartialEq, Eq)]
pub struct File {
    pub name: String,
    pub data: Vec<u8>,
}

impl std::fmt::Debug for File {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("File")
            .field("name", &self.name)
            .field("bytes", &self.data.len())
            .finish()
    }
}

/// A letter from a person: what becomes a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub from_address: String,
    pub from_name: Option<String>,
    /// Possibly empty.
    pub subject: String,
    /// The plain text (preferred) or the HTML turned into text; line breaks as `\n`.
    pub text: String,
    pub files: Vec<File>,
    /// The identifiers in `In-Reply-To` and `References`, each with its angle brackets: where
    /// a reply finds the e-mail it answers.
    pub references: Vec<String>,
}

/// What a message is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    Letter(Letter),
    /// An automatic answer (RFC 3834 `Auto-Submitted`, `X-Autoreply`, `Precedence`, an empty
    /// return path, a message Priemna sent itself): never registered, never answered.
    AutoReply {
        reason: String,
    },
    /// A delivery status notification saying delivery failed; `returns` is the Message-ID (with
    /// angle brackets) of the message it returns, when the report carries it.
    Bounce {
        returns: Option<String>,
        diagnostic: String,
    },
    /// Cannot be read as a letter: kept aside for a clerk with the reason.
    Unreadable {
        reason: String,
    },
}

/// Reads `raw`. `own_address` is the address Priemna sends from: a message from it is never a
/// letter (no loop through a misdirected receipt).
pub fn read(raw: &[u8], own_address: &str) -> (Meta, Reading) {
    let Some(message) = MessageParser::default().parse(raw) else {
        return (
            Meta::default(),
            Reading::Unreadable {
                reason: "not an e-mail message (no headers could be read)".into(),
            },
        );
    };
    let meta = meta(&message);
    if message.parts.first().is_none_or(|p| p.headers.is_empty()) {
        return (
            meta,
            Reading::Unreadable {
                reason: "not an e-mail message (no headers could be read)".into(),
            },
        );
    }
    let reading = classify(&message, &meta, own_address);
    (meta, reading)
}

fn meta(message: &Message<'_>) -> Meta {
    Meta {
        message_id: message
            .message_id()
            .map(|id| id.trim().trim_matches(['<', '>']).to_owned())
            .filter(|id| !id.is_empty()),
        sender: sender(message).map(|(address, _)| address),
        subject: message.subject().map(|s| s.trim().to_owned()),
    }
}

/// The `From` address (lower-cased domain kept as written) and display name.
fn sender(message: &Message<'_>) -> Option<(String, Option<String>)> {
    let from = message.from()?.first()?;
    let address = from.address()?.trim().to_owned();
    if address.is_empty() {
        return None;
    }
    let name = from
        .name()
        .map(|n| n.trim().trim_matches('"').trim().to_owned())
        .filter(|n| !n.is_empty());
    Some((address, name))
}

fn header(message: &Message<'_>, name: &str) -> Option<String> {
    message
        .header_raw(name)
        .map(|v| v.trim().to_ascii_lowercase())
}

fn classify(message: &Message<'_>, meta: &Meta, own_address: &str) -> Reading {
    if let Some(bounce) = bounce(message, meta) {
        return bounce;
    }
    if let Some(reason) = automatic(message, meta, own_address) {
        return Reading::AutoReply { reason };
    }
    letter(message)
}

/// A delivery status notification (RFC 3464), or a message from a mailer daemon.
fn bounce(message: &Message<'_>, meta: &Meta) -> Option<Reading> {
    let report = message.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
            && ct
                .attribute("report-type")
                .is_some_and(|t| t.eq_ignore_ascii_case("delivery-status"))
    });
    let daemon = meta.sender.as_deref().is_some_and(|s| {
        let local = s.split('@').next().unwrap_or(s).to_ascii_lowercase();
        local == "mailer-daemon" || local == "postmaster"
    });
    if !report && !daemon {
        return None;
    }
    let mut actions = Vec::new();
    let mut diagnostic = Vec::new();
    let mut returns = None;
    for part in &message.parts {
        let Some(ct) = part.content_type() else {
            continue;
        };
        let kind = (
            ct.ctype().to_ascii_lowercase(),
            ct.subtype()
                .map(str::to_ascii_lowercase)
                .unwrap_or_default(),
        );
        match (kind.0.as_str(), kind.1.as_str()) {
            ("message", "delivery-status") | ("message", "global-delivery-status") => {
                let text = String::from_utf8_lossy(part_bytes(part)).into_owned();
                for line in text.lines() {
                    let Some((name, value)) = line.split_once(':') else {
                        continue;
                    };
                    let value = value.trim();
                    match name.trim().to_ascii_lowercase().as_str() {
                        "action" => actions.push(value.to_ascii_lowercase()),
                        "status" | "diagnostic-code" => diagnostic.push(value.to_owned()),
                        _ => {}
                    }
                }
            }
            ("message", "rfc822") | ("message", "global") => {
                if let PartType::Message(original) = &part.body {
                    returns = returns.or_else(|| original.message_id().map(bracketed));
                }
            }
            ("text", "rfc822-headers") | ("message", "rfc822-headers") => {
                let headers = part_bytes(part);
                if let Some(original) = MessageParser::default().parse_headers(headers) {
                    returns = returns.or_else(|| original.message_id().map(bracketed));
                }
            }
            _ => {}
        }
    }
    let failed = actions.iter().any(|a| a == "failed");
    if report && !actions.is_empty() && !failed {
        // Delayed, relayed, delivered: news of delivery, not a failure.
        return Some(Reading::AutoReply {
            reason: format!("delivery status notification ({})", actions.join(", ")),
        });
    }
    let diagnostic = if diagnostic.is_empty() {
        "delivery failed".to_owned()
    } else {
        diagnostic.join("; ").chars().take(500).collect()
    };
    Some(Reading::Bounce {
        returns,
        diagnostic,
    })
}

fn bracketed(id: &str) -> String {
    format!("<{}>", id.trim().trim_matches(['<', '>']))
}

fn part_bytes<'a>(part: &'a mail_parser::MessagePart<'_>) -> &'a [u8] {
    match &part.body {
        PartType::Text(t) | PartType::Html(t) => t.as_bytes(),
        PartType::Binary(b) | PartType::InlineBinary(b) => b,
        PartType::Message(m) => &m.raw_message,
        PartType::Multipart(_) => &[],
    }
}

/// Why a message is an automatic one, if it is.
fn automatic(message: &Message<'_>, meta: &Meta, own_address: &str) -> Option<String> {
    if let Some(value) = header(message, "Auto-Submitted")
        && value != "no"
    {
        return Some(format!("Auto-Submitted: {value}"));
    }
    for name in ["X-Autoreply", "X-Autorespond", "X-Autoresponder"] {
        if message.header_raw(name).is_some() {
            return Some(format!("{name} header"));
        }
    }
    if let Some(value) = header(message, "Precedence")
        && ["auto_reply", "bulk", "junk", "list"].contains(&value.as_str())
    {
        return Some(format!("Precedence: {value}"));
    }
    if let Some(value) = header(message, "Return-Path")
        && value.trim_matches(['<', '>', ' ']).is_empty()
    {
        return Some("empty return path (a message from a mail server)".into());
    }
    if let Some(sender) = &meta.sender
        && sender.eq_ignore_ascii_case(own_address.trim())
    {
        return Some("sent by Priemna itself".into());
    }
    None
}

fn letter(message: &Message<'_>) -> Reading {
    let Some((from_address, from_name)) = sender(message) else {
        return Reading::Unreadable {
            reason: "no sender address (From)".into(),
        };
    };
    let text_parts: Vec<usize> = message.text_body.iter().map(|&i| i as usize).collect();
    let mut texts = Vec::new();
    for (n, _) in text_parts.iter().enumerate() {
        if let Some(text) = message.body_text(n) {
            texts.push(clean_text(&text));
        }
    }
    let text = texts
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    let mut files = Vec::new();
    for part in message.attachments() {
        // Text and HTML shown inline are the body, not files.
        if text_parts
            .iter()
            .any(|&i| std::ptr::eq(&message.parts[i], part))
        {
            continue;
        }
        let name = part
            .attachment_name()
            .map(str::to_owned)
            .or_else(|| part.content_type().map(|ct| ct.ctype().to_owned()))
            .unwrap_or_else(|| "file".to_owned());
        let data = match &part.body {
            PartType::Message(m) => m.raw_message.to_vec(),
            _ => part.contents().to_vec(),
        };
        files.push(File { name, data });
    }
    let mut references = Vec::new();
    for value in [message.in_reply_to(), message.references()] {
        for id in value.as_text_list().unwrap_or_default() {
            let id = bracketed(id);
            if id.len() > 2 && !references.contains(&id) {
                references.push(id);
            }
        }
    }
    Reading::Letter(Letter {
        from_address,
        from_name,
        subject: message.subject().map(clean_line).unwrap_or_default(),
        text,
        files,
        references,
    })
}

/// Line breaks as `\n`, no control characters but line breaks and tabs, no trailing spaces
/// on lines, no blank lines at either end.
fn clean_text(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<String> = text
        .lines()
        .map(|l| {
            l.chars()
                .filter(|c| !c.is_control() || *c == '\t')
                .collect::<String>()
                .trim_end()
                .to_owned()
        })
        .collect();
    lines.join("\n").trim_matches('\n').to_owned()
}

/// One line: breaks and control characters become spaces, runs of spaces one.
fn clean_line(text: &str) -> String {
    text.split(|c: char| c.is_control() || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(raw: &str) -> Reading {
        read(raw.as_bytes(), "priemna@haskovo.bg").1
    }

    #[test]
    fn a_plain_letter_is_a_letter_with_its_sender_and_text() {
        let reading = read_str(
            "From: Иван Петров <ivan@example.bg>\r\nTo: obshtina@haskovo.bg\r\n\
             Subject: =?UTF-8?B?0JTRg9C/0LrQsA==?=\r\nMessage-ID: <a1@example.bg>\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\nИма дупка на улицата.\r\n",
        );
        let Reading::Letter(letter) = reading else {
            panic!("{reading:?}")
        };
        assert_eq!(letter.from_address, "ivan@example.bg");
        assert_eq!(letter.from_name.as_deref(), Some("Иван Петров"));
        assert_eq!(letter.subject, "Дупка");
        assert_eq!(letter.text, "Има дупка на улицата.");
    }

    #[test]
    fn an_html_only_letter_is_read_as_text_and_its_files_are_kept() {
        let reading = read_str(
            "From: a@example.bg\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n\
             --m\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
             <p>Първи <b>ред</b></p><p>Втори ред</p>\r\n\
             --m\r\nContent-Type: application/pdf\r\n\
             Content-Disposition: attachment; filename=\"a.pdf\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--m--\r\n",
        );
        let Reading::Letter(letter) = reading else {
            panic!("{reading:?}")
        };
        assert!(letter.text.contains("Първи ред"), "{:?}", letter.text);
        assert!(letter.text.contains("Втори ред"), "{:?}", letter.text);
        assert!(!letter.text.contains('<'), "{:?}", letter.text);
        assert_eq!(letter.files.len(), 1);
        assert_eq!(letter.files[0].name, "a.pdf");
        assert_eq!(letter.files[0].data, b"%PDF-1.4\n");
    }

    #[test]
    fn automatic_answers_are_recognised() {
        for header in [
            "Auto-Submitted: auto-replied",
            "X-Autoreply: yes",
            "Precedence: bulk",
            "Return-Path: <>",
        ] {
            let raw = format!(
                "From: a@example.bg\r\n{header}\r\nSubject: Out of office\r\n\r\nAway.\r\n"
            );
            assert!(
                matches!(read_str(&raw), Reading::AutoReply { .. }),
                "{header}"
            );
        }
        let ours = "From: priemna@haskovo.bg\r\nSubject: x\r\n\r\ny\r\n";
        assert!(matches!(read_str(ours), Reading::AutoReply { .. }));
        let not = "From: a@example.bg\r\nAuto-Submitted: no\r\nSubject: x\r\n\r\ny\r\n";
        assert!(matches!(read_str(not), Reading::Letter(_)));
    }

    #[test]
    fn a_delivery_failure_names_the_message_it_returns() {
        let raw = "From: Mail Delivery System <MAILER-DAEMON@mx.example.bg>\r\n\
            Subject: Undelivered Mail Returned to Sender\r\n\
            Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n\
            --b\r\nContent-Type: text/plain\r\n\r\nI'm sorry.\r\n\
            --b\r\nContent-Type: message/delivery-status\r\n\r\n\
            Reporting-MTA: dns; mx.example.bg\r\n\r\nFinal-Recipient: rfc822; x@example.bg\r\n\
            Action: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 no such user\r\n\
            --b\r\nContent-Type: text/rfc822-headers\r\n\r\n\
            From: priemna@haskovo.bg\r\nMessage-ID: <receipt.abc@haskovo.bg>\r\n\r\n\
            --b--\r\n";
        match read_str(raw) {
            Reading::Bounce {
                returns,
                diagnostic,
            } => {
                assert_eq!(returns.as_deref(), Some("<receipt.abc@haskovo.bg>"));
                assert!(diagnostic.contains("550 5.1.1"), "{diagnostic}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn garbage_is_unreadable_and_the_key_follows_the_message_id() {
        assert!(matches!(
            read(b"\x00\x01\x02", "p@x.bg").1,
            Reading::Unreadable { .. }
        ));
        let a = Meta {
            message_id: Some("x@y".into()),
            ..Meta::default()
        };
        assert_eq!(a.key(b"one"), a.key(b"two"));
        assert_ne!(Meta::default().key(b"one"), Meta::default().key(b"two"));
    }
}
