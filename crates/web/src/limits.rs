//! Rate limits on the doors that face the public: intake (a flood of fake signals) and sign-in
//! (password guessing, on top of the per-account lock-out). Limits are per client address,
//! configurable, and answered with 429 and `Retry-After`.
//!
//! Behind a reverse proxy every request comes from the proxy: start the server with
//! `--trust-proxy` so the client's address is read from `X-Forwarded-For`. Loopback clients are
//! not limited unless asked (`limit_loopback`), so that local tools and tests are not throttled.

use crate::AppState;
use crate::error::ApiError;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

/// Requests allowed per client address and minute; 0 switches a limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitConfig {
    pub intake_per_minute: u32,
    pub login_per_minute: u32,
    /// Read the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy: bool,
    /// Limit loopback clients too (tests of the limits themselves).
    pub limit_loopback: bool,
}

impl Default for LimitConfig {
    fn default() -> Self {
        LimitConfig {
            intake_per_minute: 20,
            login_per_minute: 10,
            trust_proxy: false,
            limit_loopback: false,
        }
    }
}

pub struct Limits {
    config: LimitConfig,
    intake: Option<DefaultKeyedRateLimiter<IpAddr>>,
    login: Option<DefaultKeyedRateLimiter<IpAddr>>,
}

impl std::fmt::Debug for Limits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limits")
            .field("config", &self.config)
            .finish()
    }
}

fn limiter(per_minute: u32) -> Option<DefaultKeyedRateLimiter<IpAddr>> {
    // A burst as large as the minute's allowance, refilled evenly over the minute.
    NonZeroU32::new(per_minute).map(|n| RateLimiter::keyed(Quota::per_minute(n)))
}

impl Limits {
    pub fn new(config: LimitConfig) -> Arc<Limits> {
        Arc::new(Limits {
            config,
            intake: limiter(config.intake_per_minute),
            login: limiter(config.login_per_minute),
        })
    }

    pub fn config(&self) -> LimitConfig {
        self.config
    }
}

/// Which limit a request falls under, if any.
fn door(method: &Method, path: &str) -> Option<Door> {
    if method != Method::POST {
        return None;
    }
    match path {
        "/api/v1/auth/login" | "/staff/login" => Some(Door::Login),
        "/api/v1/submissions"
        | "/submit"
        | "/reception"
        | "/open311/v2/requests.json"
        | "/open311/v2/requests.xml"
        | "/open311/v2/requests" => Some(Door::Intake),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy)]
enum Door {
    Intake,
    Login,
}

fn client_address(request: &Request, trust_proxy: bool) -> Option<IpAddr> {
    if trust_proxy
        && let Some(forwarded) = request
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return Some(forwarded);
    }
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
}

pub async fn enforce(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let Some(door) = door(request.method(), request.uri().path()) else {
        return next.run(request).await;
    };
    let limits = &app.limits;
    let Some(address) = client_address(&request, limits.config.trust_proxy) else {
        return next.run(request).await;
    };
    if address.is_loopback() && !limits.config.limit_loopback {
        return next.run(request).await;
    }
    let limiter = match door {
        Door::Intake => &limits.intake,
        Door::Login => &limits.login,
    };
    let Some(limiter) = limiter else {
        return next.run(request).await;
    };
    match limiter.check_key(&address) {
        Ok(()) => next.run(request).await,
        Err(not_until) => {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let seconds = wait.as_secs().max(1);
            tracing::warn!(%address, ?door, "rate limit reached");
            let mut response = ApiError::TooManyRequests {
                retry_after_secs: seconds,
            }
            .into_response();
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
    }
}
