//! The registry clerk's desk, driven over HTTP like a browser without JavaScript: a signed-in
//! clerk registers a letter that came by post with its scanned copy, prints the receipt, books a
//! visit for a caller and marks it attended. Cookies are kept by hand, redirects not followed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

use helpers::{PASSWORD, TestApp, spawn_app_at};
use priemna_domain::Channel;
use priemna_domain::deadline::{DeadlineRule, due_date};
use priemna_store::Attendance;
use std::collections::BTreeMap;

/// Monday 2 March 2026, 10:00 in Haskovo.
const NOW: &str = "2026-03-02T10:00:00+02:00";

struct Page {
    status: u16,
    location: Option<String>,
    content_type: String,
    body: String,
    bytes: Vec<u8>,
}

/// A browser: its cookies (the session and the desk's), no redirects followed.
struct Browser {
    client: reqwest::Client,
    base: String,
    cookies: BTreeMap<String, String>,
}

enum Part<'a> {
    Text(&'a str, &'a str),
    File(&'a str, &'a str, Vec<u8>),
}

impl Browser {
    async fn sign_in(app: &TestApp, username: &str) -> Browser {
        let mut browser = Browser {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: app.address.clone(),
            cookies: BTreeMap::new(),
        };
        let page = browser
            .post(
                "/staff/login",
                &[("username", username), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(page.status, 303, "sign-in of {username}: {}", page.body);
        assert!(browser.cookies.contains_key("priemna_session"));
        browser
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn read(&mut self, response: reqwest::Response) -> Page {
        for value in response.headers().get_all(reqwest::header::SET_COOKIE) {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || text.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let header = |name: reqwest::header::HeaderName| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        let location = header(reqwest::header::LOCATION);
        let content_type = header(reqwest::header::CONTENT_TYPE).unwrap_or_default();
        let status = response.status().as_u16();
        let bytes = response.bytes().await.unwrap().to_vec();
        Page {
            status,
            location,
            content_type,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        }
    }

    async fn get(&mut self, path: &str) -> Page {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        self.read(response).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, self.cookie_header())
            .form(form)
            .send()
            .await
            .unwrap();
        self.read(response).await
    }

    async fn post_multipart(&mut self, path: &str, parts: &[Part<'_>]) -> Page {
        let boundary = "----priemna-desk-boundary-Qw3rTy";
        let mut body = Vec::new();
        for part in parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match part {
                Part::Text(name, value) => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                        .as_bytes(),
                ),
                Part::File(name, filename, data) => {
                    body.extend_from_slice(
                        format!(
                            "Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n\
                             Content-Type: application/octet-stream\r\n\r\n"
                        )
                        .as_bytes(),
                    );
                    body.extend_from_slice(data);
                    body.extend_from_slice(b"\r\n");
                }
            }
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, self.cookie_header())
            .header(
                reqwest::header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        self.read(response).await
    }

    /// The CSRF token the page at `path` puts in its forms.
    async fn csrf(&mut self, path: &str) -> String {
        let page = self.get(path).await;
        assert_eq!(page.status, 200, "{}", page.body);
        between(&page.body, r#"name="csrf_token" value=""#, "\"")
    }
}

fn between(body: &str, start: &str, end: &str) -> String {
    let from = body
        .find(start)
        .unwrap_or_else(|| panic!("{start} in {body}"))
        + start.len();
    let to = body[from..].find(end).unwrap();
    body[from..from + to].to_owned()
}

/// A postal complaint about bad administration, as the clerk types it (without the date).
fn postal_complaint<'a>(csrf: &'a str, received: &'a str) -> Vec<Part<'a>> {
    vec![
        Part::Text("csrf_token", csrf),
        Part::Text("channel", "post"),
        Part::Text("received", received),
        Part::Text("kind", "complaint"),
        Part::Text("subject", "Неполучен отговор за разрешение за строеж"),
        Part::Text(
            "body",
            "Подадох заявление преди два месеца и не съм получил отговор. Моля за съдействие.",
        ),
        Part::Text("bad_administration", "on"),
        Part::Text("identity", "named"),
        Part::Text("name", "Мария Георгиева"),
        Part::Text("postal_address", "ул. „Славянска“ 12, Хасково"),
        Part::Text("phone", "0887 654 321"),
        Part::Text("consent", "on"),
    ]
}

#[tokio::test]
async fn a_clerk_registers_a_postal_complaint_dated_three_days_ago_with_its_scan() {
    let app = spawn_app_at(NOW).await;
    app.add_staff("clerk", "registry_clerk", None, false).await;
    let mut clerk = Browser::sign_in(&app, "clerk").await;

    // The back office's navigation leads to the desk.
    let form = clerk.get("/staff/desk/new").await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains(r#"href="/staff/desk/new""#));
    assert!(form.body.contains("Нова преписка"));
    let csrf = between(&form.body, r#"name="csrf_token" value=""#, "\"");

    // Friday 27 February: three days before Monday 2 March.
    let mut parts = postal_complaint(&csrf, "2026-02-27");
    let scan = b"%PDF-1.4\n%scanned letter\n".to_vec();
    parts.push(Part::File("attachments", "писмо.pdf", scan));
    let sent = clerk.post_multipart("/staff/desk/new", &parts).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let location = sent.location.clone().unwrap();
    let number = location
        .strip_prefix("/staff/desk/registered/")
        .unwrap()
        .to_owned();

    // The register: channel post, the date of receipt, 7 days from it, entered by the clerk.
    let case = app
        .store
        .case_by_number(number.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(case.channel, Channel::Post);
    assert_eq!(case.received_date.to_string(), "2026-02-27");
    assert_eq!(
        case.deadline_rule.as_deref(),
        Some(DeadlineRule::Complaint7Days.as_str())
    );
    let from_receipt = due_date(
        DeadlineRule::Complaint7Days,
        "2026-02-27".parse().unwrap(),
        &app.state.calendar,
    )
    .due;
    let from_today = due_date(
        DeadlineRule::Complaint7Days,
        "2026-03-02".parse().unwrap(),
        &app.state.calendar,
    )
    .due;
    assert_eq!(case.answer_due, Some(from_receipt));
    assert_ne!(from_receipt, from_today);
    assert_eq!(case.entered_by, "clerk:clerk");
    assert!(case.in_writing);
    let files = app.store.attachments(case.number).await.unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].content_type, "application/pdf");
    assert_eq!(files[0].filename, "писмо.pdf");
    let journal = app.store.journal(0, 1000).await.unwrap();
    assert!(
        journal
            .iter()
            .any(|e| e.action == "record_consent" && e.submission_id == Some(case.id))
    );

    // The page after the redirect: the number, the tracking code (which the register accepts),
    // the deadline, the file, and the receipt to print.
    let shown = clerk.get(&location).await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    let code = between(&shown.body, r#"id="desk-code">"#, "<");
    assert!(
        app.store
            .find_for_citizen(case.number, &code)
            .await
            .unwrap()
            .is_some()
    );
    assert!(shown.body.contains("27.02.2026"));
    assert!(
        shown
            .body
            .contains(&from_receipt.strftime("%d.%m.%Y").to_string())
    );
    assert!(shown.body.contains("писмо.pdf"));
    let receipt = clerk.get(&format!("{location}/receipt.pdf")).await;
    assert_eq!(receipt.status, 200);
    assert_eq!(receipt.content_type, "application/pdf");
    assert!(receipt.bytes.starts_with(b"%PDF"));
    // The receipt is rendered from the register, not kept as a document: the same bytes
    // every time it is printed again.
    let again = clerk.get(&format!("{location}/receipt.pdf")).await;
    assert_eq!(again.bytes, receipt.bytes);
    let documents = app.store.documents(case.id).await.unwrap();
    assert!(
        !documents
            .iter()
            .any(|d| d.kind == priemna_store::DocumentKind::Receipt)
    );

    // The next registration forgets the code: it is shown only this once.
    clerk.get("/staff/desk/new").await;
    let again = clerk.get(&location).await;
    assert_eq!(again.status, 200);
    assert!(!again.body.contains(&code));
    assert!(!again.body.contains(r#"id="desk-code""#));
}

#[tokio::test]
async fn a_case_officer_may_not_open_the_desk() {
    let app = spawn_app_at(NOW).await;
    let department = app.add_department("Благоустройство").await;
    app.add_staff("officer", "case_officer", Some(department), false)
        .await;
    let mut officer = Browser::sign_in(&app, "officer").await;
    let page = officer.get("/staff/desk/new").await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(page.content_type.starts_with("text/html"));
    let inbox = officer.get("/staff").await;
    assert!(!inbox.body.contains("/staff/desk/new"));
    // Posting is refused as well, and nothing is registered.
    let csrf = officer.csrf("/staff").await;
    let sent = officer
        .post_multipart("/staff/desk/new", &postal_complaint(&csrf, "2026-03-02"))
        .await;
    assert_eq!(sent.status, 403, "{}", sent.body);
    assert_eq!(app.count().await, 0);
    let visit = officer.get("/staff/desk/visit").await;
    assert_eq!(visit.status, 403);
}

#[tokio::test]
async fn bad_input_comes_back_next_to_the_fields_and_nothing_is_stored() {
    let app = spawn_app_at(NOW).await;
    app.add_staff("clerk", "registry_clerk", None, false).await;
    let mut clerk = Browser::sign_in(&app, "clerk").await;
    let csrf = clerk.csrf("/staff/desk/new").await;

    // A date in the future, a kind missing, a bad phone, no consent, a file that is no scan,
    // the portal's channel.
    let parts = vec![
        Part::Text("csrf_token", &csrf),
        Part::Text("channel", "web"),
        Part::Text("received", "2026-03-05"),
        Part::Text("subject", "Писмо за осветлението"),
        Part::Text("body", "Текстът на писмото, както е получен."),
        Part::Text("identity", "named"),
        Part::Text("name", "Петър Иванов"),
        Part::Text("phone", "12"),
        Part::File("attachments", "scan.pdf", b"MZ\x90\x00 not a pdf".to_vec()),
    ];
    let page = clerk.post_multipart("/staff/desk/new", &parts).await;
    assert_eq!(page.status, 422, "{}", page.body);
    for id in [
        "received-error",
        "kind-error",
        "phone-error",
        "consent-error",
        "attachments-error",
        "channel-error",
    ] {
        assert!(page.body.contains(&format!(r#"id="{id}""#)), "{id}");
    }
    assert!(page.body.contains("в бъдещето"));
    // What was typed is kept.
    assert!(page.body.contains("Писмо за осветлението"));
    assert!(page.body.contains("Петър Иванов"));
    assert!(page.body.contains("Текстът на писмото, както е получен."));

    // Before the register's year: refused, named.
    let old = clerk
        .post_multipart("/staff/desk/new", &postal_complaint(&csrf, "2025-12-30"))
        .await;
    assert_eq!(old.status, 422);
    assert!(old.body.contains("началото на годината на регистъра"));

    // Without the CSRF token nothing happens either.
    let forged = clerk
        .post_multipart("/staff/desk/new", &postal_complaint("forged", "2026-03-02"))
        .await;
    assert_eq!(forged.status, 403);
    assert_eq!(app.count().await, 0);
}

#[tokio::test]
async fn a_visit_booked_for_a_caller_is_on_the_days_list_and_is_marked_attended() {
    let app = spawn_app_at(NOW).await;
    app.add_staff("clerk", "registry_clerk", None, false).await;
    let mut clerk = Browser::sign_in(&app, "clerk").await;

    // Choosing the official and the day shows the free times.
    let choose = clerk
        .get("/staff/desk/visit?official=mayor&day=2026-03-04")
        .await;
    assert_eq!(choose.status, 200, "{}", choose.body);
    assert!(choose.body.contains(r#"value="11:00""#));
    let csrf = between(&choose.body, r#"name="csrf_token" value=""#, "\"");
    let booking = [
        ("csrf_token", csrf.as_str()),
        ("official", "mayor"),
        ("day", "2026-03-04"),
        ("slot", "11:00"),
        ("name", "Стоян Колев"),
        ("phone", "0899 111 222"),
        ("topic", "Ремонт на улица"),
        ("consent", "on"),
    ];
    let booked = clerk.post("/staff/desk/visit", &booking).await;
    assert_eq!(booked.status, 303, "{}", booked.body);
    assert_eq!(
        booked.location.as_deref(),
        Some("/staff/reception?day=2026-03-04")
    );

    // The day's list shows the visit and, this once, the code to read out to the caller.
    let list = clerk.get("/staff/reception?day=2026-03-04").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(list.body.contains("Стоян Колев"));
    assert!(
        list.body
            .contains("Часът е записан</strong> при кмета на Община Хасково")
    );
    assert!(!list.body.contains("Кметът"), "after a preposition: кмета");
    let code = between(&list.body, r#"id="visit-code">"#, "<");
    let stored = app
        .store
        .booking_by_code(&priemna_store::hash_tracking_code(&code))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.slot, "11:00");
    let journal = app.store.journal(0, 1000).await.unwrap();
    assert!(
        journal
            .iter()
            .any(|e| e.action == "book_reception" && e.actor.ends_with(":clerk"))
    );

    // The same phone cannot take a second visit with the Mayor while it has one to come (the
    // portal's rule, worded for the clerk, at the phone field).
    let csrf = clerk.csrf("/staff/desk/visit").await;
    let mut second = booking;
    second[0].1 = &csrf;
    second[3].1 = "11:20";
    let refused = clerk.post("/staff/desk/visit", &second).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("С този телефон вече има записан предстоящ час при кмета на Община Хасково"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains(r#"id="phone-error""#));

    // Before the visit it cannot be marked; once it has begun, it is marked attended.
    let mark = format!("/staff/reception/{}/attendance", stored.id);
    let early = clerk
        .post(&mark, &[("csrf_token", &csrf), ("attendance", "attended")])
        .await;
    assert_eq!(early.status, 409, "{}", early.body);
    app.clock.set("2026-03-04T11:05:00+02:00");
    let mut clerk = Browser::sign_in(&app, "clerk").await;
    let list = clerk.get("/staff/reception?day=2026-03-04").await;
    assert!(list.body.contains(&format!(r#"action="{mark}""#)));
    assert!(!list.body.contains(r#"id="visit-code""#));
    let csrf = between(&list.body, r#"name="csrf_token" value=""#, "\"");
    let marked = clerk
        .post(&mark, &[("csrf_token", &csrf), ("attendance", "attended")])
        .await;
    assert_eq!(marked.status, 303, "{}", marked.body);
    let after = app.store.booking_by_id(stored.id).await.unwrap().unwrap();
    assert_eq!(after.attendance, Some(Attendance::Attended));
    let list = clerk.get("/staff/reception?day=2026-03-04").await;
    assert!(
        list.body.contains("<strong>дойде</strong>"),
        "{}",
        list.body
    );
    let journal = app.store.journal(0, 1000).await.unwrap();
    assert!(journal.iter().any(|e| e.action == "mark_attendance"));
    // Without the form's token nothing is marked.
    let forged = clerk
        .post(&mark, &[("csrf_token", "forged"), ("attendance", "missed")])
        .await;
    assert_eq!(forged.status, 403);
}

#[tokio::test]
async fn a_sign_in_from_chromium_with_a_null_origin_is_accepted_only_with_its_fetch_site() {
    // Every answer says `Referrer-Policy: no-referrer`, so Chromium sends a form's `Origin` as
    // `null`; `Sec-Fetch-Site` then tells a same-site form from another site's.
    let app = spawn_app_at(NOW).await;
    app.add_staff("clerk", "registry_clerk", None, false).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let sign_in = |site: Option<&'static str>| {
        let mut request = client
            .post(app.url("/staff/login"))
            .header(reqwest::header::ORIGIN, "null")
            .form(&[("username", "clerk"), ("password", PASSWORD)]);
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site);
        }
        request.send()
    };
    assert_eq!(sign_in(Some("same-origin")).await.unwrap().status(), 303);
    assert_ne!(sign_in(Some("cross-site")).await.unwrap().status(), 303);
    assert_ne!(sign_in(None).await.unwrap().status(), 303);
}
