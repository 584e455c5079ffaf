//! `/reception`: booking a visit to the Mayor or an official during reception hours (working
//! days 9:00–17:00, from the working calendar), in 20-minute slots; the confirmation code, and
//! cancelling with it. The database's unique index is what stops two people taking one slot.

use super::layout::{self, Errors, Nav, Prefs, TextInput, check_box};
use super::once;
use crate::AppState;
use crate::limits::ClientAddress;
use axum::Extension;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::civil::{Date, Time};
use jiff::{SignedDuration, Timestamp};
use maud::{Markup, html};
use priemna_domain::WorkingCalendar;
use priemna_domain::clock::municipal_tz;
use priemna_domain::deadline::reception;
use priemna_domain::identity::{Email, EmailError, Phone, PhoneError};
use priemna_domain::submission::MAX_NAME_CHARS;
use crate::notify::calendar;
use crate::notify::messages::{self, VisitMail};
use priemna_store::{
    Booking, BookingOutcome, Contact, NewBooking, NewMessage, Reschedule, RescheduleOutcome,
    StoreError, TrackingCode, hash_tracking_code,
};
use rand::Rng;
use serde::Deserialize;

/// Who receives citizens: (id, Bulgarian, English). Without the definite article, so that the
/// name reads right alone (a choice) and after a preposition ("при кмет на …", not "при Кметът").
pub const OFFICIALS: [(&str, &str, &str); 3] = [
    ("mayor", "Кмет на Община Хасково", "The Mayor of Haskovo"),
    ("deputy_mayor", "Заместник-кмет", "A Deputy Mayor"),
    (
        "secretary",
        "Секретар на общината",
        "The Municipal Secretary",
    ),
];
/// The length of one visit.
pub const SLOT_MINUTES: i64 = 20;
/// How many working days ahead a visit can be booked.
pub const DAYS_AHEAD: usize = 15;
const MAX_TOPIC_CHARS: usize = 300;

/// Whom a visit is with, as the name reads after a preposition: "при кмета на Община Хасково"
/// (the short definite article of a masculine noun that is not the subject), (Bulgarian,
/// English).
pub fn official_with(id: &str) -> Option<(&'static str, &'static str)> {
    match id {
        "mayor" => Some(("кмета на Община Хасково", "the Mayor of Haskovo")),
        "deputy_mayor" => Some(("заместник-кмета", "a Deputy Mayor")),
        "secretary" => Some(("секретаря на общината", "the Municipal Secretary")),
        _ => None,
    }
}

pub fn official_label(id: &str) -> Option<(&'static str, &'static str)> {
    OFFICIALS
        .iter()
        .find(|(o, _, _)| *o == id)
        .map(|(_, bg, en)| (*bg, *en))
}

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
    calendar: &WorkingCalendar,
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
pub fn new_uid(app: &AppState) -> String {
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

/// A visit as its e-mails and calendar file describe it.
pub struct VisitFacts<'a> {
    pub email: &'a str,
    pub official: &'a str,
    pub day: Date,
    pub slot: &'a str,
    pub uid: &'a str,
    pub sequence: i64,
}

fn visit_mail<'a>(app: &AppState, v: &VisitFacts<'a>) -> VisitMail<'a> {
    let (with_bg, with_en) = official_with(v.official).unwrap_or(("длъжностно лице", "an official"));
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
pub fn confirmation_mail(
    app: &AppState,
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
pub fn cancellation_mail(app: &AppState, booking: &Booking) -> Option<NewMessage> {
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
                sequence: booking.sequence,
            },
        ),
    )
}

/// The calendar file of a booking, as a download.
pub fn calendar_download(app: &AppState, booking: &Booking) -> Response {
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
    match messages::visit_calendar(&app.notify, &visit_mail(app, &facts), method) {
        Some((filename, content_type, content)) => (
            [
                (header::CONTENT_TYPE, content_type),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{filename}\""),
                ),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            content,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// What a person already holding a visit is told, naming the field that matched.
pub fn person_has_visit(
    en: bool,
    official: &str,
    day_text: &str,
    slot: &str,
    by: Contact,
) -> (&'static str, String) {
    let (with_bg, with_en) = official_with(official).unwrap_or(("длъжностно лице", "an official"));
    let field = match by {
        Contact::Phone => "phone",
        Contact::Email => "email",
    };
    let text = match (en, by) {
        (true, Contact::Phone) => format!(
            "This phone already has a visit to come with {with_en}: {day_text} at {slot}. One \
             person has one visit to come with an official at a time; to change its time, move \
             it with its code."
        ),
        (true, Contact::Email) => format!(
            "This e-mail address already has a visit to come with {with_en}: {day_text} at \
             {slot}. One person has one visit to come with an official at a time; to change its \
             time, move it with its code."
        ),
        (false, Contact::Phone) => format!(
            "С този телефон вече има записан предстоящ час при {with_bg}: {day_text}, {slot} ч. \
             Един човек може да има един предстоящ час при едно длъжностно лице; за друг час \
             преместете записания с кода му."
        ),
        (false, Contact::Email) => format!(
            "С този адрес на електронна поща вече има записан предстоящ час при {with_bg}: \
             {day_text}, {slot} ч. Един човек може да има един предстоящ час при едно \
             длъжностно лице; за друг час преместете записания с кода му."
        ),
    };
    (field, text)
}

/// The starts of a day's slots (`HH:MM`) during its reception hours; none on a closed day.
pub fn day_slots(day: Date, calendar: &WorkingCalendar) -> Vec<String> {
    let Some((opens, closes)) = reception(day, calendar).hours else {
        return Vec::new();
    };
    let mut slots = Vec::new();
    let mut at = opens;
    while let Ok(end) = at.checked_add(SignedDuration::from_mins(SLOT_MINUTES)) {
        if end > closes || end <= at {
            break;
        }
        slots.push(at.strftime("%H:%M").to_string());
        at = end;
    }
    slots
}

/// Whether a slot has already begun at `now`.
pub fn started(day: Date, slot: &str, now: Timestamp) -> bool {
    let Ok(time) = slot.parse::<Time>() else {
        return true;
    };
    day.to_datetime(time)
        .to_zoned(municipal_tz())
        .map(|z| z.timestamp() <= now)
        .unwrap_or(true)
}

/// The days a visit can be booked on: working days from today, while today still has a slot.
pub fn bookable_days(now: Timestamp, calendar: &WorkingCalendar) -> Vec<Date> {
    let today = now.to_zoned(municipal_tz()).date();
    let mut days = Vec::new();
    let mut day = today;
    for _ in 0..(DAYS_AHEAD * 3) {
        if days.len() >= DAYS_AHEAD {
            break;
        }
        let slots = day_slots(day, calendar);
        if slots.iter().any(|s| !started(day, s, now)) {
            days.push(day);
        }
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    days
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct Choice {
    /// `None` when not in the address at all; `Some("")` when the form was sent without it.
    #[serde(default)]
    official: Option<String>,
    #[serde(default)]
    day: Option<String>,
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct BookingForm {
    #[serde(default)]
    official: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    slot: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    consent: Option<String>,
    #[serde(default)]
    form_token: String,
    /// "Show free times" was pressed (even with nothing chosen).
    #[serde(skip)]
    asked: bool,
}

/// `GET /reception`: choose whom and which day; then the free times and the booking form.
pub async fn page(
    State(app): State<AppState>,
    prefs: Prefs,
    Query(choice): Query<Choice>,
) -> Response {
    let form = BookingForm {
        asked: choice.official.is_some() || choice.day.is_some(),
        official: choice.official.clone().unwrap_or_default(),
        day: choice.day.clone().unwrap_or_default(),
        ..BookingForm::default()
    };
    let mut response = render(&app, &prefs, &form, &Errors::default(), StatusCode::OK).await;
    // Back from the confirmation shows this same form and token (see `once::FORM_CACHE`).
    if response.status() == StatusCode::OK {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static(once::FORM_CACHE),
        );
    }
    response
}

/// The chosen official and day, if both are valid and bookable.
fn chosen(app: &AppState, official: &str, day: &str) -> (Option<&'static str>, Option<Date>) {
    let official = OFFICIALS
        .iter()
        .find(|(o, _, _)| *o == official)
        .map(|(o, _, _)| *o);
    let days = bookable_days(app.clock.now(), &app.calendar);
    let day = day.parse::<Date>().ok().filter(|d| days.contains(d));
    (official, day)
}

async fn render(
    app: &AppState,
    prefs: &Prefs,
    form: &BookingForm,
    errors: &Errors,
    status: StatusCode,
) -> Response {
    let now = app.clock.now();
    let days = bookable_days(now, &app.calendar);
    let (official, day) = chosen(app, &form.official, &form.day);
    let mut choice_errors = Errors::default();
    let asked = form.asked || !form.official.is_empty() || !form.day.is_empty();
    if asked && official.is_none() {
        choice_errors.add(
            "official",
            prefs.t(
                "Изберете при кого искате да бъдете приети.",
                "Choose whom you want to see.",
            ),
        );
    }
    if asked && day.is_none() {
        choice_errors.add(
            "day",
            prefs.t("Изберете ден от списъка.", "Choose a day from the list."),
        );
    }
    let free = match (official, day) {
        (Some(o), Some(d)) => match app.store.booked_slots(o, d).await {
            Ok(booked) => Some(
                day_slots(d, &app.calendar)
                    .into_iter()
                    .filter(|s| !booked.contains(s) && !started(d, s, now))
                    .collect::<Vec<_>>(),
            ),
            Err(e) => {
                tracing::error!(error = %e, "free slots unavailable");
                return layout::error_page(
                    prefs,
                    StatusCode::SERVICE_UNAVAILABLE,
                    prefs.t("Регистърът не е достъпен", "The register is unavailable"),
                    prefs.t(
                        "Опитайте отново след малко.",
                        "Please try again in a moment.",
                    ),
                );
            }
        },
        _ => None,
    };
    let title = prefs.t("Записване за прием", "Book a reception visit");
    let official_error = choice_errors.get("official");
    let day_error = choice_errors.get("day");
    let slot_error = errors.get("slot");
    let body = html! {
        h1 { (title) }
        (choice_errors.summary(prefs))
        (errors.summary(prefs))
        p.lead { (prefs.t(
            "Кметът, заместник-кметът и секретарят приемат граждани всеки работен ден от 9:00 до 17:00 ч. Една среща е 20 минути.",
            "The Mayor, the Deputy Mayor and the Secretary receive citizens every working day from 9:00 to 17:00. A visit lasts 20 minutes.")) }
        p { a href="/reception/cancel" { (prefs.t("Искате да отмените записан час?", "Want to cancel a booking?")) } }
        form method="get" action="/reception" novalidate {
            h2 { (prefs.t("1. При кого и кога", "1. Whom and when")) }
            fieldset.invalid[official_error.is_some()] id="official" tabindex="-1"
                aria-describedby=[official_error.is_some().then_some("official-error")] {
                legend { (prefs.t("При кого искате да бъдете приети?", "Whom do you want to see?")) }
                (layout::error_line(prefs, "official", official_error.as_deref()))
                @for (id, bg, en) in OFFICIALS {
                    @let control = format!("official-{id}");
                    div.choice {
                        input type="radio" id=(control) name="official" value=(id) checked[form.official == id];
                        label for=(control) { (prefs.t(bg, en)) }
                    }
                }
            }
            div.field.invalid[day_error.is_some()] {
                label for="day" { (prefs.t("Ден", "Day")) }
                p.hint id="day-hint" { (prefs.t("Само работни дни; празниците са изключени.", "Working days only; public holidays are left out.")) }
                (layout::error_line(prefs, "day", day_error.as_deref()))
                select id="day" name="day"
                    aria-describedby=(if day_error.is_some() { "day-hint day-error" } else { "day-hint" })
                    aria-invalid=[day_error.is_some().then_some("true")] {
                    option value="" { (prefs.t("— изберете ден —", "— choose a day —")) }
                    @for d in &days {
                        option value=(d.to_string()) selected[form.day == d.to_string()] { (prefs.day(*d)) }
                    }
                }
            }
            button.secondary type="submit" { (prefs.t("Покажи свободните часове", "Show free times")) }
        }
        @if let (Some(o), Some(d), Some(free)) = (official, day, &free) {
            @let (who_bg, who_en) = official_label(o).unwrap_or(("", ""));
            h2 id="slots-title" { (prefs.t("2. Свободни часове", "2. Free times")) }
            p { strong { (prefs.t(who_bg, who_en)) } " — " (prefs.day(d)) }
            @if free.is_empty() {
                p { (prefs.t("Няма свободни часове в този ден. Изберете друг ден.", "No free times on this day. Choose another day.")) }
            } @else {
                form method="post" action="/reception" novalidate {
                    (once::hidden(&once::parse(&form.form_token).unwrap_or_else(once::new_token)))
                    input type="hidden" name="official" value=(o);
                    input type="hidden" name="day" value=(d.to_string());
                    fieldset.invalid[slot_error.is_some()] id="slot" tabindex="-1"
                        aria-describedby=[slot_error.is_some().then_some("slot-error")] {
                        legend { (prefs.t("Изберете час", "Choose a time")) }
                        (layout::error_line(prefs, "slot", slot_error.as_deref()))
                        div.slots {
                            @for s in free {
                                @let control = format!("slot-{}", s.replace(':', ""));
                                div.choice {
                                    input type="radio" id=(control) name="slot" value=(s) checked[form.slot == *s];
                                    label for=(control) { (s) }
                                }
                            }
                        }
                    }
                    (TextInput { required: true, autocomplete: Some("name"), maxlength: Some(MAX_NAME_CHARS),
                        ..TextInput::new("name", prefs.t("Име и фамилия", "Full name"), &form.name) }.render(prefs, errors))
                    (TextInput { kind: "tel", required: true, autocomplete: Some("tel"), class: Some("short"), inputmode: Some("tel"),
                        hint: Some(prefs.t("За да Ви се обадим, ако срещата се промени. Например 0888 123 456.", "So that we can call you if the visit changes. For example 0888 123 456.")),
                        ..TextInput::new("phone", prefs.t("Телефон", "Phone"), &form.phone) }.render(prefs, errors))
                    (TextInput { kind: "email", autocomplete: Some("email"), inputmode: Some("email"), maxlength: Some(254),
                        hint: Some(prefs.t("По желание. Ще Ви изпратим потвърждение с файл за календара (.ics) и кода за отмяна или промяна.", "Optional. We will send a confirmation with a calendar file (.ics) and the code to cancel or move the visit.")),
                        ..TextInput::new("email", prefs.t("Електронна поща", "E-mail"), &form.email) }.render(prefs, errors))
                    (TextInput { maxlength: Some(MAX_TOPIC_CHARS),
                        hint: Some(prefs.t("С няколко думи — за да се подготвим.", "In a few words — so that we can prepare.")),
                        ..TextInput::new("topic", prefs.t("По какъв въпрос?", "What about?"), &form.topic) }.render(prefs, errors))
                    (check_box(prefs, errors,
                        ("consent", prefs.t("Съгласен/съгласна съм името, телефонът и електронната ми поща (ако съм я посочил/а) да бъдат обработвани за организиране на приема", "I agree that my name, phone and e-mail (if I gave one) are processed to arrange the visit")),
                        form.consent.is_some(), None, true))
                    button type="submit" { (prefs.t("Запиши ме", "Book")) }
                }
            }
        }
    };
    (status, layout::page(prefs, Nav::Reception, title, body)).into_response()
}

/// A visit's problem, worded for the citizen.
fn visit_problem(prefs: &Prefs, problem: &VisitProblem) -> String {
    let (bg, en) = match problem {
        VisitProblem::Slot => ("Изберете свободен час.", "Choose a free time."),
        VisitProblem::NameMissing => ("Напишете името си.", "Write your name."),
        VisitProblem::NameInvalid => (
            "Името е твърде дълго или съдържа недопустими знаци.",
            "The name is too long or contains characters that are not allowed.",
        ),
        VisitProblem::PhoneMissing => ("Напишете телефон за връзка.", "Write a phone number."),
        VisitProblem::Phone(e) => {
            return layout::sentence(prefs.t(e.message_bg(), &e.to_string()));
        }
        VisitProblem::Email(e) => {
            return layout::sentence(prefs.t(e.message_bg(), &e.to_string()));
        }
        VisitProblem::TopicInvalid => (
            "Темата е твърде дълга или съдържа недопустими знаци.",
            "The topic is too long or contains characters that are not allowed.",
        ),
        VisitProblem::NoConsent => (
            "Без съгласие не можем да запишем час.",
            "Without consent we cannot book a visit.",
        ),
    };
    prefs.t(bg, en).to_owned()
}

/// `POST /reception`: books the chosen slot.
pub async fn book(
    State(app): State<AppState>,
    prefs: Prefs,
    client: Option<Extension<ClientAddress>>,
    form: Result<Form<BookingForm>, FormRejection>,
) -> Response {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let now = app.clock.now();
    // The same form again (a reload, a double click): the booking it made the first time.
    let token = match once::parse(&form.form_token) {
        Some(token) => {
            match once::already(&app, &token, "booking", "/reception/booked").await {
                Ok(Some(location)) => return once::see_other(&location),
                Ok(None) => {}
                Err(e) => return unavailable(&prefs, &e),
            }
            token
        }
        None => once::new_token(),
    };
    let form = BookingForm {
        form_token: token.clone(),
        ..form
    };
    let (official, day) = chosen(&app, &form.official, &form.day);
    let (Some(official), Some(day)) = (official, day) else {
        return render(
            &app,
            &prefs,
            &form,
            &Errors::default(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let mut errors = Errors::default();
    let checked = check_visit(
        &VisitRequest {
            official,
            day,
            slot: &form.slot,
            name: &form.name,
            phone: &form.phone,
            email: &form.email,
            topic: &form.topic,
            consent: form.consent.is_some(),
        },
        &app.calendar,
        now,
    );
    let mut new = match checked {
        Ok(new) => new,
        Err(problems) => {
            for problem in &problems {
                errors.add(problem.field(), visit_problem(&prefs, problem));
            }
            return render(
                &app,
                &prefs,
                &form,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    // One connection books a few visits a day at most (a family, a neighbour's errand), so a
    // script cannot empty the calendar by varying the names and phones it types.
    let today = priemna_domain::clock::local_date(now);
    let client = client.map(|Extension(ClientAddress(address))| address);
    if let Some(address) = client
        && !app.limits.may_book(address, today)
    {
        errors.add(
            "slot",
            prefs.t(
                "От тази връзка днес вече са записани няколко посещения. За още часове се обадете \
                 в деловодството.",
                "Several visits have already been booked from this connection today. For more, \
                 please call the registry office.",
            ),
        );
        return render(&app, &prefs, &form, &errors, StatusCode::TOO_MANY_REQUESTS).await;
    }
    let code = TrackingCode::generate();
    new.uid = new_uid(&app);
    new.confirmation = confirmation_mail(
        &app,
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
    // The confirmation page says where the e-mail went, while it shows the code.
    let claim = once::form_once(&token, new.email.clone(), now);
    let booked = format!("/reception/booked/{}", once::receipt_token(&token));
    match app
        .store
        .book_once(
            new,
            &hash_tracking_code(code.as_str()),
            now,
            Some((&claim, code.as_str())),
        )
        .await
    {
        Ok(BookingOutcome::Booked(_)) => {
            if let Some(address) = client {
                app.limits.booked(address, today);
            }
            app.notify.wake();
            once::see_other(&booked)
        }
        // The same form, sent twice at once: the other request booked it.
        Err(StoreError::Duplicate(_)) => once::see_other(&booked),
        Ok(BookingOutcome::PersonHasVisit { day, slot, by }) => {
            let (field, text) = person_has_visit(prefs.en(), official, &prefs.day(day), &slot, by);
            errors.add(field, text);
            render(&app, &prefs, &form, &errors, StatusCode::CONFLICT).await
        }
        Ok(BookingOutcome::SlotTaken) => {
            errors.add(
                "slot",
                prefs.t(
                    "Този час току-що беше зает от друг гражданин. Изберете друг.",
                    "Someone has just booked this time. Choose another.",
                ),
            );
            let form = BookingForm {
                slot: String::new(),
                ..form
            };
            render(&app, &prefs, &form, &errors, StatusCode::CONFLICT).await
        }
        Err(e) => unavailable(&prefs, &e),
    }
}

fn unavailable(prefs: &Prefs, e: &StoreError) -> Response {
    tracing::error!(error = %e, "booking failed");
    layout::error_page(
        prefs,
        StatusCode::SERVICE_UNAVAILABLE,
        prefs.t("Регистърът не е достъпен", "The register is unavailable"),
        prefs.t(
            "Часът не е записан. Опитайте отново след малко.",
            "The visit was not booked. Please try again in a moment.",
        ),
    )
}

/// `GET /reception/booked/{token}`: the confirmation of a booking just made; the code and the
/// name only in the first 30 minutes. Reloading it shows the same booking.
pub async fn booked(
    State(app): State<AppState>,
    prefs: Prefs,
    Path(token): Path<String>,
) -> Response {
    let found = match once::find(&app, &token, "booking").await {
        Ok(found) => found,
        Err(e) => return unavailable(&prefs, &e),
    };
    let booking = match found.as_ref().and_then(|f| f.result.parse::<i64>().ok()) {
        Some(id) => match app.store.booking_by_id(id).await {
            Ok(booking) => booking,
            Err(e) => return unavailable(&prefs, &e),
        },
        None => None,
    };
    let (Some(found), Some(booking)) = (found, booking) else {
        return layout::error_page(
            &prefs,
            StatusCode::NOT_FOUND,
            prefs.t("Потвърждението вече не се показва", "The confirmation is no longer shown"),
            prefs.t(
                "Връзката към потвърждение важи 24 часа след записването. Часът остава записан; отменя се с кода за потвърждение.",
                "A link to a confirmation works for 24 hours after booking. The visit stays booked; it is cancelled with the confirmation code.",
            ),
        );
    };
    (
        [(header::CACHE_CONTROL, "no-store")],
        confirmation(
            &prefs,
            &booking,
            found.secret.as_ref().map(|s| s.0.as_str()),
        ),
    )
        .into_response()
}

fn booking_facts(prefs: &Prefs, booking: &Booking) -> Markup {
    facts(prefs, booking, true)
}

fn facts(prefs: &Prefs, booking: &Booking, with_name: bool) -> Markup {
    let (who_bg, who_en) = official_label(&booking.official).unwrap_or(("", ""));
    html! {
        dl.facts {
            dt { (prefs.t("При", "With")) } dd { (prefs.t(who_bg, who_en)) }
            dt { (prefs.t("Ден", "Day")) } dd id="booking-day" { (prefs.day(booking.day)) }
            dt { (prefs.t("Час", "Time")) } dd.big id="booking-slot" { (booking.slot) }
            @if with_name { dt { (prefs.t("Име", "Name")) } dd { (booking.name) } }
            dt { (prefs.t("Място", "Place")) }
            dd { (prefs.t("Община Хасково, пл. „Общински“ № 1, приемна на партерния етаж", "Haskovo Municipality, 1 Obshtinski Square, reception on the ground floor")) }
        }
    }
}

fn confirmation(prefs: &Prefs, booking: &Booking, code: Option<&str>) -> Markup {
    let title = prefs.t("Часът е записан", "Your visit is booked");
    let body = html! {
        @if booking.cancelled_at.is_some() {
            div.alert role="status" { p { strong { (prefs.t("Този час е отменен.", "This visit has been cancelled.")) } } }
        } @else {
            div.notice role="status" { p { strong { (title) } } }
        }
        h1 { (prefs.t("Потвърждение на записан час", "Booking confirmation")) }
        div.receipt {
            (facts(prefs, booking, code.is_some()))
            @match code {
                Some(code) => p { (prefs.t("Код за потвърждение: ", "Confirmation code: ")) span.code id="booking-code" { (code) } },
                None => p id="booking-code-hidden" { (prefs.t(
                    "Кодът за потвърждение се показва само в първите 30 минути след записването.",
                    "The confirmation code is shown only in the first 30 minutes after booking.")) },
            }
        }
        @if code.is_some() {
            p { strong { (prefs.t(
                "Запазете кода: с него можете да отмените часа. Страницата го показва 30 минути. Моля, елате 5 минути по-рано и носете документ за самоличност.",
                "Keep the code: you need it to cancel. This page shows it for 30 minutes. Please come 5 minutes early and bring an identity document.")) } }
        }
        p.no-print { (prefs.t("Запишете си кода или отпечатайте страницата.", "Write the code down or print this page.")) }
        p.no-print { a href="/reception/cancel" { (prefs.t("Отмяна на записан час", "Cancel a booking")) } }
    };
    layout::page(prefs, Nav::Reception, title, body)
}

#[derive(Debug, Default, Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    code: String,
}

fn cancel_page(prefs: &Prefs, code: &str, errors: &Errors) -> Markup {
    let title = prefs.t("Отмяна на записан час", "Cancel a booking");
    let body = html! {
        h1 { (title) }
        (errors.summary(prefs))
        p.lead { (prefs.t("Въведете кода за потвърждение, който получихте при записването.", "Enter the confirmation code you got when you booked.")) }
        form method="post" action="/reception/cancel" novalidate {
            (TextInput { required: true, class: Some("short"), autocomplete: Some("off"),
                hint: Some(prefs.t("12 букви и цифри, например K7QM-3XHD-92TF.", "12 letters and digits, for example K7QM-3XHD-92TF.")),
                ..TextInput::new("code", prefs.t("Код за потвърждение", "Confirmation code"), code) }.render(prefs, errors))
            button.warning type="submit" { (prefs.t("Отмени часа", "Cancel the visit")) }
        }
    };
    layout::page(prefs, Nav::Reception, title, body)
}

/// `GET /reception/cancel`.
pub async fn cancel_form(prefs: Prefs) -> Markup {
    cancel_page(&prefs, "", &Errors::default())
}

/// `POST /reception/cancel`.
pub async fn cancel(
    State(app): State<AppState>,
    prefs: Prefs,
    form: Result<Form<CancelForm>, FormRejection>,
) -> Response {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let code = form.code.trim();
    let mut errors = Errors::default();
    if code.is_empty() {
        errors.add(
            "code",
            prefs.t(
                "Въведете кода за потвърждение.",
                "Enter the confirmation code.",
            ),
        );
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            cancel_page(&prefs, code, &errors),
        )
            .into_response();
    }
    match app
        .store
        .cancel_booking(&hash_tracking_code(code), app.clock.now())
        .await
    {
        Ok(Some(booking)) => {
            let title = prefs.t("Часът е отменен", "The visit is cancelled");
            let body = html! {
                div.notice role="status" { p { strong { (title) } } }
                h1 { (title) }
                (booking_facts(&prefs, &booking))
                p { a href="/reception" { (prefs.t("Запишете друг час", "Book another time")) } }
            };
            (
                [(header::CACHE_CONTROL, "no-store")],
                layout::page(&prefs, Nav::Reception, title, body),
            )
                .into_response()
        }
        Ok(None) => {
            errors.add(
                "code",
                prefs.t(
                    "Няма записан час с този код, или той вече е отменен.",
                    "There is no booking with this code, or it is already cancelled.",
                ),
            );
            (StatusCode::NOT_FOUND, cancel_page(&prefs, code, &errors)).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "cancellation failed");
            layout::error_page(
                &prefs,
                StatusCode::SERVICE_UNAVAILABLE,
                prefs.t("Регистърът не е достъпен", "The register is unavailable"),
                prefs.t(
                    "Часът не е отменен. Опитайте отново след малко.",
                    "The visit was not cancelled. Please try again in a moment.",
                ),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_working_day_has_24_slots_and_a_holiday_none() {
        let calendar = WorkingCalendar::with_builtin_decrees();
        let monday: Date = "2026-03-02".parse().unwrap();
        let slots = day_slots(monday, &calendar);
        assert_eq!(slots.len(), 24);
        assert_eq!(slots.first().map(String::as_str), Some("09:00"));
        assert_eq!(slots.last().map(String::as_str), Some("16:40"));
        // 3 March, Liberation Day.
        assert!(day_slots("2026-03-03".parse().unwrap(), &calendar).is_empty());
        assert!(day_slots("2026-03-07".parse().unwrap(), &calendar).is_empty());
    }

    #[test]
    fn bookable_days_skip_closed_days_and_todays_past() {
        let calendar = WorkingCalendar::with_builtin_decrees();
        // Monday 2 March 2026 at 16:50 local: today's last slot has begun.
        let now: Timestamp = "2026-03-02T14:50:00Z".parse().unwrap();
        let days = bookable_days(now, &calendar);
        assert_eq!(days.len(), DAYS_AHEAD);
        assert_eq!(days[0], "2026-03-04".parse::<Date>().unwrap());
        assert!(days.iter().all(|d| !day_slots(*d, &calendar).is_empty()));
    }
}
