//! `/reception`: booking a visit to the Mayor or an official during reception hours (working
//! days 9:00–17:00, from the working calendar), in 20-minute slots; the confirmation code, and
//! with it (typed, or from the link in the confirmation e-mail) moving the visit to another
//! free time or cancelling it (a page that shows what will be cancelled, then a POST). The
//! database's unique index is what stops two people taking one slot.
//!
//! The pages and forms only: what a visit must hold, what is stored and which e-mails are
//! queued are `priemna_app::bookings`'s, the slots `priemna_domain::visits`'s. Besides their
//! fairness rules (one visit to come per person and official, `VISITS_PER_MONTH` a month), one
//! connection books a few visits a day at most (`limits`).

use super::layout::{self, Errors, Nav, Prefs, TextInput, check_box};
use super::once;
use crate::extract::Path;
use crate::limits::ClientAddress;
use crate::state::AppState;
use axum::Extension;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use maud::{Markup, html};
use priemna_app::bookings::{self, Booker, BookingError, VisitProblem, VisitRequest, check_visit};
use priemna_domain::submission::MAX_NAME_CHARS;
use priemna_domain::visits::{
    self, MAX_TOPIC_CHARS, OFFICIALS, bookable_days, official_label, official_with,
};
use priemna_store::{Booking, Contact, StoreError, VISITS_PER_MONTH, hash_tracking_code};
use serde::Deserialize;

/// The calendar file of a booking, as a download.
pub fn calendar_download(app: &AppState, booking: &Booking) -> Response {
    match bookings::calendar_file(app, booking) {
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
            "С този телефон вече има записан предстоящ час при {with_bg}: {day_text}, {slot}\u{a0}ч. \
             Един човек може да има един предстоящ час при едно длъжностно лице; за друг час \
             преместете записания с кода му."
        ),
        (false, Contact::Email) => format!(
            "С този адрес на електронна поща вече има записан предстоящ час при {with_bg}: \
             {day_text}, {slot}\u{a0}ч. Един човек може да има един предстоящ час при едно \
             длъжностно лице; за друг час преместете записания с кода му."
        ),
    };
    (field, text)
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
    let days = bookable_days(app.clock.now(), &app.calendar);
    let day = day.parse::<Date>().ok().filter(|d| days.contains(d));
    (visits::official(official), day)
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
        (Some(o), Some(d)) => match bookings::free_slots(app, o, d).await {
            Ok(free) => Some(free),
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
            "Кметът, заместник-кметът и секретарят приемат граждани всеки работен ден от 9:00 до 17:00\u{a0}ч. Една среща е 20 минути.",
            "The Mayor, the Deputy Mayor and the Secretary receive citizens every working day from 9:00 to 17:00. A visit lasts 20 minutes.")) }
        p id="booking-rules" { (if prefs.en() {
            format!("So that everyone gets a turn, one person (one phone number or e-mail address) can have one visit to come with each official, and at most {VISITS_PER_MONTH} visits with the same official in a calendar month. To see them at another time, move the visit you have with its code.")
        } else {
            format!("За да стигне приемното време за всички, един човек (един телефон или адрес на електронна поща) може да има един предстоящ час при всяко длъжностно лице и най-много {VISITS_PER_MONTH} часа при едно и също длъжностно лице в един календарен месец. За друго време преместете записания час с кода му.")
        }) }
        p { a href="/reception/change" { (prefs.t("Отмяна или преместване на записан час", "Cancel or move a booking")) } }
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
        // Sent with nothing chosen: the errors name the fields, nothing is booked.
        asked: true,
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
    let new = match checked {
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
    // The confirmation page says where the e-mail went, while it shows the code.
    let claim = once::form_once(&token, new.email.clone(), now);
    let booked = format!("/reception/booked/{}", once::receipt_token(&token));
    match bookings::book(&app, new, Booker::Citizen { form: &claim }).await {
        Ok(_) => {
            if let Some(address) = client {
                app.limits.booked(address, today);
            }
            once::see_other(&booked)
        }
        // The same form, sent twice at once: the other request booked it.
        Err(BookingError::Store(StoreError::Duplicate(_))) => once::see_other(&booked),
        Err(BookingError::PersonHasVisit { day, slot, by }) => {
            let (field, text) = person_has_visit(prefs.en(), official, &prefs.day(day), &slot, by);
            errors.add(field, text);
            render(&app, &prefs, &form, &errors, StatusCode::CONFLICT).await
        }
        Err(BookingError::MonthFull { by }) => {
            let (field, text) = month_full(prefs.en(), official, day, by);
            errors.add(field, text);
            render(&app, &prefs, &form, &errors, StatusCode::CONFLICT).await
        }
        Err(BookingError::SlotTaken | BookingError::Changed) => {
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
        Err(BookingError::Store(e)) => unavailable(&prefs, &e),
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

/// The booking behind a confirmation page's token, and what the token still shows.
async fn booked_by_token(
    app: &AppState,
    token: &str,
) -> Result<Option<(once::Found, Booking)>, StoreError> {
    let Some(found) = once::find(app, token, "booking").await? else {
        return Ok(None);
    };
    let Ok(id) = found.result.parse::<i64>() else {
        return Ok(None);
    };
    Ok(app.store.booking_by_id(id).await?.map(|b| (found, b)))
}

fn confirmation_gone(prefs: &Prefs) -> Response {
    layout::error_page(
        prefs,
        StatusCode::NOT_FOUND,
        prefs.t("Потвърждението вече не се показва", "The confirmation is no longer shown"),
        prefs.t(
            "Връзката към потвърждение важи 24 часа след записването. Часът остава записан; отменя се или се премества с кода за потвърждение.",
            "A link to a confirmation works for 24 hours after booking. The visit stays booked; it is cancelled or moved with the confirmation code.",
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
    let (found, booking) = match booked_by_token(&app, &token).await {
        Ok(Some(found)) => found,
        Ok(None) => return confirmation_gone(&prefs),
        Err(e) => return unavailable(&prefs, &e),
    };
    let (code, emailed) = match &found.secret {
        Some((code, email)) => (Some(code.as_str()), email.as_deref()),
        None => (None, None),
    };
    (
        [(header::CACHE_CONTROL, "no-store")],
        confirmation(&prefs, &booking, code, emailed, &token),
    )
        .into_response()
}

/// `GET /reception/booked/{token}/visit.ics`: the visit's calendar file, for as long as its
/// confirmation page is shown.
pub async fn booked_calendar(
    State(app): State<AppState>,
    prefs: Prefs,
    Path(token): Path<String>,
) -> Response {
    match booked_by_token(&app, &token).await {
        Ok(Some((_, booking))) => calendar_download(&app, &booking),
        Ok(None) => confirmation_gone(&prefs),
        Err(e) => unavailable(&prefs, &e),
    }
}

fn facts(prefs: &Prefs, booking: &Booking, with_name: bool) -> Markup {
    let (who_bg, who_en) = official_with(&booking.official).unwrap_or(("", ""));
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

fn confirmation(
    prefs: &Prefs,
    booking: &Booking,
    code: Option<&str>,
    emailed: Option<&str>,
    token: &str,
) -> Markup {
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
        @if let Some(email) = emailed {
            p id="booking-emailed" { (prefs.t("Потвърждение с кода и файл за календара изпращаме на ", "We are sending a confirmation with the code and a calendar file to ")) strong { (email) } "." }
        }
        @if code.is_some() {
            p { strong { (prefs.t(
                "Запазете кода: с него можете да отмените или преместите часа. Страницата го показва 30 минути. Моля, елате 5 минути по-рано и носете документ за самоличност.",
                "Keep the code: you need it to cancel or move the visit. This page shows it for 30 minutes. Please come 5 minutes early and bring an identity document.")) } }
        }
        @if booking.cancelled_at.is_none() {
            p.no-print { a id="booking-ics" href=(format!("/reception/booked/{token}/visit.ics")) download="visit.ics" {
                (prefs.t("Добавете срещата в календара си (файл .ics)", "Add the visit to your calendar (.ics file)")) } }
        }
        p.no-print { (prefs.t("Запишете си кода или отпечатайте страницата.", "Write the code down or print this page.")) }
        @match code {
            Some(code) => p.no-print { a id="booking-change" href=(format!("/reception/change?code={}", code_param(code))) {
                (prefs.t("Отмяна или преместване на този час", "Cancel or move this visit")) } },
            None => p.no-print { a href="/reception/change" { (prefs.t("Отмяна или преместване на записан час", "Cancel or move a booking")) } },
        }
    };
    layout::page(prefs, Nav::Reception, title, body)
}

/// What the address of a visit's page carries: the code (from the confirmation e-mail's link,
/// or typed into the code page), the day chosen to move to, and what was just done.
#[derive(Debug, Default, Deserialize)]
pub struct CodeQuery {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    day: Option<String>,
    #[serde(default)]
    done: Option<String>,
}

/// What the citizen sends to cancel or move a visit.
#[derive(Debug, Default, Deserialize)]
pub struct VisitChange {
    #[serde(default)]
    code: String,
    /// The SEQUENCE of the visit as the page showed it: a change applies only to that version
    /// (a second tab, a double click or the desk may have changed it meanwhile).
    #[serde(default)]
    sequence: Option<String>,
    /// Moving: the new day and time.
    #[serde(default)]
    day: Option<String>,
    #[serde(default)]
    slot: Option<String>,
}

impl VisitChange {
    fn sequence(&self) -> Option<i64> {
        self.sequence.as_deref().and_then(|s| s.trim().parse().ok())
    }
}

/// A code as it goes into an address: its normalised form (letters and digits only, which an
/// address carries as they are), grouped as it was issued.
fn code_param(code: &str) -> String {
    let plain = priemna_store::normalise_tracking_code(code);
    if !plain.chars().all(|c| c.is_ascii_alphanumeric()) {
        return String::new();
    }
    plain
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// The address of a visit's page.
fn visit_address(code: &str, done: Option<&str>) -> String {
    match done {
        Some(done) => format!("/reception/change?code={}&done={done}", code_param(code)),
        None => format!("/reception/change?code={}", code_param(code)),
    }
}

/// The page that asks for the code; `action` is where it leads (the visit, or its cancellation).
fn code_page(prefs: &Prefs, action: &str, code: &str, errors: &Errors) -> Markup {
    let title = if action == "/reception/cancel" {
        prefs.t("Отмяна на записан час", "Cancel a booking")
    } else {
        prefs.t(
            "Отмяна или преместване на записан час",
            "Cancel or move a booking",
        )
    };
    let body = html! {
        h1 { (title) }
        (errors.summary(prefs))
        p.lead { (prefs.t(
            "Въведете кода за потвърждение, който получихте при записването. Ще видите часа, преди да го отмените или преместите.",
            "Enter the confirmation code you got when you booked. You will see the visit before you cancel or move it.")) }
        form method="get" action=(action) novalidate {
            (TextInput { required: true, class: Some("short"), autocomplete: Some("off"),
                hint: Some(prefs.t("12 букви и цифри, например K7QM-3XHD-92TF.", "12 letters and digits, for example K7QM-3XHD-92TF.")),
                ..TextInput::new("code", prefs.t("Код за потвърждение", "Confirmation code"), code) }.render(prefs, errors))
            button type="submit" { (prefs.t("Покажи часа", "Show the visit")) }
        }
    };
    layout::page(prefs, Nav::Reception, title, body)
}

fn no_store(status: StatusCode, page: Markup) -> Response {
    (status, [(header::CACHE_CONTROL, "no-store")], page).into_response()
}

/// The visit with this code, active or cancelled; or the code page with its error.
async fn visit_by_code(
    app: &AppState,
    prefs: &Prefs,
    action: &str,
    code: &str,
) -> Result<Booking, Response> {
    let mut errors = Errors::default();
    if code.trim().is_empty() {
        errors.add(
            "code",
            prefs.t(
                "Въведете кода за потвърждение.",
                "Enter the confirmation code.",
            ),
        );
        return Err(no_store(
            StatusCode::UNPROCESSABLE_ENTITY,
            code_page(prefs, action, code, &errors),
        ));
    }
    match app.store.booking_by_code(&hash_tracking_code(code)).await {
        Ok(Some(booking)) => Ok(booking),
        Ok(None) => {
            errors.add(
                "code",
                prefs.t(
                    "Няма записан час с този код за потвърждение. Проверете кода.",
                    "There is no booking with this confirmation code. Check the code.",
                ),
            );
            Err(no_store(
                StatusCode::NOT_FOUND,
                code_page(prefs, action, code, &errors),
            ))
        }
        Err(e) => Err(unavailable(prefs, &e)),
    }
}

/// What a visit's page shows besides the visit.
#[derive(Default)]
struct VisitView<'a> {
    /// `moved` or `cancelled`: what was just done.
    done: Option<&'a str>,
    errors: Errors,
    /// The day chosen to move to, with its free times, and the time chosen.
    moving: Option<(Date, Vec<String>)>,
    day: String,
    slot: String,
}

/// `MONTHS[m - 1]`: a month's name (Bulgarian, English).
const MONTHS: [(&str, &str); 12] = [
    ("януари", "January"),
    ("февруари", "February"),
    ("март", "March"),
    ("април", "April"),
    ("май", "May"),
    ("юни", "June"),
    ("юли", "July"),
    ("август", "August"),
    ("септември", "September"),
    ("октомври", "October"),
    ("ноември", "November"),
    ("декември", "December"),
];

/// A month as it reads in a sentence: "март 2026 г.", "March 2026".
fn month_text(en: bool, day: Date) -> String {
    let (bg, en_name) = MONTHS[usize::from(day.month().unsigned_abs()).clamp(1, 12) - 1];
    if en {
        format!("{en_name} {}", day.year())
    } else {
        format!("{bg} {}\u{a0}г.", day.year())
    }
}

/// What a person told that the month is full with the official reads, naming the field that
/// matched.
pub fn month_full(en: bool, official: &str, day: Date, by: Contact) -> (&'static str, String) {
    let (with_bg, with_en) = official_with(official).unwrap_or(("длъжностно лице", "an official"));
    let month = month_text(en, day);
    let n = VISITS_PER_MONTH;
    let (field, text) = match (en, by) {
        (true, Contact::Phone) => (
            "phone",
            format!(
                "This phone already has {n} visits with {with_en} in {month}, the most one person \
                 can have with an official in a month. Choose a day in another month."
            ),
        ),
        (true, Contact::Email) => (
            "email",
            format!(
                "This e-mail address already has {n} visits with {with_en} in {month}, the most \
                 one person can have with an official in a month. Choose a day in another month."
            ),
        ),
        (false, Contact::Phone) => (
            "phone",
            format!(
                "С този телефон вече има {n} часа при {with_bg} през {month} — толкова може да \
                 има един човек при едно длъжностно лице в един месец. Изберете ден от друг месец."
            ),
        ),
        (false, Contact::Email) => (
            "email",
            format!(
                "С този адрес на електронна поща вече има {n} часа при {with_bg} през {month} — \
                 толкова може да има един човек при едно длъжностно лице в един месец. Изберете \
                 ден от друг месец."
            ),
        ),
    };
    (field, text)
}

/// A visit's page: the visit, and while it can be changed, the two ways on (cancel it, with a
/// confirmation step; move it to another free time of the same official).
fn visit_page(
    app: &AppState,
    prefs: &Prefs,
    booking: &Booking,
    code: &str,
    view: &VisitView<'_>,
) -> Markup {
    let cancelled = booking.cancelled_at.is_some();
    let title = match (view.done, cancelled) {
        (_, true) => prefs.t("Часът е отменен", "The visit is cancelled"),
        (Some("moved"), false) => prefs.t("Часът е преместен", "The visit is moved"),
        _ => prefs.t("Вашият записан час", "Your booking"),
    };
    let days = bookable_days(app.clock.now(), &app.calendar);
    let day_error = view.errors.get("day");
    let slot_error = view.errors.get("slot");
    let emailed = booking.email.as_deref().is_some_and(|e| !e.is_empty());
    let code = code_param(code);
    let body = html! {
        @if view.done.is_some() || cancelled {
            div.notice role="status" { h1 { (title) } }
        } @else {
            h1 { (title) }
        }
        (view.errors.summary(prefs))
        (facts(prefs, booking, true))
        @match (view.done, cancelled) {
            (Some("cancelled"), true) if emailed => p id="cancel-emailed" { (prefs.t(
                "Изпращаме известие за отмяната на електронната поща, посочена при записването; приложеният файл премахва срещата от календара Ви.",
                "We are sending a notice of the cancellation to the e-mail given when booking; its file removes the visit from your calendar.")) },
            (Some("moved"), false) => {
                p id="moved" { (prefs.t("Досегашният час е освободен за друг гражданин. Кодът за потвърждение остава същият.",
                    "The previous time is freed for someone else. The confirmation code stays the same.")) }
                @if emailed {
                    p id="moved-emailed" { (prefs.t(
                        "Изпращаме ново потвърждение с файл за календара на електронната поща, посочена при записването; той заменя срещата в календара Ви.",
                        "We are sending a new confirmation with a calendar file to the e-mail given when booking; it replaces the visit in your calendar.")) }
                }
            },
            _ => {},
        }
        @if cancelled {
            p { a href="/reception" { (prefs.t("Запишете друг час", "Book another time")) } }
        } @else if !bookings::changeable(app, booking) {
            p id="visit-begun" { (prefs.t(
                "Този час вече е започнал или минал; не може да бъде отменен или преместен.",
                "This visit has already begun or passed; it cannot be cancelled or moved.")) }
        } @else {
            p.no-print { a id="visit-ics" href=(format!("/reception/visit.ics?code={code}")) download="visit.ics" {
                (prefs.t("Добавете срещата в календара си (файл .ics)", "Add the visit to your calendar (.ics file)")) } }
            h2 { (prefs.t("Преместване в друг час", "Move to another time")) }
            p { (prefs.t("Часът остава при същото длъжностно лице и със същия код; досегашният се освобождава.",
                "The visit stays with the same official and keeps its code; the present time is freed.")) }
            form method="get" action="/reception/change" novalidate {
                input type="hidden" name="code" value=(code);
                div.field.invalid[day_error.is_some()] {
                    label for="day" { (prefs.t("Нов ден", "New day")) }
                    (layout::error_line(prefs, "day", day_error.as_deref()))
                    select id="day" name="day"
                        aria-describedby=[day_error.is_some().then_some("day-error")]
                        aria-invalid=[day_error.is_some().then_some("true")] {
                        option value="" { (prefs.t("— изберете ден —", "— choose a day —")) }
                        @for d in &days {
                            option value=(d.to_string()) selected[view.day == d.to_string()] { (prefs.day(*d)) }
                        }
                    }
                }
                button.secondary type="submit" { (prefs.t("Покажи свободните часове", "Show free times")) }
            }
            @if let Some((day, free)) = &view.moving {
                h3 id="move-slots" { (prefs.t("Свободни часове", "Free times")) " — " (prefs.day(*day)) }
                @if free.is_empty() {
                    p { (prefs.t("Няма свободни часове в този ден. Изберете друг ден.", "No free times on this day. Choose another day.")) }
                } @else {
                    form method="post" action="/reception/move" novalidate {
                        input type="hidden" name="code" value=(code);
                        input type="hidden" name="sequence" value=(booking.sequence);
                        input type="hidden" name="day" value=(day.to_string());
                        fieldset.invalid[slot_error.is_some()] id="slot" tabindex="-1"
                            aria-describedby=[slot_error.is_some().then_some("slot-error")] {
                            legend { (prefs.t("Изберете нов час", "Choose a new time")) }
                            (layout::error_line(prefs, "slot", slot_error.as_deref()))
                            div.slots {
                                @for s in free {
                                    @let control = format!("slot-{}", s.replace(':', ""));
                                    div.choice {
                                        input type="radio" id=(control) name="slot" value=(s) checked[view.slot == *s];
                                        label for=(control) { (s) }
                                    }
                                }
                            }
                        }
                        button type="submit" { (prefs.t("Премести часа", "Move the visit")) }
                    }
                }
            }
            h2 { (prefs.t("Отмяна", "Cancelling")) }
            p { a id="visit-cancel" href=(format!("/reception/cancel?code={code}")) { (prefs.t("Отменете часа", "Cancel the visit")) } }
        }
    };
    layout::page(prefs, Nav::Reception, title, body)
}

/// The day chosen to move to, if it is one that can be booked; else the error for its field.
fn move_day(app: &AppState, prefs: &Prefs, day: &str, errors: &mut Errors) -> Option<Date> {
    let days = bookable_days(app.clock.now(), &app.calendar);
    let day = day.trim().parse::<Date>().ok().filter(|d| days.contains(d));
    if day.is_none() {
        errors.add(
            "day",
            prefs.t(
                "Изберете нов ден от списъка.",
                "Choose a new day from the list.",
            ),
        );
    }
    day
}

/// `GET /reception/change`: without a code, the page that asks for it; with one (the link in the
/// confirmation e-mail carries it), the visit and what can be done with it; with a day, that
/// day's free times to move to.
pub async fn change(
    State(app): State<AppState>,
    prefs: Prefs,
    Query(query): Query<CodeQuery>,
) -> Response {
    let Some(code) = query.code.as_deref() else {
        return no_store(
            StatusCode::OK,
            code_page(&prefs, "/reception/change", "", &Errors::default()),
        );
    };
    let booking = match visit_by_code(&app, &prefs, "/reception/change", code).await {
        Ok(booking) => booking,
        Err(response) => return response,
    };
    let mut view = VisitView {
        done: query
            .done
            .as_deref()
            .filter(|d| ["moved", "cancelled"].contains(d)),
        ..VisitView::default()
    };
    let mut status = StatusCode::OK;
    if let Some(day) = query.day.as_deref()
        && bookings::changeable(&app, &booking)
    {
        view.day = day.to_owned();
        match move_day(&app, &prefs, day, &mut view.errors) {
            Some(day) => match bookings::free_slots(&app, &booking.official, day).await {
                Ok(free) => view.moving = Some((day, free)),
                Err(e) => return unavailable(&prefs, &e),
            },
            None => status = StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
    no_store(status, visit_page(&app, &prefs, &booking, code, &view))
}

/// The confirmation step of a cancellation: what will be cancelled, and the button that does it.
fn cancel_page(prefs: &Prefs, booking: &Booking, code: &str, errors: &Errors) -> Markup {
    let title = prefs.t("Отмяна на записан час", "Cancel a booking");
    let code = code_param(code);
    let body = html! {
        h1 { (title) }
        (errors.summary(prefs))
        p.lead { (prefs.t("Ще отмените този час:", "You are about to cancel this visit:")) }
        (facts(prefs, booking, true))
        p { (prefs.t("Часът ще бъде освободен за друг гражданин. Отмяната не може да бъде върната; за нов час ще трябва да се запишете отново.",
            "The time will be freed for someone else. A cancellation cannot be undone; for a new visit you will have to book again.")) }
        form method="post" action="/reception/cancel" {
            input type="hidden" name="code" value=(code);
            input type="hidden" name="sequence" value=(booking.sequence);
            button.warning type="submit" id="confirm-cancel" { (prefs.t("Да, отменете часа", "Yes, cancel the visit")) }
        }
        p { a href=(format!("/reception/change?code={code}")) { (prefs.t("Не, запазете часа", "No, keep the visit")) } }
    };
    layout::page(prefs, Nav::Reception, title, body)
}

/// `GET /reception/cancel`: without a code, the page that asks for it; with one, what will be
/// cancelled (nothing is, until the citizen presses the button, which posts).
pub async fn cancel_form(
    State(app): State<AppState>,
    prefs: Prefs,
    Query(query): Query<CodeQuery>,
) -> Response {
    let Some(code) = query.code.as_deref() else {
        return no_store(
            StatusCode::OK,
            code_page(&prefs, "/reception/cancel", "", &Errors::default()),
        );
    };
    let booking = match visit_by_code(&app, &prefs, "/reception/cancel", code).await {
        Ok(booking) => booking,
        Err(response) => return response,
    };
    if !bookings::changeable(&app, &booking) {
        // Cancelled already, or begun: the visit's page says which.
        return no_store(
            StatusCode::OK,
            visit_page(&app, &prefs, &booking, code, &VisitView::default()),
        );
    }
    no_store(
        StatusCode::OK,
        cancel_page(&prefs, &booking, code, &Errors::default()),
    )
}

/// `POST /reception/cancel`: cancels the visit (and queues the cancellation notice with its
/// calendar file, if an address was given), then shows it cancelled (POST/redirect/GET). Sent
/// again, it finds the visit cancelled and shows the same.
pub async fn cancel(
    State(app): State<AppState>,
    prefs: Prefs,
    form: Result<Form<VisitChange>, FormRejection>,
) -> Response {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let code = form.code.trim();
    let booking = match visit_by_code(&app, &prefs, "/reception/cancel", code).await {
        Ok(booking) => booking,
        Err(response) => return response,
    };
    if booking.cancelled_at.is_some() {
        return once::see_other(&visit_address(code, Some("cancelled")));
    }
    if !bookings::changeable(&app, &booking) {
        return no_store(
            StatusCode::CONFLICT,
            visit_page(&app, &prefs, &booking, code, &VisitView::default()),
        );
    }
    let changed = |booking: &Booking| {
        let mut errors = Errors::default();
        errors.add(
            "confirm-cancel",
            prefs.t(
                "Часът току-що беше променен. Проверете го и потвърдете отмяната отново.",
                "The visit has just been changed. Check it and confirm the cancellation again.",
            ),
        );
        no_store(
            StatusCode::CONFLICT,
            cancel_page(&prefs, booking, code, &errors),
        )
    };
    if form.sequence().is_some_and(|s| s != booking.sequence) {
        return changed(&booking);
    }
    match bookings::cancel(&app, &booking, code, "citizen").await {
        Ok(_) => once::see_other(&visit_address(code, Some("cancelled"))),
        // Cancelled or moved meanwhile (another tab, the desk).
        Err(
            BookingError::Changed
            | BookingError::SlotTaken
            | BookingError::MonthFull { .. }
            | BookingError::PersonHasVisit { .. },
        ) => match visit_by_code(&app, &prefs, "/reception/cancel", code).await {
            Ok(now) if now.cancelled_at.is_some() => {
                once::see_other(&visit_address(code, Some("cancelled")))
            }
            Ok(now) => changed(&now),
            Err(response) => response,
        },
        Err(BookingError::Store(e)) => {
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

/// `POST /reception/move`: moves the visit to the free time chosen, in one step (the old time
/// freed and the new one taken together); it keeps its code and its calendar UID, and a new
/// confirmation (with a higher SEQUENCE) goes to the e-mail given when booking. Then the visit's
/// page (POST/redirect/GET); sent again, the visit is found moved already and shown the same.
pub async fn move_visit(
    State(app): State<AppState>,
    prefs: Prefs,
    form: Result<Form<VisitChange>, FormRejection>,
) -> Response {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let code = form.code.trim();
    let booking = match visit_by_code(&app, &prefs, "/reception/change", code).await {
        Ok(booking) => booking,
        Err(response) => return response,
    };
    let slot = form.slot.as_deref().unwrap_or_default().trim().to_owned();
    let day_text = form.day.as_deref().unwrap_or_default().trim().to_owned();
    // The same move sent again (a double click, a reload): it is done already.
    if let Some(sent) = form.sequence()
        && booking.sequence > sent
        && booking.cancelled_at.is_none()
        && booking.day.to_string() == day_text
        && booking.slot == slot
    {
        return once::see_other(&visit_address(code, Some("moved")));
    }
    if !bookings::changeable(&app, &booking) {
        return no_store(
            StatusCode::CONFLICT,
            visit_page(&app, &prefs, &booking, code, &VisitView::default()),
        );
    }
    let mut view = VisitView {
        day: day_text.clone(),
        slot: slot.clone(),
        ..VisitView::default()
    };
    let Some(day) = move_day(&app, &prefs, &day_text, &mut view.errors) else {
        return no_store(
            StatusCode::UNPROCESSABLE_ENTITY,
            visit_page(&app, &prefs, &booking, code, &view),
        );
    };
    let free = match bookings::free_slots(&app, &booking.official, day).await {
        Ok(free) => free,
        Err(e) => return unavailable(&prefs, &e),
    };
    let refuse = |status: StatusCode, field: &str, text: String, free: Vec<String>| {
        let mut view = VisitView {
            day: day.to_string(),
            moving: Some((day, free)),
            ..VisitView::default()
        };
        view.errors.add(field, text);
        no_store(status, visit_page(&app, &prefs, &booking, code, &view))
    };
    if form.sequence().is_some_and(|s| s != booking.sequence) {
        return refuse(
            StatusCode::CONFLICT,
            "slot",
            prefs
                .t(
                    "Часът току-що беше променен. Проверете го и изберете отново.",
                    "The visit has just been changed. Check it and choose again.",
                )
                .to_owned(),
            free,
        );
    }
    if slot.is_empty() || !free.contains(&slot) {
        let text = if slot.is_empty() {
            prefs.t(
                "Изберете нов час от свободните.",
                "Choose a new time from the free ones.",
            )
        } else {
            prefs.t(
                "Този час не е свободен. Изберете друг от свободните.",
                "This time is not free. Choose another of the free ones.",
            )
        };
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "slot",
            text.to_owned(),
            free,
        );
    }
    let outcome = bookings::reschedule(
        &app,
        &booking,
        code,
        &code_param(code),
        day,
        &slot,
        "citizen",
    )
    .await;
    match outcome {
        Ok(_) => once::see_other(&visit_address(code, Some("moved"))),
        Err(BookingError::SlotTaken) => {
            let free = bookings::free_slots(&app, &booking.official, day)
                .await
                .unwrap_or_default();
            refuse(
                StatusCode::CONFLICT,
                "slot",
                prefs
                    .t(
                        "Този час току-що беше зает от друг гражданин. Изберете друг.",
                        "Someone has just booked this time. Choose another.",
                    )
                    .to_owned(),
                free,
            )
        }
        Err(BookingError::MonthFull { by }) => {
            let (_, text) = month_full(prefs.en(), &booking.official, day, by);
            let mut view = VisitView {
                day: day.to_string(),
                ..VisitView::default()
            };
            view.errors.add("day", text);
            no_store(
                StatusCode::CONFLICT,
                visit_page(&app, &prefs, &booking, code, &view),
            )
        }
        Err(BookingError::Changed | BookingError::PersonHasVisit { .. }) => refuse(
            StatusCode::CONFLICT,
            "slot",
            prefs
                .t(
                    "Часът току-що беше променен. Проверете го и изберете отново.",
                    "The visit has just been changed. Check it and choose again.",
                )
                .to_owned(),
            free,
        ),
        Err(BookingError::Store(e)) => unavailable(&prefs, &e),
    }
}

/// `GET /reception/visit.ics?code=…`: the calendar file of the visit with this code.
pub async fn calendar_by_code(
    State(app): State<AppState>,
    prefs: Prefs,
    Query(query): Query<CodeQuery>,
) -> Response {
    let code = query.code.unwrap_or_default();
    match visit_by_code(&app, &prefs, "/reception/change", &code).await {
        Ok(booking) => calendar_download(&app, &booking),
        Err(response) => response,
    }
}
