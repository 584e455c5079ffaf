//! Search and duplicate detection as a service: keeps the full-text index (`priemna_search`)
//! current with the register, answers queries within the access rules, and suggests open cases
//! that look like the same problem.
//!
//! The index is updated after the store commits, by a background worker fed through a queue:
//! a registration or an action only puts the case's id or number on the queue, so indexing can
//! never block or fail an acknowledged submission. A batch that cannot be indexed is retried,
//! and if that keeps failing the index is rebuilt from the register. At start (the worker's
//! first job) the index is compared with the register — count, highest id, latest change — and
//! rebuilt when missing or stale.
//!
//! Access: the query itself is limited to what the reader's role reaches (like the inbox), and
//! every case shown is checked again with `access::check(ViewCase)` against the register's
//! current facts. The index holds no personal data and no sealed identity.

use crate::App;
use crate::AppError;
use crate::staff::Staff;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use priemna_domain::access::{self, Permission};
use priemna_domain::submission::{FieldError, Problem};
use priemna_domain::{CaseId, RegistrationNumber, Status};
use priemna_search::{
    CaseDoc, Filters, INDEX_VERSION, Marker, SearchError, SearchIndex, Visibility,
};
use priemna_store::{CaseRecord, IndexCase, IndexScan, Store};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// Results per page.
pub const PER_PAGE: usize = 20;
/// The furthest page a query may ask for.
const MAX_PAGE: usize = 500;
/// How far back a possible duplicate may have been received.
const DUPLICATE_WINDOW_DAYS: i64 = 90;
/// How often the worker looks for changes made without it (another server, the command line).
const CATCH_UP_EVERY: Duration = Duration::from_secs(30);

/// The shortest time between two commits of the index. Each commit writes a segment that
/// later has to be merged: under a storm of submissions, committing after every few of them
/// took a third of the server's processor. Jobs that arrive meanwhile wait and go in the next
/// commit, so the index is at most this far behind the register.
const COMMIT_AT_MOST_EVERY: Duration = Duration::from_millis(500);
/// Beyond this many changes at once, catching up is a rebuild.
const CATCH_UP_LIMIT: u32 = 20_000;
/// Cases read from the register per step of a rebuild.
const REBUILD_BATCH: u32 = 2000;

enum Job {
    Ids(Vec<CaseId>),
    Numbers(Vec<RegistrationNumber>),
    /// Re-index the cases merged into this one as well (its answer reached them).
    WithDuplicates(CaseId),
    Flush(oneshot::Sender<()>),
    /// Index what was registered or changed without this server knowing (another server, the
    /// `priemna submit` command); answers when done.
    CatchUp(Option<oneshot::Sender<()>>),
}

/// The search index and the worker that keeps it current.
pub struct SearchService {
    index: Arc<SearchIndex>,
    store: Arc<dyn Store>,
    queue: OnceLock<mpsc::UnboundedSender<Job>>,
    /// What the index covers, as recorded with its last commit.
    marker: Arc<Mutex<Marker>>,
}

/// Where the index of a database lives: in `configured` when given; otherwise beside an SQLite
/// file (`PATH.search/`), or `./priemna-search/` for PostgreSQL.
pub fn index_dir_for(database_url: &str, configured: Option<&Path>) -> PathBuf {
    if let Some(dir) = configured {
        return dir.to_path_buf();
    }
    if database_url.starts_with("postgres:") || database_url.starts_with("postgresql:") {
        return PathBuf::from("priemna-search");
    }
    let path = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .unwrap_or(database_url);
    let path = path.split('?').next().unwrap_or(path);
    PathBuf::from(format!("{path}.search"))
}

/// Opens the index in `dir`; an unreadable index (or one of another version) is removed and
/// created anew, to be rebuilt from the register.
pub fn open_index_dir(dir: &Path) -> Result<SearchIndex, SearchError> {
    match SearchIndex::open_in_dir(dir) {
        Ok(index)
            if index
                .marker()
                .is_ok_and(|m| m.version == INDEX_VERSION || m.count == 0) =>
        {
            Ok(index)
        }
        Ok(index) => {
            drop(index);
            tracing::warn!(dir = %dir.display(), "search index of another version; rebuilding");
            std::fs::remove_dir_all(dir)?;
            SearchIndex::open_in_dir(dir)
        }
        Err(e) => {
            tracing::warn!(dir = %dir.display(), error = %e, "search index unreadable; rebuilding");
            std::fs::remove_dir_all(dir)?;
            SearchIndex::open_in_dir(dir)
        }
    }
}

/// A case as the index sees it.
pub fn case_doc(c: &IndexCase) -> CaseDoc {
    CaseDoc {
        id: c.id.0,
        number: c.number.to_string(),
        kind: c.kind.as_str().to_owned(),
        channel: c.channel.as_str().to_owned(),
        status: c.status.as_str().to_owned(),
        open: c.status.is_open(),
        subject: c.subject.clone(),
        body: c.body.clone(),
        address: c.address.clone(),
        answer: c.answer_text.clone(),
        department_id: c.department_id.map(i64::from),
        assignee_id: c.assignee_id.map(i64::from),
        sealed: c.sealed,
        about_employee: c.about_employee,
        conflicted_user_ids: c.conflicted_user_ids.iter().map(|u| u.0).collect(),
        received_at: c.received_at.as_second(),
        received_day: day_number(c.received_date),
    }
}

fn day_number(d: Date) -> i64 {
    i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day())
}

fn later(a: Option<String>, b: Option<&String>) -> Option<String> {
    match (a, b) {
        (None, b) => b.cloned(),
        (a, None) => a,
        (Some(a), Some(b)) => {
            let newer = match (a.parse::<Timestamp>(), b.parse::<Timestamp>()) {
                (Ok(x), Ok(y)) => y > x,
                _ => *b > a,
            };
            Some(if newer { b.clone() } else { a })
        }
    }
}

fn blocking_error(e: tokio::task::JoinError) -> SearchError {
    SearchError::Other(e.to_string())
}

/// Rebuilds `index` from the register, reporting `(done, total)` as it goes. The old contents
/// stay searchable until the new ones are committed.
pub async fn rebuild(
    index: &Arc<SearchIndex>,
    store: &dyn Store,
    mut progress: impl FnMut(u64, u64),
) -> Result<Marker, AppError> {
    let db = store.register_marker().await?;
    let idx = index.clone();
    tokio::task::spawn_blocking(move || idx.clear())
        .await
        .map_err(blocking_error)
        .and_then(|r| r)
        .map_err(internal)?;
    let mut marker = Marker {
        version: INDEX_VERSION,
        ..Marker::default()
    };
    let mut after_id = 0;
    let mut done = 0;
    loop {
        let rows = store
            .cases_for_index(IndexScan::After {
                after_id,
                limit: REBUILD_BATCH,
            })
            .await?;
        let Some(last) = rows.last() else { break };
        after_id = last.id.0;
        for row in &rows {
            marker.max_id = marker.max_id.max(row.id.0);
            marker.max_updated_at = later(marker.max_updated_at.take(), row.updated_at.as_ref());
        }
        done += rows.len() as u64;
        let docs: Vec<CaseDoc> = rows.iter().map(case_doc).collect();
        let idx = index.clone();
        tokio::task::spawn_blocking(move || idx.upsert(&docs))
            .await
            .map_err(blocking_error)
            .and_then(|r| r)
            .map_err(internal)?;
        progress(done, db.count.max(done));
    }
    marker.count = done;
    let idx = index.clone();
    let m = marker.clone();
    tokio::task::spawn_blocking(move || idx.commit(&m))
        .await
        .map_err(blocking_error)
        .and_then(|r| r)
        .map_err(internal)?;
    Ok(marker)
}

/// Whether `index` covers the register as it is now.
pub async fn is_fresh(index: &SearchIndex, store: &dyn Store) -> Result<bool, AppError> {
    let db = store.register_marker().await?;
    let mine = index.marker().map_err(internal)?;
    Ok(mine.version == INDEX_VERSION
        && mine.count == db.count
        && mine.max_id == db.max_id
        && mine.max_updated_at == db.max_updated_at
        || (db.count == 0 && mine.count == 0))
}

fn internal(e: SearchError) -> AppError {
    AppError::Internal(e.to_string())
}

impl SearchService {
    /// A service over `index`, reading cases from `store`.
    pub fn new(index: SearchIndex, store: Arc<dyn Store>) -> SearchService {
        let marker = index.marker().unwrap_or_default();
        SearchService {
            index: Arc::new(index),
            store,
            queue: OnceLock::new(),
            marker: Arc::new(Mutex::new(marker)),
        }
    }

    /// A service whose index lives in memory (rebuilt from the register when first used).
    pub fn in_memory(store: Arc<dyn Store>) -> Result<SearchService, SearchError> {
        Ok(SearchService::new(SearchIndex::in_memory()?, store))
    }

    pub fn index(&self) -> &Arc<SearchIndex> {
        &self.index
    }

    /// Starts the worker (if not yet running): it first rebuilds a missing or stale index.
    /// Must be called within the Tokio runtime.
    pub fn start(&self) {
        self.sender();
    }

    fn sender(&self) -> &mpsc::UnboundedSender<Job> {
        self.queue.get_or_init(|| {
            let (sender, jobs) = mpsc::unbounded_channel();
            tokio::spawn(worker(
                self.index.clone(),
                self.store.clone(),
                self.marker.clone(),
                jobs,
            ));
            sender
        })
    }

    fn enqueue(&self, job: Job) {
        if self.sender().send(job).is_err() {
            tracing::error!("the search indexer has stopped; the index will be rebuilt at start");
        }
    }

    /// Looks for changes made without this server now (rather than at the next half-minute)
    /// and waits until they are indexed.
    pub async fn catch_up(&self) {
        let (done, wait) = oneshot::channel();
        self.enqueue(Job::CatchUp(Some(done)));
        let _ = tokio::time::timeout(Duration::from_secs(30), wait).await;
    }

    /// Waits (at most a second: a query during a rebuild answers from the index as it is)
    /// until everything queued so far is in the index.
    pub async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        self.enqueue(Job::Flush(done));
        let _ = tokio::time::timeout(Duration::from_secs(1), wait).await;
    }
}

/// After a registration has committed: index the new case (never fails; see the module).
pub fn registered(app: &App, number: RegistrationNumber) {
    if let Some(search) = &app.search {
        search.enqueue(Job::Numbers(vec![number]));
    }
}

/// After an action on a case has committed: re-index it, and with `answered` the cases merged
/// into it (they received its answer).
pub fn case_changed(app: &App, case_id: CaseId, answered: bool) {
    if let Some(search) = &app.search {
        search.enqueue(if answered {
            Job::WithDuplicates(case_id)
        } else {
            Job::Ids(vec![case_id])
        });
    }
}

fn service(app: &App) -> Result<&SearchService, AppError> {
    app.search
        .as_deref()
        .ok_or_else(|| AppError::Internal("the search index is unavailable".into()))
}

async fn worker(
    index: Arc<SearchIndex>,
    store: Arc<dyn Store>,
    marker: Arc<Mutex<Marker>>,
    mut jobs: mpsc::UnboundedReceiver<Job>,
) {
    let mut needs_rebuild = true; // checked first: a missing or stale index is rebuilt
    let mut tick = tokio::time::interval(CATCH_UP_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    tick.tick().await;
    let mut last_commit: Option<tokio::time::Instant> = None;
    loop {
        if needs_rebuild {
            needs_rebuild = !refresh(&index, &*store, &marker).await;
        }
        let first = tokio::select! {
            job = jobs.recv() => match job {
                Some(job) => job,
                None => break,
            },
            _ = tick.tick() => Job::CatchUp(None),
        };
        if let Some(at) = last_commit {
            tokio::time::sleep_until(at + COMMIT_AT_MOST_EVERY).await;
        }
        let mut batch = vec![first];
        while batch.len() < 5000 {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut ids = BTreeSet::new();
        let mut numbers = Vec::new();
        let mut answered = Vec::new();
        let mut waiting = Vec::new();
        let mut catching_up = false;
        for job in batch {
            match job {
                Job::Ids(v) => ids.extend(v),
                Job::Numbers(v) => numbers.extend(v),
                Job::WithDuplicates(id) => {
                    ids.insert(id);
                    answered.push(id);
                }
                Job::Flush(done) => waiting.push(done),
                Job::CatchUp(done) => {
                    catching_up = true;
                    waiting.extend(done);
                }
            }
        }
        if !(ids.is_empty() && numbers.is_empty()) {
            last_commit = Some(tokio::time::Instant::now());
            let mut attempt = 0;
            loop {
                let outcome =
                    index_batch(&index, &*store, &marker, &ids, &numbers, &answered).await;
                match outcome {
                    Ok(()) => break,
                    Err(e) => {
                        attempt += 1;
                        tracing::warn!(error = %e, attempt, "could not update the search index");
                        if attempt >= 4 {
                            tracing::error!("search index out of date; rebuilding it");
                            needs_rebuild = true;
                            break;
                        }
                        tokio::time::sleep(Duration::from_millis(250 * attempt)).await;
                    }
                }
            }
        }
        if catching_up
            && !needs_rebuild
            && let Err(e) = catch_up(&index, &*store, &marker).await
        {
            tracing::warn!(error = %e, "could not catch up with the register; rebuilding");
            needs_rebuild = true;
        }
        if needs_rebuild {
            needs_rebuild = !refresh(&index, &*store, &marker).await;
        }
        for done in waiting {
            let _ = done.send(());
        }
    }
}

/// Rebuilds the index if it is stale; true when it is now current.
async fn refresh(index: &Arc<SearchIndex>, store: &dyn Store, marker: &Mutex<Marker>) -> bool {
    match is_fresh(index, store).await {
        Ok(true) => true,
        Ok(false) => {
            tracing::info!("search index missing or stale: rebuilding from the register");
            match rebuild(index, store, |_, _| {}).await {
                Ok(m) => {
                    tracing::info!(cases = m.count, "search index rebuilt");
                    if let Ok(mut current) = marker.lock() {
                        *current = m;
                    }
                    true
                }
                Err(e) => {
                    tracing::error!(error = %e, "could not rebuild the search index");
                    false
                }
            }
        }
        Err(e) => {
            tracing::error!(error = %e, "could not check the search index");
            false
        }
    }
}

/// Indexes the cases registered or changed since the index's marker, if the register moved.
async fn catch_up(
    index: &Arc<SearchIndex>,
    store: &dyn Store,
    marker: &Mutex<Marker>,
) -> Result<(), AppError> {
    let db = store.register_marker().await?;
    let mine = marker
        .lock()
        .map_err(|_| AppError::Internal("search marker poisoned".into()))?
        .clone();
    if db.max_id == mine.max_id
        && db.max_updated_at == mine.max_updated_at
        && db.count == index.len()
    {
        return Ok(());
    }
    let rows = store
        .cases_for_index(IndexScan::ChangedSince {
            after_id: mine.max_id,
            // Cut to the second: text comparison must not miss a change within that second.
            changed_since: mine
                .max_updated_at
                .as_deref()
                .map(|s| s.chars().take(19).collect()),
            limit: CATCH_UP_LIMIT,
        })
        .await?;
    if rows.len() >= CATCH_UP_LIMIT as usize {
        return Err(AppError::Internal("too many changes to catch up".into()));
    }
    tracing::info!(
        cases = rows.len(),
        "search index catching up with the register"
    );
    index_rows(index, marker, rows).await
}

async fn index_batch(
    index: &Arc<SearchIndex>,
    store: &dyn Store,
    marker: &Mutex<Marker>,
    ids: &BTreeSet<CaseId>,
    numbers: &[RegistrationNumber],
    answered: &[CaseId],
) -> Result<(), AppError> {
    let mut rows = store
        .cases_for_index(IndexScan::Ids(ids.iter().copied().collect()))
        .await?;
    rows.extend(
        store
            .cases_for_index(IndexScan::Numbers(numbers.to_vec()))
            .await?,
    );
    for id in answered {
        rows.extend(store.cases_for_index(IndexScan::DuplicatesOf(*id)).await?);
    }
    index_rows(index, marker, rows).await
}

async fn index_rows(
    index: &Arc<SearchIndex>,
    marker: &Mutex<Marker>,
    rows: Vec<IndexCase>,
) -> Result<(), AppError> {
    let mut next = marker
        .lock()
        .map_err(|_| AppError::Internal("search marker poisoned".into()))?
        .clone();
    next.version = INDEX_VERSION;
    for row in &rows {
        next.max_id = next.max_id.max(row.id.0);
        next.max_updated_at = later(next.max_updated_at.take(), row.updated_at.as_ref());
    }
    let docs: Vec<CaseDoc> = rows.iter().map(case_doc).collect();
    let idx = index.clone();
    let m = next.clone();
    tokio::task::spawn_blocking(move || idx.upsert(&docs).and_then(|()| idx.commit(&m)))
        .await
        .map_err(blocking_error)
        .and_then(|r| r)
        .map_err(internal)?;
    if let Ok(mut current) = marker.lock() {
        *current = next;
    }
    Ok(())
}

/// What this member of staff may find: the access rules' scope of cases for their role.
pub fn visibility(staff: &Staff) -> Result<Visibility, AppError> {
    let scope = access::case_scope(&staff.user.actor())?;
    Ok(Visibility {
        include_sealed: scope.include_sealed,
        assignee_id: scope.assignee_id.map(i64::from),
        department_id: scope.department_id.map(i64::from),
        hide_about_employee: scope.hide_about_employee,
        hide_conflicted_for: scope.hide_conflicted_for.map(i64::from),
    })
}

/// A search as asked: the words and the filters.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub q: String,
    pub filters: Filters,
    pub page: usize,
}

/// Reads `q`, `kind`, `channel`, `status` (a status, `open`, or `all`/empty), `department_id`,
/// `from`, `to` (YYYY-MM-DD) and `page`; every bad value is named.
pub fn parse_request(query: &HashMap<String, String>) -> Result<SearchRequest, Vec<FieldError>> {
    let get = |k: &str| query.get(k).map(|s| s.trim()).filter(|s| !s.is_empty());
    let mut errors = Vec::new();
    let mut request = SearchRequest {
        q: get("q").unwrap_or("").chars().take(500).collect(),
        page: 1,
        ..SearchRequest::default()
    };
    request.filters.kind = get("kind")
        .and_then(|k| crate::filters::kind(k, &mut errors))
        .map(|k| k.as_str().to_owned());
    request.filters.channel = get("channel")
        .and_then(|c| crate::filters::channel(c, &mut errors))
        .map(|c| c.as_str().to_owned());
    match get("status") {
        None | Some("all") => {}
        Some("open") => request.filters.open_only = true,
        Some(s) => match Status::parse(s) {
            Some(s) => request.filters.status = Some(s.as_str().to_owned()),
            None => errors.push(FieldError::new(
                "status",
                Problem::UnknownValue {
                    allowed: ["all", "open"]
                        .into_iter()
                        .chain(Status::ALL.iter().map(|s| s.as_str()))
                        .collect(),
                },
            )),
        },
    }
    if let Some(d) = get("department_id") {
        match d.parse::<i64>() {
            Ok(d) => request.filters.department_id = Some(d),
            Err(_) => errors.push(FieldError::new(
                "department_id",
                Problem::WrongType { expected: "number" },
            )),
        }
    }
    for (name, slot) in [
        ("from", &mut request.filters.from_day),
        ("to", &mut request.filters.to_day),
    ] {
        if let Some(d) = get(name) {
            match d.parse::<Date>() {
                Ok(d) => *slot = Some(day_number(d)),
                Err(_) => errors.push(FieldError::new(name, Problem::InvalidDate)),
            }
        }
    }
    if let Some(p) = get("page") {
        match p.parse::<usize>() {
            Ok(p) if (1..=MAX_PAGE).contains(&p) => request.page = p,
            _ => errors.push(FieldError::new(
                "page",
                Problem::WrongType { expected: "number" },
            )),
        }
    }
    if errors.is_empty() {
        Ok(request)
    } else {
        Err(errors)
    }
}

/// One case found, as the reader may see it.
#[derive(Debug, Clone)]
pub struct Found {
    pub case: IndexCase,
    pub score: f32,
    pub snippet_html: String,
}

/// A page of results.
#[derive(Debug, Clone)]
pub struct Results {
    pub total: usize,
    pub page: usize,
    pub found: Vec<Found>,
}

/// The register's current version of these cases, only those `staff` may read.
async fn readable(
    app: &App,
    staff: &Staff,
    ids: Vec<i64>,
) -> Result<HashMap<i64, IndexCase>, AppError> {
    let actor = staff.user.actor();
    Ok(app
        .store
        .cases_for_index(IndexScan::Ids(ids.into_iter().map(CaseId).collect()))
        .await?
        .into_iter()
        .filter(|c| access::check(&actor, Permission::ViewCase, Some(&c.facts())).is_ok())
        .map(|c| (c.id.0, c))
        .collect())
}

/// Runs a search for `staff`.
pub async fn search(
    app: &App,
    staff: &Staff,
    request: &SearchRequest,
) -> Result<Results, AppError> {
    let mut visibility = visibility(staff)?;
    // A head of department asking for another department finds nothing.
    if let (Some(own), Some(asked)) = (visibility.department_id, request.filters.department_id)
        && own != asked
    {
        visibility.department_id = Some(-1);
    }
    // Read your writes: what was registered or changed before this query is in the index.
    let service = service(app)?;
    service.flush().await;
    let index = service.index.clone();
    let (q, filters) = (request.q.clone(), request.filters.clone());
    let offset = (request.page - 1) * PER_PAGE;
    let page = tokio::task::spawn_blocking(move || {
        index.search(&q, &filters, &visibility, offset, PER_PAGE)
    })
    .await
    .map_err(blocking_error)
    .and_then(|r| r)
    .map_err(internal)?;
    let mut current = readable(app, staff, page.hits.iter().map(|h| h.doc.id).collect()).await?;
    let found = page
        .hits
        .into_iter()
        .filter_map(|h| {
            current.remove(&h.doc.id).map(|case| Found {
                case,
                score: h.score,
                snippet_html: h.snippet_html,
            })
        })
        .collect();
    Ok(Results {
        total: page.total,
        page: request.page,
        found,
    })
}

/// An open case that looks like the same problem.
#[derive(Debug, Clone)]
pub struct PossibleDuplicate {
    pub case: IndexCase,
    pub similarity: f32,
    pub same_address: bool,
}

/// Open cases of the same kind received in the 90 days before `case` that look like the same
/// problem, only those `staff` may read. Empty for a case that is no longer open, for staff
/// who may not search, and whenever the index cannot answer (it is only a suggestion).
pub async fn possible_duplicates(
    app: &App,
    staff: &Staff,
    case: &CaseRecord,
) -> Vec<PossibleDuplicate> {
    if !case.status.is_open() || case.duplicate_of.is_some() {
        return Vec::new();
    }
    let Ok(visibility) = visibility(staff) else {
        return Vec::new();
    };
    let doc = CaseDoc {
        id: case.id.0,
        number: case.number.to_string(),
        kind: case.kind.as_str().to_owned(),
        subject: case.subject.clone(),
        body: case.body.clone(),
        address: case.address.clone(),
        ..CaseDoc::default()
    };
    let since = case
        .received_at
        .checked_sub(SignedDuration::from_hours(24 * DUPLICATE_WINDOW_DAYS))
        .unwrap_or(case.received_at)
        .as_second();
    let Ok(service) = service(app) else {
        return Vec::new();
    };
    service.flush().await;
    let index = service.index.clone();
    let similar =
        tokio::task::spawn_blocking(move || index.similar(&doc, since, &visibility, 5)).await;
    let similar = match similar {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "duplicate suggestions unavailable");
            return Vec::new();
        }
        Err(e) => {
            tracing::warn!(error = %e, "duplicate suggestions unavailable");
            return Vec::new();
        }
    };
    let ids = similar.iter().map(|s| s.doc.id).collect();
    let mut current = match readable(app, staff, ids).await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "duplicate suggestions unavailable");
            return Vec::new();
        }
    };
    similar
        .into_iter()
        .filter_map(|s| {
            let c = current.remove(&s.doc.id)?;
            c.status.is_open().then_some(PossibleDuplicate {
                case: c,
                similarity: s.similarity,
                same_address: s.same_address,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_lives_beside_the_database() {
        assert_eq!(
            index_dir_for("sqlite:/var/lib/priemna.db", None),
            PathBuf::from("/var/lib/priemna.db.search")
        );
        assert_eq!(
            index_dir_for("priemna.db", None),
            PathBuf::from("priemna.db.search")
        );
        assert_eq!(
            index_dir_for("postgres://x/y", None),
            PathBuf::from("priemna-search")
        );
        assert_eq!(
            index_dir_for("postgres://x/y", Some(Path::new("/srv/idx"))),
            PathBuf::from("/srv/idx")
        );
        assert_eq!(
            index_dir_for("sqlite:a.db", Some(Path::new("/srv/idx"))),
            PathBuf::from("/srv/idx")
        );
    }

    #[test]
    fn the_latest_change_is_compared_as_instants() {
        assert_eq!(
            later(
                Some("2026-06-01T07:00:00Z".into()),
                Some(&"2026-06-01T07:00:00.5Z".to_owned())
            )
            .as_deref(),
            Some("2026-06-01T07:00:00.5Z")
        );
        assert_eq!(later(None, None), None);
    }
}
