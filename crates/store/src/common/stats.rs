// The statistics' tables: stale months, cells and topics (see `crate::stats`).

use super::{DbPool, ThisStore, begin_write};
use crate::rows::{parse_date, parse_timestamp, parse_urgency};
use crate::stats::{StatRow, StatsFreshness, StatsStore, Topic};
use crate::{Result, StoreError};
use async_trait::async_trait;
use futures_util::TryStreamExt;
use jiff::Timestamp;
use priemna_domain::clock::local_date;
use priemna_domain::stats::{
    CellKey, Dimension, MIN_TOPIC_CASES, Month, Period, StatCase, Tally, subject_feeds_topics,
};
use priemna_domain::workflow::Urgency;
use priemna_domain::{Channel, DepartmentId, Kind, Status};
use std::collections::BTreeMap;

fn month_of(text: &str) -> Result<Month> {
    Month::parse(text).ok_or_else(|| StoreError::Corrupt(format!("month {text:?}")))
}

/// A case as the statistics job reads it.
#[derive(sqlx::FromRow)]
struct StatCaseRow {
    received_date: String,
    kind: String,
    channel: String,
    department_id: Option<i64>,
    service_code: Option<String>,
    status: String,
    answer_due: Option<String>,
    deadline_extended: bool,
    answered_at: Option<String>,
    not_considered_rule: Option<String>,
    forwarded_to: Option<String>,
    duplicate_of: Option<i64>,
    urgency: String,
    sealed: bool,
    about_employee: bool,
    subject: String,
    rating: Option<i64>,
}

impl TryFrom<StatCaseRow> for StatRow {
    type Error = StoreError;

    fn try_from(row: StatCaseRow) -> Result<StatRow> {
        let case = StatCase {
            received: parse_date(Some(row.received_date))?
                .ok_or_else(|| StoreError::Corrupt("received_date".into()))?,
            kind: Kind::parse(&row.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("kind {:?}", row.kind)))?,
            channel: Channel::parse(&row.channel)
                .ok_or_else(|| StoreError::Corrupt(format!("channel {:?}", row.channel)))?,
            department_id: row.department_id.map(DepartmentId),
            category: row.service_code,
            status: Status::parse(&row.status)
                .ok_or_else(|| StoreError::Corrupt(format!("status {:?}", row.status)))?,
            answer_due: parse_date(row.answer_due)?,
            deadline_extended: row.deadline_extended,
            answered: row
                .answered_at
                .as_deref()
                .map(parse_timestamp)
                .transpose()?
                .map(local_date),
            not_considered_rule: row.not_considered_rule,
            forwarded: row.forwarded_to.is_some(),
            merged: row.duplicate_of.is_some(),
            overdue: parse_urgency(&row.urgency)? == Urgency::Overdue,
            rating: row.rating.and_then(|r| u8::try_from(r).ok()),
        };
        // Only the subjects of public matters feed the topics (see `subject_feeds_topics`).
        let feeds = subject_feeds_topics(
            case.kind,
            row.sealed,
            row.about_employee,
            case.not_considered_rule.as_deref(),
        );
        Ok(StatRow {
            subject: feeds.then_some(row.subject),
            case,
        })
    }
}

async fn cells_of(pool: &DbPool, period: Period) -> Result<Vec<(CellKey, Tally)>> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT month, dimension, value, tally FROM stats_cells
         WHERE month >= $1 AND month <= $2",
    )
    .bind(period.from.to_string())
    .bind(period.to.to_string())
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(month, dimension, value, tally)| {
            Ok((
                CellKey {
                    month: month_of(&month)?,
                    dimension: Dimension::parse(&dimension)
                        .ok_or_else(|| StoreError::Corrupt(format!("dimension {dimension:?}")))?,
                    value,
                },
                serde_json::from_str(&tally)
                    .map_err(|e| StoreError::Corrupt(format!("tally: {e}")))?,
            ))
        })
        .collect()
}

#[async_trait]
impl StatsStore for ThisStore {
    async fn stale_stats_months(&self) -> Result<Vec<(Month, i64)>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT month, version FROM stats_months WHERE version > computed_version
             ORDER BY month",
        )
        .fetch_all(&self.read)
        .await?;
        rows.into_iter()
            .map(|(month, version)| Ok((month_of(&month)?, version)))
            .collect()
    }

    async fn stat_cases(
        &self,
        month: Month,
        visit: &mut (dyn FnMut(StatRow) + Send),
    ) -> Result<u64> {
        // received_date is ISO text: the month's cases are one range of the index on it.
        let first_day = month.first_day().to_string();
        let next_month = month.next().first_day().to_string();
        let mut rows = sqlx::query_as::<_, StatCaseRow>(
            "SELECT s.received_date, s.kind, s.channel, s.department_id, s.service_code,
                    s.status, s.answer_due, s.deadline_extended, s.answered_at,
                    s.not_considered_rule, s.forwarded_to, s.duplicate_of, s.urgency, s.sealed,
                    s.about_employee, s.subject,
                    CAST(v.rating AS BIGINT) AS rating
             FROM submissions s LEFT JOIN surveys v ON v.submission_id = s.id
             WHERE s.received_date >= $1 AND s.received_date < $2",
        )
        .bind(&first_day)
        .bind(&next_month)
        .fetch(&self.read);
        let mut count = 0;
        while let Some(row) = rows.try_next().await? {
            visit(row.try_into()?);
            count += 1;
        }
        Ok(count)
    }

    async fn save_stats_month(
        &self,
        month: Month,
        version: i64,
        cells: Vec<(CellKey, Tally)>,
        topics: Vec<Topic>,
        at: Timestamp,
    ) -> Result<()> {
        let month_text = month.to_string();
        let mut tx = begin_write(&self.write).await?;
        // Another server may have saved a newer computation meanwhile: keep it.
        let current: Option<i64> =
            sqlx::query_scalar("SELECT computed_version FROM stats_months WHERE month = $1")
                .bind(&month_text)
                .fetch_optional(&mut *tx)
                .await?;
        if current.is_some_and(|computed| computed >= version) {
            return Ok(());
        }
        sqlx::query("DELETE FROM stats_cells WHERE month = $1")
            .bind(&month_text)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM stats_topics WHERE month = $1")
            .bind(&month_text)
            .execute(&mut *tx)
            .await?;
        for (key, tally) in &cells {
            let tally =
                serde_json::to_string(tally).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            sqlx::query(
                "INSERT INTO stats_cells (month, dimension, value, tally) VALUES ($1, $2, $3, $4)",
            )
            .bind(&month_text)
            .bind(key.dimension.as_str())
            .bind(&key.value)
            .bind(tally)
            .execute(&mut *tx)
            .await?;
        }
        for topic in &topics {
            sqlx::query(
                "INSERT INTO stats_topics (month, term, label, count) VALUES ($1, $2, $3, $4)",
            )
            .bind(&month_text)
            .bind(&topic.term)
            .bind(&topic.label)
            .bind(i64::try_from(topic.count).unwrap_or(i64::MAX))
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO stats_months (month, version, computed_version, computed_at)
             VALUES ($1, $2, $2, $3)
             ON CONFLICT (month) DO UPDATE SET computed_version = $2, computed_at = $3",
        )
        .bind(&month_text)
        .bind(version)
        .bind(at.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn stats_cells(&self, period: Period) -> Result<Vec<(CellKey, Tally)>> {
        cells_of(&self.read, period).await
    }

    async fn stats_topics(&self, period: Period, limit: u32) -> Result<Vec<Topic>> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT term, label, count FROM stats_topics WHERE month >= $1 AND month <= $2",
        )
        .bind(period.from.to_string())
        .bind(period.to.to_string())
        .fetch_all(&self.read)
        .await?;
        // term → (total, label counts): the label shown is the one most months used.
        let mut merged: BTreeMap<String, (u64, BTreeMap<String, u64>)> = BTreeMap::new();
        for (term, label, count) in rows {
            let count = u64::try_from(count).unwrap_or(0);
            let entry = merged.entry(term).or_default();
            entry.0 += count;
            *entry.1.entry(label).or_default() += count;
        }
        let mut topics: Vec<Topic> = merged
            .into_iter()
            .map(|(term, (count, labels))| Topic {
                label: labels
                    .into_iter()
                    .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
                    .map(|(label, _)| label)
                    .unwrap_or_else(|| term.clone()),
                term,
                count,
            })
            .collect();
        // Published only when enough cases of the period used the word (the months merged
        // first: a word in 3 cases of each of two months counts 6 over both).
        topics.retain(|t| t.count >= MIN_TOPIC_CASES);
        topics.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.term.cmp(&b.term)));
        topics.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(topics)
    }

    async fn stats_freshness(&self) -> Result<StatsFreshness> {
        let (computed_at, stale, generation): (Option<String>, Option<i64>, Option<i64>) =
            sqlx::query_as(
            "SELECT MAX(computed_at) AS computed_at,
                    CAST(SUM(CASE WHEN version > computed_version THEN 1 ELSE 0 END) AS BIGINT)
                        AS stale,
                    CAST(SUM(computed_version) AS BIGINT) AS generation
             FROM stats_months",
        )
        .fetch_one(&self.read)
        .await?;
        Ok(StatsFreshness {
            computed_at: computed_at.as_deref().map(parse_timestamp).transpose()?,
            stale_months: stale.and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
            generation: generation.unwrap_or(0),
        })
    }

    async fn stats_months(&self) -> Result<Vec<Month>> {
        let months: Vec<String> =
            sqlx::query_scalar("SELECT month FROM stats_months ORDER BY month")
                .fetch_all(&self.read)
                .await?;
        months.iter().map(|m| month_of(m)).collect()
    }
}
