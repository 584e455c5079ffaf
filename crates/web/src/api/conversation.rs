//! The conversation on a case over the JSON API: staff read it (internal notes included), ask
//! the citizen for information or write a note; the citizen, with the number and the tracking
//! code, reads it (never a note) and answers or adds information to an open case, with files
//! checked as the portal checks them. The use cases are `priemna_app::conversation`.

use super::openapi::{
    CitizenConversation, CitizenMessage, Conversation, ConversationMessage, Label, MailModeBody,
    MessageFile, NewStaffMessage,
};
use crate::error::ApiError;
use crate::extract::Path;
use crate::json::typed_body;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use priemna_app::AppError;
use priemna_app::conversation::{self, CitizenInput};
use priemna_app::staff::Staff;
use priemna_app::uploads::{self, FileProblem, MAX_FILE_BYTES, MAX_FILES};
use priemna_domain::clock::local_time;
use priemna_domain::submission::{FieldError, Problem};
use priemna_store::{CaseMessage, CaseRecord, Direction, MessageChannel, NewAttachment};
use std::collections::HashMap;

fn term_label(case: &CaseRecord) -> Label {
    let (bg, en) = priemna_domain::conversation::term_note(case.kind);
    Label {
        bg: bg.to_owned(),
        en: en.to_owned(),
    }
}

fn staff_message(m: CaseMessage) -> ConversationMessage {
    ConversationMessage {
        id: m.id,
        direction: m.direction.as_str().to_owned(),
        channel: m.channel.as_str().to_owned(),
        author: m.author_name,
        text: m.text,
        full_text: m.full_text,
        reply_by: m.due_date.map(|d| d.to_string()),
        attachments: m
            .attachments
            .into_iter()
            .map(|a| MessageFile {
                id: a.id,
                filename: a.filename,
                content_type: a.content_type,
                size: a.size,
            })
            .collect(),
        at: local_time(m.created_at),
    }
}

fn citizen_message(m: CaseMessage) -> CitizenMessage {
    CitizenMessage {
        direction: m.direction.as_str().to_owned(),
        channel: m.channel.as_str().to_owned(),
        text: m.text,
        reply_by: m.due_date.map(|d| d.to_string()),
        attachments: m.attachments.into_iter().map(|a| a.filename).collect(),
        at: local_time(m.created_at),
    }
}

/// `GET /api/v1/cases/{number}/messages`: the case's conversation, oldest first, with the
/// internal notes.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{number}/messages",
    tag = "staff",
    security(("bearer" = [])),
    params(("number" = String, Path, description = "The registration number, e.g. 2026-000123", pattern = r"^[0-9]{4}-[0-9]{6,}$")),
    responses(
        (status = 200, description = "The conversation, oldest first", body = Conversation),
        (status = 404, response = super::openapi::NotFound),
        super::openapi::SignedIn,
    )
)]
pub async fn staff_list(
    State(app): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
) -> Result<Json<Conversation>, ApiError> {
    let (case, messages) = conversation::for_staff(&app, &staff, &number).await?;
    let awaiting = conversation::awaiting_since(&app, &case).await?;
    Ok(Json(Conversation {
        number: case.number.to_string(),
        awaiting_since: awaiting.map(|d| d.to_string()),
        answer_due: case.answer_due.map(|d| d.to_string()),
        term: term_label(&case),
        messages: messages.into_iter().map(staff_message).collect(),
    }))
}

/// `POST /api/v1/cases/{number}/messages`: ask the citizen for information, or write an
/// internal note.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{number}/messages",
    tag = "staff",
    security(("bearer" = [])),
    params(("number" = String, Path, description = "The registration number, e.g. 2026-000123", pattern = r"^[0-9]{4}-[0-9]{6,}$")),
    request_body(content = NewStaffMessage, content_type = "application/json"),
    responses(
        (status = 201, description = "Added to the conversation", body = ConversationMessage),
        (status = 404, response = super::openapi::NotFound),
        (status = 409, response = super::openapi::Conflict),
        super::openapi::SignedIn,
        super::openapi::JsonBody,
    )
)]
pub async fn staff_add(
    State(app): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<ConversationMessage>), ApiError> {
    let request: NewStaffMessage = typed_body(&headers, body)?;
    let message = match request.kind.as_str() {
        "request_information" => {
            conversation::ask(
                &app,
                &staff,
                &number,
                &request.text,
                request.reply_by.as_deref(),
            )
            .await?
        }
        "note" => conversation::note(&app, &staff, &number, &request.text).await?,
        _ => {
            return Err(AppError::Validation(vec![FieldError::new(
                "kind",
                Problem::UnknownValue {
                    allowed: vec!["request_information", "note"],
                },
            )])
            .into());
        }
    };
    let mut message = staff_message(message);
    message.author = Some(staff.user.display_name.clone());
    Ok((StatusCode::CREATED, Json(message)))
}

/// The case behind a number and its tracking code (a wrong code and an unknown number are the
/// same 404).
async fn citizen_case(
    app: &AppState,
    number: &str,
    query: &HashMap<String, String>,
) -> Result<CaseRecord, ApiError> {
    let (number, _) = super::submissions::citizen_case(app, number, query).await?;
    app.store
        .case_by_number(number)
        .await?
        .ok_or(ApiError::NotFound)
}

/// `GET /api/v1/submissions/{number}/messages?tracking_code=…`: the conversation as the citizen
/// reads it.
#[utoipa::path(
    get,
    path = "/api/v1/submissions/{number}/messages",
    tag = "citizens",
    params(
        ("number" = String, Path, description = "The registration number, e.g. 2026-000123", pattern = r"^[0-9]{4}-[0-9]{6,}$"),
        ("tracking_code" = String, Query, description = "The tracking code from the receipt"),
    ),
    responses(
        (status = 200, description = "The conversation, oldest first (no internal notes)", body = CitizenConversation),
        (status = 404, response = super::openapi::NotFound),
        (status = 503, response = super::openapi::Unavailable),
    )
)]
pub async fn citizen_list(
    State(app): State<AppState>,
    Path(number): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<CitizenConversation>, ApiError> {
    let case = citizen_case(&app, &number, &query).await?;
    let messages = conversation::for_citizen(&app, &case).await?;
    let awaiting = conversation::awaiting_since(&app, &case).await?;
    Ok(Json(CitizenConversation {
        number: case.number.to_string(),
        open: case.status.is_open(),
        awaiting_information: awaiting.is_some(),
        answer_due: case.answer_due.map(|d| d.to_string()),
        term: term_label(&case),
        messages: messages
            .into_iter()
            .filter(|m| m.direction != Direction::Internal)
            .map(citizen_message)
            .collect(),
    }))
}

/// Files as an API client sends them: each checked as the portal checks it, or every problem
/// named under `attachments`.
pub fn check_files(files: Vec<(String, Vec<u8>)>) -> Result<Vec<NewAttachment>, AppError> {
    let field = |detail: String| {
        AppError::Validation(vec![FieldError::new(
            "attachments",
            Problem::Invalid { detail },
        )])
    };
    if files.len() > MAX_FILES {
        return Err(field(format!("at most {MAX_FILES} files")));
    }
    let mut accepted = Vec::new();
    for (name, data) in files {
        let shown = uploads::clean_name(&name, "");
        match uploads::check_file(&name, data) {
            Ok(a) => accepted.push(a),
            Err(FileProblem::Empty) => return Err(field(format!("“{shown}” is empty"))),
            Err(FileProblem::TooLarge) => {
                return Err(field(format!(
                    "“{shown}” is larger than {} MB",
                    MAX_FILE_BYTES / (1024 * 1024)
                )));
            }
            Err(FileProblem::NotAccepted) => {
                return Err(field(format!(
                    "“{shown}” is not of an accepted type ({})",
                    uploads::ACCEPTED
                )));
            }
            Err(FileProblem::Damaged) => {
                return Err(field(format!("“{shown}” is damaged")));
            }
        }
    }
    Ok(accepted)
}

/// `POST /api/v1/submissions/{number}/messages?tracking_code=…` (multipart: `text`, and up to
/// five `attachments`): the citizen answers a request or adds information to an open case.
#[utoipa::path(
    post,
    path = "/api/v1/submissions/{number}/messages",
    tag = "citizens",
    params(
        ("number" = String, Path, description = "The registration number, e.g. 2026-000123", pattern = r"^[0-9]{4}-[0-9]{6,}$"),
        ("tracking_code" = String, Query, description = "The tracking code from the receipt"),
    ),
    request_body(content = super::openapi::CitizenMessageForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Added to the case", body = CitizenMessage),
        (status = 400, response = super::openapi::BadRequest),
        (status = 404, response = super::openapi::NotFound),
        (status = 409, response = super::openapi::Conflict),
        (status = 413, response = super::openapi::TooLarge),
        (status = 422, response = super::openapi::Unprocessable),
        (status = 503, response = super::openapi::Unavailable),
    )
)]
pub async fn citizen_add(
    State(app): State<AppState>,
    Path(number): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<CitizenMessage>), ApiError> {
    let case = citizen_case(&app, &number, &query).await?;
    let mut multipart = multipart.map_err(|_| {
        ApiError::BadRequest(vec![FieldError::new(
            "text",
            Problem::Invalid {
                detail: "send multipart/form-data with a text field".into(),
            },
        )])
    })?;
    let mut text = String::new();
    let mut files = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                return Err(AppError::Validation(vec![FieldError::new(
                    "attachments",
                    Problem::Invalid {
                        detail: format!(
                            "the form could not be read: at most {MAX_FILES} files of {} MB",
                            MAX_FILE_BYTES / (1024 * 1024)
                        ),
                    },
                )])
                .into());
            }
        };
        let name = field.name().unwrap_or("").to_owned();
        match name.as_str() {
            "attachments" => {
                let filename = field.file_name().unwrap_or("").to_owned();
                let data = field.bytes().await.map_err(|_| ApiError::PayloadTooLarge)?;
                if !(data.is_empty() && filename.is_empty()) {
                    files.push((filename, data.to_vec()));
                }
            }
            "text" => {
                text = field.text().await.map_err(|_| {
                    ApiError::BadRequest(vec![FieldError::new(
                        "text",
                        Problem::WrongType { expected: "string" },
                    )])
                })?;
            }
            _ => {}
        }
    }
    let files = check_files(files)?;
    let message = conversation::from_citizen(
        &app,
        &case,
        CitizenInput {
            text,
            full_text: None,
            files,
            channel: MessageChannel::Portal,
            message_key: None,
            form: None,
            actor: conversation::CITIZEN.to_owned(),
            received_at: None,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(citizen_message(message))))
}

/// `GET /api/v1/auth/mail`: how I get the mail about my cases.
#[utoipa::path(
    get,
    path = "/api/v1/auth/mail",
    tag = "staff",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "My choice", body = MailModeBody),
        super::openapi::SignedIn,
    )
)]
pub async fn mail_mode(
    State(app): State<AppState>,
    staff: Staff,
) -> Result<Json<MailModeBody>, ApiError> {
    let mode = app
        .store
        .mail_mode(staff.user.id)
        .await
        .map_err(AppError::from)?;
    Ok(Json(MailModeBody {
        mode: mode.as_str().to_owned(),
    }))
}

/// `PUT /api/v1/auth/mail`: an e-mail per event, or one a day (journalled).
#[utoipa::path(
    put,
    path = "/api/v1/auth/mail",
    tag = "staff",
    security(("bearer" = [])),
    request_body(content = MailModeBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Recorded", body = MailModeBody),
        super::openapi::SignedIn,
        super::openapi::JsonBody,
    )
)]
pub async fn set_mail_mode(
    State(app): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<MailModeBody>, ApiError> {
    let request: MailModeBody = typed_body(&headers, body)?;
    let mode = priemna_store::MailMode::parse(request.mode.trim()).ok_or_else(|| {
        AppError::Validation(vec![FieldError::new(
            "mode",
            Problem::UnknownValue {
                allowed: vec!["immediate", "digest"],
            },
        )])
    })?;
    app.store
        .set_mail_mode(staff.user.id, mode, app.clock.now(), &staff.actor_label())
        .await
        .map_err(AppError::from)?;
    Ok(Json(MailModeBody {
        mode: mode.as_str().to_owned(),
    }))
}
