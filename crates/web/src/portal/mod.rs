//! The citizens' portal: server-rendered HTML, Bulgarian first with an English switch, usable
//! without JavaScript, WCAG 2.1 AA. Submitting any kind of submission (through the same
//! `intake::register` as every channel), tracking a case and rating the answer, booking and
//! cancelling a reception visit, and the charter, contacts, other channels and privacy pages.
//!
//! The reader's language, text size (A+ / A / A−) and high contrast are kept in cookies and
//! changed with ordinary links and forms. No page runs a script: the Content-Security-Policy
//! allows none.

pub mod content;
pub mod layout;
pub mod once;
pub mod reception;
pub mod submit;
pub mod track;
pub mod upload;

use crate::state::AppState;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use layout::{Nav, Prefs};
use maud::{Markup, html};
use priemna_domain::clock::local_date;
use priemna_domain::deadline;
use tower_http::set_header::SetResponseHeaderLayer;

/// The portal's Content-Security-Policy: no scripts, styles only from our stylesheet.
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                   frame-ancestors 'none'; base-uri 'none'";

pub fn routes() -> Router<AppState> {
    let pages = Router::new()
        .route("/", get(home))
        .route(
            "/preferences",
            get(layout::preferences_get).post(layout::preferences_post),
        )
        .route(
            "/submit",
            get(submit::form)
                .post(submit::submit)
                .layer(DefaultBodyLimit::max(upload::MAX_FORM_BYTES)),
        )
        .route(
            submit::SEND_PATH,
            axum::routing::post(submit::submit)
                .layer(DefaultBodyLimit::max(upload::MAX_FORM_BYTES)),
        )
        .route("/receipt", axum::routing::post(submit::receipt_file))
        .route("/receipt/{token}", get(submit::receipt))
        .route("/receipt/{token}/pdf", get(submit::receipt_pdf))
        .route("/track", get(track::form).post(track::show))
        .route("/track/survey", axum::routing::post(track::survey))
        .route("/track/rated/{token}", get(track::rated))
        .route("/track/answer", axum::routing::post(track::answer_pdf))
        .route(
            "/track/message",
            axum::routing::post(track::message)
                .layer(DefaultBodyLimit::max(upload::MAX_FORM_BYTES)),
        )
        .route("/track/sent/{token}", get(track::sent))
        .route("/reception", get(reception::page).post(reception::book))
        .route("/reception/booked/{token}", get(reception::booked))
        .route(
            "/reception/booked/{token}/visit.ics",
            get(reception::booked_calendar),
        )
        .route(
            "/reception/cancel",
            get(reception::cancel_form).post(reception::cancel),
        )
        .route("/reception/change", get(reception::change))
        .route(
            "/reception/move",
            axum::routing::post(reception::move_visit),
        )
        .route("/reception/visit.ics", get(reception::calendar_by_code))
        .route("/charter", get(charter))
        .route("/contacts", get(contacts))
        .route("/channels", get(channels))
        .route("/privacy", get(privacy))
        .layer(middleware::from_fn(layout::remember_lang))
        // Receipts, cases and bookings are personal: never kept in a shared cache.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    Router::new()
        .route("/assets/portal.css", get(layout::stylesheet))
        .route("/assets/icon.svg", get(layout::icon))
        .route("/favicon.ico", get(layout::icon))
        .merge(pages)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
}

/// Today's reception, in words.
fn reception_today(app: &AppState, prefs: &Prefs) -> Markup {
    let today = local_date(app.clock.now());
    let r = deadline::reception(today, &app.calendar);
    html! {
        @match r.hours {
            Some((opens, closes)) => p {
                strong { (prefs.t("Днес приемната е отворена", "Reception is open today")) }
                " " (opens.strftime("%H:%M")) "–" (closes.strftime("%H:%M")) (prefs.t(" ч.", ""))
            },
            None => p {
                strong { (prefs.t("Днес приемната е затворена", "Reception is closed today")) }
                ": " (prefs.t(r.closed_reason_bg.as_deref().unwrap_or(""), r.closed_reason_en.as_deref().unwrap_or("")))
                ". " (prefs.t("Следващ приемен ден: ", "Next reception day: ")) (prefs.day(r.next_open)) "."
            },
        }
    }
}

/// `GET /`.
async fn home(State(app): State<AppState>, prefs: Prefs) -> Markup {
    let title = prefs.t(
        "Приемна на Община Хасково",
        "Haskovo Municipality reception",
    );
    let body = html! {
        h1 { (title) }
        p.lead { (prefs.t(
            "Подайте сигнал, жалба, предложение или заявление, проследете отговора и си запишете час при кмета — на едно място.",
            "Send a signal, complaint, proposal or application, follow the answer and book a visit to the Mayor — in one place.")) }
        ul.cards {
            li.card {
                h2 { a href="/submit" { (prefs.t("Подаване", "Send a submission")) } }
                p { (prefs.t("Сигнал, жалба, предложение, мнение, похвала, сигнал за корупция или заявление. Получавате номер и код веднага.",
                             "A signal, complaint, proposal, opinion, praise, corruption signal or application. You get a number and a code at once.")) }
            }
            li.card {
                h2 { a href="/track" { (prefs.t("Проследяване", "Track a case")) } }
                p { (prefs.t("Докъде е стигнала преписката, кога е срокът и какъв е отговорът.",
                             "Where your case stands, when the answer is due and what it says.")) }
            }
            li.card {
                h2 { a href="/reception" { (prefs.t("Записване за прием", "Book a visit")) } }
                p { (prefs.t("Среща с кмета, заместник-кмета или секретаря в приемното време.",
                             "Meet the Mayor, the Deputy Mayor or the Secretary during reception hours.")) }
            }
        }
        section.panel aria-labelledby="today-title" {
            h2 id="today-title" { (prefs.t("Приемно време", "Reception hours")) }
            (reception_today(&app, &prefs))
            p { (prefs.t("Всеки работен ден от 9:00 до 17:00 ч., пл. „Общински“ № 1.", "Every working day from 9:00 to 17:00, 1 Obshtinski Square.")) }
        }
        h2 { (prefs.t("Нашите обещания", "What we promise")) }
        ul {
            li { (prefs.t("Писмена жалба за лошо администриране — отговор до 7 дни.", "A written complaint about bad administration — answered within 7 days.")) }
            li { (prefs.t("Предложения и сигнали — отговор до 2 месеца; заявления — до 14 дни.", "Proposals and signals — answered within 2 months; applications — within 14 days.")) }
            li { (prefs.t("Ако е нужна проверка, ще Ви кажем защо и новия срок.", "If an inspection is needed, we tell you why and the new date.")) }
            li { (prefs.t("Анонимни сигнали и жалби не се разглеждат, освен при заплаха за здравето или безопасността.", "Anonymous signals and complaints are not considered unless health or safety is threatened.")) }
        }
        p {
            a href="/charter" { (prefs.t("Прочетете хартата на клиента", "Read the client charter")) } " · "
            a href="/channels" { (prefs.t("Други начини за подаване", "Other ways to submit")) }
        }
    };
    layout::page(&prefs, Nav::Home, title, body)
}

/// An editable page: the administrator's text, or the one the program ships.
async fn editable(app: &AppState, prefs: &Prefs, slug: &str, nav: Nav, extra: Markup) -> Response {
    let (Some((title_bg, title_en)), Some((default_bg, default_en))) =
        (content::title(slug), content::default_text(slug))
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let saved = match app.store.portal_page(slug).await {
        Ok(page) => page,
        Err(e) => {
            tracing::error!(error = %e, slug, "page text unavailable; showing the default");
            None
        }
    };
    let text = match &saved {
        Some(page) => prefs.t(&page.body_bg, &page.body_en).to_owned(),
        None => prefs.t(default_bg, default_en).to_owned(),
    };
    let title = prefs.t(title_bg, title_en);
    let body = html! {
        h1 { (title) }
        (extra)
        div.charter { (layout::rich_text(&text)) }
        @if let Some(page) = &saved {
            p.hint { (prefs.t("Последна промяна: ", "Last changed: ")) (prefs.time(page.updated_at)) }
        }
    };
    layout::page(prefs, nav, title, body).into_response()
}

async fn charter(State(app): State<AppState>, prefs: Prefs) -> Response {
    editable(&app, &prefs, "charter", Nav::Charter, html! {}).await
}

async fn contacts(State(app): State<AppState>, prefs: Prefs) -> Response {
    let today = local_date(app.clock.now());
    // The non-working weekdays of the next month, so nobody comes on a holiday.
    let mut closed = Vec::new();
    let mut day = today;
    for _ in 0..31 {
        if let Ok(next) = day.tomorrow() {
            day = next;
        }
        let r = deadline::reception(day, &app.calendar);
        let weekend = matches!(
            day.weekday(),
            jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
        );
        if r.hours.is_none() && !weekend {
            closed.push((
                day,
                r.closed_reason_bg.unwrap_or_default(),
                r.closed_reason_en.unwrap_or_default(),
            ));
        }
    }
    let extra = html! {
        section.panel aria-labelledby="today-title" {
            h2 id="today-title" { (prefs.t("Днес", "Today")) }
            (reception_today(&app, &prefs))
            @if !closed.is_empty() {
                p { (prefs.t("Неработни дни през следващия месец:", "Non-working days in the next month:")) }
                ul { @for (d, bg, en) in &closed { li { (prefs.day(*d)) " — " (prefs.t(bg, en)) } } }
            }
            p { a href="/reception" { (prefs.t("Запишете се за прием", "Book a visit")) } }
        }
    };
    editable(&app, &prefs, "contacts", Nav::Contacts, extra).await
}

async fn channels(State(app): State<AppState>, prefs: Prefs) -> Response {
    editable(&app, &prefs, "channels", Nav::None, html! {}).await
}

async fn privacy(State(app): State<AppState>, prefs: Prefs) -> Response {
    editable(&app, &prefs, "privacy", Nav::None, html! {}).await
}
