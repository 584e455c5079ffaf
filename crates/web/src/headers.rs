//! The security headers every answer carries, in one place: no sniffing, no framing, no
//! referrer, a floor Content-Security-Policy (pages send stricter ones of their own), no powerful
//! browser features but the device's location on our own pages, a separate browsing context
//! group, Strict-Transport-Security when the site is served over HTTPS, and `no-store` on the
//! JSON API, whose answers may carry personal data (a submitter, a sealed identity, a tracking
//! view).

use crate::limits::TrustedProxies;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// A year, with subdomains: the municipality's site is HTTPS-only once it says so.
const HSTS: &str = "max-age=31536000; includeSubDomains";

const CSP_FLOOR: &str = "default-src 'self'; img-src 'self' data:; object-src 'none'; \
                         base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const PERMISSIONS: &str = "geolocation=(self), camera=(), microphone=(), payment=(), usb=()";

/// Whether this request reached the site over HTTPS: configured so (`--https`), or told so by a
/// trusted reverse proxy.
fn over_https(app: &AppState, headers: &HeaderMap) -> bool {
    app.https
        || (app.limits.config().proxies != TrustedProxies::None
            && headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("https")))
}

fn set_if_absent(headers: &mut HeaderMap, name: HeaderName, value: &'static str) {
    if !headers.contains_key(&name) {
        headers.insert(name, HeaderValue::from_static(value));
    }
}

pub async fn security_headers(
    State(app): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let https = over_https(&app, request.headers());
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    set_if_absent(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set_if_absent(headers, header::X_FRAME_OPTIONS, "DENY");
    set_if_absent(headers, header::REFERRER_POLICY, "no-referrer");
    set_if_absent(headers, header::CONTENT_SECURITY_POLICY, CSP_FLOOR);
    set_if_absent(
        headers,
        HeaderName::from_static("permissions-policy"),
        PERMISSIONS,
    );
    set_if_absent(
        headers,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    if https {
        set_if_absent(headers, header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if api && json {
        set_if_absent(headers, header::CACHE_CONTROL, "no-store");
    }
    response
}
