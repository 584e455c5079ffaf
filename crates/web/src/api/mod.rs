//! The versioned JSON API, `/api/v1/…`.

mod calendar;
pub mod openapi;
pub mod search;
pub mod staff;
pub mod statistics;
mod submissions;

use crate::AppState;
use crate::error::ApiError;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use jiff::Timestamp;
use priemna_domain::clock::municipal_tz;
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/v1/submissions", post(submissions::create))
        .route("/api/v1/submissions/{number}", get(submissions::track))
        .route(
            "/api/v1/submissions/{number}/export",
            get(submissions::export),
        )
        .route("/api/v1/kinds", get(submissions::kinds))
        .route("/api/v1/channels", get(submissions::channels))
        .route("/api/v1/calendar/{year}", get(calendar::year))
        .route("/api/v1/deadline", get(calendar::deadline))
        .route("/api/v1/reception", get(calendar::reception))
        .route("/api/v1/auth/login", post(staff::login))
        .route("/api/v1/auth/logout", post(staff::logout))
        .route("/api/v1/auth/me", get(staff::me))
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
async fn healthz(State(app): State<AppState>) -> Result<Json<Value>, ApiError> {
    app.store.ping().await?;
    Ok(Json(json!({ "status": "ok" })))
}

/// An instant as the municipality reads it: RFC 3339 with the Sofia offset.
pub fn local_time(at: Timestamp) -> String {
    at.to_zoned(municipal_tz())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}
