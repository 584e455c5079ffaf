//! The e-mails, each in plain text and HTML, Bulgarian first and English after.
//!
//! A receipt is rendered before the store has given the submission its number and tracking
//! code, so it carries `NUMBER_PLACEHOLDER` (filled by the intake transaction) and
//! `TRACKING_CODE_PLACEHOLDER` (filled by the worker at sending, from a secret the outbox keeps
//! only until then).

use super::{Notifier, calendar};
use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use maud::{DOCTYPE, Markup, html};
use priemna_domain::clock::municipal_tz;
use priemna_domain::rules::Assessment;
use priemna_domain::submission::Draft;
use priemna_domain::{CaseId, Kind, RegistrationNumber, UserId};
use priemna_letters::bg_date;
use priemna_store::{
    MessageKind, NUMBER_PLACEHOLDER, NewMessage, Recipient, TRACKING_CODE_PLACEHOLDER,
};

fn local(at: Timestamp) -> DateTime {
    at.to_zoned(municipal_tz()).datetime()
}

/// A table row of label and value in both languages.
struct Fact {
    bg: String,
    en: String,
    value_bg: String,
    value_en: String,
}

fn fact(bg: &str, en: &str, value_bg: impl Into<String>, value_en: impl Into<String>) -> Fact {
    Fact {
        bg: bg.to_owned(),
        en: en.to_owned(),
        value_bg: value_bg.into(),
        value_en: value_en.into(),
    }
}

/// What one e-mail says, in both languages.
struct Letter {
    greeting_bg: String,
    greeting_en: String,
    intro_bg: Vec<String>,
    intro_en: Vec<String>,
    facts: Vec<Fact>,
    outro_bg: Vec<String>,
    outro_en: Vec<String>,
}

fn signature_text(n: &Notifier) -> String {
    format!(
        "{}\n{}",
        n.letterhead.organisation,
        n.letterhead.contact_line()
    )
}

fn render_text(n: &Notifier, l: &Letter) -> String {
    let mut out = String::new();
    out.push_str(&l.greeting_bg);
    out.push_str("\n\n");
    for p in &l.intro_bg {
        out.push_str(p);
        out.push_str("\n\n");
    }
    for f in &l.facts {
        out.push_str(&format!("{}: {}\n", f.bg, f.value_bg));
    }
    if !l.facts.is_empty() {
        out.push('\n');
    }
    for p in &l.outro_bg {
        out.push_str(p);
        out.push_str("\n\n");
    }
    out.push_str(&signature_text(n));
    out.push_str("\n\n-- English --\n\n");
    out.push_str(&l.greeting_en);
    out.push_str("\n\n");
    for p in &l.intro_en {
        out.push_str(p);
        out.push_str("\n\n");
    }
    for f in &l.facts {
        out.push_str(&format!("{}: {}\n", f.en, f.value_en));
    }
    if !l.facts.is_empty() {
        out.push('\n');
    }
    for p in &l.outro_en {
        out.push_str(p);
        out.push_str("\n\n");
    }
    out.push_str(&n.letterhead.organisation);
    out.push('\n');
    out
}

fn render_html(n: &Notifier, title: &str, l: &Letter) -> String {
    let part = |greeting: &str,
                intro: &[String],
                facts: Vec<(&str, &str)>,
                outro: &[String]|
     -> Markup {
        html! {
            p { (greeting) }
            @for p in intro { p { (p) } }
            @if !facts.is_empty() {
                table style="border-collapse:collapse" {
                    @for (label, value) in &facts {
                        tr {
                            th style="text-align:left;padding:2px 12px 2px 0;vertical-align:top" { (label) }
                            td style="padding:2px 0" { (value) }
                        }
                    }
                }
            }
            @for p in outro { p { (p) } }
        }
    };
    let bg = part(
        &l.greeting_bg,
        &l.intro_bg,
        l.facts
            .iter()
            .map(|f| (f.bg.as_str(), f.value_bg.as_str()))
            .collect(),
        &l.outro_bg,
    );
    let en = part(
        &l.greeting_en,
        &l.intro_en,
        l.facts
            .iter()
            .map(|f| (f.en.as_str(), f.value_en.as_str()))
            .collect(),
        &l.outro_en,
    );
    html! {
        (DOCTYPE)
        html lang="bg" {
            head { meta charset="utf-8"; title { (title) } }
            body style="font-family:Georgia,'DejaVu Serif',serif;color:#1a1a1a;max-width:640px" {
                p style="font-weight:bold;font-size:18px;margin-bottom:0" { (n.letterhead.organisation) }
                p style="color:#555;font-size:12px;margin-top:2px" { (n.letterhead.contact_line()) }
                hr;
                div lang="bg" { (bg) }
                p { (n.letterhead.organisation) }
                hr;
                div lang="en" style="color:#333" { (en) }
            }
        }
    }
    .into_string()
}

fn message(
    n: &Notifier,
    kind: MessageKind,
    recipient: Recipient,
    subject: String,
    letter: &Letter,
) -> NewMessage {
    NewMessage {
        kind,
        message_id: n.message_id(kind.as_str()),
        recipient,
        text: render_text(n, letter),
        html: render_html(n, &subject, letter),
        subject,
        attach_document: None,
        attach_file: None,
        dedupe_key: None,
    }
}

fn tracking_outro(n: &Notifier) -> (String, String) {
    match &n.letterhead.tracking_url {
        Some(url) => (
            format!("Проследявайте преписката на {url} с входящия номер и кода за проследяване."),
            format!("Track your case at {url} with the registration number and the tracking code."),
        ),
        None => (
            "Проследявайте преписката с входящия номер и кода за проследяване.".to_owned(),
            "Track your case with the registration number and the tracking code.".to_owned(),
        ),
    }
}

/// Where a citizen tracks a case: the portal's tracking page.
fn tracking_page(n: &Notifier) -> Option<String> {
    n.public_url
        .as_ref()
        .map(|u| format!("{u}/track"))
        .or_else(|| n.letterhead.tracking_url.clone())
}

/// In place of the tracking code, when the receipt cannot carry it.
const CODE_SHOWN_AT_SUBMISSION: &str = "показан при подаването / shown when you submitted";

/// The receipt of a submission, for a submitter who gave an e-mail address.
///
/// The address is not verified, so the receipt carries nothing the citizen typed — no name, no
/// subject, no text — only what the citizen needs to recognise it (the number, the kind, the
/// date of receipt, the answer date) and the tracking page. It goes to the address without a
/// display name (the store adds none for the submitter). The tracking code is filled in by the
/// worker at sending; without an SMTP server nothing would send it, so it is not kept at all.
pub fn receipt(
    n: &Notifier,
    draft: &Draft,
    assessment: &Assessment,
    received_at: Timestamp,
) -> Option<NewMessage> {
    let submitter = draft.submitter.as_ref()?;
    submitter.email.as_ref()?;
    let subject = receipt_subject(n);
    if n.smtp_configured {
        // The register keeps the facts; the outbox worker writes the e-mail from them when it
        // sends it (`receipt_body`), so no copy of the text waits in the register.
        return Some(NewMessage {
            kind: MessageKind::Receipt,
            message_id: n.message_id(MessageKind::Receipt.as_str()),
            recipient: Recipient::Submitter,
            subject,
            text: String::new(),
            html: String::new(),
            attach_document: None,
            attach_file: None,
            dedupe_key: None,
        });
    }
    let facts = ReceiptFacts {
        kind: draft.kind,
        received_at,
        considered: assessment.considered,
        answer_due: assessment.answer_due,
        reasons: assessment
            .decisions
            .iter()
            .map(|d| (d.reason_bg.clone(), d.reason_en.clone()))
            .collect(),
    };
    let letter = receipt_letter(n, &facts, NUMBER_PLACEHOLDER, CODE_SHOWN_AT_SUBMISSION);
    Some(message(
        n,
        MessageKind::Receipt,
        Recipient::Submitter,
        subject,
        &letter,
    ))
}

fn receipt_subject(n: &Notifier) -> String {
    format!(
        "Регистрирано с вх. № {NUMBER_PLACEHOLDER} – {}",
        n.letterhead.organisation
    )
}

/// What a receipt e-mail says, all of it frozen in the register at registration.
pub struct ReceiptFacts {
    pub kind: Kind,
    pub received_at: Timestamp,
    pub considered: bool,
    pub answer_due: Option<Date>,
    /// The charter's decisions, in Bulgarian and English.
    pub reasons: Vec<(String, String)>,
}

impl ReceiptFacts {
    pub fn of_case(case: &priemna_store::CaseRecord) -> Self {
        ReceiptFacts {
            kind: case.kind,
            received_at: case.received_at,
            considered: case.considered,
            answer_due: case.answer_due,
            reasons: case
                .decisions
                .iter()
                .map(|d| (d.reason_bg.clone(), d.reason_en.clone()))
                .collect(),
        }
    }
}

/// The receipt e-mail's text and HTML, written by the outbox worker from the register's facts
/// as it sends it: the number filled in, the tracking code left as `TRACKING_CODE_PLACEHOLDER`
/// for the worker to put in from the message's secret. The same facts give the same text.
pub fn receipt_body(
    n: &Notifier,
    number: RegistrationNumber,
    facts: &ReceiptFacts,
) -> (String, String) {
    let subject = receipt_subject(n).replace(NUMBER_PLACEHOLDER, &number.to_string());
    let letter = receipt_letter(n, facts, &number.to_string(), TRACKING_CODE_PLACEHOLDER);
    (render_text(n, &letter), render_html(n, &subject, &letter))
}

fn receipt_letter(n: &Notifier, facts: &ReceiptFacts, number: &str, code: &str) -> Letter {
    let received = local(facts.received_at);
    let (due_bg, due_en) = match (facts.considered, facts.answer_due) {
        (true, Some(d)) => (format!("до {} г.", bg_date(d)), d.to_string()),
        (true, None) => (
            "без законов срок".to_owned(),
            "no legal deadline".to_owned(),
        ),
        (false, _) => (
            "не се разглежда (вижте по-долу)".to_owned(),
            "not considered (see below)".to_owned(),
        ),
    };
    let rows = vec![
        fact("Входящ номер", "Registration number", number, number),
        fact("Код за проследяване", "Tracking code", code, code),
        fact(
            "Регистрирано на",
            "Registered on",
            format!(
                "{} г., {} ч.",
                bg_date(received.date()),
                received.strftime("%H:%M")
            ),
            received.strftime("%Y-%m-%d %H:%M").to_string(),
        ),
        fact("Вид", "Kind", facts.kind.label_bg(), facts.kind.label_en()),
        fact("Срок за отговор", "Answer due", due_bg, due_en),
    ];
    let (track_bg, track_en) = match tracking_page(n) {
        Some(url) => (
            format!("Проследявайте преписката на {url} с входящия номер и кода за проследяване."),
            format!("Track your case at {url} with the registration number and the tracking code."),
        ),
        None => tracking_outro(n),
    };
    let mut outro_bg: Vec<String> = facts
        .reasons
        .iter()
        .map(|(bg, _)| format!("Решение по хартата: {bg}"))
        .collect();
    let mut outro_en: Vec<String> = facts
        .reasons
        .iter()
        .map(|(_, en)| format!("Charter decision: {en}"))
        .collect();
    outro_bg.push(track_bg);
    outro_bg.push(
        "Пазете кода: той е Вашият ключ към преписката и не може да бъде показан отново.".into(),
    );
    outro_bg.push(format!(
        "Ако не сте подавали нищо до {}, някой е посочил адреса Ви по грешка: не е нужно да \
         правите нищо.",
        n.letterhead.organisation
    ));
    outro_en.push(track_en);
    outro_en.push("Keep the code: it is your key to the case and cannot be shown again.".into());
    outro_en.push(format!(
        "If you sent nothing to {}, someone gave your address by mistake: there is nothing you \
         need to do.",
        n.letterhead.organisation
    ));
    Letter {
        greeting_bg: "Здравейте,".into(),
        greeting_en: "Hello,".into(),
        intro_bg: vec![format!(
            "Подаването Ви е регистрирано в {}.",
            n.letterhead.organisation
        )],
        intro_en: vec![format!(
            "Your submission has been registered by {}.",
            n.letterhead.organisation
        )],
        facts: rows,
        outro_bg,
        outro_en,
    }
}

/// The notice that a case needs an inspection: the reason and the new final date (the PDF
/// notice attached, by index into the change's documents).
pub fn delay_notice(
    n: &Notifier,
    number: RegistrationNumber,
    subject: &str,
    reason: &str,
    new_due: Date,
    document: usize,
) -> NewMessage {
    let letter = Letter {
        greeting_bg: "Здравейте,".into(),
        greeting_en: "Hello,".into(),
        intro_bg: vec![format!(
            "Срокът за отговор по Вашата преписка № {number} „{subject}“ е удължен, за да бъде \
             извършена проверка."
        )],
        intro_en: vec![format!(
            "Your case No. {number} “{subject}” needs an inspection before it can be answered. \
             The deadline has been extended."
        )],
        facts: vec![
            fact(
                "Причина",
                "Reason",
                priemna_letters::sentence(reason),
                priemna_letters::sentence(reason),
            ),
            fact(
                "Нов краен срок",
                "New final date",
                format!("{} г.", bg_date(new_due)),
                priemna_letters::en_date(new_due),
            ),
        ],
        outro_bg: vec![
            "Уведомлението е приложено като PDF.".into(),
            tracking_outro(n).0,
        ],
        outro_en: vec![
            "The notice is attached as a PDF.".into(),
            tracking_outro(n).1,
        ],
    };
    let mut m = message(
        n,
        MessageKind::DelayNotice,
        Recipient::Submitter,
        format!(
            "Удължен срок по преписка № {number}: нов краен срок {}",
            bg_date(new_due)
        ),
        &letter,
    );
    m.attach_document = Some(document);
    m
}

/// The written answer, its PDF letter attached.
pub fn answer(
    n: &Notifier,
    number: RegistrationNumber,
    subject: &str,
    outgoing_number: &str,
    text: &str,
    signatory: &str,
    document: usize,
) -> NewMessage {
    let letter = Letter {
        greeting_bg: "Здравейте,".into(),
        greeting_en: "Hello,".into(),
        intro_bg: vec![
            format!(
                "Изпращаме Ви писмения отговор по Вашата преписка № {number} „{subject}“ \
                 (изх. № {outgoing_number}). Подписаното писмо е приложено като PDF."
            ),
            text.to_owned(),
        ],
        intro_en: vec![format!(
            "Please find attached the written answer to your case No. {number} “{subject}” \
             (outgoing No. {outgoing_number}), in Bulgarian."
        )],
        facts: vec![fact("Подписал", "Signed by", signatory, signatory)],
        outro_bg: vec![tracking_outro(n).0],
        outro_en: vec![tracking_outro(n).1],
    };
    let mut m = message(
        n,
        MessageKind::Answer,
        Recipient::Submitter,
        format!("Отговор по преписка № {number} (изх. № {outgoing_number})"),
        &letter,
    );
    m.attach_document = Some(document);
    m
}

/// The officer's request for missing information or documents. The citizen answers on the
/// tracking page or by replying to this e-mail (the reply carries the case's reference).
pub fn information_request(
    n: &Notifier,
    number: RegistrationNumber,
    question: &str,
    reply_by: Date,
    term: (&str, &str),
) -> NewMessage {
    let letter = Letter {
        greeting_bg: "Здравейте,".into(),
        greeting_en: "Hello,".into(),
        intro_bg: vec![
            format!("По Вашата преписка № {number} е нужна допълнителна информация или документи:"),
            question.to_owned(),
        ],
        intro_en: vec![format!(
            "Your case No. {number} needs more information or documents. The request, in \
             Bulgarian, is above."
        )],
        facts: vec![fact(
            "Моля, отговорете до",
            "Please answer by",
            format!("{} г.", bg_date(reply_by)),
            priemna_letters::en_date(reply_by),
        )],
        outro_bg: vec![
            term.0.to_owned(),
            "Отговорете на това писмо (можете да приложите файлове) или на страницата за \
             проследяване на преписката."
                .to_owned(),
            tracking_outro(n).0,
        ],
        outro_en: vec![
            term.1.to_owned(),
            "Reply to this e-mail (you may attach files) or on the case's tracking page."
                .to_owned(),
            tracking_outro(n).1,
        ],
    };
    message(
        n,
        MessageKind::InformationRequest,
        Recipient::Submitter,
        format!("Искане за допълнителна информация по преписка № {number}"),
        &letter,
    )
}

/// The citizen's information arrived; for an application, the term ran anew to `new_due`.
pub fn information_received(
    n: &Notifier,
    number: RegistrationNumber,
    new_due: Option<Date>,
) -> NewMessage {
    let (facts, intro_bg, intro_en) = match new_due {
        Some(due) => (
            vec![fact(
                "Нов краен срок за отговор",
                "New final date for the answer",
                format!("{} г.", bg_date(due)),
                priemna_letters::en_date(due),
            )],
            format!(
                "Получихме поисканата информация по преписка № {number}. Срокът за отговор \
                 започва да тече отначало от днес."
            ),
            format!(
                "We received the information asked for in case No. {number}. The term for the \
                 answer runs anew from today."
            ),
        ),
        None => (
            Vec::new(),
            format!("Получихме поисканата информация по преписка № {number}."),
            format!("We received the information asked for in case No. {number}."),
        ),
    };
    let letter = Letter {
        greeting_bg: "Здравейте,".into(),
        greeting_en: "Hello,".into(),
        intro_bg: vec![intro_bg],
        intro_en: vec![intro_en],
        facts,
        outro_bg: vec![tracking_outro(n).0],
        outro_en: vec![tracking_outro(n).1],
    };
    let subject = match new_due {
        Some(due) => format!(
            "Получена информация по преписка № {number}: нов краен срок {}",
            bg_date(due)
        ),
        None => format!("Получена информация по преписка № {number}"),
    };
    message(
        n,
        MessageKind::InformationReceived,
        Recipient::Submitter,
        subject,
        &letter,
    )
}

/// To the officer of a case: the citizen answered or added information (the text stays in the
/// register; the e-mail names the case only).
pub fn citizen_answered(
    n: &Notifier,
    email: &str,
    name: &str,
    number: RegistrationNumber,
) -> NewMessage {
    let link = n
        .public_url
        .as_ref()
        .map(|u| format!("{u}/staff/cases/{number}#conversation"));
    let letter = Letter {
        greeting_bg: format!("Здравейте, {name},"),
        greeting_en: format!("Hello {name},"),
        intro_bg: vec![format!(
            "Подателят отговори или добави информация по преписка № {number}."
        )],
        intro_en: vec![format!(
            "The submitter answered or added information in case No. {number}."
        )],
        facts: Vec::new(),
        outro_bg: link.iter().map(|l| format!("Преписката: {l}")).collect(),
        outro_en: link.iter().map(|l| format!("The case: {l}")).collect(),
    };
    message(
        n,
        MessageKind::CitizenAnswered,
        Recipient::Address {
            email: email.to_owned(),
            name: Some(name.to_owned()),
        },
        format!("Отговор от подателя по преписка № {number}"),
        &letter,
    )
}

/// One line of a member of staff's daily digest.
pub struct DigestLine {
    pub number: RegistrationNumber,
    pub bg: String,
    pub en: String,
}

/// A member of staff's daily digest: the day's deadline reminders and citizens' answers in one
/// e-mail, at most one a day (`dedupe_key`).
pub fn staff_digest(
    n: &Notifier,
    email: &str,
    name: &str,
    user_id: UserId,
    day: Date,
    lines: &[DigestLine],
) -> NewMessage {
    let link = |number: RegistrationNumber| {
        n.public_url
            .as_ref()
            .map(|u| format!(" — {u}/staff/cases/{number}"))
            .unwrap_or_default()
    };
    let letter = Letter {
        greeting_bg: format!("Здравейте, {name},"),
        greeting_en: format!("Hello {name},"),
        intro_bg: vec![format!(
            "Обзор за {} г. ({} по Вашите преписки):",
            bg_date(day),
            lines.len()
        )],
        intro_en: vec![format!(
            "Your digest for {} ({} on your cases):",
            priemna_letters::en_date(day),
            lines.len()
        )],
        facts: lines
            .iter()
            .map(|l| {
                fact(
                    &format!("№ {}", l.number),
                    &format!("No. {}", l.number),
                    format!("{}{}", l.bg, link(l.number)),
                    format!("{}{}", l.en, link(l.number)),
                )
            })
            .collect(),
        outro_bg: vec!["Получавате едно писмо на ден, защото сте избрали дневен обзор.".to_owned()],
        outro_en: vec!["You get one e-mail a day because you chose the daily digest.".to_owned()],
    };
    let mut m = message(
        n,
        MessageKind::StaffDigest,
        Recipient::Address {
            email: email.to_owned(),
            name: Some(name.to_owned()),
        },
        format!(
            "Дневен обзор за {} г.: {} по Вашите преписки",
            bg_date(day),
            lines.len()
        ),
        &letter,
    );
    m.dedupe_key = Some(format!("digest:{user_id}:{day}"));
    m
}

/// A reminder to a member of staff about a case's deadline.
#[allow(clippy::too_many_arguments)]
pub fn staff_reminder(
    n: &Notifier,
    email: &str,
    name: &str,
    case_id: CaseId,
    user_id: UserId,
    number: RegistrationNumber,
    kind: &str,
    due: Option<Date>,
) -> NewMessage {
    let due_bg = due
        .map(|d| format!("{} г.", bg_date(d)))
        .unwrap_or_else(|| "—".into());
    let due_en = due.map(|d| d.to_string()).unwrap_or_else(|| "—".into());
    let (subject, what_bg, what_en) = match kind {
        "overdue" => (
            format!("Просрочена преписка № {number} (срок {due_bg})"),
            format!("Срокът за отговор по преписка № {number} изтече на {due_bg}."),
            format!("The answer to case No. {number} was due on {due_en}."),
        ),
        "escalated" => (
            format!("Ескалирана просрочена преписка № {number}"),
            format!(
                "Преписка № {number} е просрочена (срок {due_bg}) и е ескалирана към кабинета на кмета."
            ),
            format!(
                "Case No. {number} is overdue (due {due_en}) and was escalated to the Mayor's office."
            ),
        ),
        _ => (
            format!("Напомняне: срокът по преписка № {number} изтича на {due_bg}"),
            format!("Срокът за отговор по преписка № {number} изтича скоро: {due_bg}."),
            format!("The answer to case No. {number} is due soon: {due_en}."),
        ),
    };
    let link = n
        .public_url
        .as_ref()
        .map(|u| format!("{u}/staff/cases/{number}"));
    let letter = Letter {
        greeting_bg: format!("Здравейте, {name},"),
        greeting_en: format!("Hello {name},"),
        intro_bg: vec![what_bg],
        intro_en: vec![what_en],
        facts: Vec::new(),
        outro_bg: link.iter().map(|l| format!("Преписката: {l}")).collect(),
        outro_en: link.iter().map(|l| format!("The case: {l}")).collect(),
    };
    let mut m = message(
        n,
        MessageKind::StaffReminder,
        Recipient::Address {
            email: email.to_owned(),
            name: Some(name.to_owned()),
        },
        subject,
        &letter,
    );
    m.dedupe_key = Some(format!(
        "reminder:{case_id}:{user_id}:{kind}:{}",
        due.map(|d| d.to_string()).unwrap_or_default()
    ));
    m
}

/// A reception visit, for its e-mails: whom, when, and its calendar event.
#[derive(Debug, Clone)]
pub struct VisitMail<'a> {
    /// The (unverified) address the visitor gave.
    pub email: &'a str,
    /// Whom the visit is with, as it reads after "при" / "with": `кмета на Община Хасково`.
    pub with_bg: &'a str,
    pub with_en: &'a str,
    pub day: Date,
    pub slot: &'a str,
    pub minutes: i64,
    /// The calendar event's UID and SEQUENCE.
    pub uid: &'a str,
    pub sequence: i64,
    /// When the message is written.
    pub at: Timestamp,
}

/// In place of the booking code, when the e-mail cannot carry it (no SMTP server: the message
/// would only wait, so the code is not kept for it).
const CODE_SHOWN_AT_BOOKING: &str = "показан при записването / shown when you booked";

/// Where a visit is cancelled or moved: the portal's page for it.
fn change_page(n: &Notifier) -> Option<String> {
    n.public_url
        .as_ref()
        .map(|u| format!("{u}/reception/change"))
}

/// The place of a visit: the municipality and its address.
fn visit_place(n: &Notifier) -> String {
    format!("{}, {}", n.letterhead.organisation, n.letterhead.address)
}

/// The calendar file of a visit (`visit.ics`), to attach or to download.
pub fn visit_calendar(
    n: &Notifier,
    visit: &VisitMail<'_>,
    method: calendar::Method,
) -> Option<(String, String, Vec<u8>)> {
    let summary = format!("Прием при {} / Visit with {}", visit.with_bg, visit.with_en);
    let description = match change_page(n) {
        Some(url) => format!(
            "Отмяна или промяна на часа с кода за потвърждение: {url}\nCancel or move the visit \
             with the confirmation code: {url}"
        ),
        None => "Отмяна или промяна на часа с кода за потвърждение на портала.\nCancel or move \
                 the visit with the confirmation code on the portal."
            .to_owned(),
    };
    let location = visit_place(n);
    let ics = calendar::ics(
        method,
        &calendar::Visit {
            uid: visit.uid,
            sequence: visit.sequence,
            day: visit.day,
            slot: visit.slot,
            minutes: visit.minutes,
            summary: &summary,
            location: &location,
            description: &description,
            organiser: (&n.from_name, &n.from_address),
            // An invitation or a cancellation names the visitor it goes to; a download nobody.
            attendee: (method != calendar::Method::Publish && !visit.email.is_empty())
                .then_some(visit.email),
            stamp: visit.at,
        },
    )?;
    Some((
        "visit.ics".to_owned(),
        calendar::content_type(method),
        ics.into_bytes(),
    ))
}

/// The confirmation of a booked (or, with `moved`, a moved) reception visit, with its calendar
/// file attached and the code to cancel or move it (filled in by the worker at sending). Like
/// the receipt, it goes to an address nobody verified, so it carries nothing the citizen typed:
/// no name, no topic, no display name in `To:`.
pub fn booking_confirmation(
    n: &Notifier,
    visit: &VisitMail<'_>,
    moved: bool,
) -> Option<NewMessage> {
    let calendar = visit_calendar(n, visit, calendar::Method::Request)?;
    let when_bg = format!("{} г., {} ч.", bg_date(visit.day), visit.slot);
    let when_en = format!("{} {}", visit.day, visit.slot);
    let code = if n.smtp_configured {
        TRACKING_CODE_PLACEHOLDER
    } else {
        CODE_SHOWN_AT_BOOKING
    };
    let place = visit_place(n);
    let facts = vec![
        fact("При", "With", visit.with_bg, visit.with_en),
        fact("Дата и час", "Date and time", when_bg.clone(), when_en),
        fact("Място", "Place", place.clone(), place),
        fact(
            "Код за отмяна или промяна",
            "Code to cancel or move",
            code,
            code,
        ),
    ];
    // The link opens the visit with its code filled in (the worker writes the code in at
    // sending); without a server to send, the code is not kept, and the link asks for it.
    let link = change_page(n).map(|url| {
        if n.smtp_configured {
            format!("{url}?code={TRACKING_CODE_PLACEHOLDER}")
        } else {
            url
        }
    });
    let (change_bg, change_en) = match link {
        Some(url) => (
            format!("Можете да отмените часа или да го преместите в друг свободен час тук: {url}"),
            format!("You can cancel the visit or move it to another free time here: {url}"),
        ),
        None => (
            "Можете да отмените часа или да го преместите на портала с кода.".to_owned(),
            "You can cancel or move the visit on the portal with the code.".to_owned(),
        ),
    };
    let (intro_bg, intro_en, kind, subject) = if moved {
        (
            format!("Часът Ви за прием при {} е преместен.", visit.with_bg),
            format!("Your visit with {} has been moved.", visit.with_en),
            MessageKind::BookingConfirmation,
            format!("Преместен час за прием: {when_bg}"),
        )
    } else {
        (
            format!("Записан е час за прием при {}.", visit.with_bg),
            format!("A visit with {} has been booked.", visit.with_en),
            MessageKind::BookingConfirmation,
            format!("Записан час за прием: {when_bg}"),
        )
    };
    let letter = Letter {
        greeting_bg: "Здравейте,".into(),
        greeting_en: "Hello,".into(),
        intro_bg: vec![intro_bg],
        intro_en: vec![intro_en],
        facts,
        outro_bg: vec![
            change_bg,
            "Приложеният файл visit.ics добавя срещата в календара Ви.".into(),
            "Моля, елате 5 минути по-рано и носете документ за самоличност.".into(),
            format!(
                "Ако не сте записвали час в {}, някой е посочил адреса Ви по грешка: не е нужно \
                 да правите нищо.",
                n.letterhead.organisation
            ),
        ],
        outro_en: vec![
            change_en,
            "The attached file visit.ics adds the visit to your calendar.".into(),
            "Please come 5 minutes early and bring an identity document.".into(),
            format!(
                "If you booked nothing with {}, someone gave your address by mistake: there is \
                 nothing you need to do.",
                n.letterhead.organisation
            ),
        ],
    };
    let mut m = message(
        n,
        kind,
        Recipient::Address {
            email: visit.email.to_owned(),
            name: None,
        },
        format!("{subject} – {}", n.letterhead.organisation),
        &letter,
    );
    m.attach_file = Some(calendar);
    Some(m)
}

/// The notice that a visit was cancelled, with a calendar file (`METHOD:CANCEL`, the same UID)
/// that removes the event from the visitor's calendar.
pub fn booking_cancellation(n: &Notifier, visit: &VisitMail<'_>) -> Option<NewMessage> {
    let calendar = visit_calendar(n, visit, calendar::Method::Cancel)?;
    let when_bg = format!("{} г., {} ч.", bg_date(visit.day), visit.slot);
    let when_en = format!("{} {}", visit.day, visit.slot);
    let letter = Letter {
        greeting_bg: "Здравейте,".into(),
        greeting_en: "Hello,".into(),
        intro_bg: vec![format!(
            "Часът Ви за прием при {} е отменен.",
            visit.with_bg
        )],
        intro_en: vec![format!(
            "Your visit with {} has been cancelled.",
            visit.with_en
        )],
        facts: vec![
            fact("При", "With", visit.with_bg, visit.with_en),
            fact("Дата и час", "Date and time", when_bg.clone(), when_en),
        ],
        outro_bg: vec![
            "Приложеният файл visit.ics премахва срещата от календара Ви.".into(),
            "Ако искате нов час, запишете се отново на портала или по телефона.".into(),
        ],
        outro_en: vec![
            "The attached file visit.ics removes the visit from your calendar.".into(),
            "For another visit, book again on the portal or by phone.".into(),
        ],
    };
    let mut m = message(
        n,
        MessageKind::BookingCancellation,
        Recipient::Address {
            email: visit.email.to_owned(),
            name: None,
        },
        format!(
            "Отменен час за прием: {when_bg} – {}",
            n.letterhead.organisation
        ),
        &letter,
    );
    m.attach_file = Some(calendar);
    Some(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The register keeps a receipt's facts, not its text: written twice from the same facts,
    /// the e-mail is the same, with the number in it and the code left for the worker.
    #[test]
    fn a_receipt_written_twice_from_its_facts_is_the_same() {
        let n = Notifier::default();
        let facts = ReceiptFacts {
            kind: Kind::Complaint,
            received_at: "2026-03-02T08:15:00Z".parse().unwrap(),
            considered: true,
            answer_due: Some(Date::constant(2026, 3, 9)),
            reasons: vec![("Срок 7 дни.".into(), "A 7-day term.".into())],
        };
        let number: RegistrationNumber = "2026-000042".parse().unwrap();
        let first = receipt_body(&n, number, &facts);
        assert_eq!(first, receipt_body(&n, number, &facts));
        let (text, html) = first;
        assert!(text.contains("2026-000042") && html.contains("2026-000042"));
        assert!(text.contains(TRACKING_CODE_PLACEHOLDER));
        assert!(text.contains("09.03.2026"), "{text}");
        assert!(text.contains("Срок 7 дни.") && text.contains("A 7-day term."));
        assert!(!text.contains(NUMBER_PLACEHOLDER));
    }
}
