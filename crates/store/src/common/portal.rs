// The portal's tables: attachments, surveys, reception bookings, editable pages.

use super::journal::{append, details_json};
use super::{DbConn, DbPool, DbRow, ThisStore, begin_write};
use crate::model::NewMessage;
use crate::portal::{
    Attachment, AttachmentInfo, Attendance, Booking, BookingOutcome, Contact, FormCleanup,
    FormOnce, FormResult, KeptUpload, NewAttachment, NewBooking, PortalPage, PortalStore,
    Reschedule, RescheduleOutcome, Survey,
};
use crate::rows::{is_unique_violation, parse_date, parse_timestamp};
use crate::{Result, StoreError};
use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use priemna_domain::{CaseId, RegistrationNumber};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::FromRow;

/// A `portal_pages` row as stored.
#[derive(sqlx::FromRow)]
struct PageRow {
    slug: String,
    body_bg: String,
    body_en: String,
    updated_at: String,
    updated_by: String,
}

const ATTACHMENT_COLUMNS: &str = "id, filename, content_type, size, sha256, created_at";
const BOOKING_COLUMNS: &str = "id, official, day, slot, name, phone, topic, email, uid, sequence, \
     created_at, cancelled_at, attendance";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn submission_id(pool: &DbPool, number: RegistrationNumber) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM submissions WHERE number = $1")
            .bind(number.to_string())
            .fetch_optional(pool)
            .await?,
    )
}

/// An `attachments` row without its bytes.
#[derive(sqlx::FromRow)]
struct AttachmentRow {
    id: i64,
    filename: String,
    content_type: String,
    size: i64,
    sha256: String,
    created_at: String,
}

impl TryFrom<AttachmentRow> for AttachmentInfo {
    type Error = StoreError;

    fn try_from(row: AttachmentRow) -> Result<AttachmentInfo> {
        Ok(AttachmentInfo {
            id: row.id,
            filename: row.filename,
            content_type: row.content_type,
            size: row.size,
            sha256: row.sha256,
            created_at: parse_timestamp(&row.created_at)?,
        })
    }
}

/// An `attachments` row with its bytes.
#[derive(sqlx::FromRow)]
struct AttachmentDataRow {
    #[sqlx(flatten)]
    info: AttachmentRow,
    data: Vec<u8>,
}

fn attachment_info(row: &DbRow) -> Result<AttachmentInfo> {
    AttachmentRow::from_row(row)?.try_into()
}

/// A `bookings` row as stored.
#[derive(sqlx::FromRow)]
struct BookingRow {
    id: i64,
    official: String,
    day: String,
    slot: String,
    name: String,
    phone: String,
    topic: Option<String>,
    email: Option<String>,
    uid: Option<String>,
    sequence: i64,
    created_at: String,
    cancelled_at: Option<String>,
    attendance: Option<String>,
}

impl TryFrom<BookingRow> for Booking {
    type Error = StoreError;

    fn try_from(row: BookingRow) -> Result<Booking> {
        let attendance = row
            .attendance
            .map(|a| {
                Attendance::parse(&a).ok_or_else(|| StoreError::Corrupt(format!("attendance {a}")))
            })
            .transpose()?;
        Ok(Booking {
            id: row.id,
            official: row.official,
            day: parse_date(Some(row.day))?
                .ok_or_else(|| StoreError::Corrupt("booking day".into()))?,
            slot: row.slot,
            name: row.name,
            phone: row.phone,
            topic: row.topic,
            email: row.email,
            uid: row
                .uid
                .ok_or_else(|| StoreError::Corrupt("booking uid".into()))?,
            sequence: row.sequence,
            created_at: parse_timestamp(&row.created_at)?,
            cancelled_at: row.cancelled_at.as_deref().map(parse_timestamp).transpose()?,
            attendance,
        })
    }
}

fn booking(row: &DbRow) -> Result<Booking> {
    BookingRow::from_row(row)?.try_into()
}

fn rating_from(value: i64) -> Result<u8> {
    u8::try_from(value)
        .ok()
        .filter(|r| (1..=5).contains(r))
        .ok_or_else(|| StoreError::Corrupt(format!("survey rating {value}")))
}

#[async_trait]
impl PortalStore for ThisStore {
    async fn add_attachments(
        &self,
        number: RegistrationNumber,
        files: Vec<NewAttachment>,
        at: Timestamp,
        actor: &str,
    ) -> Result<Vec<AttachmentInfo>> {
        let at_text = at.to_string();
        let mut tx = begin_write(&self.write).await?;
        let id: i64 = sqlx::query_scalar("SELECT id FROM submissions WHERE number = $1")
            .bind(number.to_string())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("case {number}")))?;
        let mut stored = Vec::with_capacity(files.len());
        for file in files {
            let sha256 = hex(&Sha256::digest(&file.data));
            let size = i64::try_from(file.data.len())
                .map_err(|_| StoreError::Corrupt("attachment too large".into()))?;
            let attachment_id: i64 = sqlx::query_scalar(
                "INSERT INTO attachments
                    (submission_id, filename, content_type, size, sha256, data, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(id)
            .bind(&file.filename)
            .bind(&file.content_type)
            .bind(size)
            .bind(&sha256)
            .bind(&file.data)
            .bind(&at_text)
            .fetch_one(&mut *tx)
            .await?;
            // The journal names the file by its hash, not by its (possibly personal) name.
            let details = details_json(&json!({
                "number": number.to_string(),
                "attachment_id": attachment_id,
                "content_type": file.content_type,
                "size": size,
                "sha256": sha256,
            }))?;
            append(&mut tx, &at_text, actor, "attach", Some(CaseId(id)), &details, None).await?;
            stored.push(AttachmentInfo {
                id: attachment_id,
                filename: file.filename,
                content_type: file.content_type,
                size,
                sha256,
                created_at: at,
            });
        }
        tx.commit().await?;
        Ok(stored)
    }

    async fn attachments(&self, number: RegistrationNumber) -> Result<Vec<AttachmentInfo>> {
        let Some(id) = submission_id(&self.read, number).await? else {
            return Ok(Vec::new());
        };
        let rows = sqlx::query(&format!(
            "SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE submission_id = $1 ORDER BY id"
        ))
        .bind(id)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(attachment_info).collect()
    }

    async fn attachment(&self, number: RegistrationNumber, id: i64) -> Result<Option<Attachment>> {
        let Some(submission) = submission_id(&self.read, number).await? else {
            return Ok(None);
        };
        let Some(row) = sqlx::query_as::<_, AttachmentDataRow>(&format!(
            "SELECT {ATTACHMENT_COLUMNS}, data FROM attachments
             WHERE submission_id = $1 AND id = $2"
        ))
        .bind(submission)
        .bind(id)
        .fetch_optional(&self.read)
        .await?
        else {
            return Ok(None);
        };
        Ok(Some(Attachment {
            info: row.info.try_into()?,
            data: row.data,
        }))
    }

    async fn record_survey_once(
        &self,
        number: RegistrationNumber,
        survey: Survey,
        at: Timestamp,
        once: Option<(&FormOnce, &str)>,
    ) -> Result<()> {
        let at_text = at.to_string();
        let mut tx = begin_write(&self.write).await?;
        let id: i64 = sqlx::query_scalar("SELECT id FROM submissions WHERE number = $1")
            .bind(number.to_string())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("case {number}")))?;
        let inserted = sqlx::query(
            "INSERT INTO surveys (submission_id, rating, on_time, clear, comment, at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (submission_id) DO NOTHING",
        )
        .bind(id)
        .bind(i64::from(survey.rating))
        .bind(survey.on_time)
        .bind(survey.clear)
        .bind(&survey.comment)
        .bind(&at_text)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            tx.rollback().await?;
            return Err(StoreError::Duplicate(format!("survey for {number}")));
        }
        if let Some((once, code)) = once {
            super::forms::claim(&mut tx, once, "survey", &number.to_string(), code, at).await?;
        }
        let details = details_json(&json!({
            "number": number.to_string(), "rating": survey.rating,
        }))?;
        append(
            &mut tx,
            &at_text,
            "citizen",
            "survey",
            Some(CaseId(id)),
            &details,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn survey(&self, number: RegistrationNumber) -> Result<Option<Survey>> {
        let Some(id) = submission_id(&self.read, number).await? else {
            return Ok(None);
        };
        let Some((rating, on_time, clear, comment)) =
            sqlx::query_as::<_, (i64, Option<bool>, Option<bool>, Option<String>)>(
            "SELECT rating, on_time, clear, comment FROM surveys WHERE submission_id = $1",
        )
        .bind(id)
        .fetch_optional(&self.read)
        .await?
        else {
            return Ok(None);
        };
        Ok(Some(Survey {
            rating: rating_from(rating)?,
            on_time,
            clear,
            comment,
        }))
    }

    async fn book_once(
        &self,
        new: NewBooking,
        code_hash: &str,
        at: Timestamp,
        once: Option<(&FormOnce, &str)>,
    ) -> Result<BookingOutcome> {
        insert_booking(self, new, code_hash, at, "citizen", once).await
    }

    async fn book_for_caller(
        &self,
        new: NewBooking,
        code_hash: &str,
        at: Timestamp,
        booked_by: &str,
    ) -> Result<BookingOutcome> {
        insert_booking(self, new, code_hash, at, booked_by, None).await
    }

    async fn booking_by_id(&self, id: i64) -> Result<Option<Booking>> {
        sqlx::query(&format!(
            "SELECT {BOOKING_COLUMNS} FROM bookings WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.read)
        .await?
        .as_ref()
        .map(booking)
        .transpose()
    }

    async fn mark_attendance(
        &self,
        id: i64,
        attendance: Attendance,
        by: &str,
        at: Timestamp,
    ) -> Result<Option<Booking>> {
        let at_text = at.to_string();
        let mut tx = begin_write(&self.write).await?;
        let Some(row) = sqlx::query(&format!(
            "UPDATE bookings SET attendance = $1, attendance_at = $2, attendance_by = $3
             WHERE id = $4 AND cancelled_at IS NULL RETURNING {BOOKING_COLUMNS}"
        ))
        .bind(attendance.as_str())
        .bind(&at_text)
        .bind(by)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        else {
            tx.rollback().await?;
            return Ok(None);
        };
        let marked = booking(&row)?;
        let details = details_json(&json!({
            "booking_id": marked.id, "official": marked.official,
            "day": marked.day.to_string(), "slot": marked.slot,
            "attendance": attendance.as_str(),
        }))?;
        append(
            &mut tx,
            &at_text,
            by,
            "mark_attendance",
            None,
            &details,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(Some(marked))
    }
    async fn booked_slots(&self, official: &str, day: Date) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT slot FROM bookings
             WHERE official = $1 AND day = $2 AND cancelled_at IS NULL ORDER BY slot",
        )
        .bind(official)
        .bind(day.to_string())
        .fetch_all(&self.read)
        .await?)
    }

    async fn form_result(&self, token_hash: &str) -> Result<Option<FormResult>> {
        super::forms::result_by(&self.read, "token_hash", token_hash).await
    }

    async fn form_result_by_receipt(&self, receipt_hash: &str) -> Result<Option<FormResult>> {
        super::forms::result_by(&self.read, "receipt_hash", receipt_hash).await
    }

    async fn keep_uploads(
        &self,
        token_hash: &str,
        files: Vec<NewAttachment>,
        at: Timestamp,
        until: Timestamp,
    ) -> Result<()> {
        super::forms::keep(&self.write, token_hash, files, at, until).await
    }

    async fn kept_uploads(&self, token_hash: &str) -> Result<Vec<KeptUpload>> {
        super::forms::kept(&self.read, token_hash).await
    }

    async fn discard_kept_uploads(&self, token_hash: &str, ids: &[i64]) -> Result<()> {
        super::forms::discard(&self.write, token_hash, ids).await
    }

    async fn clean_forms(&self, now: Timestamp) -> Result<FormCleanup> {
        super::forms::clean(&self.write, now).await
    }

    async fn booking_by_code(&self, code_hash: &str) -> Result<Option<Booking>> {
        sqlx::query(&format!(
            "SELECT {BOOKING_COLUMNS} FROM bookings WHERE code_hash = $1"
        ))
        .bind(code_hash)
        .fetch_optional(&self.read)
        .await?
        .as_ref()
        .map(booking)
        .transpose()
    }

    async fn cancel_booking_notified(
        &self,
        code_hash: &str,
        expected_sequence: Option<i64>,
        at: Timestamp,
        actor: &str,
        notice: Option<NewMessage>,
    ) -> Result<Option<Booking>> {
        let at_text = at.to_string();
        let mut tx = begin_write(&self.write).await?;
        let Some(row) = sqlx::query(&format!(
            "UPDATE bookings SET cancelled_at = $1, sequence = sequence + 1
             WHERE code_hash = $2 AND cancelled_at IS NULL AND ($3 < 0 OR sequence = $3)
             RETURNING {BOOKING_COLUMNS}"
        ))
        .bind(&at_text)
        .bind(code_hash)
        .bind(expected_sequence.unwrap_or(-1))
        .fetch_optional(&mut *tx)
        .await?
        else {
            tx.rollback().await?;
            return Ok(None);
        };
        let cancelled = booking(&row)?;
        let details = details_json(&json!({
            "booking_id": cancelled.id, "official": cancelled.official,
            "day": cancelled.day.to_string(), "slot": cancelled.slot,
            "notice": notice.is_some(),
        }))?;
        append(
            &mut tx,
            &at_text,
            actor,
            "cancel_reception",
            None,
            &details,
            None,
        )
        .await?;
        if let Some(notice) = notice {
            super::outbox::enqueue(&mut tx, None, &[notice], &[], &at_text, None, None).await?;
        }
        tx.commit().await?;
        Ok(Some(cancelled))
    }

    async fn reschedule_booking(
        &self,
        change: Reschedule,
        at: Timestamp,
        actor: &str,
    ) -> Result<RescheduleOutcome> {
        let at_text = at.to_string();
        let mut tx = begin_write(&self.write).await?;
        let Some(before) = sqlx::query(&format!(
            "SELECT {BOOKING_COLUMNS} FROM bookings
             WHERE code_hash = $1 AND cancelled_at IS NULL AND sequence = $2"
        ))
        .bind(&change.code_hash)
        .bind(change.expected_sequence)
        .fetch_optional(&mut *tx)
        .await?
        .as_ref()
        .map(booking)
        .transpose()?
        else {
            tx.rollback().await?;
            return Ok(RescheduleOutcome::NotFound);
        };
        if let Some(by) = month_full(
            &mut tx,
            &before.official,
            &before.phone,
            before.email.as_deref(),
            change.day,
            Some(before.id),
        )
        .await?
        {
            tx.rollback().await?;
            return Ok(RescheduleOutcome::MonthFull { by });
        }
        // One statement moves the visit: the row that held the old slot now holds the new one,
        // so there is no moment where both are held or neither; the unique index on the active
        // slots refuses a slot someone else holds, whichever request comes second.
        let moved = sqlx::query(&format!(
            "UPDATE bookings SET day = $1, slot = $2, sequence = sequence + 1, moved_at = $3,
                                 attendance = NULL, attendance_at = NULL, attendance_by = NULL
             WHERE id = $4 AND cancelled_at IS NULL AND sequence = $5
             RETURNING {BOOKING_COLUMNS}"
        ))
        .bind(change.day.to_string())
        .bind(&change.slot)
        .bind(&at_text)
        .bind(before.id)
        .bind(change.expected_sequence)
        .fetch_optional(&mut *tx)
        .await;
        let after = match moved {
            Ok(Some(row)) => booking(&row)?,
            Ok(None) => {
                tx.rollback().await?;
                return Ok(RescheduleOutcome::NotFound);
            }
            Err(e) if is_unique_violation(&e) => {
                tx.rollback().await?;
                return Ok(RescheduleOutcome::SlotTaken);
            }
            Err(e) => return Err(e.into()),
        };
        let details = details_json(&json!({
            "booking_id": after.id, "official": after.official,
            "from_day": before.day.to_string(), "from_slot": before.slot,
            "day": after.day.to_string(), "slot": after.slot,
            "sequence": after.sequence, "confirmation": change.confirmation.is_some(),
        }))?;
        append(
            &mut tx,
            &at_text,
            actor,
            "reschedule_reception",
            None,
            &details,
            None,
        )
        .await?;
        if let Some((message, code)) = &change.confirmation {
            super::outbox::enqueue(
                &mut tx,
                None,
                std::slice::from_ref(message),
                &[],
                &at_text,
                None,
                Some(code),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(RescheduleOutcome::Moved {
            from: Box::new(before),
            to: Box::new(after),
        })
    }

    async fn bookings_on(&self, day: Date, reader: &str, at: Timestamp) -> Result<Vec<Booking>> {
        let at_text = at.to_string();
        // Reading and journalling the reading happen together: no unrecorded look.
        let mut tx = begin_write(&self.write).await?;
        let rows = sqlx::query(&format!(
            "SELECT {BOOKING_COLUMNS} FROM bookings WHERE day = $1 ORDER BY official, slot, id"
        ))
        .bind(day.to_string())
        .fetch_all(&mut *tx)
        .await?;
        let list = rows.iter().map(booking).collect::<Result<Vec<_>>>()?;
        let details = details_json(&json!({ "day": day.to_string(), "bookings": list.len() }))?;
        append(
            &mut tx,
            &at_text,
            reader,
            "read_bookings",
            None,
            &details,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(list)
    }

    async fn portal_page(&self, slug: &str) -> Result<Option<PortalPage>> {
        let Some(row) = sqlx::query_as::<_, PageRow>(
            "SELECT slug, body_bg, body_en, updated_at, updated_by FROM portal_pages WHERE slug = $1",
        )
        .bind(slug)
        .fetch_optional(&self.read)
        .await?
        else {
            return Ok(None);
        };
        Ok(Some(PortalPage {
            slug: row.slug,
            body_bg: row.body_bg,
            body_en: row.body_en,
            updated_at: parse_timestamp(&row.updated_at)?,
            updated_by: row.updated_by,
        }))
    }

    async fn save_portal_page(&self, page: PortalPage) -> Result<()> {
        let at_text = page.updated_at.to_string();
        let mut tx = begin_write(&self.write).await?;
        sqlx::query(
            "INSERT INTO portal_pages (slug, body_bg, body_en, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (slug) DO UPDATE SET body_bg = excluded.body_bg,
                 body_en = excluded.body_en, updated_at = excluded.updated_at,
                 updated_by = excluded.updated_by",
        )
        .bind(&page.slug)
        .bind(&page.body_bg)
        .bind(&page.body_en)
        .bind(&at_text)
        .bind(&page.updated_by)
        .execute(&mut *tx)
        .await?;
        let details = details_json(&json!({
            "slug": page.slug,
            "sha256_bg": hex(&Sha256::digest(page.body_bg.as_bytes())),
            "sha256_en": hex(&Sha256::digest(page.body_en.as_bytes())),
        }))?;
        append(
            &mut tx,
            &at_text,
            &page.updated_by,
            "edit_page",
            None,
            &details,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The active visit still to come that this phone or e-mail holds with the official, if any
/// (read inside the write transaction, so that two requests cannot both pass it).
async fn persons_visit(
    tx: &mut DbConn,
    new: &NewBooking,
    at: Timestamp,
) -> Result<Option<(Date, String, Contact)>> {
    let local = at.to_zoned(priemna_domain::clock::municipal_tz()).datetime();
    let today = local.date().to_string();
    let now = local.strftime("%H:%M").to_string();
    let row: Option<(String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT day, slot, phone, email FROM bookings
         WHERE official = $1 AND cancelled_at IS NULL
           AND (phone = $2 OR email = $3)
           AND (day > $4 OR (day = $4 AND slot > $5))
         ORDER BY day, slot LIMIT 1",
    )
    .bind(&new.official)
    .bind(&new.phone)
    // No stored address is empty, so a booking without one matches by phone alone.
    .bind(new.email.as_deref().unwrap_or(""))
    .bind(&today)
    .bind(&now)
    .fetch_optional(&mut *tx)
    .await?;
    row.map(|(day, slot, phone, _)| {
        let day = parse_date(Some(day))?.ok_or_else(|| StoreError::Corrupt("booking day".into()))?;
        let by = if phone == new.phone {
            Contact::Phone
        } else {
            Contact::Email
        };
        Ok((day, slot, by))
    })
    .transpose()
}

/// Whether this phone or e-mail already has `VISITS_PER_MONTH` visits (not cancelled, past ones
/// too) with the official in the month of `day`, besides the booking `except`; by which contact.
async fn month_full(
    tx: &mut DbConn,
    official: &str,
    phone: &str,
    email: Option<&str>,
    day: Date,
    except: Option<i64>,
) -> Result<Option<Contact>> {
    let first = day.first_of_month();
    let next = first
        .checked_add(jiff::Span::new().months(1))
        .map_err(|e| StoreError::Corrupt(format!("month after {first}: {e}")))?;
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT phone, email FROM bookings
         WHERE official = $1 AND cancelled_at IS NULL
           AND (phone = $2 OR email = $3)
           AND day >= $4 AND day < $5 AND id <> $6",
    )
    .bind(official)
    .bind(phone)
    .bind(email.unwrap_or(""))
    .bind(first.to_string())
    .bind(next.to_string())
    .bind(except.unwrap_or(-1))
    .fetch_all(&mut *tx)
    .await?;
    if (rows.len() as i64) < crate::portal::VISITS_PER_MONTH {
        return Ok(None);
    }
    Ok(Some(if rows.iter().any(|(p, _)| p == phone) {
        Contact::Phone
    } else {
        Contact::Email
    }))
}

/// Books a slot, journalled as done by `actor` (the citizen, or the clerk for a caller).
async fn insert_booking(
    store: &ThisStore,
    new: NewBooking,
    code_hash: &str,
    at: Timestamp,
    actor: &str,
    once: Option<(&FormOnce, &str)>,
) -> Result<BookingOutcome> {
    let at_text = at.to_string();
    let mut tx = begin_write(&store.write).await?;
    if let Some((day, slot, by)) = persons_visit(&mut tx, &new, at).await? {
        tx.rollback().await?;
        return Ok(BookingOutcome::PersonHasVisit { day, slot, by });
    }
    if let Some(by) = month_full(
        &mut tx,
        &new.official,
        &new.phone,
        new.email.as_deref(),
        new.day,
        None,
    )
    .await?
    {
        tx.rollback().await?;
        return Ok(BookingOutcome::MonthFull { by });
    }
    let inserted = sqlx::query_scalar::<_, i64>(
        "INSERT INTO bookings (official, day, slot, name, phone, topic, code_hash, created_at,
                               email, uid, sequence)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0) RETURNING id",
    )
    .bind(&new.official)
    .bind(new.day.to_string())
    .bind(&new.slot)
    .bind(&new.name)
    .bind(&new.phone)
    .bind(&new.topic)
    .bind(code_hash)
    .bind(&at_text)
    .bind(&new.email)
    .bind(&new.uid)
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => {
            tx.rollback().await?;
            // Which index refused: the slot first (what the citizen chose is gone), then the
            // phone's visit that day (a visit of today already begun, which the check above
            // does not count).
            let held: Vec<(String, String)> = sqlx::query_as(
                "SELECT slot, phone FROM bookings WHERE official = $1 AND day = $2
                   AND (slot = $3 OR phone = $4) AND cancelled_at IS NULL",
            )
            .bind(&new.official)
            .bind(new.day.to_string())
            .bind(&new.slot)
            .bind(&new.phone)
            .fetch_all(&store.read)
            .await?;
            let phone_slot = held.iter().find(|(_, phone)| *phone == new.phone);
            return Ok(match phone_slot {
                Some((slot, _)) if !held.iter().any(|(s, _)| *s == new.slot) => {
                    BookingOutcome::PersonHasVisit {
                        day: new.day,
                        slot: slot.clone(),
                        by: Contact::Phone,
                    }
                }
                _ => BookingOutcome::SlotTaken,
            });
        }
        Err(e) => return Err(e.into()),
    };
    let details = details_json(&json!({
        "booking_id": id, "official": new.official, "day": new.day.to_string(),
        "slot": new.slot, "confirmation": new.confirmation.is_some(),
    }))?;
    append(
        &mut tx,
        &at_text,
        actor,
        "book_reception",
        None,
        &details,
        None,
    )
    .await?;
    if let Some((message, code)) = &new.confirmation {
        super::outbox::enqueue(
            &mut tx,
            None,
            std::slice::from_ref(message),
            &[],
            &at_text,
            None,
            Some(code),
        )
        .await?;
    }
    if let Some((once, code)) = once {
        super::forms::claim(&mut tx, once, "booking", &id.to_string(), code, at).await?;
    }
    tx.commit().await?;
    Ok(BookingOutcome::Booked(Box::new(Booking {
        id,
        official: new.official,
        day: new.day,
        slot: new.slot,
        name: new.name,
        phone: new.phone,
        topic: new.topic,
        email: new.email,
        uid: new.uid,
        sequence: 0,
        created_at: at,
        cancelled_at: None,
        attendance: None,
    })))
}
