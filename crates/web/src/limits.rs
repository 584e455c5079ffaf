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

use crate::AppState;
use crate::error::ApiError;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use ipnet::IpNet;
use jiff::civil::Date;
use priemna_app::auth::client_network;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Which proxies in front of the server may tell us the client's address.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TrustedProxies {
    /// None: the peer is the client and `X-Forwarded-For` is ignored.
    #[default]
    None,
    /// This many proxies in a row stand in front of the server (the peer is the last of them).
    Hops(u8),
    /// The proxies' addresses or networks: any hop from one of them is a proxy.
    Addresses(Vec<IpNet>),
}

/// What `--trust-proxy` says could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "`{0}` is neither a number of proxies (1–16) nor a list of proxy addresses or networks \
     (e.g. 10.0.0.5,192.168.1.0/24)"
)]
pub struct BadProxySetting(String);

impl FromStr for TrustedProxies {
    type Err = BadProxySetting;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        // `none`/`false` and `true` keep the environment variable's old yes-or-no readable.
        if ["", "0", "none", "false", "no", "off"]
            .iter()
            .any(|v| s.eq_ignore_ascii_case(v))
        {
            return Ok(TrustedProxies::None);
        }
        if ["true", "yes", "on"]
            .iter()
            .any(|v| s.eq_ignore_ascii_case(v))
        {
            return Ok(TrustedProxies::Hops(1));
        }
        if s.bytes().all(|b| b.is_ascii_digit()) {
            return match s.parse::<u8>() {
                Ok(n @ 1..=16) => Ok(TrustedProxies::Hops(n)),
                _ => Err(BadProxySetting(s.to_owned())),
            };
        }
        let mut nets = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let net = part
                .parse::<IpNet>()
                .or_else(|_| part.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| BadProxySetting(part.to_owned()))?;
            nets.push(net);
        }
        if nets.is_empty() {
            return Err(BadProxySetting(s.to_owned()));
        }
        Ok(TrustedProxies::Addresses(nets))
    }
}

impl TrustedProxies {
    fn trusts(&self, address: IpAddr) -> bool {
        match self {
            TrustedProxies::None => false,
            TrustedProxies::Hops(_) => true,
            TrustedProxies::Addresses(nets) => nets.iter().any(|n| n.contains(&address)),
        }
    }
}

/// The client of a request that came from `peer` with these `X-Forwarded-For` values (in the
/// order the headers arrived).
///
/// Whenever the chain does not say clearly who the client is — fewer entries than proxies, an
/// entry that is not an address — the answer is the nearest address a trusted proxy vouched
/// for, so a client can lump itself in with others but never pass for someone new.
pub fn client_address<'a>(
    peer: IpAddr,
    forwarded_for: impl IntoIterator<Item = &'a str>,
    proxies: &TrustedProxies,
) -> IpAddr {
    let peer = peer.to_canonical();
    if !proxies.trusts(peer) {
        return peer;
    }
    let chain: Vec<&str> = forwarded_for
        .into_iter()
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    match proxies {
        TrustedProxies::None => peer,
        TrustedProxies::Hops(hops) => {
            // The peer is the first proxy; each further proxy's own entry is the next from the
            // right. The client's address is the entry written by the outermost proxy.
            let Some(index) = chain.len().checked_sub(usize::from(*hops)) else {
                return peer;
            };
            chain
                .get(index)
                .and_then(|entry| parse_entry(entry))
                .unwrap_or(peer)
        }
        TrustedProxies::Addresses(_) => {
            let mut vouched = peer;
            for entry in chain.iter().rev() {
                let Some(address) = parse_entry(entry) else {
                    return vouched;
                };
                if !proxies.trusts(address) {
                    return address;
                }
                vouched = address;
            }
            vouched
        }
    }
}

/// An `X-Forwarded-For` entry: an address, possibly with a port (`1.2.3.4:5678`,
/// `[2001:db8::1]:443`).
fn parse_entry(entry: &str) -> Option<IpAddr> {
    if let Ok(address) = entry.parse::<IpAddr>() {
        return Some(address.to_canonical());
    }
    entry
        .parse::<SocketAddr>()
        .ok()
        .map(|s| s.ip().to_canonical())
}

/// Requests allowed per client and period; 0 switches a limit off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitConfig {
    /// Submissions (API, portal, Open311) per client and minute.
    pub intake_per_minute: u32,
    /// Sign-in attempts per client and minute.
    pub login_per_minute: u32,
    /// Reception bookings per client and municipal day.
    pub bookings_per_day: u32,
    /// The proxies whose `X-Forwarded-For` is believed.
    pub proxies: TrustedProxies,
}

impl Default for LimitConfig {
    fn default() -> Self {
        LimitConfig {
            intake_per_minute: 20,
            login_per_minute: 10,
            bookings_per_day: 4,
            proxies: TrustedProxies::None,
        }
    }
}

impl LimitConfig {
    /// No limits at all: for benchmarks and for tests of something else. Never a default.
    pub fn off() -> Self {
        LimitConfig {
            intake_per_minute: 0,
            login_per_minute: 0,
            bookings_per_day: 0,
            proxies: TrustedProxies::None,
        }
    }
}

/// The client of this request, as the limits decided it; handlers read it from the request's
/// extensions (the portal's bookings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

pub struct Limits {
    config: LimitConfig,
    intake: Option<DefaultKeyedRateLimiter<IpAddr>>,
    login: Option<DefaultKeyedRateLimiter<IpAddr>>,
    /// Bookings made per client and municipal day (only successful ones count).
    bookings: Mutex<HashMap<(IpAddr, Date), u32>>,
    checks: AtomicU64,
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

/// How often (in checks) the limiters forget clients whose allowance is full again.
const FORGET_EVERY: u64 = 4096;

impl Limits {
    pub fn new(config: LimitConfig) -> Arc<Limits> {
        Arc::new(Limits {
            intake: limiter(config.intake_per_minute),
            login: limiter(config.login_per_minute),
            bookings: Mutex::new(HashMap::new()),
            checks: AtomicU64::new(0),
            config,
        })
    }

    pub fn config(&self) -> &LimitConfig {
        &self.config
    }

    /// Whether `client` may book another visit on `today` (municipal date).
    pub fn may_book(&self, client: IpAddr, today: Date) -> bool {
        let cap = self.config.bookings_per_day;
        if cap == 0 {
            return true;
        }
        let bookings = self.bookings.lock().unwrap_or_else(|e| e.into_inner());
        bookings
            .get(&(client_network(client), today))
            .is_none_or(|n| *n < cap)
    }

    /// Counts a booking `client` made on `today`; older days are forgotten.
    pub fn booked(&self, client: IpAddr, today: Date) {
        if self.config.bookings_per_day == 0 {
            return;
        }
        let mut bookings = self.bookings.lock().unwrap_or_else(|e| e.into_inner());
        bookings.retain(|(_, day), _| *day >= today);
        *bookings.entry((client_network(client), today)).or_insert(0) += 1;
    }

    fn forget_idle_clients(&self) {
        if self.checks.fetch_add(1, Ordering::Relaxed) % FORGET_EVERY == FORGET_EVERY - 1 {
            for limiter in [&self.intake, &self.login].into_iter().flatten() {
                limiter.retain_recent();
                limiter.shrink_to_fit();
            }
        }
    }
}

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
        | "/open311/v2/requests" => Some(Door::Intake),
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
