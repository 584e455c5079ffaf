//! The one layout every page uses, the stylesheet, and the pieces forms are made of: a field
//! with its label, hint and error (tied to the control with `aria-describedby`), alerts, and
//! dates as the municipality writes them.

use axum::http::header;
use axum::response::IntoResponse;
use jiff::Timestamp;
use jiff::civil::Date;
use maud::{DOCTYPE, Markup, html};
use priemna_app::staff::Staff;
use priemna_domain::access::{self, Permission, Role};
use priemna_domain::clock::municipal_tz;
use priemna_domain::submission::{FieldError, Problem};
use priemna_domain::workflow::Urgency;

/// The stylesheet, served from `GET /staff/assets/style.css` (no inline styles, so a strict
/// Content-Security-Policy holds). Readable type, high contrast, a visible focus ring, and
/// layouts that fold to one column on a phone.
pub const STYLE: &str = r#":root {
  --ink: #0b0c0c; --muted: #484949; --paper: #ffffff; --line: #8e9193; --soft: #f3f2f1;
  --brand: #0b3d6b; --link: #1d4ed8; --visited: #5b2c8f; --focus: #ffdd00;
  --bad: #b10e1e; --good: #00703c;
}
*, *::before, *::after { box-sizing: border-box; }
html { font-size: 100%; -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--paper); color: var(--ink);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif;
  font-size: 1.0625rem; line-height: 1.5; }
a { color: var(--link); text-underline-offset: 0.15em; }
a:visited { color: var(--visited); }
:focus-visible { outline: 3px solid var(--ink); outline-offset: 0; box-shadow: 0 0 0 6px var(--focus); }
a:focus-visible { background: var(--focus); color: var(--ink); }
.skip { position: absolute; left: -9999px; top: 0; z-index: 10; padding: 0.5rem 1rem;
  background: var(--focus); color: var(--ink); font-weight: 700; }
.skip:focus { left: 0; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; margin: -1px;
  padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
header.top { background: var(--brand); color: #fff; padding: 0.5rem 1rem;
  border-bottom: 6px solid #1d70b8; }
header.top .inner { max-width: 72rem; margin: 0 auto; display: flex; flex-wrap: wrap;
  gap: 0.5rem 1.5rem; align-items: center; justify-content: space-between; }
header.top a, header.top a:visited { color: #fff; }
header.top a:focus-visible { color: var(--ink); }
.brand { margin: 0; font-weight: 700; font-size: 1.2rem; }
nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; }
nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
.who { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin: 0; }
.who form { margin: 0; }
main { display: block; max-width: 72rem; margin: 0 auto; padding: 1rem 1rem 3rem; }
main:focus { outline: none; }
footer { max-width: 72rem; margin: 0 auto; padding: 1rem; border-top: 1px solid var(--line);
  color: var(--muted); font-size: 0.95rem; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.45rem; margin: 2rem 0 0.75rem; }
h3 { font-size: 1.2rem; margin: 0 0 0.5rem; }
.table-wrap { overflow-x: auto; margin: 0 0 1.5rem; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: 700; padding: 0 0 0.5rem; }
th, td { text-align: left; vertical-align: top; padding: 0.45rem 0.6rem;
  border-bottom: 1px solid var(--line); }
thead th { border-bottom: 2px solid var(--ink); }
dl.facts { display: grid; grid-template-columns: minmax(9rem, max-content) 1fr; gap: 0.3rem 1rem; }
dl.facts dt { font-weight: 700; }
dl.facts dd { margin: 0; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--soft);
  padding: 0.75rem 1rem; border-left: 4px solid var(--line); margin: 0 0 1rem; }
.letter { max-width: 42rem; margin: 0 0 1.5rem; padding: 1.5rem 1.75rem; background: #fff;
  border: 1px solid var(--line); box-shadow: 0 2px 6px rgba(0, 0, 0, 0.15);
  font-family: "DejaVu Serif", Georgia, "Times New Roman", serif; overflow-wrap: anywhere; }
.letter .letterhead { text-align: center; border-bottom: 1px solid var(--ink); padding: 0 0 0.5rem; }
.letter .to { margin-left: 45%; }
.letter .body { white-space: pre-wrap; margin: 0 0 1rem; }
.letter .signature .signed { margin-top: 2.5rem; }
.letter .prepared { margin-top: 1.5rem; color: var(--muted); }
.buttons { display: flex; flex-wrap: wrap; gap: 0.75rem; }
code.details { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.9rem; }
.field { margin: 0 0 1.1rem; }
.field.invalid { border-left: 5px solid var(--bad); padding-left: 0.75rem; }
label, legend { display: block; font-weight: 700; margin: 0 0 0.2rem; }
fieldset { border: 0; padding: 0; margin: 0 0 1.1rem; }
.choice { display: flex; gap: 0.5rem; align-items: center; margin: 0.2rem 0; }
.choice label { display: inline; font-weight: 400; margin: 0; }
.choice input { width: 1.4rem; height: 1.4rem; margin: 0; }
.hint { color: var(--muted); margin: 0 0 0.3rem; }
.error { color: var(--bad); font-weight: 700; margin: 0 0 0.3rem; }
input, select, textarea { font: inherit; color: var(--ink); background: #fff;
  border: 2px solid var(--ink); border-radius: 0; padding: 0.35rem 0.5rem; max-width: 100%; }
input[type="text"], input[type="password"], select { width: 24rem; }
textarea { width: 100%; min-height: 7rem; }
.invalid input, .invalid select, .invalid textarea { border-color: var(--bad); }
button { font: inherit; font-weight: 700; padding: 0.5rem 1rem; border: 2px solid transparent;
  border-radius: 0; background: var(--good); color: #fff; box-shadow: 0 2px 0 #002d18;
  cursor: pointer; }
button.secondary { background: var(--soft); color: var(--ink); box-shadow: 0 2px 0 #929191; }
button.warning { background: var(--bad); box-shadow: 0 2px 0 #55070e; }
a.button { display: inline-block; font-weight: 700; padding: 0.5rem 1rem; background: var(--good);
  color: #fff; box-shadow: 0 2px 0 #002d18; text-decoration: none; }
a.button:focus { color: var(--ink); }
form.inline { display: flex; flex-wrap: wrap; gap: 0.4rem; margin: 0.25rem 0 0; }
form.inline button { padding: 0.25rem 0.6rem; }
.code { font-family: monospace; font-size: 1.15em; letter-spacing: 0.05em; white-space: nowrap; }
header.top button { background: #fff; color: var(--brand); box-shadow: none; padding: 0.2rem 0.6rem; }
.alert { border: 5px solid var(--bad); padding: 0.75rem 1rem; margin: 0 0 1.25rem; }
.alert p, .notice p { margin: 0.25rem 0; }
.notice { border: 5px solid var(--good); padding: 0.75rem 1rem; margin: 0 0 1.25rem; }
ol.conversation { list-style: none; padding: 0; margin: 0 0 1.5rem; }
#conversation form { margin: 1.5rem 0 2rem; }
#conversation .field .hint { display: block; }
ol.conversation .message { margin: 0 0 1rem; }
ol.conversation .message .meta { margin: 0 0 0.25rem; }
ol.conversation .message.citizen .text { border-left-color: var(--good); }
ol.conversation .message.internal .text { border-left: 4px dashed var(--ink); background: #fff4ce; }
.mail-off { background: #fff4ce; border-bottom: 3px solid #7a5b00; padding: 0.5rem 1rem; }
.mail-off p { margin: 0 auto; max-width: 72rem; }
.urgency { display: inline-block; font-weight: 700; padding: 0 0.4rem; white-space: nowrap; }
.urgency.overdue { background: var(--bad); color: #fff; }
.urgency.due-soon { background: var(--focus); color: var(--ink); outline: 2px solid var(--ink); }
.flag { font-weight: 700; color: var(--bad); }
section.action, section.panel { border: 2px solid var(--line); padding: 1rem; margin: 0 0 1.25rem; }
.actions { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 22rem), 1fr));
  gap: 0 1.25rem; align-items: start; }
.filters { display: flex; flex-wrap: wrap; gap: 0 1.25rem; align-items: flex-end;
  background: var(--soft); padding: 1rem 1rem 0; margin: 0 0 1.5rem; }
.filters select { width: auto; }
.pager { display: flex; flex-wrap: wrap; gap: 1rem; }
details > summary { cursor: pointer; color: var(--link); text-decoration: underline; }
/* Charts are drawn at their size (no viewBox, no scaling): their height is the height attribute. */
svg.chart { display: block; width: 100%; max-width: 48rem; color: var(--ink); }
figure.chart-figure { margin: 1rem 0 0.75rem; }
.journal-table .role { color: var(--muted); font-size: 0.95rem; }
.journal-table th, .journal-table td { overflow-wrap: break-word; }
.journal-table .nowrap { white-space: nowrap; }
.journal-filters .field { min-width: 0; max-width: 100%; }
ul.lines { margin: 0; padding-left: 1.1rem; }
@media (max-width: 48rem) {
  .journal-table thead { position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); }
  .journal-table, .journal-table tbody, .journal-table tr, .journal-table th,
  .journal-table td { display: block; width: 100%; }
  .journal-table tr { border: 2px solid var(--line); margin: 0 0 1rem; padding: 0.3rem 0; }
  .journal-table th, .journal-table td { border-bottom: 0; padding: 0.15rem 0.75rem; }
  .journal-table [data-label]::before { content: attr(data-label) ": "; font-weight: 700;
    font-size: 0.9rem; color: var(--muted); }
  .journal-table th[data-label], .journal-table td.when { display: inline-block; width: auto;
    padding-right: 0; }
  .journal-table td.details::before { display: block; }
  .journal-table td.empty { display: none; }
}
@media (max-width: 40rem) {
  svg.chart .wide-only { display: none; }
  table.stacked thead { position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); }
  table.stacked, table.stacked caption, table.stacked tbody, table.stacked tfoot,
  table.stacked tr, table.stacked th, table.stacked td { display: block; width: auto; }
  table.stacked tr { border: 2px solid var(--line); margin: 0 0 0.75rem; padding: 0.35rem 0.6rem; }
  table.stacked th, table.stacked td { border: 0; padding: 0.15rem 0; overflow-wrap: anywhere; }
  table.stacked [data-label]::before { content: attr(data-label) ": "; font-weight: 700; }
  table.stacked .urgency { white-space: normal; }
  body { font-size: 1rem; }
  h1 { font-size: 1.5rem; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: 0.4rem; }
  input[type="text"], input[type="password"], select { width: 100%; }
  .letter { padding: 1rem; }
  .letter .to { margin-left: 0; }
}
@media (forced-colors: active) {
  .urgency, .alert, .notice { border: 2px solid CanvasText; }
}
"#;

/// `GET /staff/assets/style.css`.
pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE,
    )
}

/// Which page of the navigation is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Inbox,
    Search,
    Overview,
    Admin,
    Journal,
    Password,
    Reception,
    Desk,
    PortalPages,
    Statistics,
    None,
}

/// The pages this member of staff may use, as (section, address, label).
fn nav_items(staff: &Staff) -> Vec<(Section, &'static str, &'static str)> {
    let actor = staff.user.actor();
    let mut items = Vec::new();
    if actor.role != Role::Administrator {
        items.push((Section::Inbox, "/staff", "Входящи"));
        items.push((Section::Search, "/staff/search", "Търсене"));
    }
    if access::check(&actor, Permission::ViewDepartmentOverview, None).is_ok() {
        items.push((Section::Overview, "/staff/overview", "Срокове по отдели"));
    }
    if access::check(&actor, Permission::ManageUsers, None).is_ok()
        || access::check(&actor, Permission::ManageDepartments, None).is_ok()
    {
        items.push((Section::Admin, "/staff/admin", "Администриране"));
    }
    if access::check(&actor, Permission::ViewJournal, None).is_ok() {
        items.push((Section::Journal, "/staff/journal", "Дневник"));
    }
    if priemna_domain::access::registers_submissions(staff.user.role) {
        items.push((Section::Desk, "/staff/desk/new", "Нова преписка"));
    }
    if priemna_domain::access::sees_bookings(staff.user.role) {
        items.push((Section::Reception, "/staff/reception", "Прием"));
    }
    if actor.role == Role::Administrator {
        items.push((
            Section::PortalPages,
            "/staff/admin/pages",
            "Страници на портала",
        ));
    }
    items.push((Section::Statistics, "/staff/statistics", "Статистика"));
    items.push((Section::Password, "/staff/password", "Смяна на парола"));
    items
}

/// The whole page around `body`: the skip link, the navigation (when signed in), and `<main>`.
pub fn page(title: &str, staff: Option<&Staff>, current: Section, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="bg" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — Приемна" }
                link rel="stylesheet" href="/staff/assets/style.css";
                link rel="icon" href="/assets/icon.svg" type="image/svg+xml";
            }
            body {
                a.skip href="#main" { "Към основното съдържание" }
                header.top {
                    div.inner {
                        p.brand { "Приемна · " span { "деловодство" } }
                        @if let Some(staff) = staff {
                            nav aria-label="Основна навигация" {
                                ul {
                                    @for (section, href, label) in nav_items(staff) {
                                        li {
                                            a href=(href)
                                              aria-current=[(section == current).then_some("page")] {
                                                (label)
                                            }
                                        }
                                    }
                                }
                            }
                            div.who {
                                span {
                                    (staff.user.display_name) " ("
                                    (staff.user.role.label_bg()) ")"
                                }
                                form method="post" action="/staff/logout" {
                                    (csrf_field(staff))
                                    button type="submit" { "Изход" }
                                }
                            }
                        }
                    }
                }
                @if let Some(staff) = staff.filter(|s| s.mail_off) {
                    div.mail-off role="status" {
                        p {
                            strong { "Електронната поща не е настроена." }
                            " Разписките, отговорите и напомнянията се пазят в изходящата поща, но не се изпращат; гражданите не ги получават по e-mail."
                            @if staff.user.role == priemna_domain::access::Role::Administrator {
                                " " a href="/staff/admin/outbox" { "Изходяща поща" }
                            } @else {
                                " Съобщете на администратора."
                            }
                        }
                    }
                }
                main id="main" tabindex="-1" { (body) }
                footer {
                    p { "Община Хасково — регистър на предложения, сигнали и жалби." }
                }
            }
        }
    }
}

/// The hidden CSRF field every state-changing form carries.
pub fn csrf_field(staff: &Staff) -> Markup {
    html! { input type="hidden" name="csrf_token" value=(staff.csrf_token); }
}

/// A message the user must read: something went wrong.
pub fn alert(message: &str) -> Markup {
    html! { div.alert role="alert" { p { (message) } } }
}

/// The failed sign-ins to the reader's account since their previous sign-in, told on the start
/// page for the whole session (nothing when there were none).
pub fn missed_sign_ins(missed: Option<&priemna_store::MissedSignIns>) -> Markup {
    let Some(missed) = missed else {
        return html! {};
    };
    let attempts = if missed.count == 1 {
        "1 неуспешен опит".to_owned()
    } else {
        format!("{} неуспешни опита", missed.count)
    };
    html! {
        div.alert role="alert" id="failed-sign-ins" {
            p {
                "След предишния Ви вход е имало " strong { (attempts) } " за вход в профила Ви "
                "(грешна парола или отказан опит). Последният беше на "
                (time_bg(missed.last_at)) " ч. от адрес " code { (missed.last_from) } "."
            }
            p {
                "Ако не сте били Вие, някой се опитва да познае паролата Ви: "
                a href="/staff/password" { "сменете я" }
                " с дълга, неизползвана другаде, и уведомете администратор."
            }
        }
    }
}

/// A message that something was done.
pub fn notice(message: &str) -> Markup {
    html! { div.notice role="status" { p { (message) } } }
}

/// The errors of one form, by field.
#[derive(Debug, Default, Clone)]
pub struct FormErrors(Vec<FieldError>);

impl FormErrors {
    pub fn new(errors: Vec<FieldError>) -> FormErrors {
        FormErrors(errors)
    }

    pub fn push(&mut self, field: &str, problem: Problem) {
        self.0.push(FieldError::new(field, problem));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The Bulgarian message for `field`, if it has an error.
    pub fn get(&self, field: &str) -> Option<String> {
        let messages: Vec<String> = self
            .0
            .iter()
            .filter(|e| e.field == field)
            .map(|e| message_bg(&e.field, &e.problem))
            .collect();
        (!messages.is_empty()).then(|| capitalise(&messages.join("; ")))
    }

    /// Messages for fields the form does not show (they go above the form).
    pub fn others(&self, shown: &[&str]) -> Vec<String> {
        self.0
            .iter()
            .filter(|e| !shown.contains(&e.field.as_str()))
            .map(|e| capitalise(&message_bg(&e.field, &e.problem)))
            .collect()
    }

    /// Every message on one line.
    pub fn summary(&self) -> String {
        self.0
            .iter()
            .map(|e| format!("{}: {}", e.field, message_bg(&e.field, &e.problem)))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// A field's error in Bulgarian, worded for a person at a form rather than an API client.
fn message_bg(field: &str, problem: &Problem) -> String {
    match (field, problem) {
        ("current_password", Problem::UnknownValue { .. }) => "текущата парола не е вярна".into(),
        ("repeat_password", Problem::UnknownValue { .. }) => "паролите не съвпадат".into(),
        (_, Problem::UnknownValue { allowed }) if allowed.is_empty() => {
            "изберете стойност от списъка".into()
        }
        ("username", Problem::WrongType { .. }) => {
            "използвайте до 64 латински букви, цифри, точка, тире или долна черта".into()
        }
        ("of", Problem::UnknownValue { .. }) => {
            "посочете номер на друга съществуваща преписка, напр. 2026-000123".into()
        }
        (_, problem) => problem.message_bg(),
    }
}

/// `s` with its first letter in upper case.
pub fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// One form control with its label, hint and error. The control is rendered by `control`,
/// which gets the `aria-describedby` value and whether the value is invalid.
pub fn field(
    id: &str,
    label: &str,
    hint: Option<&str>,
    error: Option<&str>,
    control: impl FnOnce(&Described) -> Markup,
) -> Markup {
    let described = Described::new(id, hint.is_some(), error.is_some());
    html! {
        div.field.invalid[error.is_some()] {
            label for=(id) { (label) }
            @if let Some(hint) = hint { p.hint id=(format!("{id}-hint")) { (hint) } }
            @if let Some(error) = error {
                p.error id=(format!("{id}-error")) {
                    span.visually-hidden { "Грешка: " } (error)
                }
            }
            (control(&described))
        }
    }
}

/// What a control needs to point at its hint and error.
pub struct Described {
    pub ids: Option<String>,
    pub invalid: Option<&'static str>,
}

impl Described {
    pub fn new(id: &str, hint: bool, error: bool) -> Described {
        let mut ids = Vec::new();
        if hint {
            ids.push(format!("{id}-hint"));
        }
        if error {
            ids.push(format!("{id}-error"));
        }
        Described {
            ids: (!ids.is_empty()).then(|| ids.join(" ")),
            invalid: error.then_some("true"),
        }
    }
}

/// A one-line input.
#[derive(Default)]
pub struct Input<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub label: &'a str,
    pub value: &'a str,
    /// `text` when empty.
    pub kind: &'a str,
    pub required: bool,
    pub hint: Option<&'a str>,
    pub error: Option<String>,
    pub autocomplete: Option<&'a str>,
    pub maxlength: Option<usize>,
    pub min: Option<String>,
    pub max: Option<String>,
    pub pattern: Option<&'a str>,
}

impl Input<'_> {
    pub fn render(&self) -> Markup {
        let kind = if self.kind.is_empty() {
            "text"
        } else {
            self.kind
        };
        field(self.id, self.label, self.hint, self.error.as_deref(), |d| {
            html! {
                input type=(kind) id=(self.id) name=(self.name) value=(self.value)
                    required[self.required] autocomplete=[self.autocomplete]
                    maxlength=[self.maxlength] min=[self.min.as_deref()]
                    max=[self.max.as_deref()] pattern=[self.pattern]
                    aria-describedby=[d.ids.as_deref()] aria-invalid=[d.invalid];
            }
        })
    }
}

/// A multi-line text.
#[derive(Default)]
pub struct TextArea<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub label: &'a str,
    pub value: &'a str,
    pub required: bool,
    pub hint: Option<&'a str>,
    pub error: Option<String>,
    pub maxlength: Option<usize>,
    pub rows: u32,
}

impl TextArea<'_> {
    pub fn render(&self) -> Markup {
        let rows = if self.rows == 0 { 4 } else { self.rows };
        field(self.id, self.label, self.hint, self.error.as_deref(), |d| {
            html! {
                textarea id=(self.id) name=(self.name) rows=(rows) required[self.required]
                    maxlength=[self.maxlength]
                    aria-describedby=[d.ids.as_deref()] aria-invalid=[d.invalid] {
                    (self.value)
                }
            }
        })
    }
}

/// A drop-down list of (value, label) options.
#[derive(Default)]
pub struct Select<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub label: &'a str,
    pub options: Vec<(String, String)>,
    pub selected: &'a str,
    pub required: bool,
    pub hint: Option<&'a str>,
    pub error: Option<String>,
}

impl Select<'_> {
    pub fn render(&self) -> Markup {
        field(self.id, self.label, self.hint, self.error.as_deref(), |d| {
            html! {
                select id=(self.id) name=(self.name) required[self.required]
                    aria-describedby=[d.ids.as_deref()] aria-invalid=[d.invalid] {
                    @for (value, label) in &self.options {
                        option value=(value) selected[value == self.selected] { (label) }
                    }
                }
            }
        })
    }
}

/// A checkbox with its label after it.
pub fn checkbox(id: &str, name: &str, label: &str, checked: bool, hint: Option<&str>) -> Markup {
    let described = Described::new(id, hint.is_some(), false);
    html! {
        div.field {
            div.choice {
                input type="checkbox" id=(id) name=(name) value="on" checked[checked]
                    aria-describedby=[described.ids.as_deref()];
                label for=(id) { (label) }
            }
            @if let Some(hint) = hint { p.hint id=(format!("{id}-hint")) { (hint) } }
        }
    }
}

/// A date as the municipality writes it: 02.03.2026.
pub fn date_bg(date: Date) -> String {
    date.strftime("%d.%m.%Y").to_string()
}

/// An instant in the municipality's time zone: 02.03.2026 10:00.
pub fn time_bg(at: Timestamp) -> String {
    at.to_zoned(municipal_tz())
        .strftime("%d.%m.%Y %H:%M")
        .to_string()
}

/// How a case stands against its deadline, in words and colour.
pub fn urgency_badge(urgency: Urgency) -> Markup {
    match urgency {
        Urgency::Overdue => html! { span.urgency.overdue { "просрочена" } },
        Urgency::DueSoon => html! { span.urgency.due-soon { "изтича до 2 работни дни" } },
        Urgency::OnTrack => html! { span.urgency { "в срок" } },
        Urgency::NoDeadline => html! { span.urgency { "без срок" } },
    }
}

/// `(value, label)` pairs for a select, with a first "none" option.
pub fn options_with_none(
    none_label: &str,
    items: impl IntoIterator<Item = (String, String)>,
) -> Vec<(String, String)> {
    std::iter::once((String::new(), none_label.to_owned()))
        .chain(items)
        .collect()
}
