//! The member of staff a request acts for: who they are and how they signed in.

use priemna_store::User;

/// A change sent with a cookie session but without its CSRF token, or with another.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("CSRF token missing or wrong")]
pub struct CsrfRejected;

/// A signed-in member of staff.
#[derive(Debug, Clone)]
pub struct Staff {
    pub user: User,
    pub csrf_token: String,
    pub token_hash: String,
    /// Authenticated by the browser's cookie (so CSRF checks apply).
    pub via_cookie: bool,
    /// This server sends no e-mail (no SMTP server configured): every page says so.
    pub mail_off: bool,
}

impl Staff {
    /// The journal's name for this person.
    pub fn actor_label(&self) -> String {
        format!("user:{}:{}", self.user.id, self.user.username)
    }

    /// Checks a CSRF token sent with a form or header (cookie sessions only).
    pub fn check_csrf(&self, sent: Option<&str>) -> Result<(), CsrfRejected> {
        if !self.via_cookie {
            return Ok(());
        }
        match sent {
            Some(token) if constant_time_eq(token.as_bytes(), self.csrf_token.as_bytes()) => Ok(()),
            _ => Err(CsrfRejected),
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
