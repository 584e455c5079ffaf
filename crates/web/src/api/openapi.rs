//! The native JSON API described as OpenAPI 3.1, generated from the code: every handler carries
//! its `#[utoipa::path]` (path, parameters, body, every status it can answer), and the types
//! below are both the schemas and what the handlers of `api` read and answer (no `json!` beside
//! them). The errors each family of operations can answer are listed once ([`SignedIn`],
//! [`ById`], [`JsonBody`]). Served at `/api/openapi.json`, browsable at `/api/docs` (plain
//! HTML built from the same document, no scripts, nothing from elsewhere).
//!
//! The value lists (kinds, channels, statuses, roles, rules, actions) come from the domain's own
//! `ALL` constants, so they cannot fall behind. Response objects forbid properties they do not
//! list (the interop tests, `tests/interop` with schemathesis, check every answer against them).

use crate::state::AppState;
use axum::Json;
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{DOCTYPE, Markup, html};
use priemna_domain::access::Role;
use priemna_domain::calendar::DayOffKind;
use priemna_domain::deadline::DeadlineRule;
use priemna_domain::rules::Rule;
use priemna_domain::workflow::CaseAction;
use priemna_domain::{CaseId, Channel, DepartmentId, Kind, Status, UserId};
use priemna_store::{
    CaseEvent, DocumentKind, MessageKind, OutboxState, PersonalData, StoredDecision,
};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ObjectBuilder, RefOr, Schema, Type};
use utoipa::{IntoResponses, Modify, OpenApi, PartialSchema, ToResponse, ToSchema};

// ---- value lists from the domain ------------------------------------------------------------

fn string_enum(description: &str, values: Vec<&'static str>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .enum_values(Some(values))
        .into()
}

macro_rules! value_list {
    ($name:ident, $schema_name:literal, $description:literal, $values:expr) => {
        #[doc = $description]
        pub struct $name;

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                string_enum($description, $values)
            }
        }

        impl ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($schema_name)
            }
        }
    };
}

value_list!(
    KindName,
    "Kind",
    "The kind of submission.",
    Kind::ALL.iter().map(|k| k.as_str()).collect()
);
value_list!(
    ChannelName,
    "Channel",
    "How the submission reached the municipality.",
    Channel::ALL.iter().map(|c| c.as_str()).collect()
);
value_list!(
    StatusName,
    "Status",
    "The state of a case.",
    Status::ALL.iter().map(|s| s.as_str()).collect()
);
value_list!(
    StatusFilter,
    "StatusFilter",
    "Which cases by their state: a status, `open` (those still owed an answer or action) or `all`.",
    ["all", "open"]
        .into_iter()
        .chain(Status::ALL.iter().map(|s| s.as_str()))
        .collect()
);
value_list!(
    RoleName,
    "Role",
    "A member of staff's role.",
    Role::ALL.iter().map(|r| r.as_str()).collect()
);
value_list!(
    DeadlineRuleName,
    "DeadlineRule",
    "A rule that sets a legal deadline.",
    DeadlineRule::ALL.iter().map(|r| r.as_str()).collect()
);
value_list!(
    DeadlineRuleParam,
    "DeadlineRuleParam",
    "A deadline rule as a parameter: its identifier, with or without the `deadline_` prefix.",
    DeadlineRule::ALL
        .iter()
        .flat_map(|r| {
            let name = r.as_str();
            [name, name.strip_prefix("deadline_").unwrap_or(name)]
        })
        .chain(["whistleblower"])
        .collect()
);
value_list!(
    RuleName,
    "Rule",
    "A charter or legal rule that applied to a submission.",
    Rule::ALL.iter().map(|r| r.as_str()).collect()
);
value_list!(
    ActionName,
    "Action",
    "An action on a case.",
    CaseAction::ALL.iter().map(|a| a.as_str()).collect()
);
value_list!(
    MessageKindName,
    "MessageKind",
    "What an e-mail of the outbox is.",
    MessageKind::ALL.iter().map(|k| k.as_str()).collect()
);
value_list!(
    UrgencyName,
    "Urgency",
    "How a case stands against its deadline.",
    vec!["overdue", "due_soon", "on_track", "no_deadline"]
);

// ---- errors --------------------------------------------------------------------------------

/// One wrong field.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldErrorBody {
    /// The field, dotted for nested ones (`submitter.phone`).
    pub field: String,
    /// What is wrong, e.g. `missing`, `unknown_value`, `invalid_phone`.
    pub code: String,
    /// In the language of `Accept-Language` (Bulgarian by default).
    pub message: String,
    pub message_bg: String,
    pub message_en: String,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    /// The HTTP status.
    pub status: u16,
    /// e.g. `validation_failed`, `not_found`, `unauthorized`.
    pub code: String,
    pub message: String,
    pub message_bg: String,
    pub message_en: String,
    pub fields: Vec<FieldErrorBody>,
}

/// Every error has this shape.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorResponse {
    pub error: ErrorBody,
}

macro_rules! error_response {
    ($name:ident, $description:literal) => {
        #[derive(ToResponse)]
        #[response(description = $description)]
        pub struct $name(#[allow(dead_code)] ErrorResponse);
    };
}

error_response!(
    BadRequest,
    "A query parameter or path segment is wrong, or the body is not JSON in UTF-8"
);
error_response!(
    Unauthorized,
    "Not signed in: send `Authorization: Bearer TOKEN` from /api/v1/auth/login"
);
error_response!(
    Forbidden,
    "The access rules refuse this (with their reason), or the CSRF token is missing"
);
error_response!(
    NotFound,
    "No such resource (also: a wrong tracking code, so numbers cannot be probed)"
);
error_response!(
    Conflict,
    "The case's state does not allow this, or someone else changed it first"
);
error_response!(TooLarge, "The body is larger than 64 KiB");
error_response!(
    UnsupportedMediaType,
    "The body is not `application/json; charset=utf-8`"
);
error_response!(Unprocessable, "Fields are missing or wrong; each is named");
error_response!(
    TooManyRequests,
    "Too many requests from this address, or (`sign_in_refused`) too many wrong passwords for \
     this username from this address: the message says when to try again (see `Retry-After`)"
);
error_response!(
    Unavailable,
    "The register is temporarily unavailable; nothing was saved"
);

// ---- the errors of each family of operations, listed once ----------------------------------
//
// An operation's `responses(...)` lists its answers and then the families it belongs to, e.g.
// `responses((status = 200, ...), SignedIn, JsonBody)`: what every staff operation or every
// operation with a JSON body can answer is written here, once.

fn error_family(
    responses: &[(&str, (&str, RefOr<utoipa::openapi::Response>))],
) -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
    responses
        .iter()
        .map(|(status, (name, _))| {
            (
                (*status).to_owned(),
                RefOr::Ref(utoipa::openapi::Ref::from_response_name(*name)),
            )
        })
        .collect()
}

macro_rules! error_family {
    ($(#[$doc:meta])* $name:ident { $($status:literal => $response:ident),+ $(,)? }) => {
        $(#[$doc])*
        pub struct $name;

        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
                error_family(&[$(($status, <$response as ToResponse>::response())),+])
            }
        }
    };
}

error_family!(
    /// Every operation for staff: not signed in (401); refused by the access rules, by a
    /// missing CSRF token, or until a password an administrator reset is changed (403); the
    /// register unavailable (503).
    SignedIn { "401" => Unauthorized, "403" => Forbidden, "503" => Unavailable }
);
error_family!(
    /// Every operation on a record named by a numeric id in its path: an id that is not a
    /// number (400, naming it), or no such record (404).
    ById { "400" => BadRequest, "404" => NotFound }
);
error_family!(
    /// Every operation that takes a JSON body: not JSON in UTF-8 (400), too large (413), not
    /// JSON at all (415), fields missing or wrong, each named (422).
    JsonBody {
        "400" => BadRequest,
        "413" => TooLarge,
        "415" => UnsupportedMediaType,
        "422" => Unprocessable,
    }
);

// ---- shared pieces -------------------------------------------------------------------------

/// A label in Bulgarian and English.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Label {
    pub bg: String,
    pub en: String,
}

/// A decision of the charter's rules, with its reason.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    #[schema(value_type = RuleName)]
    pub rule: String,
    pub reason: String,
    pub reason_en: String,
    /// A clerk must confirm it.
    pub needs_review: bool,
}

/// One step in the life of a case, as the citizen sees it.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryEvent {
    #[schema(format = DateTime)]
    pub at: String,
    #[schema(value_type = StatusName)]
    pub status: String,
    pub note: String,
    pub note_en: String,
}

impl From<&StoredDecision> for DecisionBody {
    fn from(d: &StoredDecision) -> Self {
        DecisionBody {
            rule: d.rule.clone(),
            reason: d.reason_bg.clone(),
            reason_en: d.reason_en.clone(),
            needs_review: d.needs_review,
        }
    }
}

impl From<&CaseEvent> for HistoryEvent {
    fn from(e: &CaseEvent) -> Self {
        HistoryEvent {
            at: priemna_domain::clock::local_time(e.at),
            status: e.status.as_str().to_owned(),
            note: e.note_bg.clone(),
            note_en: e.note_en.clone(),
        }
    }
}

impl Label {
    pub fn of(bg: &str, en: &str) -> Label {
        Label {
            bg: bg.to_owned(),
            en: en.to_owned(),
        }
    }
}

// ---- intake and tracking -------------------------------------------------------------------

/// The submitter; leave out (or set `anonymous`) for an anonymous submission.
#[derive(Serialize, ToSchema)]
pub struct SubmitterRequest {
    #[schema(max_length = 200)]
    pub name: Option<String>,
    #[schema(max_length = 300)]
    pub address: Option<String>,
    /// A Bulgarian phone number.
    pub phone: Option<String>,
    pub email: Option<String>,
    /// ЕГН (checked: date of birth and check digit).
    pub egn: Option<String>,
}

/// A submission. Beyond these types, the charter's rules are checked and every problem is
/// named at once (422): a named submitter needs a contact for kinds that are answered and their
/// consent (`consent: true`), an anonymous one cannot carry a submitter, identifiers must be
/// valid.
#[derive(Serialize, ToSchema)]
pub struct SubmissionRequest {
    #[schema(value_type = KindName)]
    pub kind: String,
    #[schema(value_type = ChannelName)]
    pub channel: String,
    #[schema(min_length = 1, max_length = 200)]
    pub subject: String,
    #[schema(min_length = 1, max_length = 20000)]
    pub body: String,
    pub submitter: Option<SubmitterRequest>,
    pub anonymous: Option<bool>,
    /// The problem threatens citizens' health or safety (anonymous signals are then considered).
    pub health_or_safety_threat: Option<bool>,
    /// A complaint about bad administration (the charter's 7-day deadline).
    pub about_bad_administration: Option<bool>,
    /// A complaint about an employee's service (goes to the Mayor's office).
    pub about_employee: Option<bool>,
    /// Defaults from the channel.
    pub in_writing: Option<bool>,
    /// For signals: when the violation happened (YYYY-MM-DD, not in the future).
    #[schema(format = Date)]
    pub violation_date: Option<String>,
    /// Where the problem is.
    #[schema(max_length = 300)]
    pub address: Option<String>,
    /// The submitter agrees that their personal data are processed to handle the submission
    /// (the portal's check box). Required, and `true`, whenever `submitter` is given; the
    /// register journals it with the case (`record_consent`).
    pub consent: Option<bool>,
}

/// A field the server did not know and ignored.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Warning {
    pub field: String,
    pub message: String,
    pub message_en: String,
}

/// The citizen's receipt. The tracking code is shown here only.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// The registration number, e.g. `2026-000123`.
    pub number: String,
    /// Keep it: it is needed to follow the case, and it is not stored in readable form.
    pub tracking_code: String,
    #[schema(format = DateTime)]
    pub received_at: String,
    #[schema(format = Date)]
    pub received_date: String,
    #[schema(value_type = KindName)]
    pub kind: String,
    #[schema(value_type = ChannelName)]
    pub channel: String,
    #[schema(value_type = StatusName)]
    pub status: String,
    pub status_label: Label,
    /// False when the charter's rules say it is not proceeded with.
    pub considered: bool,
    #[schema(value_type = Option<DeadlineRuleName>)]
    pub deadline_rule: Option<String>,
    /// The legal deadline for the answer.
    #[schema(format = Date)]
    pub answer_due: Option<String>,
    #[schema(format = Date)]
    pub acknowledge_due: Option<String>,
    pub decisions: Vec<DecisionBody>,
    pub track_url: String,
    pub warnings: Vec<Warning>,
}

/// What the citizen may see of the case (no personal data).
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CitizenCase {
    pub number: String,
    #[schema(value_type = KindName)]
    pub kind: String,
    pub kind_label: Label,
    #[schema(value_type = ChannelName)]
    pub channel: String,
    pub channel_label: Label,
    pub subject: String,
    pub body: String,
    pub address: Option<String>,
    pub anonymous: bool,
    #[schema(format = DateTime)]
    pub received_at: String,
    #[schema(format = Date)]
    pub received_date: String,
    #[schema(value_type = StatusName)]
    pub status: String,
    pub status_label: Label,
    /// The municipality still owes an answer or action.
    pub open: bool,
    pub considered: bool,
    #[schema(value_type = Option<DeadlineRuleName>)]
    pub deadline_rule: Option<String>,
    #[schema(format = Date)]
    pub answer_due: Option<String>,
    #[schema(format = Date)]
    pub acknowledge_due: Option<String>,
    pub decisions: Vec<DecisionBody>,
    pub history: Vec<HistoryEvent>,
    /// The written answer, once it has been sent.
    pub answer: Option<CitizenAnswer>,
}

// ---- the conversation on a case -------------------------------------------------------------

/// How I get the mail about my cases: `immediate` (an e-mail per reminder or citizen's answer)
/// or `digest` (one e-mail a day, from 7:00).
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailModeBody {
    #[schema(pattern = "^(immediate|digest)$")]
    pub mode: String,
}

/// A file sent with a message of the conversation.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageFile {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
}

/// One message of a case's conversation, as staff read it.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConversationMessage {
    pub id: i64,
    /// `from_citizen`, `to_citizen` (a request for information) or `internal` (a note).
    #[schema(pattern = "^(from_citizen|to_citizen|internal)$")]
    pub direction: String,
    /// `portal`, `email` or `staff`.
    #[schema(pattern = "^(portal|email|staff)$")]
    pub channel: String,
    /// The member of staff who wrote it (none for the citizen).
    pub author: Option<String>,
    pub text: String,
    /// An e-mail's whole text, quoted history included, when `text` was trimmed of it.
    pub full_text: Option<String>,
    /// A request for information: answer by this day.
    #[schema(format = Date)]
    pub reply_by: Option<String>,
    pub attachments: Vec<MessageFile>,
    #[schema(format = DateTime)]
    pub at: String,
}

/// A case's conversation for staff, oldest first, internal notes included.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Conversation {
    pub number: String,
    /// A request for information waits for the citizen since this day.
    #[schema(format = Date)]
    pub awaiting_since: Option<String>,
    /// The answer date now (none while the term of an application is stopped).
    #[schema(format = Date)]
    pub answer_due: Option<String>,
    /// What a request for information does to this case's term.
    pub term: Label,
    pub messages: Vec<ConversationMessage>,
}

/// A message from staff: a request for information (e-mailed to the citizen when the case has
/// an address, always shown on the tracking page) or an internal note (never shown to the
/// citizen).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaffMessage {
    #[schema(pattern = "^(request_information|note)$")]
    pub kind: String,
    pub text: String,
    /// A request: the day to answer by (YYYY-MM-DD), after today; seven days when left out.
    #[schema(format = Date)]
    pub reply_by: Option<String>,
}

/// One message of the conversation as the citizen reads it (never an internal note).
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CitizenMessage {
    /// `from_citizen` or `to_citizen`.
    #[schema(pattern = "^(from_citizen|to_citizen)$")]
    pub direction: String,
    #[schema(pattern = "^(portal|email|staff)$")]
    pub channel: String,
    pub text: String,
    #[schema(format = Date)]
    pub reply_by: Option<String>,
    /// The names of the files sent with it.
    pub attachments: Vec<String>,
    #[schema(format = DateTime)]
    pub at: String,
}

/// What the citizen sends to an open case (multipart/form-data).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CitizenMessageForm {
    /// The answer or the information added (may be empty when files are sent).
    pub text: String,
    /// Up to five files of 5 MB: JPEG, PNG, WebP, HEIC or PDF, decided from their bytes.
    #[schema(value_type = Vec<String>, format = Binary)]
    pub attachments: Vec<Vec<u8>>,
}

/// The conversation on a case as the citizen reads it.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CitizenConversation {
    pub number: String,
    /// Information can be added (the case is open).
    pub open: bool,
    /// The municipality waits for information from the citizen.
    pub awaiting_information: bool,
    #[schema(format = Date)]
    pub answer_due: Option<String>,
    /// What a request for information does to the term of this case.
    pub term: Label,
    pub messages: Vec<CitizenMessage>,
}

/// The municipality's written answer, as the citizen reads it.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CitizenAnswer {
    pub text: String,
    #[schema(format = DateTime)]
    pub sent_at: Option<String>,
}

/// The submitter's details as held by the municipality.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitterData {
    pub name: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub egn: Option<String>,
}

impl From<PersonalData> for SubmitterData {
    fn from(p: PersonalData) -> Self {
        SubmitterData {
            name: p.name,
            address: p.address,
            phone: p.phone,
            email: p.email,
            egn: p.egn,
        }
    }
}

/// Everything held about the citizen in this case (their right of access).
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CitizenExport {
    #[schema(format = DateTime)]
    pub exported_at: String,
    pub case: CitizenCase,
    pub submitter: Option<SubmitterData>,
    /// The personal data was erased after the retention period.
    pub personal_data_erased: bool,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KindItem {
    #[schema(value_type = KindName)]
    pub kind: String,
    pub label: String,
    pub label_en: String,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelItem {
    #[schema(value_type = ChannelName)]
    pub channel: String,
    pub label: String,
    pub label_en: String,
    /// Submissions by this channel are written by default.
    pub written: bool,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Health {
    #[schema(pattern = "^ok$")]
    pub status: String,
}

/// Whether the server is ready for traffic, and if not, why.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Readiness {
    #[schema(pattern = "^(ready|unready)$")]
    pub status: String,
    #[schema(pattern = "^(ok|unavailable)$")]
    pub database: String,
    /// `not_configured` when no SMTP server is configured (messages wait in the outbox).
    #[schema(pattern = "^(not_configured|not_started|running|restarting|stopped)$")]
    pub outbox_worker: String,
    /// Why the server is not ready; empty when it is.
    pub reasons: Vec<String>,
}

// ---- the calendar --------------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NonWorkingDay {
    #[schema(format = Date)]
    pub date: String,
    pub name: String,
    pub name_en: String,
    /// `holiday`, `easter`, `moved_holiday` or `decreed`.
    #[schema(value_type = String, pattern = "^(holiday|easter|moved_holiday|decreed)$")]
    pub kind: DayOffKind,
    pub weekday: String,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkingSaturday {
    #[schema(format = Date)]
    pub date: String,
    pub name: String,
}

/// The named non-working days of a year (weekends are not listed).
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarYear {
    pub year: i32,
    pub time_zone: String,
    pub weekends_are_non_working: bool,
    pub non_working_days: Vec<NonWorkingDay>,
    pub working_saturdays: Vec<WorkingSaturday>,
}

/// A legal deadline, with the reason when it moved off a non-working day.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlineAnswer {
    #[schema(value_type = DeadlineRuleName)]
    pub rule: String,
    #[schema(format = Date)]
    pub received: String,
    /// The last day by the count.
    #[schema(format = Date)]
    pub nominal: String,
    /// The last day, moved off non-working days.
    #[schema(format = Date)]
    pub due: String,
    pub moved: bool,
    pub moved_because: Option<String>,
    pub moved_because_en: Option<String>,
    pub description: String,
    pub description_en: String,
    pub explanation: String,
    pub explanation_en: String,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Hours {
    pub opens: Option<String>,
    pub closes: Option<String>,
}

/// Whether reception is open on a day.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceptionDay {
    #[schema(format = Date)]
    pub date: String,
    pub weekday: String,
    pub open: bool,
    #[schema(pattern = "^[0-2][0-9]:[0-5][0-9]$")]
    pub opens: Option<String>,
    #[schema(pattern = "^[0-2][0-9]:[0-5][0-9]$")]
    pub closes: Option<String>,
    pub hours: Option<Hours>,
    pub closed_reason: Option<String>,
    pub closed_reason_en: Option<String>,
    #[schema(format = Date)]
    pub next_open_date: String,
}

// ---- staff ---------------------------------------------------------------------------------

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserBody {
    #[schema(value_type = i64)]
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    #[schema(value_type = RoleName)]
    pub role: String,
    pub role_label: String,
    #[schema(value_type = Option<i64>)]
    pub department_id: Option<DepartmentId>,
    pub corruption_officer: bool,
    pub active: bool,
    /// Where deadline reminders are e-mailed.
    pub email: Option<String>,
    /// The end of the account's last lock-out (in the past once it has run out).
    #[schema(format = DateTime)]
    pub locked_until: Option<String>,
    /// An administrator reset the password: only changing it is allowed until then.
    pub must_change_password: bool,
}

/// A member of staff in a list: administrators get every field; other staff only `id`,
/// `display_name`, `role`, `role_label` and `department_id` of their active colleagues.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserListEntry {
    #[schema(value_type = i64)]
    pub id: UserId,
    pub display_name: String,
    #[schema(value_type = RoleName)]
    pub role: String,
    pub role_label: String,
    #[schema(value_type = Option<i64>)]
    pub department_id: Option<DepartmentId>,
    /// Administrators only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Administrators only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corruption_officer: Option<bool>,
    /// Administrators only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// Administrators only (`null` when the account has none).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    /// Administrators only (`null` when the account was never locked out).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub locked_until: Option<Option<String>>,
    /// Administrators only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub must_change_password: Option<bool>,
}

/// An account's fields as a staff change sees them.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountStateBody {
    #[schema(value_type = RoleName)]
    pub role: String,
    #[schema(value_type = Option<i64>)]
    pub department_id: Option<DepartmentId>,
    pub corruption_officer: bool,
    pub active: bool,
    pub display_name: String,
    pub email: Option<String>,
}

/// A change to an account that needs a second administrator.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChangeBody {
    pub id: i64,
    #[schema(value_type = i64)]
    pub user_id: UserId,
    pub username: String,
    pub before: AccountStateBody,
    pub after: AccountStateBody,
    /// Also gives the account a one-time password.
    pub reset_password: bool,
    #[schema(value_type = i64)]
    pub requested_by: UserId,
    pub requested_by_name: String,
    #[schema(format = DateTime)]
    pub requested_at: String,
    /// `pending`, `applied` or `rejected`.
    pub state: String,
    pub decided_by: Option<String>,
    #[schema(format = DateTime)]
    pub decided_at: Option<String>,
}

/// A change stored to wait for a second administrator.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PendingAnswer {
    pub pending: UserChangeBody,
    /// Who can approve it (in Bulgarian).
    pub message: String,
    pub message_en: String,
}

/// A new account; a designation asked for with it, or the activation of a role that handles
/// cases or administers, waits for a second administrator.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatedUser {
    #[schema(value_type = i64)]
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    #[schema(value_type = RoleName)]
    pub role: String,
    pub role_label: String,
    #[schema(value_type = Option<i64>)]
    pub department_id: Option<DepartmentId>,
    pub corruption_officer: bool,
    pub active: bool,
    pub email: Option<String>,
    #[schema(format = DateTime)]
    pub locked_until: Option<String>,
    pub must_change_password: bool,
    /// The designation or activation that waits for a second administrator.
    pub pending_change: Option<UserChangeBody>,
}

/// A reset password: give `one_time_password` to the person; it must be changed at sign-in.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    pub user: UserBody,
    pub one_time_password: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChangeList {
    pub changes: Vec<UserChangeBody>,
}

/// A decided change; `one_time_password` when an approved change reset a password.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChangeDecided {
    pub change: UserChangeBody,
    pub one_time_password: Option<String>,
}

/// A session: send `token` as `Authorization: Bearer …`.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginAnswer {
    pub token: String,
    /// For cookie sessions: send it as `X-CSRF-Token` on changes.
    pub csrf_token: String,
    #[schema(format = DateTime)]
    pub expires_at: String,
    pub user: UserBody,
    /// Failed sign-ins to this account since its previous sign-in; absent when there were none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_sign_ins: Option<FailedSignIns>,
}

/// Failed sign-ins to an account since its owner's previous sign-in.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FailedSignIns {
    /// Wrong passwords and refused attempts, from every address.
    pub count: i64,
    /// When the last one was.
    #[schema(format = DateTime)]
    pub last_at: String,
    /// Where the last one came from: an IPv4 address or an IPv6 /64.
    pub last_from: String,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignedOut {
    pub signed_out: bool,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Me {
    pub user: UserBody,
    pub csrf_token: String,
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordRequest {
    pub current_password: String,
    #[schema(min_length = 10, max_length = 128)]
    pub new_password: String,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChanged {
    pub changed: bool,
}

/// One line of an inbox.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseSummaryBody {
    pub number: String,
    #[schema(value_type = KindName)]
    pub kind: String,
    #[schema(value_type = ChannelName)]
    pub channel: String,
    pub subject: String,
    #[schema(value_type = StatusName)]
    pub status: String,
    pub status_label: String,
    #[schema(format = DateTime)]
    pub received_at: String,
    #[schema(format = Date)]
    pub answer_due: Option<String>,
    #[schema(value_type = UrgencyName)]
    pub urgency: String,
    #[schema(value_type = Option<i64>)]
    pub department_id: Option<DepartmentId>,
    pub department: Option<String>,
    #[schema(value_type = Option<i64>)]
    pub assignee_id: Option<UserId>,
    pub assignee: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Inbox {
    pub cases: Vec<CaseSummaryBody>,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    pub text: String,
    #[schema(value_type = Option<i64>)]
    pub signed_by: Option<UserId>,
    #[schema(format = DateTime)]
    pub sent_at: Option<String>,
}

/// A case as the back office sees it, with the actions the caller may take now.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseBody {
    pub number: String,
    #[schema(value_type = KindName)]
    pub kind: String,
    #[schema(value_type = ChannelName)]
    pub channel: String,
    pub subject: String,
    pub body: String,
    pub address: Option<String>,
    pub anonymous: bool,
    pub health_or_safety_threat: bool,
    pub about_bad_administration: bool,
    pub about_employee: bool,
    pub in_writing: bool,
    #[schema(format = DateTime)]
    pub received_at: String,
    #[schema(format = Date)]
    pub received_date: String,
    #[schema(value_type = StatusName)]
    pub status: String,
    pub status_label: String,
    pub considered: bool,
    #[schema(value_type = Option<DeadlineRuleName>)]
    pub deadline_rule: Option<String>,
    #[schema(format = Date)]
    pub answer_due: Option<String>,
    #[schema(format = Date)]
    pub acknowledge_due: Option<String>,
    #[schema(value_type = UrgencyName)]
    pub urgency: String,
    pub escalated: bool,
    pub decisions: Vec<DecisionBody>,
    pub sealed: bool,
    pub entered_by: String,
    #[schema(value_type = Option<i64>)]
    pub subject_employee_id: Option<UserId>,
    #[schema(value_type = Option<i64>)]
    pub department_id: Option<DepartmentId>,
    #[schema(value_type = Option<i64>)]
    pub assignee_id: Option<UserId>,
    pub triage_note: Option<String>,
    pub not_considered_rule: Option<String>,
    pub forwarded_to: Option<String>,
    #[schema(format = DateTime)]
    pub forwarded_at: Option<String>,
    pub duplicate_of: Option<String>,
    pub answer: Option<AnswerBody>,
    pub history: Vec<HistoryEvent>,
    #[schema(value_type = Vec<ActionName>)]
    pub available_actions: Vec<String>,
    /// Open cases that look like the same problem (full-text similarity, same address); only
    /// in `GET /api/v1/cases/{number}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub possible_duplicates: Option<Vec<PossibleDuplicate>>,
}

/// A case that may be about the same problem.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PossibleDuplicate {
    pub number: String,
    pub subject: String,
    #[schema(value_type = KindName)]
    pub kind: String,
    #[schema(value_type = StatusName)]
    pub status: String,
    pub address: Option<String>,
    #[schema(format = DateTime)]
    pub received_at: String,
    pub similarity: f64,
    pub same_address: bool,
}

/// One case found by a search.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchHit {
    pub number: String,
    #[schema(value_type = KindName)]
    pub kind: String,
    #[schema(value_type = ChannelName)]
    pub channel: String,
    #[schema(value_type = StatusName)]
    pub status: String,
    pub status_label: String,
    pub subject: String,
    pub address: Option<String>,
    #[schema(format = DateTime)]
    pub received_at: String,
    pub department_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub duplicate_of_id: Option<i64>,
    pub score: f64,
    /// An extract with the matches in `<mark>` (escaped HTML).
    pub snippet_html: String,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchResults {
    pub query: String,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub results: Vec<SearchHit>,
}

/// The submitter of a case (journalled reading).
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonalDataBody {
    pub number: String,
    pub anonymous: bool,
    pub submitter: Option<SubmitterData>,
}

/// One action; which fields it needs depends on the action (each is checked and named).
#[derive(Serialize, ToSchema)]
pub struct ActionRequestBody {
    #[schema(value_type = ActionName)]
    pub action: String,
    pub reason: Option<String>,
    pub considered: Option<bool>,
    pub subject_employee_id: Option<i64>,
    pub department_id: Option<i64>,
    pub assignee_id: Option<i64>,
    #[schema(format = Date)]
    pub new_due: Option<String>,
    pub text: Option<String>,
    pub rule: Option<String>,
    pub body: Option<String>,
    pub of: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct ConflictRequest {
    pub reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConflictDeclared {
    pub number: String,
    #[schema(value_type = StatusName)]
    pub status: String,
    #[schema(value_type = Option<i64>)]
    pub assignee_id: Option<UserId>,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReminderBody {
    pub number: String,
    pub subject: String,
    pub kind: String,
    #[schema(format = Date)]
    pub due: String,
    #[schema(format = DateTime)]
    pub created_at: String,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reminders {
    pub reminders: Vec<ReminderBody>,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JournalEntryBody {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    #[schema(value_type = Option<i64>)]
    pub submission_id: Option<CaseId>,
    /// What changed (no personal data).
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    pub hash: String,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JournalPage {
    /// The hash chain is unbroken.
    pub intact: bool,
    pub entries: Vec<JournalEntryBody>,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserList {
    pub users: Vec<UserListEntry>,
}

#[derive(Deserialize, ToSchema)]
pub struct NewUserRequest {
    pub username: String,
    pub display_name: String,
    #[schema(value_type = RoleName)]
    pub role: String,
    #[schema(min_length = 10, max_length = 128)]
    pub password: String,
    #[schema(value_type = Option<i64>)]
    pub department_id: Option<DepartmentId>,
    pub corruption_officer: Option<bool>,
    /// Where deadline reminders are e-mailed.
    pub email: Option<String>,
}

/// Only the fields given change; `null` clears a department or an e-mail address.
#[derive(Deserialize, ToSchema)]
pub struct UpdateUserRequest {
    #[schema(value_type = Option<RoleName>)]
    pub role: Option<String>,
    /// `null` takes the account out of its department.
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<i64>)]
    pub department_id: Option<Option<DepartmentId>>,
    pub corruption_officer: Option<bool>,
    pub active: Option<bool>,
    pub display_name: Option<String>,
    /// Where deadline reminders are e-mailed (`null` or "" removes it).
    #[serde(default, deserialize_with = "given")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
}

/// A field that was given, even as `null` (`Some(None)`), as against one left out (`None`).
fn given<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartmentBody {
    #[schema(value_type = i64)]
    pub id: DepartmentId,
    pub name: String,
    #[schema(value_type = Option<i64>)]
    pub head_user_id: Option<UserId>,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartmentList {
    pub departments: Vec<DepartmentBody>,
}

#[derive(Deserialize, ToSchema)]
pub struct NewDepartmentRequest {
    #[schema(min_length = 1)]
    pub name: String,
    #[schema(value_type = Option<i64>)]
    pub head_user_id: Option<UserId>,
}

#[derive(Deserialize, ToSchema)]
pub struct HeadRequest {
    #[schema(value_type = Option<i64>)]
    pub head_user_id: Option<UserId>,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HeadSet {
    #[schema(value_type = i64)]
    pub id: DepartmentId,
    #[schema(value_type = Option<i64>)]
    pub head_user_id: Option<UserId>,
}

// ---- letters and the outbox ----------------------------------------------------------------

/// A PDF file.
pub struct PdfFile;

impl PartialSchema for PdfFile {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .content_media_type("application/pdf")
            .description(Some("A PDF file."))
            .into()
    }
}

impl ToSchema for PdfFile {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("PdfFile")
    }
}

/// What a letter preview is for.
#[derive(Deserialize, ToSchema)]
pub struct LetterPreviewRequest {
    /// `answer` (with `text`) or `delay_notice` (with `reason` and `new_due`).
    #[schema(pattern = "^(answer|delay_notice)$")]
    pub kind: String,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    #[schema(format = Date)]
    pub new_due: Option<String>,
}

/// How many messages are in each state.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutboxCounts {
    pub queued: u64,
    pub sending: u64,
    pub sent: u64,
    pub failed: u64,
}

/// A message from the mailbox that did not become a submission.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailNoteBody {
    pub id: i64,
    /// `set_aside` (for a clerk), `auto_reply` or `bounce`.
    #[schema(pattern = "^(set_aside|auto_reply|bounce)$")]
    pub outcome: String,
    /// Why, in English.
    pub reason: String,
    /// The sender's address, masked.
    pub sender: Option<String>,
    pub subject: Option<String>,
    pub message_id: Option<String>,
    /// Bytes of the whole message.
    pub size: u64,
    /// Whether the message's bytes are kept in the register.
    pub kept: bool,
    /// For a bounce: the outbox message it returned, now marked failed.
    pub bounced_outbox_id: Option<i64>,
    #[schema(format = DateTime)]
    pub received_at: String,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailNotePage {
    pub notes: Vec<MailNoteBody>,
}

/// One e-mail in the outbox (the recipient masked, no body).
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutboxMessage {
    pub id: i64,
    pub message_id: String,
    #[schema(value_type = MessageKindName)]
    pub kind: MessageKind,
    pub number: Option<String>,
    pub recipient: String,
    pub subject: String,
    #[schema(value_type = String, pattern = "^(queued|sending|sent|failed)$")]
    pub state: OutboxState,
    pub attempts: i64,
    #[schema(format = DateTime)]
    pub next_attempt_at: Option<String>,
    pub last_error: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub sent_at: Option<String>,
    pub has_attachment: bool,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutboxPage {
    pub smtp_configured: bool,
    pub worker: OutboxWorker,
    pub counts: OutboxCounts,
    pub messages: Vec<OutboxMessage>,
}

/// The outbox worker of the server that answers (no personal data).
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutboxWorker {
    #[schema(pattern = "^(not_started|running|restarting|stopped)$")]
    pub state: String,
    #[schema(format = DateTime)]
    pub running_since: Option<String>,
    /// When the SMTP server last accepted a message from this worker.
    #[schema(format = DateTime)]
    pub last_sent_at: Option<String>,
    /// How many times its supervisor restarted it.
    pub restarts: u32,
    /// Messages queued or being sent, as the worker last counted them.
    pub queue_length: Option<u64>,
    /// The last error (addresses masked).
    pub last_error: Option<String>,
    #[schema(format = DateTime)]
    pub last_error_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Requeued {
    pub id: i64,
    #[schema(value_type = String, pattern = "^queued$")]
    pub state: OutboxState,
}

/// A letter kept with a case.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentBody {
    pub id: i64,
    /// `answer`, `delay_notice` or `receipt`.
    #[schema(value_type = String, pattern = "^(answer|delay_notice|receipt)$")]
    pub kind: DocumentKind,
    pub outgoing_number: Option<String>,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    /// Whether the reader may download it: letters carry the submitter's personal data
    /// (`view_personal_data`, or `view_sealed_identity` for a whistleblower's report).
    pub readable: bool,
    /// Where to download it; only when `readable`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentList {
    pub number: String,
    pub documents: Vec<DocumentBody>,
}

/// Who signs the municipality's outgoing letters (set by an administrator on `/staff/admin`).
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LetterSignatoryBody {
    /// `false` until an administrator sets it: letters are then signed by the officer.
    pub set: bool,
    pub name: Option<String>,
    /// "Кмет на Община Хасково", "Заместник-кмет", "Секретар на Община Хасково", …
    pub position: Option<String>,
    /// Signs on the Mayor's behalf ("ЗА КМЕТ НА ОБЩИНА …:" above the name).
    pub for_mayor: bool,
    /// Local time of the last change.
    pub updated_at: Option<String>,
}

// ---- API keys (Open311) --------------------------------------------------------------------

/// An Open311 application's key, without the key itself.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyInfo {
    pub id: i64,
    pub name: String,
    /// The key's first characters, to recognise it.
    pub key_prefix: String,
    /// POSTs are answered with a token instead of the number.
    pub token_responses: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
    pub created_by: String,
    #[schema(format = DateTime)]
    pub revoked_at: Option<String>,
}

/// A new key: `key` is shown here once and never again.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyCreated {
    pub key: String,
    pub api_key: ApiKeyInfo,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyList {
    pub api_keys: Vec<ApiKeyInfo>,
}

// ---- statistics ----------------------------------------------------------------------------

/// The months a statistics document covers, both included.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatsPeriod {
    #[schema(pattern = "^[0-9]{4}-[0-9]{2}$")]
    pub from: String,
    #[schema(pattern = "^[0-9]{4}-[0-9]{2}$")]
    pub to: String,
}

/// Every measure of a set of cases (all of a period, or one value of a breakdown).
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatsMeasures {
    pub received: u64,
    /// Answered in writing, on time or late.
    pub answered: u64,
    pub on_time: u64,
    pub late: u64,
    /// The deadline was extended for an inspection.
    pub extended: u64,
    /// Left unanswered under a charter rule.
    pub not_considered: u64,
    pub forwarded: u64,
    pub merged: u64,
    pub closed_without_answer: u64,
    /// Open, within the deadline.
    pub open: u64,
    /// Open, past the deadline.
    pub overdue: u64,
    /// On-time answers as a share of all answers (0–1).
    #[schema(minimum = 0, maximum = 1)]
    pub on_time_share: Option<f64>,
    /// On-time answers as a share of the answers and the overdue cases (0–1).
    #[schema(minimum = 0, maximum = 1)]
    pub kept_share: Option<f64>,
    /// Days from receipt to answer: the median, and the 90th percentile (nearest rank).
    pub median_days: Option<u32>,
    pub p90_days: Option<u32>,
    /// How many citizens rated the handling of their case.
    pub ratings: u64,
    /// How many ratings of 1, 2, 3, 4 and 5.
    #[schema(min_items = 5, max_items = 5)]
    pub ratings_by_score: Vec<u64>,
    #[schema(minimum = 1, maximum = 5)]
    pub mean_rating: Option<f64>,
    /// Ratings of 4 or 5, as a share of all ratings (0–1).
    #[schema(minimum = 0, maximum = 1)]
    pub satisfied_share: Option<f64>,
}

/// One value of a breakdown: a month (`2026-03`), a kind, a channel, a department's id, a
/// service code, a rule; `none` for cases without one.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatsRow {
    pub value: String,
    pub label: Label,
    pub measures: StatsMeasures,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatsBreakdown {
    #[schema(pattern = "^(month|kind|channel|department|category|rule)$")]
    pub dimension: String,
    pub rows: Vec<StatsRow>,
}

/// A frequent word of the subjects, and in how many cases it appears.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatsTopic {
    pub label: String,
    pub count: u64,
}

/// The published figures of a period (counts only; no personal data).
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Statistics {
    pub period: StatsPeriod,
    /// When the figures were last computed.
    #[schema(format = DateTime)]
    pub computed_at: Option<String>,
    /// Months changed since they were computed (recomputed within a minute).
    pub stale_months: u64,
    /// The years that have data.
    pub years: Vec<i32>,
    pub total: StatsMeasures,
    pub breakdowns: Vec<StatsBreakdown>,
    pub topics: Vec<StatsTopic>,
}

// ---- the document --------------------------------------------------------------------------

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The `token` from POST /api/v1/auth/login. (Browsers may use the \
                         session cookie instead, with `X-CSRF-Token` on changes.)",
                    ))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Priemna — Приемна",
        description = "The JSON API of Priemna, the reception office of a municipality: \
            registering proposals, signals, complaints, praise, corruption signals and \
            applications with the charter's rules and legal deadlines; tracking them; the \
            working calendar; and the back office (cases, staff, the journal).\n\n\
            Every error has one shape (`ErrorResponse`), with `message` in the language of \
            `Accept-Language` (Bulgarian by default). Staff endpoints need \
            `Authorization: Bearer TOKEN`.\n\n\
            Open311 GeoReport v2 (XML and JSON, form-encoded POSTs) is served under \
            `/open311/v2/` and described by its own specification and discovery document \
            (`/open311/discovery.json`).",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    paths(
        super::healthz,
        super::readyz,
        super::submissions::create,
        super::submissions::track,
        super::submissions::export,
        super::submissions::kinds,
        super::submissions::channels,
        super::calendar::year,
        super::calendar::deadline,
        super::calendar::reception,
        super::staff::login,
        super::staff::logout,
        super::staff::me,
        super::staff::change_password,
        super::staff::inbox,
        super::staff::case,
        super::staff::personal_data,
        super::staff::act,
        super::staff::declare_conflict,
        super::conversation::staff_list,
        super::conversation::staff_add,
        super::conversation::citizen_list,
        super::conversation::citizen_add,
        super::conversation::mail_mode,
        super::conversation::set_mail_mode,
        super::staff::reminders,
        super::staff::journal,
        super::staff::users,
        super::staff::add_user,
        super::staff::update_user,
        super::staff::unlock_user,
        super::staff::reset_password,
        super::staff::user_changes,
        super::staff::approve_change,
        super::staff::reject_change,
        super::staff::departments,
        super::staff::add_department,
        super::staff::set_head,
        super::search::handler,
        crate::api::notify::outbox,
        crate::api::notify::retry,
        crate::api::notify::documents,
        crate::api::notify::document,
        crate::api::notify::receipt,
        crate::api::notify::preview,
        crate::api::notify::signatory,
        crate::api::notify::citizen_answer,
        crate::api::mailbox::notes,
        crate::open311::keys::create,
        crate::open311::keys::list,
        crate::open311::keys::revoke,
        super::statistics::handler,
    ),
    components(schemas(
        ErrorResponse, ErrorBody, FieldErrorBody, KindName, ChannelName, StatusName, StatusFilter,
        RoleName, DeadlineRuleName, DeadlineRuleParam, RuleName, ActionName, UrgencyName,
        MessageKindName, PdfFile,
    ), responses(
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        Conflict,
        TooLarge,
        UnsupportedMediaType,
        Unprocessable,
        TooManyRequests,
        Unavailable,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "citizens", description = "Registering and tracking submissions"),
        (name = "calendar", description = "Working days, deadlines, reception hours"),
        (name = "staff", description = "Sign-in and the back office's cases"),
        (name = "administration", description = "Staff, departments and API keys"),
        (name = "statistics", description = "How the charter is kept, in figures (counts only)"),
    )
)]
pub struct ApiDoc;

/// The OpenAPI 3.1 document of the JSON API.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi_json))
        .route("/api/docs", get(docs_page))
}

/// The document as JSON. (utoipa 5 writes a link's fields in snake case; OpenAPI spells them
/// in camel case, so they are renamed here.)
pub fn document_json() -> serde_json::Value {
    fn fix_links(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::Object(links)) = map.get_mut("links") {
                    for link in links.values_mut() {
                        if let serde_json::Value::Object(link) = link {
                            for (from, to) in [
                                ("operation_id", "operationId"),
                                ("operation_ref", "operationRef"),
                                ("request_body", "requestBody"),
                            ] {
                                if let Some(v) = link.remove(from) {
                                    link.insert(to.to_owned(), v);
                                }
                            }
                        }
                    }
                }
                map.values_mut().for_each(fix_links);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(fix_links),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(document()).unwrap_or(serde_json::Value::Null);
    fix_links(&mut value);
    allow_empty_values(&mut value);
    value
}

/// The operations whose query parameters, like an HTML form's, count an empty value as no value
/// (`?status=&page=` is the default inbox), as in their handlers.
const EMPTY_QUERY_VALUE_IS_NO_VALUE: [&str; 3] =
    ["/api/v1/cases", "/api/v1/search", "/api/v1/journal"];

/// Says so in the document (`allowEmptyValue`, which utoipa 5 cannot write).
fn allow_empty_values(document: &mut serde_json::Value) {
    for path in EMPTY_QUERY_VALUE_IS_NO_VALUE {
        let Some(get) = document["paths"][path]["get"].as_object_mut() else {
            continue;
        };
        for parameter in get
            .get_mut("parameters")
            .and_then(|p| p.as_array_mut())
            .into_iter()
            .flatten()
        {
            if parameter["in"] == "query"
                && let Some(parameter) = parameter.as_object_mut()
            {
                parameter.insert("allowEmptyValue".into(), true.into());
            }
        }
    }
}

async fn openapi_json() -> Json<serde_json::Value> {
    Json(document_json())
}

fn method_names(
    item: &utoipa::openapi::path::PathItem,
) -> Vec<(&'static str, &utoipa::openapi::path::Operation)> {
    [
        ("GET", &item.get),
        ("POST", &item.post),
        ("PUT", &item.put),
        ("PATCH", &item.patch),
        ("DELETE", &item.delete),
    ]
    .into_iter()
    .filter_map(|(name, op)| op.as_ref().map(|op| (name, op)))
    .collect()
}

fn schema_name(content: &utoipa::openapi::Content) -> String {
    match &content.schema {
        Some(RefOr::Ref(r)) => r.ref_location.rsplit('/').next().unwrap_or("").to_owned(),
        Some(RefOr::T(_)) => "inline".to_owned(),
        None => String::new(),
    }
}

fn page(doc: &utoipa::openapi::OpenApi) -> Markup {
    let schemas = doc
        .components
        .as_ref()
        .map(|c| c.schemas.iter().collect::<Vec<_>>())
        .unwrap_or_default();
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "Priemna API" }
                link rel="stylesheet" href="/staff/assets/style.css";
            }
            body {
                main {
                    h1 { (doc.info.title) " — API " (doc.info.version) }
                    @if let Some(description) = &doc.info.description {
                        @for paragraph in description.split("\n\n") { p { (paragraph) } }
                    }
                    p {
                        "The machine-readable document: " a href="/api/openapi.json" { "/api/openapi.json" }
                        " (OpenAPI " (serde_json::to_value(&doc.openapi).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()) "). "
                        "Open311: " a href="/open311/discovery.json" { "/open311/discovery.json" } ", "
                        a href="/open311/v2/services.xml" { "/open311/v2/services.xml" } "."
                    }
                    h2 { "Operations" }
                    @for (path, item) in &doc.paths.paths {
                        @for (method, op) in method_names(item) {
                            section {
                                h3 { code { (method) " " (path) } }
                                @if let Some(summary) = &op.summary { p { strong { (summary) } } }
                                @if let Some(description) = &op.description { p { (description) } }
                                @if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
                                    p { "Needs " code { "Authorization: Bearer TOKEN" } "." }
                                }
                                @if let Some(params) = &op.parameters {
                                    @if !params.is_empty() {
                                        h4 { "Parameters" }
                                        ul {
                                            @for param in params {
                                                li {
                                                    code { (param.name) } " (" (serde_json::to_value(&param.parameter_in).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default())
                                                    @if matches!(param.required, utoipa::openapi::Required::True) { ", required" }
                                                    ")"
                                                    @if let Some(d) = &param.description { " — " (d) }
                                                }
                                            }
                                        }
                                    }
                                }
                                @if let Some(body) = &op.request_body {
                                    h4 { "Body" }
                                    ul {
                                        @for (content_type, content) in &body.content {
                                            li { code { (content_type) } " " a href={"#schema-" (schema_name(content))} { (schema_name(content)) } }
                                        }
                                    }
                                }
                                h4 { "Responses" }
                                ul {
                                    @for (status, response) in &op.responses.responses {
                                        li {
                                            code { (status) } " "
                                            @match response {
                                                RefOr::T(r) => {
                                                    (r.description)
                                                    @for content in r.content.values() {
                                                        " → " a href={"#schema-" (schema_name(content))} { (schema_name(content)) }
                                                    }
                                                }
                                                RefOr::Ref(r) => {
                                                    (r.ref_location.rsplit('/').next().unwrap_or(""))
                                                    " → " a href="#schema-ErrorResponse" { "ErrorResponse" }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    h2 { "Schemas" }
                    @for (name, schema) in schemas {
                        section id={"schema-" (name)} {
                            h3 { (name) }
                            pre { (serde_json::to_string_pretty(schema).unwrap_or_default()) }
                        }
                    }
                }
            }
        }
    }
}

async fn docs_page() -> Response {
    let mut response = page(&document()).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn routes_in(dir: &Path, found: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                routes_in(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for piece in text.split(".route(").skip(1) {
                    let Some(rest) = piece.trim_start().strip_prefix('"') else {
                        continue;
                    };
                    let route = rest.split('"').next().unwrap_or("");
                    if route.starts_with("/api/v1/") || route == "/healthz" || route == "/readyz" {
                        found.push(route.to_owned());
                    }
                }
            }
        }
    }

    /// Every route of the JSON API is in the document: a handler added without its
    /// `#[utoipa::path]` (and a line in `ApiDoc`'s `paths`) fails here.
    #[test]
    fn every_route_is_documented() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut found = Vec::new();
        routes_in(&src.join("api"), &mut found);
        routes_in(&src.join("open311"), &mut found);
        routes_in(&src.join("notify"), &mut found);
        assert!(found.len() > 20, "{found:?}");
        let doc = document();
        let missing: Vec<_> = found
            .iter()
            .filter(|r| !doc.paths.paths.contains_key(r.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "routes without OpenAPI documentation: {missing:?}"
        );
    }

    #[test]
    fn staff_operations_need_the_bearer_token() {
        let doc = document_json();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                let public = path == "/healthz"
                    || path == "/readyz"
                    || path.starts_with("/api/v1/submissions")
                    || path.starts_with("/api/v1/calendar")
                    || [
                        "/api/v1/kinds",
                        "/api/v1/channels",
                        "/api/v1/deadline",
                        "/api/v1/reception",
                        "/api/v1/statistics",
                    ]
                    .contains(&path.as_str())
                    || path == "/api/v1/auth/login";
                let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
                assert_eq!(secured, !public, "{method} {path}");
                if secured {
                    assert!(
                        op["responses"]["401"].is_object(),
                        "{method} {path}: no 401"
                    );
                }
            }
        }
        assert_eq!(doc["openapi"], "3.1.0");
        assert_eq!(
            doc["paths"]["/api/v1/submissions"]["post"]["responses"]["201"]["links"]["track"]["operationId"],
            "track"
        );
    }
}
