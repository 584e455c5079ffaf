//! The case's reference in e-mail, as pure functions: the token each case gets (13 characters of
//! Crockford's base 32, 65 random bits), where it goes in the e-mails sent to the citizen
//! (the subject's `[П-TOKEN]`, `References: <case.token@domain>`), how it is read back from a
//! reply, and the quoted history trimmed from a reply's text.
//!
//! A reply is never matched by its subject's words: only by a token the register issued or by
//! the Message-ID of an e-mail Priemna sent (`ConversationStore::thread_cases`), and then only
//! when it comes from the case's own contact address (`super::receive`).

use rand::Rng;

/// Crockford's base 32: no I, L, O, U (read as 1, 1, 0 and refused).
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// 13 × 5 = 65 bits.
pub const TOKEN_CHARS: usize = 13;

/// A new random token.
pub fn new_token() -> String {
    let mut rng = rand::rng();
    (0..TOKEN_CHARS)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// The subject's tag: `[П-TOKEN]`.
pub fn subject_tag(token: &str) -> String {
    format!("[П-{token}]")
}

/// The subject with the tag, once.
pub fn tagged_subject(subject: &str, token: &str) -> String {
    let tag = subject_tag(token);
    if subject.contains(&tag) {
        subject.to_owned()
    } else {
        format!("{subject} {tag}")
    }
}

/// The case's reference for `References`: `<case.token@domain>`.
pub fn reference(token: &str, domain: &str) -> String {
    format!("<case.{}@{domain}>", token.to_ascii_lowercase())
}

/// A token as written by a person or a mail client: upper case, O read as 0, I and L as 1;
/// `None` unless it is 13 characters of the alphabet.
pub fn normalise(token: &str) -> Option<String> {
    let token: String = token
        .trim()
        .chars()
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    (token.chars().count() == TOKEN_CHARS && token.bytes().all(|b| ALPHABET.contains(&b)))
        .then_some(token)
}

/// Every `[П-…]` tag in a subject (`[P-…]` too, should a client transliterate it), as written:
/// a forged or damaged tag is returned as well, so that a clerk is told of it.
pub fn subject_tags(subject: &str) -> Vec<String> {
    let mut tags = Vec::new();
    let mut rest = subject;
    while let Some(start) = rest.find('[') {
        rest = &rest[start + 1..];
        let Some(end) = rest.find(']') else { break };
        let inner = rest[..end].trim();
        let body = inner
            .strip_prefix("П-")
            .or_else(|| inner.strip_prefix("п-"))
            .or_else(|| inner.strip_prefix("P-"))
            .or_else(|| inner.strip_prefix("p-"));
        if let Some(body) = body {
            tags.push(body.trim().to_owned());
        }
        rest = &rest[end..];
    }
    tags
}

/// The token of a `case.token@domain` message identifier (angle brackets optional).
pub fn reference_token(id: &str) -> Option<String> {
    let id = id.trim().trim_matches(['<', '>']);
    let local = id.split('@').next()?;
    let token = local.strip_prefix("case.")?;
    normalise(token)
}

/// The reply's own words: the quoted history a mail client adds below (Outlook's
/// "-----Original Message-----" or its header block, "On … wrote:", lines quoted with `>`)
/// is cut. The whole text is kept beside it.
pub fn trim_quoted(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut kept: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        if is_separator(line) || is_header_block(&lines[i..]) || is_attribution(&lines[i..]) {
            break;
        }
        if !line.starts_with('>') {
            kept.push(lines[i]);
        }
        i += 1;
    }
    let trimmed = kept.join("\n").trim().to_owned();
    if trimmed.is_empty() {
        // Nothing but quotation: keep what came rather than nothing.
        text.trim().to_owned()
    } else {
        trimmed
    }
}

fn is_separator(line: &str) -> bool {
    let lower = line.to_lowercase();
    (lower.starts_with("-----") && lower.ends_with("-----") && lower.len() > 10)
        || (line.len() >= 20 && line.chars().all(|c| c == '_'))
        || lower.starts_with("-----original message")
        || lower.starts_with("-----оригинално съобщение")
}

/// Outlook's block: "From: …" then "Sent: …" (or "От: …", "Изпратено: …") within two lines.
fn is_header_block(lines: &[&str]) -> bool {
    let first = lines
        .first()
        .map(|l| l.trim().to_lowercase())
        .unwrap_or_default();
    if !(first.starts_with("from:") || first.starts_with("от:")) {
        return false;
    }
    lines.iter().skip(1).take(3).any(|l| {
        let l = l.trim().to_lowercase();
        l.starts_with("sent:")
            || l.starts_with("date:")
            || l.starts_with("изпратено:")
            || l.starts_with("дата:")
    })
}

/// "On Mon, 2 Mar 2026, Priemna <…> wrote:" (possibly over two lines), "На … написа:".
fn is_attribution(lines: &[&str]) -> bool {
    let first = lines.first().map(|l| l.trim()).unwrap_or_default();
    let joined = match lines.get(1) {
        Some(next) if !first.ends_with(':') => format!("{first} {}", next.trim()),
        _ => first.to_owned(),
    };
    let lower = joined.to_lowercase();
    let starts = lower.starts_with("on ") || lower.starts_with("на ");
    let ends = lower.ends_with("wrote:") || lower.ends_with("написа:");
    starts && ends && joined.len() < 300
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_thirteen_unambiguous_characters_and_reads_back() {
        let t = new_token();
        assert_eq!(t.len(), TOKEN_CHARS);
        assert_eq!(normalise(&t), Some(t.clone()));
        assert_ne!(t, new_token());
        let subject = tagged_subject("Отговор по преписка № 2026-000001", &t);
        assert_eq!(subject_tags(&format!("RE: {subject}")), vec![t.clone()]);
        assert_eq!(tagged_subject(&subject, &t), subject);
        assert_eq!(
            reference_token(&reference(&t, "haskovo.bg")),
            Some(t.clone())
        );
        assert_eq!(normalise(&t.to_lowercase()), Some(t));
    }

    #[test]
    fn look_alikes_are_read_as_digits_and_strangers_refused() {
        assert_eq!(normalise("oil0000000000").as_deref(), Some("0110000000000"));
        assert_eq!(normalise("U000000000000"), None);
        assert_eq!(normalise("123"), None);
        assert_eq!(reference_token("<receipt.abc@haskovo.bg>"), None);
        assert_eq!(
            subject_tags("Дупка [спешно] [P-XYZ]"),
            vec!["XYZ".to_owned()]
        );
    }

    #[test]
    fn outlook_quoted_history_is_cut() {
        let text = "Прилагам скицата.\n\nПоздрави,\nИван\n\n\
                    ________________________________\n\
                    От: Община Хасково <priemna@haskovo.bg>\n\
                    Изпратено: 2 март 2026 г. 10:00\n\
                    Относно: Искане за допълнителна информация\n\n\
                    Моля, изпратете скица.";
        assert_eq!(trim_quoted(text), "Прилагам скицата.\n\nПоздрави,\nИван");
        let text = "Yes, here it is.\n\n-----Original Message-----\nFrom: x\nSent: y\n\nold";
        assert_eq!(trim_quoted(text), "Yes, here it is.");
        let text = "Да.\n\nOn Mon, 2 Mar 2026 at 10:00, Община Хасково\n<priemna@haskovo.bg> wrote:\n> Моля\n";
        assert_eq!(trim_quoted(text), "Да.");
        let text = "From: me\nSubject: no block here\n\nbody";
        assert_eq!(trim_quoted(text), text);
        assert_eq!(trim_quoted("> only quoted"), "> only quoted");
    }
}
