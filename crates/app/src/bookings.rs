//! Reception visits: booking one (on the portal, or by a clerk for a caller), moving it,
//! cancelling it and marking whether the visitor came. What a request must hold, what is
//! stored, and which e-mails (with their calendar files) are queued with it; the slots
//! themselves are the domain's (`priemna_domain::visits`). The adapters word the refusals for
//! their readers.
//!
//! Fairness: one person (a phone number or an e-mail address) has at most one visit to come
//! with an official, and at most `VISITS_PER_MONTH` visits with them in a calendar month (the
//! store checks both in the booking's transaction). A visitor who gives an e-mail address gets
//! a confirmation with a calendar file (`METHOD:REQUEST`), a new one when the visit moves (the
//! same UID, a higher SEQUENCE) and a `METHOD:CANCEL` one when it is cancelled.

use crate::notify::calendar;
use crate::notify::messages::{self, VisitMail};
use crate::{App, AppError};
use jiff::Timestamp;
use jiff::civil::Date;
use priemna_domain::identity::{Email, EmailError, Phone, PhoneError};
use priemna_domain::submission::MAX_NAME_CHARS;
use priemna_domain::visits::{MAX_TOPIC_CHARS, SLOT_MINUTES, day_slots, official_with, started};
use priemna_store::{
    Attendance, Booking, BookingOutcome, Contact, FormOnce, NewBooking, NewMessage, Reschedule,
    RescheduleOutcome, StoreError, TrackingCode, hash_tracking_code,
};
use rand::Rng;

/// What is wrong with a request for a visit, whoever fills it in (the citizen on the portal, a
/// clerk for a caller); each form words it for its reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VisitProblem {
    /// Not a slot of that day, or one already begun.
    Slot,
    NameMissing,
    /// Too long, or with a control character.
    NameInvalid,
    PhoneMissing,
    Phone(PhoneError),
    /// The optional e-mail address is not one.
    Email(EmailError),
    /// Too long, or with a control character.
    TopicInvalid,
    NoConsent,
}

impl VisitProblem {
    /// The form control the problem is shown at.
    pub fn field(&self) -> &'static str {
        match self {
            VisitProblem::Slot => "slot",
            VisitProblem::NameMissing | VisitProblem::NameInvalid => "name",
            VisitProblem::PhoneMissing | VisitProblem::Phone(_) => "phone",
            VisitProblem::Email(_) => "email",
            VisitProblem::TopicInvalid => "topic",
            VisitProblem::NoConsent => "consent",
        }
    }
}

/// Why a visit was not booked, moved or cancelled.
#[derive(Debug, thiserror::Error)]
pub enum BookingError {
    /// An active booking holds the slot already.
    #[error("the slot is taken")]
    SlotTaken,
    /// This person already holds a visit to come with the official.
    #[error("the person already has a visit with the official")]
    PersonHasVisit {
        day: Date,
        slot: String,
        by: Contact,
    },
    /// This person has as many visits with the official in that month as one may.
    #[error("the person's visits with the official in that month are full")]
    MonthFull { by: Contact },
    /// The visit was moved or cancelled meanwhile (another tab, the desk): nothing changed.
    #[error("the visit changed meanwhile")]
    Changed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The fields of a visit's request, as typed.
pub struct VisitRequest<'a> {
    pub official: &'a str,
    pub day: Date,
    pub slot: &'a str,
    pub name: &'a str,
    pub phone: &'a str,
    /// Optional: where the confirmation with the calendar file goes.
    pub email: &'a str,
    pub topic: &'a str,
    pub consent: bool,
}

/// A visit's request checked (the slot, the name, the phone, the topic, the consent), as the
/// booking to store, or every problem in the order of the form.
pub fn check_visit(
    request: &VisitRequest<'_>,
    calendar: &priemna_domain::WorkingCalendar,
    now: Timestamp,
) -> Result<NewBooking, Vec<VisitProblem>> {
    let mut problems = Vec::new();
    let slot = request.slot.trim();
    let day = request.day;
    if !day_slots(day, calendar).iter().any(|s| s == slot) || started(day, slot, now) {
        problems.push(VisitProblem::Slot);
    }
    let name = request.name.trim();
    if name.is_empty() {
        problems.push(VisitProblem::NameMissing);
    } else if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        problems.push(VisitProblem::NameInvalid);
    }
    let phone = match Phone::parse(request.phone.trim()) {
        Ok(phone) => Some(phone),
        Err(_) if request.phone.trim().is_empty() => {
            problems.push(VisitProblem::PhoneMissing);
            None
        }
        Err(e) => {
            problems.push(VisitProblem::Phone(e));
            None
        }
    };
    let email = request.email.trim();
    let email = if email.is_empty() {
        None
    } else {
        match Email::parse(email) {
            Ok(email) => Some(email.as_str().to_lowercase()),
            Err(e) => {
                problems.push(VisitProblem::Email(e));
                None
            }
        }
    };
    let topic = request.topic.trim();
    if topic.chars().count() > MAX_TOPIC_CHARS || topic.chars().any(char::is_control) {
        problems.push(VisitProblem::TopicInvalid);
    }
    if !request.consent {
        problems.push(VisitProblem::NoConsent);
    }
    match phone {
        Some(phone) if problems.is_empty() => Ok(NewBooking {
            official: request.official.to_owned(),
            day,
            slot: slot.to_owned(),
            name: name.to_owned(),
            phone: phone.as_str().to_owned(),
            topic: (!topic.is_empty()).then(|| topic.to_owned()),
            email,
            uid: String::new(),
            confirmation: None,
        }),
        _ => Err(problems),
    }
}

/// A new calendar UID for a visit: 128 random bits, on the sender's domain.
fn new_uid(app: &App) -> String {
    let random: [u8; 16] = rand::rng().random();
    let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    let domain = app
        .notify
        .from_address
        .rsplit_once('@')
        .map(|(_, d)| d)
        .filter(|d| !d.is_empty())
        .unwrap_or("priemna.invalid");
    format!("visit-{hex}@{domain}")
}

/// Readies a checked visit for booking: its calendar UID, its code and the confirmation e-mail
/// (queued with the booking, the code filled in at sending).
fn ready_new_visit(app: &App, new: &mut NewBooking) -> TrackingCode {
    let code = TrackingCode::generate();
    new.uid = new_uid(app);
    new.confirmation = confirmation_mail(
        app,
        &VisitFacts {
            email: new.email.as_deref().unwrap_or_default(),
            official: &new.official,
            day: new.day,
            slot: &new.slot,
            uid: &new.uid,
            sequence: 0,
        },
        code.as_str(),
        false,
    );
    code
}

/// A visit as its e-mails and calendar file describe it.
struct VisitFacts<'a> {
    email: &'a str,
    official: &'a str,
    day: Date,
    slot: &'a str,
    uid: &'a str,
    sequence: i64,
}

fn visit_mail<'a>(app: &App, v: &VisitFacts<'a>) -> VisitMail<'a> {
    let (with_bg, with_en) =
        official_with(v.official).unwrap_or(("длъжностно лице", "an official"));
    VisitMail {
        email: v.email,
        with_bg,
        with_en,
        day: v.day,
        slot: v.slot,
        minutes: SLOT_MINUTES,
        uid: v.uid,
        sequence: v.sequence,
        at: app.clock.now(),
    }
}

/// The confirmation e-mail of a booked (or moved) visit with its calendar file, and the code it
/// carries; `None` without an address.
fn confirmation_mail(
    app: &App,
    v: &VisitFacts<'_>,
    code: &str,
    moved: bool,
) -> Option<(NewMessage, String)> {
    if v.email.is_empty() {
        return None;
    }
    messages::booking_confirmation(&app.notify, &visit_mail(app, v), moved)
        .map(|m| (m, code.to_owned()))
}

/// The cancellation notice of a visit with its calendar file (`METHOD:CANCEL`), when the
/// visitor gave an address.
fn cancellation_mail(app: &App, booking: &Booking) -> Option<NewMessage> {
    let email = booking.email.as_deref().filter(|e| !e.is_empty())?;
    messages::booking_cancellation(
        &app.notify,
        &visit_mail(
            app,
            &VisitFacts {
                email,
                official: &booking.official,
                day: booking.day,
                slot: &booking.slot,
                uid: &booking.uid,
                // Cancelling raises the SEQUENCE, as iTIP asks of a change to the event.
                sequence: booking.sequence + 1,
            },
        ),
    )
}

/// The calendar file of a booking (file name, content type, content): `METHOD:CANCEL` once it
/// is cancelled.
pub fn calendar_file(app: &App, booking: &Booking) -> Option<(String, String, Vec<u8>)> {
    let facts = VisitFacts {
        email: "",
        official: &booking.official,
        day: booking.day,
        slot: &booking.slot,
        uid: &booking.uid,
        sequence: booking.sequence,
    };
    let method = if booking.cancelled_at.is_some() {
        calendar::Method::Cancel
    } else {
        calendar::Method::Publish
    };
    messages::visit_calendar(&app.notify, &visit_mail(app, &facts), method)
}

/// The free slots of the official on `day`, now.
pub async fn free_slots(app: &App, official: &str, day: Date) -> Result<Vec<String>, StoreError> {
    let booked = app.store.booked_slots(official, day).await?;
    Ok(priemna_domain::visits::free_slots(
        day,
        &booked,
        &app.calendar,
        app.clock.now(),
    ))
}

/// Whether a visit can still be cancelled or moved: not cancelled, not begun.
pub fn changeable(app: &App, booking: &Booking) -> bool {
    booking.cancelled_at.is_none() && !started(booking.day, &booking.slot, app.clock.now())
}

/// Who books a visit.
pub enum Booker<'a> {
    /// The citizen, on the portal, with the form that sent it (so that the same form sent
    /// again finds this booking).
    Citizen { form: &'a FormOnce },
    /// A member of staff for a caller (the journal names them, not the citizen).
    Clerk { actor: &'a str },
}

/// Books a checked visit, queueing its confirmation when an address was given: the booking and
/// its code (shown once; only its hash is kept). The same form sent twice at once answers
/// `Store(Duplicate)` to the second.
pub async fn book(
    app: &App,
    mut new: NewBooking,
    booker: Booker<'_>,
) -> Result<(Box<Booking>, TrackingCode), BookingError> {
    let now = app.clock.now();
    let code = ready_new_visit(app, &mut new);
    let hash = hash_tracking_code(code.as_str());
    let outcome = match booker {
        Booker::Citizen { form } => {
            app.store
                .book_once(new, &hash, now, Some((form, code.as_str())))
                .await?
        }
        Booker::Clerk { actor } => app.store.book_for_caller(new, &hash, now, actor).await?,
    };
    match outcome {
        BookingOutcome::Booked(booking) => {
            app.notify.wake();
            Ok((booking, code))
        }
        BookingOutcome::SlotTaken => Err(BookingError::SlotTaken),
        BookingOutcome::PersonHasVisit { day, slot, by } => {
            Err(BookingError::PersonHasVisit { day, slot, by })
        }
        BookingOutcome::MonthFull { by } => Err(BookingError::MonthFull { by }),
    }
}

/// Cancels the visit with this code as it was read (`booking`), queueing the cancellation
/// notice with its calendar file when an address was given; `Changed` when it was moved or
/// cancelled meanwhile.
pub async fn cancel(
    app: &App,
    booking: &Booking,
    code: &str,
    actor: &str,
) -> Result<Box<Booking>, BookingError> {
    let notice = cancellation_mail(app, booking);
    let has_notice = notice.is_some();
    let cancelled = app
        .store
        .cancel_booking_notified(
            &hash_tracking_code(code),
            Some(booking.sequence),
            app.clock.now(),
            actor,
            notice,
        )
        .await?
        .ok_or(BookingError::Changed)?;
    if has_notice {
        app.notify.wake();
    }
    Ok(Box::new(cancelled))
}

/// Moves the visit with this code, as it was read (`booking`), to `slot` on `day` in one step
/// (the old time freed and the new one taken together): it keeps its code and calendar UID, and
/// a new confirmation (a higher SEQUENCE, carrying `code_in_mail`) goes to the address given
/// when booking.
pub async fn reschedule(
    app: &App,
    booking: &Booking,
    code: &str,
    code_in_mail: &str,
    day: Date,
    slot: &str,
    actor: &str,
) -> Result<Box<Booking>, BookingError> {
    let confirmation = confirmation_mail(
        app,
        &VisitFacts {
            email: booking.email.as_deref().unwrap_or_default(),
            official: &booking.official,
            day,
            slot,
            uid: &booking.uid,
            sequence: booking.sequence + 1,
        },
        code_in_mail,
        true,
    );
    let emailed = confirmation.is_some();
    let outcome = app
        .store
        .reschedule_booking(
            Reschedule {
                code_hash: hash_tracking_code(code),
                expected_sequence: booking.sequence,
                day,
                slot: slot.to_owned(),
                confirmation,
            },
            app.clock.now(),
            actor,
        )
        .await?;
    match outcome {
        RescheduleOutcome::Moved { to, .. } => {
            if emailed {
                app.notify.wake();
            }
            Ok(to)
        }
        RescheduleOutcome::SlotTaken => Err(BookingError::SlotTaken),
        RescheduleOutcome::MonthFull { by } => Err(BookingError::MonthFull { by }),
        RescheduleOutcome::NotFound => Err(BookingError::Changed),
    }
}

/// Marks whether the visitor of booking `id` came (journalled; can be corrected the same way):
/// only for a visit not cancelled that has begun.
pub async fn mark_attendance(
    app: &App,
    id: i64,
    attendance: Attendance,
    actor: &str,
) -> Result<Booking, AppError> {
    let now = app.clock.now();
    let booking = app
        .store
        .booking_by_id(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let cancelled = || AppError::Conflict {
        reason_bg: "Часът е отменен; няма посещение за отбелязване.".into(),
        reason_en: "The visit was cancelled; there is nothing to mark.".into(),
    };
    if booking.cancelled_at.is_some() {
        return Err(cancelled());
    }
    if !started(booking.day, &booking.slot, now) {
        return Err(AppError::Conflict {
            reason_bg: "Посещението още не е започнало; отбелязва се след началния му час.".into(),
            reason_en: "The visit has not begun yet; it is marked after its start time.".into(),
        });
    }
    app.store
        .mark_attendance(id, attendance, actor, now)
        .await?
        .ok_or_else(cancelled)
}
