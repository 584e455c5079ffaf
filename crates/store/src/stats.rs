//! The statistics' pre-aggregated figures: cells per month of receipt (see
//! `priemna_domain::stats`), the month's most frequent topics, and which months are stale.
//!
//! Triggers in the schema mark a month whenever one of its cases (or a survey of one) changes;
//! the statistics job (`web::stats`) reads the stale months' cases, tallies them with the domain
//! and saves the cells here. Reading a period is then a read of a few thousand small rows,
//! however large the register. `StatsStore` is a part of `Store`, implemented for each backend
//! from the shared queries in `common/stats.rs`.

use crate::Result;
use async_trait::async_trait;
use jiff::Timestamp;
use priemna_domain::stats::{CellKey, Month, Period, StatCase, Tally};

/// A case as the statistics job reads it.
#[derive(Debug, Clone)]
pub struct StatRow {
    pub case: StatCase,
    /// The subject, for the month's topics; `None` when its words must stay out of anything
    /// public (`priemna_domain::stats::subject_feeds_topics`: whistleblower reports, complaints
    /// about employees, private kinds, obscenity).
    pub subject: Option<String>,
}

/// A frequent word of the subjects: its stem (`term`), its commonest spelling and how many
/// cases used it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub term: String,
    pub label: String,
    pub count: u64,
}

/// How current the stored figures are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsFreshness {
    /// When the most recently recomputed month was computed.
    pub computed_at: Option<Timestamp>,
    /// Months changed since their figures were computed.
    pub stale_months: u64,
    /// Grows with every month saved: equal generations, equal figures (a cache's key).
    pub generation: i64,
}

#[async_trait]
pub trait StatsStore {
    /// Months whose cases changed since their figures were computed, each with the change
    /// counter to record once they are, oldest month first.
    async fn stale_stats_months(&self) -> Result<Vec<(Month, i64)>>;
    /// Hands each case received in `month` to `visit`, as the rows arrive (a month of a large
    /// register is hundreds of thousands of cases: they are tallied, never all held at once).
    /// Returns how many there were.
    async fn stat_cases(
        &self,
        month: Month,
        visit: &mut (dyn FnMut(StatRow) + Send),
    ) -> Result<u64>;
    /// Replaces `month`'s figures and records `version` as computed (never going back, should
    /// two servers race).
    async fn save_stats_month(
        &self,
        month: Month,
        version: i64,
        cells: Vec<(CellKey, Tally)>,
        topics: Vec<Topic>,
        at: Timestamp,
    ) -> Result<()>;
    /// The stored cells of `period`.
    async fn stats_cells(&self, period: Period) -> Result<Vec<(CellKey, Tally)>>;
    /// The most frequent topics of `period`, most frequent first: only those that at least
    /// `priemna_domain::stats::MIN_TOPIC_CASES` cases of the whole period used.
    async fn stats_topics(&self, period: Period, limit: u32) -> Result<Vec<Topic>>;
    async fn stats_freshness(&self) -> Result<StatsFreshness>;
    /// The months that have cases, oldest first.
    async fn stats_months(&self) -> Result<Vec<Month>>;
}
