//! What the citizens' portal keeps besides the register: attachments sent with a submission,
//! satisfaction surveys, reception bookings, and the public pages an administrator edits.
//!
//! `PortalStore` is a part of `Store` (a supertrait), implemented for each backend from the
//! shared queries in `common/portal.rs`.

use crate::Result;
use crate::model::NewMessage;
use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use priemna_domain::RegistrationNumber;

/// A file checked by the portal (type decided from its bytes), ready to be stored.
#[derive(Clone, PartialEq, Eq)]
pub struct NewAttachment {
    pub filename: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

impl std::fmt::Debug for NewAttachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAttachment")
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .field("size", &self.data.len())
            .finish()
    }
}

/// A stored attachment, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentInfo {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: Timestamp,
}

/// A stored attachment with its bytes.
#[derive(Clone)]
pub struct Attachment {
    pub info: AttachmentInfo,
    pub data: Vec<u8>,
}

/// A citizen's rating of how their case was handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Survey {
    /// 1 (very dissatisfied) … 5 (very satisfied).
    pub rating: u8,
    pub on_time: Option<bool>,
    pub clear: Option<bool>,
    pub comment: Option<String>,
}

/// A reception visit to book. `slot` is the start, `HH:MM`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBooking {
    pub official: String,
    pub day: Date,
    pub slot: String,
    pub name: String,
    pub phone: String,
    pub topic: Option<String>,
    /// Where the confirmation goes, if the visitor gave an address (lower-cased).
    pub email: Option<String>,
    /// The calendar event's UID (RFC 5545), the same for the visit's whole life.
    pub uid: String,
    /// The confirmation e-mail to queue with the booking, and the code it carries (filled in by
    /// the outbox worker at sending, forgotten after).
    pub confirmation: Option<(NewMessage, String)>,
}

/// A booking as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub id: i64,
    pub official: String,
    pub day: Date,
    pub slot: String,
    pub name: String,
    pub phone: String,
    pub topic: Option<String>,
    pub email: Option<String>,
    /// The calendar event's UID.
    pub uid: String,
    /// The calendar event's SEQUENCE: 0 when booked, one more for each move.
    pub sequence: i64,
    pub created_at: Timestamp,
    pub cancelled_at: Option<Timestamp>,
    /// Whether the visitor came, once someone at the desk has said so.
    pub attendance: Option<Attendance>,
}

/// Whether a booked visitor came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attendance {
    Attended,
    Missed,
}

impl Attendance {
    pub fn as_str(self) -> &'static str {
        match self {
            Attendance::Attended => "attended",
            Attendance::Missed => "missed",
        }
    }

    pub fn parse(s: &str) -> Option<Attendance> {
        [Attendance::Attended, Attendance::Missed]
            .into_iter()
            .find(|a| a.as_str() == s)
    }
}

/// What became of a request to book a visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookingOutcome {
    Booked(Box<Booking>),
    /// An active booking holds the slot already.
    SlotTaken,
    /// This person (by phone or by e-mail) already holds an active visit, still to come, with
    /// the official: one at a time, whatever the day.
    PersonHasVisit {
        day: Date,
        slot: String,
        by: Contact,
    },
    /// This person already has [`VISITS_PER_MONTH`] visits (still to come or past, not
    /// cancelled) with the official in the month of the day asked for.
    MonthFull {
        by: Contact,
    },
}

/// How many visits (not cancelled) one person may have with one official in a calendar month.
/// With one visit to come at a time, this is what stops one person from coming back every
/// week and taking the places of others.
pub const VISITS_PER_MONTH: i64 = 2;

/// How a person was recognised as holding a visit already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contact {
    Phone,
    Email,
}

/// A visit to move to another slot of the same official, found by its code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reschedule {
    pub code_hash: String,
    /// The SEQUENCE the caller read: the move happens only if nobody moved it meanwhile.
    pub expected_sequence: i64,
    pub day: Date,
    pub slot: String,
    /// The new confirmation (with SEQUENCE one higher), and the code it carries.
    pub confirmation: Option<(NewMessage, String)>,
}

/// What became of a request to move a visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RescheduleOutcome {
    /// Moved: the old slot freed and the new one taken in one statement.
    Moved {
        from: Box<Booking>,
        to: Box<Booking>,
    },
    /// An active booking holds the new slot; nothing changed.
    SlotTaken,
    /// The person already has [`VISITS_PER_MONTH`] other visits with the official in the new
    /// day's month; nothing changed.
    MonthFull { by: Contact },
    /// No active booking with this code, or it changed since it was read.
    NotFound,
}

/// A portal form's one-time token, kept with what the form creates (in the same transaction), so
/// that the same form sent again finds the first result instead of creating a second one.
///
/// The result page's address carries a second token (the receipt token); the code the page shows
/// (a tracking or confirmation code) is kept XOR-ed with `pad`, which the portal derives from the
/// receipt token and the database never sees, and only until `secret_until`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct FormOnce {
    /// SHA-256 (hex) of the form's token.
    pub token_hash: String,
    /// SHA-256 (hex) of the result page's token.
    pub receipt_hash: String,
    /// At least as long as the code, a line break and `extra` together.
    pub pad: Vec<u8>,
    /// Shown with the code while it is shown (e.g. where a copy of the receipt was e-mailed).
    pub extra: Option<String>,
    pub secret_until: Timestamp,
    pub expires_at: Timestamp,
}

impl std::fmt::Debug for FormOnce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FormOnce")
            .field("secret_until", &self.secret_until)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// What a form's token created.
#[derive(Clone, PartialEq, Eq)]
pub struct FormResult {
    /// `submission`, `booking` or `survey`.
    pub purpose: String,
    /// A registration number, or a booking's id.
    pub result: String,
    /// The sealed code (see `FormOnce`), while it may still be shown.
    pub secret: Option<Vec<u8>>,
    pub secret_until: Option<Timestamp>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

impl std::fmt::Debug for FormResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FormResult")
            .field("purpose", &self.purpose)
            .field("result", &self.result)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// A file kept for a form that came back with errors, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptUpload {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub expires_at: Timestamp,
}

/// What the clean-up of forms removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FormCleanup {
    pub kept_uploads: u64,
    pub results: u64,
    pub secrets: u64,
}

/// The text of a public page as an administrator saved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalPage {
    pub slug: String,
    pub body_bg: String,
    pub body_en: String,
    pub updated_at: Timestamp,
    pub updated_by: String,
}

#[async_trait]
pub trait PortalStore: Send + Sync {
    /// Stores files sent with a registered submission, in one transaction, journalled.
    async fn add_attachments(
        &self,
        number: RegistrationNumber,
        files: Vec<NewAttachment>,
        at: Timestamp,
        actor: &str,
    ) -> Result<Vec<AttachmentInfo>>;
    /// The files of a case, oldest first.
    async fn attachments(&self, number: RegistrationNumber) -> Result<Vec<AttachmentInfo>>;
    /// One file of a case, with its bytes.
    async fn attachment(&self, number: RegistrationNumber, id: i64) -> Result<Option<Attachment>>;

    /// Records the case's one survey; `Duplicate` if it was already rated.
    async fn record_survey(
        &self,
        number: RegistrationNumber,
        survey: Survey,
        at: Timestamp,
    ) -> Result<()> {
        self.record_survey_once(number, survey, at, None).await
    }
    /// `record_survey`, keeping the form's token with it (and `code`, sealed) in the same
    /// transaction; `Duplicate` also when the token was used already.
    async fn record_survey_once(
        &self,
        number: RegistrationNumber,
        survey: Survey,
        at: Timestamp,
        once: Option<(&FormOnce, &str)>,
    ) -> Result<()>;
    /// The case's survey, if the citizen gave one.
    async fn survey(&self, number: RegistrationNumber) -> Result<Option<Survey>>;

    /// Books a slot, unless an active booking holds it already, or the phone or the e-mail
    /// already holds a visit still to come with the official (the check runs inside the write
    /// transaction, and the database's unique indexes decide the slot, so two servers cannot
    /// both win).
    async fn book(
        &self,
        booking: NewBooking,
        code_hash: &str,
        at: Timestamp,
    ) -> Result<BookingOutcome> {
        self.book_once(booking, code_hash, at, None).await
    }
    /// `book`, keeping the form's token with the booking (and `code`, sealed) in the same
    /// transaction; `Duplicate` when the token was used already.
    async fn book_once(
        &self,
        booking: NewBooking,
        code_hash: &str,
        at: Timestamp,
        once: Option<(&FormOnce, &str)>,
    ) -> Result<BookingOutcome>;
    /// Books a slot as `book` does, for a caller, by the member of staff `booked_by` (the
    /// journal names them, not the citizen).
    async fn book_for_caller(
        &self,
        booking: NewBooking,
        code_hash: &str,
        at: Timestamp,
        booked_by: &str,
    ) -> Result<BookingOutcome>;
    /// The booking `id`, active or cancelled (for a check before it is changed; not a reading
    /// shown to anyone).
    async fn booking_by_id(&self, id: i64) -> Result<Option<Booking>>;
    /// Marks whether the visitor of the active booking `id` came, by `by`, journalled; `None`
    /// when there is no such active booking.
    async fn mark_attendance(
        &self,
        id: i64,
        attendance: Attendance,
        by: &str,
        at: Timestamp,
    ) -> Result<Option<Booking>>;
    /// The slots of `official` on `day` held by active bookings.
    async fn booked_slots(&self, official: &str, day: Date) -> Result<Vec<String>>;
    /// The booking with this confirmation code hash, active or cancelled.
    async fn booking_by_code(&self, code_hash: &str) -> Result<Option<Booking>>;
    /// Cancels the active booking with this code hash; `None` when there is none.
    async fn cancel_booking(&self, code_hash: &str, at: Timestamp) -> Result<Option<Booking>> {
        self.cancel_booking_notified(code_hash, None, at, "citizen", None)
            .await
    }
    /// Cancels the active booking with this code hash (only while its SEQUENCE is still
    /// `expected_sequence`, when given), journalled as done by `actor`, queueing `notice` (the
    /// cancellation with its calendar file) in the same transaction; `None` when there is none.
    async fn cancel_booking_notified(
        &self,
        code_hash: &str,
        expected_sequence: Option<i64>,
        at: Timestamp,
        actor: &str,
        notice: Option<NewMessage>,
    ) -> Result<Option<Booking>>;
    /// Moves an active booking to another free slot of the same official, in one transaction
    /// (one statement: no moment where both slots or neither are held), journalled as done by
    /// `actor`, with the new confirmation queued in it.
    async fn reschedule_booking(
        &self,
        change: Reschedule,
        at: Timestamp,
        actor: &str,
    ) -> Result<RescheduleOutcome>;
    /// Every booking of a day (cancelled ones too), by official and time. Journalled as a
    /// reading of personal data by `reader`.
    async fn bookings_on(&self, day: Date, reader: &str, at: Timestamp) -> Result<Vec<Booking>>;

    /// What the form with this token hash created, if anything (expired or not).
    async fn form_result(&self, token_hash: &str) -> Result<Option<FormResult>>;
    /// What the result page with this receipt-token hash shows.
    async fn form_result_by_receipt(&self, receipt_hash: &str) -> Result<Option<FormResult>>;
    /// Keeps checked files for the form with this token hash until `until`; a file the form
    /// already keeps (the same bytes) is not kept twice.
    async fn keep_uploads(
        &self,
        token_hash: &str,
        files: Vec<NewAttachment>,
        at: Timestamp,
        until: Timestamp,
    ) -> Result<()>;
    /// The files kept for the form, oldest first.
    async fn kept_uploads(&self, token_hash: &str) -> Result<Vec<KeptUpload>>;
    /// Drops files the citizen removed from the form.
    async fn discard_kept_uploads(&self, token_hash: &str, ids: &[i64]) -> Result<()>;
    /// Deletes kept files and form results past their time, and forgets codes shown long enough.
    async fn clean_forms(&self, now: Timestamp) -> Result<FormCleanup>;

    async fn portal_page(&self, slug: &str) -> Result<Option<PortalPage>>;
    async fn save_portal_page(&self, page: PortalPage) -> Result<()>;
}
