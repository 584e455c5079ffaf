//! The conversation on a case in the back office: the messages in order (requests for
//! information, the citizen's answers with their files, internal notes marked as such), whether
//! a request waits and what it does to the term, and the forms to ask the citizen and to write a
//! note — each only where `domain::access` allows it.

use super::layout;
use crate::state::AppState;
use maud::{Markup, html};
use priemna_app::staff::Staff;
use priemna_domain::access::{self, Permission};
use priemna_domain::clock::local_date;
use priemna_domain::conversation::{self, Term};
use priemna_domain::submission::{FieldError, MAX_BODY_CHARS};
use priemna_store::{CaseMessage, CaseRecord, Direction, MailMode, MessageChannel};
use serde::Deserialize;

/// `POST /staff/cases/{number}/messages`.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub reply_by: String,
    #[serde(default)]
    pub csrf_token: Option<String>,
}

/// A form sent back with its errors.
#[derive(Debug, Default, Clone)]
pub struct Refused {
    pub form: MessageForm,
    pub fields: Vec<FieldError>,
    pub reason: Option<String>,
}

impl Refused {
    fn error(&self, kind: &str, field: &str) -> Option<String> {
        (self.form.kind == kind)
            .then(|| {
                self.fields
                    .iter()
                    .find(|f| f.field == field)
                    .map(|f| f.problem.message_bg())
            })
            .flatten()
    }
}

fn channel_bg(channel: MessageChannel) -> &'static str {
    match channel {
        MessageChannel::Portal => "през портала",
        MessageChannel::Email => "по е-поща",
        MessageChannel::Staff => "в деловодната система",
    }
}

fn who(m: &CaseMessage) -> String {
    match m.direction {
        Direction::FromCitizen => format!("Подателят, {}", channel_bg(m.channel)),
        Direction::ToCitizen => format!(
            "{} до подателя, {}",
            m.author_name.as_deref().unwrap_or("Община"),
            channel_bg(m.channel)
        ),
        Direction::Internal => match &m.author_name {
            Some(name) => format!("{name} — вътрешна бележка"),
            None => "Пощенската кутия — вътрешна бележка".to_owned(),
        },
    }
}

fn text_area(id: &str, label: &str, value: &str, error: Option<String>, hint: &str) -> Markup {
    html! {
        div.field {
            label for=(id) { (label) }
            span.hint id=(format!("{id}-hint")) { (hint) }
            @if let Some(e) = &error {
                p.error id=(format!("{id}-error")) { (e) }
            }
            textarea id=(id) name="text" rows="4" maxlength=(MAX_BODY_CHARS)
                aria-describedby=(format!("{id}-hint{}", if error.is_some() { format!(" {id}-error") } else { String::new() }))
                aria-invalid=[error.is_some().then_some("true")] { (value) }
        }
    }
}

/// The conversation section of the case page.
pub async fn panel(
    app: &AppState,
    staff: &Staff,
    case: &CaseRecord,
    refused: Option<&Refused>,
) -> Result<Markup, priemna_app::AppError> {
    let messages = app.store.case_messages(case.id, true).await?;
    let awaiting = app.store.awaiting_since(case.id).await?;
    let actor = staff.user.actor();
    let facts = case.facts();
    let open = case.status.is_open();
    let may_ask =
        open && access::check(&actor, Permission::RequestInformation, Some(&facts)).is_ok();
    let may_note = access::check(&actor, Permission::WriteNote, Some(&facts)).is_ok();
    let (term_bg, _) = conversation::term_note(case.kind);
    let stops = conversation::term_when_asked(case.kind) == Term::Stops;
    let today = local_date(app.clock.now());
    let default_by = conversation::default_reply_by(today, &app.calendar);
    let reply_by = messages
        .iter()
        .rev()
        .find(|m| m.direction == Direction::ToCitizen)
        .and_then(|m| m.due_date);
    let empty = Refused::default();
    let refused = refused.unwrap_or(&empty);
    Ok(html! {
        section id="conversation" aria-labelledby="conversation-title" {
            h2 id="conversation-title" { "Разговор с подателя" }
            @if let Some(since) = awaiting {
                div.notice role="status" id="awaiting" {
                    p {
                        strong { "Очаква се информация от подателя" }
                        " (поискана на " (layout::date_bg(since))
                        @if let Some(by) = reply_by { ", срок за отговор " (layout::date_bg(by)) }
                        "). "
                        @if stops && case.answer_due.is_none() {
                            "Срокът за отговор по заявлението е спрян до получаването ѝ."
                        } @else if !stops {
                            "Срокът за отговор не спира."
                        }
                    }
                }
            }
            p.hint { (term_bg) }
            @if let Some(reason) = &refused.reason {
                (layout::alert(reason))
            }
            @if messages.is_empty() {
                p { "Още няма съобщения." }
            } @else {
                ol.conversation {
                    @for m in &messages {
                        li.message.internal[m.direction == Direction::Internal]
                            .citizen[m.direction == Direction::FromCitizen]
                            id=(format!("message-{}", m.id)) {
                            p.meta {
                                strong { (who(m)) } " · " (layout::time_bg(m.created_at))
                                @if let Some(by) = m.due_date { " · отговор до " (layout::date_bg(by)) }
                            }
                            div.text { (m.text) }
                            @if !m.attachments.is_empty() {
                                ul.files {
                                    @for a in &m.attachments {
                                        li { a href=(format!("/staff/cases/{}/attachments/{}", case.number, a.id)) { (a.filename) } }
                                    }
                                }
                            }
                            @if let Some(full) = &m.full_text {
                                details {
                                    summary { "Цялото писмо (с цитираната история)" }
                                    div.text { (full) }
                                }
                            }
                        }
                    }
                }
            }
            @if may_ask {
                form method="post" action=(format!("/staff/cases/{}/messages", case.number)) id="ask-form" novalidate {
                    (layout::csrf_field(staff))
                    input type="hidden" name="kind" value="request_information";
                    h3 { "Поискай информация от подателя" }
                    (text_area("ask-text", "Какво липсва", if refused.form.kind == "request_information" { &refused.form.text } else { "" },
                        refused.error("request_information", "text"),
                        "Изпраща се по е-поща, ако подателят е дал адрес, и се вижда на страницата за проследяване."))
                    div.field {
                        label for="ask-due" { "Срок за отговор от подателя" }
                        @let due_error = refused.error("request_information", "due");
                        span.hint id="ask-due-hint" { "По подразбиране " (layout::date_bg(default_by)) " (7 дни)." }
                        @if let Some(e) = &due_error { p.error id="ask-due-error" { (e) } }
                        input type="date" id="ask-due" name="reply_by" value=(if refused.form.kind == "request_information" { refused.form.reply_by.clone() } else { String::new() })
                            aria-describedby="ask-due-hint" aria-invalid=[due_error.is_some().then_some("true")];
                    }
                    button type="submit" { "Изпрати искането" }
                }
            }
            @if may_note {
                form method="post" action=(format!("/staff/cases/{}/messages", case.number)) id="note-form" novalidate {
                    (layout::csrf_field(staff))
                    input type="hidden" name="kind" value="note";
                    h3 { "Вътрешна бележка" }
                    (text_area("note-text", "Бележка", if refused.form.kind == "note" { &refused.form.text } else { "" },
                        refused.error("note", "text"),
                        "Само за служителите: гражданинът никога не я вижда."))
                    button.secondary type="submit" { "Запиши бележката" }
                }
            }
        }
    })
}

/// `POST /staff/mail`.
#[derive(Debug, Default, Deserialize)]
pub struct MailForm {
    #[serde(default)]
    mode: String,
    #[serde(default)]
    csrf_token: Option<String>,
}

fn mail_page(staff: &Staff, mode: MailMode, done: bool) -> Markup {
    html! {
        h1 { "Писма за моите преписки" }
        @if done { (layout::notice("Изборът е записан.")) }
        p { "Напомнянията за срокове и съобщенията, че подател е отговорил по ваша преписка, \
             идват по е-поща на адреса от профила ви (ако има такъв). Напомнянията се виждат и \
             във входящите." }
        form method="post" action="/staff/mail" {
            (layout::csrf_field(staff))
            fieldset {
                legend { "Как да ги получавам" }
                @for (value, label) in [
                    (MailMode::Immediate, "Веднага — по едно писмо за всяко събитие"),
                    (MailMode::Digest, "Дневен обзор — едно писмо на ден, след 7:00 ч."),
                ] {
                    div.choice {
                        input type="radio" id=(format!("mode-{}", value.as_str())) name="mode"
                            value=(value.as_str()) checked[mode == value];
                        label for=(format!("mode-{}", value.as_str())) { (label) }
                    }
                }
            }
            button type="submit" { "Запиши" }
        }
    }
}

/// `GET /staff/mail`: an e-mail per event, or one a day.
pub async fn mail_form(
    axum::extract::State(app): axum::extract::State<AppState>,
    super::StaffPage(staff): super::StaffPage,
    axum::extract::Query(query): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Result<Markup, super::PageError> {
    let mode =
        app.store.mail_mode(staff.user.id).await.map_err(|e| {
            super::PageError::new(priemna_app::AppError::from(e).into(), Some(&staff))
        })?;
    let done = query.get("done").is_some_and(|d| d == "1");
    Ok(layout::page(
        "Писма за моите преписки",
        Some(&staff),
        layout::Section::None,
        mail_page(&staff, mode, done),
    ))
}

/// `POST /staff/mail` (journalled).
pub async fn mail_submit(
    axum::extract::State(app): axum::extract::State<AppState>,
    super::StaffPage(staff): super::StaffPage,
    form: Result<axum::Form<MailForm>, axum::extract::rejection::FormRejection>,
) -> Result<axum::response::Response, super::PageError> {
    let form = form.map(|axum::Form(f)| f).unwrap_or_default();
    staff
        .check_csrf(form.csrf_token.as_deref())
        .map_err(super::PageError::to(&staff))?;
    let Some(mode) = MailMode::parse(form.mode.trim()) else {
        return Err(super::PageError::new(
            crate::error::ApiError::BadRequest(vec![FieldError::new(
                "mode",
                priemna_domain::submission::Problem::Missing,
            )]),
            Some(&staff),
        ));
    };
    app.store
        .set_mail_mode(staff.user.id, mode, app.clock.now(), &staff.actor_label())
        .await
        .map_err(|e| super::PageError::new(priemna_app::AppError::from(e).into(), Some(&staff)))?;
    Ok(axum::response::IntoResponse::into_response(
        axum::response::Redirect::to("/staff/mail?done=1"),
    ))
}
