//! Priemna over HTTP: the versioned JSON API, Open311, the back office (`pages`) and the
//! citizens' portal (`portal`) — adapters only.
//!
//! Handlers are thin: they turn HTTP into calls of the application (`priemna_app`: intake, case
//! actions, accounts, sign-in, the outbox) and its answers into responses. Every failure becomes
//! an `ApiError`, rendered in one place (`error`).

pub mod api;
mod application;
pub mod audit;
pub mod auth;
mod error;
mod extract;
mod headers;
pub mod json;
mod lang;

pub mod limits;
pub mod open311;
pub mod pages;
mod pdf;
pub mod portal;
pub mod state;
pub mod stats;

pub use application::{Application, Background, StartError};
pub use error::ApiError;
pub use state::AppState;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use std::future::Future;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

/// The largest request body the JSON API accepts.
pub const MAX_JSON_BODY_BYTES: usize = 64 * 1024;

/// The whole application as a router.
pub fn router(state: AppState) -> Router {
    api::routes()
        .merge(api::notify::routes())
        .merge(api::mailbox::routes())
        .merge(pages::routes())
        .merge(portal::routes())
        .merge(open311::routes())
        .merge(api::openapi::routes())
        .merge(api::search::routes())
        .merge(api::statistics::routes())
        .merge(stats::public::routes())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            limits::enforce,
        ))
        .with_state(state.clone())
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY_BYTES))
        .layer(middleware::from_fn(error::json_errors_everywhere))
        // Security headers on every answer, the framework's own errors included.
        .layer(middleware::from_fn_with_state(
            state,
            headers::security_headers,
        ))
        .layer(TraceLayer::new_for_http())
}

/// Serves the application on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The peer's address is needed for per-client rate limits.
    let service = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
}
