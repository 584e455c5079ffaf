//! Every error the API returns, mapped to HTTP in this one place. Internal details (SQL, paths)
//! are logged, never sent.

use crate::lang::Lang;
use axum::Json;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use priemna_app::AppError;
use priemna_app::staff::CsrfRejected;
use priemna_domain::submission::{FieldError, Problem};
use priemna_store::StoreError;
use serde_json::{Value, json};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request was understood, but fields are wrong (422).
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// A query parameter or path segment is wrong (400).
    #[error("bad request")]
    BadRequest(Vec<FieldError>),
    /// The body is not JSON, or not UTF-8 (400).
    #[error("malformed body: {0}")]
    MalformedBody(String),
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("body too large")]
    PayloadTooLarge,
    /// Unknown resource — also what a wrong tracking code gets, so numbers cannot be probed.
    #[error("not found")]
    NotFound,
    /// Not signed in, or wrong credentials (never says which).
    #[error("unauthorized")]
    Unauthorized,
    #[error("CSRF token missing or wrong")]
    CsrfRejected,
    /// Fields that only staff may set, sent by someone else (403, each field named).
    #[error("fields for staff only")]
    StaffOnly(Vec<FieldError>),
    /// The access rules or the case's state refuse the action, with their reason.
    #[error("forbidden: {reason_en}")]
    Forbidden {
        reason_bg: String,
        reason_en: String,
    },
    /// The action does not fit the case's state, or someone else acted first.
    #[error("conflict: {reason_en}")]
    Conflict {
        reason_bg: String,
        reason_en: String,
    },
    #[error("internal error: {0}")]
    Internal(String),
    /// A rate limit was reached; try again after the given seconds.
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    /// Sign-ins with this name from this address are refused until `until`, after too many
    /// wrong passwords (429 with `Retry-After`): the same answer for every name, known or not.
    #[error("sign-in refused until {until}")]
    SignInRefused {
        until: jiff::Timestamp,
        retry_after_secs: u64,
    },
    #[error(transparent)]
    Store(StoreError),
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Validation(fields) => ApiError::Validation(fields),
            AppError::NotFound => ApiError::NotFound,
            AppError::Unauthorized => ApiError::Unauthorized,
            AppError::Forbidden {
                reason_bg,
                reason_en,
            } => ApiError::Forbidden {
                reason_bg,
                reason_en,
            },
            AppError::Conflict {
                reason_bg,
                reason_en,
            } => ApiError::Conflict {
                reason_bg,
                reason_en,
            },
            AppError::SignInRefused {
                until,
                retry_after_secs,
            } => ApiError::SignInRefused {
                until,
                retry_after_secs,
            },
            AppError::Internal(what) => ApiError::Internal(what),
            AppError::Store(e) => ApiError::Store(e),
        }
    }
}

/// What the store says reaches the client as the application maps it (`AppError`'s `From`).
impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        AppError::from(e).into()
    }
}

impl From<priemna_letters::PdfError> for ApiError {
    fn from(e: priemna_letters::PdfError) -> Self {
        AppError::from(e).into()
    }
}

impl From<priemna_app::filters::FilterError> for ApiError {
    fn from(e: priemna_app::filters::FilterError) -> Self {
        match e {
            priemna_app::filters::FilterError::Denied(denied) => denied.into(),
            priemna_app::filters::FilterError::Fields(fields) => ApiError::BadRequest(fields),
        }
    }
}

impl From<CsrfRejected> for ApiError {
    fn from(_: CsrfRejected) -> Self {
        ApiError::CsrfRejected
    }
}

impl From<priemna_domain::access::Denied> for ApiError {
    fn from(d: priemna_domain::access::Denied) -> Self {
        AppError::from(d).into()
    }
}

impl From<priemna_domain::workflow::TransitionRefused> for ApiError {
    fn from(d: priemna_domain::workflow::TransitionRefused) -> Self {
        AppError::from(d).into()
    }
}

/// The error as rendered, kept in the response so the language can be chosen afterwards.
#[derive(Debug, Clone)]
struct RenderedError {
    status: StatusCode,
    code: &'static str,
    message_bg: String,
    message_en: String,
    fields: Vec<FieldError>,
}

impl RenderedError {
    fn body(&self, lang: Lang) -> Value {
        let fields: Vec<Value> = self
            .fields
            .iter()
            .map(|f| {
                let bg = f.problem.message_bg();
                let en = f.problem.message_en();
                json!({
                    "field": f.field,
                    "code": f.problem.code(),
                    "message": lang.pick(&bg, &en),
                    "message_bg": bg,
                    "message_en": en,
                })
            })
            .collect();
        json!({
            "error": {
                "status": self.status.as_u16(),
                "code": self.code,
                "message": lang.pick(&self.message_bg, &self.message_en),
                "message_bg": self.message_bg,
                "message_en": self.message_en,
                "fields": fields,
            }
        })
    }

    fn response(self, lang: Lang) -> Response {
        let mut response = (self.status, Json(self.body(lang))).into_response();
        response.extensions_mut().insert(self);
        response
    }
}

fn field_summary(fields: &[FieldError], bg: bool) -> String {
    fields
        .iter()
        .map(|f| {
            if bg {
                format!("{}: {}", f.field, f.problem.message_bg())
            } else {
                format!("{}: {}", f.field, f.problem.message_en())
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl ApiError {
    fn render(self) -> RenderedError {
        let plain = |status, code, bg: &str, en: &str| RenderedError {
            status,
            code,
            message_bg: bg.to_owned(),
            message_en: en.to_owned(),
            fields: Vec::new(),
        };
        match self {
            ApiError::Validation(fields) => RenderedError {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                code: "validation_failed",
                message_bg: format!("Невалидни данни — {}", field_summary(&fields, true)),
                message_en: format!("Invalid data — {}", field_summary(&fields, false)),
                fields,
            },
            ApiError::BadRequest(fields) => RenderedError {
                status: StatusCode::BAD_REQUEST,
                code: "bad_request",
                message_bg: format!("Невалидна заявка — {}", field_summary(&fields, true)),
                message_en: format!("Bad request — {}", field_summary(&fields, false)),
                fields,
            },
            ApiError::MalformedBody(detail) => RenderedError {
                status: StatusCode::BAD_REQUEST,
                code: "malformed_body",
                message_bg: format!("Тялото на заявката не е валиден JSON в UTF-8: {detail}"),
                message_en: format!("The request body is not valid JSON in UTF-8: {detail}"),
                fields: vec![FieldError::new(
                    "request_body",
                    Problem::WrongType { expected: "object" },
                )],
            },
            ApiError::UnsupportedMediaType => plain(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Изпратете данните като JSON (Content-Type: application/json; charset=utf-8).",
                "Send the data as JSON (Content-Type: application/json; charset=utf-8).",
            ),
            ApiError::PayloadTooLarge => plain(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "Заявката е твърде голяма (най-много 64 KiB).",
                "The request is too large (at most 64 KiB).",
            ),
            ApiError::NotFound => plain(
                StatusCode::NOT_FOUND,
                "not_found",
                "Няма такъв ресурс или кодът за проследяване не е верен.",
                "No such resource, or the tracking code is wrong.",
            ),
            ApiError::Unauthorized => plain(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Необходим е вход: грешно потребителско име или парола, или изтекла сесия.",
                "Sign-in required: wrong username or password, or the session expired.",
            ),
            ApiError::CsrfRejected => plain(
                StatusCode::FORBIDDEN,
                "csrf_rejected",
                "Формулярът е изтекъл или не е от нашия сайт (CSRF). Заредете страницата отново.",
                "The form expired or did not come from our site (CSRF). Reload the page.",
            ),
            ApiError::StaffOnly(fields) => RenderedError {
                status: StatusCode::FORBIDDEN,
                code: "staff_only",
                message_bg: format!(
                    "Само служител в деловодството може да подаде това: {}",
                    field_summary(&fields, true)
                ),
                message_en: format!(
                    "Only registry staff may submit this: {}",
                    field_summary(&fields, false)
                ),
                fields,
            },
            ApiError::Forbidden {
                reason_bg,
                reason_en,
            } => plain(StatusCode::FORBIDDEN, "forbidden", &reason_bg, &reason_en),
            ApiError::Conflict {
                reason_bg,
                reason_en,
            } => plain(StatusCode::CONFLICT, "conflict", &reason_bg, &reason_en),
            ApiError::TooManyRequests { retry_after_secs } => RenderedError {
                status: StatusCode::TOO_MANY_REQUESTS,
                code: "too_many_requests",
                message_bg: format!(
                    "Твърде много заявки от Вашия адрес. Опитайте отново след {retry_after_secs} s."
                ),
                message_en: format!(
                    "Too many requests from your address. Try again in {retry_after_secs} s."
                ),
                fields: Vec::new(),
            },
            ApiError::SignInRefused {
                until,
                retry_after_secs,
            } => {
                let (bg, en) = sign_in_refused_message(until, retry_after_secs);
                RenderedError {
                    status: StatusCode::TOO_MANY_REQUESTS,
                    code: "sign_in_refused",
                    message_bg: bg,
                    message_en: en,
                    fields: Vec::new(),
                }
            }
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                plain(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal_error",
                    "Вътрешна грешка; опитайте отново.",
                    "Internal error; please try again.",
                )
            }
            ApiError::Store(e) => {
                tracing::error!(error = %e, "store error");
                plain(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "register_unavailable",
                    "Регистърът временно не е достъпен; нищо не е записано. Опитайте отново.",
                    "The register is temporarily unavailable; nothing was saved. Please try again.",
                )
            }
        }
    }
}

impl ApiError {
    /// The seconds a client should wait before trying again, for a `Retry-After` header.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            ApiError::TooManyRequests { retry_after_secs }
            | ApiError::SignInRefused {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            _ => None,
        }
    }
}

/// When sign-ins refused until `until` may be tried again, in words (Bulgarian, English): the
/// municipality's clock time, rounded up to the minute, and about how many minutes that is.
pub fn sign_in_refused_message(until: jiff::Timestamp, retry_after_secs: u64) -> (String, String) {
    let minutes = retry_after_secs.div_ceil(60).max(1);
    let zoned = until.to_zoned(priemna_domain::clock::municipal_tz());
    // 17:04:30 is shown as 17:05: never a time at which the refusal still holds.
    let shown = zoned
        .round(
            jiff::ZonedRound::new()
                .smallest(jiff::Unit::Minute)
                .mode(jiff::RoundMode::Ceil),
        )
        .unwrap_or(zoned);
    let at = shown.strftime("%H:%M").to_string();
    let (minutes_bg, minutes_en) = if minutes == 1 {
        ("1 минута".to_owned(), "1 minute".to_owned())
    } else {
        (format!("{minutes} минути"), format!("{minutes} minutes"))
    };
    (
        format!(
            "Твърде много неуспешни опити за вход с това потребителско име от Вашия адрес. \
             Опитайте отново след {at} ч. (след около {minutes_bg}). Входът от друго място не \
             е засегнат."
        ),
        format!(
            "Too many failed sign-ins with this username from your address. Try again after \
             {at} (in about {minutes_en}). Signing in from elsewhere is not affected."
        ),
    )
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry = self.retry_after_secs();
        let mut response = self.render().response(Lang::Bg);
        if let Some(value) = retry.and_then(|s| header::HeaderValue::from_str(&s.to_string()).ok())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

/// Whether a path is read by people in a browser (the portal, the back office) rather than by
/// programs (the JSON API, Open311, the health checks, data files).
fn read_by_people(path: &str) -> bool {
    !(path.starts_with("/api/")
        || path.starts_with("/open311/")
        || path == "/healthz"
        || path == "/readyz"
        || path.ends_with(".json")
        || path.ends_with(".csv")
        || path.ends_with(".xml"))
}

/// An error that reached no page of ours (an unknown address, a wrong method, a form too large,
/// an API error from a page's path) as a page in the reader's language with a way back: the
/// back office's for `/staff/…`, the portal's for everything else.
async fn page_for_people(
    path: &str,
    prefs: &crate::portal::layout::Prefs,
    status: StatusCode,
    said: Option<&RenderedError>,
) -> Response {
    let (title_bg, title_en, message_bg, message_en) = match status {
        StatusCode::NOT_FOUND => (
            "Няма такава страница",
            "Page not found",
            "Адресът не съществува или връзката е остаряла. Започнете от началната страница.",
            "This address does not exist, or the link is out of date. Start from the home page.",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "Страницата не се отваря така",
            "This page cannot be opened this way",
            "Връзката или формулярът са остарели. Отворете страницата отново от менюто.",
            "The link or the form is out of date. Open the page again from the menu.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "Изпратеното е твърде голямо",
            "What was sent is too large",
            "Нищо не е записано. Изпратете по-малки файлове (до 25 MiB общо).",
            "Nothing was saved. Send smaller files (up to 25 MiB in all).",
        ),
        s if s.is_server_error() => (
            "Временна грешка",
            "A temporary error",
            "Нищо не е записано. Опитайте отново след малко.",
            "Nothing was saved. Please try again in a moment.",
        ),
        _ => (
            "Заявката не може да бъде прочетена",
            "The request could not be read",
            "Нищо не е записано. Заредете страницата отново и опитайте пак.",
            "Nothing was saved. Reload the page and try again.",
        ),
    };
    let (said_bg, said_en) = said
        .map(|r| (r.message_bg.as_str(), r.message_en.as_str()))
        .unwrap_or((message_bg, message_en));
    if path == "/staff" || path.starts_with("/staff/") {
        return crate::pages::plain_error_page(status, title_bg, said_bg);
    }
    crate::portal::layout::error_page(
        prefs,
        status,
        prefs.t(title_bg, title_en),
        prefs.t(said_bg, said_en),
    )
}

/// An address as quoted back in an error: at most 200 characters of it.
fn shown(path: &str) -> String {
    let mut shown: String = path.chars().take(200).collect();
    if shown.len() < path.len() {
        shown.push('…');
    }
    shown
}

/// Renders errors in the user's language, and turns the framework's own plain-text errors
/// (unknown route, wrong method, body limit) into the same JSON shape — or, on the portal's and
/// the back office's paths, into a page.
pub async fn json_errors_everywhere(request: Request, next: Next) -> Response {
    let lang = Lang::from_headers(request.headers());
    let path = request.uri().path().to_owned();
    // What the reader's preferences are read from, should an error need a page: the address
    // (`?lang=`) and the cookies — kept aside, and read only then.
    let reader = read_by_people(&path).then(|| {
        let mut cookies = axum::http::HeaderMap::new();
        for value in request.headers().get_all(header::COOKIE) {
            cookies.append(header::COOKIE, value.clone());
        }
        (request.uri().clone(), cookies)
    });
    let response = next.run(request).await;
    if let Some((uri, cookies)) = reader {
        let status = response.status();
        let html = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        if (status.is_client_error() || status.is_server_error()) && !html {
            let prefs = crate::portal::layout::Prefs::read(&uri, &cookies);
            let said = response.extensions().get::<RenderedError>();
            let mut page = page_for_people(&path, &prefs, status, said).await;
            // Keep headers such as `Allow` and `Retry-After` that tell what would work.
            for (name, value) in response.headers() {
                if name != header::CONTENT_TYPE
                    && name != header::CONTENT_LENGTH
                    && !page.headers().contains_key(name)
                {
                    page.headers_mut().insert(name.clone(), value.clone());
                }
            }
            return page;
        }
        return response;
    }
    if let Some(rendered) = response.extensions().get::<RenderedError>() {
        if lang == Lang::Bg {
            return response;
        }
        let mut again = rendered.clone().response(lang);
        if let Some(retry) = response.headers().get(header::RETRY_AFTER) {
            again
                .headers_mut()
                .insert(header::RETRY_AFTER, retry.clone());
        }
        return again;
    }
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // JSON is already ours; HTML pages render their own errors; Open311 answers in XML too.
    let ours = content_type.starts_with("application/json")
        || content_type.starts_with("text/html")
        || content_type.starts_with("text/xml");
    if !(status.is_client_error() || status.is_server_error()) || ours {
        return response;
    }
    let error = match status {
        // No route answers this address (a route's own "not found" is already JSON).
        StatusCode::NOT_FOUND => RenderedError {
            status,
            code: "not_found",
            message_bg: format!(
                "Няма такъв адрес: {}. Адресите на API са описани в /api/openapi.json.",
                shown(&path)
            ),
            message_en: format!(
                "No such address: {}. The API's addresses are described in /api/openapi.json.",
                shown(&path)
            ),
            fields: Vec::new(),
        },
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge.render(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType.render(),
        StatusCode::METHOD_NOT_ALLOWED => RenderedError {
            status,
            code: "method_not_allowed",
            message_bg: "Този метод не се поддържа за този адрес.".into(),
            message_en: "This method is not supported for this address.".into(),
            fields: Vec::new(),
        },
        _ if status.is_server_error() => RenderedError {
            status,
            code: "internal_error",
            message_bg: "Вътрешна грешка; опитайте отново.".into(),
            message_en: "Internal error; please try again.".into(),
            fields: Vec::new(),
        },
        _ => RenderedError {
            status,
            code: "bad_request",
            message_bg: "Невалидна заявка.".into(),
            message_en: "Bad request.".into(),
            fields: Vec::new(),
        },
    };
    let mut fresh = error.response(lang);
    // Keep headers such as `Allow` that tell the client what would work.
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            fresh.headers_mut().insert(name.clone(), value.clone());
        }
    }
    fresh
}
