//! The back office's side of the citizens' portal: the day's reception bookings, the files and
//! the citizen's rating of a case, and the administrator's editor for the public pages.

use super::layout::{self, FormErrors, Section, TextArea};
use super::{PageError, StaffPage, rerender};
use crate::error::ApiError;
use crate::extract::Path;
use crate::portal::content;
use crate::portal::upload::human_size;
use crate::state::AppState;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use maud::{Markup, html};
use priemna_app::bookings;
use priemna_app::cases;
use priemna_app::staff::Staff;
use priemna_domain::access::Role;
use priemna_domain::clock::local_date;
use priemna_domain::submission::Problem;
use priemna_domain::visits::{OFFICIALS, official_with, started};
use priemna_store::{Attendance, Booking, PortalPage};
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;

/// The longest text of an editable page.
const MAX_PAGE_CHARS: usize = 50_000;

/// Whether this member of staff sees the list of visitors (`access::sees_bookings`).
pub fn may_see_bookings(staff: &Staff) -> bool {
    priemna_domain::access::sees_bookings(staff.user.role)
}

fn forbidden(staff: &Staff, why_bg: &str, why_en: &str) -> PageError {
    PageError::new(
        ApiError::Forbidden {
            reason_bg: why_bg.to_owned(),
            reason_en: why_en.to_owned(),
        },
        Some(staff),
    )
}

/// `GET /staff/reception?day=YYYY-MM-DD`: the day's bookings, by official and time.
pub async fn bookings(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    if !may_see_bookings(&staff) {
        return Err(forbidden(
            &staff,
            "Списъкът на записаните за прием (име, телефон, въпрос) е само за кабинета на кмета и деловодството.",
            "The list of booked visitors (name, phone, question) is only for the Mayor's office and the registry.",
        ));
    }
    let now = app.clock.now();
    let today = local_date(now);
    let day = query
        .get("day")
        .and_then(|d| d.parse::<Date>().ok())
        .unwrap_or(today);
    let list = app
        .store
        .bookings_on(day, &staff.actor_label(), now)
        .await
        .map_err(|e| PageError::new(e.into(), Some(&staff)))?;
    let mut back = day;
    for _ in 0..14 {
        match back.yesterday() {
            Ok(d) => back = d,
            Err(_) => break,
        }
        if app.calendar.is_working_day(back) {
            break;
        }
    }
    let next = app.calendar.next_working_day_after(day);
    let reception = priemna_domain::deadline::reception(day, &app.calendar);
    let title = format!("Записани за прием — {}", layout::date_bg(day));
    let active = list.iter().filter(|b| b.cancelled_at.is_none()).count();
    let booked = super::desk::flashed_booking_code(&app, &headers).await;
    let body = html! {
        @if let Some((b, code)) = &booked {
            div.notice role="status" {
                p { strong { "Часът е записан" } " при "
                    (official_with(&b.official).map(|(bg, _)| bg).unwrap_or_default()) ", "
                    (layout::date_bg(b.day)) ", " (b.slot) " ч., " (b.name) "." }
                p { "Код за потвърждение: " strong.code id="visit-code" { (code) }
                    " — продиктувайте го на обаждащия се; с него може да отмени или премести часа на портала. Показва се само сега." }
            }
        }
        h1 { (title) }
        p { a href=(format!("/staff/desk/visit?day={day}")) { "Записване на час по телефона" } }
        form.filters method="get" action="/staff/reception" {
            (layout::Input { id: "day", name: "day", label: "Ден", kind: "date",
                value: &day.to_string(), ..layout::Input::default() }.render())
            div.field { button.secondary type="submit" { "Покажи" } }
        }
        p.pager {
            a href=(format!("/staff/reception?day={back}")) { "← Предишен работен ден" }
            @if day != today { a href="/staff/reception" { "Днес" } }
            a href=(format!("/staff/reception?day={next}")) { "Следващ работен ден →" }
        }
        @if reception.hours.is_none() {
            p { strong { "Неработен ден: " } (reception.closed_reason_bg.unwrap_or_default()) "." }
        }
        p { "Записани: " strong { (active) } ". Всяко показване на списъка се записва в дневника." }
        @for (official, label_bg, _) in OFFICIALS {
            @let rows: Vec<_> = list.iter().filter(|b| b.official == official).collect();
            h2 { (label_bg) }
            @if rows.is_empty() {
                p { "Няма записани." }
            } @else {
                div.table-wrap {
                    table.stacked {
                        caption.visually-hidden { "Записани при " (official_with(official).map_or(label_bg, |(bg, _)| bg)) }
                        thead { tr {
                            th scope="col" { "Час" }
                            th scope="col" { "Име" }
                            th scope="col" { "Телефон" }
                            th scope="col" { "Въпрос" }
                            th scope="col" { "Състояние" }
                            th scope="col" { "Дошъл ли е" }
                        } }
                        tbody {
                            @for b in rows {
                                tr {
                                    td data-label="Час" { (b.slot) }
                                    td data-label="Име" { (b.name) }
                                    td data-label="Телефон" { (b.phone) }
                                    td data-label="Въпрос" { (b.topic.as_deref().unwrap_or("—")) }
                                    td data-label="Състояние" {
                                        @match b.cancelled_at {
                                            Some(at) => { "отменен на " (layout::time_bg(at)) }
                                            None => { "записан на " (layout::time_bg(b.created_at)) }
                                        }
                                    }
                                    td data-label="Дошъл ли е" { (attendance_cell(&staff, b, now)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&title, Some(&staff), Section::Reception, body).into_response())
}

/// Whether the visitor came, and the buttons to say so once the visit has begun.
fn attendance_cell(staff: &Staff, booking: &Booking, now: jiff::Timestamp) -> Markup {
    if booking.cancelled_at.is_some() {
        return html! { "—" };
    }
    let marked = match booking.attendance {
        Some(Attendance::Attended) => Some("дойде"),
        Some(Attendance::Missed) => Some("не дойде"),
        None => None,
    };
    let action = format!("/staff/reception/{}/attendance", booking.id);
    let label = format!("{} в {}", booking.name, booking.slot);
    html! {
        @if let Some(marked) = marked { strong { (marked) } }
        @if started(booking.day, &booking.slot, now) {
            form.inline method="post" action=(action) {
                (layout::csrf_field(staff))
                @if booking.attendance != Some(Attendance::Attended) {
                    button.secondary type="submit" name="attendance" value="attended"
                        aria-label=(format!("Дойде: {label}")) { "Дойде" }
                }
                " "
                @if booking.attendance != Some(Attendance::Missed) {
                    button.secondary type="submit" name="attendance" value="missed"
                        aria-label=(format!("Не дойде: {label}")) { "Не дойде" }
                }
            }
        } @else if marked.is_none() {
            "предстои"
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct AttendanceForm {
    #[serde(default)]
    attendance: String,
    #[serde(default)]
    csrf_token: Option<String>,
}

/// `POST /staff/reception/{id}/attendance`: the visitor came (`attended`) or did not
/// (`missed`); journalled, and can be corrected the same way.
pub async fn attendance(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Path(id): Path<i64>,
    form: Result<Form<AttendanceForm>, FormRejection>,
) -> Result<Response, PageError> {
    if !may_see_bookings(&staff) {
        return Err(forbidden(
            &staff,
            "Посещенията се отбелязват от кабинета на кмета и деловодството.",
            "Visits are marked by the Mayor's office and the registry.",
        ));
    }
    let Ok(Form(form)) = form else {
        return Err(PageError::new(
            ApiError::BadRequest(Vec::new()),
            Some(&staff),
        ));
    };
    staff
        .check_csrf(form.csrf_token.as_deref())
        .map_err(PageError::to(&staff))?;
    let Some(attendance) = Attendance::parse(form.attendance.trim()) else {
        return Err(PageError::new(
            ApiError::BadRequest(vec![priemna_domain::submission::FieldError::new(
                "attendance",
                Problem::UnknownValue {
                    allowed: vec!["attended", "missed"],
                },
            )]),
            Some(&staff),
        ));
    };
    let booking = bookings::mark_attendance(&app, id, attendance, &staff.actor_label())
        .await
        .map_err(|e| PageError::new(e.into(), Some(&staff)))?;
    Ok(Redirect::to(&format!("/staff/reception?day={}", booking.day)).into_response())
}

/// `GET /staff/cases/{number}/portal`: the files the citizen attached and their rating.
pub async fn case_extras(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    let case = cases::load_visible(&app, &staff, &number)
        .await
        .map_err(PageError::to(&staff))?;
    let to_page = |e: priemna_store::StoreError| PageError::new(e.into(), Some(&staff));
    // The files may show anything about the citizen: links only for those who may read the
    // submitter's personal data (the auditor sees the list).
    let readable = priemna_app::refusals::check_personal_data(&staff, &case).is_ok();
    let files = app.store.attachments(case.number).await.map_err(to_page)?;
    let survey = app.store.survey(case.number).await.map_err(to_page)?;
    let title = format!("Преписка {}: файлове и оценка", case.number);
    let body = html! {
        p { a href=(format!("/staff/cases/{}", case.number)) { "← Към преписката" } }
        h1 { (title) }
        h2 { "Прикачени файлове" }
        @if files.is_empty() {
            p { "Няма прикачени файлове." }
        } @else {
            p.hint { "Видът на всеки файл е определен по съдържанието му. Всяко изтегляне се записва в дневника." }
            @if !readable {
                p.hint { "Файловете може да съдържат лични данни на подателя; ролята ви не дава достъп до тях, затова не могат да се изтеглят." }
            }
            div.table-wrap {
                table.stacked {
                    caption.visually-hidden { "Прикачени файлове" }
                    thead { tr {
                        th scope="col" { "Файл" }
                        th scope="col" { "Вид" }
                        th scope="col" { "Размер" }
                        th scope="col" { "Получен" }
                    } }
                    tbody {
                        @for (i, f) in files.iter().enumerate() {
                            tr {
                                td data-label="Файл" {
                                    @if readable {
                                        a href=(format!("/staff/cases/{}/attachments/{}", case.number, f.id)) { (f.filename) }
                                    } @else {
                                        // A file's name may name the citizen too.
                                        "файл " (i + 1)
                                    }
                                }
                                td data-label="Вид" { (f.content_type) }
                                td data-label="Размер" { (human_size(f.size)) }
                                td data-label="Получен" { (layout::time_bg(f.created_at)) }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Оценка от гражданина" }
        @match &survey {
            None => p { "Гражданинът още не е оценил обслужването." },
            Some(s) => dl.facts {
                dt { "Оценка" } dd { strong { (s.rating) } " от 5" }
                dt { "Отговор в срок" } dd { (yes_no(s.on_time)) }
                dt { "Ясен отговор" } dd { (yes_no(s.clear)) }
                dt { "Какво да подобрим" } dd { (s.comment.as_deref().unwrap_or("—")) }
            },
        }
    };
    Ok(layout::page(&title, Some(&staff), Section::None, body).into_response())
}

fn yes_no(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "да",
        Some(false) => "не",
        None => "без отговор",
    }
}

/// `GET /staff/cases/{number}/attachments/{id}`: one file, as a download (journalled).
pub async fn attachment(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Path((number, id)): Path<(String, i64)>,
) -> Result<Response, PageError> {
    let case = cases::load_visible(&app, &staff, &number)
        .await
        .map_err(PageError::to(&staff))?;
    priemna_app::refusals::personal_data(&app, &staff, &case)
        .await
        .map_err(PageError::to(&staff))?;
    let to_page = |e: priemna_store::StoreError| PageError::new(e.into(), Some(&staff));
    let file = app
        .store
        .attachment(case.number, id)
        .await
        .map_err(to_page)?
        .ok_or_else(|| PageError::new(ApiError::NotFound, Some(&staff)))?;
    app.store
        .append_journal(
            app.clock.now(),
            &staff.actor_label(),
            "read_attachment",
            Some(case.id),
            json!({ "number": case.number.to_string(), "attachment_id": id }),
        )
        .await
        .map_err(to_page)?;
    let ascii: String = file
        .info
        .filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file
        .info
        .filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut response = file.data.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&file.info.content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    Ok(response)
}

fn require_admin(staff: &Staff) -> Result<(), PageError> {
    if staff.user.role == Role::Administrator {
        Ok(())
    } else {
        Err(forbidden(
            staff,
            "Текстовете на страниците на портала се променят от администратор.",
            "The portal's pages are edited by an administrator.",
        ))
    }
}

/// `GET /staff/admin/pages`: the portal's editable pages.
pub async fn pages_list(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
) -> Result<Response, PageError> {
    require_admin(&staff)?;
    let mut rows = Vec::new();
    for (slug, title_bg, _) in content::EDITABLE {
        let saved = app
            .store
            .portal_page(slug)
            .await
            .map_err(|e| PageError::new(e.into(), Some(&staff)))?;
        rows.push((slug, title_bg, saved));
    }
    let body = html! {
        h1 { "Страници на портала" }
        p { "Текстовете, които гражданите виждат на портала. Докато страницата не е променяна, се показва текстът по подразбиране." }
        div.table-wrap {
            table.stacked {
                caption.visually-hidden { "Страници на портала" }
                thead { tr {
                    th scope="col" { "Страница" }
                    th scope="col" { "Адрес" }
                    th scope="col" { "Последна промяна" }
                } }
                tbody {
                    @for (slug, title, saved) in &rows {
                        tr {
                            td data-label="Страница" { a href=(format!("/staff/admin/pages/{slug}")) { "Редактиране: " (title) } }
                            td data-label="Адрес" { a href=(format!("/{slug}")) { "/" (slug) } }
                            td data-label="Последна промяна" {
                                @match saved {
                                    Some(p) => { (layout::time_bg(p.updated_at)) ", " (p.updated_by) }
                                    None => { "текст по подразбиране" }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(
        "Страници на портала",
        Some(&staff),
        Section::PortalPages,
        body,
    )
    .into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct PageForm {
    #[serde(default)]
    body_bg: String,
    #[serde(default)]
    body_en: String,
    #[serde(default)]
    csrf_token: Option<String>,
}

fn page_editor(
    staff: &Staff,
    slug: &str,
    form: &PageForm,
    errors: &FormErrors,
    done: bool,
) -> Markup {
    let (title_bg, _) = content::title(slug).unwrap_or(("", ""));
    let title = format!("Редактиране: {title_bg}");
    let hint = "Празен ред разделя абзаците; ред, започващ с „## “, е заглавие; ред, започващ с „- “, е точка от списък.";
    let body = html! {
        p { a href="/staff/admin/pages" { "← Страници на портала" } }
        h1 { (title) }
        @if done { (layout::notice("Текстът е записан и вече се вижда на портала.")) }
        form method="post" action=(format!("/staff/admin/pages/{slug}")) novalidate {
            (layout::csrf_field(staff))
            (TextArea { id: "body_bg", name: "body_bg", label: "Текст на български", value: &form.body_bg,
                required: true, hint: Some(hint), error: errors.get("body_bg"), maxlength: Some(MAX_PAGE_CHARS), rows: 20 }.render())
            (TextArea { id: "body_en", name: "body_en", label: "Текст на английски", value: &form.body_en,
                required: true, hint: None, error: errors.get("body_en"), maxlength: Some(MAX_PAGE_CHARS), rows: 20 }.render())
            button type="submit" { "Запиши" }
        }
        p { a href=(format!("/{slug}")) { "Виж страницата на портала" } }
    };
    layout::page(&title, Some(staff), Section::PortalPages, body)
}

/// `GET /staff/admin/pages/{slug}`.
pub async fn page_form(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Path(slug): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    require_admin(&staff)?;
    let Some((default_bg, default_en)) = content::default_text(&slug) else {
        return Err(PageError::new(ApiError::NotFound, Some(&staff)));
    };
    let saved = app
        .store
        .portal_page(&slug)
        .await
        .map_err(|e| PageError::new(e.into(), Some(&staff)))?;
    let form = match saved {
        Some(p) => PageForm {
            body_bg: p.body_bg,
            body_en: p.body_en,
            csrf_token: None,
        },
        None => PageForm {
            body_bg: default_bg.to_owned(),
            body_en: default_en.to_owned(),
            csrf_token: None,
        },
    };
    let done = query.get("done").is_some_and(|d| d == "1");
    Ok(page_editor(&staff, &slug, &form, &FormErrors::default(), done).into_response())
}

fn check_text(errors: &mut FormErrors, field: &str, text: &str) {
    if text.trim().is_empty() {
        errors.push(field, Problem::Missing);
    } else if text.chars().count() > MAX_PAGE_CHARS {
        errors.push(
            field,
            Problem::TooLong {
                max_chars: MAX_PAGE_CHARS,
            },
        );
    } else if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errors.push(field, Problem::ControlCharacter);
    }
}

/// `POST /staff/admin/pages/{slug}`.
pub async fn page_save(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    Path(slug): Path<String>,
    form: Result<Form<PageForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    staff
        .check_csrf(form.csrf_token.as_deref())
        .map_err(PageError::to(&staff))?;
    require_admin(&staff)?;
    if content::title(&slug).is_none() {
        return Err(PageError::new(ApiError::NotFound, Some(&staff)));
    }
    let mut errors = FormErrors::default();
    check_text(&mut errors, "body_bg", &form.body_bg);
    check_text(&mut errors, "body_en", &form.body_en);
    if !errors.is_empty() {
        return Ok(rerender(page_editor(&staff, &slug, &form, &errors, false)));
    }
    let page = PortalPage {
        slug: slug.clone(),
        body_bg: form.body_bg.replace("\r\n", "\n").trim().to_owned(),
        body_en: form.body_en.replace("\r\n", "\n").trim().to_owned(),
        updated_at: app.clock.now(),
        updated_by: staff.actor_label(),
    };
    app.store
        .save_portal_page(page)
        .await
        .map_err(|e| PageError::new(e.into(), Some(&staff)))?;
    Ok(Redirect::to(&format!("/staff/admin/pages/{slug}?done=1")).into_response())
}
