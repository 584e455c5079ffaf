//! The attack on the demo, replayed: each High and Medium finding of the December 2026 review
//! (`docs/security.md`) as the request that showed it, sent to the real server (with the real
//! SMTP server where mail is involved), and now refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../helpers/mod.rs"]
mod helpers;
#[path = "../mailsink/mod.rs"]
mod mailsink;

/// Accounts: designation with a second administrator, lock-out, passwords, sign-in.
mod accounts;
/// The public doors: rate limits behind a proxy, bookings, headers.
mod doors;
/// Reminders, letters, attachments and public topics: personal data only to those who may see it.
mod exposure;
/// Mail: a message that cannot be built never stops the outbox; the receipt e-mail.
mod mail;
