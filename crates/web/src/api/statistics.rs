//! `GET /api/v1/statistics?year=` (or `from=YYYY-MM&to=YYYY-MM`): the published figures of a
//! period as JSON — the same document as `/statistics.json`, counts only.

use super::openapi::Statistics;
use crate::error::ApiError;
use crate::state::AppState;
use crate::stats::{public, view};
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/statistics", get(handler))
}

/// `GET /api/v1/statistics`.
#[utoipa::path(
    get,
    path = "/api/v1/statistics",
    operation_id = "statistics",
    tag = "statistics",
    params(
        ("year" = Option<i32>, Query, minimum = 1900, maximum = 9999,
         description = "The year (the current year when neither `year` nor `from`/`to` is given)"),
        ("from" = Option<String>, Query, pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$",
         description = "The first month, YYYY-MM (with `to`; takes the place of `year`)"),
        ("to" = Option<String>, Query, pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$",
         description = "The last month, YYYY-MM: not before `from`, at most 120 months after it"),
    ),
    responses(
        (status = 200, description = "The figures of the period: totals, each breakdown with every measure, the most frequent topics", body = super::openapi::Statistics),
        (status = 400, response = super::openapi::BadRequest),
        (status = 503, response = super::openapi::Unavailable),
    )
)]
pub async fn handler(
    State(app): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Statistics>, ApiError> {
    let (view, years) = public::figures_for(&app, &query).await?;
    Ok(Json(view::figures(&view, &years)))
}
