//! API keys for the applications that post Open311 requests: administrators create, list and
//! revoke them (`/api/v1/api-keys`, or `priemna api-key`). A key is shown once, when it is
//! created; only its SHA-256 is kept.

use crate::api::openapi::{ApiKeyCreated, ApiKeyInfo, ApiKeyList};
use crate::error::ApiError;
use crate::extract::Path;
use crate::json::typed_body;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use priemna_app::api_keys::create_key;
use priemna_app::staff::Staff;
use priemna_domain::access::{self, Permission};
use priemna_domain::clock::local_time;
use priemna_store::ApiKey;
use serde::Deserialize;

/// A new key, as an administrator asks for it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewApiKeyRequest {
    /// Who the key is for, e.g. the application's name (1–100 characters).
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// Answer this application's POSTs with a token instead of the request's number (for
    /// clients written for batch servers). Default false.
    #[serde(default)]
    pub token_responses: bool,
}

pub fn info(key: &ApiKey) -> ApiKeyInfo {
    ApiKeyInfo {
        id: key.id,
        name: key.name.clone(),
        key_prefix: key.key_prefix.clone(),
        token_responses: key.token_responses,
        created_at: local_time(key.created_at),
        created_by: key.created_by.clone(),
        revoked_at: key.revoked_at.map(local_time),
    }
}

/// Create an API key for an Open311 application (administrators).
///
/// The key is in this answer only; Priemna keeps its SHA-256.
#[utoipa::path(
    post,
    path = "/api/v1/api-keys",
    operation_id = "create_api_key",
    tag = "administration",
    security(("bearer" = [])),
    request_body = NewApiKeyRequest,
    responses(
        (status = 201, description = "The key, shown this once", body = ApiKeyCreated),
        crate::api::openapi::SignedIn,
        crate::api::openapi::JsonBody,
    )
)]
pub async fn create(
    State(app): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<impl IntoResponse, ApiError> {
    access::check(&staff.user.actor(), Permission::ManageUsers, None)?;
    let request: NewApiKeyRequest = typed_body(&headers, body)?;
    let (stored, key) = create_key(
        &app,
        &staff.actor_label(),
        &request.name,
        request.token_responses,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(ApiKeyCreated {
            key,
            api_key: info(&stored),
        }),
    ))
}

/// The API keys, live and revoked (administrators); never the keys themselves.
#[utoipa::path(
    get,
    path = "/api/v1/api-keys",
    operation_id = "list_api_keys",
    tag = "administration",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The keys", body = ApiKeyList),
        crate::api::openapi::SignedIn,
    )
)]
pub async fn list(State(app): State<AppState>, staff: Staff) -> Result<Json<ApiKeyList>, ApiError> {
    access::check(&staff.user.actor(), Permission::ManageUsers, None)?;
    let keys = app.store.api_keys().await?;
    Ok(Json(ApiKeyList {
        api_keys: keys.iter().map(info).collect(),
    }))
}

/// Revoke an API key (administrators): the application can no longer post.
#[utoipa::path(
    delete,
    path = "/api/v1/api-keys/{id}",
    operation_id = "revoke_api_key",
    tag = "administration",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The key's id")),
    responses(
        (status = 200, description = "The revoked key", body = ApiKeyInfo),
        crate::api::openapi::SignedIn,
        crate::api::openapi::ById,
    )
)]
pub async fn revoke(
    State(app): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Json<ApiKeyInfo>, ApiError> {
    access::check(&staff.user.actor(), Permission::ManageUsers, None)?;
    let key = app
        .store
        .revoke_api_key(id, app.clock.now(), &staff.actor_label())
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(info(&key)))
}
