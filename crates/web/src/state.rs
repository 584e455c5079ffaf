//! What every handler can reach: the application's context and what only HTTP needs.

use crate::limits::counters::{LimitConfig, Limits};
use crate::open311::config::Open311Config;
use priemna_app::App;
use priemna_domain::{Clock, WorkingCalendar};
use priemna_store::Store;
use std::sync::Arc;

/// What every handler can reach: the application, and what only HTTP needs. Every request
/// clones it (each extractor and middleware takes its own), so it is one reference count
/// shared by all its parts, not one per part.
#[derive(Clone)]
pub struct AppState(Arc<Parts>);

/// The parts of [`AppState`], read through it (`state.https`, `state.store`).
#[derive(Clone)]
pub struct Parts {
    /// The use cases' context (the register, the clock, the outbox, the search index, …).
    pub app: App,
    /// Served over HTTPS (cookies get `Secure`); also detected per request from a proxy.
    pub https: bool,
    /// Per-address rate limits on intake and sign-in.
    pub limits: Arc<Limits>,
    /// The Open311 endpoint's jurisdiction and contacts.
    pub open311: Arc<Open311Config>,
}

impl std::ops::Deref for AppState {
    type Target = Parts;

    fn deref(&self) -> &Parts {
        &self.0
    }
}

/// Changing a part (while the server is being built, or in a test) copies the parts if a
/// clone shares them, so a running server's state never changes under a request.
impl std::ops::DerefMut for AppState {
    fn deref_mut(&mut self) -> &mut Parts {
        Arc::make_mut(&mut self.0)
    }
}

/// Handlers read the application's parts (`state.store`, `state.clock`) and pass `&state` where
/// a use case wants `&App`.
impl std::ops::Deref for Parts {
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
        AppState(Arc::new(Parts {
            app,
            https: false,
            limits: Limits::new(LimitConfig::default()),
            open311: Arc::new(Open311Config::default()),
        }))
    }

    pub fn with_retention(mut self, policy: priemna_domain::retention::RetentionPolicy) -> Self {
        self.app = self.app.clone().with_retention(policy);
        self
    }

    pub fn with_open311(mut self, config: Open311Config) -> Self {
        self.open311 = Arc::new(config);
        self
    }

    pub fn with_notifier(mut self, notifier: priemna_app::notify::Notifier) -> Self {
        self.app = self.app.clone().with_notifier(notifier);
        self
    }

    pub fn with_limits(mut self, config: LimitConfig) -> Self {
        self.limits = Limits::new(config);
        self
    }

    /// Keeps the search index in `dir` (see [`App::with_search_index`]).
    pub fn with_search_index(
        mut self,
        dir: &std::path::Path,
    ) -> Result<Self, priemna_search::SearchError> {
        self.app = self.app.clone().with_search_index(dir)?;
        Ok(self)
    }

    pub fn with_https(mut self, https: bool) -> Self {
        self.https = https;
        self
    }
}
