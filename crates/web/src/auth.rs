//! Staff authentication over HTTP: the session cookie or `Authorization: Bearer …`, CSRF
//! checks, and sign-ins refused from other sites. Passwords, sessions and lock-out are the
//! application's (`priemna_app::auth`).
//!
//! A session is a random token; the browser holds it in an HttpOnly cookie, an integration
//! sends it as `Authorization: Bearer …`. Only its SHA-256 is stored. Requests authenticated by
//! the cookie must also carry the session's CSRF token (form field or `X-CSRF-Token` header)
//! on anything that changes state; bearer requests cannot be forged cross-site and need none.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use priemna_app::App;
use priemna_app::auth::token_hash;
use priemna_app::staff::Staff;
use priemna_store::Session;

pub const SESSION_COOKIE: &str = "priemna_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Refuses a sign-in sent from another site (login CSRF): a browser's `Sec-Fetch-Site` that is
/// not `same-origin` (or `none`, typed by the user), or an `Origin` whose host is not the one
/// the request was sent to. Clients that send neither header (scripts, integrations) pass.
pub fn check_same_origin(headers: &HeaderMap) -> Result<(), ApiError> {
    let refuse = || ApiError::Forbidden {
        reason_bg: "Входът е изпратен от друг сайт и е отказан. Отворете страницата за вход \
                    на Приемна и влезте оттам."
            .into(),
        reason_en: "The sign-in was sent from another site and was refused. Open Priemna's \
                    sign-in page and sign in there."
            .into(),
    };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site")
        && !matches!(site.trim(), "same-origin" | "none")
    {
        return Err(refuse());
    }
    // Under `Referrer-Policy: no-referrer` (every answer of ours) Chromium sends the form's
    // `Origin` as `null`; then the browser's `Sec-Fetch-Site` (checked above) must say it.
    if header("origin").is_some_and(|o| o.trim() == "null") {
        return match header("sec-fetch-site") {
            Some(_) => Ok(()),
            None => Err(refuse()),
        };
    }
    if let Some(origin) = header("origin") {
        let authority = origin
            .trim()
            .split_once("://")
            .map(|(_, rest)| rest.trim_end_matches('/'))
            .filter(|a| !a.is_empty() && !a.contains('/'));
        let own = [header("x-forwarded-host"), header("host")];
        let same = authority.is_some_and(|a| {
            own.iter()
                .flatten()
                .any(|h| h.trim().eq_ignore_ascii_case(a))
        });
        if !same {
            return Err(refuse());
        }
    }
    Ok(())
}

/// Paths a session whose password was reset may still use: changing it, and leaving.
const WHILE_PASSWORD_MUST_CHANGE: [&str; 5] = [
    "/api/v1/auth/password",
    "/api/v1/auth/me",
    "/api/v1/auth/logout",
    "/staff/password",
    "/staff/logout",
];

/// The session cookie: HttpOnly, SameSite=Strict, Secure when served over HTTPS.
pub fn session_cookie(token: &str, secure: bool) -> Cookie<'static> {
    let mut cookie = Cookie::new(SESSION_COOKIE, token.to_owned());
    cookie.set_http_only(true);
    cookie.set_same_site(SameSite::Strict);
    cookie.set_path("/");
    cookie.set_secure(secure);
    cookie
}

/// Whether the client reached us over HTTPS (directly configured, or via a reverse proxy).
pub fn is_https(app: &AppState, headers: &HeaderMap) -> bool {
    app.https
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Finds the session behind a request, if any.
pub async fn current_session(
    app: &App,
    parts: &Parts,
) -> Result<Option<(Session, String, bool)>, ApiError> {
    let (token, via_cookie) = match bearer(parts) {
        Some(token) => (token.to_owned(), false),
        None => {
            let jar = CookieJar::from_headers(&parts.headers);
            match jar.get(SESSION_COOKIE) {
                Some(cookie) => (cookie.value().to_owned(), true),
                None => return Ok(None),
            }
        }
    };
    let hash = token_hash(&token);
    let session = app.store.session(&hash, app.clock.now()).await?;
    Ok(session.map(|s| (s, hash, via_cookie)))
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some((session, token_hash, via_cookie)) = current_session(app, parts).await? else {
            return Err(ApiError::Unauthorized);
        };
        if session.user.must_change_password
            && !WHILE_PASSWORD_MUST_CHANGE.contains(&parts.uri.path())
        {
            return Err(ApiError::Forbidden {
                reason_bg: "Администратор е задал нова парола на профила. Сменете я (Смяна на \
                            парола, /staff/password), преди да продължите."
                    .into(),
                reason_en: "An administrator reset this account's password. Change it \
                            (/staff/password or POST /api/v1/auth/password) before going on."
                    .into(),
            });
        }
        let staff = Staff {
            user: session.user,
            csrf_token: session.csrf_token,
            token_hash,
            via_cookie,
            mail_off: !app.notify.smtp_configured,
        };
        // The JSON API: a cookie-authenticated change must carry the CSRF header. (HTML forms
        // use `StaffPage` and check the token in the form body.)
        let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if unsafe_method && parts.uri.path().starts_with("/api/") {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            staff.check_csrf(sent)?;
        }
        Ok(staff)
    }
}
