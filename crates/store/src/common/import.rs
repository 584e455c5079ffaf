// Import of an existing register: many cases in one transaction, numbered in Priemna's series,
// one journal entry for the whole import. Written in multi-row statements, because the same path
// loads millions of generated cases: round trips, not the database, would set the pace.

use super::journal::{append, details_json};
use super::{Db, DbConn, ThisStore, begin_write};
use crate::import::{ImportBatch, ImportOutcome, ImportStore, ImportedCase, NumberRange};
use crate::tracking::{TrackingCode, hash_tracking_code};
use crate::{Result, StoreError};
use async_trait::async_trait;
use priemna_domain::clock::local_date;
use priemna_domain::{Kind, RegistrationNumber, Status};
use serde_json::json;
use sqlx::{QueryBuilder, Row, Transaction};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Cases per INSERT: 31 values each stays well under SQLite's limit of 32 766 parameters (and
/// PostgreSQL's 65 535).
const CASES_PER_STATEMENT: usize = 500;
/// Old numbers looked up per query.
const NUMBERS_PER_LOOKUP: usize = 1000;
/// `entered_by` of imported cases (the journal's entry names who imported them).
const ENTERED_BY: &str = "import";

/// A case with its new number and what is computed once for it.
struct Prepared<'a> {
    case: &'a ImportedCase,
    number: RegistrationNumber,
    decisions: String,
    tracking_code_hash: String,
    sealed: bool,
}

#[async_trait]
impl ImportStore for ThisStore {
    async fn import_cases(
        &self,
        mut cases: Vec<ImportedCase>,
        batch: ImportBatch,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<ImportOutcome> {
        if cases.is_empty() {
            return Ok(ImportOutcome::default());
        }
        if cases.iter().any(|c| c.status == Status::Duplicate) {
            return Err(StoreError::Conflict(
                "a case cannot be imported as a duplicate: there is no case to merge it into"
                    .into(),
            ));
        }
        // Stable: cases received at the same instant keep the file's order.
        cases.sort_by_key(|c| c.received_at);
        let mut seen = HashSet::new();
        for legacy in cases.iter().filter_map(|c| c.legacy_number.as_deref()) {
            if !seen.insert(legacy) {
                return Err(StoreError::Duplicate(format!(
                    "old register number {legacy} (twice in the import)"
                )));
            }
        }

        let mut tx = begin_write(&self.write).await?;
        // Checked inside the transaction, so the answer holds until the commit; the unique
        // index stays the last word.
        let legacy: Vec<String> = seen.into_iter().map(str::to_owned).collect();
        for chunk in legacy.chunks(NUMBERS_PER_LOOKUP) {
            if let Some((legacy, number)) = numbers_in_use(&mut tx, chunk).await?.first() {
                return Err(StoreError::Duplicate(format!(
                    "old register number {legacy} (imported already as {number})"
                )));
            }
        }

        // Reserve each year's numbers at once: the counters move by the year's count, and the
        // transaction holds the write lock, so the range is ours and leaves no gap.
        let mut per_year: BTreeMap<i16, u32> = BTreeMap::new();
        for case in &cases {
            *per_year
                .entry(local_date(case.received_at).year())
                .or_default() += 1;
        }
        let mut next_seq: BTreeMap<i16, u32> = BTreeMap::new();
        let mut ranges = Vec::with_capacity(per_year.len());
        for (&year, &count) in &per_year {
            let last: i64 = sqlx::query_scalar(
                "INSERT INTO registration_counters (year, last_seq) VALUES ($1, $2)
                 ON CONFLICT (year) DO UPDATE SET last_seq = registration_counters.last_seq + $2
                 RETURNING last_seq",
            )
            .bind(i64::from(year))
            .bind(i64::from(count))
            .fetch_one(&mut *tx)
            .await?;
            let last = u32::try_from(last).map_err(|_| StoreError::SeriesExhausted(year))?;
            let first = last - (count - 1);
            let number =
                |seq| RegistrationNumber::new(year, seq).ok_or(StoreError::SeriesExhausted(year));
            ranges.push(NumberRange {
                first: number(first)?,
                last: number(last)?,
            });
            next_seq.insert(year, first);
        }

        let mut prepared = Vec::with_capacity(cases.len());
        for case in &cases {
            let year = local_date(case.received_at).year();
            let seq = next_seq
                .get_mut(&year)
                .ok_or_else(|| StoreError::Corrupt(format!("no numbers reserved for {year}")))?;
            let number =
                RegistrationNumber::new(year, *seq).ok_or(StoreError::SeriesExhausted(year))?;
            *seq += 1;
            prepared.push(Prepared {
                case,
                number,
                decisions: crate::decisions::encode(&case.assessment.decisions)?,
                // Nobody is told this code: the case keeps the shape every case has, and the
                // citizen can be given a new one by the back office if ever needed.
                tracking_code_hash: hash_tracking_code(TrackingCode::generate().as_str()),
                sealed: case.draft.kind == Kind::CorruptionSignal,
            });
        }

        let mut written = 0u64;
        for chunk in prepared.chunks(CASES_PER_STATEMENT) {
            insert_chunk(&mut tx, chunk).await?;
            written += chunk.len() as u64;
            progress(written);
        }

        let count = cases.len() as u64;
        let first = ranges.iter().map(|r| r.first).min();
        let last = ranges.iter().map(|r| r.last).max();
        // One entry for the whole import: what, how many, which numbers, which file.
        let details = details_json(&json!({
            "count": count,
            "first": first.map(|n| n.to_string()),
            "last": last.map(|n| n.to_string()),
            "ranges": ranges
                .iter()
                .map(|r| json!({"first": r.first.to_string(), "last": r.last.to_string()}))
                .collect::<Vec<_>>(),
            "source": batch.source,
            "sha256": batch.sha256,
        }))?;
        append(
            &mut tx,
            &batch.at.to_string(),
            &batch.actor,
            "import",
            None,
            &details,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(ImportOutcome {
            count,
            first,
            last,
            ranges,
        })
    }

    async fn legacy_numbers_in_use(
        &self,
        legacy_numbers: &[String],
    ) -> Result<Vec<(String, RegistrationNumber)>> {
        let mut found = Vec::new();
        let mut conn = self.read.acquire().await?;
        for chunk in legacy_numbers.chunks(NUMBERS_PER_LOOKUP) {
            found.extend(numbers_in_use(&mut conn, chunk).await?);
        }
        Ok(found)
    }
}

async fn numbers_in_use(
    conn: &mut DbConn,
    legacy_numbers: &[String],
) -> Result<Vec<(String, RegistrationNumber)>> {
    if legacy_numbers.is_empty() {
        return Ok(Vec::new());
    }
    let mut q: QueryBuilder<Db> =
        QueryBuilder::new("SELECT legacy_number, number FROM submissions WHERE legacy_number IN (");
    let mut list = q.separated(", ");
    for legacy in legacy_numbers {
        list.push_bind(legacy);
    }
    q.push(") ORDER BY number");
    q.build()
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| {
            let number: String = row.try_get("number")?;
            Ok((
                row.try_get("legacy_number")?,
                number
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("bad number {number:?}")))?,
            ))
        })
        .collect()
}

/// Writes one chunk: the cases, their people, their history.
async fn insert_chunk(tx: &mut Transaction<'static, Db>, chunk: &[Prepared<'_>]) -> Result<()> {
    let mut q: QueryBuilder<Db> = QueryBuilder::new(
        "INSERT INTO submissions (
            number, year, seq, kind, channel, subject, body, address, anonymous,
            health_or_safety_threat, about_bad_administration, in_writing, violation_date,
            received_at, received_date, status, considered, deadline_rule, answer_due,
            acknowledge_due, decisions, tracking_code_hash, sealed, entered_by, about_employee,
            urgency, department_id, answer_text, answered_at, finished_at, legacy_number) ",
    );
    q.push_values(chunk, |mut row, p| {
        let case = p.case;
        let draft = &case.draft;
        let assessment = &case.assessment;
        let urgency = if case.status.is_open() && assessment.answer_due.is_some() {
            "on_track"
        } else {
            "no_deadline"
        };
        row.push_bind(p.number.to_string())
            .push_bind(i64::from(p.number.year()))
            .push_bind(i64::from(p.number.sequence()))
            .push_bind(draft.kind.as_str())
            .push_bind(draft.channel.as_str())
            .push_bind(draft.subject.as_str())
            .push_bind(draft.body.as_str())
            .push_bind(draft.address.as_deref())
            .push_bind(draft.is_anonymous())
            .push_bind(draft.health_or_safety_threat)
            .push_bind(draft.about_bad_administration)
            .push_bind(draft.in_writing)
            .push_bind(draft.violation_date.map(|d| d.to_string()))
            .push_bind(case.received_at.to_string())
            .push_bind(local_date(case.received_at).to_string())
            .push_bind(case.status.as_str())
            .push_bind(assessment.considered && case.status != Status::NotConsidered)
            .push_bind(assessment.deadline_rule.map(|r| r.as_str()))
            .push_bind(assessment.answer_due.map(|d| d.to_string()))
            .push_bind(assessment.acknowledge_due.map(|d| d.to_string()))
            .push_bind(p.decisions.as_str())
            .push_bind(p.tracking_code_hash.as_str())
            .push_bind(p.sealed)
            .push_bind(ENTERED_BY)
            .push_bind(draft.about_employee)
            .push_bind(urgency)
            .push_bind(case.department_id.map(i64::from))
            .push_bind(case.answer_text.as_deref())
            .push_bind(case.answered_at.map(|t| t.to_string()))
            .push_bind(case.finished_at.map(|t| t.to_string()))
            .push_bind(case.legacy_number.as_deref());
    });
    // The order RETURNING lists rows in is not promised, so ids are matched by number.
    q.push(" RETURNING id, number");
    let mut ids: HashMap<String, i64> = HashMap::with_capacity(chunk.len());
    for row in q.build().fetch_all(&mut **tx).await? {
        ids.insert(row.try_get("number")?, row.try_get("id")?);
    }
    let id_of = |p: &Prepared<'_>| -> Result<i64> {
        ids.get(&p.number.to_string())
            .copied()
            .ok_or_else(|| StoreError::Corrupt(format!("case {} was not written", p.number)))
    };
    let with_ids = chunk
        .iter()
        .map(|p| Ok((id_of(p)?, p)))
        .collect::<Result<Vec<_>>>()?;

    // Whistleblowers' identities go to their own table, as at intake.
    for sealed in [false, true] {
        let people: Vec<_> = with_ids
            .iter()
            .filter(|(_, p)| p.sealed == sealed)
            .filter_map(|(id, p)| p.case.draft.submitter.as_ref().map(|s| (*id, s)))
            .collect();
        if people.is_empty() {
            continue;
        }
        let table = if sealed {
            "sealed_identities"
        } else {
            "submitters"
        };
        let mut q: QueryBuilder<Db> = QueryBuilder::new(format!(
            "INSERT INTO {table} (submission_id, name, address, phone, email, egn) "
        ));
        q.push_values(people, |mut row, (id, person)| {
            row.push_bind(id)
                .push_bind(person.name.as_str())
                .push_bind(person.address.as_deref())
                .push_bind(person.phone.as_ref().map(|p| p.as_str()))
                .push_bind(person.email.as_ref().map(|e| e.as_str()))
                .push_bind(person.egn.as_ref().map(|e| e.as_str()));
        });
        q.build().execute(&mut **tx).await?;
    }

    let mut events = Vec::with_capacity(chunk.len() * 2);
    for (id, p) in &with_ids {
        let case = p.case;
        let (bg, en) = match &case.legacy_number {
            Some(legacy) => (
                format!(
                    "Внесено от предишния регистър (№ {legacy}) с номер {}.",
                    p.number
                ),
                format!(
                    "Imported from the previous register (no. {legacy}) as {}.",
                    p.number
                ),
            ),
            None => (
                format!("Внесено от предишния регистър с номер {}.", p.number),
                format!("Imported from the previous register as {}.", p.number),
            ),
        };
        events.push((*id, case.received_at, Status::Registered, bg, en));
        if case.status != Status::Registered {
            let at = case
                .answered_at
                .or(case.finished_at)
                .unwrap_or(case.received_at);
            let (bg, en) = final_note(case.status);
            events.push((*id, at, case.status, bg, en));
        }
    }
    let mut q: QueryBuilder<Db> =
        QueryBuilder::new("INSERT INTO case_events (submission_id, at, status, note_bg, note_en) ");
    q.push_values(events, |mut row, (id, at, status, bg, en)| {
        row.push_bind(id)
            .push_bind(at.to_string())
            .push_bind(status.as_str())
            .push_bind(bg)
            .push_bind(en);
    });
    q.build().execute(&mut **tx).await?;
    Ok(())
}

/// The citizen's history line for where the old register left the case.
fn final_note(status: Status) -> (String, String) {
    match status {
        Status::Answered => (
            "Изпратен е писмен отговор.".into(),
            "A written answer was sent.".into(),
        ),
        Status::Closed => (
            "Изпратен е писмен отговор; преписката е приключена.".into(),
            "A written answer was sent; the case is closed.".into(),
        ),
        other => (
            format!("Състояние по предишния регистър: {}.", other.label_bg()),
            format!("Status in the previous register: {}.", other.label_en()),
        ),
    }
}
