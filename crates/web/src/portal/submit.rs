//! `GET/POST /submit`: the form for every kind of submission, which explains the charter's rules
//! before they apply, and the receipt. The form is checked once (`intake::check`) and registered
//! with its files in one transaction (`intake::register_checked`); attachments are checked (type
//! from the bytes, size) before anything is registered.

use super::layout::{self, Errors, Nav, Prefs, TextInput, check_box, sentence, text_area};
use super::once;
use super::upload::{self, FileProblem, MAX_FILE_BYTES, MAX_FILES};
use crate::extract::Path;
use crate::state::AppState;
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use priemna_app::intake;
use priemna_domain::Kind;
use priemna_domain::rules::Rule;
use priemna_domain::submission::{
    FieldError, MAX_ADDRESS_CHARS, MAX_BODY_CHARS, MAX_NAME_CHARS, MAX_SUBJECT_CHARS, Problem,
    RawSubmission, RawSubmitter,
};
use priemna_store::{
    AttachmentInfo, CaseRecord, KeptUpload, NewAttachment, StoreError, SubmissionExtras,
};
use sha2::{Digest, Sha256};

/// What the citizen typed, kept to fill the form again.
#[derive(Debug, Default, Clone)]
pub struct SubmitForm {
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub address: String,
    pub violation_date: String,
    pub threat: bool,
    pub bad_administration: bool,
    pub about_employee: bool,
    /// `named` or `anonymous`.
    pub identity: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub postal_address: String,
    pub consent: bool,
    /// The one-time token the form was rendered with (`once`).
    pub form_token: String,
    /// Kept files the form showed, and those the citizen ticked to remove.
    pub kept: Vec<i64>,
    pub remove: Vec<i64>,
}

impl SubmitForm {
    fn set(&mut self, name: &str, value: String) {
        match name {
            "kind" => self.kind = value,
            "subject" => self.subject = value,
            "body" => self.body = value,
            "address" => self.address = value,
            "violation_date" => self.violation_date = value,
            "threat" => self.threat = value == "on",
            "bad_administration" => self.bad_administration = value == "on",
            "about_employee" => self.about_employee = value == "on",
            "identity" => self.identity = value,
            "name" => self.name = value,
            "phone" => self.phone = value,
            "email" => self.email = value,
            "postal_address" => self.postal_address = value,
            "consent" => self.consent = value == "on",
            "form_token" => self.form_token = value,
            "kept" => self.kept.extend(value.trim().parse::<i64>().ok()),
            "remove" => self.remove.extend(value.trim().parse::<i64>().ok()),
            _ => {}
        }
    }

    fn anonymous(&self) -> bool {
        self.identity == "anonymous"
    }

    /// The submission as intake reads it.
    pub fn raw(&self) -> RawSubmission {
        let given = |s: &str| {
            let s = s.trim();
            (!s.is_empty()).then(|| s.to_owned())
        };
        let submitter = RawSubmitter {
            name: given(&self.name),
            address: given(&self.postal_address),
            phone: given(&self.phone),
            email: given(&self.email),
            egn: None,
        };
        RawSubmission {
            kind: given(&self.kind),
            channel: Some("web".into()),
            subject: given(&self.subject),
            body: given(&self.body),
            submitter: Some(submitter),
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

/// A kind's name and what it is for, in the reader's language.
pub fn kind_text(prefs: &Prefs, kind: Kind) -> (&'static str, &'static str) {
    let (name_bg, name_en, hint_bg, hint_en) = match kind {
        Kind::Signal => (
            "Сигнал",
            "Signal",
            "За нередност или проблем: дупка, неработещо осветление, отпадъци, нарушение. Отговор до 2 месеца.",
            "About a fault or a problem: a pothole, a broken street light, rubbish, a violation. Answer within 2 months.",
        ),
        Kind::Complaint => (
            "Жалба",
            "Complaint",
            "Когато не сте доволни от обслужването. На писмена жалба за лошо администриране отговаряме до 7 дни.",
            "When you are not satisfied with the service. A written complaint about bad administration is answered within 7 days.",
        ),
        Kind::Proposal => (
            "Предложение",
            "Proposal",
            "Идея как да подобрим нещо в общината. Отговор до 2 месеца.",
            "An idea to improve something in the municipality. Answer within 2 months.",
        ),
        Kind::Application => (
            "Заявление или искане",
            "Application or request",
            "Искане за административна услуга или информация. Отговор до 14 дни.",
            "A request for an administrative service or information. Answer within 14 days.",
        ),
        Kind::Opinion => (
            "Мнение",
            "Opinion",
            "Вашето мнение по решение или въпрос на общината. Не изисква отговор.",
            "Your view on a decision or question of the municipality. Needs no answer.",
        ),
        Kind::Comment => (
            "Коментар",
            "Comment",
            "Бележка за услуга, проект или информация на общината. Не изисква отговор.",
            "A remark about a service, project or information. Needs no answer.",
        ),
        Kind::Praise => (
            "Похвала",
            "Praise",
            "Благодарност към служител или за добре свършена работа.",
            "Thanks to an employee or for work well done.",
        ),
        Kind::CorruptionSignal => (
            "Сигнал за корупция",
            "Corruption signal",
            "Самоличността Ви се пази и се вижда само от определените служители. Потвърждение до 7 дни, отговор до 3 месеца.",
            "Your identity is protected and seen only by designated officers. Acknowledged within 7 days, answered within 3 months.",
        ),
    };
    (prefs.t(name_bg, name_en), prefs.t(hint_bg, hint_en))
}

/// The order kinds are offered in: the most common first.
const KIND_ORDER: [Kind; 8] = [
    Kind::Signal,
    Kind::Complaint,
    Kind::Proposal,
    Kind::Application,
    Kind::Opinion,
    Kind::Comment,
    Kind::Praise,
    Kind::CorruptionSignal,
];

/// Where the portal's form is sent (a path of its own, so that Back from the receipt finds the
/// form, not a POST). A door the rate limits guard, with `POST /submit`.
pub const SEND_PATH: &str = "/submit/send";

/// The form id that shows a domain field's error (the portal's form, and the registry desk's,
/// which has the channel too).
pub(crate) fn field_id(field: &str, problem: &Problem) -> &'static str {
    match (field, problem) {
        ("kind", _) => "kind",
        ("channel", _) => "channel",
        ("subject", _) => "subject",
        ("body", _) => "body",
        ("address", _) => "address",
        ("violation_date", _) => "violation_date",
        ("submitter.name", _) | ("submitter", Problem::SubmitterRequired) => "name",
        ("submitter.phone", _) | ("submitter", Problem::NoContact) => "phone",
        ("submitter.email", _) => "email",
        ("submitter.address", _) => "postal_address",
        ("submitter", _) => "identity",
        ("consent", _) => "consent",
        _ => "subject",
    }
}

/// A domain error, worded for a person at this form.
fn message(prefs: &Prefs, error: &FieldError) -> String {
    let custom = match (error.field.as_str(), &error.problem) {
        ("kind", _) => Some(("Изберете какво подавате.", "Choose what you are sending.")),
        ("subject", Problem::Missing) => {
            Some(("Напишете кратко заглавие.", "Write a short title."))
        }
        ("body", Problem::Missing) => Some((
            "Опишете с няколко думи какво подавате.",
            "Describe in a few words what you are sending.",
        )),
        ("submitter", Problem::SubmitterRequired) | ("submitter.name", Problem::Missing) => Some((
            "Напишете името си или изберете „Анонимно“.",
            "Write your name, or choose “Anonymously”.",
        )),
        ("subject", Problem::TooLong { max_chars }) => {
            return if prefs.en() {
                format!(
                    "The title is longer than {} characters: shorten it, and put the details in the text.",
                    thousands(*max_chars)
                )
            } else {
                format!(
                    "Заглавието е по-дълго от {} знака: съкратете го, а подробностите напишете в текста.",
                    thousands(*max_chars)
                )
            };
        }
        ("body", Problem::TooLong { max_chars }) => {
            return if prefs.en() {
                format!(
                    "The text is longer than {} characters. Shorten it, or attach the rest as a PDF.",
                    thousands(*max_chars)
                )
            } else {
                format!(
                    "Текстът е по-дълъг от {} знака. Съкратете го или приложете останалото като PDF.",
                    thousands(*max_chars)
                )
            };
        }
        ("submitter", Problem::NoContact) => Some((
            "Посочете телефон, електронна поща или адрес, за да Ви отговорим.",
            "Give a phone, an e-mail or an address so that we can answer you.",
        )),
        ("submitter", Problem::AnonymousWithSubmitter) => Some((
            "Избрахте „Анонимно“, но попълнихте данни за себе си. Изтрийте ги или изберете „С моето име“.",
            "You chose “Anonymously” but filled in your details. Clear them, or choose “With my name”.",
        )),
        _ => None,
    };
    match custom {
        Some((bg, en)) => prefs.t(bg, en).to_owned(),
        None if prefs.en() => sentence(&error.problem.message_en()),
        None => sentence(&error.problem.message_bg()),
    }
}

/// A number as Bulgarian writes it: thousands apart by a (non-breaking) space, `20 000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    out
}

/// Puts domain errors on the form, in the form's order.
fn add_domain_errors(prefs: &Prefs, errors: &mut Errors, fields: &[FieldError]) {
    const ORDER: [&str; 10] = [
        "kind",
        "subject",
        "body",
        "address",
        "violation_date",
        "identity",
        "name",
        "phone",
        "email",
        "postal_address",
    ];
    for id in ORDER {
        for e in fields
            .iter()
            .filter(|e| field_id(&e.field, &e.problem) == id)
        {
            errors.add(id, message(prefs, e));
        }
    }
}

/// `GET /submit`.
///
/// The empty form may be kept in the browser's history (never in a shared cache): Back from the
/// receipt then shows this very form with its token, and sending it again shows the first
/// receipt instead of registering a second case.
pub async fn form(prefs: Prefs) -> Response {
    let form = SubmitForm {
        identity: "named".into(),
        form_token: once::new_token(),
        ..SubmitForm::default()
    };
    (
        [(header::CACHE_CONTROL, once::FORM_CACHE)],
        render_form(&prefs, &form, &Errors::default(), &[]),
    )
        .into_response()
}

/// The rules that decide what happens to a submission, said before the citizen writes.
fn rules(prefs: &Prefs) -> Markup {
    html! {
        section.panel aria-labelledby="rules-title" {
            h2 id="rules-title" { (prefs.t("Преди да пишете", "Before you write")) }
            ul {
                li { (prefs.t(
                    "Ще получите регистрационен номер и код за проследяване веднага след изпращането.",
                    "You get a registration number and a tracking code as soon as you send.")) }
                li { strong { (prefs.t("Анонимни сигнали и жалби не се разглеждат", "Anonymous signals and complaints are not considered")) }
                    (prefs.t(", освен ако проблемът застрашава здравето или безопасността на гражданите. Сигналите за корупция се разглеждат, а самоличността Ви се пази.",
                             ", unless the problem threatens the health or safety of citizens. Corruption signals are considered, and your identity is protected.")) }
                li { (prefs.t(
                    "На писмена жалба за лошо администриране отговаряме до 7 дни. Ако е нужна проверка, ще Ви съобщим причината и новия срок.",
                    "A written complaint about bad administration is answered within 7 days. If an inspection is needed, we tell you why and the new date.")) }
                li { (prefs.t(
                    "Не можем да отговорим на въпроси за защитата на личните данни и класифицираната информация, нито на текстове с нецензурни изрази или обиди.",
                    "We cannot answer questions about the protection of personal data or classified information, nor texts with obscene words or insults.")) }
                li { (prefs.t("Сигнал за нарушение, извършено преди повече от 2 години, не се разглежда.",
                              "A signal about a violation committed more than 2 years ago is not proceeded with.")) }
            }
            p { a href="/charter" { (prefs.t("Хартата на клиента", "The client charter")) } " · "
                a href="/channels" { (prefs.t("Други начини за подаване", "Other ways to submit")) } }
        }
    }
}

pub fn render_form(
    prefs: &Prefs,
    form: &SubmitForm,
    errors: &Errors,
    kept: &[KeptUpload],
) -> Markup {
    let title = prefs.t(
        "Подаване на сигнал, жалба или предложение",
        "Send a signal, complaint or proposal",
    );
    let kind_error = errors.get("kind");
    let identity_error = errors.get("identity");
    let attach_error = errors.get("attachments");
    let attach_hint = if prefs.en() {
        format!(
            "Photos or documents: {}, up to {MAX_FILES} files of up to {} MB each.",
            upload::ACCEPTED,
            MAX_FILE_BYTES / (1024 * 1024)
        )
    } else {
        format!(
            "Снимки или документи: {}, до {MAX_FILES} файла, всеки до {} MB.",
            upload::ACCEPTED,
            MAX_FILE_BYTES / (1024 * 1024)
        )
    };
    let body = html! {
        h1 { (title) }
        (errors.summary(prefs))
        p.lead { (prefs.t("Полетата без „по желание“ са задължителни.", "Fields not marked “optional” are required.")) }
        (rules(prefs))
        // Sent to its own address, not to `/submit`: a POST to an address makes the browser drop
        // its cached copy of that page, and Back must find this form with its token.
        form method="post" action=(SEND_PATH) enctype="multipart/form-data" novalidate {
            (once::hidden(&form.form_token))
            fieldset.invalid[kind_error.is_some()] id="kind" tabindex="-1"
                aria-describedby=[kind_error.is_some().then_some("kind-error")] {
                legend { h2 { (prefs.t("1. Какво подавате?", "1. What are you sending?")) } }
                (layout::error_line(prefs, "kind", kind_error.as_deref()))
                @for kind in KIND_ORDER {
                    @let id = format!("kind-{}", kind.as_str());
                    @let (name, hint) = kind_text(prefs, kind);
                    div.choice {
                        input type="radio" id=(id) name="kind" value=(kind.as_str())
                            checked[form.kind == kind.as_str()] aria-describedby=(format!("{id}-hint"));
                        div {
                            label for=(id) { strong { (name) } }
                            p.hint id=(format!("{id}-hint")) { (hint) }
                        }
                    }
                }
            }
            h2 { (prefs.t("2. Опишете го", "2. Describe it")) }
            (TextInput { maxlength: Some(MAX_SUBJECT_CHARS), required: true,
                hint: Some(prefs.t("Например: „Дупка на ул. „Шипка“ 12“.", "For example: “Pothole at 12 Shipka Street”.")),
                ..TextInput::new("subject", prefs.t("Заглавие", "Title"), &form.subject) }.render(prefs, errors))
            (text_area(prefs, errors, ("body", prefs.t("Текст", "Text"), &form.body),
                Some(prefs.t("Какво, къде, от кога. Колкото по-точно, толкова по-бързо. До 20\u{a0}000 знака.", "What, where, since when. The more precise, the faster. Up to 20,000 characters.")),
                true, MAX_BODY_CHARS))
            (TextInput { maxlength: Some(MAX_ADDRESS_CHARS), autocomplete: Some("off"),
                hint: Some(prefs.t("Улица и номер, квартал или близък ориентир.", "Street and number, district or a landmark nearby.")),
                ..TextInput::new("address", prefs.t("Къде е проблемът?", "Where is the problem?"), &form.address) }.render(prefs, errors))
            (TextInput { kind: "date", class: Some("short"),
                hint: Some(prefs.t("Само за сигнали за нарушение: кога е извършено.", "Only for signals about a violation: when it was committed.")),
                ..TextInput::new("violation_date", prefs.t("Дата на нарушението", "Date of the violation"), &form.violation_date) }.render(prefs, errors))
            (check_box(prefs, errors, ("threat", prefs.t("Проблемът застрашава здравето или безопасността на хората", "The problem threatens people’s health or safety")),
                form.threat, Some(prefs.t("Такъв сигнал се разглежда и когато е анонимен.", "Such a signal is considered even when anonymous.")), false))
            (check_box(prefs, errors, ("bad_administration", prefs.t("Жалбата е за лошо администриране (забавяне, бездействие, неизпълнение)", "The complaint is about bad administration (delay, inaction, failure to act)")),
                form.bad_administration, Some(prefs.t("Тогава срокът за писмен отговор е 7 дни.", "Then the written answer is due within 7 days.")), false))
            (check_box(prefs, errors, ("about_employee", prefs.t("Жалбата е срещу служител на общината", "The complaint is about an employee of the municipality")),
                form.about_employee, Some(prefs.t("Такива жалби се разглеждат от кабинета на кмета.", "Such complaints go to the Mayor’s office.")), false))

            h2 { (prefs.t("3. Снимки и документи", "3. Photos and documents")) }
            @if !kept.is_empty() {
                fieldset.kept id="kept" aria-describedby="kept-hint" {
                    legend { (prefs.t("Вече прикачени файлове", "Files already attached")) }
                    p.hint id="kept-hint" { (kept_hint(prefs, kept)) }
                    ul.kept-files {
                        @for f in kept {
                            @let control = format!("remove-{}", f.id);
                            li {
                                input type="hidden" name="kept" value=(f.id);
                                span.file-name { (f.filename) } " (" (upload::human_size(f.size)) ") "
                                span.choice.inline {
                                    input type="checkbox" id=(control) name="remove" value=(f.id);
                                    label for=(control) {
                                        (prefs.t("Премахни", "Remove"))
                                        span.visually-hidden { " " (f.filename) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            div.field.invalid[attach_error.is_some()] {
                label for="attachments" {
                    @if kept.is_empty() { (prefs.t("Прикачете файлове", "Attach files")) }
                    @else { (prefs.t("Прикачете още файлове", "Attach more files")) }
                    " " (prefs.t("(по желание)", "(optional)"))
                }
                p.hint id="attachments-hint" { (attach_hint) }
                (layout::error_line(prefs, "attachments", attach_error.as_deref()))
                input type="file" id="attachments" name="attachments" multiple accept=(upload::ACCEPT_ATTRIBUTE)
                    aria-describedby=(if attach_error.is_some() { "attachments-hint attachments-error" } else { "attachments-hint" })
                    aria-invalid=[attach_error.is_some().then_some("true")];
            }

            fieldset.invalid[identity_error.is_some()] id="identity" tabindex="-1"
                aria-describedby=(if identity_error.is_some() { "identity-hint identity-error" } else { "identity-hint" }) {
                legend { h2 { (prefs.t("4. Кой подава?", "4. Who is sending?")) } }
                p.hint id="identity-hint" { (prefs.t(
                    "Анонимни сигнали и жалби не се разглеждат, освен при заплаха за здравето или безопасността. Без име и начин за връзка не можем да Ви отговорим.",
                    "Anonymous signals and complaints are not considered unless they concern a threat to health or safety. Without a name and a way to reach you we cannot answer.")) }
                (layout::error_line(prefs, "identity", identity_error.as_deref()))
                div.choice {
                    input type="radio" id="identity-named" name="identity" value="named" checked[!form.anonymous()];
                    label for="identity-named" { (prefs.t("С моето име", "With my name")) }
                }
                div.choice {
                    input type="radio" id="identity-anonymous" name="identity" value="anonymous" checked[form.anonymous()];
                    label for="identity-anonymous" { (prefs.t("Анонимно — не попълвам данните по-долу", "Anonymously — I leave the details below empty")) }
                }
            }
            (TextInput { maxlength: Some(MAX_NAME_CHARS), autocomplete: Some("name"),
                hint: Some(prefs.t("Задължително, освен ако подавате анонимно.", "Required unless you send anonymously.")),
                ..TextInput::new("name", prefs.t("Име и фамилия", "Full name"), &form.name) }.render(prefs, errors))
            (TextInput { kind: "tel", autocomplete: Some("tel"), class: Some("short"), inputmode: Some("tel"),
                hint: Some(prefs.t("Например 0888 123 456. Посочете телефон, имейл или адрес, за да получите отговор.", "For example 0888 123 456. Give a phone, an e-mail or an address to get an answer.")),
                ..TextInput::new("phone", prefs.t("Телефон", "Phone"), &form.phone) }.render(prefs, errors))
            (TextInput { kind: "email", autocomplete: Some("email"),
                ..TextInput::new("email", prefs.t("Електронна поща", "E-mail"), &form.email) }.render(prefs, errors))
            (TextInput { maxlength: Some(MAX_ADDRESS_CHARS), autocomplete: Some("street-address"),
                ..TextInput::new("postal_address", prefs.t("Адрес за кореспонденция", "Postal address"), &form.postal_address) }.render(prefs, errors))

            h2 { (prefs.t("5. Съгласие", "5. Consent")) }
            (check_box(prefs, errors,
                ("consent", prefs.t("Съгласен/съгласна съм данните ми и прикачените файлове да бъдат обработвани, за да бъде разгледано подаденото", "I agree that my details and the attached files are processed so that my submission can be handled")),
                form.consent, Some(prefs.t("Прочетете уведомлението за поверителност — връзката е в долната част на страницата.", "Read the privacy notice — the link is at the bottom of the page.")), true))
            p { a href="/privacy" { (prefs.t("Уведомление за поверителност", "Privacy notice")) } }
            button type="submit" { (prefs.t("Изпрати", "Send")) }
        }
    };
    layout::page(prefs, Nav::Submit, title, body)
}

/// What the citizen is told about the files kept for the form.
fn kept_hint(prefs: &Prefs, kept: &[KeptUpload]) -> String {
    let until = kept
        .iter()
        .map(|f| f.expires_at)
        .min()
        .map(|t| prefs.time(t))
        .unwrap_or_default();
    if prefs.en() {
        format!(
            "We have received these files and keep them with this form until {until}: they will be \
             sent with it, so you need not choose them again. Tick “Remove” for any you do not want to send."
        )
    } else {
        format!(
            "Получихме тези файлове и ги пазим с формуляра до {until}: ще бъдат изпратени с него, не е \
             нужно да ги избирате отново. Отбележете „Премахни“ за файл, който не искате да изпратите."
        )
    }
}

/// The files of a form, read but not yet accepted.
pub(super) struct Upload {
    pub(super) filename: String,
    pub(super) data: Vec<u8>,
}

/// Reads the multipart form. A broken or oversized body keeps what was read before it.
async fn read_form(multipart: Multipart) -> (SubmitForm, Vec<Upload>, bool) {
    let (fields, files, broken) = read_multipart(multipart, "submission").await;
    let mut form = SubmitForm::default();
    for (name, value) in fields {
        form.set(&name, value);
    }
    (form, files, broken)
}

/// A portal form sent as multipart (`what` names it in the log): its text fields in order, its
/// files (field `attachments`; an empty file input is no file), and whether the body broke off
/// (too large, cut short), in which case what was read before the break is kept.
pub(super) async fn read_multipart(
    mut multipart: Multipart,
    what: &str,
) -> (Vec<(String, String)>, Vec<Upload>, bool) {
    let mut fields = Vec::new();
    let mut files = Vec::new();
    let mut broken = false;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                tracing::info!(error = %e, form = what, "a form could not be read to the end");
                broken = true;
                break;
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
                    tracing::info!(error = %e, form = what, "an attachment could not be read");
                    broken = true;
                    break;
                }
            }
        } else {
            match field.text().await {
                Ok(text) => fields.push((name, text)),
                Err(_) => {
                    broken = true;
                    break;
                }
            }
        }
    }
    (fields, files, broken)
}

/// Checks the files: how many, how large, and what they are.
pub(super) fn check_files(
    prefs: &Prefs,
    files: Vec<Upload>,
    errors: &mut Errors,
) -> Vec<NewAttachment> {
    if files.len() > MAX_FILES {
        errors.add(
            "attachments",
            if prefs.en() {
                format!("Attach at most {MAX_FILES} files.")
            } else {
                format!("Прикачете най-много {MAX_FILES} файла.")
            },
        );
        return Vec::new();
    }
    let mut accepted = Vec::new();
    for file in files {
        let shown = upload::clean_name(&file.filename, "");
        let problem = match upload::check_file(&file.filename, file.data) {
            Ok(attachment) => {
                accepted.push(attachment);
                continue;
            }
            Err(problem) => problem,
        };
        let megabytes = MAX_FILE_BYTES / (1024 * 1024);
        let message = match (problem, prefs.en()) {
            (FileProblem::Empty, true) => format!("“{shown}” is empty."),
            (FileProblem::Empty, false) => format!("Файлът „{shown}“ е празен."),
            (FileProblem::TooLarge, true) => format!("“{shown}” is larger than {megabytes} MB."),
            (FileProblem::TooLarge, false) => {
                format!("Файлът „{shown}“ е по-голям от {megabytes} MB.")
            }
            (FileProblem::NotAccepted, true) => format!(
                "“{shown}” is not a photo or a PDF (accepted: {}).",
                upload::ACCEPTED
            ),
            (FileProblem::NotAccepted, false) => format!(
                "Файлът „{shown}“ не е снимка или PDF (приемат се {}).",
                upload::ACCEPTED
            ),
            (FileProblem::Damaged, true) => {
                format!("“{shown}” is damaged: it could not be read as a photo.")
            }
            (FileProblem::Damaged, false) => {
                format!("Файлът „{shown}“ е повреден: не може да се прочете като снимка.")
            }
        };
        errors.add("attachments", message);
    }
    accepted
}

/// The register could not be reached: nothing was saved.
fn unavailable(prefs: &Prefs, e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "portal intake failed");
    layout::error_page(
        prefs,
        StatusCode::SERVICE_UNAVAILABLE,
        prefs.t("Регистърът не е достъпен", "The register is unavailable"),
        prefs.t(
            "Нищо не е записано. Опитайте отново след малко.",
            "Nothing was saved. Please try again in a moment.",
        ),
    )
}

fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Where the receipt of the form with `token` is.
fn receipt_path(token: &str) -> String {
    format!("/receipt/{}", once::receipt_token(token))
}

/// `POST /submit`: registers the submission and redirects to its receipt (POST/redirect/GET), or
/// shows the form again with every error next to its field and the files received so far kept.
/// The same form sent again (its one-time token used) is sent to the first receipt.
pub async fn submit(
    State(app): State<AppState>,
    prefs: Prefs,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let Ok(multipart) = multipart else {
        let mut errors = Errors::default();
        errors.add(
            "subject",
            prefs.t(
                "Формулярът не може да бъде прочетен. Опитайте отново.",
                "The form could not be read. Please try again.",
            ),
        );
        let form = SubmitForm {
            identity: "named".into(),
            form_token: once::new_token(),
            ..SubmitForm::default()
        };
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            render_form(&prefs, &form, &errors, &[]),
        )
            .into_response();
    };
    let (mut form, files, broken) = read_form(multipart).await;
    let now = app.clock.now();
    // The same form again: what it created the first time.
    let token = match once::parse(&form.form_token) {
        Some(token) => {
            match once::already(&app, &token, "submission", "/receipt").await {
                Ok(Some(location)) => return once::see_other(&location),
                Ok(None) => {}
                Err(e) => return unavailable(&prefs, &e),
            }
            token
        }
        None => once::new_token(),
    };
    form.form_token = token.clone();
    let token_hash = once::hash(&token);
    let mut errors = Errors::default();
    // An empty set of details counts as none (validation treats it so).
    let raw = form.raw();
    let checked = match intake::check(&app, &raw, now) {
        Ok(checked) => Some(checked),
        Err(fields) => {
            add_domain_errors(&prefs, &mut errors, &fields);
            None
        }
    };
    let mut attachments = if broken {
        errors.add(
            "attachments",
            if prefs.en() {
                format!("The files are too large together, or could not be read. Attach at most {MAX_FILES} files of up to {} MB each.", MAX_FILE_BYTES / (1024 * 1024))
            } else {
                format!("Файловете са твърде големи заедно или не могат да бъдат прочетени. Прикачете до {MAX_FILES} файла, всеки до {} MB.", MAX_FILE_BYTES / (1024 * 1024))
            },
        );
        Vec::new()
    } else {
        check_files(&prefs, files, &mut errors)
    };
    // The files kept from the form's earlier tries, less those the citizen removed.
    if let Err(e) = app
        .store
        .discard_kept_uploads(&token_hash, &form.remove)
        .await
    {
        return unavailable(&prefs, &e);
    }
    let kept = match app.store.kept_uploads(&token_hash).await {
        Ok(kept) => kept,
        Err(e) => return unavailable(&prefs, &e),
    };
    // A kept file the form showed that is gone (kept past its time): said, never lost silently.
    let lost = form
        .kept
        .iter()
        .filter(|id| !form.remove.contains(id) && !kept.iter().any(|k| k.id == **id))
        .count();
    if lost > 0 {
        errors.add(
            "attachments",
            if prefs.en() {
                format!("{lost} of the files attached earlier were kept for longer than 2 hours and have been deleted. Please attach them again.")
            } else {
                format!("{lost} от прикачените по-рано файлове бяха пазени повече от 2 часа и са изтрити. Прикачете ги отново.")
            },
        );
    }
    let new_files = attachments
        .iter()
        .filter(|a| !kept.iter().any(|k| k.sha256 == sha256_hex(&a.data)))
        .count();
    if kept.len() + new_files > MAX_FILES {
        errors.add(
            "attachments",
            if prefs.en() {
                format!(
                    "Attach at most {MAX_FILES} files in all: {} are attached already. The new ones were not kept.",
                    kept.len()
                )
            } else {
                format!(
                    "Прикачете най-много {MAX_FILES} файла общо: вече са прикачени {}. Новите не са запазени.",
                    kept.len()
                )
            },
        );
        attachments.clear();
    }
    if !form.consent {
        errors.add(
            "consent",
            prefs.t(
                "Без съгласие за обработване на данните не можем да приемем подаденото.",
                "Without consent to the processing of your data we cannot accept the submission.",
            ),
        );
    }
    let Some(checked) = checked.filter(|_| errors.is_empty()) else {
        return again(&app, &prefs, &form, &errors, &token_hash, attachments).await;
    };
    // A copy of the receipt goes to the e-mail given, if any (intake queues it).
    let email = raw
        .submitter
        .as_ref()
        .and_then(|s| s.email.clone())
        .filter(|_| !form.anonymous());
    let extras = SubmissionExtras {
        form: Some(once::form_once(&token, email, now)),
        attachments,
        ..SubmissionExtras::default()
    };
    match intake::register_checked(&app, checked, extras, "citizen").await {
        Ok(_) => once::see_other(&receipt_path(&token)),
        // The same form, sent twice at once: the other request registered it.
        Err(StoreError::Duplicate(_)) => once::see_other(&receipt_path(&token)),
        Err(e) => unavailable(&prefs, &e),
    }
}

/// The form again, with its errors and every file received so far kept for it.
async fn again(
    app: &AppState,
    prefs: &Prefs,
    form: &SubmitForm,
    errors: &Errors,
    token_hash: &str,
    attachments: Vec<NewAttachment>,
) -> Response {
    let now = app.clock.now();
    let until = now.saturating_add(once::UPLOADS_KEPT).unwrap_or(now);
    let mut all = errors.clone();
    let stored = app
        .store
        .keep_uploads(token_hash, attachments, now, until)
        .await;
    let kept = match stored {
        Ok(()) => app.store.kept_uploads(token_hash).await,
        Err(e) => Err(e),
    };
    let kept = match kept {
        Ok(kept) => kept,
        Err(e) => {
            tracing::error!(error = %e, "files could not be kept for the form");
            all.add(
                "attachments",
                prefs.t(
                    "Прикачените файлове не можаха да бъдат запазени. Изберете ги отново.",
                    "The attached files could not be kept. Please choose them again.",
                ),
            );
            Vec::new()
        }
    };
    let form = SubmitForm {
        kept: Vec::new(),
        remove: Vec::new(),
        ..form.clone()
    };
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        [(header::CACHE_CONTROL, "no-store")],
        render_form(prefs, &form, &all, &kept),
    )
        .into_response()
}

/// A receipt as its page and its PDF show it.
struct ReceiptView {
    case: CaseRecord,
    /// The tracking code and the e-mail a copy went to, while they are shown.
    secret: Option<(String, Option<String>)>,
    created_at: jiff::Timestamp,
}

async fn load_receipt(app: &AppState, prefs: &Prefs, token: &str) -> Result<ReceiptView, Response> {
    let gone = || {
        layout::error_page(
            prefs,
            StatusCode::NOT_FOUND,
            prefs.t("Разписката вече не се показва", "The receipt is no longer shown"),
            prefs.t(
                "Връзката към разписка важи 24 часа след подаването. Проследявайте преписката с номера и кода за проследяване от разписката или от писмото по електронната поща.",
                "A link to a receipt works for 24 hours after sending. Track the case with the number and the tracking code from the receipt or from the e-mail.",
            ),
        )
    };
    let found = match once::find(app, token, "submission").await {
        Ok(Some(found)) => found,
        Ok(None) => return Err(gone()),
        Err(e) => return Err(unavailable(prefs, &e)),
    };
    let Ok(number) = found.result.parse() else {
        return Err(gone());
    };
    match app.store.case_by_number(number).await {
        Ok(Some(case)) => Ok(ReceiptView {
            case,
            secret: found.secret,
            created_at: found.created_at,
        }),
        Ok(None) => Err(gone()),
        Err(e) => Err(unavailable(prefs, &e)),
    }
}

/// `GET /receipt/{token}`: the receipt of a submission just sent. Reloading it shows the same
/// receipt; the tracking code only in the first 30 minutes.
pub async fn receipt(
    State(app): State<AppState>,
    prefs: Prefs,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    let view = match load_receipt(&app, &prefs, &token).await {
        Ok(view) => view,
        Err(response) => return response,
    };
    let stored = match &view.secret {
        Some(_) => app
            .store
            .attachments(view.case.number)
            .await
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "attachments of a receipt unavailable");
                Vec::new()
            }),
        None => Vec::new(),
    };
    let base = once::public_base(&app, &headers);
    (
        [(header::CACHE_CONTROL, "no-store")],
        receipt_page(&app, &prefs, &view, &stored, &base, &token),
    )
        .into_response()
}

/// `GET /receipt/{token}/pdf`: the same receipt as a PDF, to keep or print.
pub async fn receipt_pdf(
    State(app): State<AppState>,
    prefs: Prefs,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    let view = match load_receipt(&app, &prefs, &token).await {
        Ok(view) => view,
        Err(response) => return response,
    };
    let base = once::public_base(&app, &headers);
    pdf_of(
        &app,
        &prefs,
        &view.case,
        view.secret.as_ref().map(|s| s.0.as_str()),
        &base,
    )
}

fn pdf_of(
    app: &AppState,
    prefs: &Prefs,
    case: &CaseRecord,
    code: Option<&str>,
    base: &str,
) -> Response {
    // The full tracking address, even where none is configured for letters.
    let mut letterhead = app.notify.letterhead.clone();
    if letterhead.tracking_url.is_none() {
        letterhead.tracking_url = Some(format!("{base}/track"));
    }
    match priemna_app::notify::compose::receipt_of_case(&letterhead, case, code) {
        Ok(pdf) => crate::pdf::pdf_response(&format!("razpiska-{}.pdf", case.number), pdf),
        Err(e) => {
            tracing::error!(error = %e, "receipt PDF failed");
            layout::error_page(
                prefs,
                StatusCode::INTERNAL_SERVER_ERROR,
                prefs.t(
                    "Разписката не може да бъде създадена",
                    "The receipt could not be made",
                ),
                prefs.t(
                    "Опитайте отново след малко.",
                    "Please try again in a moment.",
                ),
            )
        }
    }
}

/// The receipt: number, tracking code, kind, subject, answer date, what the rules said, the
/// files, whether a copy was e-mailed, the full tracking link and the PDF. Printable.
fn receipt_page(
    app: &AppState,
    prefs: &Prefs,
    view: &ReceiptView,
    stored: &[AttachmentInfo],
    base: &str,
    token: &str,
) -> Markup {
    let case = &view.case;
    let number = case.number.to_string();
    let (kind_name, _) = kind_text(prefs, case.kind);
    let title = if case.considered {
        prefs.t("Подаването е регистрирано", "Your submission is registered")
    } else {
        prefs.t(
            "Регистрирано, но няма да бъде разгледано",
            "Registered, but it will not be considered",
        )
    };
    let track_link = format!("{base}/track?number={number}");
    let shown_until = view
        .created_at
        .saturating_add(once::CODE_SHOWN)
        .unwrap_or(view.created_at);
    // Registered but not considered (anonymous, or a violation older than two years): said at
    // the top, with the reason, before anything suggests that someone will act on it.
    let not_considered: Vec<_> = case
        .decisions
        .iter()
        .filter(|d| Rule::parse(&d.rule).is_some_and(Rule::stops_consideration))
        .collect();
    let body = html! {
        @if case.considered {
            div.notice role="status" {
                p { strong { (title) } }
            }
        } @else {
            div.alert role="status" id="receipt-not-considered" {
                p { strong { (title) } }
                @for d in &not_considered {
                    p { (prefs.t(&d.reason_bg, &d.reason_en)) }
                }
                @if case.anonymous {
                    p { (prefs.t(
                        "Ако искате да бъде разгледано, подайте отново с името си и начин за връзка — или, ако проблемът застрашава здравето или сигурността на хората, отбележете това.",
                        "If you want it considered, send it again with your name and a way to reach you — or, if the problem threatens people's health or safety, mark that.")) }
                }
            }
        }
        h1 { (prefs.t("Разписка", "Receipt")) }
        p.print-only { (app.notify.letterhead.organisation) " — " (prefs.t("Приемна", "Reception")) }
        div.receipt {
            dl.facts {
                dt { (prefs.t("Регистрационен номер", "Registration number")) }
                dd.big id="receipt-number" { (number) }
                dt { (prefs.t("Код за проследяване", "Tracking code")) }
                @match &view.secret {
                    Some((code, _)) => dd { span.code id="receipt-code" { (code) } },
                    None => dd id="receipt-code-hidden" { (prefs.t(
                        "показва се само в първите 30 минути след подаването — вижте изтеглената разписка или писмото по електронната поща",
                        "shown only in the first 30 minutes after sending — see the receipt you downloaded or the e-mail")) },
                }
                dt { (prefs.t("Получено на", "Received on")) }
                dd { (prefs.time(case.received_at)) }
                dt { (prefs.t("Вид", "Kind")) }
                dd id="receipt-kind" { (kind_name) }
                @if view.secret.is_some() {
                    dt { (prefs.t("Относно", "Subject")) }
                    dd id="receipt-subject" { (case.subject) }
                }
                dt { (prefs.t("Срок за отговор", "Answer due by")) }
                dd id="receipt-due" {
                    @match (case.considered, case.answer_due) {
                        (true, Some(due)) => strong { (prefs.day(due)) },
                        (true, None) => (prefs.t("няма — този вид не изисква отговор", "none — this kind needs no answer")),
                        (false, _) => (prefs.t("няма — подаденото не се разглежда (причината е в началото)", "none — it is not considered (the reason is at the top)")),
                    }
                }
                @if let Some(ack) = case.acknowledge_due {
                    dt { (prefs.t("Потвърждение на получаването до", "Receipt acknowledged by")) }
                    dd { (prefs.day(ack)) }
                }
            }
        }
        @if let Some((_, email)) = &view.secret {
            p id="receipt-copy" {
                @match email {
                    Some(email) if app.notify.smtp_configured => {
                        (prefs.t("Копие на разписката е изпратено на ", "A copy of the receipt was sent to ")) strong { (email) } "."
                    }
                    Some(email) => {
                        (prefs.t("Копие на разписката ще бъде изпратено на ", "A copy of the receipt will be sent to ")) strong { (email) }
                        (prefs.t(", но без кода за проследяване — запазете го сега.", ", but without the tracking code — keep it now."))
                    }
                    None => (prefs.t("Не сте посочили e-mail; запазете кода.", "You gave no e-mail; keep the code.")),
                }
            }
            p { strong { (if prefs.en() {
                format!("Keep the tracking code: this page shows it until {}. With the number and the code you can follow the case and read the answer.", prefs.time(shown_until))
            } else {
                format!("Запазете кода за проследяване: тази страница го показва до {}. С номера и кода можете да следите преписката и да прочетете отговора.", prefs.time(shown_until))
            }) } }
        }
        @if !case.decisions.is_empty() {
            h2 { (prefs.t("Какво казва хартата за подаденото", "What the charter says about it")) }
            ul id="receipt-decisions" {
                @for d in &case.decisions {
                    li { (prefs.t(&d.reason_bg, &d.reason_en)) }
                }
            }
        }
        @if !stored.is_empty() {
            h2 { (prefs.t("Прикачени файлове", "Attached files")) }
            ul id="receipt-files" {
                @for f in stored {
                    li { (f.filename) " (" (upload::human_size(f.size)) ")" }
                }
            }
        }
        h2 { (prefs.t("Проследяване", "Tracking")) }
        p { (prefs.t("Следете преписката на ", "Follow the case at ")) a href=(track_link) id="receipt-track-link" { (track_link) }
            (prefs.t(" с номера и кода за проследяване.", " with the number and the tracking code.")) }
        h2.no-print { (prefs.t("Запазете разписката", "Keep the receipt")) }
        p.no-print {
            a.button id="receipt-pdf" href=(format!("/receipt/{token}/pdf")) { (prefs.t("Изтегли / отпечатай (PDF)", "Download / print (PDF)")) }
        }
        p.no-print.hint { (prefs.t(
            "PDF файлът се отваря на телефона и на компютъра; от него можете да го отпечатате или запазите.",
            "The PDF opens on a phone or a computer; you can print or save it from there.")) }
        p.no-print {
            a href=(format!("/track?number={number}")) { (prefs.t("Проследяване на преписка", "Track a case")) } " · "
            a href="/submit" { (prefs.t("Ново подаване", "Send another")) }
        }
    };
    layout::page(prefs, Nav::Submit, title, body)
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ReceiptForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    code: String,
}

/// `POST /receipt`: the receipt as a PDF, from what the register holds, for whoever has the
/// number and the code (the code travels in the body, never in the address).
pub async fn receipt_file(
    State(app): State<AppState>,
    prefs: Prefs,
    headers: HeaderMap,
    form: Result<axum::Form<ReceiptForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let form = form.map(|axum::Form(f)| f).unwrap_or_default();
    let not_found = || {
        layout::error_page(
            &prefs,
            StatusCode::NOT_FOUND,
            prefs.t("Няма такава преписка", "No such case"),
            prefs.t(
                "Няма преписка с този номер и код.",
                "There is no case with this number and code.",
            ),
        )
    };
    let Ok(number) = form.number.trim().parse() else {
        return not_found();
    };
    let code = form.code.trim();
    match app.store.find_for_citizen(number, code).await {
        Ok(Some(_)) => {}
        Ok(None) => return not_found(),
        Err(e) => return unavailable(&prefs, &e),
    }
    let base = once::public_base(&app, &headers);
    match app.store.case_by_number(number).await {
        Ok(Some(case)) => pdf_of(&app, &prefs, &case, Some(&code.to_uppercase()), &base),
        Ok(None) => not_found(),
        Err(e) => unavailable(&prefs, &e),
    }
}
