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
pub mod portal;
pub mod stats;

pub use api::staff as api_staff;
pub use application::{Application, Background, StartError};
pub use error::ApiError;
use priemna_app::App;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use priemna_domain::{Clock, WorkingCalendar};
use priemna_store::Store;
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

/// The largest request body the JSON API accepts.
pub const MAX_JSON_BODY_BYTES: usize = 64 * 1024;

/// What every handler can reach: the application, and what only HTTP needs.
#[derive(Clone)]
pub struct AppState {
    /// The use cases' context (the register, the clock, the outbox, the search index, …).
    pub app: App,
    /// Served over HTTPS (cookies get `Secure`); also detected per request from a proxy.
    pub https: bool,
    /// Per-address rate limits on intake and sign-in.
    pub limits: Arc<limits::Limits>,
    /// The Open311 endpoint's jurisdiction and contacts.
    pub open311: Arc<open311::Open311Config>,
}

/// Handlers read the application's parts (`state.store`, `state.clock`) and pass `&state` where
/// a use case wants `&App`.
impl std::ops::Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.app
    }
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, calendar: WorkingCalendar, clock: Arc<dyn Clock>) -> Self {
        AppState::from_app(App::new(store, calendar, clock))
    }

    pub fn from_app(app: App) -> Self {
        AppState {
            app,
            https: false,
            limits: limits::Limits::new(limits::LimitConfig::default()),
            open311: Arc::new(open311::Open311Config::default()),
        }
    }

    pub fn with_retention(mut self, policy: priemna_domain::retention::RetentionPolicy) -> Self {
        self.app = self.app.with_retention(policy);
        self
    }

    pub fn with_open311(mut self, config: open311::Open311Config) -> Self {
        self.open311 = Arc::new(config);
        self
    }

    pub fn with_notifier(mut self, notifier: priemna_app::notify::Notifier) -> Self {
        self.app = self.app.with_notifier(notifier);
        self
    }

    pub fn with_limits(mut self, config: limits::LimitConfig) -> Self {
        self.limits = limits::Limits::new(config);
        self
    }

    /// Keeps the search index in `dir` (see [`App::with_search_index`]).
    pub fn with_search_index(
        mut self,
        dir: &std::path::Path,
    ) -> Result<Self, priemna_search::SearchError> {
        self.app = self.app.with_search_index(dir)?;
        Ok(self)
    }

    pub fn with_https(mut self, https: bool) -> Self {
        self.https = https;
        self
    }
}

/// The whole application as a router.
pub fn router(state: AppState) -> Router {
    api::routes()
        .merge(api::notify::routes())
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
