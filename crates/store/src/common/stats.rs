// The statistics' tables: stale months, cells and topics (see `crate::stats`).

use super::{DbPool, DbRow, ThisStore, begin_write};
use crate::rows::{parse_date, parse_timestamp};
use crate::stats::{StatRow, StatsFreshness, StatsStore, Topic};
use crate::{Result, StoreError};
use async_trait::async_trait;
use futures_util::TryStreamExt;
use jiff::Timestamp;
use priemna_domain::clock::local_date;
use priemna_domain::stats::{
    CellKey, Dimension, MIN_TOPIC_CASES, Month, Period, StatCase, Tally, subject_feeds_topics,
};
use priemna_domain::{Channel, Kind, Status};
use sqlx::Row;
use std::collections::BTreeMap;

fn month_of(text: &str) -> Result<Month> {
    Month::parse(text).ok_or_else(|| StoreError::Corrupt(format!("month {text:?}")))
}

fn stat_row(row: &DbRow) -> Result<StatRow> {
    let received: String = row.try_get("received_date")?;
    let kind: String = row.try_get("kind")?;
    let channel: String = row.try_get("channel")?;
    let status: String = row.try_get("status")?;
    let answered_at: Option<String> = row.try_get("answered_at")?;
    let urgency: String = row.try_get("urgency")?;
    let sealed: bool = row.try_get("sealed")?;
    let about_employee: bool = row.try_get("about_employee")?;
    let rating: Option<i64> = row.try_get("rating")?;
    let case = StatCase {
        received: parse_date(Some(received))?
            .ok_or_else(|| StoreError::Corrupt("received_date".into()))?,
        kind: Kind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("kind {kind:?}")))?,
        channel: Channel::parse(&channel)
            .ok_or_else(|| StoreError::Corrupt(format!("channel {channel:?}")))?,
        department_id: row.try_get("department_id")?,
        category: row.try_get("service_code")?,
        status: Status::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("status {status:?}")))?,
        answer_due: parse_date(row.try_get("answer_due")?)?,
        deadline_extended: row.try_get("deadline_extended")?,
        answered: answered_at
            .as_deref()
            .map(parse_timestamp)
            .transpose()?
            .map(local_date),
        not_considered_rule: row.try_get("not_considered_rule")?,
        forwarded: row.try_get::<Option<String>, _>("forwarded_to")?.is_some(),
        merged: row.try_get::<Option<i64>, _>("duplicate_of")?.is_some(),
        overdue: urgency == "overdue",
        rating: rating.and_then(|r| u8::try_from(r).ok()),
    };
    // Only the subjects of public matters feed the topics (see `subject_feeds_topics`).
    let feeds = subject_feeds_topics(
        case.kind,
        sealed,
        about_employee,
        case.not_considered_rule.as_deref(),
    );
    Ok(StatRow {
        subject: if feeds {
            Some(row.try_get("subject")?)
        } else {
            None
        },
        case,
    })
}

async fn cells_of(pool: &DbPool, period: Period) -> Result<Vec<(CellKey, Tally)>> {
    let rows = sqlx::query(
        "SELECT month, dimension, value, tally FROM stats_cells
         WHERE month >= $1 AND month <= $2",
    )
    .bind(period.from.to_string())
    .bind(period.to.to_string())
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let month: String = row.try_get("month")?;
            let dimension: String = row.try_get("dimension")?;
            let tally: String = row.try_get("tally")?;
            Ok((
                CellKey {
                    month: month_of(&month)?,
                    dimension: Dimension::parse(&dimension)
                        .ok_or_else(|| StoreError::Corrupt(format!("dimension {dimension:?}")))?,
                    value: row.try_get("value")?,
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
        let rows = sqlx::query(
            "SELECT month, version FROM stats_months WHERE version > computed_version
             ORDER BY month",
        )
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|row| {
                let month: String = row.try_get("month")?;
                Ok((month_of(&month)?, row.try_get("version")?))
            })
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
        let mut rows = sqlx::query(
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
            visit(stat_row(&row)?);
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
        let rows = sqlx::query(
            "SELECT term, label, count FROM stats_topics WHERE month >= $1 AND month <= $2",
        )
        .bind(period.from.to_string())
        .bind(period.to.to_string())
        .fetch_all(&self.read)
        .await?;
        // term → (total, label counts): the label shown is the one most months used.
        let mut merged: BTreeMap<String, (u64, BTreeMap<String, u64>)> = BTreeMap::new();
        for row in &rows {
            let count: i64 = row.try_get("count")?;
            let count = u64::try_from(count).unwrap_or(0);
            let entry = merged.entry(row.try_get("term")?).or_default();
            entry.0 += count;
            *entry.1.entry(row.try_get("label")?).or_default() += count;
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
        let row = sqlx::query(
            "SELECT MAX(computed_at) AS computed_at,
                    CAST(SUM(CASE WHEN version > computed_version THEN 1 ELSE 0 END) AS BIGINT)
                        AS stale,
                    CAST(SUM(computed_version) AS BIGINT) AS generation
             FROM stats_months",
        )
        .fetch_one(&self.read)
        .await?;
        let computed_at: Option<String> = row.try_get("computed_at")?;
        let stale: Option<i64> = row.try_get("stale")?;
        Ok(StatsFreshness {
            computed_at: computed_at.as_deref().map(parse_timestamp).transpose()?,
            stale_months: stale.and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
            generation: row.try_get::<Option<i64>, _>("generation")?.unwrap_or(0),
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
