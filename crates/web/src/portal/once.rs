//! One-time form tokens: every portal form that creates something (a submission, a booking, a
//! survey) carries a token made when the form is rendered. What the token created is stored with
//! the creation, in its transaction (`form_results`, migration 0015), and the answer is a 303
//! redirect to a page that shows it (POST/redirect/GET). The same form sent again — a reload, the
//! Back button, a double click, a phone retrying on a flaky connection — finds the token used and
//! is sent to the first result; nothing is created twice.
//!
//! The result page's address carries a second token, the receipt token, derived one way from the
//! form's token (so the form sent again finds the same page) and never stored (only its hash).
//! The code the page shows — the tracking code, the booking's confirmation code — is kept XOR-ed
//! with a pad derived from the receipt token (HKDF-SHA256), so the database alone cannot read it, and only for
//! `CODE_SHOWN` (30 minutes): a receipt address left in a browser's history, or in a log, opens
//! the receipt without the code (and without the person's details) afterwards, and nothing at
//! all after `RESULT_KEPT`.

use crate::state::AppState;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::{SignedDuration, Timestamp};
use maud::{Markup, html};
use priemna_store::{FormOnce, FormResult};
use rand::Rng;
use sha2::{Digest, Sha256};

/// How long a result page shows the code (and the person's details).
pub const CODE_SHOWN: SignedDuration = SignedDuration::from_mins(30);
/// How long the same form sent again finds its first result, and the result page opens.
pub const RESULT_KEPT: SignedDuration = SignedDuration::from_hours(24);
/// How long files of a form that came back with errors are kept.
pub const UPLOADS_KEPT: SignedDuration = SignedDuration::from_hours(2);

/// The caching of a page that renders a fresh form (no personal data in it): kept in the
/// browser's history, so that Back shows the same form with the same token, but checked with the
/// server before any other use and never stored by a shared cache.
pub const FORM_CACHE: &str = "private, no-cache";

/// The most of what goes with a code (the subject, the files' names) that a receipt keeps sealed.
const MAX_EXTRA_BYTES: usize = 4096;

/// The name of the hidden field.
pub const FIELD: &str = "form_token";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh token for a form being rendered: 128 random bits.
pub fn new_token() -> String {
    let bytes: [u8; 16] = rand::rng().random();
    hex(&bytes)
}

/// A token as it came back with a form, if it is one of ours in shape.
pub fn parse(value: &str) -> Option<String> {
    let value = value.trim();
    (value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| value.to_ascii_lowercase())
}

/// What the database keeps of a token.
pub fn hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// The result page's token for a form's token (one way: the page's address does not give the
/// form's token away).
pub fn receipt_token(form_token: &str) -> String {
    let mut digest = Sha256::new();
    digest.update(b"priemna receipt token\0");
    digest.update(form_token.as_bytes());
    hex(&digest.finalize()[..16])
}

/// `len` bytes of pad derived from the receipt token with HKDF-SHA256 (each receipt token seals
/// one code only, so the pad is never used twice). At most 255 × 32 bytes: the code and its few
/// words of context are far shorter; anything longer is not sealed (an empty pad).
fn pad(receipt_token: &str, len: usize) -> Vec<u8> {
    let kdf = hkdf::Hkdf::<Sha256>::new(Some(b"priemna receipt pad"), receipt_token.as_bytes());
    let mut out = vec![0u8; len];
    match kdf.expand(b"sealed code", &mut out) {
        Ok(()) => out,
        Err(_) => Vec::new(),
    }
}

/// What to store with the creation for the form with `token`; `extra` is shown with the code.
pub fn form_once(token: &str, extra: Option<String>, now: Timestamp) -> FormOnce {
    let receipt = receipt_token(token);
    // Well within what one pad can seal (HKDF gives at most 8 160 bytes).
    let extra = extra.map(|mut e| {
        let mut cut = e.len().min(MAX_EXTRA_BYTES);
        while !e.is_char_boundary(cut) {
            cut -= 1;
        }
        e.truncate(cut);
        e
    });
    let len = 64 + extra.as_ref().map_or(0, |e| e.len() + 1);
    FormOnce {
        token_hash: hash(token),
        receipt_hash: hash(&receipt),
        pad: pad(&receipt, len),
        extra,
        secret_until: now.saturating_add(CODE_SHOWN).unwrap_or(now),
        expires_at: now.saturating_add(RESULT_KEPT).unwrap_or(now),
    }
}

/// A result page's record, as its address finds it.
pub struct Found {
    /// A registration number, or a booking's id.
    pub result: String,
    /// The code and what goes with it, while they are shown.
    pub secret: Option<(String, Option<String>)>,
    pub created_at: Timestamp,
}

/// The record behind a result page's token, if it is of `purpose` and not expired.
pub async fn find(
    app: &AppState,
    receipt_token: &str,
    purpose: &str,
) -> Result<Option<Found>, priemna_store::StoreError> {
    let Some(receipt_token) = parse(receipt_token) else {
        return Ok(None);
    };
    let now = app.clock.now();
    let Some(found) = app
        .store
        .form_result_by_receipt(&hash(&receipt_token))
        .await?
    else {
        return Ok(None);
    };
    if found.purpose != purpose || found.expires_at <= now {
        return Ok(None);
    }
    Ok(Some(Found {
        secret: unseal(&receipt_token, &found, now),
        result: found.result,
        created_at: found.created_at,
    }))
}

fn unseal(
    receipt_token: &str,
    found: &FormResult,
    now: Timestamp,
) -> Option<(String, Option<String>)> {
    let sealed = found.secret.as_ref()?;
    if found.secret_until.is_none_or(|until| until <= now) {
        return None;
    }
    let plain: Vec<u8> = sealed
        .iter()
        .zip(pad(receipt_token, sealed.len()))
        .map(|(s, k)| s ^ k)
        .collect();
    let plain = String::from_utf8(plain).ok()?;
    Some(match plain.split_once('\n') {
        Some((code, extra)) => (code.to_owned(), Some(extra.to_owned())),
        None => (plain, None),
    })
}

/// The form with this token already created something: where its result page is.
pub async fn already(
    app: &AppState,
    token: &str,
    purpose: &str,
    path: &str,
) -> Result<Option<String>, priemna_store::StoreError> {
    let Some(found) = app.store.form_result(&hash(token)).await? else {
        return Ok(None);
    };
    if found.purpose != purpose || found.expires_at <= app.clock.now() {
        return Ok(None);
    }
    Ok(Some(format!("{path}/{}", receipt_token(token))))
}

/// The 303 to a result page, never cached.
pub fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The hidden field that carries the token.
pub fn hidden(token: &str) -> Markup {
    html! { input type="hidden" name=(FIELD) value=(token); }
}

/// The site's public address: the configured one (as e-mails use), else the one this request
/// came to.
pub fn public_base(app: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &app.notify.public_url {
        return url.clone();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = if crate::auth::is_https(app, headers) {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_code_opens_only_with_its_receipt_token_and_in_time() {
        let now: Timestamp = "2026-03-02T08:00:00Z".parse().unwrap();
        let token = new_token();
        assert_eq!(parse(&token.to_uppercase()), Some(token.clone()));
        assert_eq!(parse("not a token"), None);
        let once = form_once(&token, Some("ivan@example.bg".into()), now);
        let code = "K7QM-3XHD-92TF";
        let plain = format!("{code}\nivan@example.bg");
        let sealed: Vec<u8> = plain.bytes().zip(&once.pad).map(|(p, k)| p ^ k).collect();
        assert!(!sealed.windows(4).any(|w| w == b"K7QM"));
        let found = FormResult {
            purpose: "submission".into(),
            result: "2026-000001".into(),
            secret: Some(sealed),
            secret_until: Some(once.secret_until),
            created_at: now,
            expires_at: once.expires_at,
        };
        let receipt = receipt_token(&token);
        assert_eq!(hash(&receipt), once.receipt_hash);
        assert_eq!(
            unseal(&receipt, &found, now),
            Some((code.to_owned(), Some("ivan@example.bg".to_owned())))
        );
        let other = receipt_token(&new_token());
        assert_ne!(
            unseal(&other, &found, now).map(|s| s.0),
            Some(code.to_owned())
        );
        let later = now.saturating_add(CODE_SHOWN).unwrap();
        assert_eq!(unseal(&receipt, &found, later), None);
    }
}
