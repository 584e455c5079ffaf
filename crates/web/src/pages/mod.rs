//! The back office as server-rendered HTML, Bulgarian first: sign-in, the inbox, a case with one
//! form per action the user may take, the departments' deadlines, administration and the
//! journal.
//!
//! The pages ask the same rules as the JSON API (`priemna_app::cases`, `priemna_domain::access`), so
//! a form is shown only for an action that would be accepted. Every form that changes anything
//! carries the session's CSRF token, checked here before anything else happens. No JavaScript:
//! each form posts, and then redirects (303) back to the page, or re-renders it with the errors
//! next to the fields.

mod admin;
mod case;
mod conversation;
mod desk;
mod inbox;
mod journal;
mod layout;
mod letter;
mod login;
mod outbox;
mod overview;
mod reception;
mod search;
mod statistics;

use crate::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use layout::Section;
use maud::html;
use priemna_app::staff::Staff;
use tower_http::set_header::SetResponseHeaderLayer;

/// The status of a page re-rendered with the user's errors (a refused form): the form and its
/// messages come back as HTML with 422, so clients and assistive tools know it did not go through.
const RERENDER_STATUS: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

/// Where a signed-out user is sent.
const LOGIN_PATH: &str = "/staff/login";

/// The pages' Content-Security-Policy: no scripts at all, styles only from our stylesheet.
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                   frame-ancestors 'none'; base-uri 'none'";

pub fn routes() -> Router<AppState> {
    let pages =
        Router::new()
            .route("/staff", get(inbox::page))
            .merge(search::routes())
            .route("/staff/login", get(login::form).post(login::submit))
            .route("/staff/logout", post(login::logout))
            .route(
                "/staff/password",
                get(login::password_form).post(login::password_submit),
            )
            .route("/staff/cases/{number}", get(case::page))
            .route(
                "/staff/cases/{number}/personal-data",
                get(case::personal_data),
            )
            .route("/staff/cases/{number}/act", post(case::act))
            .route("/staff/cases/{number}/messages", post(case::message))
            .route(
                "/staff/mail",
                get(conversation::mail_form).post(conversation::mail_submit),
            )
            .route("/staff/cases/{number}/conflict", post(case::conflict))
            .route("/staff/cases/{number}/preview", post(case::preview))
            .route("/staff/overview", get(overview::page))
            .route("/staff/admin", get(admin::page))
            .route("/staff/admin/outbox", get(outbox::page))
            .route("/staff/admin/users", post(admin::add_user))
            .route("/staff/admin/users/{id}", post(admin::update_user))
            .route("/staff/admin/users/{id}/unlock", post(admin::unlock_user))
            .route(
                "/staff/admin/users/{id}/reset-password",
                post(admin::reset_password),
            )
            .route(
                "/staff/admin/changes/{id}/approve",
                post(admin::approve_change),
            )
            .route(
                "/staff/admin/changes/{id}/reject",
                post(admin::reject_change),
            )
            .route("/staff/admin/departments", post(admin::add_department))
            .route("/staff/admin/departments/{id}/head", post(admin::set_head))
            .route("/staff/admin/signatory", post(admin::set_signatory))
            .route("/staff/journal", get(journal::page))
            .route("/staff/journal.csv", get(journal::csv_download))
            .route("/staff/statistics", get(statistics::page))
            .route(
                "/staff/statistics/cases.csv",
                get(crate::stats::cases_csv::download),
            )
            .route("/staff/reception", get(reception::bookings))
            .route(
                "/staff/reception/{id}/attendance",
                post(reception::attendance),
            )
            .route(
                "/staff/desk/new",
                get(desk::new_form).post(desk::register).layer(
                    axum::extract::DefaultBodyLimit::max(crate::portal::upload::MAX_FORM_BYTES),
                ),
            )
            .route("/staff/desk/registered/{number}", get(desk::registered))
            .route(
                "/staff/desk/registered/{number}/receipt.pdf",
                get(desk::receipt_pdf),
            )
            .route(
                "/staff/desk/visit",
                get(desk::visit_form).post(desk::book_visit),
            )
            .route("/staff/cases/{number}/portal", get(reception::case_extras))
            .route(
                "/staff/cases/{number}/attachments/{id}",
                get(reception::attachment),
            )
            .route("/staff/admin/pages", get(reception::pages_list))
            .route(
                "/staff/admin/pages/{slug}",
                get(reception::page_form).post(reception::page_save),
            )
            // Pages may show personal data: never keep them in a cache.
            .layer(SetResponseHeaderLayer::if_not_present(
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-store"),
            ));
    Router::new()
        .route("/staff/assets/style.css", get(layout::stylesheet))
        .merge(pages)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
}

/// A signed-in member of staff, for the pages: without a session, the browser is sent to the
/// sign-in page instead of getting a JSON error.
pub struct StaffPage(pub Staff);

impl FromRequestParts<AppState> for StaffPage {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, PageError> {
        Staff::from_request_parts(parts, app)
            .await
            .map(StaffPage)
            .map_err(PageError::from)
    }
}

/// A page that could not be shown, rendered as HTML (or, when signed out, a redirect to the
/// sign-in page).
pub struct PageError(Box<PageErrorInner>);

struct PageErrorInner {
    error: ApiError,
    /// Who asked, when known: the error page keeps their navigation.
    staff: Option<Staff>,
}

impl PageError {
    pub fn new(error: ApiError, staff: Option<&Staff>) -> PageError {
        PageError(Box::new(PageErrorInner {
            error,
            staff: staff.cloned(),
        }))
    }

    /// For `map_err`: the error, shown to `staff`.
    pub fn to<E: Into<ApiError>>(staff: &Staff) -> impl Fn(E) -> PageError + '_ {
        move |error| PageError::new(error.into(), Some(staff))
    }
}

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> Self {
        PageError::new(error, None)
    }
}

impl From<priemna_app::AppError> for PageError {
    fn from(error: priemna_app::AppError) -> Self {
        PageError::new(error.into(), None)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let PageErrorInner { error, staff } = *self.0;
        let retry_after = error.retry_after_secs();
        let (status, title, message) = match error {
            ApiError::Unauthorized => {
                return Redirect::to(LOGIN_PATH).into_response();
            }
            ApiError::CsrfRejected => (
                StatusCode::FORBIDDEN,
                "Формулярът не е приет",
                "Формулярът е изтекъл или не е изпратен от тази страница, затова нищо не е \
                 променено. Заредете страницата отново и опитайте пак."
                    .to_owned(),
            ),
            ApiError::Forbidden { reason_bg, .. } => {
                (StatusCode::FORBIDDEN, "Нямате достъп", reason_bg)
            }
            ApiError::StaffOnly(fields) => (
                StatusCode::FORBIDDEN,
                "Нямате достъп",
                layout::FormErrors::new(fields).summary(),
            ),
            ApiError::Conflict { reason_bg, .. } => {
                (StatusCode::CONFLICT, "Действието не е възможно", reason_bg)
            }
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                "Няма такава страница",
                "Няма преписка или страница с този адрес.".to_owned(),
            ),
            ApiError::Validation(fields) | ApiError::BadRequest(fields) => (
                StatusCode::BAD_REQUEST,
                "Невалидна заявка",
                layout::FormErrors::new(fields).summary(),
            ),
            ApiError::MalformedBody(_)
            | ApiError::UnsupportedMediaType
            | ApiError::PayloadTooLarge => (
                StatusCode::BAD_REQUEST,
                "Невалидна заявка",
                "Формулярът не може да бъде прочетен. Заредете страницата отново.".to_owned(),
            ),
            ApiError::TooManyRequests { retry_after_secs } => (
                StatusCode::TOO_MANY_REQUESTS,
                "Твърде много опити",
                format!(
                    "Твърде много заявки от Вашия адрес. Опитайте отново след {retry_after_secs} секунди."
                ),
            ),
            ApiError::SignInRefused {
                until,
                retry_after_secs,
            } => (
                StatusCode::TOO_MANY_REQUESTS,
                "Твърде много опити",
                crate::error::sign_in_refused_message(until, retry_after_secs).0,
            ),
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "internal error on a page");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Вътрешна грешка",
                    "Вътрешна грешка; нищо не е променено. Опитайте отново.".to_owned(),
                )
            }
            ApiError::Store(e) => {
                tracing::error!(error = %e, "store error on a page");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Регистърът не е достъпен",
                    "Регистърът временно не е достъпен; нищо не е записано. Опитайте отново."
                        .to_owned(),
                )
            }
        };
        let body = html! {
            h1 { (title) }
            (layout::alert(&message))
            p {
                @if staff.is_some() {
                    a href="/staff" { "Към началната страница" }
                } @else {
                    a href=(LOGIN_PATH) { "Към входа" }
                }
            }
        };
        let page = layout::page(title, staff.as_ref(), Section::None, body);
        let mut response = (status, page).into_response();
        if let Some(value) =
            retry_after.and_then(|s| axum::http::HeaderValue::from_str(&s.to_string()).ok())
        {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, value);
        }
        response
    }
}

/// A back-office page for an error that reached no page of its own (an unknown address, a wrong
/// method), with the way back to the inbox or the sign-in.
pub fn plain_error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let body = html! {
        h1 { (title) }
        (layout::alert(message))
        p {
            a href="/staff" { "Към началната страница" }
            " · "
            a href=(LOGIN_PATH) { "Към входа" }
        }
    };
    (status, layout::page(title, None, Section::None, body)).into_response()
}

/// A page re-rendered with the user's errors.
fn rerender(page: maud::Markup) -> Response {
    (RERENDER_STATUS, page).into_response()
}
