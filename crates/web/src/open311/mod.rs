//! Open311 GeoReport v2 under `/open311/v2/`, in XML (the mandatory format) and JSON: the
//! service list and definitions, posting requests (form-encoded, with an API key), reading them
//! back, batch clients' tokens, the discovery document, and the widely used extensions
//! (`page`/`page_size`, `extensions=true`, FixMyStreet's `servicerequestupdates`).
//!
//! A posted request is a normal submission: it goes through `intake::register_with`, with the
//! same checks, rules, numbering and deadlines as every other channel. What Open311 shows of a
//! case never includes the submitter, and the text and place of the charter's private kinds
//! (complaints, applications, …) are withheld; see `requests`.

pub mod demo;
mod doc;
pub mod keys;
mod post;
mod requests;
mod services;
mod status;

pub use doc::{Doc, Format, Node};
pub use status::{fms_status, status_notes};

use crate::AppState;
use crate::extract::Path;
use crate::lang::Lang;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{delete, get};
use priemna_store::StoreError;

/// The Open311 endpoint's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open311Config {
    /// The jurisdiction this endpoint serves (by convention its domain name). Requests naming
    /// another one get 404.
    pub jurisdiction_id: String,
    /// Who to ask about the API (the discovery document's `contact`).
    pub contact: String,
    /// How to get an API key (the discovery document's `key_service`).
    pub key_service: String,
    /// Who handles the requests (`agency_responsible` until a department is assigned).
    pub agency: String,
}

impl Default for Open311Config {
    fn default() -> Self {
        Open311Config {
            jurisdiction_id: "haskovo.bg".into(),
            contact: "Община Хасково, деловодство: пл. „Общински“ 9, 6300 Хасково".into(),
            key_service: "Ключ за публикуване на сигнали се издава от администратор на Приемна \
                          (POST /api/v1/api-keys или priemna api-key add)."
                .into(),
            agency: "Община Хасково".into(),
        }
    }
}

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

/// The format named by a file's extension; anything else is an unknown resource.
fn file_format(file: &str, lang: Lang) -> Result<(String, Format), Open311Error> {
    Format::split(file)
        .map(|(name, format)| (name.to_owned(), format))
        .ok_or_else(|| {
            Open311Error::not_found(say(
                lang,
                "Непознат формат; използвайте .xml или .json.",
                "Unknown format; use .xml or .json.",
            ))
        })
}

/// A resource under `{collection}/{file}`: splits the file into its id and format.
async fn by_file<F, Fut>(
    app: AppState,
    headers: HeaderMap,
    file: String,
    query: Option<String>,
    handler: F,
) -> Response
where
    F: FnOnce(AppState, Lang, String, Params) -> Fut,
    Fut: std::future::Future<Output = Result<(StatusCode, Doc), Open311Error>>,
{
    let lang = Lang::from_headers(&headers);
    match file_format(&file, lang) {
        Ok((id, format)) => {
            let params = Params::from_query(query.as_deref());
            let outcome = match check_jurisdiction(&app, &params, lang) {
                Ok(()) => handler(app, lang, id, params).await,
                Err(e) => Err(e),
            };
            reply(format, outcome)
        }
        // Without a recognisable format, answer in the mandatory one.
        Err(e) => e.respond(Format::Xml),
    }
}

pub fn routes() -> Router<AppState> {
    let mut router = Router::new();
    for (suffix, format) in [
        ("", Format::Xml),
        (".xml", Format::Xml),
        (".json", Format::Json),
    ] {
        router = router
            .route(
                &format!("/open311/discovery{suffix}"),
                get(move |s, h, q| services::discovery(s, h, q, format)),
            )
            .route(
                &format!("/open311/v2/discovery{suffix}"),
                get(move |s, h, q| services::discovery(s, h, q, format)),
            )
            .route(
                &format!("/open311/v2/services{suffix}"),
                get(move |s, h, q| services::list(s, h, q, format)),
            )
            .route(
                &format!("/open311/v2/requests{suffix}"),
                get(move |s, h, q| requests::list(s, h, q, format))
                    .post(move |s, h, q, b| post::create(s, h, q, b, format)),
            )
            .route(
                &format!("/open311/v2/servicerequestupdates{suffix}"),
                get(move |s, h, q| requests::updates(s, h, q, format)),
            );
    }
    router
        .route(
            "/open311/v2/services/{file}",
            get(
                |State(app): State<AppState>,
                 headers: HeaderMap,
                 Path(file): Path<String>,
                 RawQuery(query): RawQuery| async move {
                    by_file(app, headers, file, query, services::definition).await
                },
            ),
        )
        .route(
            "/open311/v2/requests/{file}",
            get(
                |State(app): State<AppState>,
                 headers: HeaderMap,
                 Path(file): Path<String>,
                 RawQuery(query): RawQuery| async move {
                    by_file(app, headers, file, query, requests::one).await
                },
            ),
        )
        .route(
            "/open311/v2/tokens/{file}",
            get(
                |State(app): State<AppState>,
                 headers: HeaderMap,
                 Path(file): Path<String>,
                 RawQuery(query): RawQuery| async move {
                    by_file(app, headers, file, query, requests::token).await
                },
            ),
        )
        .route("/api/v1/api-keys", get(keys::list).post(keys::create))
        .route("/api/v1/api-keys/{id}", delete(keys::revoke))
}
