//! Priemna's application: the use cases every channel calls — register a submission, act on a
//! case, administer staff, sign in, keep the outbox, issue letters, refresh statistics, keep the
//! search index in step, run the background jobs. No HTTP: the adapters (`priemna-web`'s JSON
//! API, Open311, back office and portal; the `priemna` command line) turn their input into these
//! calls and [`AppError`] into their answers.

pub mod accounts;
pub mod api_keys;
pub mod auth;
pub mod bookings;
pub mod cases;
pub mod conversation;
mod error;
pub mod filters;
pub mod intake;
pub mod jobs;
pub mod mailbox;
pub mod notify;
pub mod refusals;
pub mod search;
pub mod staff;
pub mod stats;
pub mod uploads;

pub use error::AppError;

use jiff::Timestamp;
use priemna_domain::retention::RetentionPolicy;
use priemna_domain::{Clock, WorkingCalendar};
use priemna_store::Store;
use std::sync::Arc;

/// The system clock: the one place that reads the time of day.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// What every use case can reach: the register, the calendar and clock, the search index, the
/// outbox's sender and the policies configured at start.
#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn Store>,
    pub calendar: Arc<WorkingCalendar>,
    pub clock: Arc<dyn Clock>,
    /// The database's key for hashing names that are no account (read once, at the first
    /// sign-in that needs it).
    pub sign_in_key: Arc<tokio::sync::OnceCell<String>>,
    /// How long personal data is kept after a case is finished.
    pub retention: Arc<RetentionPolicy>,
    /// The full-text index of cases (in memory unless `with_search_index` gives it a folder);
    /// `None` only if it could not be created.
    pub search: Option<Arc<search::SearchService>>,
    /// Letterhead, sender and the outbox worker's wake-up (e-mails and PDF letters).
    pub notify: Arc<notify::Notifier>,
    /// Merged statistics reports, reused until the statistics job saves new figures.
    pub stats_cache: Arc<stats::ViewCache>,
}

impl App {
    pub fn new(store: Arc<dyn Store>, calendar: WorkingCalendar, clock: Arc<dyn Clock>) -> Self {
        let search = search::SearchService::in_memory(store.clone())
            .map(Arc::new)
            .inspect_err(|e| tracing::error!(error = %e, "no search index"))
            .ok();
        App {
            search,
            store,
            calendar: Arc::new(calendar),
            clock,
            sign_in_key: Arc::default(),
            retention: Arc::new(RetentionPolicy::default()),
            notify: Arc::new(notify::Notifier::default()),
            stats_cache: Arc::new(stats::ViewCache::default()),
        }
    }

    pub fn with_retention(mut self, policy: RetentionPolicy) -> Self {
        self.retention = Arc::new(policy);
        self
    }

    pub fn with_notifier(mut self, notifier: notify::Notifier) -> Self {
        self.notify = Arc::new(notifier);
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
}
