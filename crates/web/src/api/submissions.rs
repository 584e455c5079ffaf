//! Intake and tracking of submissions.

use super::openapi::{
    self, ChannelItem, CitizenAnswer, CitizenCase, CitizenExport, DecisionBody, HistoryEvent,
    KindItem, Label, SubmitterData, Warning,
};
use crate::error::ApiError;
use crate::extract::Path;
use crate::json::{merge_errors, parse_object, raw_submission};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use priemna_app::intake::{self, IntakeError, Receipt};
use priemna_app::staff::Staff;
use priemna_domain::access::{self, Permission};
use priemna_domain::clock::local_date;
use priemna_domain::clock::local_time;
use priemna_domain::submission::{FieldError, Problem, RawSubmission, validate};
use priemna_domain::{Channel, Kind, RegistrationNumber};
use priemna_store::{CitizenView, StoredDecision};
use std::collections::HashMap;

/// Who puts this submission in the register: the citizen on an online channel; on paper, the
/// phone, a signal box, a visit or the post, only a member of staff whose role registers
/// submissions (the registry clerk) — a citizen's claim to such a channel would change the
/// deadline and the receipt the law gives.
fn entered_by(raw: &RawSubmission, staff: Option<&Staff>) -> Result<String, ApiError> {
    let Some(channel) = raw.channel.as_deref().and_then(Channel::parse) else {
        // A missing or unknown channel is validation's to name.
        return Ok("citizen".to_owned());
    };
    let registrar = staff.filter(|s| {
        access::reach(s.user.role, Permission::RegisterSubmission) != access::Reach::Never
    });
    match registrar {
        Some(staff) => Ok(format!("clerk:{}", staff.user.username)),
        None if channel.is_online() => Ok("citizen".to_owned()),
        None => Err(ApiError::StaffOnly(vec![FieldError::new(
            "channel",
            Problem::StaffOnlyChannel,
        )])),
    }
}

/// `POST /api/v1/submissions`: registers a submission and returns the citizen's receipt.
#[utoipa::path(
    post,
    path = "/api/v1/submissions",
    operation_id = "register_submission",
    tag = "citizens",
    request_body(content = super::openapi::SubmissionRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "Registered: the receipt, with the tracking code shown this once", body = super::openapi::Receipt,
            headers(("Location" = String, description = "Where to track the case (with the tracking code)")),
            links(("track" = (
                operation_id = "track",
                parameters(("number" = "$response.body#/number"), ("tracking_code" = "$response.body#/tracking_code")),
                description = "Follow the case with its tracking code"
            )))),
        (status = 403, response = super::openapi::Forbidden),
        (status = 429, response = super::openapi::TooManyRequests),
        (status = 503, response = super::openapi::Unavailable),
        super::openapi::JsonBody,
    )
)]
pub async fn create(
    State(app): State<AppState>,
    staff: Result<Staff, ApiError>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let object = parse_object(&headers, body)?;
    let parsed = raw_submission(&object);
    if !parsed.type_errors.is_empty() {
        // Report the type errors together with whatever else is wrong.
        let today = local_date(app.clock.now());
        let more = validate(&parsed.raw, today).err().unwrap_or_default();
        return Err(ApiError::Validation(merge_errors(parsed.type_errors, more)));
    }
    let entered_by = entered_by(&parsed.raw, staff.ok().as_ref())?;
    let Receipt {
        kind,
        channel,
        registered,
        assessment,
    } = intake::register(&app, &parsed.raw, app.clock.now(), &entered_by)
        .await
        .map_err(|e| match e {
            IntakeError::Invalid(errors) => ApiError::Validation(errors),
            IntakeError::Store(e) => ApiError::Store(e),
        })?;
    let number = registered.number.to_string();
    let stored: Vec<StoredDecision> = assessment
        .decisions
        .iter()
        .map(StoredDecision::from)
        .collect();
    let receipt = openapi::Receipt {
        track_url: format!("/api/v1/submissions/{number}"),
        number: number.clone(),
        tracking_code: registered.tracking_code,
        received_at: local_time(registered.received_at),
        received_date: local_date(registered.received_at).to_string(),
        kind: kind.as_str().to_owned(),
        channel: channel.as_str().to_owned(),
        status: registered.status.as_str().to_owned(),
        status_label: Label::of(registered.status.label_bg(), registered.status.label_en()),
        considered: assessment.considered,
        deadline_rule: assessment.deadline_rule.map(|r| r.as_str().to_owned()),
        answer_due: assessment.answer_due.map(|d| d.to_string()),
        acknowledge_due: assessment.acknowledge_due.map(|d| d.to_string()),
        decisions: stored.iter().map(DecisionBody::from).collect(),
        warnings: parsed
            .unknown_fields
            .iter()
            .map(|f| Warning {
                field: f.to_string(),
                message: "непознато поле; пренебрегнато".to_owned(),
                message_en: "unknown field; ignored".to_owned(),
            })
            .collect(),
    };
    let mut response_headers = HeaderMap::new();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/submissions/{number}")) {
        response_headers.insert(header::LOCATION, location);
    }
    Ok((StatusCode::CREATED, response_headers, Json(receipt)))
}

impl From<CitizenView> for CitizenCase {
    fn from(view: CitizenView) -> Self {
        CitizenCase {
            number: view.number.to_string(),
            kind: view.kind.as_str().to_owned(),
            kind_label: Label::of(view.kind.label_bg(), view.kind.label_en()),
            channel: view.channel.as_str().to_owned(),
            channel_label: Label::of(view.channel.label_bg(), view.channel.label_en()),
            subject: view.subject,
            body: view.body,
            address: view.address,
            anonymous: view.anonymous,
            received_at: local_time(view.received_at),
            received_date: local_date(view.received_at).to_string(),
            status: view.status.as_str().to_owned(),
            status_label: Label::of(view.status.label_bg(), view.status.label_en()),
            open: view.status.is_open(),
            considered: view.considered,
            deadline_rule: view.deadline_rule,
            answer_due: view.answer_due.map(|d| d.to_string()),
            acknowledge_due: view.acknowledge_due.map(|d| d.to_string()),
            decisions: view.decisions.iter().map(DecisionBody::from).collect(),
            answer: view.answer_text.map(|text| CitizenAnswer {
                text,
                sent_at: view.answered_at.map(local_time),
            }),
            history: view.history.iter().map(HistoryEvent::from).collect(),
        }
    }
}

/// The case behind a number and its tracking code; a wrong code, a missing code and an unknown
/// number are the same 404.
pub(super) async fn citizen_case(
    app: &AppState,
    number: &str,
    query: &HashMap<String, String>,
) -> Result<(RegistrationNumber, CitizenView), ApiError> {
    let number: RegistrationNumber = number.parse().map_err(|_| ApiError::NotFound)?;
    let code = query
        .get("tracking_code")
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .ok_or(ApiError::NotFound)?;
    let view = app
        .store
        .find_for_citizen(number, code)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((number, view))
}

/// `GET /api/v1/submissions/{number}?tracking_code=…`: what the citizen may see. A wrong or
/// missing code and an unknown number get the same 404, so numbers cannot be probed.
#[utoipa::path(
    get,
    path = "/api/v1/submissions/{number}",
    tag = "citizens",
    operation_id = "track",
    params(
        ("number" = String, Path, description = "The registration number, e.g. 2026-000123", pattern = r"^[0-9]{4}-[0-9]{6,}$"),
        ("tracking_code" = String, Query, description = "The tracking code from the receipt"),
    ),
    responses(
        (status = 200, description = "What the citizen may see of the case", body = super::openapi::CitizenCase),
        (status = 404, response = super::openapi::NotFound),
        (status = 503, response = super::openapi::Unavailable),
    )
)]
pub async fn track(
    State(app): State<AppState>,
    Path(number): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<CitizenCase>, ApiError> {
    let (_, view) = citizen_case(&app, &number, &query).await?;
    Ok(Json(CitizenCase::from(view)))
}

/// `GET /api/v1/submissions/{number}/export?tracking_code=…`: everything the municipality
/// holds about the citizen in this case (their right of access under the GDPR), journalled.
#[utoipa::path(
    get,
    path = "/api/v1/submissions/{number}/export",
    tag = "citizens",
    params(
        ("number" = String, Path, description = "The registration number, e.g. 2026-000123", pattern = r"^[0-9]{4}-[0-9]{6,}$"),
        ("tracking_code" = String, Query, description = "The tracking code from the receipt"),
    ),
    responses(
        (status = 200, description = "Everything held about the citizen in this case (journalled)", body = super::openapi::CitizenExport),
        (status = 404, response = super::openapi::NotFound),
        (status = 503, response = super::openapi::Unavailable),
    )
)]
pub async fn export(
    State(app): State<AppState>,
    Path(number): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<CitizenExport>, ApiError> {
    let (number, view) = citizen_case(&app, &number, &query).await?;
    let record = app
        .store
        .case_by_number(number)
        .await?
        .ok_or(ApiError::NotFound)?;
    let now = app.clock.now();
    let personal = app
        .store
        .personal_data(&record, "citizen:export", now)
        .await?;
    Ok(Json(CitizenExport {
        exported_at: local_time(now),
        case: CitizenCase::from(view),
        submitter: personal.map(SubmitterData::from),
        personal_data_erased: record.anonymised,
    }))
}

/// `GET /api/v1/kinds`: the kinds of submission with their labels.
#[utoipa::path(
    get,
    path = "/api/v1/kinds",
    tag = "citizens",
    responses((status = 200, description = "The kinds of submission", body = Vec<super::openapi::KindItem>))
)]
pub async fn kinds() -> Json<Vec<KindItem>> {
    Json(
        Kind::ALL
            .iter()
            .map(|k| KindItem {
                kind: k.as_str().to_owned(),
                label: k.label_bg().to_owned(),
                label_en: k.label_en().to_owned(),
            })
            .collect(),
    )
}

/// `GET /api/v1/channels`: the channels with their labels.
#[utoipa::path(
    get,
    path = "/api/v1/channels",
    tag = "citizens",
    responses((status = 200, description = "The channels", body = Vec<super::openapi::ChannelItem>))
)]
pub async fn channels() -> Json<Vec<ChannelItem>> {
    Json(
        Channel::ALL
            .iter()
            .map(|c| ChannelItem {
                channel: c.as_str().to_owned(),
                label: c.label_bg().to_owned(),
                label_en: c.label_en().to_owned(),
                written: c.is_written(),
            })
            .collect(),
    )
}
