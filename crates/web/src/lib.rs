//! Priemna's HTTP server: the versioned JSON API, the back office (`pages`) and the citizens'
//! portal (`portal`).
//!
//! Handlers are thin: they turn HTTP into domain values, ask the domain's rules, and hand the
//! result to the `Store`. Every failure becomes an `ApiError`, rendered in one place (`error`).

pub mod accounts;
pub mod api;
mod application;
pub mod audit;
pub mod auth;
pub mod cases;
mod error;
mod extract;
mod headers;
pub mod intake;
pub mod jobs;
pub mod json;
mod lang;

pub mod limits;
pub mod notify;
pub mod open311;
pub mod pages;
pub mod portal;
pub mod search;
pub mod stats;

pub use api::staff as api_staff;
pub use application::{Application, Background, StartError};
pub use error::ApiError;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use jiff::Timestamp;
use priemna_domain::{Clock, WorkingCalendar};
use priemna_store::Store;
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

/// The largest request body the JSON API accepts.
pub const MAX_JSON_BODY_BYTES: usize = 64 * 1024;

/// The system clock: the one place that reads the time of day.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub calendar: Arc<WorkingCalendar>,
    pub clock: Arc<dyn Clock>,
    /// Served over HTTPS (cookies get `Secure`); also detected per request from a proxy.
    pub https: bool,
    /// A hash to verify against when the user does not exist, so timing reveals nothing.
    pub dummy_password_hash: Arc<String>,
    /// The database's key for hashing names that are no account (read once, at the first
    /// sign-in that needs it).
    pub sign_in_key: Arc<tokio::sync::OnceCell<String>>,
    /// Per-address rate limits on intake and sign-in.
    pub limits: Arc<limits::Limits>,
    /// How long personal data is kept after a case is finished.
    pub retention: Arc<priemna_domain::retention::RetentionPolicy>,
    /// The full-text index of cases (in memory unless `with_search_index` gives it a folder);
    /// `None` only if it could not be created.
    pub search: Option<Arc<search::SearchService>>,
    /// Letterhead, sender and the outbox worker's wake-up (e-mails and PDF letters).
    pub notify: Arc<notify::Notifier>,
    /// The Open311 endpoint's jurisdiction and contacts.
    pub open311: Arc<open311::Open311Config>,
    /// Merged statistics reports, reused until the statistics job saves new figures.
    pub stats_cache: Arc<stats::ViewCache>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, calendar: WorkingCalendar, clock: Arc<dyn Clock>) -> Self {
        let dummy = auth::hash_password_blocking("priemna-no-such-user").unwrap_or_default();
        let search = search::SearchService::in_memory(store.clone())
            .map(Arc::new)
            .inspect_err(|e| tracing::error!(error = %e, "no search index"))
            .ok();
        AppState {
            search,
            store,
            calendar: Arc::new(calendar),
            clock,
            https: false,
            dummy_password_hash: Arc::new(dummy),
            sign_in_key: Arc::default(),
            limits: limits::Limits::new(limits::LimitConfig::default()),
            retention: Arc::new(priemna_domain::retention::RetentionPolicy::default()),
            notify: Arc::new(notify::Notifier::default()),
            open311: Arc::new(open311::Open311Config::default()),
            stats_cache: Arc::new(stats::ViewCache::default()),
        }
    }

    pub fn with_retention(mut self, policy: priemna_domain::retention::RetentionPolicy) -> Self {
        self.retention = Arc::new(policy);
        self
    }

    pub fn with_open311(mut self, config: open311::Open311Config) -> Self {
        self.open311 = Arc::new(config);
        self
    }

    pub fn with_notifier(mut self, notifier: notify::Notifier) -> Self {
        self.notify = Arc::new(notifier);
        self
    }

    pub fn with_limits(mut self, config: limits::LimitConfig) -> Self {
        self.limits = limits::Limits::new(config);
        self
    }

    /// Keeps the search index in `dir` (created, or rebuilt when stale, by its worker). When
    /// another process is writing to that folder, the index stays in memory instead.
    pub fn with_search_index(
        mut self,
        dir: &std::path::Path,
    ) -> Result<Self, priemna_search::SearchError> {
        let index = search::open_index_dir(dir)?;
        if let Err(e) = index.lock_writer() {
            tracing::warn!(dir = %dir.display(), error = %e,
                "search index folder in use by another process; keeping the index in memory");
            return Ok(self);
        }
        self.search = Some(Arc::new(search::SearchService::new(
            index,
            self.store.clone(),
        )));
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
        .merge(notify::api::routes())
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
