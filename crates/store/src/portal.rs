//! What the citizens' portal keeps besides the register: attachments sent with a submission,
//! satisfaction surveys, reception bookings, and the public pages an administrator edits.
//!
//! `PortalStore` is a part of `Store` (a supertrait), implemented for each backend from the
//! shared queries in `common/portal.rs`.

use crate::Result;
use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use priemna_domain::RegistrationNumber;

/// A file checked by the portal (type decided from its bytes), ready to be stored.
#[derive(Clone)]
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
    Booked(Booking),
    /// An active booking holds the slot already.
    SlotTaken,
    /// This phone already holds an active visit with the official that day, at `slot`.
    PhoneHasVisit {
        slot: String,
    },
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
    ) -> Result<()>;
    /// The case's survey, if the citizen gave one.
    async fn survey(&self, number: RegistrationNumber) -> Result<Option<Survey>>;

    /// Books a slot, unless an active booking holds it already or the phone already has a visit
    /// with the official that day (the database's unique indexes decide, so two servers cannot
    /// both win).
    async fn book(
        &self,
        booking: NewBooking,
        code_hash: &str,
        at: Timestamp,
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
    async fn cancel_booking(&self, code_hash: &str, at: Timestamp) -> Result<Option<Booking>>;
    /// Every booking of a day (cancelled ones too), by official and time. Journalled as a
    /// reading of personal data by `reader`.
    async fn bookings_on(&self, day: Date, reader: &str, at: Timestamp) -> Result<Vec<Booking>>;

    async fn portal_page(&self, slug: &str) -> Result<Option<PortalPage>>;
    async fn save_portal_page(&self, page: PortalPage) -> Result<()>;
}
