//! What every Open311 answer shares: the limits of a listing, the spec's error list, the
//! parameters as sent, the jurisdiction check and the reply in the format asked for.

use super::doc::{Doc, Format, Node};
use crate::lang::Lang;
use crate::state::AppState;
use axum::http::StatusCode;
use axum::response::Response;
use priemna_store::StoreError;

/// When the service catalogue last changed (the discovery document's `changeset`).
pub const CHANGESET: &str = "2026-11-25T00:00:00Z";

/// The most requests one answer holds (the spec's default window is 90 days or 1000 requests).
pub const MAX_PAGE_SIZE: u32 = 1000;

/// The longest span `start_date`…`end_date` may cover, in days.
pub const MAX_SPAN_DAYS: i64 = 90;

/// One problem in the spec's error list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub code: u16,
    pub description: String,
}

/// What went wrong, as the spec's list of `{code, description}` with one HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open311Error {
    pub status: StatusCode,
    pub problems: Vec<Problem>,
}

impl Open311Error {
    fn one(status: StatusCode, description: String) -> Self {
        Open311Error {
            status,
            problems: vec![Problem {
                code: status.as_u16(),
                description,
            }],
        }
    }

    pub fn not_found(description: String) -> Self {
        Open311Error::one(StatusCode::NOT_FOUND, description)
    }

    pub fn forbidden(description: String) -> Self {
        Open311Error::one(StatusCode::FORBIDDEN, description)
    }

    /// 400 with every problem found.
    pub fn bad_request(descriptions: Vec<String>) -> Self {
        Open311Error {
            status: StatusCode::BAD_REQUEST,
            problems: descriptions
                .into_iter()
                .map(|description| Problem {
                    code: 400,
                    description,
                })
                .collect(),
        }
    }

    pub fn store(e: StoreError, lang: Lang) -> Self {
        tracing::error!(error = %e, "store error (Open311)");
        Open311Error::one(
            StatusCode::SERVICE_UNAVAILABLE,
            lang.pick(
                "Регистърът временно не е достъпен; нищо не е записано. Опитайте отново.",
                "The register is temporarily unavailable; nothing was saved. Please try again.",
            )
            .to_owned(),
        )
    }

    pub fn doc(&self) -> Doc {
        Doc::list(
            "errors",
            "error",
            self.problems
                .iter()
                .map(|p| {
                    Node::Object(vec![
                        ("code", Node::Int(i64::from(p.code))),
                        ("description", Node::text(p.description.clone())),
                    ])
                })
                .collect(),
        )
    }

    pub fn respond(&self, format: Format) -> Response {
        self.doc().respond(format, self.status)
    }
}

/// A request's parameters (query string and, for POST, the form body), in order.
#[derive(Debug, Clone, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn parse(encoded: &[u8]) -> Params {
        Params(
            form_urlencoded::parse(encoded)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    pub fn from_pairs(pairs: &[(&str, &str)]) -> Params {
        Params(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    pub fn from_query(query: Option<&str>) -> Params {
        Params::parse(query.unwrap_or("").as_bytes())
    }

    /// Appends `other`'s parameters (the form body after the query string).
    pub fn extend(&mut self, other: Params) {
        self.0.extend(other.0);
    }

    /// The last non-empty value of `name`, trimmed (an empty value counts as absent).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .find(|v| !v.is_empty())
    }

    /// Every value of `name`, each split at commas, trimmed, empty ones dropped.
    pub fn list(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    }

    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }
}

/// Bulgarian or English, as the client's `Accept-Language` asks (Bulgarian by default).
pub fn say(lang: Lang, bg: &str, en: &str) -> String {
    lang.pick(bg, en).to_owned()
}

/// A `jurisdiction_id` other than ours is an unknown resource.
pub fn check_jurisdiction(app: &AppState, params: &Params, lang: Lang) -> Result<(), Open311Error> {
    match params.get("jurisdiction_id") {
        Some(j) if !j.eq_ignore_ascii_case(&app.open311.jurisdiction_id) => {
            Err(Open311Error::not_found(match lang {
                Lang::Bg => format!(
                    "jurisdiction_id: непозната юрисдикция „{j}“; тази точка обслужва „{}“.",
                    app.open311.jurisdiction_id
                ),
                Lang::En => format!(
                    "jurisdiction_id: unknown jurisdiction \"{j}\"; this endpoint serves \"{}\".",
                    app.open311.jurisdiction_id
                ),
            }))
        }
        _ => Ok(()),
    }
}

/// Turns a handler's outcome into the response in the asked format.
pub fn reply(format: Format, outcome: Result<(StatusCode, Doc), Open311Error>) -> Response {
    match outcome {
        Ok((status, doc)) => doc.respond(format, status),
        Err(e) => e.respond(format),
    }
}
