//! Rate limits on the doors that face the public: intake (a flood of fake signals), sign-in
//! (password guessing, on top of the refusals per account and address in `auth`, which names
//! the client as `priemna_app::auth::client_key` does) and reception bookings (one phone taking an official's
//! whole day). Limits are per client, configurable, and answered with 429
//! and `Retry-After` — JSON on `/api/` and `/open311/`, an HTML page in the reader's language on
//! the portal and the back office.
//!
//! Every client is limited, loopback included: behind the documented reverse proxy every request
//! comes from 127.0.0.1, so an exemption for loopback switched the limits off altogether. Only
//! `LimitConfig::off()` (benchmarks, tests of other things) switches them off, and only on
//! purpose.
//!
//! Who the client is: the peer's address, unless the peer is a trusted proxy
//! ([`TrustedProxies`]). Then `X-Forwarded-For` is read from the right, because each proxy
//! appends the address it saw: the client is the right-most address that no trusted proxy
//! added. The left-most entries are whatever the client chose to write, so they are never
//! believed, and a forwarded address is never exempt from anything. IPv6 clients are counted by
//! their /64 network, which one household or phone usually holds whole.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use priemna_app::auth::client_network;
use std::net::SocketAddr;

pub(crate) mod counters;

pub use counters::{
    BadProxySetting, ClientAddress, LimitConfig, Limits, TrustedProxies, client_address,
};

/// Which limit a request falls under, if any.
fn door(method: &Method, path: &str) -> Option<Door> {
    if method != Method::POST {
        return None;
    }
    match path {
        "/api/v1/auth/login" | "/staff/login" => Some(Door::Login),
        // Not limited here, but the current password's check counts failures per address.
        "/api/v1/auth/password" | "/staff/password" => Some(Door::PasswordCheck),
        crate::portal::submit::SEND_PATH => Some(Door::Intake),
        "/api/v1/submissions"
        | "/submit"
        | "/reception"
        | "/open311/v2/requests.json"
        | "/open311/v2/requests.xml"
        | "/open311/v2/requests"
        | "/track/message" => Some(Door::Intake),
        // The citizen's answer to a case by the API: as intake, per address.
        _ if path.starts_with("/api/v1/submissions/") && path.ends_with("/messages") => {
            Some(Door::Intake)
        }
        _ => None,
    }
}

#[derive(Debug, Clone, Copy)]
enum Door {
    Intake,
    Login,
    PasswordCheck,
}

fn forwarded_for(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
}

/// At a door that faces the public: decides who the client is (kept in the request for the
/// handler: the portal's bookings), then applies the door's limit. Other requests pass untouched.
pub async fn enforce(State(app): State<AppState>, mut request: Request, next: Next) -> Response {
    let limits = &app.limits;
    let Some(door) = door(request.method(), request.uri().path()) else {
        return next.run(request).await;
    };
    let Some(peer) = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
    else {
        return next.run(request).await;
    };
    let client = client_address(
        peer,
        forwarded_for(request.headers()),
        &limits.config.proxies,
    );
    request.extensions_mut().insert(ClientAddress(client));
    let limiter = match door {
        Door::Intake => &limits.intake,
        Door::Login => &limits.login,
        Door::PasswordCheck => &None,
    };
    let Some(limiter) = limiter else {
        return next.run(request).await;
    };
    limits.forget_idle_clients();
    match limiter.check_key(&client_network(client)) {
        Ok(()) => next.run(request).await,
        Err(not_until) => {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let seconds = wait.as_secs().max(1);
            tracing::warn!(%client, ?door, "rate limit reached");
            let mut response = too_many(request, seconds).await;
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
    }
}

/// The 429 in the shape the reader expects: JSON for the API and Open311, a page for people.
async fn too_many(request: Request, seconds: u64) -> Response {
    let path = request.uri().path().to_owned();
    let error = ApiError::TooManyRequests {
        retry_after_secs: seconds,
    };
    if path.starts_with("/staff/") {
        return crate::pages::PageError::from(error).into_response();
    }
    if path.starts_with("/api/") || path.starts_with("/open311/") {
        return error.into_response();
    }
    let prefs = crate::portal::layout::Prefs::read(request.uri(), request.headers());
    let message = if prefs.en() {
        format!(
            "Too many requests have come from your address. Nothing was sent or saved. Please \
             try again in {seconds} seconds: the browser's Back button returns to the form with \
             what you wrote."
        )
    } else {
        format!(
            "От Вашия адрес дойдоха твърде много заявки. Нищо не е изпратено или записано. \
             Опитайте отново след {seconds} секунди: с бутона „Назад“ на браузъра ще се върнете \
             към формуляра с написаното."
        )
    };
    crate::portal::layout::error_page(
        &prefs,
        StatusCode::TOO_MANY_REQUESTS,
        prefs.t("Твърде много заявки", "Too many requests"),
        &message,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    const LOOPBACK: &str = "127.0.0.1";

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() {
        let none = TrustedProxies::None;
        assert_eq!(
            client_address(ip(LOOPBACK), ["203.0.113.7"], &none),
            ip(LOOPBACK)
        );
        assert_eq!(
            client_address(ip("198.51.100.2"), ["127.0.0.1"], &none),
            ip("198.51.100.2")
        );
    }

    #[test]
    fn one_hop_takes_the_entry_the_proxy_appended_not_the_ones_the_client_wrote() {
        let one = TrustedProxies::Hops(1);
        let peer = ip(LOOPBACK);
        assert_eq!(
            client_address(peer, ["203.0.113.7"], &one),
            ip("203.0.113.7")
        );
        // The client wrote "127.0.0.1" and "1.2.3.4"; the proxy appended its real address.
        assert_eq!(
            client_address(peer, ["127.0.0.1, 1.2.3.4, 203.0.113.7"], &one),
            ip("203.0.113.7")
        );
        // Two header lines count as one list, in order.
        assert_eq!(
            client_address(peer, ["1.2.3.4", "203.0.113.7"], &one),
            ip("203.0.113.7")
        );
        // No header (a request that did not pass the proxy): the peer itself.
        assert_eq!(client_address(peer, [], &one), peer);
        // Garbage where the address should be: counted as the proxy, never as someone new.
        assert_eq!(client_address(peer, ["1.2.3.4, nonsense"], &one), peer);
        // A port is allowed.
        assert_eq!(
            client_address(peer, ["[2001:db8::1]:4711"], &one),
            ip("2001:db8::1")
        );
    }

    #[test]
    fn two_hops_skip_the_inner_proxy() {
        let two = TrustedProxies::Hops(2);
        let peer = ip("10.0.0.2");
        assert_eq!(
            client_address(peer, ["6.6.6.6, 203.0.113.7, 10.0.0.1"], &two),
            ip("203.0.113.7")
        );
        // Fewer entries than proxies: the peer.
        assert_eq!(client_address(peer, ["203.0.113.7"], &two), peer);
    }

    #[test]
    fn listed_proxies_are_walked_from_the_right() {
        let proxies: TrustedProxies = "127.0.0.1, 10.0.0.0/8".parse().unwrap();
        assert_eq!(
            client_address(ip(LOOPBACK), ["6.6.6.6, 203.0.113.7, 10.1.2.3"], &proxies),
            ip("203.0.113.7")
        );
        // A peer that is not a listed proxy is the client, whatever it forwards.
        assert_eq!(
            client_address(ip("198.51.100.9"), ["203.0.113.7"], &proxies),
            ip("198.51.100.9")
        );
        // Everything trusted: the left-most proxy vouched for.
        assert_eq!(
            client_address(ip(LOOPBACK), ["10.0.0.9"], &proxies),
            ip("10.0.0.9")
        );
        // Garbage: the last proxy that vouched.
        assert_eq!(
            client_address(ip(LOOPBACK), ["x, 10.0.0.9"], &proxies),
            ip("10.0.0.9")
        );
    }

    #[test]
    fn the_setting_reads_hops_and_addresses_and_names_what_is_wrong() {
        assert_eq!("1".parse(), Ok(TrustedProxies::Hops(1)));
        assert_eq!("none".parse(), Ok(TrustedProxies::None));
        assert_eq!("0".parse(), Ok(TrustedProxies::None));
        assert!(matches!(
            "127.0.0.1,::1".parse(),
            Ok(TrustedProxies::Addresses(v)) if v.len() == 2
        ));
        assert_eq!(
            "17".parse::<TrustedProxies>(),
            Err(BadProxySetting("17".into()))
        );
        assert_eq!(
            "10.0.0.1,proxy".parse::<TrustedProxies>(),
            Err(BadProxySetting("proxy".into()))
        );
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_network_and_mapped_ipv4_as_ipv4() {
        assert_eq!(
            client_network(ip("2001:db8:1:2:aaaa::1")),
            client_network(ip("2001:db8:1:2:bbbb::9"))
        );
        assert_ne!(
            client_network(ip("2001:db8:1:2::1")),
            client_network(ip("2001:db8:1:3::1"))
        );
        assert_eq!(
            client_address(ip("::ffff:192.0.2.1"), [], &TrustedProxies::None),
            ip("192.0.2.1")
        );
    }

    #[test]
    fn bookings_are_capped_per_client_and_day() {
        let limits = Limits::new(LimitConfig {
            bookings_per_day: 2,
            ..LimitConfig::default()
        });
        let today = jiff::civil::date(2026, 12, 4);
        let me = ip("203.0.113.7");
        assert!(limits.may_book(me, today));
        limits.booked(me, today);
        limits.booked(me, today);
        assert!(!limits.may_book(me, today));
        assert!(limits.may_book(ip("203.0.113.8"), today));
        assert!(limits.may_book(me, today.tomorrow().unwrap()));
    }
}
