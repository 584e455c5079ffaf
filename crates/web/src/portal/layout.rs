//! The portal's one layout, its stylesheet, the reader's preferences (language, text size, high
//! contrast — kept in cookies, changed with plain forms and links, no JavaScript), and the
//! pieces its forms are made of: fields with their label, hint and error tied to the control
//! with `aria-describedby`, and an error summary that links to each field.

use crate::lang::Lang;
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use jiff::Timestamp;
use jiff::civil::{Date, Weekday};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use priemna_domain::clock::municipal_tz;
use serde::Deserialize;
use std::collections::HashMap;

pub const LANG_COOKIE: &str = "priemna_lang";
pub const SIZE_COOKIE: &str = "priemna_size";
pub const CONTRAST_COOKIE: &str = "priemna_contrast";

/// The portal's stylesheet, served from `GET /assets/portal.css`: large readable type, colours
/// that pass WCAG AA (and AAA in high contrast), a focus ring that cannot be missed, one column
/// on a phone, and a print layout for receipts.
pub const STYLE: &str = r#":root {
  --ink: #0b0c0c; --muted: #474a4d; --paper: #ffffff; --line: #6f7275; --soft: #f3f2f1;
  --brand: #0b3d6b; --brand-2: #1d70b8; --link: #1a4fbf; --visited: #5b2c8f; --focus: #ffdd00;
  --bad: #b10e1e; --good: #00703c; --good-dark: #002d18; --panel: #eef4fa;
}
html.contrast {
  --ink: #ffffff; --muted: #ffffff; --paper: #000000; --line: #ffffff; --soft: #1a1a1a;
  --brand: #000000; --brand-2: #ffff00; --link: #ffff00; --visited: #ffd1ff; --focus: #ffff00;
  --bad: #ff9a9a; --good: #ffff00; --good-dark: #ffffff; --panel: #000000;
}
*, *::before, *::after { box-sizing: border-box; }
html { font-size: 112.5%; -webkit-text-size-adjust: 100%; }
html.size-small { font-size: 100%; }
html.size-large { font-size: 137.5%; }
body { margin: 0; background: var(--paper); color: var(--ink);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Arial, sans-serif;
  line-height: 1.55; }
a { color: var(--link); text-underline-offset: 0.15em; }
a:visited { color: var(--visited); }
a:hover { text-decoration-thickness: 3px; }
:focus-visible { outline: 3px solid var(--ink); outline-offset: 0; box-shadow: 0 0 0 7px var(--focus); }
a:focus-visible { background: var(--focus); color: #0b0c0c; box-shadow: 0 4px 0 #0b0c0c; outline: none; }
.skip { position: absolute; left: -9999px; top: 0; z-index: 10; padding: 0.6rem 1rem;
  background: var(--focus); color: #0b0c0c; font-weight: 700; }
.skip:focus, .skip:focus-visible { left: 0; color: #0b0c0c; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: -1px;
  padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.tools { background: var(--soft); border-bottom: 1px solid var(--line); font-size: 0.9rem; }
.tools .inner, header.top .inner, .nav .inner { max-width: 64rem; margin: 0 auto; padding: 0.35rem 1rem;
  display: flex; flex-wrap: wrap; gap: 0.4rem 1.25rem; align-items: center; justify-content: flex-end; }
.tools form { margin: 0; display: flex; flex-wrap: wrap; gap: 0.35rem; align-items: center; }
.tools button { font: inherit; padding: 0.15rem 0.6rem; min-width: 2.75rem; min-height: 2.5rem;
  border: 2px solid var(--ink); background: var(--paper); color: var(--ink); cursor: pointer; border-radius: 0; }
.tools button[aria-pressed="true"] { background: var(--ink); color: var(--paper); font-weight: 700; }
.tools .group-label { font-weight: 700; }
header.top { background: var(--brand); color: #fff; border-bottom: 6px solid var(--brand-2); }
html.contrast header.top { border-bottom-color: #ffff00; }
header.top .inner { justify-content: space-between; padding-top: 0.7rem; padding-bottom: 0.7rem; }
header.top a, header.top a:visited { color: #fff; text-decoration: none; }
header.top a:focus-visible { color: #0b0c0c; }
.brand { margin: 0; font-weight: 700; font-size: 1.35rem; line-height: 1.2; }
.brand small { display: block; font-weight: 400; font-size: 0.95rem; }
.nav { border-bottom: 1px solid var(--line); }
.nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.2rem 1.4rem; }
.nav .inner { justify-content: flex-start; }
.nav a { display: inline-block; padding: 0.4rem 0; font-weight: 700; }
.nav a[aria-current="page"] { text-decoration-thickness: 4px; }
main { display: block; max-width: 64rem; margin: 0 auto; padding: 1rem 1rem 3rem; }
main:focus { outline: none; }
footer { border-top: 4px solid var(--brand-2); background: var(--soft); }
footer .inner { max-width: 64rem; margin: 0 auto; padding: 1rem; font-size: 0.95rem; }
footer ul { list-style: none; padding: 0; margin: 0 0 0.75rem; display: flex; flex-wrap: wrap; gap: 0.3rem 1.4rem; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0.75rem 0 1rem; }
h2 { font-size: 1.45rem; line-height: 1.25; margin: 2rem 0 0.75rem; }
h3 { font-size: 1.15rem; margin: 1.25rem 0 0.5rem; }
p, ul, ol { margin: 0 0 1rem; }
li { margin-bottom: 0.35rem; }
.lead { font-size: 1.2rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 17rem), 1fr));
  gap: 1rem; margin: 1.5rem 0; padding: 0; list-style: none; }
.card { border: 2px solid var(--line); border-top: 6px solid var(--brand-2); padding: 1rem; margin: 0; background: var(--paper); }
.card h2 { margin-top: 0; font-size: 1.3rem; }
.panel { background: var(--panel); border-left: 6px solid var(--brand-2); padding: 0.75rem 1rem; margin: 0 0 1.5rem; }
.panel h2 { margin-top: 0.25rem; }
html.contrast .panel, html.contrast .card { border: 2px solid #fff; }
.field { margin: 0 0 1.4rem; }
.field.invalid, fieldset.invalid { border-left: 5px solid var(--bad); padding-left: 0.9rem; }
label, legend { display: block; font-weight: 700; margin: 0 0 0.25rem; }
legend { font-size: 1.15rem; padding: 0; }
fieldset { border: 0; padding: 0; margin: 0 0 1.4rem; min-width: 0; }
.choice { display: flex; gap: 0.6rem; align-items: flex-start; margin: 0.45rem 0; }
.choice label { display: inline; font-weight: 400; margin: 0; }
.choice label strong { font-weight: 700; }
.choice input { width: 1.6rem; height: 1.6rem; margin: 0.1rem 0 0; flex: none; accent-color: var(--brand); }
.choice .hint { margin: 0; }
.hint { color: var(--muted); margin: 0 0 0.35rem; }
.error { color: var(--bad); font-weight: 700; margin: 0 0 0.35rem; }
input, select, textarea { font: inherit; color: var(--ink); background: var(--paper);
  border: 2px solid var(--ink); border-radius: 0; padding: 0.4rem 0.55rem; max-width: 100%; }
input[type="text"], input[type="tel"], input[type="email"], input[type="date"], select { width: 26rem; }
input.short { width: 13rem; }
textarea { width: 100%; min-height: 9rem; }
input[type="file"] { border: 2px dashed var(--ink); padding: 0.6rem; width: 100%; }
.invalid input, .invalid select, .invalid textarea { border-color: var(--bad); border-width: 3px; }
button, .button { font: inherit; font-weight: 700; display: inline-block; padding: 0.6rem 1.2rem;
  border: 2px solid transparent; border-radius: 0; background: var(--good); color: #fff;
  box-shadow: 0 3px 0 var(--good-dark); cursor: pointer; text-decoration: none; }
html.contrast main button, html.contrast .button { color: #000; }
html.contrast main button.secondary { color: var(--ink); }
.button:visited { color: #fff; }
button.secondary { background: var(--soft); color: var(--ink); border-color: var(--ink); box-shadow: none; }
button.warning { background: var(--bad); box-shadow: 0 3px 0 #55070e; }
.tools button { box-shadow: none; font-weight: 400; }
.alert { border: 5px solid var(--bad); padding: 0.75rem 1rem; margin: 0 0 1.5rem; }
.alert h2 { margin-top: 0; font-size: 1.25rem; }
.alert ul { margin: 0; }
.alert a { color: var(--bad); font-weight: 700; }
.notice { border: 5px solid var(--good); padding: 0.75rem 1rem; margin: 0 0 1.5rem; }
.notice p { margin: 0.25rem 0; }
.receipt { border: 4px solid var(--ink); padding: 1rem 1.25rem; margin: 0 0 1.5rem; }
.big { font-size: 1.6rem; font-weight: 700; letter-spacing: 0.04em; font-variant-numeric: tabular-nums; }
.code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 1.6rem; font-weight: 700;
  letter-spacing: 0.12em; background: var(--soft); padding: 0.1rem 0.5rem; }
dl.facts { display: grid; grid-template-columns: minmax(10rem, max-content) 1fr; gap: 0.35rem 1.25rem; margin: 0 0 1.5rem; }
dl.facts dt { font-weight: 700; }
dl.facts dd { margin: 0; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--soft);
  padding: 0.75rem 1rem; border-left: 4px solid var(--line); margin: 0 0 1rem; }
.delay { border-left: 6px solid var(--bad); background: var(--soft); padding: 0.5rem 1rem; margin: 0 0 1rem; }
ol.conversation { list-style: none; padding: 0; margin: 0 0 1.5rem; }
ol.conversation .message { margin: 0 0 1rem; }
ol.conversation .message .meta { margin: 0 0 0.25rem; }
ol.conversation .message.citizen .text { border-left-color: var(--good); }
.table-wrap { overflow-x: auto; margin: 0 0 1.5rem; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: 700; padding: 0 0 0.5rem; }
th, td { text-align: left; vertical-align: top; padding: 0.5rem 0.6rem; border-bottom: 1px solid var(--line); }
thead th { border-bottom: 2px solid var(--ink); }
.slots { display: grid; grid-template-columns: repeat(auto-fill, minmax(7.5rem, 1fr)); gap: 0.4rem 0.8rem; }
.slots .choice { margin: 0.2rem 0; }
.status { display: inline-block; font-weight: 700; border: 2px solid var(--ink); padding: 0 0.5rem; }
.steps { padding-left: 1.3rem; }
.charter h2 { font-size: 1.3rem; }
.print-only { display: none; }
.kept { border: 2px solid var(--line); padding: 0.75rem 1rem; margin: 0 0 1rem; }
.kept-files { list-style: none; padding: 0; margin: 0; }
.kept-files li { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; align-items: center;
  padding: 0.4rem 0; border-top: 1px solid var(--line); }
.kept-files .file-name { font-weight: 700; overflow-wrap: anywhere; }
.choice.inline { margin: 0; align-items: center; }
#receipt-track-link { overflow-wrap: anywhere; }
/* Charts are drawn at their size (no viewBox, no scaling): their height is the height attribute. */
svg.chart { display: block; width: 100%; max-width: 48rem; color: var(--ink); }
figure.chart-figure { margin: 1rem 0 0.75rem; }
html.contrast svg.chart rect.bar { fill: #ffff00; }
nav.years { display: flex; flex-wrap: wrap; gap: 0.3rem 0.8rem; align-items: baseline; margin: 0 0 0.75rem; }
nav.years ul { list-style: none; display: flex; flex-wrap: wrap; gap: 0.3rem 0.9rem; margin: 0; padding: 0; }
nav.years a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 4px; }
form.period fieldset { display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; align-items: flex-end; }
form.period legend { width: 100%; }
form.period .field { margin: 0; }
@media (max-width: 40rem) {
  svg.chart .wide-only { display: none; }
  table.stacked thead { position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); }
  table.stacked, table.stacked caption, table.stacked tbody, table.stacked tfoot,
  table.stacked tr, table.stacked th, table.stacked td { display: block; width: auto; }
  table.stacked tr { border: 2px solid var(--line); margin: 0 0 0.75rem; padding: 0.35rem 0.6rem; }
  table.stacked th, table.stacked td { border: 0; padding: 0.15rem 0; overflow-wrap: anywhere; }
  table.stacked [data-label]::before { content: attr(data-label) ": "; font-weight: 700; }
  html { font-size: 106.25%; }
  html.size-large { font-size: 125%; }
  h1 { font-size: 1.6rem; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: 0.5rem; }
  .code { font-size: 1.35rem; letter-spacing: 0.06em; }
  input[type="text"], input[type="tel"], input[type="email"], input[type="date"], select, input.short { width: 100%; }
  .tools .inner { justify-content: flex-start; }
  .nav ul { gap: 0 1.1rem; }
  .nav li { margin: 0; }
  .nav a { padding: 0.25rem 0; }
  button, .button { width: 100%; text-align: center; }
  .tools button { width: auto; }
}
@media print {
  html, html.contrast { font-size: 11pt; --ink: #000; --paper: #fff; --soft: #fff; --line: #000; --muted: #000; }
  .tools, header.top, .nav, footer, .skip, .no-print, form, nav.years { display: none !important; }
  .print-only { display: block; }
  main { max-width: none; padding: 0; }
  a { color: #000; text-decoration: none; }
  .receipt { border: 2px solid #000; }
}
@media (forced-colors: active) {
  .alert, .notice, .receipt, .card, .panel { border: 2px solid CanvasText; }
  .tools button[aria-pressed="true"] { border-width: 4px; }
}
"#;

/// The site's icon: a white "П" (Приемна) on the municipality's blue, drawn by hand.
const ICON: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0b4f8a"/><path d="M9 25V7h14v18h-4V11h-6v14z" fill="#fff"/></svg>"##;

/// `GET /assets/icon.svg`, and `GET /favicon.ico` for browsers that ask there first.
pub async fn icon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        ICON,
    )
}

/// `GET /assets/portal.css`.
pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE,
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextSize {
    Small,
    Normal,
    Large,
}

impl TextSize {
    fn parse(s: &str) -> Option<TextSize> {
        match s {
            "small" => Some(TextSize::Small),
            "normal" => Some(TextSize::Normal),
            "large" => Some(TextSize::Large),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            TextSize::Small => "small",
            TextSize::Normal => "normal",
            TextSize::Large => "large",
        }
    }
}

/// How the reader wants the portal: language, text size, contrast; and where they are.
#[derive(Debug, Clone)]
pub struct Prefs {
    pub lang: Lang,
    pub size: TextSize,
    pub contrast: bool,
    /// The path of this page, for the preference forms to come back to.
    pub path: String,
}

impl Prefs {
    /// The Bulgarian or the English text.
    pub fn t<'a>(&self, bg: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(bg, en)
    }

    pub fn en(&self) -> bool {
        self.lang == Lang::En
    }

    /// A date as the reader writes it: 02.03.2026 (Bulgarian), 2 March 2026 (English).
    pub fn date(&self, date: Date) -> String {
        match self.lang {
            Lang::Bg => date.strftime("%d.%m.%Y").to_string(),
            Lang::En => date.strftime("%-d %B %Y").to_string(),
        }
    }

    /// A date with its weekday.
    pub fn day(&self, date: Date) -> String {
        format!(
            "{}, {}",
            weekday(self.lang, date.weekday()),
            self.date(date)
        )
    }

    /// An instant in the municipality's time zone.
    pub fn time(&self, at: Timestamp) -> String {
        let zoned = at.to_zoned(municipal_tz());
        format!("{} {}", self.date(zoned.date()), zoned.strftime("%H:%M"))
    }
}

pub fn weekday(lang: Lang, day: Weekday) -> &'static str {
    let (bg, en) = match day {
        Weekday::Monday => ("понеделник", "Monday"),
        Weekday::Tuesday => ("вторник", "Tuesday"),
        Weekday::Wednesday => ("сряда", "Wednesday"),
        Weekday::Thursday => ("четвъртък", "Thursday"),
        Weekday::Friday => ("петък", "Friday"),
        Weekday::Saturday => ("събота", "Saturday"),
        Weekday::Sunday => ("неделя", "Sunday"),
    };
    lang.pick(bg, en)
}

fn lang_from(value: &str) -> Option<Lang> {
    match value {
        "bg" => Some(Lang::Bg),
        "en" => Some(Lang::En),
        _ => None,
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Prefs {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Prefs::read(&parts.uri, &parts.headers))
    }
}

impl Prefs {
    /// The reader's preferences, from the address (`?lang=`) and the cookies of a request.
    pub fn read(uri: &axum::http::Uri, headers: &axum::http::HeaderMap) -> Prefs {
        let jar = CookieJar::from_headers(headers);
        let query: HashMap<String, String> = Query::try_from_uri(uri)
            .map(|Query(q)| q)
            .unwrap_or_default();
        // `?lang=` wins (and is remembered by `remember_lang`); then the cookie; Bulgarian.
        let lang = query
            .get("lang")
            .and_then(|l| lang_from(l))
            .or_else(|| jar.get(LANG_COOKIE).and_then(|c| lang_from(c.value())))
            .unwrap_or(Lang::Bg);
        let size = jar
            .get(SIZE_COOKIE)
            .and_then(|c| TextSize::parse(c.value()))
            .unwrap_or(TextSize::Normal);
        let contrast = jar
            .get(CONTRAST_COOKIE)
            .is_some_and(|c| c.value() == "high");
        Prefs {
            lang,
            size,
            contrast,
            path: uri.path().to_owned(),
        }
    }
}

fn preference_cookie(name: &'static str, value: &str) -> Cookie<'static> {
    // Kept for a year; parsed from text so that Max-Age needs no time crate.
    let text = format!("{name}={value}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax");
    Cookie::parse(text).unwrap_or_else(|_| {
        let mut cookie = Cookie::new(name, value.to_owned());
        cookie.set_path("/");
        cookie.set_same_site(SameSite::Lax);
        cookie
    })
}

/// A path on this site to come back to; anything else goes home.
pub fn safe_back(back: Option<&str>) -> String {
    match back {
        Some(b)
            if b.starts_with('/')
                && !b.starts_with("//")
                && !b.contains('\\')
                && !b.chars().any(char::is_control) =>
        {
            b.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct PreferenceForm {
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    size: Option<String>,
    #[serde(default)]
    contrast: Option<String>,
    #[serde(default)]
    back: Option<String>,
}

fn apply(jar: CookieJar, form: &PreferenceForm) -> CookieJar {
    let mut jar = jar;
    if let Some(lang) = form.lang.as_deref().and_then(lang_from) {
        let value = if lang == Lang::En { "en" } else { "bg" };
        jar = jar.add(preference_cookie(LANG_COOKIE, value));
    }
    if let Some(size) = form.size.as_deref().and_then(TextSize::parse) {
        jar = jar.add(preference_cookie(SIZE_COOKIE, size.as_str()));
    }
    match form.contrast.as_deref() {
        Some("high") => jar = jar.add(preference_cookie(CONTRAST_COOKIE, "high")),
        Some("normal") => jar = jar.add(preference_cookie(CONTRAST_COOKIE, "normal")),
        _ => {}
    }
    jar
}

/// `POST /preferences` (the text-size and contrast buttons) and `GET /preferences` (the
/// language link): remembers the choice in a cookie and goes back to the page.
pub async fn preferences_post(
    jar: CookieJar,
    form: Result<axum::Form<PreferenceForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let form = form.map(|axum::Form(f)| f).unwrap_or_default();
    let back = safe_back(form.back.as_deref());
    (apply(jar, &form), Redirect::to(&back)).into_response()
}

pub async fn preferences_get(jar: CookieJar, Query(form): Query<PreferenceForm>) -> Response {
    let back = safe_back(form.back.as_deref());
    (apply(jar, &form), Redirect::to(&back)).into_response()
}

/// Remembers `?lang=bg|en` given on any portal page.
pub async fn remember_lang(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let lang = Query::<HashMap<String, String>>::try_from_uri(request.uri())
        .ok()
        .and_then(|Query(q)| q.get("lang").and_then(|l| lang_from(l)));
    let mut response = next.run(request).await;
    if let Some(lang) = lang {
        let cookie = preference_cookie(LANG_COOKIE, if lang == Lang::En { "en" } else { "bg" });
        if let Ok(value) = header::HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Which part of the portal a page belongs to (for `aria-current`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Home,
    Submit,
    Track,
    Reception,
    Charter,
    Contacts,
    Statistics,
    None,
}

fn nav_items(prefs: &Prefs) -> [(Nav, &'static str, &'static str); 7] {
    [
        (Nav::Home, "/", prefs.t("Начало", "Home")),
        (Nav::Submit, "/submit", prefs.t("Подаване", "Submit")),
        (
            Nav::Track,
            "/track",
            prefs.t("Проследяване", "Track a case"),
        ),
        (
            Nav::Reception,
            "/reception",
            prefs.t("Записване за прием", "Book a visit"),
        ),
        (
            Nav::Charter,
            "/charter",
            prefs.t("Харта на клиента", "Client charter"),
        ),
        (Nav::Contacts, "/contacts", prefs.t("Контакти", "Contacts")),
        (
            Nav::Statistics,
            "/statistics",
            prefs.t("Статистика", "Statistics"),
        ),
    ]
}

/// The whole page around `body`.
pub fn page(prefs: &Prefs, current: Nav, title: &str, body: Markup) -> Markup {
    let lang = if prefs.en() { "en" } else { "bg" };
    let mut classes = Vec::new();
    match prefs.size {
        TextSize::Small => classes.push("size-small"),
        TextSize::Large => classes.push("size-large"),
        TextSize::Normal => {}
    }
    if prefs.contrast {
        classes.push("contrast");
    }
    let class = (!classes.is_empty()).then(|| classes.join(" "));
    let (other_lang, other_label, other_name) = if prefs.en() {
        ("bg", "Български", "bg")
    } else {
        ("en", "English", "en")
    };
    let back = prefs.path.clone();
    let size_button = |size: TextSize, text: &str, hidden_bg: &str, hidden_en: &str| {
        html! {
            button type="submit" name="size" value=(size.as_str())
                aria-pressed=(if prefs.size == size { "true" } else { "false" }) {
                (text) span.visually-hidden { " " (prefs.t(hidden_bg, hidden_en)) }
            }
        }
    };
    html! {
        (DOCTYPE)
        html lang=(lang) class=[class] {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                @let site = prefs.t("Приемна на Община Хасково", "Haskovo Municipality reception");
                // The home page's heading is the site's name: said once.
                @if title == site { title { (site) } } @else { title { (title) " — " (site) } }
                link rel="stylesheet" href="/assets/portal.css";
                link rel="icon" href="/assets/icon.svg" type="image/svg+xml";
            }
            body {
                a.skip href="#main" { (prefs.t("Към основното съдържание", "Skip to main content")) }
                div.tools {
                    div.inner {
                        a href=(format!("/preferences?lang={other_lang}&back={}", url_encode(&back)))
                          lang=(other_name) hreflang=(other_name) { (other_label) }
                        form method="post" action="/preferences" aria-label=(prefs.t("Размер на текста", "Text size")) {
                            input type="hidden" name="back" value=(back);
                            span.group-label aria-hidden="true" { (prefs.t("Текст:", "Text:")) }
                            (size_button(TextSize::Large, "A+", "по-голям текст", "larger text"))
                            (size_button(TextSize::Normal, "A", "нормален текст", "normal text"))
                            (size_button(TextSize::Small, "A−", "по-малък текст", "smaller text"))
                        }
                        form method="post" action="/preferences" {
                            input type="hidden" name="back" value=(back);
                            @if prefs.contrast {
                                button type="submit" name="contrast" value="normal" aria-pressed="true" {
                                    (prefs.t("Висок контраст", "High contrast"))
                                }
                            } @else {
                                button type="submit" name="contrast" value="high" aria-pressed="false" {
                                    (prefs.t("Висок контраст", "High contrast"))
                                }
                            }
                        }
                    }
                }
                header.top {
                    div.inner {
                        p.brand {
                            a href="/" {
                                (prefs.t("Община Хасково", "Haskovo Municipality"))
                                small { (prefs.t("Приемна — предложения, сигнали, жалби", "Reception — proposals, signals, complaints")) }
                            }
                        }
                    }
                }
                nav.nav aria-label=(prefs.t("Основна навигация", "Main navigation")) {
                    div.inner {
                        ul {
                            @for (item, href, label) in nav_items(prefs) {
                                li {
                                    a href=(href) aria-current=[(item == current).then_some("page")] { (label) }
                                }
                            }
                        }
                    }
                }
                main id="main" tabindex="-1" { (body) }
                footer {
                    div.inner {
                        ul {
                            li { a href="/channels" { (prefs.t("Други начини за подаване", "Other ways to submit")) } }
                            li { a href="/privacy" { (prefs.t("Поверителност и лични данни", "Privacy and personal data")) } }
                            li { a href="/contacts" { (prefs.t("Контакти", "Contacts")) } }
                            li { a href="/reception/cancel" { (prefs.t("Отказ от записан час", "Cancel a booking")) } }
                            li { a href="/staff/login" { (prefs.t("Вход за служители", "Staff sign-in")) } }
                        }
                        p {
                            (prefs.t("Община Хасково, пл. „Общински“ № 1, 6300 Хасково · тел. 038 603330",
                                     "Haskovo Municipality, 1 Obshtinski Square, 6300 Haskovo · tel. +359 38 603330"))
                        }
                    }
                }
            }
        }
    }
}

/// Percent-encodes a path for a query value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The errors of one form: (control id, message in the reader's language), in form order.
#[derive(Debug, Default, Clone)]
pub struct Errors(Vec<(String, String)>);

impl Errors {
    pub fn add(&mut self, id: &str, message: impl Into<String>) {
        self.0.push((id.to_owned(), message.into()));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<String> {
        let messages: Vec<&str> = self
            .0
            .iter()
            .filter(|(i, _)| i == id)
            .map(|(_, m)| m.as_str())
            .collect();
        (!messages.is_empty()).then(|| messages.join(" "))
    }

    /// The box at the top of a refused form: every problem, each a link to its field.
    pub fn summary(&self, prefs: &Prefs) -> Markup {
        if self.0.is_empty() {
            return html! {};
        }
        html! {
            // Focus moves here when the page opens (no script needed), so a screen reader reads
            // the problems first and the keyboard starts from them.
            div.alert role="alert" aria-labelledby="error-summary-title" tabindex="-1" id="error-summary" autofocus {
                h2 id="error-summary-title" { (prefs.t("Има проблем", "There is a problem")) }
                ul {
                    @for (id, message) in &self.0 {
                        li { a href=(format!("#{id}")) { (message) } }
                    }
                }
            }
        }
    }
}

/// `s` with its first letter in upper case, ending with a full stop.
pub fn sentence(s: &str) -> String {
    let mut chars = s.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// The `aria-describedby` of a control with an optional hint and error.
pub fn described(id: &str, hint: bool, error: bool) -> Option<String> {
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("{id}-hint"));
    }
    if error {
        ids.push(format!("{id}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// The error paragraph of a field.
pub fn error_line(prefs: &Prefs, id: &str, error: Option<&str>) -> Markup {
    html! {
        @if let Some(error) = error {
            p.error id=(format!("{id}-error")) {
                span.visually-hidden { (prefs.t("Грешка: ", "Error: ")) } (error)
            }
        }
    }
}

/// A one-line text input with label, hint and error.
pub struct TextInput<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub value: &'a str,
    pub kind: &'a str,
    pub hint: Option<&'a str>,
    pub required: bool,
    pub autocomplete: Option<&'a str>,
    pub maxlength: Option<usize>,
    pub class: Option<&'a str>,
    pub inputmode: Option<&'a str>,
}

impl<'a> TextInput<'a> {
    pub fn new(id: &'a str, label: &'a str, value: &'a str) -> TextInput<'a> {
        TextInput {
            id,
            label,
            value,
            kind: "text",
            hint: None,
            required: false,
            autocomplete: None,
            maxlength: None,
            class: None,
            inputmode: None,
        }
    }

    pub fn render(&self, prefs: &Prefs, errors: &Errors) -> Markup {
        let error = errors.get(self.id);
        let ids = described(self.id, self.hint.is_some(), error.is_some());
        html! {
            div.field.invalid[error.is_some()] {
                label for=(self.id) {
                    (self.label)
                    @if !self.required { " " span.hint-inline { (prefs.t("(по желание)", "(optional)")) } }
                }
                @if let Some(hint) = self.hint { p.hint id=(format!("{}-hint", self.id)) { (hint) } }
                (error_line(prefs, self.id, error.as_deref()))
                input type=(self.kind) id=(self.id) name=(self.id) value=(self.value)
                    class=[self.class] required[self.required] aria-required=[self.required.then_some("true")]
                    autocomplete=[self.autocomplete] maxlength=[self.maxlength] inputmode=[self.inputmode]
                    aria-describedby=[ids] aria-invalid=[error.is_some().then_some("true")];
            }
        }
    }
}

/// A multi-line text with label, hint and error.
pub fn text_area(
    prefs: &Prefs,
    errors: &Errors,
    (id, label, value): (&str, &str, &str),
    hint: Option<&str>,
    required: bool,
    maxlength: usize,
) -> Markup {
    let error = errors.get(id);
    let ids = described(id, hint.is_some(), error.is_some());
    html! {
        div.field.invalid[error.is_some()] {
            label for=(id) {
                (label)
                @if !required { " " (prefs.t("(по желание)", "(optional)")) }
            }
            @if let Some(hint) = hint { p.hint id=(format!("{id}-hint")) { (hint) } }
            (error_line(prefs, id, error.as_deref()))
            textarea id=(id) name=(id) rows="6" required[required] maxlength=(maxlength)
                aria-describedby=[ids] aria-invalid=[error.is_some().then_some("true")] { (value) }
        }
    }
}

/// A checkbox with its label after it, a hint and an error.
pub fn check_box(
    prefs: &Prefs,
    errors: &Errors,
    (id, label): (&str, &str),
    checked: bool,
    hint: Option<&str>,
    required: bool,
) -> Markup {
    let error = errors.get(id);
    let ids = described(id, hint.is_some(), error.is_some());
    html! {
        div.field.invalid[error.is_some()] {
            (error_line(prefs, id, error.as_deref()))
            div.choice {
                input type="checkbox" id=(id) name=(id) value="on" checked[checked]
                    required[required] aria-describedby=[ids]
                    aria-invalid=[error.is_some().then_some("true")];
                div {
                    label for=(id) { (label) }
                    @if let Some(hint) = hint { p.hint id=(format!("{id}-hint")) { (hint) } }
                }
            }
        }
    }
}

/// A text that may contain simple markup, as the editable pages are written: a blank line
/// separates paragraphs; `## ` starts a heading; `- ` starts a list item. Everything is
/// escaped: an administrator's text cannot inject HTML.
pub fn rich_text(text: &str) -> Markup {
    let mut out = String::new();
    let mut in_list = false;
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |out: &mut String, paragraph: &mut Vec<&str>| {
        if !paragraph.is_empty() {
            out.push_str(&html! { p { (paragraph.join(" ")) } }.into_string());
            paragraph.clear();
        }
    };
    for line in text.lines().map(str::trim) {
        if let Some(item) = line.strip_prefix("- ").or_else(|| line.strip_prefix("-")) {
            if line == "-" {
                continue;
            }
            flush(&mut out, &mut paragraph);
            if !in_list {
                out.push_str("<ul>");
                in_list = true;
            }
            out.push_str(&html! { li { (item.trim()) } }.into_string());
            continue;
        }
        if in_list {
            out.push_str("</ul>");
            in_list = false;
        }
        if let Some(heading) = line.strip_prefix("## ") {
            flush(&mut out, &mut paragraph);
            out.push_str(&html! { h2 { (heading.trim()) } }.into_string());
        } else if line.is_empty() {
            flush(&mut out, &mut paragraph);
        } else {
            paragraph.push(line);
        }
    }
    flush(&mut out, &mut paragraph);
    if in_list {
        out.push_str("</ul>");
    }
    PreEscaped(out)
}

/// A page for something that went wrong, in the reader's language.
pub fn error_page(prefs: &Prefs, status: StatusCode, title: &str, message: &str) -> Response {
    let body = html! {
        h1 { (title) }
        div.alert role="alert" { p { (message) } }
        p { a href="/" { (prefs.t("Към началната страница", "To the home page")) } }
    };
    (status, page(prefs, Nav::None, title, body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_links_stay_on_the_site() {
        assert_eq!(safe_back(Some("/track")), "/track");
        assert_eq!(safe_back(Some("//evil.example")), "/");
        assert_eq!(safe_back(Some("https://evil.example")), "/");
        assert_eq!(safe_back(Some("/\\evil")), "/");
        assert_eq!(safe_back(None), "/");
    }

    #[test]
    fn rich_text_escapes_and_structures() {
        let html = rich_text("## Заглавие\nПърви ред\nвтори ред\n\n- точка <b>\n- друга\nКрай")
            .into_string();
        assert_eq!(
            html,
            "<h2>Заглавие</h2><p>Първи ред втори ред</p><ul><li>точка &lt;b&gt;</li><li>друга</li></ul><p>Край</p>"
        );
    }
}
