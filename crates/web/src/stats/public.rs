//! The public statistics: `GET /statistics` (the portal's page, charts each with its table),
//! `GET /statistics.csv` and `GET /statistics.json` (the same figures as data), and the annual
//! report, `GET /statistics/report/YYYY` (printable HTML) and `/statistics/report/YYYY.pdf`.
//!
//! Everything here is counts from the pre-aggregated cells and the topics of the subjects of
//! cases that are not sealed: no personal data can reach these pages. The period is `?year=`
//! or `?from=YYYY-MM&to=YYYY-MM`, the current year by default.

use super::view::{self, Axis};
use super::{report, sections};
use crate::api::openapi::Statistics;
use crate::error::ApiError;
use crate::extract::Path;
use crate::lang::Lang;
use crate::portal::layout::{self, Nav, Prefs};
use crate::state::AppState;
use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, html};
use priemna_app::stats::{StatsView, load_cached};
use priemna_domain::clock::local_date;
use priemna_domain::stats::Period;
use std::collections::HashMap;
use tower_http::set_header::SetResponseHeaderLayer;

/// The portal's Content-Security-Policy: no scripts; styles only from the stylesheet (the
/// charts are inline SVG with presentation attributes, not styles).
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                   frame-ancestors 'none'; base-uri 'none'";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/statistics", get(page))
        .route("/statistics.csv", get(figures_csv))
        .route("/statistics.json", get(figures_json))
        .route("/statistics/report/{file}", get(annual_report))
        .layer(middleware::from_fn(layout::remember_lang))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
}

/// The figures of the period a request asks for, and the years that have data.
pub async fn figures_for(
    app: &AppState,
    query: &HashMap<String, String>,
) -> Result<(StatsView, Vec<i16>), ApiError> {
    let today = local_date(app.clock.now());
    let period = view::period_from_query(query, today)?;
    let view = load_cached(app, period).await?;
    let years = view::years_of(&app.store.stats_months().await?);
    Ok((view, years))
}

/// An error as a portal page in the reader's language (a wrong parameter names itself).
fn error_page(prefs: &Prefs, error: ApiError) -> Response {
    let lang = prefs.lang;
    match error {
        ApiError::BadRequest(fields) | ApiError::Validation(fields) => {
            let message = fields
                .iter()
                .map(|f| {
                    let problem = match lang {
                        Lang::Bg => f.problem.message_bg(),
                        Lang::En => f.problem.message_en(),
                    };
                    format!("{}: {problem}", f.field)
                })
                .collect::<Vec<_>>()
                .join("; ");
            layout::error_page(
                prefs,
                StatusCode::BAD_REQUEST,
                prefs.t("Невалиден период", "Invalid period"),
                &message,
            )
        }
        other => {
            tracing::error!(error = %other, "statistics unavailable");
            layout::error_page(
                prefs,
                StatusCode::SERVICE_UNAVAILABLE,
                prefs.t("Статистиката не е достъпна", "Statistics unavailable"),
                prefs.t(
                    "Статистиката временно не може да бъде показана. Опитайте отново след малко.",
                    "The statistics cannot be shown just now. Please try again shortly.",
                ),
            )
        }
    }
}

/// The links to each year with data (and the current one), and a form for any months.
fn period_picker(prefs: &Prefs, period: Period, years: &[i16], current_year: i16) -> Markup {
    let mut all: Vec<i16> = years.to_vec();
    if !all.contains(&current_year) {
        all.push(current_year);
    }
    all.sort_unstable();
    let selected_year = (period.from.year() == period.to.year()
        && period.from.month() == 1
        && period.to.month() == 12)
        .then_some(period.from.year());
    html! {
        nav.years aria-label=(prefs.t("Година", "Year")) {
            span.group-label { (prefs.t("Година: ", "Year: ")) }
            ul {
                @for year in all.iter().rev() {
                    li {
                        a href=(format!("/statistics?year={year}"))
                          aria-current=[(selected_year == Some(*year)).then_some("page")] { (year) }
                    }
                }
            }
        }
        form.period method="get" action="/statistics" {
            fieldset {
                legend { (prefs.t("Или изберете месеци", "Or choose months")) }
                div.field.inline {
                    label for="from" { (prefs.t("От месец", "From month")) }
                    input type="month" id="from" name="from" value=(period.from.to_string())
                        min="1900-01" max="9999-12";
                }
                div.field.inline {
                    label for="to" { (prefs.t("До месец", "To month")) }
                    input type="month" id="to" name="to" value=(period.to.to_string())
                        min="1900-01" max="9999-12";
                }
                button.secondary type="submit" { (prefs.t("Покажи", "Show")) }
            }
        }
    }
}

/// The period as query parameters, for the export links.
fn period_query(period: Period) -> String {
    let whole_year = period.from.year() == period.to.year()
        && period.from.month() == 1
        && period.to.month() == 12;
    if whole_year {
        format!("year={}", period.from.year())
    } else {
        format!("from={}&to={}", period.from, period.to)
    }
}

/// `GET /statistics`.
async fn page(
    State(app): State<AppState>,
    prefs: Prefs,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let (view, years) = match figures_for(&app, &query).await {
        Ok(found) => found,
        Err(e) => return error_page(&prefs, e),
    };
    let lang = prefs.lang;
    let period = view.period;
    let current_year = local_date(app.clock.now()).year();
    let title = prefs.t("Статистика", "Statistics");
    let period_text = view::period_label(period, lang);
    let query = period_query(period);
    let body = html! {
        h1 { (title) ": " (period_text) }
        p.lead { (prefs.t(
            "Как общината спазва обещанията на хартата на клиента: колко предложения, сигнали и жалби получи, колко отговори в срок и колко доволни са гражданите.",
            "How the municipality keeps the promises of its client charter: how many proposals, signals and complaints it received, how many it answered on time, and how satisfied citizens are.")) }
        (sections::freshness(&view, lang, |at| prefs.time(at)))
        (period_picker(&prefs, period, &years, current_year))
        section aria-labelledby="key-figures-heading" {
            h2 id="key-figures-heading" { (prefs.t("Основни данни", "Key figures")) }
            (sections::key_figures(&view, lang))
        }
        (sections::outcomes(&view, lang, "stats-outcomes"))
        (sections::breakdown(&view, Axis::Month, lang))
        (sections::breakdown(&view, Axis::Kind, lang))
        (sections::praise_and_complaints(&view, lang))
        (sections::breakdown(&view, Axis::Channel, lang))
        (sections::breakdown(&view, Axis::Department, lang))
        (sections::breakdown(&view, Axis::Category, lang))
        (sections::breakdown(&view, Axis::Rule, lang))
        (sections::satisfaction(&view, lang))
        (sections::topics(&view, lang))
        section aria-labelledby="downloads-heading" {
            h2 id="downloads-heading" { (prefs.t("Данните за изтегляне", "Download the figures")) }
            ul {
                li { a href=(format!("/statistics.csv?{query}")) { (prefs.t("Таблица (CSV)", "Table (CSV)")) } }
                li { a href=(format!("/statistics.json?{query}")) { (prefs.t("Данни (JSON)", "Data (JSON)")) } }
                li { a href=(format!("/api/v1/statistics?{query}")) { (prefs.t("Програмен интерфейс (API)", "API")) } }
                @for year in years.iter().rev() {
                    li {
                        a href=(format!("/statistics/report/{year}")) {
                            (prefs.t("Годишен отчет за ", "Annual report for ")) (year)
                        }
                        " ("
                        a href=(format!("/statistics/report/{year}.pdf")) { "PDF" }
                        ")"
                    }
                }
            }
            p.hint { (prefs.t(
                "Статистиката съдържа само броеве. Лични данни не се публикуват; сигналите за корупция се броят, но думите им не влизат в темите.",
                "The statistics hold counts only. No personal data is published; corruption signals are counted, but their words are left out of the topics.")) }
        }
    };
    let mut response = layout::page(&prefs, Nav::Statistics, title, body).into_response();
    // The language comes from a cookie: shared caches must not keep one reader's page for all.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// A file name for the period: `2026`, `2025-11_2026-02`.
fn period_file(period: Period) -> String {
    let whole_year = period.from.year() == period.to.year()
        && period.from.month() == 1
        && period.to.month() == 12;
    if whole_year {
        period.from.year().to_string()
    } else {
        format!("{}_{}", period.from, period.to)
    }
}

/// `GET /statistics.csv`: a `total` row, then a row per value of each breakdown, every measure.
async fn figures_csv(
    State(app): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let (view, _) = figures_for(&app, &query).await?;
    let mut body = "\u{feff}".as_bytes().to_vec();
    body.extend(view::figures_csv(&view)?);
    let disposition = format!(
        "attachment; filename=\"priemna-statistics-{}.csv\"",
        period_file(view.period)
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// `GET /statistics.json`: the same document as `GET /api/v1/statistics`.
async fn figures_json(
    State(app): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Statistics>, ApiError> {
    let (view, years) = figures_for(&app, &query).await?;
    Ok(Json(view::figures(&view, &years)))
}

/// `GET /statistics/report/{YYYY}` and `/statistics/report/{YYYY}.pdf`.
async fn annual_report(
    State(app): State<AppState>,
    prefs: Prefs,
    Path(file): Path<String>,
) -> Response {
    let (year_text, as_pdf) = match file.strip_suffix(".pdf") {
        Some(year) => (year, true),
        None => (file.as_str(), false),
    };
    let year = match view::parse_year(year_text, "year") {
        Ok(year) => year,
        Err(e) if as_pdf => return e.into_response(),
        Err(e) => return error_page(&prefs, e),
    };
    let Some(period) = Period::year(year) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let view = match load_cached(&app, period).await {
        Ok(view) => view,
        Err(e) if as_pdf => return ApiError::from(e).into_response(),
        Err(e) => return error_page(&prefs, e.into()),
    };
    let now = app.clock.now();
    let ongoing = year >= local_date(now).year();
    let content = report::build(&view, year, &app.notify.letterhead.organisation, ongoing);
    if as_pdf {
        return match report::pdf(&content, view.freshness.computed_at.unwrap_or(now)) {
            Ok(bytes) => (
                [
                    (header::CONTENT_TYPE, "application/pdf".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("inline; filename=\"priemna-report-{year}.pdf\""),
                    ),
                ],
                bytes,
            )
                .into_response(),
            Err(e) => ApiError::Internal(format!("annual report PDF: {e}")).into_response(),
        };
    }
    let title = content.title.pick(prefs.lang).to_owned();
    layout::page(
        &prefs,
        Nav::Statistics,
        &title,
        report::html(&content, prefs.lang),
    )
    .into_response()
}
