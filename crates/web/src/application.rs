//! One way to run Priemna: the HTTP server and the background tasks it needs — the deadline,
//! statistics, retention and forms' clean-up jobs and the outbox worker — started together,
//! watched (a job that panics is started again, so no bad record stops it for good) and stopped
//! together. `priemna serve` and the tests' helper both build it.

use crate::state::AppState;
use priemna_app::notify::{NotifyError, WorkerConfig, WorkerHandle};
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// Which background tasks run beside the server, and how often.
#[derive(Clone)]
pub struct Background {
    /// The deadline job's period; `None`: not run here.
    pub deadlines_every: Option<Duration>,
    /// The statistics refresh's period; `None`: not run here.
    pub stats_every: Option<Duration>,
    /// The daily retention run and the forms' clean-up.
    pub housekeeping: bool,
    /// The outbox worker and its SMTP server; `None`: e-mails wait in the outbox.
    pub mail: Option<WorkerConfig>,
}

impl Background {
    /// Every job, at the given periods, and the outbox worker when there is an SMTP server.
    pub fn all(
        deadlines_every: Duration,
        stats_every: Duration,
        mail: Option<WorkerConfig>,
    ) -> Self {
        Background {
            deadlines_every: Some(deadlines_every.max(Duration::from_secs(1))),
            stats_every: Some(stats_every.max(Duration::from_secs(1))),
            housekeeping: true,
            mail,
        }
    }

    /// No background task: the server alone (tests that drive each job themselves).
    pub fn none() -> Self {
        Background {
            deadlines_every: None,
            stats_every: None,
            housekeeping: false,
            mail: None,
        }
    }
}

/// Why the application could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Mail(#[from] NotifyError),
}

/// The server, bound and ready, with its background tasks running.
pub struct Application {
    listener: TcpListener,
    address: SocketAddr,
    state: AppState,
    jobs: Vec<JoinHandle<()>>,
    worker: Option<WorkerHandle>,
}

impl Application {
    /// Binds `addr` (port 0: any free port) and starts the background tasks.
    pub async fn build(
        state: AppState,
        addr: SocketAddr,
        background: Background,
    ) -> Result<Application, StartError> {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartError::Listen { addr, source })?;
        let address = listener
            .local_addr()
            .map_err(|source| StartError::Listen { addr, source })?;
        let mut jobs = Vec::new();
        if let Some(every) = background.deadlines_every {
            let app = state.app.clone();
            jobs.push(watched("deadlines", move || {
                priemna_app::jobs::deadline_job(app.clone(), every)
            }));
        }
        if let Some(every) = background.stats_every {
            let app = state.app.clone();
            jobs.push(watched("statistics", move || {
                priemna_app::stats::stats_job(app.clone(), every)
            }));
        }
        if background.housekeeping {
            let app = state.app.clone();
            jobs.push(watched("retention", move || {
                priemna_app::jobs::retention_job(app.clone())
            }));
            let app = state.app.clone();
            jobs.push(watched("forms clean-up", move || {
                priemna_app::jobs::form_cleanup_job(app.clone())
            }));
        }
        let worker = match background.mail {
            Some(config) => Some(priemna_app::notify::spawn_worker(
                state.app.clone(),
                config,
            )?),
            None => {
                tracing::warn!("no SMTP server configured: e-mails wait in the outbox");
                None
            }
        };
        Ok(Application {
            listener,
            address,
            state,
            jobs,
            worker,
        })
    }

    /// Where it listens.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The state its handlers and jobs share.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then stops the background tasks: the outbox worker
    /// finishes the message in flight (so it is recorded as sent), the jobs end.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let served = crate::serve(self.listener, self.state, shutdown).await;
        if let Some(worker) = self.worker {
            worker.stop(Duration::from_secs(40)).await;
        }
        for job in self.jobs {
            job.abort();
        }
        served
    }
}

/// Runs a job for ever; if it panics (one bad record, say), it is logged and started again
/// after a pause, so nothing stops it for good.
fn watched<F, Fut>(name: &'static str, job: F) -> JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    watched_with_pause(name, RESTART_PAUSE, job)
}

/// How long a job that panicked waits before it starts again.
const RESTART_PAUSE: Duration = Duration::from_secs(5);

fn watched_with_pause<F, Fut>(name: &'static str, pause: Duration, job: F) -> JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        loop {
            // Aborting the watcher drops the guard, which aborts the job itself.
            let mut running = AbortOnDrop(tokio::spawn(job()));
            match (&mut running.0).await {
                Ok(()) => return,
                Err(e) if e.is_panic() => {
                    tracing::error!(job = name, "background job panicked; starting it again");
                    tokio::time::sleep(pause).await;
                }
                Err(_) => return, // cancelled
            }
        }
    })
}

/// A task that ends when its handle is dropped.
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn a_job_that_panics_is_started_again_and_stops_with_its_watcher() {
        let runs = Arc::new(AtomicUsize::new(0));
        let counted = runs.clone();
        let watcher = watched_with_pause("test", Duration::from_millis(10), move || {
            let runs = counted.clone();
            async move {
                if runs.fetch_add(1, Ordering::SeqCst) == 0 {
                    panic!("a bad record");
                }
                std::future::pending::<()>().await;
            }
        });
        for _ in 0..200 {
            if runs.load(Ordering::SeqCst) >= 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(runs.load(Ordering::SeqCst), 2, "started again once");
        watcher.abort();
        assert!(watcher.await.unwrap_err().is_cancelled());
    }
}
