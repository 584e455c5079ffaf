//! The registry clerk's desk: registering what came on paper, by phone, from a signal box, in
//! person or by post (with scanned attachments) and printing the citizen's receipt, and booking
//! a reception visit for a caller.
//!
//! Both forms post and then redirect (303) to what they created. The tracking code (or a
//! booking's cancellation code) exists only as a hash in the register, so it travels to the
//! page after the redirect in a short-lived, HttpOnly cookie of this browser (`priemna_desk`),
//! and is checked against the register before it is shown or printed: any server can show it,
//! and it is gone a quarter of an hour later or when the next registration starts.

use super::layout::{self, Section};
use super::{PageError, StaffPage};
use crate::auth::is_https;
use crate::error::ApiError;
use crate::extract::Path;
use crate::portal::reception::{month_full, person_has_visit};
use crate::portal::upload::{self, MAX_FILE_BYTES, MAX_FILES};
use crate::state::AppState;
use axum::Form;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use jiff::Timestamp;
use jiff::civil::Date;
use maud::{Markup, html};
use priemna_app::bookings::{self, Booker, BookingError, VisitProblem, VisitRequest, check_visit};
use priemna_app::cases;
use priemna_app::intake;
use priemna_app::notify::compose;
use priemna_app::staff::Staff;
use priemna_domain::access::{self, Permission};
use priemna_domain::clock::{local_date, municipal_tz};
use priemna_domain::submission::{
    FieldError, MAX_ADDRESS_CHARS, MAX_BODY_CHARS, MAX_NAME_CHARS, MAX_SUBJECT_CHARS, Problem,
    RawSubmission, RawSubmitter,
};
use priemna_domain::visits::{self, MAX_TOPIC_CHARS, OFFICIALS, bookable_days, official_label};
use priemna_domain::{Channel, Kind, RegistrationNumber};
use priemna_store::{NewAttachment, SubmissionExtras, hash_tracking_code};
use serde::Deserialize;
use std::collections::HashMap;

/// The cookie that carries a code from the form to the page after the redirect.
pub const FLASH_COOKIE: &str = "priemna_desk";
/// How long the code can be shown and printed after the registration.
const FLASH_MINUTES: i64 = 15;

/// The channels a clerk registers, in the order they come most often; e-mail too (a letter to
/// the municipality's mailbox). The portal is the citizen's own.
const DESK_CHANNELS: [Channel; 6] = [
    Channel::Post,
    Channel::InPersonWritten,
    Channel::InPersonOral,
    Channel::Phone,
    Channel::SignalBox,
    Channel::Email,
];

/// The kinds, the most frequent first.
const KIND_ORDER: [Kind; 8] = [
    Kind::Signal,
    Kind::Complaint,
    Kind::Application,
    Kind::Proposal,
    Kind::Opinion,
    Kind::Comment,
    Kind::Praise,
    Kind::CorruptionSignal,
];

fn require_registrar(staff: &Staff) -> Result<(), PageError> {
    access::check(&staff.user.actor(), Permission::RegisterSubmission, None)
        .map_err(|denied| PageError::new(denied.into(), Some(staff)))
}

/// A cookie for `value` (or, with `None`, one that removes it): HttpOnly, SameSite=Strict,
/// only under `/staff`, for `FLASH_MINUTES`.
fn flash_cookie(value: Option<String>, secure: bool) -> Cookie<'static> {
    let seconds = if value.is_some() {
        FLASH_MINUTES * 60
    } else {
        0
    };
    let text = format!(
        "{FLASH_COOKIE}={}; Path=/staff; Max-Age={seconds}; HttpOnly; SameSite=Strict{}",
        value.as_deref().unwrap_or(""),
        if secure { "; Secure" } else { "" }
    );
    Cookie::parse(text).unwrap_or_else(|_| {
        let mut cookie = Cookie::new(FLASH_COOKIE, "");
        cookie.set_path("/staff");
        cookie.set_http_only(true);
        cookie.set_same_site(SameSite::Strict);
        cookie
    })
}

/// What the flash cookie says: `(what, key, code)`, e.g. `("case", "2026-000012", code)`.
fn flash(headers: &HeaderMap) -> Option<(String, String, String)> {
    let jar = CookieJar::from_headers(headers);
    let value = jar.get(FLASH_COOKIE)?.value().to_owned();
    let mut parts = value.splitn(3, '.');
    let what = parts.next()?.to_owned();
    let key = parts.next()?.to_owned();
    let code = parts.next()?.to_owned();
    Some((what, key, code))
}

/// The tracking code of case `number`, if this browser registered it in the last minutes (and
/// the register agrees).
async fn flashed_tracking_code(
    app: &AppState,
    headers: &HeaderMap,
    number: RegistrationNumber,
) -> Option<String> {
    let (what, key, code) = flash(headers)?;
    if what != "case" || key != number.to_string() {
        return None;
    }
    match app.store.find_for_citizen(number, &code).await {
        Ok(Some(_)) => Some(code),
        _ => None,
    }
}

/// The cancellation code of booking `id`, if this browser booked it in the last minutes.
pub async fn flashed_booking_code(
    app: &AppState,
    headers: &HeaderMap,
) -> Option<(priemna_store::Booking, String)> {
    let (what, key, code) = flash(headers)?;
    if what != "visit" {
        return None;
    }
    let booking = app
        .store
        .booking_by_code(&hash_tracking_code(&code))
        .await
        .ok()
        .flatten()?;
    (booking.id.to_string() == key && booking.cancelled_at.is_none()).then_some((booking, code))
}

/// The form's errors: messages by the id of the control they belong to, in the form's order.
#[derive(Debug, Default)]
struct Errors(Vec<(&'static str, String)>);

impl Errors {
    fn add(&mut self, id: &'static str, message: impl Into<String>) {
        self.0.push((id, message.into()));
    }

    fn get(&self, id: &str) -> Option<String> {
        let messages: Vec<&str> = self
            .0
            .iter()
            .filter(|(i, _)| *i == id)
            .map(|(_, m)| m.as_str())
            .collect();
        (!messages.is_empty()).then(|| messages.join(" "))
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The box above the form: every error, each a link to its field.
    fn summary(&self) -> Markup {
        if self.0.is_empty() {
            return html! {};
        }
        html! {
            div.alert role="alert" aria-labelledby="error-summary-title" tabindex="-1" {
                p id="error-summary-title" { strong { "Формулярът не е изпратен. Поправете:" } }
                ul {
                    @for (id, message) in &self.0 {
                        li { a href=(format!("#{id}")) { (message) } }
                    }
                }
            }
        }
    }
}

/// What the clerk typed, kept to fill the form again.
#[derive(Debug, Default, Clone)]
pub struct DeskForm {
    kind: String,
    channel: String,
    received: String,
    subject: String,
    body: String,
    address: String,
    violation_date: String,
    /// `named` or `anonymous`.
    identity: String,
    name: String,
    postal_address: String,
    phone: String,
    email: String,
    threat: bool,
    bad_administration: bool,
    about_employee: bool,
    consent: bool,
    csrf_token: String,
}

impl DeskForm {
    fn set(&mut self, name: &str, value: String) {
        let on = value == "on";
        match name {
            "kind" => self.kind = value,
            "channel" => self.channel = value,
            "received" => self.received = value,
            "subject" => self.subject = value,
            "body" => self.body = value,
            "address" => self.address = value,
            "violation_date" => self.violation_date = value,
            "identity" => self.identity = value,
            "name" => self.name = value,
            "postal_address" => self.postal_address = value,
            "phone" => self.phone = value,
            "email" => self.email = value,
            "threat" => self.threat = on,
            "bad_administration" => self.bad_administration = on,
            "about_employee" => self.about_employee = on,
            "consent" => self.consent = on,
            "csrf_token" => self.csrf_token = value,
            _ => {}
        }
    }

    fn anonymous(&self) -> bool {
        self.identity == "anonymous"
    }

    /// The submission as intake reads it.
    fn raw(&self) -> RawSubmission {
        let given = |s: &str| {
            let s = s.trim();
            (!s.is_empty()).then(|| s.to_owned())
        };
        RawSubmission {
            kind: given(&self.kind),
            channel: given(&self.channel),
            subject: given(&self.subject),
            body: given(&self.body),
            submitter: Some(RawSubmitter {
                name: given(&self.name),
                address: given(&self.postal_address),
                phone: given(&self.phone),
                email: given(&self.email),
                egn: None,
            }),
            anonymous: Some(self.anonymous()),
            health_or_safety_threat: Some(self.threat),
            about_bad_administration: Some(self.bad_administration),
            about_employee: Some(self.about_employee),
            in_writing: None,
            violation_date: given(&self.violation_date),
            address: given(&self.address),
            consent: Some(self.consent),
        }
    }
}

/// The first day the register takes: the charter's deadlines and the year's numbers run from
/// the date of receipt, so an item received last year belongs to last year's register.
fn year_start(today: Date) -> Date {
    Date::new(today.year(), 1, 1).unwrap_or(today)
}

/// The moment of receipt for a date: now, for today; midday, for an earlier day (the date is
/// what counts for the deadlines).
fn received_at(received: Date, now: Timestamp) -> Timestamp {
    if received == local_date(now) {
        return now;
    }
    received
        .at(12, 0, 0, 0)
        .to_zoned(municipal_tz())
        .map(|z| z.timestamp())
        .unwrap_or(now)
}

/// Checks the date of receipt.
fn check_received(form: &DeskForm, today: Date, errors: &mut Errors) -> Option<Date> {
    let typed = form.received.trim();
    if typed.is_empty() {
        errors.add(
            "received",
            "Посочете датата на получаване (по пощенското клеймо, входящия печат или деня на отваряне на кутията).",
        );
        return None;
    }
    let Ok(date) = typed.parse::<Date>() else {
        errors.add(
            "received",
            "Датата на получаване не е валидна; очаква се ден, месец и година.",
        );
        return None;
    };
    if date > today {
        errors.add(
            "received",
            "Датата на получаване е в бъдещето. Посочете деня, в който документът е получен.",
        );
        return None;
    }
    let start = year_start(today);
    if date < start {
        errors.add(
            "received",
            format!(
                "Датата на получаване е преди {} — началото на годината на регистъра. Сроковете и номерата текат от датата на получаване, затова по-стари документи не се въвеждат тук.",
                layout::date_bg(start)
            ),
        );
        return None;
    }
    Some(date)
}

/// A domain error, worded for the clerk.
fn message(error: &FieldError) -> String {
    let custom = match (error.field.as_str(), &error.problem) {
        ("kind", _) => Some("Изберете вида на преписката."),
        ("channel", _) => Some("Изберете как е постъпила преписката."),
        ("subject", Problem::Missing) => Some("Напишете кратко заглавие (относно)."),
        ("body", Problem::Missing) => {
            Some("Препишете текста или опишете накратко какво съдържа документът.")
        }
        ("submitter", Problem::SubmitterRequired) | ("submitter.name", Problem::Missing) => {
            Some("Напишете името на подателя или изберете „Анонимно“.")
        }
        ("submitter", Problem::NoContact) => {
            Some("Посочете телефон, електронна поща или адрес на подателя, за да получи отговор.")
        }
        ("submitter", Problem::AnonymousWithSubmitter) => Some(
            "Избрано е „Анонимно“, но има попълнени данни на подателя. Изтрийте ги или изберете „С името на подателя“.",
        ),
        ("violation_date", Problem::FutureDate) => {
            Some("Датата на нарушението е след датата на получаване.")
        }
        ("consent", Problem::ConsentRequired) => Some(
            "Отбележете, че подателят е съгласен с обработването на личните му данни; без съгласие не се въвеждат лични данни.",
        ),
        _ => None,
    };
    match custom {
        Some(text) => text.to_owned(),
        None => layout::capitalise(&error.problem.message_bg()) + ".",
    }
}

fn add_domain_errors(errors: &mut Errors, fields: &[FieldError]) {
    const ORDER: [&str; 12] = [
        "kind",
        "channel",
        "subject",
        "body",
        "address",
        "violation_date",
        "identity",
        "name",
        "postal_address",
        "phone",
        "email",
        "consent",
    ];
    for id in ORDER {
        for e in fields
            .iter()
            .filter(|e| crate::portal::submit::field_id(&e.field, &e.problem) == id)
        {
            errors.add(id, message(e));
        }
    }
}

/// A file as it came with the form.
struct Upload {
    filename: String,
    data: Vec<u8>,
}

/// Reads the multipart form; `true` when it could not be read to the end (too large, broken).
async fn read_form(mut multipart: Multipart) -> (DeskForm, Vec<Upload>, bool) {
    let mut form = DeskForm::default();
    let mut files = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return (form, files, false),
            Err(e) => {
                tracing::info!(error = %e, "the desk's form could not be read to the end");
                return (form, files, true);
            }
        };
        let name = field.name().unwrap_or("").to_owned();
        if name == "attachments" {
            let filename = field.file_name().unwrap_or("").to_owned();
            match field.bytes().await {
                Ok(bytes) if bytes.is_empty() && filename.is_empty() => {}
                Ok(bytes) => files.push(Upload {
                    filename,
                    data: bytes.to_vec(),
                }),
                Err(e) => {
                    tracing::info!(error = %e, "a scanned file could not be read");
                    return (form, files, true);
                }
            }
        } else {
            match field.text().await {
                Ok(text) => form.set(&name, text),
                Err(_) => return (form, files, true),
            }
        }
    }
}

/// Checks the scanned files as the portal checks a citizen's: how many, how large, their type
/// from their first bytes, photos' metadata taken out.
fn check_files(files: Vec<Upload>, errors: &mut Errors) -> Vec<NewAttachment> {
    let megabytes = MAX_FILE_BYTES / (1024 * 1024);
    if files.len() > MAX_FILES {
        errors.add(
            "attachments",
            format!("Прикачете най-много {MAX_FILES} файла."),
        );
        return Vec::new();
    }
    let mut accepted = Vec::new();
    for file in files {
        let shown = upload::clean_name(&file.filename, "");
        let message = match upload::check_file(&file.filename, file.data) {
            Ok(attachment) => {
                accepted.push(attachment);
                continue;
            }
            Err(upload::FileProblem::Empty) => format!("Файлът „{shown}“ е празен."),
            Err(upload::FileProblem::TooLarge) => {
                format!("Файлът „{shown}“ е по-голям от {megabytes} MB.")
            }
            Err(upload::FileProblem::NotAccepted) => format!(
                "Файлът „{shown}“ не е сканиран документ или снимка (приемат се {}).",
                upload::ACCEPTED
            ),
            Err(upload::FileProblem::Damaged) => {
                format!("Файлът „{shown}“ е повреден: не може да се прочете като снимка.")
            }
        };
        errors.add("attachments", message);
    }
    accepted
}

/// Radio buttons for one choice, with their errors.
fn radios(
    id: &'static str,
    legend: &str,
    hint: Option<&str>,
    options: &[(String, String)],
    selected: &str,
    errors: &Errors,
) -> Markup {
    let error = errors.get(id);
    let mut described = Vec::new();
    if hint.is_some() {
        described.push(format!("{id}-hint"));
    }
    if error.is_some() {
        described.push(format!("{id}-error"));
    }
    html! {
        fieldset.field.invalid[error.is_some()] id=(id) tabindex="-1"
            aria-describedby=[(!described.is_empty()).then(|| described.join(" "))] {
            legend { (legend) }
            @if let Some(hint) = hint { p.hint id=(format!("{id}-hint")) { (hint) } }
            @if let Some(error) = &error {
                p.error id=(format!("{id}-error")) { span.visually-hidden { "Грешка: " } (error) }
            }
            @for (value, label) in options {
                @let control = format!("{id}-{value}");
                div.choice {
                    input type="radio" id=(control) name=(id) value=(value) checked[selected == value];
                    label for=(control) { (label) }
                }
            }
        }
    }
}

fn new_form_page(staff: &Staff, form: &DeskForm, errors: &Errors, today: Date) -> Markup {
    let title = "Нова преписка";
    let kinds: Vec<(String, String)> = KIND_ORDER
        .iter()
        .map(|k| (k.as_str().to_owned(), layout::capitalise(k.label_bg())))
        .collect();
    let channels: Vec<(String, String)> = DESK_CHANNELS
        .iter()
        .map(|c| (c.as_str().to_owned(), layout::capitalise(c.label_bg())))
        .collect();
    let identities = [
        ("named".to_owned(), "С името на подателя".to_owned()),
        ("anonymous".to_owned(), "Анонимно".to_owned()),
    ];
    let attach_error = errors.get("attachments");
    let consent_error = errors.get("consent");
    let input = |id: &'static str, label: &'static str, value: &'static str| layout::Input {
        id,
        name: id,
        label,
        value,
        error: errors.get(id),
        ..layout::Input::default()
    };
    let body = html! {
        h1 { (title) }
        (errors.summary())
        p.lead { "Преписка, постъпила на хартия, по пощата, по телефона, от кутия за сигнали, лично или по електронна поща. "
            "След регистрирането отпечатайте разписката и я дайте или изпратете на подателя." }
        form method="post" action="/staff/desk/new" enctype="multipart/form-data" novalidate {
            (layout::csrf_field(staff))
            h2 { "1. Постъпване" }
            (radios("channel", "Как е постъпила?", None, &channels, &form.channel, errors))
            (layout::Input { kind: "date", required: true, value: &form.received,
                min: Some(year_start(today).to_string()), max: Some(today.to_string()),
                hint: Some("Денят на получаване: по входящия печат или пощенското клеймо, а за кутия за сигнали — денят, в който е отворена. От него текат сроковете."),
                ..input("received", "Дата на получаване", "") }.render())
            (radios("kind", "Вид", None, &kinds, &form.kind, errors))
            h2 { "2. Съдържание" }
            (layout::Input { required: true, maxlength: Some(MAX_SUBJECT_CHARS), value: &form.subject,
                ..input("subject", "Относно", "") }.render())
            (layout::TextArea { id: "body", name: "body", label: "Текст", value: &form.body, required: true,
                hint: Some("Препишете текста или го обобщете; сканираният документ се прилага по-долу."),
                error: errors.get("body"), maxlength: Some(MAX_BODY_CHARS), rows: 8 }.render())
            (layout::Input { maxlength: Some(MAX_ADDRESS_CHARS), value: &form.address,
                hint: Some("По желание: улица и номер, квартал или ориентир."),
                ..input("address", "Къде е проблемът?", "") }.render())
            (layout::Input { kind: "date", value: &form.violation_date, max: Some(today.to_string()),
                hint: Some("Само за сигнал за нарушение: кога е извършено (по-старо от 2 години не се разглежда)."),
                ..input("violation_date", "Дата на нарушението", "") }.render())
            fieldset.field {
                legend { "Какво казва документът (за правилата на хартата)" }
                (layout::checkbox("bad_administration", "bad_administration", "Жалба за лошо администриране", form.bad_administration,
                    Some("Писмена жалба за лошо администриране получава отговор до 7 дни от получаването.")))
                (layout::checkbox("about_employee", "about_employee", "Жалбата е за служител", form.about_employee,
                    Some("Хартата изпраща жалбите за служители на кмета.")))
                (layout::checkbox("threat", "threat", "Застрашава здравето или безопасността на хората", form.threat,
                    Some("Тогава и анонимен сигнал или жалба се разглежда.")))
            }
            h2 { "3. Подател" }
            (radios("identity", "Подателят", None, &identities, &form.identity, errors))
            (layout::Input { maxlength: Some(MAX_NAME_CHARS), value: &form.name, autocomplete: Some("off"),
                ..input("name", "Име и фамилия", "") }.render())
            (layout::Input { maxlength: Some(MAX_ADDRESS_CHARS), value: &form.postal_address, autocomplete: Some("off"),
                hint: Some("Адрес за кореспонденция, за отговор по пощата."),
                ..input("postal_address", "Адрес", "") }.render())
            (layout::Input { kind: "tel", value: &form.phone, autocomplete: Some("off"),
                hint: Some("Например 0888 123 456."),
                ..input("phone", "Телефон", "") }.render())
            (layout::Input { kind: "email", value: &form.email, autocomplete: Some("off"),
                hint: Some("Ако е посочена, подателят получава разписката и отговора и по електронна поща."),
                ..input("email", "Електронна поща", "") }.render())
            div.field.invalid[consent_error.is_some()] id="consent-field" {
                @if let Some(error) = &consent_error {
                    p.error id="consent-error" { span.visually-hidden { "Грешка: " } (error) }
                }
                div.choice {
                    input type="checkbox" id="consent" name="consent" value="on" checked[form.consent]
                        aria-describedby=(if consent_error.is_some() { "consent-hint consent-error" } else { "consent-hint" })
                        aria-invalid=[consent_error.is_some().then_some("true")];
                    label for="consent" { "Подателят е съгласен личните му данни да бъдат обработвани за разглеждането на преписката" }
                }
                p.hint id="consent-hint" { "Подписано на документа или казано устно; задължително, когато подателят е посочил името си. Съгласието се записва в дневника." }
            }
            h2 { "4. Сканирани документи" }
            div.field.invalid[attach_error.is_some()] {
                label for="attachments" { "Файлове" }
                p.hint id="attachments-hint" {
                    "Сканираният документ, плик или снимки: " (upload::ACCEPTED) ", до " (MAX_FILES)
                    " файла, всеки до " (MAX_FILE_BYTES / (1024 * 1024)) " MB. Ако формулярът се върне с грешка, изберете файловете отново."
                }
                @if let Some(error) = &attach_error {
                    p.error id="attachments-error" { span.visually-hidden { "Грешка: " } (error) }
                }
                input type="file" id="attachments" name="attachments" multiple accept=(upload::ACCEPT_ATTRIBUTE)
                    aria-describedby=(if attach_error.is_some() { "attachments-hint attachments-error" } else { "attachments-hint" })
                    aria-invalid=[attach_error.is_some().then_some("true")];
            }
            button type="submit" { "Регистрирай" }
        }
    };
    layout::page(title, Some(staff), Section::Desk, body)
}

/// `GET /staff/desk/new`: the empty form (the previous registration's code is forgotten).
pub async fn new_form(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    require_registrar(&staff)?;
    let today = local_date(app.clock.now());
    let form = DeskForm {
        identity: "named".into(),
        received: today.to_string(),
        ..DeskForm::default()
    };
    let jar = CookieJar::new().add(flash_cookie(None, is_https(&app, &headers)));
    Ok((jar, new_form_page(&staff, &form, &Errors::default(), today)).into_response())
}

/// `POST /staff/desk/new`: registers the submission with its files and redirects to the
/// receipt, or shows the form again with every error next to its field.
pub async fn register(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    require_registrar(&staff)?;
    let now = app.clock.now();
    let today = local_date(now);
    let Ok(multipart) = multipart else {
        return Err(PageError::new(ApiError::UnsupportedMediaType, Some(&staff)));
    };
    let (form, files, broken) = read_form(multipart).await;
    staff
        .check_csrf(Some(form.csrf_token.as_str()))
        .map_err(PageError::to(&staff))?;
    let mut errors = Errors::default();
    let channel = Channel::parse(form.channel.trim());
    let received = check_received(&form, today, &mut errors);
    match channel {
        Some(c) if DESK_CHANNELS.contains(&c) => {}
        Some(_) => errors.add(
            "channel",
            "Подаденото през портала се регистрира от самия гражданин; изберете канал от списъка.",
        ),
        None => {}
    }
    let raw = form.raw();
    // Checked once, here, as received on the day on the paper; registered as checked.
    let checked = match intake::check(&app, &raw, received_at(received.unwrap_or(today), now)) {
        Ok(checked) => Some(checked),
        Err(fields) => {
            add_domain_errors(&mut errors, &fields);
            None
        }
    };
    let attachments = if broken {
        errors.add(
            "attachments",
            format!(
                "Файловете са твърде големи заедно или не могат да бъдат прочетени. Прикачете до {MAX_FILES} файла, всеки до {} MB.",
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        );
        Vec::new()
    } else {
        check_files(files, &mut errors)
    };
    let (Some(_), Some(checked)) = (received, checked.filter(|_| errors.is_empty())) else {
        return Ok(super::rerender(new_form_page(
            &staff, &form, &errors, today,
        )));
    };
    let entered_by = format!("clerk:{}", staff.user.username);
    // The scans go with the case in the same transaction, and so does the journal's note of
    // the consent (the register writes it for every named submission).
    let extras = SubmissionExtras {
        attachments,
        ..SubmissionExtras::default()
    };
    let receipt = intake::register_checked(&app, checked, extras, &entered_by)
        .await
        .map_err(|e| PageError::new(e.into(), Some(&staff)))?;
    let number = receipt.registered.number;
    let flash = format!("case.{number}.{}", receipt.registered.tracking_code);
    let jar = CookieJar::new().add(flash_cookie(Some(flash), is_https(&app, &headers)));
    Ok((
        jar,
        Redirect::to(&format!("/staff/desk/registered/{number}")),
    )
        .into_response())
}

/// `GET /staff/desk/registered/{number}`: what was registered, the tracking code while this
/// browser may still show it, and the receipt to print.
pub async fn registered(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Path(number): Path<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    require_registrar(&staff)?;
    let case = cases::load_visible(&app, &staff, &number)
        .await
        .map_err(PageError::to(&staff))?;
    let code = flashed_tracking_code(&app, &headers, case.number).await;
    let files = app
        .store
        .attachments(case.number)
        .await
        .map_err(|e| PageError::new(e.into(), Some(&staff)))?;
    let title = format!("Регистрирана преписка {}", case.number);
    let receipt_href = format!("/staff/desk/registered/{}/receipt.pdf", case.number);
    let body = html! {
        (layout::notice("Преписката е регистрирана."))
        h1 { (title) }
        dl.facts {
            dt { "Регистрационен номер" } dd { strong id="desk-number" { (case.number) } }
            dt { "Код за проследяване" }
            dd {
                @match &code {
                    Some(code) => {
                        strong.code id="desk-code" { (code) }
                        p.hint { "Показва се само сега (до " (FLASH_MINUTES) " минути). Той е на разписката за подателя; не се пази в регистъра." }
                    }
                    None => { "Вече не може да се покаже: кодът се пази само като отпечатък. Разписката по-долу е без код." }
                }
            }
            dt { "Получена на" } dd id="desk-received" { (layout::date_bg(case.received_date)) }
            dt { "Канал" } dd { (layout::capitalise(case.channel.label_bg())) }
            dt { "Вид" } dd { (layout::capitalise(case.kind.label_bg())) }
            dt { "Относно" } dd { (case.subject) }
            dt { "Срок за отговор" }
            dd id="desk-due" {
                @match case.answer_due {
                    Some(due) => strong { (layout::date_bg(due)) },
                    None if !case.considered => "няма — по хартата подаденото не се разглежда (причината е по-долу)",
                    None => "няма — за този вид законът не определя срок за отговор",
                }
            }
            @if let Some(ack) = case.acknowledge_due {
                dt { "Потвърждение до" } dd { (layout::date_bg(ack)) }
            }
        }
        @if !case.decisions.is_empty() {
            h2 { "Какво казва хартата" }
            ul { @for d in &case.decisions { li { (d.reason_bg) } } }
        }
        h2 { "Сканирани документи" }
        @if files.is_empty() {
            p { "Няма прикачени файлове." }
        } @else {
            ul id="desk-files" {
                @for f in &files {
                    li { (f.filename) " (" (upload::human_size(f.size)) ")" }
                }
            }
        }
        h2 { "Разписка" }
        p { a.button href=(receipt_href) { "Разписка за подателя (PDF) — отпечатайте я" } }
        p.hint { @if code.is_some() { "Разписката съдържа номера, кода за проследяване и срока за отговор. " }
            "Дайте я на подателя или я изпратете по пощата на посочения адрес." }
        p.pager {
            a href=(format!("/staff/cases/{}", case.number)) { "Към преписката" }
            a href="/staff/desk/new" { "Нова преписка" }
        }
    };
    Ok(layout::page(&title, Some(&staff), Section::Desk, body).into_response())
}

/// `GET /staff/desk/registered/{number}/receipt.pdf`: the citizen's receipt, with the tracking
/// code while this browser may still show it.
pub async fn receipt_pdf(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Path(number): Path<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    require_registrar(&staff)?;
    let case = cases::load_visible(&app, &staff, &number)
        .await
        .map_err(PageError::to(&staff))?;
    priemna_app::refusals::check_personal_data(&staff, &case).map_err(PageError::to(&staff))?;
    let code = flashed_tracking_code(&app, &headers, case.number).await;
    let pdf = compose::receipt_of_case(&app.notify.letterhead, &case, code.as_deref())
        .map_err(|e| PageError::new(ApiError::Internal(e.to_string()), Some(&staff)))?;
    Ok(crate::pdf::pdf_response(
        &format!("razpiska-{}.pdf", case.number),
        pdf,
    ))
}

/// A visit booked for a caller, as typed.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct VisitForm {
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
    csrf_token: Option<String>,
    /// "Show free times" was pressed (even with nothing chosen).
    #[serde(skip)]
    asked: bool,
}

fn require_reception(staff: &Staff) -> Result<(), PageError> {
    if access::sees_bookings(staff.user.role) {
        Ok(())
    } else {
        Err(PageError::new(
            ApiError::Forbidden {
                reason_bg: "Часове за прием записват деловодството и кабинетът на кмета.".into(),
                reason_en: "Visits are booked by the registry and the Mayor's office.".into(),
            },
            Some(staff),
        ))
    }
}

/// The official and the day chosen, when both are ones that can be booked now.
fn chosen(app: &AppState, form: &VisitForm) -> (Option<&'static str>, Option<Date>) {
    let days = bookable_days(app.clock.now(), &app.calendar);
    let day = form.day.parse::<Date>().ok().filter(|d| days.contains(d));
    (visits::official(&form.official), day)
}

async fn visit_page(
    app: &AppState,
    staff: &Staff,
    form: &VisitForm,
    errors: &Errors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let now = app.clock.now();
    let days = bookable_days(now, &app.calendar);
    let (official, day) = chosen(app, form);
    let free = match (official, day) {
        (Some(o), Some(d)) => Some(
            bookings::free_slots(app, o, d)
                .await
                .map_err(|e| PageError::new(e.into(), Some(staff)))?,
        ),
        _ => None,
    };
    let asked = form.asked || !form.official.is_empty() || !form.day.is_empty();
    let mut choice = Errors::default();
    if asked && official.is_none() {
        choice.add("official", "Изберете при кого е приемът.");
    }
    if asked && day.is_none() {
        choice.add("day", "Изберете ден от списъка.");
    }
    let title = "Записване на час по телефона";
    let officials: Vec<(String, String)> = std::iter::once((String::new(), "— изберете —".into()))
        .chain(
            OFFICIALS
                .iter()
                .map(|(o, bg, _)| ((*o).to_owned(), (*bg).to_owned())),
        )
        .collect();
    let day_options: Vec<(String, String)> =
        std::iter::once((String::new(), "— изберете ден —".into()))
            .chain(days.iter().map(|d| {
                (
                    d.to_string(),
                    format!("{} ({})", layout::date_bg(*d), weekday_bg(*d)),
                )
            }))
            .collect();
    let body = html! {
        p { a href="/staff/reception" { "← Записани за прием" } }
        h1 { (title) }
        (choice.summary())
        (errors.summary())
        p.lead { "За гражданин, който се обажда по телефона: изберете при кого и кога, после свободен час. "
            (format!("Важат същите правила като на портала: работни дни от 9:00 до 17:00, по 20 минути; един човек (телефон или електронна поща) има един предстоящ час при едно длъжностно лице и най-много {} часа при него в един календарен месец.", priemna_store::VISITS_PER_MONTH)) }
        form.filters method="get" action="/staff/desk/visit" {
            (layout::Select { id: "official", name: "official", label: "При кого", options: officials,
                selected: &form.official, error: choice.get("official"), ..layout::Select::default() }.render())
            (layout::Select { id: "day", name: "day", label: "Ден", options: day_options,
                selected: &form.day, error: choice.get("day"), ..layout::Select::default() }.render())
            div.field { button.secondary type="submit" { "Покажи свободните часове" } }
        }
        @if let (Some(o), Some(d), Some(free)) = (official, day, &free) {
            h2 { (official_label(o).map(|(bg, _)| bg).unwrap_or_default()) " — " (layout::date_bg(d)) }
            @if free.is_empty() {
                p { "Няма свободни часове в този ден. Изберете друг ден." }
            } @else {
                form method="post" action="/staff/desk/visit" novalidate {
                    (layout::csrf_field(staff))
                    input type="hidden" name="official" value=(o);
                    input type="hidden" name="day" value=(d.to_string());
                    (layout::Select { id: "slot", name: "slot", label: "Час",
                        options: std::iter::once((String::new(), "— изберете час —".to_owned()))
                            .chain(free.iter().map(|s| (s.clone(), s.clone()))).collect(),
                        selected: &form.slot, required: true, error: errors.get("slot"), ..layout::Select::default() }.render())
                    (layout::Input { id: "name", name: "name", label: "Име и фамилия", value: &form.name,
                        required: true, maxlength: Some(MAX_NAME_CHARS), autocomplete: Some("off"),
                        error: errors.get("name"), ..layout::Input::default() }.render())
                    (layout::Input { id: "phone", name: "phone", label: "Телефон", kind: "tel", value: &form.phone,
                        required: true, autocomplete: Some("off"), hint: Some("Номерът, от който се обажда, или друг за връзка."),
                        error: errors.get("phone"), ..layout::Input::default() }.render())
                    (layout::Input { id: "email", name: "email", label: "Електронна поща", kind: "email", value: &form.email,
                        autocomplete: Some("off"), maxlength: Some(254),
                        hint: Some("По желание: там отива потвърждение с файл за календара (.ics) и кода за отмяна или промяна."),
                        error: errors.get("email"), ..layout::Input::default() }.render())
                    (layout::Input { id: "topic", name: "topic", label: "По какъв въпрос", value: &form.topic,
                        maxlength: Some(MAX_TOPIC_CHARS), hint: Some("По желание, с няколко думи."),
                        error: errors.get("topic"), ..layout::Input::default() }.render())
                    @let consent_error = errors.get("consent");
                    div.field.invalid[consent_error.is_some()] {
                        @if let Some(error) = &consent_error {
                            p.error id="consent-error" { span.visually-hidden { "Грешка: " } (error) }
                        }
                        div.choice {
                            input type="checkbox" id="consent" name="consent" value="on" checked[form.consent.is_some()]
                                aria-describedby=[consent_error.is_some().then_some("consent-error")]
                                aria-invalid=[consent_error.is_some().then_some("true")];
                            label for="consent" { "Обаждащият се е съгласен името и телефонът му да бъдат обработвани за организиране на приема" }
                        }
                    }
                    button type="submit" { "Запиши часа" }
                }
            }
        }
    };
    Ok((
        status,
        layout::page(title, Some(staff), Section::Reception, body),
    )
        .into_response())
}

/// `GET /staff/desk/visit?official=…&day=…`: choosing the official, the day and the time.
pub async fn visit_form(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    require_reception(&staff)?;
    let form = VisitForm {
        asked: query.contains_key("official") || query.contains_key("day"),
        official: query.get("official").cloned().unwrap_or_default(),
        day: query.get("day").cloned().unwrap_or_default(),
        ..VisitForm::default()
    };
    visit_page(&app, &staff, &form, &Errors::default(), StatusCode::OK).await
}

/// A visit's problem, worded for the clerk booking for a caller.
fn visit_problem(problem: &VisitProblem) -> String {
    match problem {
        VisitProblem::Slot => "Изберете свободен час.".to_owned(),
        VisitProblem::NameMissing => "Напишете името на обаждащия се.".to_owned(),
        VisitProblem::NameInvalid => {
            "Името е твърде дълго или съдържа недопустими знаци.".to_owned()
        }
        VisitProblem::PhoneMissing => "Напишете телефон за връзка.".to_owned(),
        VisitProblem::Phone(e) => layout::capitalise(e.message_bg()) + ".",
        VisitProblem::Email(e) => layout::capitalise(e.message_bg()) + ".",
        VisitProblem::TopicInvalid => {
            "Въпросът е твърде дълъг или съдържа недопустими знаци.".to_owned()
        }
        VisitProblem::NoConsent => {
            "Попитайте обаждащия се дали е съгласен; без съгласие час не се записва.".to_owned()
        }
    }
}

/// `POST /staff/desk/visit`: books the visit and goes to the day's list, where the code to
/// read out to the caller is shown; or the form again with its errors.
pub async fn book_visit(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    headers: HeaderMap,
    form: Result<Form<VisitForm>, FormRejection>,
) -> Result<Response, PageError> {
    require_reception(&staff)?;
    let Ok(Form(form)) = form else {
        return Err(PageError::new(
            ApiError::BadRequest(Vec::new()),
            Some(&staff),
        ));
    };
    staff
        .check_csrf(form.csrf_token.as_deref())
        .map_err(PageError::to(&staff))?;
    let now = app.clock.now();
    let (Some(official), Some(day)) = chosen(&app, &form) else {
        return visit_page(
            &app,
            &staff,
            &form,
            &Errors::default(),
            super::RERENDER_STATUS,
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
                errors.add(problem.field(), visit_problem(problem));
            }
            return visit_page(&app, &staff, &form, &errors, super::RERENDER_STATUS).await;
        }
    };
    let actor = staff.actor_label();
    match bookings::book(&app, new, Booker::Clerk { actor: &actor }).await {
        Ok((booking, code)) => {
            let flash = format!("visit.{}.{}", booking.id, code.as_str());
            let jar = CookieJar::new().add(flash_cookie(Some(flash), is_https(&app, &headers)));
            Ok((
                jar,
                Redirect::to(&format!("/staff/reception?day={}", booking.day)),
            )
                .into_response())
        }
        Err(BookingError::PersonHasVisit { day, slot, by }) => {
            let (field, text) = person_has_visit(false, official, &layout::date_bg(day), &slot, by);
            errors.add(field, text);
            visit_page(&app, &staff, &form, &errors, StatusCode::CONFLICT).await
        }
        Err(BookingError::MonthFull { by }) => {
            let (field, text) = month_full(false, official, day, by);
            errors.add(field, text);
            visit_page(&app, &staff, &form, &errors, StatusCode::CONFLICT).await
        }
        Err(BookingError::SlotTaken | BookingError::Changed) => {
            errors.add(
                "slot",
                "Този час току-що беше зает. Изберете друг свободен час.",
            );
            let form = VisitForm {
                slot: String::new(),
                ..form
            };
            visit_page(&app, &staff, &form, &errors, StatusCode::CONFLICT).await
        }
        Err(BookingError::Store(e)) => Err(PageError::new(e.into(), Some(&staff))),
    }
}

/// The day of the week, in Bulgarian.
pub fn weekday_bg(day: Date) -> &'static str {
    use jiff::civil::Weekday;
    match day.weekday() {
        Weekday::Monday => "понеделник",
        Weekday::Tuesday => "вторник",
        Weekday::Wednesday => "сряда",
        Weekday::Thursday => "четвъртък",
        Weekday::Friday => "петък",
        Weekday::Saturday => "събота",
        Weekday::Sunday => "неделя",
    }
}
