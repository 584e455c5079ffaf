//! `GET /api/v1/search?q=&kind=&channel=&status=&department_id=&from=&to=&page=`: full-text
//! search over the cases the member of staff may read, best first, with highlighted extracts.

use super::openapi::{SearchHit, SearchResults};
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use priemna_app::search::{self, PER_PAGE};
use priemna_app::staff::Staff;
use priemna_domain::clock::local_time;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/search", get(handler))
}

/// `GET /api/v1/search`.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    operation_id = "search_cases",
    tag = "staff",
    security(("bearer" = [])),
    params(
        ("q" = Option<String>, Query, description = "The words to look for (Bulgarian or Latin letters)"),
        ("kind" = Option<super::openapi::KindName>, Query),
        ("channel" = Option<super::openapi::ChannelName>, Query),
        ("status" = Option<super::openapi::StatusFilter>, Query, description = "A status, `open` or `all` (the default)"),
        ("department_id" = Option<i64>, Query),
        ("from" = Option<String>, Query, format = Date, description = "Received on or after"),
        ("to" = Option<String>, Query, format = Date, description = "Received on or before"),
        ("page" = Option<i64>, Query, minimum = 1, maximum = 500, description = "20 cases a page"),
    ),
    responses(
        (status = 200, description = "The cases I may read that match, best first", body = super::openapi::SearchResults),
        (status = 400, response = super::openapi::BadRequest),
        super::openapi::SignedIn,
    )
)]
pub async fn handler(
    State(app): State<AppState>,
    staff: Staff,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<SearchResults>, ApiError> {
    let request = search::parse_request(&query).map_err(ApiError::BadRequest)?;
    let results = search::search(&app, &staff, &request).await?;
    Ok(Json(SearchResults {
        total: i64::try_from(results.total).unwrap_or(i64::MAX),
        page: i64::try_from(results.page).unwrap_or(i64::MAX),
        per_page: i64::try_from(PER_PAGE).unwrap_or(i64::MAX),
        results: results
            .found
            .into_iter()
            .map(|f| SearchHit {
                number: f.case.number.to_string(),
                kind: f.case.kind.as_str().to_owned(),
                channel: f.case.channel.as_str().to_owned(),
                status: f.case.status.as_str().to_owned(),
                status_label: f.case.status.label_bg().to_owned(),
                subject: f.case.subject,
                address: f.case.address,
                received_at: local_time(f.case.received_at),
                department_id: f.case.department_id.map(i64::from),
                assignee_id: f.case.assignee_id.map(i64::from),
                duplicate_of_id: f.case.duplicate_of.map(i64::from),
                score: (f64::from(f.score) * 1000.0).round() / 1000.0,
                snippet_html: f.snippet_html,
            })
            .collect(),
        query: request.q,
    }))
}
