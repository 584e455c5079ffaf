//! `/track`: a case by number and tracking code — its status, its history as the citizen may
//! see it, delay notices with their reasons and new dates, the written answer, and once answered
//! a short satisfaction survey (one per case).
//!
//! The code travels in a POST body, never in the address, so it stays out of logs and history.

use super::layout::{self, Errors, Nav, Prefs, TextInput};
use super::once;
use super::submit::kind_text;
use super::upload;
use crate::extract::Path;
use crate::state::AppState;
use axum::Form;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use maud::{Markup, html};
use priemna_app::AppError;
use priemna_app::conversation::CitizenInput;
use priemna_app::uploads::{MAX_FILE_BYTES, MAX_FILES};
use priemna_domain::conversation;
use priemna_domain::submission::MAX_BODY_CHARS;
use priemna_domain::{RegistrationNumber, Status};
use priemna_store::{CaseMessage, CitizenView, Direction, MessageChannel, StoreError, Survey};
use serde::Deserialize;

const MAX_COMMENT_CHARS: usize = 2000;

#[derive(Debug, Default, Deserialize)]
pub struct TrackForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    code: String,
}

#[derive(Debug, Default, Deserialize, Clone)]
pub struct SurveyForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    rating: String,
    #[serde(default)]
    on_time: String,
    #[serde(default)]
    clear: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    form_token: String,
}

/// What `GET /track` may be given: the number (a receipt's tracking link), never the code.
#[derive(Debug, Default, Deserialize)]
pub struct TrackQuery {
    #[serde(default)]
    number: String,
}

/// `GET /track`, `GET /track?number=…` (the number filled in).
pub async fn form(
    prefs: Prefs,
    query: Result<Query<TrackQuery>, axum::extract::rejection::QueryRejection>,
) -> Markup {
    let number = query
        .ok()
        .map(|Query(q)| q.number)
        .filter(|n| n.trim().parse::<RegistrationNumber>().is_ok())
        .unwrap_or_default();
    let form = TrackForm {
        number,
        code: String::new(),
    };
    lookup_page(&prefs, &form, &Errors::default(), false)
}

fn lookup_page(prefs: &Prefs, form: &TrackForm, errors: &Errors, not_found: bool) -> Markup {
    let title = prefs.t("Проследяване на преписка", "Track a case");
    let body = html! {
        h1 { (title) }
        (errors.summary(prefs))
        @if not_found {
            div.alert role="alert" id="not-found" {
                p { (prefs.t(
                    "Няма преписка с този номер и код. Проверете ги в разписката — кодът е от 12 знака, например K7QM-3XHD-92TF.",
                    "There is no case with this number and code. Check them on your receipt — the code has 12 characters, for example K7QM-3XHD-92TF.")) }
            }
        }
        p.lead { (prefs.t(
            "Въведете регистрационния номер и кода за проследяване от разписката.",
            "Enter the registration number and the tracking code from your receipt.")) }
        form method="post" action="/track" novalidate {
            (TextInput { required: true, class: Some("short"), autocomplete: Some("off"),
                hint: Some(prefs.t("Например 2026-000123.", "For example 2026-000123.")),
                ..TextInput::new("number", prefs.t("Регистрационен номер", "Registration number"), &form.number) }
                .render(prefs, errors))
            (TextInput { required: true, class: Some("short"), autocomplete: Some("off"),
                hint: Some(prefs.t("12 букви и цифри; тиретата не са задължителни.", "12 letters and digits; the dashes are optional.")),
                ..TextInput::new("code", prefs.t("Код за проследяване", "Tracking code"), &form.code) }
                .render(prefs, errors))
            button type="submit" { (prefs.t("Покажи преписката", "Show the case")) }
        }
        p { (prefs.t("Изгубили сте кода? Обадете се на 038 603330 — ще Ви помогнем, след като установим самоличността Ви.",
                     "Lost the code? Call +359 38 603330 — we will help once we have confirmed who you are.")) }
    };
    layout::page(prefs, Nav::Track, title, body)
}

fn check_lookup(prefs: &Prefs, number: &str, code: &str) -> (Option<RegistrationNumber>, Errors) {
    let mut errors = Errors::default();
    let parsed = if number.trim().is_empty() {
        errors.add(
            "number",
            prefs.t(
                "Въведете регистрационния номер.",
                "Enter the registration number.",
            ),
        );
        None
    } else {
        let parsed = number.trim().parse::<RegistrationNumber>().ok();
        if parsed.is_none() {
            errors.add(
                "number",
                prefs.t(
                    "Номерът е година, тире и шест цифри, например 2026-000123.",
                    "The number is a year, a dash and six digits, for example 2026-000123.",
                ),
            );
        }
        parsed
    };
    if code.trim().is_empty() {
        errors.add(
            "code",
            prefs.t("Въведете кода за проследяване.", "Enter the tracking code."),
        );
    }
    (parsed, errors)
}

fn unavailable(prefs: &Prefs, e: &StoreError) -> Response {
    tracing::error!(error = %e, "tracking failed");
    layout::error_page(
        prefs,
        StatusCode::SERVICE_UNAVAILABLE,
        prefs.t("Регистърът не е достъпен", "The register is unavailable"),
        prefs.t(
            "Опитайте отново след малко.",
            "Please try again in a moment.",
        ),
    )
}

/// `POST /track`.
pub async fn show(
    State(app): State<AppState>,
    prefs: Prefs,
    form: Result<Form<TrackForm>, FormRejection>,
) -> Response {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let (number, errors) = check_lookup(&prefs, &form.number, &form.code);
    let Some(number) = number.filter(|_| errors.is_empty()) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            lookup_page(&prefs, &form, &errors, false),
        )
            .into_response();
    };
    match app.store.find_for_citizen(number, form.code.trim()).await {
        Ok(Some(view)) => {
            case_response(
                &app,
                &prefs,
                &view,
                form.code.trim(),
                &SurveyState::default(),
            )
            .await
        }
        Ok(None) => {
            let mut errors = Errors::default();
            errors.add("number", prefs.t("Проверете номера.", "Check the number."));
            errors.add("code", prefs.t("Проверете кода.", "Check the code."));
            (
                StatusCode::NOT_FOUND,
                lookup_page(&prefs, &form, &errors, true),
            )
                .into_response()
        }
        Err(e) => unavailable(&prefs, &e),
    }
}

/// The survey part of the case page, and the conversation's form.
#[derive(Default)]
struct SurveyState {
    form: Option<SurveyForm>,
    errors: Errors,
    thanks: bool,
    already: bool,
    /// The citizen's message sent back with its errors.
    talk_text: String,
    talk_errors: Errors,
    /// The citizen's message was added.
    sent: bool,
}

/// The conversation as the citizen sees it: never an internal note.
#[derive(Default)]
struct Talk {
    messages: Vec<CaseMessage>,
    /// A request waits for the citizen: answer by this day.
    awaiting: Option<Option<Date>>,
    kind_stops: bool,
}

async fn case_response(
    app: &AppState,
    prefs: &Prefs,
    view: &CitizenView,
    code: &str,
    survey: &SurveyState,
) -> Response {
    let existing = match app.store.survey(view.number).await {
        Ok(s) => s,
        Err(e) => return unavailable(prefs, &e),
    };
    let letter = match view.answer_text {
        Some(_) => match answer_letter(app, view.number).await {
            Ok(letter) => letter.is_some(),
            Err(e) => return unavailable(prefs, &e),
        },
        None => false,
    };
    let talk = match talk_of(app, view.number).await {
        Ok(talk) => talk,
        Err(e) => return unavailable(prefs, &e),
    };
    let status = if survey.errors.is_empty() && survey.talk_errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        case_page(prefs, view, code, existing.as_ref(), survey, letter, &talk),
    )
        .into_response()
}

async fn talk_of(app: &AppState, number: RegistrationNumber) -> Result<Talk, StoreError> {
    let Some(case) = app.store.case_by_number(number).await? else {
        return Ok(Talk::default());
    };
    let messages: Vec<CaseMessage> = app
        .store
        .case_messages(case.id, false)
        .await?
        .into_iter()
        .filter(|m| m.direction != Direction::Internal)
        .collect();
    let awaiting = app.store.awaiting_since(case.id).await?.map(|_| {
        messages
            .iter()
            .rev()
            .find(|m| m.direction == Direction::ToCitizen)
            .and_then(|m| m.due_date)
    });
    Ok(Talk {
        messages,
        awaiting,
        kind_stops: conversation::term_when_asked(case.kind) == conversation::Term::Stops,
    })
}

fn status_text(prefs: &Prefs, status: Status) -> &'static str {
    prefs.t(status.label_bg(), status.label_en())
}

fn case_page(
    prefs: &Prefs,
    view: &CitizenView,
    code: &str,
    existing: Option<&Survey>,
    survey: &SurveyState,
    letter: bool,
    talk: &Talk,
) -> Markup {
    let title = format!("{} {}", prefs.t("Преписка", "Case"), view.number);
    let (kind_name, _) = kind_text(prefs, view.kind);
    let delays: Vec<_> = view
        .history
        .iter()
        .filter(|e| e.status == Status::Inspection)
        .collect();
    let body = html! {
        (survey.errors.summary(prefs))
        (survey.talk_errors.summary(prefs))
        @if survey.sent {
            div.notice role="status" id="sent" { p { (prefs.t("Благодарим! Съобщението Ви е добавено към преписката.", "Thank you! Your message is added to the case.")) } }
        }
        @if let Some(by) = talk.awaiting {
            @if view.status.is_open() && !survey.sent {
                div.notice role="status" id="awaiting" {
                    p {
                        strong { (prefs.t("Очакваме информация от Вас", "We are waiting for information from you")) }
                        @if let Some(by) = by { " " (prefs.t("до ", "by ")) (prefs.day(by)) }
                        ". " a href="#conversation-title" { (prefs.t("Вижте какво е нужно", "See what is needed")) }
                    }
                }
            }
        }
        @if survey.thanks {
            div.notice role="status" { p { (prefs.t("Благодарим! Оценката Ви е записана.", "Thank you! Your rating is recorded.")) } }
        }
        @if survey.already {
            div.notice role="status" { p { (prefs.t("Тази преписка вече е оценена. Благодарим!", "This case has already been rated. Thank you!")) } }
        }
        h1 { (title) }
        dl.facts {
            dt { (prefs.t("Статус", "Status")) }
            dd { span.status id="case-status" { (status_text(prefs, view.status)) } }
            dt { (prefs.t("Относно", "Subject")) } dd { (view.subject) }
            dt { (prefs.t("Вид", "Kind")) } dd { (kind_name) }
            dt { (prefs.t("Получено на", "Received on")) } dd { (prefs.time(view.received_at)) }
            dt { (prefs.t("Срок за отговор", "Answer due by")) }
            dd id="answer-due" {
                @match view.answer_due {
                    Some(due) => strong { (prefs.day(due)) },
                    None if talk.awaiting.is_some() && talk.kind_stops => (prefs.t(
                        "спрян, докато получим поисканата информация; след това тече отначало",
                        "stopped until we receive the information asked for; then it runs anew")),
                    None => (prefs.t("няма", "none")),
                }
            }
            @if let Some(address) = &view.address {
                dt { (prefs.t("Място", "Location")) } dd { (address) }
            }
            @if !view.considered {
                dt { (prefs.t("Разглеждане", "Consideration")) }
                dd { (prefs.t("по хартата подаденото не се разглежда по същество", "under the charter this submission is not considered on its merits")) }
            }
        }
        @if !delays.is_empty() {
            h2 { (prefs.t("Удължен срок", "Deadline extended")) }
            @for e in &delays {
                div.delay {
                    p { strong { (prefs.time(e.at)) } }
                    p { (prefs.t(&e.note_bg, &e.note_en)) }
                }
            }
        }
        (talk_section(prefs, view, code, survey, talk))
        @if let Some(answer) = &view.answer_text {
            h2 id="answer-title" { (prefs.t("Отговор", "Answer")) }
            @if let Some(at) = view.answered_at {
                p.hint { (prefs.t("Изпратен на ", "Sent on ")) (prefs.time(at)) }
            }
            div.text id="answer" aria-labelledby="answer-title" { (answer) }
            @if letter {
                // The code goes in the body of a POST, never in an address.
                form.no-print method="post" action="/track/answer" {
                    input type="hidden" name="number" value=(view.number.to_string());
                    input type="hidden" name="code" value=(code);
                    button.secondary type="submit" id="answer-pdf" { (prefs.t("Изтегли писмото с отговора (PDF)", "Download the answer letter (PDF)")) }
                }
            }
        }
        @if !view.decisions.is_empty() {
            h2 { (prefs.t("Какво казва хартата", "What the charter says")) }
            ul { @for d in &view.decisions { li { (prefs.t(&d.reason_bg, &d.reason_en)) } } }
        }
        h2 { (prefs.t("История", "History")) }
        div.table-wrap {
            table.stacked {
                caption.visually-hidden { (prefs.t("История на преписката", "History of the case")) }
                thead { tr {
                    th scope="col" { (prefs.t("Дата и час", "Date and time")) }
                    th scope="col" { (prefs.t("Статус", "Status")) }
                    th scope="col" { (prefs.t("Какво стана", "What happened")) }
                } }
                tbody {
                    @for e in &view.history {
                        tr {
                            td data-label=(prefs.t("Дата и час", "Date and time")) { (prefs.time(e.at)) }
                            td data-label=(prefs.t("Статус", "Status")) { (status_text(prefs, e.status)) }
                            td data-label=(prefs.t("Какво стана", "What happened")) { (prefs.t(&e.note_bg, &e.note_en)) }
                        }
                    }
                }
            }
        }
        @if view.answer_text.is_some() {
            @if let Some(s) = existing {
                h2 { (prefs.t("Вашата оценка", "Your rating")) }
                p { (prefs.t("Оценихте обслужването с ", "You rated the service ")) strong { (s.rating) } (prefs.t(" от 5.", " out of 5.")) }
            } @else {
                (survey_form(prefs, view, code, survey))
            }
        }
        p.no-print { a href="/track" { (prefs.t("Друга преписка", "Another case")) } }
    };
    layout::page(prefs, Nav::Track, &title, body)
}

/// The conversation: the municipality's requests and the citizen's answers, in order, and
/// (while the case is open) the form to answer or add information, with files.
fn talk_section(
    prefs: &Prefs,
    view: &CitizenView,
    code: &str,
    survey: &SurveyState,
    talk: &Talk,
) -> Markup {
    let open = view.status.is_open();
    let (term_bg, term_en) = conversation::term_note(view.kind);
    let text_error = survey.talk_errors.get("text");
    let files_error = survey.talk_errors.get("attachments");
    html! {
        section aria-labelledby="conversation-title" {
            h2 id="conversation-title" { (prefs.t("Съобщения по преписката", "Messages on the case")) }
            @if talk.messages.is_empty() {
                p { (prefs.t("Още няма съобщения.", "No messages yet.")) }
            } @else {
                ol.conversation {
                    @for m in &talk.messages {
                        li.message.citizen[m.direction == Direction::FromCitizen] {
                            p.meta {
                                strong {
                                    @if m.direction == Direction::FromCitizen { (prefs.t("Вие", "You")) }
                                    @else { (prefs.t("Общината пита", "The municipality asks")) }
                                }
                                " · " (prefs.time(m.created_at))
                                @if let Some(by) = m.due_date { " · " (prefs.t("отговор до ", "answer by ")) (prefs.day(by)) }
                            }
                            div.text { (m.text) }
                            @if !m.attachments.is_empty() {
                                ul.files { @for a in &m.attachments { li { (a.filename) } } }
                            }
                        }
                    }
                }
            }
            @if open {
                @if talk.awaiting.is_some() { p.hint { (prefs.t(term_bg, term_en)) } }
                form method="post" action="/track/message" enctype="multipart/form-data" novalidate {
                    (once::hidden(&once::new_token()))
                    input type="hidden" name="number" value=(view.number.to_string());
                    input type="hidden" name="code" value=(code);
                    div.field.invalid[text_error.is_some()] {
                        label for="text" {
                            @if talk.awaiting.is_some() { (prefs.t("Вашият отговор", "Your answer")) }
                            @else { (prefs.t("Добавете информация към преписката", "Add information to the case")) }
                        }
                        (layout::error_line(prefs, "text", text_error.as_deref()))
                        textarea id="text" name="text" rows="5" maxlength=(MAX_BODY_CHARS)
                            aria-describedby=[text_error.is_some().then_some("text-error")]
                            aria-invalid=[text_error.is_some().then_some("true")] { (survey.talk_text) }
                    }
                    div.field.invalid[files_error.is_some()] {
                        label for="attachments" { (prefs.t("Файлове", "Files")) " " span { (prefs.t("(по желание)", "(optional)")) } }
                        p.hint id="attachments-hint" { (prefs.t("До 5 файла, всеки до 5 MB: снимки (JPEG, PNG, WebP, HEIC) или PDF.", "Up to 5 files of 5 MB each: photos (JPEG, PNG, WebP, HEIC) or PDF.")) }
                        (layout::error_line(prefs, "attachments", files_error.as_deref()))
                        input type="file" id="attachments" name="attachments" multiple accept=(upload::ACCEPT_ATTRIBUTE)
                            aria-describedby=(if files_error.is_some() { "attachments-hint attachments-error" } else { "attachments-hint" })
                            aria-invalid=[files_error.is_some().then_some("true")];
                    }
                    button type="submit" id="send-message" { (prefs.t("Изпрати", "Send")) }
                }
            } @else {
                p { (prefs.t("Преписката е приключена: към нея не може да се добавя. При нужда подайте ново подаване.",
                             "The case is finished: nothing can be added to it. Send a new submission if needed.")) }
            }
        }
    }
}

fn yes_no(prefs: &Prefs, errors: &Errors, (id, legend): (&str, &str), value: &str) -> Markup {
    let error = errors.get(id);
    html! {
        fieldset.invalid[error.is_some()] id=(id) tabindex="-1"
            aria-describedby=[error.is_some().then(|| format!("{id}-error"))] {
            legend { (legend) " " span { (prefs.t("(по желание)", "(optional)")) } }
            (layout::error_line(prefs, id, error.as_deref()))
            @for (v, bg, en) in [("yes", "Да", "Yes"), ("no", "Не", "No")] {
                @let control = format!("{id}-{v}");
                div.choice {
                    input type="radio" id=(control) name=(id) value=(v) checked[value == v];
                    label for=(control) { (prefs.t(bg, en)) }
                }
            }
        }
    }
}

fn survey_form(prefs: &Prefs, view: &CitizenView, code: &str, survey: &SurveyState) -> Markup {
    let empty = SurveyForm::default();
    let form = survey.form.as_ref().unwrap_or(&empty);
    let errors = &survey.errors;
    let rating_error = errors.get("rating");
    let comment_error = errors.get("comment");
    html! {
        section.panel aria-labelledby="survey-title" {
            h2 id="survey-title" { (prefs.t("Оценете обслужването", "Rate the service")) }
            p { (prefs.t("Три кратки въпроса. Оценката е една за преписката и ни помага да работим по-добре.",
                         "Three short questions. There is one rating per case, and it helps us do better.")) }
            form method="post" action="/track/survey" novalidate {
                (once::hidden(&once::new_token()))
                input type="hidden" name="number" value=(view.number.to_string());
                input type="hidden" name="code" value=(code);
                fieldset.invalid[rating_error.is_some()] id="rating" tabindex="-1"
                    aria-describedby=[rating_error.is_some().then_some("rating-error")] {
                    legend { (prefs.t("Колко сте доволни от отговора и обслужването?", "How satisfied are you with the answer and the service?")) }
                    (layout::error_line(prefs, "rating", rating_error.as_deref()))
                    @for (v, bg, en) in [("5", "5 — много доволен/доволна", "5 — very satisfied"),
                                         ("4", "4 — доволен/доволна", "4 — satisfied"),
                                         ("3", "3 — нито доволен, нито недоволен", "3 — neither satisfied nor dissatisfied"),
                                         ("2", "2 — недоволен/недоволна", "2 — dissatisfied"),
                                         ("1", "1 — много недоволен/недоволна", "1 — very dissatisfied")] {
                        @let control = format!("rating-{v}");
                        div.choice {
                            input type="radio" id=(control) name="rating" value=(v) checked[form.rating == v];
                            label for=(control) { (prefs.t(bg, en)) }
                        }
                    }
                }
                (yes_no(prefs, errors, ("on_time", prefs.t("Получихте ли отговор в срок?", "Did you get the answer in time?")), &form.on_time))
                (yes_no(prefs, errors, ("clear", prefs.t("Ясен ли беше отговорът?", "Was the answer clear?")), &form.clear))
                div.field.invalid[comment_error.is_some()] {
                    label for="comment" { (prefs.t("Какво да подобрим?", "What should we improve?")) " " (prefs.t("(по желание)", "(optional)")) }
                    (layout::error_line(prefs, "comment", comment_error.as_deref()))
                    textarea id="comment" name="comment" rows="3" maxlength=(MAX_COMMENT_CHARS)
                        aria-describedby=[comment_error.is_some().then_some("comment-error")]
                        aria-invalid=[comment_error.is_some().then_some("true")] { (form.comment) }
                }
                button type="submit" { (prefs.t("Изпрати оценката", "Send the rating")) }
            }
        }
    }
}

fn yes_no_value(s: &str) -> Option<bool> {
    match s {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

/// `POST /track/survey`: the case's one rating, after its answer.
pub async fn survey(
    State(app): State<AppState>,
    prefs: Prefs,
    form: Result<Form<SurveyForm>, FormRejection>,
) -> Response {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let (number, lookup_errors) = check_lookup(&prefs, &form.number, &form.code);
    let code = form.code.trim().to_owned();
    let view = match number.filter(|_| lookup_errors.is_empty()) {
        None => None,
        Some(number) => match app.store.find_for_citizen(number, &code).await {
            Ok(view) => view,
            Err(e) => return unavailable(&prefs, &e),
        },
    };
    let Some(view) = view else {
        let lookup = TrackForm {
            number: form.number.clone(),
            code: form.code.clone(),
        };
        return (
            StatusCode::NOT_FOUND,
            lookup_page(&prefs, &lookup, &Errors::default(), true),
        )
            .into_response();
    };
    if view.answer_text.is_none() {
        return layout::error_page(
            &prefs,
            StatusCode::CONFLICT,
            prefs.t("Още няма отговор", "No answer yet"),
            prefs.t(
                "Обслужването може да се оцени след отговора.",
                "The service can be rated once the answer is given.",
            ),
        );
    }
    let mut errors = Errors::default();
    let rating = form
        .rating
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|r| (1..=5).contains(r));
    if rating.is_none() {
        errors.add(
            "rating",
            prefs.t("Изберете оценка от 1 до 5.", "Choose a rating from 1 to 5."),
        );
    }
    let comment = form.comment.trim();
    if comment.chars().count() > MAX_COMMENT_CHARS {
        errors.add(
            "comment",
            if prefs.en() {
                format!("Write at most {MAX_COMMENT_CHARS} characters.")
            } else {
                format!("Напишете най-много {MAX_COMMENT_CHARS} знака.")
            },
        );
    }
    if comment
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errors.add(
            "comment",
            prefs.t(
                "Текстът съдържа недопустими знаци.",
                "The text contains characters that are not allowed.",
            ),
        );
    }
    let Some(rating) = rating.filter(|_| errors.is_empty()) else {
        let state = SurveyState {
            form: Some(form.clone()),
            errors,
            ..SurveyState::default()
        };
        return case_response(&app, &prefs, &view, &code, &state).await;
    };
    let record = Survey {
        rating,
        on_time: yes_no_value(&form.on_time),
        clear: yes_no_value(&form.clear),
        comment: (!comment.is_empty()).then(|| comment.to_owned()),
    };
    let now = app.clock.now();
    let token = once::parse(&form.form_token).unwrap_or_else(once::new_token);
    let claim = once::form_once(&token, None, now);
    let rated = format!("/track/rated/{}", once::receipt_token(&token));
    match app
        .store
        .record_survey_once(view.number, record, now, Some((&claim, &code)))
        .await
    {
        Ok(()) => once::see_other(&rated),
        Err(StoreError::Duplicate(_)) => {
            // This form, sent twice at once, or the case rated already from another page.
            match once::already(&app, &token, "survey", "/track/rated").await {
                Ok(Some(location)) => once::see_other(&location),
                Ok(None) => {
                    let state = SurveyState {
                        already: true,
                        ..SurveyState::default()
                    };
                    case_response(&app, &prefs, &view, &code, &state).await
                }
                Err(e) => unavailable(&prefs, &e),
            }
        }
        Err(e) => unavailable(&prefs, &e),
    }
}

/// `GET /track/rated/{token}`: after a rating, the thanks and (for 30 minutes) the case.
pub async fn rated(
    State(app): State<AppState>,
    prefs: Prefs,
    Path(token): Path<String>,
) -> Response {
    let after = AfterOnce {
        purpose: "survey",
        gone: (
            "Оценката е записана. Проследявайте преписката с номера и кода за проследяване.",
            "The rating is recorded. Track the case with the number and the tracking code.",
        ),
        thanks: (
            "Благодарим! Оценката Ви е записана.",
            "Thank you! Your rating is recorded.",
        ),
        state: SurveyState {
            thanks: true,
            ..SurveyState::default()
        },
    };
    after_once(&app, &prefs, &token, after).await
}

/// What a page shown after a once-only form says: `gone` when its token is spent, `thanks`
/// above the case, and the case's page in `state`.
struct AfterOnce {
    purpose: &'static str,
    gone: (&'static str, &'static str),
    thanks: (&'static str, &'static str),
    state: SurveyState,
}

/// After a form that may be sent once (a rating, a message): the thanks and, while the
/// token lasts (30 minutes), the case itself.
async fn after_once(app: &AppState, prefs: &Prefs, token: &str, after: AfterOnce) -> Response {
    let found = match once::find(app, token, after.purpose).await {
        Ok(found) => found,
        Err(e) => return unavailable(prefs, &e),
    };
    let Some(found) = found else {
        return layout::error_page(
            prefs,
            StatusCode::NOT_FOUND,
            prefs.t(
                "Страницата вече не се показва",
                "This page is no longer shown",
            ),
            prefs.t(after.gone.0, after.gone.1),
        );
    };
    let number = found.result.parse::<RegistrationNumber>().ok();
    if let (Some(number), Some((code, _))) = (number, &found.secret) {
        match app.store.find_for_citizen(number, code).await {
            Ok(Some(view)) => return case_response(app, prefs, &view, code, &after.state).await,
            Ok(None) => {}
            Err(e) => return unavailable(prefs, &e),
        }
    }
    let title = prefs.t("Благодарим!", "Thank you!");
    let body = html! {
        div.notice role="status" { p { (prefs.t(after.thanks.0, after.thanks.1)) } }
        h1 { (title) }
        p { a href=(format!("/track?number={}", found.result)) { (prefs.t("Към преписката", "To the case")) } }
    };
    (
        [(header::CACHE_CONTROL, "no-store")],
        layout::page(prefs, Nav::Track, title, body),
    )
        .into_response()
}

/// The answer letter kept with the case, if there is one (it may have been erased after the
/// retention period).
async fn answer_letter(
    app: &AppState,
    number: RegistrationNumber,
) -> Result<Option<i64>, StoreError> {
    let Some(case) = app.store.case_by_number(number).await? else {
        return Ok(None);
    };
    Ok(app
        .store
        .documents(case.id)
        .await?
        .into_iter()
        .rfind(|d| d.kind == priemna_store::DocumentKind::Answer)
        .map(|d| d.id))
}

/// `POST /track/answer`: the written answer as the PDF letter that was sent, for whoever has the
/// number and the code (in the body, never in the address).
pub async fn answer_pdf(
    State(app): State<AppState>,
    prefs: Prefs,
    form: Result<Form<TrackForm>, FormRejection>,
) -> Response {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let (number, errors) = check_lookup(&prefs, &form.number, &form.code);
    let not_found = |prefs: &Prefs| {
        layout::error_page(
            prefs,
            StatusCode::NOT_FOUND,
            prefs.t("Няма писмо с отговор", "No answer letter"),
            prefs.t(
                "Няма преписка с този номер и код или по нея още няма писмо с отговор.",
                "There is no case with this number and code, or it has no answer letter yet.",
            ),
        )
    };
    let Some(number) = number.filter(|_| errors.is_empty()) else {
        return not_found(&prefs);
    };
    match app.store.find_for_citizen(number, form.code.trim()).await {
        Ok(Some(_)) => {}
        Ok(None) => return not_found(&prefs),
        Err(e) => return unavailable(&prefs, &e),
    }
    let id = match answer_letter(&app, number).await {
        Ok(Some(id)) => id,
        Ok(None) => return not_found(&prefs),
        Err(e) => return unavailable(&prefs, &e),
    };
    match app.store.document_content(id).await {
        Ok(Some((doc, content))) if !content.is_empty() => {
            crate::pdf::pdf_response(&doc.filename, content)
        }
        Ok(_) => not_found(&prefs),
        Err(e) => unavailable(&prefs, &e),
    }
}

/// `POST /track/message` (multipart): the citizen answers a request or adds information to an
/// open case, with files checked as the submission form checks them. Errors come back on the
/// case page next to their fields; the same form sent twice adds one message.
pub async fn message(
    State(app): State<AppState>,
    prefs: Prefs,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let (fields, files, broken) = match multipart {
        Ok(multipart) => super::submit::read_multipart(multipart, "message").await,
        Err(_) => (Vec::new(), Vec::new(), true),
    };
    let (mut number, mut code, mut text, mut token) =
        (String::new(), String::new(), String::new(), String::new());
    for (name, value) in fields {
        match name.as_str() {
            "number" => number = value,
            "code" => code = value,
            "text" => text = value,
            once::FIELD => token = value,
            _ => {}
        }
    }
    let (parsed, lookup_errors) = check_lookup(&prefs, &number, &code);
    let code = code.trim().to_owned();
    let view = match parsed.filter(|_| lookup_errors.is_empty()) {
        None => None,
        Some(number) => match app.store.find_for_citizen(number, &code).await {
            Ok(view) => view,
            Err(e) => return unavailable(&prefs, &e),
        },
    };
    let Some(view) = view else {
        let lookup = TrackForm { number, code };
        return (
            StatusCode::NOT_FOUND,
            lookup_page(&prefs, &lookup, &Errors::default(), true),
        )
            .into_response();
    };
    // The same form again: what it added the first time.
    let token = match once::parse(&token) {
        Some(token) => {
            match once::already(&app, &token, "message", "/track/sent").await {
                Ok(Some(location)) => return once::see_other(&location),
                Ok(None) => {}
                Err(e) => return unavailable(&prefs, &e),
            }
            token
        }
        None => once::new_token(),
    };
    if !view.status.is_open() {
        return layout::error_page(
            &prefs,
            StatusCode::CONFLICT,
            prefs.t("Преписката е приключена", "The case is finished"),
            prefs.t(
                "Към приключена преписка не може да се добавя информация. При нужда подайте ново подаване.",
                "Nothing can be added to a finished case. Send a new submission if needed.",
            ),
        );
    }
    let mut errors = Errors::default();
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
        super::submit::check_files(&prefs, files, &mut errors)
    };
    let trimmed = text.trim();
    if trimmed.is_empty() && attachments.is_empty() && errors.is_empty() {
        errors.add(
            "text",
            prefs.t(
                "Напишете отговора или информацията, която добавяте, или приложете файл.",
                "Write your answer or the information you add, or attach a file.",
            ),
        );
    }
    if trimmed.chars().count() > MAX_BODY_CHARS {
        errors.add(
            "text",
            if prefs.en() {
                format!("Write at most {MAX_BODY_CHARS} characters.")
            } else {
                format!("Напишете най-много {MAX_BODY_CHARS} знака.")
            },
        );
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        errors.add(
            "text",
            prefs.t(
                "Текстът съдържа недопустими знаци.",
                "The text contains characters that are not allowed.",
            ),
        );
    }
    if !errors.is_empty() {
        let state = SurveyState {
            talk_text: text,
            talk_errors: errors,
            ..SurveyState::default()
        };
        return case_response(&app, &prefs, &view, &code, &state).await;
    }
    let case = match app.store.case_by_number(view.number).await {
        Ok(Some(case)) => case,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return unavailable(&prefs, &e),
    };
    let now = app.clock.now();
    let input = CitizenInput {
        text,
        full_text: None,
        files: attachments,
        channel: MessageChannel::Portal,
        message_key: None,
        form: Some((once::form_once(&token, None, now), code.clone())),
        actor: priemna_app::conversation::CITIZEN.to_owned(),
        received_at: None,
    };
    let sent = format!("/track/sent/{}", once::receipt_token(&token));
    match priemna_app::conversation::from_citizen(&app, &case, input).await {
        Ok(_) => once::see_other(&sent),
        Err(AppError::Conflict {
            reason_bg,
            reason_en,
        }) => {
            // The form sent twice at once, or the case finished meanwhile.
            match once::already(&app, &token, "message", "/track/sent").await {
                Ok(Some(location)) => once::see_other(&location),
                Ok(None) => layout::error_page(
                    &prefs,
                    StatusCode::CONFLICT,
                    prefs.t("Съобщението не е добавено", "The message was not added"),
                    prefs.t(&reason_bg, &reason_en),
                ),
                Err(e) => unavailable(&prefs, &e),
            }
        }
        Err(AppError::Validation(fields)) => {
            let mut errors = Errors::default();
            for f in fields {
                errors.add(
                    &f.field,
                    prefs.t(&f.problem.message_bg(), &f.problem.message_en()),
                );
            }
            let state = SurveyState {
                talk_errors: errors,
                ..SurveyState::default()
            };
            case_response(&app, &prefs, &view, &code, &state).await
        }
        Err(e) => {
            tracing::error!(error = %e, "the citizen's message could not be added");
            layout::error_page(
                &prefs,
                StatusCode::SERVICE_UNAVAILABLE,
                prefs.t("Регистърът не е достъпен", "The register is unavailable"),
                prefs.t(
                    "Нищо не е записано. Опитайте отново след малко.",
                    "Nothing was saved. Please try again in a moment.",
                ),
            )
        }
    }
}

/// `GET /track/sent/{token}`: after a message, the thanks and (for 30 minutes) the case.
pub async fn sent(
    State(app): State<AppState>,
    prefs: Prefs,
    Path(token): Path<String>,
) -> Response {
    let after = AfterOnce {
        purpose: "message",
        gone: (
            "Съобщението е добавено. Проследявайте преписката с номера и кода за проследяване.",
            "The message is added. Track the case with the number and the tracking code.",
        ),
        thanks: (
            "Благодарим! Съобщението Ви е добавено към преписката.",
            "Thank you! Your message is added to the case.",
        ),
        state: SurveyState {
            sent: true,
            ..SurveyState::default()
        },
    };
    after_once(&app, &prefs, &token, after).await
}
