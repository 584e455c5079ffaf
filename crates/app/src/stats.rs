//! Statistics: how the charter is kept, in figures.
//!
//! The figures are pre-aggregated per month of receipt (`priemna_domain::stats`, stored by
//! `priemna_store::StatsStore`). The schema's triggers mark a month stale when one of its cases
//! changes; [`refresh`] — run by a background job, and by tests directly — recomputes the stale
//! months, and [`load`] merges a period's cells into a report. A page therefore costs a read of
//! a few thousand small rows, whatever the size of the register.

use crate::App;
use jiff::Timestamp;
use priemna_domain::DepartmentId;
use priemna_domain::stats::{Period, Report, add_case};
use priemna_store::{StatRow, StatsFreshness, Store, StoreError, Topic};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

/// Topics kept per month; a period shows the most frequent of their union.
const TOPICS_PER_MONTH: usize = 40;
/// Words shorter than this say little about a topic ("ул", "бл").
const MIN_TOPIC_WORD_CHARS: usize = 4;

/// What one refresh did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefreshReport {
    pub months: usize,
    pub cases: usize,
}

/// Recomputes every stale month's figures.
pub async fn refresh(store: &dyn Store, now: Timestamp) -> Result<RefreshReport, StoreError> {
    refresh_with_progress(store, now, &|_, _| {}).await
}

/// [`refresh`], calling `progress(done, stale)` after each month (for a terminal's progress bar
/// after a large import).
pub async fn refresh_with_progress(
    store: &dyn Store,
    now: Timestamp,
    progress: &(dyn Fn(usize, usize) + Send + Sync),
) -> Result<RefreshReport, StoreError> {
    let mut report = RefreshReport::default();
    let stale = store.stale_stats_months().await?;
    let months = stale.len();
    for (month, version) in stale {
        let mut cells = BTreeMap::new();
        let mut topics = TopicCounter::default();
        let cases = store
            .stat_cases(month, &mut |row: StatRow| {
                add_case(&mut cells, &row.case);
                if let Some(subject) = &row.subject {
                    topics.add(subject);
                }
            })
            .await?;
        report.months += 1;
        report.cases += usize::try_from(cases).unwrap_or(usize::MAX);
        store
            .save_stats_month(
                month,
                version,
                cells.into_iter().collect(),
                topics.most_frequent(),
                now,
            )
            .await?;
        progress(report.months, months);
    }
    Ok(report)
}

/// The month's most frequent words of the subjects, counted once per case, by stem; each shown
/// in its commonest spelling. Obscene and insulting words never count. Only the subjects the
/// store hands over count (`priemna_domain::stats::subject_feeds_topics`), and a period shows a
/// word only when enough of its cases used it (`MIN_TOPIC_CASES`, applied by the store on the
/// merged period).
#[derive(Default)]
struct TopicCounter {
    cases_per_term: HashMap<String, u64>,
    spellings: HashMap<String, HashMap<String, u64>>,
}

impl TopicCounter {
    fn add(&mut self, subject: &str) {
        let mut seen = BTreeSet::new();
        for (_, word) in priemna_search::analysis::words(subject) {
            if word.chars().count() < MIN_TOPIC_WORD_CHARS
                || word.chars().any(|c| c.is_numeric())
                || !priemna_domain::screening::offensive_terms(word).is_empty()
            {
                continue;
            }
            let Some(term) = priemna_search::analysis::normalise_word(word) else {
                continue;
            };
            *self
                .spellings
                .entry(term.clone())
                .or_default()
                .entry(word.to_lowercase())
                .or_default() += 1;
            if seen.insert(term.clone()) {
                *self.cases_per_term.entry(term).or_default() += 1;
            }
        }
    }

    fn most_frequent(mut self) -> Vec<Topic> {
        let mut topics: Vec<Topic> = self
            .cases_per_term
            .into_iter()
            .map(|(term, count)| {
                let label = self
                    .spellings
                    .remove(&term)
                    .and_then(|s| {
                        s.into_iter()
                            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
                    })
                    .map(|(label, _)| label)
                    .unwrap_or_else(|| term.clone());
                Topic { term, label, count }
            })
            .collect();
        topics.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.term.cmp(&b.term)));
        topics.truncate(TOPICS_PER_MONTH);
        topics
    }
}

/// Refreshes now and then every `every`, for ever (`Application` runs it).
pub async fn stats_job(app: App, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    loop {
        ticker.tick().await;
        match refresh(app.store.as_ref(), app.clock.now()).await {
            Ok(report) if report.months > 0 => tracing::info!(
                months = report.months,
                cases = report.cases,
                "statistics refreshed"
            ),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "statistics refresh failed"),
        }
    }
}

/// A period's figures, ready to show or export.
#[derive(Debug, Clone)]
pub struct StatsView {
    pub period: Period,
    pub report: Report,
    pub topics: Vec<Topic>,
    pub freshness: StatsFreshness,
    /// Department names by id, for the breakdowns.
    pub departments: BTreeMap<DepartmentId, String>,
}

/// How many topics a period shows.
pub const TOPICS_SHOWN: u32 = 15;

/// Reads a period's figures from the pre-aggregated cells.
pub async fn load(store: &dyn Store, period: Period) -> Result<StatsView, StoreError> {
    let freshness = store.stats_freshness().await?;
    let (report, topics) = merge(store, period).await?;
    view(store, period, freshness, report, topics).await
}

/// A period's report, merged from its cells, and its most frequent topics.
async fn merge(store: &dyn Store, period: Period) -> Result<(Report, Vec<Topic>), StoreError> {
    let cells = store.stats_cells(period).await?;
    let report = Report::from_cells(cells.iter().map(|(k, t)| (k, t)), period);
    let topics = store.stats_topics(period, TOPICS_SHOWN).await?;
    Ok((report, topics))
}

/// The view of a merged report, with the departments' current names.
async fn view(
    store: &dyn Store,
    period: Period,
    freshness: StatsFreshness,
    report: Report,
    topics: Vec<Topic>,
) -> Result<StatsView, StoreError> {
    let departments = store
        .departments()
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    Ok(StatsView {
        period,
        report,
        topics,
        freshness,
        departments,
    })
}

/// Recently merged reports, reused while the stored figures have not changed: a busy
/// statistics page then costs two tiny queries instead of merging thousands of cells per request.
#[derive(Debug, Default)]
pub struct ViewCache {
    entries: std::sync::Mutex<Vec<CachedReport>>,
}

/// A period's report and topics as merged at one generation of the figures.
type CachedReport = (Period, StatsFreshness, Report, Vec<Topic>);

/// Periods kept in the cache (a page shows this year, the last few, or everything).
const CACHED_PERIODS: usize = 16;

impl ViewCache {
    fn get(&self, period: Period, freshness: &StatsFreshness) -> Option<(Report, Vec<Topic>)> {
        let entries = self.entries.lock().ok()?;
        entries
            .iter()
            .find(|(p, f, _, _)| *p == period && f == freshness)
            .map(|(_, _, report, topics)| (report.clone(), topics.clone()))
    }

    fn put(&self, period: Period, freshness: StatsFreshness, report: Report, topics: Vec<Topic>) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|(p, _, _, _)| *p != period);
            if entries.len() >= CACHED_PERIODS {
                entries.remove(0);
            }
            entries.push((period, freshness, report, topics));
        }
    }
}

/// [`load`] through the application's cache: the merge of a period's cells is redone only when
/// the statistics job has saved new figures since. Department names are always read afresh.
pub async fn load_cached(app: &App, period: Period) -> Result<StatsView, StoreError> {
    let store = app.store.as_ref();
    let freshness = store.stats_freshness().await?;
    let (report, topics) = match app.stats_cache.get(period, &freshness) {
        Some(hit) => hit,
        None => {
            let (report, topics) = merge(store, period).await?;
            app.stats_cache
                .put(period, freshness.clone(), report.clone(), topics.clone());
            (report, topics)
        }
    };
    view(store, period, freshness, report, topics).await
}

impl StatsView {
    /// A department's name; "not yet routed" for none, the id for a department since removed.
    pub fn department_name(&self, id: Option<DepartmentId>, lang_bg: bool) -> String {
        match id {
            None if lang_bg => "неразпределени".into(),
            None => "not yet routed".into(),
            Some(id) => self
                .departments
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("#{id}")),
        }
    }
}
