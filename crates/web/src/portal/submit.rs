//! `GET/POST /submit`: the form for every kind of submission, which explains the charter's rules
//! before they apply, and the receipt. The form goes through `intake::register` like every other
//! channel; attachments are checked (type from the bytes, size) before anything is registered.

use super::layout::{self, Errors, Nav, Prefs, TextInput, check_box, sentence, text_area};
use super::upload::{self, MAX_FILE_BYTES, MAX_FILES};
use crate::AppState;
use crate::intake::{self, IntakeError, Receipt};
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use priemna_domain::Kind;
use priemna_domain::clock::local_date;
use priemna_domain::submission::{
    FieldError, MAX_ADDRESS_CHARS, MAX_BODY_CHARS, MAX_NAME_CHARS, MAX_SUBJECT_CHARS, Problem,
    RawSubmission, RawSubmitter, validate,
};
use priemna_store::{AttachmentInfo, NewAttachment};

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

/// The form id that shows a domain field's error.
fn field_id(field: &str, problem: &Problem) -> &'static str {
    match (field, problem) {
        ("kind", _) => "kind",
        ("subject", _) => "subject",
        ("body", _) => "body",
        ("address", _) => "address",
        ("violation_date", _) => "violation_date",
        ("submitter.name", _) | ("submitter", Problem::SubmitterRequired) => "name",
        ("submitter.phone", _) | ("submitter", Problem::NoContact) => "phone",
        ("submitter.email", _) => "email",
        ("submitter.address", _) => "postal_address",
        ("submitter", _) => "identity",
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
pub async fn form(prefs: Prefs) -> Markup {
    let form = SubmitForm {
        identity: "named".into(),
        ..SubmitForm::default()
    };
    render_form(&prefs, &form, &Errors::default())
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

pub fn render_form(prefs: &Prefs, form: &SubmitForm, errors: &Errors) -> Markup {
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
        form method="post" action="/submit" enctype="multipart/form-data" novalidate {
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
                Some(prefs.t("Какво, къде, от кога. Колкото по-точно, толкова по-бързо.", "What, where, since when. The more precise, the faster.")),
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
            div.field.invalid[attach_error.is_some()] {
                label for="attachments" { (prefs.t("Прикачете файлове", "Attach files")) " " (prefs.t("(по желание)", "(optional)")) }
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

/// The files of a form, read but not yet accepted.
struct Upload {
    filename: String,
    data: Vec<u8>,
}

/// Reads the multipart form. A broken or oversized body keeps what was read before it.
async fn read_form(mut multipart: Multipart) -> (SubmitForm, Vec<Upload>, bool) {
    let mut form = SubmitForm::default();
    let mut files = Vec::new();
    let mut broken = false;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                tracing::info!(error = %e, "submission form could not be read to the end");
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
                    tracing::info!(error = %e, "an attachment could not be read");
                    broken = true;
                    break;
                }
            }
        } else {
            match field.text().await {
                Ok(text) => form.set(&name, text),
                Err(_) => {
                    broken = true;
                    break;
                }
            }
        }
    }
    (form, files, broken)
}

/// Checks the files: how many, how large, and what they are.
fn check_files(prefs: &Prefs, files: Vec<Upload>, errors: &mut Errors) -> Vec<NewAttachment> {
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
        if file.data.is_empty() {
            errors.add(
                "attachments",
                if prefs.en() {
                    format!("“{shown}” is empty.")
                } else {
                    format!("Файлът „{shown}“ е празен.")
                },
            );
            continue;
        }
        if file.data.len() > MAX_FILE_BYTES {
            errors.add(
                "attachments",
                if prefs.en() {
                    format!(
                        "“{shown}” is larger than {} MB.",
                        MAX_FILE_BYTES / (1024 * 1024)
                    )
                } else {
                    format!(
                        "Файлът „{shown}“ е по-голям от {} MB.",
                        MAX_FILE_BYTES / (1024 * 1024)
                    )
                },
            );
            continue;
        }
        let Some(content_type) = upload::sniff(&file.data) else {
            errors.add(
                "attachments",
                if prefs.en() {
                    format!(
                        "“{shown}” is not a photo or a PDF (accepted: {}).",
                        upload::ACCEPTED
                    )
                } else {
                    format!(
                        "Файлът „{shown}“ не е снимка или PDF (приемат се {}).",
                        upload::ACCEPTED
                    )
                },
            );
            continue;
        };
        // Location and author metadata out of photos; only what is left is kept.
        let Ok(data) = upload::strip_metadata(content_type, file.data) else {
            errors.add(
                "attachments",
                if prefs.en() {
                    format!("“{shown}” is damaged: it could not be read as a photo.")
                } else {
                    format!("Файлът „{shown}“ е повреден: не може да се прочете като снимка.")
                },
            );
            continue;
        };
        accepted.push(NewAttachment {
            filename: upload::clean_name(&file.filename, content_type),
            content_type: content_type.to_owned(),
            data,
        });
    }
    accepted
}

/// `POST /submit`: registers the submission and shows the receipt, or the form again with every
/// error next to its field.
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
            ..SubmitForm::default()
        };
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            render_form(&prefs, &form, &errors),
        )
            .into_response();
    };
    let (form, files, broken) = read_form(multipart).await;
    let now = app.clock.now();
    let mut errors = Errors::default();
    // An empty set of details counts as none (validation treats it so).
    let raw = form.raw();
    if let Err(fields) = validate(&raw, local_date(now)) {
        add_domain_errors(&prefs, &mut errors, &fields);
    }
    let attachments = if broken {
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
    if !form.consent {
        errors.add(
            "consent",
            prefs.t(
                "Без съгласие за обработване на данните не можем да приемем подаденото.",
                "Without consent to the processing of your data we cannot accept the submission.",
            ),
        );
    }
    if !errors.is_empty() {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            render_form(&prefs, &form, &errors),
        )
            .into_response();
    }
    let receipt = match intake::register(&app, &raw, now, "citizen").await {
        Ok(receipt) => receipt,
        Err(IntakeError::Invalid(fields)) => {
            add_domain_errors(&prefs, &mut errors, &fields);
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                render_form(&prefs, &form, &errors),
            )
                .into_response();
        }
        Err(IntakeError::Store(e)) => {
            tracing::error!(error = %e, "portal intake failed");
            return layout::error_page(
                &prefs,
                StatusCode::SERVICE_UNAVAILABLE,
                prefs.t("Регистърът не е достъпен", "The register is unavailable"),
                prefs.t(
                    "Нищо не е записано. Опитайте отново след малко.",
                    "Nothing was saved. Please try again in a moment.",
                ),
            );
        }
    };
    let mut stored = Vec::new();
    let mut attachments_failed = false;
    if !attachments.is_empty() {
        match app
            .store
            .add_attachments(receipt.registered.number, attachments, now, "citizen")
            .await
        {
            Ok(list) => stored = list,
            Err(e) => {
                tracing::error!(error = %e, number = %receipt.registered.number, "attachments not stored");
                attachments_failed = true;
            }
        }
    }
    (
        [(header::CACHE_CONTROL, "no-store")],
        receipt_page(&prefs, &receipt, &stored, attachments_failed),
    )
        .into_response()
}

/// The receipt: number, tracking code, answer date, what the rules said. Printable.
fn receipt_page(
    prefs: &Prefs,
    receipt: &Receipt,
    stored: &[AttachmentInfo],
    attachments_failed: bool,
) -> Markup {
    let number = receipt.registered.number.to_string();
    let code = &receipt.registered.tracking_code;
    let (kind_name, _) = kind_text(prefs, receipt.kind);
    let title = prefs.t("Подаването е регистрирано", "Your submission is registered");
    let assessment = &receipt.assessment;
    let body = html! {
        div.notice role="status" {
            p { strong { (title) } }
        }
        h1 { (prefs.t("Разписка", "Receipt")) }
        p.print-only { (prefs.t("Община Хасково — Приемна", "Haskovo Municipality — Reception")) }
        div.receipt {
            dl.facts {
                dt { (prefs.t("Регистрационен номер", "Registration number")) }
                dd.big id="receipt-number" { (number) }
                dt { (prefs.t("Код за проследяване", "Tracking code")) }
                dd { span.code id="receipt-code" { (code) } }
                dt { (prefs.t("Получено на", "Received on")) }
                dd { (prefs.time(receipt.registered.received_at)) }
                dt { (prefs.t("Вид", "Kind")) }
                dd { (kind_name) }
                dt { (prefs.t("Срок за отговор", "Answer due by")) }
                dd id="receipt-due" {
                    @match assessment.answer_due {
                        Some(due) => strong { (prefs.day(due)) },
                        None => (prefs.t("няма — този вид не изисква отговор или не се разглежда", "none — this kind needs no answer, or is not considered")),
                    }
                }
                @if let Some(ack) = assessment.acknowledge_due {
                    dt { (prefs.t("Потвърждение на получаването до", "Receipt acknowledged by")) }
                    dd { (prefs.day(ack)) }
                }
            }
        }
        p { strong { (prefs.t(
            "Запазете кода за проследяване: показваме го само сега. С номера и кода можете да следите преписката и да прочетете отговора.",
            "Keep the tracking code: it is shown only now. With the number and the code you can follow the case and read the answer.")) } }
        @if !assessment.decisions.is_empty() {
            h2 { (prefs.t("Какво казва хартата за подаденото", "What the charter says about it")) }
            ul {
                @for d in &assessment.decisions {
                    li { (prefs.t(&d.reason_bg, &d.reason_en)) }
                }
            }
        }
        @if !stored.is_empty() {
            h2 { (prefs.t("Прикачени файлове", "Attached files")) }
            ul {
                @for f in stored {
                    li { (f.filename) " (" (upload::human_size(f.size)) ")" }
                }
            }
        }
        @if attachments_failed {
            div.alert role="alert" {
                p { (prefs.t(
                    "Подаването е регистрирано, но прикачените файлове не бяха записани. Изпратете ги по пощата или ги донесете, като посочите номера.",
                    "Your submission is registered, but the attached files could not be saved. Send them by post or bring them, quoting the number.")) }
            }
        }
        h2.no-print { (prefs.t("Запазете разписката", "Keep the receipt")) }
        p.no-print { (prefs.t(
            "Отпечатайте страницата или я запазете като PDF от менюто за печат на браузъра (Ctrl+P). Можете и да изтеглите разписката като текстов файл:",
            "Print this page, or save it as a PDF from your browser’s print menu (Ctrl+P). You can also download the receipt as a text file:")) }
        form.no-print method="post" action="/receipt" {
            input type="hidden" name="number" value=(number);
            input type="hidden" name="code" value=(code);
            button.secondary type="submit" { (prefs.t("Изтегли разписката", "Download the receipt")) }
        }
        p.no-print {
            a href="/track" { (prefs.t("Проследяване на преписка", "Track a case")) } " · "
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

/// `POST /receipt`: the receipt as a text file, from what the register holds.
pub async fn receipt_file(
    State(app): State<AppState>,
    prefs: Prefs,
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
    let view = match app.store.find_for_citizen(number, form.code.trim()).await {
        Ok(Some(view)) => view,
        Ok(None) => return not_found(),
        Err(e) => {
            tracing::error!(error = %e, "receipt lookup failed");
            return layout::error_page(
                &prefs,
                StatusCode::SERVICE_UNAVAILABLE,
                prefs.t("Регистърът не е достъпен", "The register is unavailable"),
                prefs.t(
                    "Опитайте отново след малко.",
                    "Please try again in a moment.",
                ),
            );
        }
    };
    let (kind_name, _) = kind_text(&prefs, view.kind);
    let due = view
        .answer_due
        .map(|d| prefs.day(d))
        .unwrap_or_else(|| prefs.t("няма", "none").to_owned());
    let text = format!(
        "{}\r\n\r\n{}: {}\r\n{}: {}\r\n{}: {}\r\n{}: {}\r\n{}: {}\r\n{}: {}\r\n\r\n{}\r\n",
        prefs.t(
            "Община Хасково — Приемна — разписка",
            "Haskovo Municipality — Reception — receipt"
        ),
        prefs.t("Регистрационен номер", "Registration number"),
        view.number,
        prefs.t("Код за проследяване", "Tracking code"),
        form.code.trim().to_uppercase(),
        prefs.t("Получено на", "Received on"),
        prefs.time(view.received_at),
        prefs.t("Вид", "Kind"),
        kind_name,
        prefs.t("Относно", "Subject"),
        view.subject,
        prefs.t("Срок за отговор", "Answer due by"),
        due,
        prefs.t(
            "Проследяване: /track на портала на общината.",
            "Tracking: /track on the municipality's portal."
        ),
    );
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"priemna-{}.txt\"", view.number),
            ),
        ],
        text,
    )
        .into_response()
}
