//! Who the client is, and how many requests each client has left: the counters behind the
//! limits (`limits::enforce` applies them at the doors).

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
pub struct BadProxySetting(pub(super) String);

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
    pub(super) config: LimitConfig,
    pub(super) intake: Option<DefaultKeyedRateLimiter<IpAddr>>,
    pub(super) login: Option<DefaultKeyedRateLimiter<IpAddr>>,
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

    pub(super) fn forget_idle_clients(&self) {
        if self.checks.fetch_add(1, Ordering::Relaxed) % FORGET_EVERY == FORGET_EVERY - 1 {
            for limiter in [&self.intake, &self.login].into_iter().flatten() {
                limiter.retain_recent();
                limiter.shrink_to_fit();
            }
        }
    }
}
