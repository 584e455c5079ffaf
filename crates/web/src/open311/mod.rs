//! Open311 GeoReport v2 under `/open311/v2/`, in XML (the mandatory format) and JSON: the
//! service list and definitions, posting requests (form-encoded, with an API key), reading them
//! back, batch clients' tokens, the discovery document, and the widely used extensions
//! (`page`/`page_size`, `extensions=true`, FixMyStreet's `servicerequestupdates`).
//!
//! A posted request is a normal submission: it goes through `intake::register_with`, with the
//! same checks, rules, numbering and deadlines as every other channel. What Open311 shows of a
//! case never includes the submitter, and the text and place of the charter's private kinds
//! (complaints, applications, …) are withheld; see `requests`.

mod common;
pub(crate) mod config;
pub mod demo;
mod doc;
pub mod keys;
mod post;
mod requests;
mod services;
mod status;

pub use common::{
    CHANGESET, MAX_PAGE_SIZE, MAX_SPAN_DAYS, Open311Error, Params, Problem, check_jurisdiction,
    reply, say,
};
pub use doc::{Doc, Format, Node};
pub use status::{fms_status, status_notes};

use crate::extract::Path;
use crate::lang::Lang;
use crate::state::AppState;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{delete, get};
pub use config::Open311Config;

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
