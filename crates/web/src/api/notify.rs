//! The outbox and the letters over HTTP.
//!
//! - `GET /api/v1/outbox` (auditors, administrators): every message with its state, attempts,
//!   next attempt and last error — recipients masked, no bodies — and this server's outbox
//!   worker (running or restarting, restarts, last message sent, queue, last error).
//! - `POST /api/v1/outbox/{id}/retry` (administrators): a failed message back in the queue.
//! - `GET /api/v1/cases/{number}/documents`, `…/documents/{id}`: the letters kept with a case.
//! - `GET /api/v1/cases/{number}/receipt.pdf`: the printable receipt (without the code).
//! - `POST /api/v1/cases/{number}/letters/preview`: an answer or delay notice rendered before
//!   it is sent (`{"kind": "answer", "text"}` or `{"kind": "delay_notice", "reason", "new_due"}`).
//! - `GET /api/v1/letters/signatory`: who signs outgoing letters (set on `/staff/admin`).
//! - `GET /api/v1/submissions/{number}/answer.pdf?tracking_code=…`: the citizen's answer.
//!
//! Letters are addressed to the submitter by name and address, and a citizen's files may show
//! anything about them: both are personal data. A member of staff who may view the case but not
//! its submitter's personal data (`ViewPersonalData`; for a whistleblower's report
//! `ViewSealedIdentity`) — the auditor — sees the list of letters without links, and a download
//! is refused with the reason ([`check_personal_data`]).

use super::openapi::{
    DocumentBody, DocumentList, LetterPreviewRequest, LetterSignatoryBody, OutboxCounts,
    OutboxMessage, OutboxPage, OutboxWorker, Requeued,
};
use crate::error::ApiError;
use crate::extract::Path;
use crate::json::typed_body;
use crate::pdf::pdf_response;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use jiff::civil::Date;
use priemna_app::cases::load_visible;
use priemna_app::notify::{compose, mask_address, redact};
use priemna_app::refusals::check_personal_data;
use priemna_app::staff::Staff;
use priemna_domain::RegistrationNumber;
use priemna_domain::access::{self, Permission};
use priemna_domain::clock::local_time;
use priemna_domain::submission::{FieldError, Problem};
use priemna_store::{DocumentKind, OutboxEntry, OutboxFilter, OutboxState, StoredDocument};
use serde_json::json;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/outbox", get(outbox))
        .route("/api/v1/outbox/{id}/retry", post(retry))
        .route("/api/v1/cases/{number}/documents", get(documents))
        .route("/api/v1/cases/{number}/documents/{id}", get(document))
        .route("/api/v1/cases/{number}/receipt.pdf", get(receipt))
        .route("/api/v1/cases/{number}/letters/preview", post(preview))
        .route("/api/v1/letters/signatory", get(signatory))
        .route(
            "/api/v1/submissions/{number}/answer.pdf",
            get(citizen_answer),
        )
}

/// `GET /api/v1/outbox?state=…&number=…&page=…`.
#[utoipa::path(
    get,
    path = "/api/v1/outbox",
    tag = "administration",
    security(("bearer" = [])),
    params(
        ("state" = Option<String>, Query, pattern = "^(queued|sending|sent|failed)?$", description = "`queued`, `sending`, `sent` or `failed` (empty: every state)"),
        ("number" = Option<String>, Query, description = "Only the messages of this case"),
        ("page" = Option<i64>, Query, minimum = 1, maximum = 4294967295_i64, description = "200 messages a page"),
    ),
    responses(
        (status = 200, description = "The e-mail outbox (recipients masked, no bodies)", body = super::openapi::OutboxPage),
        (status = 400, response = super::openapi::BadRequest),
        (status = 404, response = super::openapi::NotFound),
        super::openapi::SignedIn,
    )
)]
async fn outbox(
    State(app): State<AppState>,
    staff: Staff,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<OutboxPage>, ApiError> {
    access::check(&staff.user.actor(), Permission::ViewJournal, None)?;
    let mut filter = OutboxFilter {
        limit: 200,
        ..OutboxFilter::default()
    };
    if let Some(state) = query
        .get("state")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        let Some(state) = OutboxState::parse(state) else {
            return Err(ApiError::BadRequest(vec![FieldError::new(
                "state",
                Problem::UnknownValue {
                    allowed: OutboxState::ALL.iter().map(|s| s.as_str()).collect(),
                },
            )]));
        };
        filter.state = Some(state);
    }
    if let Some(number) = query
        .get("number")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        let number: RegistrationNumber = number.parse().map_err(|_| ApiError::NotFound)?;
        let case = app
            .store
            .case_by_number(number)
            .await?
            .ok_or(ApiError::NotFound)?;
        filter.submission_id = Some(case.id);
    }
    if let Some(page) = query.get("page") {
        let page: u32 = page.parse().ok().filter(|p| *p >= 1).ok_or_else(|| {
            ApiError::BadRequest(vec![FieldError::new(
                "page",
                Problem::WrongType { expected: "number" },
            )])
        })?;
        filter.offset = (page - 1).saturating_mul(filter.limit);
    }
    let entries = app.store.outbox(&filter).await?;
    let counts = app.store.outbox_counts().await?;
    let count = |state: OutboxState| {
        counts
            .iter()
            .find(|(s, _)| *s == state)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };
    let worker = app.notify.health.snapshot();
    Ok(Json(OutboxPage {
        smtp_configured: app.notify.smtp_configured,
        worker: OutboxWorker {
            state: worker.state.as_str().to_owned(),
            running_since: worker.running_since.map(local_time),
            last_sent_at: worker.last_sent_at.map(local_time),
            restarts: worker.restarts,
            queue_length: worker.queue_length,
            last_error: worker.last_error,
            last_error_at: worker.last_error_at.map(local_time),
        },
        counts: OutboxCounts {
            queued: count(OutboxState::Queued),
            sending: count(OutboxState::Sending),
            sent: count(OutboxState::Sent),
            failed: count(OutboxState::Failed),
        },
        messages: entries.iter().map(OutboxMessage::from).collect(),
    }))
}

impl From<&OutboxEntry> for OutboxMessage {
    fn from(e: &OutboxEntry) -> Self {
        OutboxMessage {
            id: e.id,
            message_id: e.message_id.clone(),
            kind: e.kind,
            number: e.number.map(|n| n.to_string()),
            recipient: if e.sealed {
                "(запечатано)".to_owned()
            } else {
                mask_address(&e.recipient)
            },
            subject: e.subject.clone(),
            state: e.state,
            attempts: e.attempts,
            next_attempt_at: e.next_attempt_at.map(local_time),
            last_error: e.last_error.as_deref().map(redact),
            created_at: local_time(e.created_at),
            sent_at: e.sent_at.map(local_time),
            has_attachment: e.has_attachment,
        }
    }
}

/// `POST /api/v1/outbox/{id}/retry`.
#[utoipa::path(
    post,
    path = "/api/v1/outbox/{id}/retry",
    tag = "administration",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "Back in the queue", body = super::openapi::Requeued),
        (status = 400, response = super::openapi::BadRequest),
        (status = 409, response = super::openapi::Conflict),
        super::openapi::SignedIn,
    )
)]
async fn retry(
    State(app): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Json<Requeued>, ApiError> {
    access::check(&staff.user.actor(), Permission::ManageUsers, None)?;
    let requeued = app
        .store
        .outbox_requeue(id, app.clock.now(), &staff.actor_label())
        .await?;
    if !requeued {
        return Err(ApiError::Conflict {
            reason_bg: "Само неуспешно изпратени съобщения могат да бъдат върнати в опашката."
                .into(),
            reason_en: "Only failed messages can be put back in the queue.".into(),
        });
    }
    app.notify.wake();
    Ok(Json(Requeued {
        id,
        state: OutboxState::Queued,
    }))
}

impl DocumentBody {
    /// A letter in the list; its `url` only for those who may read it.
    fn of(number: RegistrationNumber, d: &StoredDocument, readable: bool) -> Self {
        DocumentBody {
            id: d.id,
            kind: d.kind,
            outgoing_number: d.outgoing_number.clone(),
            filename: d.filename.clone(),
            content_type: d.content_type.clone(),
            size: d.size,
            sha256: d.sha256.clone(),
            created_at: local_time(d.created_at),
            readable,
            url: readable.then(|| format!("/api/v1/cases/{number}/documents/{}", d.id)),
        }
    }
}

/// `GET /api/v1/cases/{number}/documents`.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{number}/documents",
    tag = "staff",
    security(("bearer" = [])),
    params(("number" = String, Path, description = "The registration number, e.g. 2026-000123", pattern = r"^[0-9]{4}-[0-9]{6,}$")),
    responses(
        (status = 200, description = "The letters kept with the case (links only for those who may read the submitter's personal data)", body = super::openapi::DocumentList),
        (status = 404, response = super::openapi::NotFound),
        super::openapi::SignedIn,
    )
)]
async fn documents(
    State(app): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
) -> Result<Json<DocumentList>, ApiError> {
    let case = load_visible(&app, &staff, &number).await?;
    let readable = check_personal_data(&staff, &case).is_ok();
    let list = app.store.documents(case.id).await?;
    Ok(Json(DocumentList {
        number: case.number.to_string(),
        documents: list
            .iter()
            .map(|d| DocumentBody::of(case.number, d, readable))
            .collect(),
    }))
}

/// `GET /api/v1/cases/{number}/documents/{id}` (journalled: letters carry personal data).
#[utoipa::path(
    get,
    path = "/api/v1/cases/{number}/documents/{id}",
    tag = "staff",
    security(("bearer" = [])),
    params(("number" = String, Path, description = "The registration number, e.g. 2026-000123", pattern = r"^[0-9]{4}-[0-9]{6,}$"), ("id" = i64, Path)),
    responses(
        (status = 200, description = "The letter as sent (the reading is journalled)", content_type = "application/pdf", body = super::openapi::PdfFile),
        super::openapi::SignedIn,
        super::openapi::ById,
    )
)]
async fn document(
    State(app): State<AppState>,
    staff: Staff,
    Path((number, id)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let case = load_visible(&app, &staff, &number).await?;
    priemna_app::refusals::personal_data(&app, &staff, &case).await?;
    let (doc, content) = app
        .store
        .document_content(id)
        .await?
        .filter(|(d, _)| d.submission_id == case.id)
        .ok_or(ApiError::NotFound)?;
    app.store
        .append_journal(
            app.clock.now(),
            &staff.actor_label(),
            "read_document",
            Some(case.id),
            json!({ "number": case.number.to_string(), "document_id": doc.id, "kind": doc.kind }),
        )
        .await?;
    Ok(pdf_response(&doc.filename, content))
}

/// `GET /api/v1/cases/{number}/receipt.pdf`: the receipt as kept (the code is not stored).
#[utoipa::path(
    get,
    path = "/api/v1/cases/{number}/receipt.pdf",
    tag = "staff",
    security(("bearer" = [])),
    params(("number" = String, Path, description = "The registration number, e.g. 2026-000123", pattern = r"^[0-9]{4}-[0-9]{6,}$")),
    responses(
        (status = 200, description = "The printable receipt (without the tracking code)", content_type = "application/pdf", body = super::openapi::PdfFile),
        (status = 404, response = super::openapi::NotFound),
        super::openapi::SignedIn,
    )
)]
async fn receipt(
    State(app): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
) -> Result<Response, ApiError> {
    let case = load_visible(&app, &staff, &number).await?;
    priemna_app::refusals::personal_data(&app, &staff, &case).await?;
    let pdf = compose::receipt_of_case(&app.notify.letterhead, &case, None)?;
    Ok(pdf_response(&format!("razpiska-{}.pdf", case.number), pdf))
}

/// `POST /api/v1/cases/{number}/letters/preview`: the letter as it would be sent now.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{number}/letters/preview",
    tag = "staff",
    security(("bearer" = [])),
    params(("number" = String, Path, description = "The registration number, e.g. 2026-000123", pattern = r"^[0-9]{4}-[0-9]{6,}$")),
    request_body(content = super::openapi::LetterPreviewRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The letter as it would be sent now", content_type = "application/pdf", body = super::openapi::PdfFile),
        (status = 404, response = super::openapi::NotFound),
        (status = 409, response = super::openapi::Conflict),
        super::openapi::SignedIn,
        super::openapi::JsonBody,
    )
)]
async fn preview(
    State(app): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let request: LetterPreviewRequest = typed_body(&headers, body)?;
    let case = load_visible(&app, &staff, &number).await?;
    // The letter is addressed to the submitter.
    priemna_app::refusals::personal_data(&app, &staff, &case).await?;
    let invalid =
        |field: &str, problem| ApiError::Validation(vec![FieldError::new(field, problem)]);
    let now = app.clock.now();
    let draft_number = format!("{}-(проект)", case.number);
    let pdf = match request.kind.as_str() {
        "answer" => {
            access::check(&staff.user.actor(), Permission::Answer, Some(&case.facts()))?;
            let text = request
                .text
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .ok_or_else(|| invalid("text", Problem::Missing))?;
            compose::answer_letter(&app, &staff, &case, &draft_number, text, now).await?
        }
        "delay_notice" => {
            access::check(
                &staff.user.actor(),
                Permission::RequireInspection,
                Some(&case.facts()),
            )?;
            let reason = request
                .reason
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .ok_or_else(|| invalid("reason", Problem::Missing))?;
            let new_due: Date = request
                .new_due
                .as_deref()
                .ok_or_else(|| invalid("new_due", Problem::Missing))?
                .trim()
                .parse()
                .map_err(|_| invalid("new_due", Problem::InvalidDate))?;
            compose::delay_letter(&app, &staff, &case, &draft_number, reason, new_due, now).await?
        }
        _ => {
            return Err(invalid(
                "kind",
                Problem::UnknownValue {
                    allowed: vec!["answer", "delay_notice"],
                },
            ));
        }
    };
    Ok(pdf_response(
        &format!("proekt-{}-{}.pdf", request.kind, case.number),
        pdf,
    ))
}

/// `GET /api/v1/submissions/{number}/answer.pdf?tracking_code=…`: the written answer, as sent.
/// A wrong code, an unknown number and a case without an answer all get the same 404.
#[utoipa::path(
    get,
    path = "/api/v1/submissions/{number}/answer.pdf",
    tag = "citizens",
    params(
        ("number" = String, Path, description = "The registration number, e.g. 2026-000123", pattern = r"^[0-9]{4}-[0-9]{6,}$"),
        ("tracking_code" = String, Query, description = "The tracking code from the receipt"),
    ),
    responses(
        (status = 200, description = "The written answer, as sent", content_type = "application/pdf", body = super::openapi::PdfFile),
        (status = 404, response = super::openapi::NotFound),
        (status = 503, response = super::openapi::Unavailable),
    )
)]
async fn citizen_answer(
    State(app): State<AppState>,
    Path(number): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let (number, _) = super::submissions::citizen_case(&app, &number, &query).await?;
    let case = app
        .store
        .case_by_number(number)
        .await?
        .ok_or(ApiError::NotFound)?;
    let answer = app
        .store
        .documents(case.id)
        .await?
        .into_iter()
        .rfind(|d| d.kind == DocumentKind::Answer)
        .ok_or(ApiError::NotFound)?;
    let (doc, content) = app
        .store
        .document_content(answer.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if content.is_empty() {
        // Erased after the retention period.
        return Err(ApiError::NotFound);
    }
    Ok(pdf_response(&doc.filename, content))
}

/// `GET /api/v1/letters/signatory` (any member of staff): who signs outgoing letters.
#[utoipa::path(
    get,
    path = "/api/v1/letters/signatory",
    tag = "administration",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Who signs the municipality's outgoing letters", body = super::openapi::LetterSignatoryBody),
        super::openapi::SignedIn,
    )
)]
async fn signatory(
    State(app): State<AppState>,
    _staff: Staff,
) -> Result<Json<LetterSignatoryBody>, ApiError> {
    Ok(Json(match app.store.letter_signatory().await? {
        Some(s) => LetterSignatoryBody {
            set: true,
            name: Some(s.name),
            position: Some(s.position),
            for_mayor: s.for_mayor,
            updated_at: Some(local_time(s.updated_at)),
        },
        None => LetterSignatoryBody {
            set: false,
            name: None,
            position: None,
            for_mayor: false,
            updated_at: None,
        },
    }))
}
