//! The versioned JSON API, `/api/v1/…`.

mod calendar;
pub mod conversation;
pub mod mailbox;
pub mod notify;
pub mod openapi;
pub mod search;
pub mod staff;
pub mod statistics;
mod submissions;

use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/api/v1/submissions", post(submissions::create))
        .route("/api/v1/submissions/{number}", get(submissions::track))
        .route(
            "/api/v1/submissions/{number}/export",
            get(submissions::export),
        )
        .route(
            "/api/v1/submissions/{number}/messages",
            get(conversation::citizen_list)
                .post(conversation::citizen_add)
                .layer(axum::extract::DefaultBodyLimit::max(
                    priemna_app::uploads::MAX_FORM_BYTES,
                )),
        )
        .route(
            "/api/v1/cases/{number}/messages",
            get(conversation::staff_list).post(conversation::staff_add),
        )
        .route("/api/v1/kinds", get(submissions::kinds))
        .route("/api/v1/channels", get(submissions::channels))
        .route("/api/v1/calendar/{year}", get(calendar::year))
        .route("/api/v1/deadline", get(calendar::deadline))
        .route("/api/v1/reception", get(calendar::reception))
        .route("/api/v1/auth/login", post(staff::login))
        .route("/api/v1/auth/logout", post(staff::logout))
        .route("/api/v1/auth/me", get(staff::me))
        .route(
            "/api/v1/auth/mail",
            get(conversation::mail_mode).put(conversation::set_mail_mode),
        )
        .route("/api/v1/auth/password", post(staff::change_password))
        .route("/api/v1/cases", get(staff::inbox))
        .route("/api/v1/cases/{number}", get(staff::case))
        .route(
            "/api/v1/cases/{number}/personal-data",
            get(staff::personal_data),
        )
        .route("/api/v1/cases/{number}/actions", post(staff::act))
        .route(
            "/api/v1/cases/{number}/conflicts",
            post(staff::declare_conflict),
        )
        .route("/api/v1/reminders", get(staff::reminders))
        .route("/api/v1/journal", get(staff::journal))
        .route("/api/v1/users", get(staff::users).post(staff::add_user))
        .route(
            "/api/v1/users/{id}",
            axum::routing::patch(staff::update_user),
        )
        .route("/api/v1/users/{id}/unlock", post(staff::unlock_user))
        .route(
            "/api/v1/users/{id}/password-reset",
            post(staff::reset_password),
        )
        .route("/api/v1/user-changes", get(staff::user_changes))
        .route(
            "/api/v1/user-changes/{id}/approve",
            post(staff::approve_change),
        )
        .route(
            "/api/v1/user-changes/{id}/reject",
            post(staff::reject_change),
        )
        .route(
            "/api/v1/departments",
            get(staff::departments).post(staff::add_department),
        )
        .route(
            "/api/v1/departments/{id}/head",
            axum::routing::put(staff::set_head),
        )
}

#[utoipa::path(
    get,
    path = "/healthz",
    tag = "citizens",
    responses(
        (status = 200, description = "The server and its database answer", body = openapi::Health),
        (status = 503, response = openapi::Unavailable),
    )
)]
async fn healthz(State(app): State<AppState>) -> Result<Json<openapi::Health>, ApiError> {
    app.store.ping().await?;
    Ok(Json(openapi::Health {
        status: "ok".to_owned(),
    }))
}

/// `GET /readyz`: whether this server should be sent traffic — its database answers, and, when
/// it sends e-mail, its outbox worker is running (not restarting or stopped). `/healthz` says
/// only that the process and its database are alive.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "citizens",
    responses(
        (status = 200, description = "Ready: the database answers and the outbox worker runs (or no SMTP server is configured)", body = openapi::Readiness),
        (status = 503, description = "Not ready, with the reasons", body = openapi::Readiness),
    )
)]
async fn readyz(State(app): State<AppState>) -> Response {
    let mut reasons = Vec::new();
    let database = match app.store.ping().await {
        Ok(()) => "ok",
        Err(e) => {
            tracing::warn!(error = %e, "readiness: the database does not answer");
            reasons.push("the database does not answer".to_owned());
            "unavailable"
        }
    };
    let worker = app.notify.health.snapshot();
    let outbox_worker = match worker.state {
        priemna_app::notify::WorkerState::NotStarted if !app.notify.smtp_configured => {
            "not_configured"
        }
        state => state.as_str(),
    };
    if !matches!(outbox_worker, "running" | "not_configured") {
        reasons.push(format!(
            "the outbox worker is {}",
            outbox_worker.replace('_', " ")
        ));
    }
    let ready = reasons.is_empty();
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = openapi::Readiness {
        status: if ready { "ready" } else { "unready" }.to_owned(),
        database: database.to_owned(),
        outbox_worker: outbox_worker.to_owned(),
        reasons,
    };
    (
        status,
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Json(body),
    )
        .into_response()
}
