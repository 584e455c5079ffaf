//! The back office's JSON API: sign-in, cases, the journal, users and departments. The same
//! rules as the HTML pages, because both call `priemna_app::cases` and `priemna_domain::access`.

use super::openapi::{
    AccountStateBody, AnswerBody, CaseBody, CaseSummaryBody, ConflictDeclared, ConflictRequest,
    CreatedUser, DecisionBody, DepartmentBody, DepartmentList, FailedSignIns, HeadRequest, HeadSet,
    HistoryEvent, Inbox, JournalEntryBody, JournalPage, LoginAnswer, LoginRequest, Me,
    NewDepartmentRequest, NewUserRequest, PasswordChanged, PasswordRequest, PasswordReset,
    PendingAnswer, PersonalDataBody, PossibleDuplicate, ReminderBody, Reminders, SignedOut,
    SubmitterData, UpdateUserRequest, UserBody, UserChangeBody, UserChangeDecided, UserChangeList,
    UserList, UserListEntry,
};
use crate::auth::{self, session_cookie};
use crate::error::ApiError;
use crate::extract::Path;
use crate::json::typed_body;
use crate::limits::ClientAddress;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::{Extension, Json};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::Cookie;
use priemna_app::accounts::{
    AccountOutcome, Changer, StaffDraft, change_account, change_own_password, create_user,
    decide_change, other_administrators, staff_email,
};
use priemna_app::cases::{self, ActionRequest, available_actions};
use priemna_app::filters;
use priemna_app::staff::Staff;
use priemna_domain::access::{self, Permission, Role};
use priemna_domain::clock::local_date;
use priemna_domain::clock::local_time;
use priemna_domain::submission::{FieldError, Problem};
use priemna_domain::workflow::urgency;
use priemna_domain::{DepartmentId, UserId};
use priemna_store::{AccountState, CaseRecord, CaseSummary, JournalVerdict, StaffChange, User};
use std::collections::HashMap;

impl From<&User> for UserBody {
    fn from(u: &User) -> Self {
        UserBody {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role.as_str().to_owned(),
            role_label: u.role.label_bg().to_owned(),
            department_id: u.department_id,
            corruption_officer: u.corruption_officer,
            active: u.active,
            email: u.email.clone(),
            locked_until: u.locked_until.map(local_time),
            must_change_password: u.must_change_password,
        }
    }
}

impl UserListEntry {
    /// Every field, for an administrator.
    fn full(u: &User) -> Self {
        UserListEntry {
            username: Some(u.username.clone()),
            corruption_officer: Some(u.corruption_officer),
            active: Some(u.active),
            email: Some(u.email.clone()),
            locked_until: Some(u.locked_until.map(local_time)),
            must_change_password: Some(u.must_change_password),
            ..UserListEntry::colleague(u)
        }
    }

    /// What a colleague who is not an administrator may know of a member of staff: enough to
    /// assign a case (no username, e-mail or designation).
    fn colleague(u: &User) -> Self {
        UserListEntry {
            id: u.id,
            display_name: u.display_name.clone(),
            role: u.role.as_str().to_owned(),
            role_label: u.role.label_bg().to_owned(),
            department_id: u.department_id,
            username: None,
            corruption_officer: None,
            active: None,
            email: None,
            locked_until: None,
            must_change_password: None,
        }
    }
}

/// `POST /api/v1/auth/login`: opens a session; the token works as a cookie or a bearer token.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "staff",
    request_body(content = super::openapi::LoginRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "Signed in: the session's token", body = super::openapi::LoginAnswer),
        (status = 401, response = super::openapi::Unauthorized),
        (status = 403, response = super::openapi::Forbidden),
        (status = 429, response = super::openapi::TooManyRequests),
        (status = 503, response = super::openapi::Unavailable),
        super::openapi::JsonBody,
    )
)]
pub async fn login(
    State(app): State<AppState>,
    client: Option<Extension<ClientAddress>>,
    headers: HeaderMap,
    jar: CookieJar,
    body: Result<Bytes, BytesRejection>,
) -> Result<impl IntoResponse, ApiError> {
    // A browser's cross-site request must not sign it in to someone else's account.
    auth::check_same_origin(&headers)?;
    let request: LoginRequest = typed_body(&headers, body)?;
    let client = client.map(|Extension(ClientAddress(address))| address);
    let session =
        priemna_app::auth::login(&app, &request.username, &request.password, client).await?;
    let jar = jar.add(session_cookie(
        &session.token,
        auth::is_https(&app, &headers),
    ));
    let answer = LoginAnswer {
        expires_at: local_time(session.expires_at),
        user: UserBody::from(&session.user),
        // The failed attempts since the previous sign-in, as the start page tells them.
        failed_sign_ins: session.missed.as_ref().map(|missed| FailedSignIns {
            count: missed.count,
            last_at: local_time(missed.last_at),
            last_from: missed.last_from.clone(),
        }),
        token: session.token,
        csrf_token: session.csrf_token,
    };
    Ok((jar, Json(answer)))
}

/// `POST /api/v1/auth/logout`.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "staff",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Signed out", body = super::openapi::SignedOut),
        super::openapi::SignedIn,
    )
)]
pub async fn logout(
    State(app): State<AppState>,
    staff: Staff,
    jar: CookieJar,
) -> Result<impl IntoResponse, ApiError> {
    app.store.delete_session(&staff.token_hash).await?;
    let jar = jar.remove(Cookie::build(auth::SESSION_COOKIE).path("/"));
    Ok((jar, Json(SignedOut { signed_out: true })))
}

/// `GET /api/v1/auth/me`.
#[utoipa::path(
    get,
    path = "/api/v1/auth/me",
    tag = "staff",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in member of staff", body = super::openapi::Me),
        super::openapi::SignedIn,
    )
)]
pub async fn me(staff: Staff) -> Json<Me> {
    Json(Me {
        user: UserBody::from(&staff.user),
        csrf_token: staff.csrf_token,
    })
}

/// `POST /api/v1/auth/password`: changes one's own password; other sessions end.
#[utoipa::path(
    post,
    path = "/api/v1/auth/password",
    tag = "staff",
    security(("bearer" = [])),
    request_body(content = super::openapi::PasswordRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "Changed; other sessions end", body = super::openapi::PasswordChanged),
        (status = 429, response = super::openapi::TooManyRequests),
        super::openapi::SignedIn,
        super::openapi::JsonBody,
    )
)]
pub async fn change_password(
    State(app): State<AppState>,
    staff: Staff,
    client: Option<Extension<ClientAddress>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<PasswordChanged>, ApiError> {
    let request: PasswordRequest = typed_body(&headers, body)?;
    change_own_password(
        &app,
        &staff,
        client.map(|Extension(ClientAddress(address))| address),
        &request.current_password,
        &request.new_password,
    )
    .await?;
    Ok(Json(PasswordChanged { changed: true }))
}

impl From<&CaseSummary> for CaseSummaryBody {
    fn from(c: &CaseSummary) -> Self {
        CaseSummaryBody {
            number: c.number.to_string(),
            kind: c.kind.as_str().to_owned(),
            channel: c.channel.as_str().to_owned(),
            subject: c.subject.clone(),
            status: c.status.as_str().to_owned(),
            status_label: c.status.label_bg().to_owned(),
            received_at: local_time(c.received_at),
            answer_due: c.answer_due.map(|d| d.to_string()),
            urgency: c.urgency.as_str().to_owned(),
            department_id: c.department_id,
            department: c.department_name.clone(),
            assignee_id: c.assignee_id,
            assignee: c.assignee_name.clone(),
        }
    }
}

/// `GET /api/v1/cases`: my inbox, most urgent first.
#[utoipa::path(
    get,
    path = "/api/v1/cases",
    tag = "staff",
    security(("bearer" = [])),
    params(
        ("kind" = Option<super::openapi::KindName>, Query),
        ("channel" = Option<super::openapi::ChannelName>, Query),
        ("status" = Option<super::openapi::StatusFilter>, Query, description = "A status, `open` (the default) or `all`"),
        ("department_id" = Option<i64>, Query),
        ("overdue" = Option<String>, Query, description = "`true`: overdue cases only"),
        ("page" = Option<i64>, Query, minimum = 1, maximum = 4294967295_i64, description = "200 cases a page"),
    ),
    responses(
        (status = 200, description = "My inbox, most urgent first", body = super::openapi::Inbox),
        (status = 400, response = super::openapi::BadRequest),
        super::openapi::SignedIn,
    )
)]
pub async fn inbox(
    State(app): State<AppState>,
    staff: Staff,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Inbox>, ApiError> {
    let filter = filters::inbox(&staff, &query)?;
    let cases = app.store.inbox(&filter).await?;
    Ok(Json(Inbox {
        cases: cases.iter().map(CaseSummaryBody::from).collect(),
    }))
}

/// A case as the back office sees it, with the actions `staff` may take now (no
/// `possible_duplicates`: only `GET /api/v1/cases/{number}` looks for them).
fn case_body(app: &AppState, staff: &Staff, c: &CaseRecord) -> CaseBody {
    let today = local_date(app.clock.now());
    CaseBody {
        number: c.number.to_string(),
        kind: c.kind.as_str().to_owned(),
        channel: c.channel.as_str().to_owned(),
        subject: c.subject.clone(),
        body: c.body.clone(),
        address: c.address.clone(),
        anonymous: c.anonymous,
        health_or_safety_threat: c.health_or_safety_threat,
        about_bad_administration: c.about_bad_administration,
        about_employee: c.about_employee,
        in_writing: c.in_writing,
        received_at: local_time(c.received_at),
        received_date: c.received_date.to_string(),
        status: c.status.as_str().to_owned(),
        status_label: c.status.label_bg().to_owned(),
        considered: c.considered,
        deadline_rule: c.deadline_rule.clone(),
        answer_due: c.answer_due.map(|d| d.to_string()),
        acknowledge_due: c.acknowledge_due.map(|d| d.to_string()),
        urgency: urgency(c.answer_due, today, &app.calendar)
            .as_str()
            .to_owned(),
        escalated: c.escalated_at.is_some(),
        decisions: c.decisions.iter().map(DecisionBody::from).collect(),
        sealed: c.sealed,
        entered_by: c.entered_by.clone(),
        subject_employee_id: c.subject_employee_id,
        department_id: c.department_id,
        assignee_id: c.assignee_id,
        triage_note: c.triage_note.clone(),
        not_considered_rule: c.not_considered_rule.clone(),
        forwarded_to: c.forwarded_to.clone(),
        forwarded_at: c.forwarded_at.map(local_time),
        duplicate_of: c.duplicate_of.map(|n| n.to_string()),
        answer: c.answer_text.as_ref().map(|text| AnswerBody {
            text: text.clone(),
            signed_by: c.answered_by,
            sent_at: c.answered_at.map(local_time),
        }),
        history: c.history.iter().map(HistoryEvent::from).collect(),
        available_actions: available_actions(staff, c)
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect(),
        possible_duplicates: None,
    }
}

/// `GET /api/v1/cases/{number}`.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{number}",
    tag = "staff",
    security(("bearer" = [])),
    params(("number" = String, Path, description = "The registration number, e.g. 2026-000123", pattern = r"^[0-9]{4}-[0-9]{6,}$")),
    responses(
        (status = 200, description = "The case, its history and the actions I may take now", body = super::openapi::CaseBody),
        (status = 404, response = super::openapi::NotFound),
        super::openapi::SignedIn,
    )
)]
pub async fn case(
    State(app): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
) -> Result<Json<CaseBody>, ApiError> {
    let case = cases::load_visible(&app, &staff, &number).await?;
    let duplicates = priemna_app::search::possible_duplicates(&app, &staff, &case).await;
    Ok(Json(CaseBody {
        possible_duplicates: Some(
            duplicates
                .iter()
                .map(|d| PossibleDuplicate {
                    number: d.case.number.to_string(),
                    subject: d.case.subject.clone(),
                    kind: d.case.kind.as_str().to_owned(),
                    status: d.case.status.as_str().to_owned(),
                    address: d.case.address.clone(),
                    received_at: local_time(d.case.received_at),
                    similarity: (f64::from(d.similarity) * 100.0).round() / 100.0,
                    same_address: d.same_address,
                })
                .collect(),
        ),
        ..case_body(&app, &staff, &case)
    }))
}

/// `GET /api/v1/cases/{number}/personal-data`: the submitter (or, for designated officers, the
/// whistleblower's sealed identity). Every reading is journalled.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{number}/personal-data",
    tag = "staff",
    security(("bearer" = [])),
    params(("number" = String, Path, description = "The registration number, e.g. 2026-000123", pattern = r"^[0-9]{4}-[0-9]{6,}$")),
    responses(
        (status = 200, description = "The submitter's details (the reading is journalled)", body = super::openapi::PersonalDataBody),
        (status = 404, response = super::openapi::NotFound),
        super::openapi::SignedIn,
    )
)]
pub async fn personal_data(
    State(app): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
) -> Result<Json<PersonalDataBody>, ApiError> {
    let case = cases::load_visible(&app, &staff, &number).await?;
    let permission = if case.sealed {
        Permission::ViewSealedIdentity
    } else {
        Permission::ViewPersonalData
    };
    cases::require(&app, &staff, permission, &case).await?;
    let data = app
        .store
        .personal_data(&case, &staff.actor_label(), app.clock.now())
        .await?;
    Ok(Json(PersonalDataBody {
        number: case.number.to_string(),
        anonymous: data.is_none(),
        submitter: data.map(SubmitterData::from),
    }))
}

/// `POST /api/v1/cases/{number}/actions`.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{number}/actions",
    tag = "staff",
    security(("bearer" = [])),
    params(("number" = String, Path, description = "The registration number, e.g. 2026-000123", pattern = r"^[0-9]{4}-[0-9]{6,}$")),
    request_body(content = super::openapi::ActionRequestBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Done: the case as it is now", body = super::openapi::CaseBody),
        (status = 404, response = super::openapi::NotFound),
        (status = 409, response = super::openapi::Conflict),
        super::openapi::SignedIn,
        super::openapi::JsonBody,
    )
)]
pub async fn act(
    State(app): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<CaseBody>, ApiError> {
    let request: ActionRequest = typed_body(&headers, body)?;
    let case = cases::perform(&app, &staff, &number, &request).await?;
    Ok(Json(case_body(&app, &staff, &case)))
}

/// `POST /api/v1/cases/{number}/conflicts`: declare one's own conflict of interest.
#[utoipa::path(
    post,
    path = "/api/v1/cases/{number}/conflicts",
    tag = "staff",
    security(("bearer" = [])),
    params(("number" = String, Path, description = "The registration number, e.g. 2026-000123", pattern = r"^[0-9]{4}-[0-9]{6,}$")),
    request_body(content = super::openapi::ConflictRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "Recorded; the case leaves me", body = super::openapi::ConflictDeclared),
        (status = 404, response = super::openapi::NotFound),
        (status = 409, response = super::openapi::Conflict),
        super::openapi::SignedIn,
        super::openapi::JsonBody,
    )
)]
pub async fn declare_conflict(
    State(app): State<AppState>,
    staff: Staff,
    Path(number): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ConflictDeclared>, ApiError> {
    let request: ConflictRequest = typed_body(&headers, body)?;
    let case = cases::declare_conflict(&app, &staff, &number, request.reason.as_deref()).await?;
    Ok(Json(ConflictDeclared {
        number: case.number.to_string(),
        status: case.status.as_str().to_owned(),
        assignee_id: case.assignee_id,
    }))
}

/// `GET /api/v1/reminders`: my reminders about deadlines.
#[utoipa::path(
    get,
    path = "/api/v1/reminders",
    tag = "staff",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "My deadline reminders", body = super::openapi::Reminders),
        super::openapi::SignedIn,
    )
)]
pub async fn reminders(
    State(app): State<AppState>,
    staff: Staff,
) -> Result<Json<Reminders>, ApiError> {
    let list = priemna_app::jobs::visible_reminders(
        &staff.user,
        app.store.reminders_for(staff.user.id).await?,
    );
    Ok(Json(Reminders {
        reminders: list
            .iter()
            .map(|r| ReminderBody {
                number: r.number.to_string(),
                subject: r.subject.clone(),
                kind: r.kind.as_str().to_owned(),
                due: r.due.to_string(),
                created_at: local_time(r.created_at),
            })
            .collect(),
    }))
}

/// `GET /api/v1/journal?after=ID&limit=N` (auditors and administrators).
#[utoipa::path(
    get,
    path = "/api/v1/journal",
    tag = "administration",
    security(("bearer" = [])),
    params(
        ("after" = Option<i64>, Query, description = "Entries after this id"),
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 1000, description = "At most this many (default 100)"),
    ),
    responses(
        (status = 200, description = "Journal entries and whether the chain is intact", body = super::openapi::JournalPage),
        (status = 400, response = super::openapi::BadRequest),
        super::openapi::SignedIn,
    )
)]
pub async fn journal(
    State(app): State<AppState>,
    staff: Staff,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<JournalPage>, ApiError> {
    priemna_app::refusals::check(
        &app,
        &staff,
        Permission::ViewJournal,
        priemna_app::refusals::Target::Page("/api/v1/journal"),
    )
    .await?;
    // An empty value is no value (as a form sends it); anything else must be a number in range.
    let get = |k: &str| query.get(k).map(|s| s.trim()).filter(|s| !s.is_empty());
    let mut errors = Vec::new();
    let after = match get("after").map(str::parse::<i64>) {
        None => 0,
        Some(Ok(after)) => after,
        Some(Err(_)) => {
            errors.push(FieldError::new(
                "after",
                Problem::WrongType {
                    expected: "integer",
                },
            ));
            0
        }
    };
    let limit = match get("limit").map(str::parse::<u32>) {
        None => 100,
        Some(Ok(limit)) if (1..=1000).contains(&limit) => limit,
        Some(_) => {
            errors.push(FieldError::new(
                "limit",
                Problem::Invalid {
                    detail: "1–1000".into(),
                },
            ));
            100
        }
    };
    if !errors.is_empty() {
        return Err(ApiError::BadRequest(errors));
    }
    let entries = app.store.journal(after, limit).await?;
    let verdict = app.store.verify_journal().await?;
    Ok(Json(JournalPage {
        intact: matches!(verdict, JournalVerdict::Intact { .. }),
        entries: entries
            .into_iter()
            .map(|e| JournalEntryBody {
                details: serde_json::from_str(&e.details).unwrap_or(serde_json::Value::Null),
                id: e.id,
                at: e.at,
                actor: e.actor,
                action: e.action,
                submission_id: e.submission_id,
                hash: e.hash,
            })
            .collect(),
    }))
}

/// `GET /api/v1/users`: administrators get every account; other staff (not auditors) get the
/// active colleagues they may assign cases to — in their own department for heads and case
/// officers — with no username, e-mail or designation.
#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "administration",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Staff (all of it, for administrators; colleagues otherwise)", body = super::openapi::UserList),
        super::openapi::SignedIn,
    )
)]
pub async fn users(State(app): State<AppState>, staff: Staff) -> Result<Json<UserList>, ApiError> {
    let actor = staff.user.actor();
    if actor.role == Role::Auditor {
        return Err(access::check(&actor, Permission::ManageUsers, None)
            .err()
            .map(ApiError::from)
            .unwrap_or(ApiError::NotFound));
    }
    let list = app.store.users().await?;
    let users = if access::check(&actor, Permission::ManageUsers, None).is_ok() {
        list.iter().map(UserListEntry::full).collect()
    } else {
        colleagues(&staff.user, &list)
            .into_iter()
            .map(UserListEntry::colleague)
            .collect()
    };
    Ok(Json(UserList { users }))
}

/// The colleagues a member of staff who is not an administrator may see: active accounts,
/// within their own department for heads and case officers.
pub fn colleagues<'a>(me: &User, all: &'a [User]) -> Vec<&'a User> {
    let own_department_only = matches!(me.role, Role::CaseOfficer | Role::DepartmentHead);
    all.iter()
        .filter(|u| u.active)
        .filter(|u| {
            !own_department_only
                || (u.department_id.is_some() && u.department_id == me.department_id)
        })
        .collect()
}

impl From<&AccountState> for AccountStateBody {
    fn from(s: &AccountState) -> Self {
        AccountStateBody {
            role: s.role.as_str().to_owned(),
            department_id: s.department_id,
            corruption_officer: s.corruption_officer,
            active: s.active,
            display_name: s.display_name.clone(),
            email: s.email.clone(),
        }
    }
}

impl From<&StaffChange> for UserChangeBody {
    fn from(c: &StaffChange) -> Self {
        UserChangeBody {
            id: c.id,
            user_id: c.user_id,
            username: c.username.clone(),
            before: AccountStateBody::from(&c.before),
            after: AccountStateBody::from(&c.after),
            reset_password: c.reset_password,
            requested_by: c.requested_by,
            requested_by_name: c.requested_by_name.clone(),
            requested_at: local_time(c.requested_at),
            state: c.state.as_str().to_owned(),
            decided_by: c.decided_by.clone(),
            decided_at: c.decided_at.map(local_time),
        }
    }
}

/// The answer for a change that waits: 202 with the change and who can approve it.
async fn pending_answer(
    app: &AppState,
    staff: &Staff,
    change: &StaffChange,
) -> Result<(axum::http::StatusCode, Json<PendingAnswer>), ApiError> {
    let others = other_administrators(app, staff.user.id).await?;
    let (bg, en) = if others == 0 {
        (
            format!(
                "Промяната чака одобрение от втори администратор, а друг няма. Одобрете я на \
                 сървъра: `priemna user approve {}`.",
                change.id
            ),
            format!(
                "The change waits for a second administrator and there is none. Approve it on \
                 the server: `priemna user approve {}`.",
                change.id
            ),
        )
    } else {
        (
            "Промяната чака одобрение от друг администратор.".to_owned(),
            "The change waits for another administrator's approval.".to_owned(),
        )
    };
    Ok((
        axum::http::StatusCode::ACCEPTED,
        Json(PendingAnswer {
            pending: UserChangeBody::from(change),
            message: bg,
            message_en: en,
        }),
    ))
}

/// `POST /api/v1/users` (administrators). A designation for corruption signals is not given
/// at once, and an account with a role that handles cases or administers is created inactive:
/// the designation and the activation wait for a second administrator (`pending_change`).
#[utoipa::path(
    post,
    path = "/api/v1/users",
    tag = "administration",
    security(("bearer" = [])),
    request_body(content = super::openapi::NewUserRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "Created (a designation or activation waits for a second administrator)", body = super::openapi::CreatedUser),
        (status = 409, response = super::openapi::Conflict),
        super::openapi::SignedIn,
        super::openapi::JsonBody,
    )
)]
pub async fn add_user(
    State(app): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<impl IntoResponse, ApiError> {
    access::check(&staff.user.actor(), Permission::ManageUsers, None)?;
    let r: NewUserRequest = typed_body(&headers, body)?;
    let draft = StaffDraft {
        username: r.username,
        display_name: r.display_name,
        role: r.role,
        password: r.password,
        department_id: r.department_id,
        corruption_officer: r.corruption_officer.unwrap_or(false),
        email: r.email,
    };
    let (user, pending) = create_user(&app, Changer::Admin(&staff), &draft).await?;
    let UserBody {
        id,
        username,
        display_name,
        role,
        role_label,
        department_id,
        corruption_officer,
        active,
        email,
        locked_until,
        must_change_password,
    } = UserBody::from(&user);
    let body = CreatedUser {
        id,
        username,
        display_name,
        role,
        role_label,
        department_id,
        corruption_officer,
        active,
        email,
        locked_until,
        must_change_password,
        pending_change: pending.as_ref().map(UserChangeBody::from),
    };
    Ok((axum::http::StatusCode::CREATED, Json(body)))
}

/// `PATCH /api/v1/users/{id}` (administrators): applied at once (200), or, for a designation,
/// a role that handles cases or administers, or one's own account, stored to wait for a
/// second administrator (202).
#[utoipa::path(
    patch,
    path = "/api/v1/users/{id}",
    tag = "administration",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body(content = super::openapi::UpdateUserRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "Changed", body = super::openapi::UserBody),
        (status = 202, description = "Waiting for a second administrator", body = super::openapi::PendingAnswer),
        (status = 409, response = super::openapi::Conflict),
        super::openapi::SignedIn,
        super::openapi::ById,
        super::openapi::JsonBody,
    )
)]
pub async fn update_user(
    State(app): State<AppState>,
    staff: Staff,
    Path(id): Path<UserId>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<axum::response::Response, ApiError> {
    access::check(&staff.user.actor(), Permission::ManageUsers, None)?;
    let r: UpdateUserRequest = typed_body(&headers, body)?;
    let user = app.store.user_by_id(id).await?.ok_or(ApiError::NotFound)?;
    let mut after = user.state();
    if let Some(role) = r.role {
        after.role = Role::parse(&role).ok_or_else(|| {
            ApiError::Validation(vec![FieldError::new(
                "role",
                Problem::UnknownValue {
                    allowed: Role::ALL.iter().map(|r| r.as_str()).collect(),
                },
            )])
        })?;
    }
    if let Some(d) = r.department_id {
        if let Some(d) = d
            && !app.store.departments().await?.iter().any(|x| x.id == d)
        {
            return Err(ApiError::Validation(vec![FieldError::new(
                "department_id",
                Problem::UnknownReference,
            )]));
        }
        after.department_id = d;
    }
    if let Some(c) = r.corruption_officer {
        after.corruption_officer = c;
    }
    if let Some(a) = r.active {
        after.active = a;
    }
    if let Some(n) = r.display_name.filter(|n| !n.trim().is_empty()) {
        after.display_name = n.trim().to_owned();
    }
    if let Some(email) = r.email {
        after.email =
            staff_email("email", email.as_deref()).map_err(|e| ApiError::Validation(vec![e]))?;
    }
    match change_account(&app, Changer::Admin(&staff), &user, after, false).await? {
        AccountOutcome::Applied { user, .. } => Ok(Json(UserBody::from(&user)).into_response()),
        AccountOutcome::Pending(change) => {
            Ok(pending_answer(&app, &staff, &change).await?.into_response())
        }
    }
}

/// `POST /api/v1/users/{id}/unlock` (administrators): ends a lock-out (journalled).
#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/unlock",
    tag = "administration",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "Unlocked", body = super::openapi::UserBody),
        super::openapi::SignedIn,
        super::openapi::ById,
    )
)]
pub async fn unlock_user(
    State(app): State<AppState>,
    staff: Staff,
    Path(id): Path<UserId>,
) -> Result<Json<UserBody>, ApiError> {
    access::check(&staff.user.actor(), Permission::ManageUsers, None)?;
    app.store
        .unlock_user(id, app.clock.now(), &staff.actor_label())
        .await?;
    let user = app.store.user_by_id(id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(UserBody::from(&user)))
}

/// `POST /api/v1/users/{id}/password-reset` (administrators): gives the account a one-time
/// password, shown once, that must be changed at the next sign-in; its sessions end. For an
/// administrator, a designated officer or oneself, the reset waits for a second administrator
/// (202), and the one who approves it gets the password.
#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/password-reset",
    tag = "administration",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "Reset: the one-time password, shown once", body = super::openapi::PasswordReset),
        (status = 202, description = "Waiting for a second administrator", body = super::openapi::PendingAnswer),
        super::openapi::SignedIn,
        super::openapi::ById,
    )
)]
pub async fn reset_password(
    State(app): State<AppState>,
    staff: Staff,
    Path(id): Path<UserId>,
) -> Result<axum::response::Response, ApiError> {
    access::check(&staff.user.actor(), Permission::ManageUsers, None)?;
    let user = app.store.user_by_id(id).await?.ok_or(ApiError::NotFound)?;
    let state = user.state();
    match change_account(&app, Changer::Admin(&staff), &user, state, true).await? {
        AccountOutcome::Applied {
            user,
            one_time_password,
        } => Ok(Json(PasswordReset {
            user: UserBody::from(&user),
            one_time_password,
        })
        .into_response()),
        AccountOutcome::Pending(change) => {
            Ok(pending_answer(&app, &staff, &change).await?.into_response())
        }
    }
}

/// `GET /api/v1/user-changes` (administrators): changes to staff, newest first; `?state=all`
/// for the decided ones too (default: those waiting).
#[utoipa::path(
    get,
    path = "/api/v1/user-changes",
    tag = "administration",
    security(("bearer" = [])),
    params(("state" = Option<String>, Query, description = "`pending` (default) or `all`")),
    responses(
        (status = 200, description = "Changes to staff", body = super::openapi::UserChangeList),
        super::openapi::SignedIn,
    )
)]
pub async fn user_changes(
    State(app): State<AppState>,
    staff: Staff,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<UserChangeList>, ApiError> {
    access::check(&staff.user.actor(), Permission::ManageUsers, None)?;
    let pending_only = query.get("state").is_none_or(|s| s != "all");
    let changes = app.store.staff_changes(pending_only).await?;
    Ok(Json(UserChangeList {
        changes: changes.iter().map(UserChangeBody::from).collect(),
    }))
}

async fn decide(
    app: &AppState,
    staff: &Staff,
    id: i64,
    approve: bool,
) -> Result<Json<UserChangeDecided>, ApiError> {
    access::check(&staff.user.actor(), Permission::ManageUsers, None)?;
    let (change, password) = decide_change(app, Changer::Admin(staff), id, approve).await?;
    Ok(Json(UserChangeDecided {
        change: UserChangeBody::from(&change),
        one_time_password: password,
    }))
}

/// `POST /api/v1/user-changes/{id}/approve` (another administrator): applies the change.
#[utoipa::path(
    post,
    path = "/api/v1/user-changes/{id}/approve",
    tag = "administration",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "Approved and applied (with the one-time password of a reset)", body = super::openapi::UserChangeDecided),
        (status = 409, response = super::openapi::Conflict),
        super::openapi::SignedIn,
        super::openapi::ById,
    )
)]
pub async fn approve_change(
    State(app): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Json<UserChangeDecided>, ApiError> {
    decide(&app, &staff, id, true).await
}

/// `POST /api/v1/user-changes/{id}/reject` (another administrator).
#[utoipa::path(
    post,
    path = "/api/v1/user-changes/{id}/reject",
    tag = "administration",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, description = "Rejected", body = super::openapi::UserChangeDecided),
        (status = 409, response = super::openapi::Conflict),
        super::openapi::SignedIn,
        super::openapi::ById,
    )
)]
pub async fn reject_change(
    State(app): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Json<UserChangeDecided>, ApiError> {
    decide(&app, &staff, id, false).await
}

/// `GET /api/v1/departments` (any member of staff).
#[utoipa::path(
    get,
    path = "/api/v1/departments",
    tag = "administration",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The departments", body = super::openapi::DepartmentList),
        super::openapi::SignedIn,
    )
)]
pub async fn departments(
    State(app): State<AppState>,
    _staff: Staff,
) -> Result<Json<DepartmentList>, ApiError> {
    let list = app.store.departments().await?;
    Ok(Json(DepartmentList {
        departments: list
            .into_iter()
            .map(|d| DepartmentBody {
                id: d.id,
                name: d.name,
                head_user_id: d.head_user_id,
            })
            .collect(),
    }))
}

/// `POST /api/v1/departments` (administrators).
#[utoipa::path(
    post,
    path = "/api/v1/departments",
    tag = "administration",
    security(("bearer" = [])),
    request_body(content = super::openapi::NewDepartmentRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = super::openapi::DepartmentBody),
        (status = 404, response = super::openapi::NotFound),
        (status = 409, response = super::openapi::Conflict),
        super::openapi::SignedIn,
        super::openapi::JsonBody,
    )
)]
pub async fn add_department(
    State(app): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<impl IntoResponse, ApiError> {
    access::check(&staff.user.actor(), Permission::ManageDepartments, None)?;
    let r: NewDepartmentRequest = typed_body(&headers, body)?;
    let name = r.name.trim();
    if name.is_empty() {
        return Err(ApiError::Validation(vec![FieldError::new(
            "name",
            Problem::Missing,
        )]));
    }
    // The head is checked before the department is created, so a wrong id creates nothing.
    if let Some(head) = r.head_user_id
        && app.store.user_by_id(head).await?.is_none()
    {
        return Err(ApiError::Validation(vec![FieldError::new(
            "head_user_id",
            Problem::UnknownReference,
        )]));
    }
    let now = app.clock.now();
    let department = app
        .store
        .create_department(name, now, &staff.actor_label())
        .await?;
    if let Some(head) = r.head_user_id {
        app.store
            .set_department_head(department.id, Some(head), now, &staff.actor_label())
            .await?;
    }
    Ok((
        axum::http::StatusCode::CREATED,
        Json(DepartmentBody {
            id: department.id,
            name: department.name,
            head_user_id: r.head_user_id,
        }),
    ))
}

/// `PUT /api/v1/departments/{id}/head` (administrators).
#[utoipa::path(
    put,
    path = "/api/v1/departments/{id}/head",
    tag = "administration",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body(content = super::openapi::HeadRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "Set", body = super::openapi::HeadSet),
        (status = 409, response = super::openapi::Conflict),
        super::openapi::SignedIn,
        super::openapi::ById,
        super::openapi::JsonBody,
    )
)]
pub async fn set_head(
    State(app): State<AppState>,
    staff: Staff,
    Path(id): Path<DepartmentId>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<HeadSet>, ApiError> {
    access::check(&staff.user.actor(), Permission::ManageDepartments, None)?;
    let r: HeadRequest = typed_body(&headers, body)?;
    app.store
        .set_department_head(id, r.head_user_id, app.clock.now(), &staff.actor_label())
        .await?;
    Ok(Json(HeadSet {
        id,
        head_user_id: r.head_user_id,
    }))
}
