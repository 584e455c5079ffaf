//! The user's language: Bulgarian unless the client prefers English.

use axum::http::HeaderMap;
use axum::http::header::ACCEPT_LANGUAGE;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Bg,
    En,
}

impl Lang {
    /// Reads `Accept-Language`; the first of `bg` / `en` named wins, Bulgarian by default.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        let Some(value) = headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()) else {
            return Lang::Bg;
        };
        for range in value.split(',') {
            let tag = range
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if tag.starts_with("bg") {
                return Lang::Bg;
            }
            if tag.starts_with("en") {
                return Lang::En;
            }
        }
        Lang::Bg
    }

    pub fn pick<'a>(self, bg: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Bg => bg,
            Lang::En => en,
        }
    }
}
