//! The versioned JSON API, `/api/v1/…`.

mod calendar;
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
        .route("/api/v1/kinds", get(submissions::kinds))
        .route("/api/v1/channels", get(submissions::channels))
        .route("/api/v1/calendar/{year}", get(calendar::year))
        .route("/api/v1/deadline", get(calendar::deadline))
        .route("/api/v1/reception", get(calendar::reception))
}

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
