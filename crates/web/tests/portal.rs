//! The citizens' portal over HTTP, as a browser without JavaScript uses it: multipart and
//! urlencoded forms, cookies carried by hand, redirects not followed. Runs on SQLite and (with
//! `PRIEMNA_TEST_BACKEND=postgres`) on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;
mod mailsink;

use helpers::{PASSWORD, TestApp, assert_stacked_tables, spawn_app_at};
use priemna_domain::Clock;
use priemna_store::MessageKind;
use serde_json::json;

/// Monday 2 March 2026, 10:00 in Haskovo. Tuesday 3 March is a holiday (Liberation Day).
const NOW: &str = "2026-03-02T10:00:00+02:00";
const BOOKING_DAY: &str = "2026-03-04";

struct Page {
    status: u16,
    location: Option<String>,
    content_type: String,
    set_cookies: Vec<String>,
    body: String,
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn read(response: reqwest::Response) -> Page {
    let header = |name: reqwest::header::HeaderName| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let location = header(reqwest::header::LOCATION);
    let content_type = header(reqwest::header::CONTENT_TYPE).unwrap_or_default();
    let set_cookies = response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    Page {
        status: response.status().as_u16(),
        location,
        content_type,
        set_cookies,
        body: response.text().await.unwrap(),
    }
}

async fn get(app: &TestApp, path: &str, cookie: Option<&str>) -> Page {
    let mut request = client().get(app.url(path));
    if let Some(cookie) = cookie {
        request = request.header(reqwest::header::COOKIE, cookie);
    }
    read(request.send().await.unwrap()).await
}

async fn post(app: &TestApp, path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Page {
    let mut request = client().post(app.url(path)).form(form);
    if let Some(cookie) = cookie {
        request = request.header(reqwest::header::COOKIE, cookie);
    }
    read(request.send().await.unwrap()).await
}

/// A part of a multipart form: a text field, or a file (name, bytes).
enum Part<'a> {
    Text(&'a str, &'a str),
    File(&'a str, &'a str, Vec<u8>),
}

async fn post_multipart(app: &TestApp, path: &str, parts: &[Part<'_>]) -> Page {
    let boundary = "----priemna-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                        .as_bytes(),
                );
            }
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
    let response = client()
        .post(app.url(path))
        .header(
            reqwest::header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    read(response).await
}

/// The text between `start` and the next `end` after it.
fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let from = body
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} in {body}"))
        + start.len();
    let to = body[from..].find(end).unwrap() + from;
    &body[from..to]
}

/// A whole 1×1 PNG (IHDR, IDAT, IEND): uploads are read chunk by chunk to strip metadata.
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\
      \0\0\0\x0dIDAT\x78\x9c\x63\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99\x3d\x1d\
      \0\0\0\0IEND\xae\x42\x60\x82";

fn complaint<'a>() -> Vec<Part<'a>> {
    vec![
        Part::Text("kind", "complaint"),
        Part::Text("subject", "Забавено удостоверение"),
        Part::Text("body", "Чакам удостоверение за наследници от месец."),
        Part::Text("address", "Център за услуги, гише 3"),
        Part::Text("bad_administration", "on"),
        Part::Text("identity", "named"),
        Part::Text("name", "Иван Петров"),
        Part::Text("phone", "0888 123 456"),
        Part::Text("email", ""),
        Part::Text("postal_address", ""),
        Part::Text("consent", "on"),
    ]
}

/// Submits through the portal: (number, tracking code, receipt page). The form answers with a
/// redirect to the receipt (POST/redirect/GET), which is followed as a browser does.
async fn submit_complaint(app: &TestApp, files: Vec<Part<'_>>) -> (String, String, Page) {
    let mut parts = complaint();
    parts.extend(files);
    let page = post_multipart(app, "/submit", &parts).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let location = page.location.unwrap();
    assert!(location.starts_with("/receipt/"), "{location}");
    let page = get(app, &location, None).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let number = between(&page.body, r#"id="receipt-number">"#, "<").to_owned();
    let code = between(&page.body, r#"id="receipt-code">"#, "<").to_owned();
    (number, code, page)
}

/// The one-time token of the form on a page.
fn form_token(body: &str) -> String {
    between(body, r#"name="form_token" value=""#, "\"").to_owned()
}

/// A GET answered with bytes: (status, content type, body).
async fn get_bytes(app: &TestApp, path: &str) -> (u16, String, Vec<u8>) {
    let response = client().get(app.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (
        status,
        content_type,
        response.bytes().await.unwrap().to_vec(),
    )
}

#[tokio::test]
async fn every_public_page_answers_in_bulgarian_and_english() {
    let app = spawn_app_at(NOW).await;
    for path in [
        "/",
        "/submit",
        "/track",
        "/reception",
        "/reception/cancel",
        "/charter",
        "/contacts",
        "/channels",
        "/privacy",
    ] {
        let page = get(&app, path, None).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(page.content_type.starts_with("text/html"), "{path}");
        assert!(page.body.contains(r#"<html lang="bg""#), "{path}");
        assert!(
            page.body.contains(r##"<a class="skip" href="#main">"##),
            "{path}"
        );
        assert!(
            page.body.contains(r#"<main id="main" tabindex="-1">"#),
            "{path}"
        );
        let english = get(&app, &format!("{path}?lang=en"), None).await;
        assert!(english.body.contains(r#"<html lang="en""#), "{path}");
        assert!(
            english
                .set_cookies
                .iter()
                .any(|c| c.starts_with("priemna_lang=en")),
            "{path}: ?lang=en is remembered"
        );
        // The cookie alone keeps English.
        let again = get(&app, path, Some("priemna_lang=en")).await;
        assert!(again.body.contains(r#"<html lang="en""#), "{path}");
    }
    let charter = get(&app, "/charter", None).await;
    assert!(
        charter
            .body
            .contains("Анонимни сигнали и оплаквания не се разглеждат")
    );
    let contacts = get(&app, "/contacts", None).await;
    assert!(
        contacts.body.contains("Ден на Освобождението"),
        "the holiday on 3 March is named"
    );
}

#[tokio::test]
async fn text_size_and_contrast_persist_without_javascript() {
    let app = spawn_app_at(NOW).await;
    let page = post(
        &app,
        "/preferences",
        &[("size", "large"), ("back", "/track")],
        None,
    )
    .await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location.as_deref(), Some("/track"));
    let cookie = page
        .set_cookies
        .iter()
        .find(|c| c.starts_with("priemna_size=large"))
        .expect("a size cookie");
    assert!(cookie.contains("Max-Age=31536000"), "{cookie}");
    let page = post(
        &app,
        "/preferences",
        &[("contrast", "high"), ("back", "//evil.example")],
        None,
    )
    .await;
    assert_eq!(
        page.location.as_deref(),
        Some("/"),
        "never sent off the site"
    );
    let styled = get(&app, "/", Some("priemna_size=large; priemna_contrast=high")).await;
    assert!(
        styled.body.contains(r#"class="size-large contrast""#),
        "{}",
        styled.body
    );
    assert!(styled.body.contains(r#"value="large" aria-pressed="true""#));
    let language = get(&app, "/preferences?lang=en&back=/charter", None).await;
    assert_eq!(language.location.as_deref(), Some("/charter"));
    assert!(
        language
            .set_cookies
            .iter()
            .any(|c| c.starts_with("priemna_lang=en"))
    );
    let css = get(&app, "/assets/portal.css", None).await;
    assert!(css.content_type.starts_with("text/css"));
    assert!(css.body.contains("@media print"));
}

#[tokio::test]
async fn form_errors_are_shown_next_to_their_fields_and_nothing_is_registered() {
    let app = spawn_app_at(NOW).await;
    let page = post_multipart(
        &app,
        "/submit",
        &[
            Part::Text("identity", "named"),
            Part::Text("subject", ""),
            Part::Text("phone", "12"),
        ],
    )
    .await;
    assert_eq!(page.status, 422);
    for id in ["kind", "subject", "body", "phone", "consent"] {
        assert!(
            page.body.contains(&format!(r#"id="{id}-error""#)),
            "{id}: {}",
            page.body
        );
        assert!(
            page.body.contains(&format!(r##"href="#{id}""##)),
            "{id} in the summary"
        );
    }
    assert!(
        page.body
            .contains(r#"aria-describedby="subject-hint subject-error""#)
    );
    assert!(page.body.contains(r#"aria-invalid="true""#));
    assert!(page.body.contains("Напишете кратко заглавие."));
    // What was typed comes back.
    assert!(page.body.contains(r#"value="12""#));
    assert_eq!(app.count().await, 0);

    // Anonymous, but with a name: said so, on the choice itself.
    let mut parts = complaint();
    parts.retain(|p| !matches!(p, Part::Text("identity", _)));
    parts.push(Part::Text("identity", "anonymous"));
    let page = post_multipart(&app, "/submit", &parts).await;
    assert_eq!(page.status, 422);
    assert!(
        page.body.contains(r#"id="identity-error""#),
        "{}",
        page.body
    );
    assert_eq!(app.count().await, 0);

    // In English.
    let page = post_multipart(&app, "/submit?lang=en", &[Part::Text("identity", "named")]).await;
    assert!(page.body.contains("Write a short title."));
}

#[tokio::test]
async fn attachments_are_checked_by_their_bytes_and_kept() {
    let app = spawn_app_at(NOW).await;
    // An executable named like a photo is refused, and nothing is registered.
    let mut parts = complaint();
    parts.push(Part::File(
        "attachments",
        "photo.jpg",
        b"MZ\x90\0\x03\0\0\0 not a photo".to_vec(),
    ));
    let page = post_multipart(&app, "/submit", &parts).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains(r#"id="attachments-error""#));
    assert!(page.body.contains("photo.jpg"));
    assert_eq!(app.count().await, 0);

    // Too large.
    let mut parts = complaint();
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(5 * 1024 * 1024 + 1, b'a');
    parts.push(Part::File("attachments", "big.pdf", big));
    let page = post_multipart(&app, "/submit", &parts).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("5 MB"), "{}", page.body);
    assert_eq!(app.count().await, 0);

    // A PNG and a PDF, whatever the names say.
    let (number, _, receipt) = submit_complaint(
        &app,
        vec![
            Part::File("attachments", "../../снимка.bin", PNG.to_vec()),
            Part::File("attachments", "писмо.pdf", b"%PDF-1.4\n%test\n".to_vec()),
        ],
    )
    .await;
    // Kept under the extension of what the bytes are.
    assert!(receipt.body.contains("снимка.png"));
    let stored = app
        .store
        .attachments(number.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].content_type, "image/png");
    assert_eq!(stored[0].filename, "снимка.png");
    assert_eq!(stored[1].content_type, "application/pdf");
    let file = app
        .store
        .attachment(number.parse().unwrap(), stored[0].id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(file.data, PNG);

    // Staff who may see the case download it; the download is journalled.
    let department = app.add_department("Административно обслужване").await;
    app.add_staff("kmet", "mayors_office", None, false).await;
    let _ = department;
    let cookie = sign_in(&app, "kmet").await;
    let list = get(
        &app,
        &format!("/staff/cases/{number}/portal"),
        Some(&cookie),
    )
    .await;
    assert_eq!(list.status, 200, "{}", list.body);
    let href = format!("/staff/cases/{number}/attachments/{}", stored[0].id);
    assert!(list.body.contains(&href));
    let download = client()
        .get(app.url(&href))
        .header(reqwest::header::COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "image/png");
    assert!(
        download.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(download.bytes().await.unwrap().as_ref(), PNG);
    let journal = app.store.journal(0, 1000).await.unwrap();
    assert!(journal.iter().any(|e| e.action == "attach"));
    assert!(journal.iter().any(|e| e.action == "read_attachment"));
    // Not without signing in.
    let anonymous = get(&app, &href, None).await;
    assert_eq!(anonymous.status, 303);
}

/// Signs in through the staff login form: the session cookie.
async fn sign_in(app: &TestApp, username: &str) -> String {
    let page = post(
        app,
        "/staff/login",
        &[("username", username), ("password", PASSWORD)],
        None,
    )
    .await;
    assert_eq!(page.status, 303, "{}", page.body);
    page.set_cookies
        .iter()
        .find(|c| c.starts_with("priemna_session="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn submit_receipt_track_answer_and_rate() {
    let app = spawn_app_at(NOW).await;
    let (number, code, receipt) = submit_complaint(&app, Vec::new()).await;
    assert!(number.starts_with("2026-"));
    assert_eq!(code.len(), 14);
    // The 7-day promise: 2 March + 7 days = Monday 9 March.
    assert!(receipt.body.contains("09.03.2026"), "{}", receipt.body);
    assert!(receipt.body.contains("@media print") || receipt.body.contains("/assets/portal.css"));
    let case = app
        .store
        .case_by_number(number.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(case.entered_by, "citizen");
    assert_eq!(case.channel.as_str(), "web");

    // The receipt as a PDF, from the register, for whoever has the number and the code.
    let file = client()
        .post(app.url("/receipt"))
        .form(&[("number", &number), ("code", &code)])
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["content-type"], "application/pdf");
    let text = mailsink::squash(&mailsink::pdf_bytes_text(&file.bytes().await.unwrap()));
    assert!(text.contains(&number) && text.contains(&code), "{text}");

    // Tracking: a wrong code is told apart from nothing, and marks both fields.
    let wrong = post(
        &app,
        "/track",
        &[("number", &number), ("code", "AAAA-BBBB-CCCC")],
        None,
    )
    .await;
    assert_eq!(wrong.status, 404);
    assert!(wrong.body.contains(r#"id="code-error""#));
    let bad = post(&app, "/track", &[("number", "123"), ("code", "")], None).await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains(r#"id="number-error""#) && bad.body.contains(r#"id="code-error""#));
    let tracked = post(
        &app,
        "/track",
        &[("number", &number), ("code", &code.to_lowercase())],
        None,
    )
    .await;
    assert_eq!(tracked.status, 200, "{}", tracked.body);
    assert!(tracked.body.contains("регистрирано"));
    // The history stacks on a phone, each line named by its column.
    assert_stacked_tables(&tracked.body, "the tracked case", 1);
    assert!(
        !tracked.body.contains("survey-title"),
        "no survey before the answer"
    );
    let early = post(
        &app,
        "/track/survey",
        &[("number", &number), ("code", &code), ("rating", "5")],
        None,
    )
    .await;
    assert_eq!(early.status, 409);

    // The Mayor's office assigns, asks for an inspection (a delay notice), and answers.
    let department = app.add_department("Административно обслужване").await;
    app.add_staff("kmet", "mayors_office", None, false).await;
    let staff = app.login("kmet").await;
    let (status, body) = staff
        .act(
            &number,
            json!({"action": "assign", "department_id": department}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = staff
        .act(
            &number,
            json!({"action": "require_inspection", "reason": "нужна е справка от архива", "new_due": "2026-03-16"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = staff
        .act(
            &number,
            json!({"action": "answer", "text": "Удостоверението е готово; можете да го получите на гише 3."}),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    let tracked = post(
        &app,
        "/track",
        &[("number", &number), ("code", &code)],
        None,
    )
    .await;
    assert_eq!(tracked.status, 200);
    assert!(
        tracked.body.contains("Удостоверението е готово"),
        "{}",
        tracked.body
    );
    assert!(
        tracked.body.contains("нужна е справка от архива"),
        "the delay's reason"
    );
    assert!(tracked.body.contains("16.03.2026"), "the new date");
    assert!(tracked.body.contains("survey-title"));

    // The answer letter as a PDF, asked for with the code in the body, never in the address.
    assert!(
        tracked.body.contains(r#"action="/track/answer""#),
        "{}",
        tracked.body
    );
    let letter = client()
        .post(app.url("/track/answer"))
        .form(&[("number", &number), ("code", &code)])
        .send()
        .await
        .unwrap();
    assert_eq!(letter.status(), 200);
    assert_eq!(letter.headers()["content-type"], "application/pdf");
    let text = mailsink::squash(&mailsink::pdf_bytes_text(&letter.bytes().await.unwrap()));
    assert!(text.contains("Удостоверението е готово"), "{text}");
    let refused = post(
        &app,
        "/track/answer",
        &[("number", &number), ("code", "AAAA-BBBB-CCCC")],
        None,
    )
    .await;
    assert_eq!(refused.status, 404);

    // The survey: errors next to the field, then once per case.
    let missing = post(
        &app,
        "/track/survey",
        &[("number", &number), ("code", &code)],
        None,
    )
    .await;
    assert_eq!(missing.status, 422);
    assert!(missing.body.contains(r#"id="rating-error""#));
    let rated = post(
        &app,
        "/track/survey",
        &[
            ("number", &number),
            ("code", &code),
            ("rating", "4"),
            ("on_time", "yes"),
            ("clear", "no"),
            ("comment", "По-бързо, моля."),
        ],
        None,
    )
    .await;
    assert_eq!(rated.status, 303, "{}", rated.body);
    let rated = get(&app, rated.location.as_deref().unwrap(), None).await;
    assert_eq!(rated.status, 200, "{}", rated.body);
    assert!(rated.body.contains("Оценката Ви е записана"));
    let again = post(
        &app,
        "/track/survey",
        &[("number", &number), ("code", &code), ("rating", "1")],
        None,
    )
    .await;
    assert!(again.body.contains("вече е оценена"));
    let survey = app
        .store
        .survey(number.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (survey.rating, survey.on_time, survey.clear),
        (4, Some(true), Some(false))
    );
}

async fn free_slots(app: &TestApp, official: &str, day: &str) -> Vec<String> {
    let page = get(
        app,
        &format!("/reception?official={official}&day={day}"),
        None,
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.body);
    page.body
        .match_indices(r#"name="slot" value=""#)
        .map(|(i, m)| page.body[i + m.len()..i + m.len() + 5].to_owned())
        .collect()
}

async fn book(app: &TestApp, official: &str, day: &str, slot: &str) -> Page {
    post(
        app,
        "/reception",
        &[
            ("official", official),
            ("day", day),
            ("slot", slot),
            ("name", "Мария Георгиева"),
            ("phone", "0888 123 456"),
            ("topic", "Ремонт на улицата"),
            ("consent", "on"),
        ],
        None,
    )
    .await
}

/// Books a visit as a person with this phone and (optional) e-mail.
async fn book_as(
    app: &TestApp,
    (official, day, slot): (&str, &str, &str),
    phone: &str,
    email: &str,
) -> Page {
    post(
        app,
        "/reception",
        &[
            ("official", official),
            ("day", day),
            ("slot", slot),
            ("name", "Мария Георгиева"),
            ("phone", phone),
            ("email", email),
            ("consent", "on"),
        ],
        None,
    )
    .await
}

/// Books a visit and opens its confirmation: (the confirmation page's address, the code).
async fn booked_code(
    app: &TestApp,
    at: (&str, &str, &str),
    phone: &str,
    email: &str,
) -> (String, String) {
    let booked = book_as(app, at, phone, email).await;
    assert_eq!(booked.status, 303, "{}", booked.body);
    let location = booked.location.unwrap();
    let page = get(app, &location, None).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let code = between(&page.body, r#"id="booking-code">"#, "<").to_owned();
    (location, code)
}

/// The active bookings of a day.
async fn active_bookings(app: &TestApp, day: &str) -> Vec<priemna_store::Booking> {
    let mut list = app
        .store
        .bookings_on(day.parse().unwrap(), "test", app.clock.now())
        .await
        .unwrap();
    list.retain(|b| b.cancelled_at.is_none());
    list
}

/// The messages queued since the last call (claimed, so that the next call sees only new ones).
async fn queued_messages(app: &TestApp) -> Vec<priemna_store::OutgoingMessage> {
    let now = app.clock.now();
    app.store
        .claim_outbox(
            "test",
            now,
            now.checked_add(jiff::SignedDuration::from_hours(1))
                .unwrap(),
            100,
        )
        .await
        .unwrap()
}

/// A calendar file read as RFC 5545 says: lines end in CRLF, are at most 75 octets, and a line
/// that starts with a space continues the one before. (name, parameters, value) per property.
fn parse_ics(bytes: &[u8]) -> Vec<(String, String, String)> {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    assert!(text.ends_with("\r\n"), "{text:?}");
    let mut unfolded: Vec<String> = Vec::new();
    for line in text[..text.len() - 2].split("\r\n") {
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "bare line break: {line:?}"
        );
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
        match line.strip_prefix(' ') {
            Some(more) => unfolded.last_mut().expect("a first line").push_str(more),
            None => unfolded.push(line.to_owned()),
        }
    }
    unfolded
        .iter()
        .map(|line| {
            let colon = line.find(':').unwrap_or_else(|| panic!("no value: {line}"));
            let (head, value) = (&line[..colon], &line[colon + 1..]);
            let (name, params) = head.split_once(';').unwrap_or((head, ""));
            (name.to_owned(), params.to_owned(), value.to_owned())
        })
        .collect()
}

/// The value of the property `name` of the calendar's event (or of the calendar itself, for
/// METHOD), with its parameters.
fn ics_prop<'a>(ics: &'a [(String, String, String)], name: &str) -> (&'a str, &'a str) {
    let event = ics
        .iter()
        .position(|(n, _, v)| n == "BEGIN" && v == "VEVENT")
        .expect("an event");
    let (calendar, event) = ics.split_at(event);
    let within = if name == "METHOD" { calendar } else { event };
    within
        .iter()
        .find(|(n, _, _)| n == name)
        .map(|(_, p, v)| (p.as_str(), v.as_str()))
        .unwrap_or_else(|| panic!("no {name} in {ics:?}"))
}

/// The calendar file a queued message carries, parsed, with its content type.
fn message_ics(m: &priemna_store::OutgoingMessage) -> (String, Vec<(String, String, String)>) {
    let (name, content_type, bytes) = m.attachment.as_ref().expect("a calendar file");
    assert_eq!(name, "visit.ics");
    let ics = parse_ics(bytes);
    assert_eq!(ics.first().map(|p| p.0.as_str()), Some("BEGIN"));
    assert_eq!(ics.first().map(|p| p.2.as_str()), Some("VCALENDAR"));
    assert_eq!(ics.last().map(|p| p.2.as_str()), Some("VCALENDAR"));
    (content_type.clone(), ics)
}

#[tokio::test]
async fn a_person_has_one_visit_to_come_per_official_and_two_a_month() {
    let app = spawn_app_at(NOW).await;
    let page = get(&app, "/reception", None).await;
    assert!(
        page.body
            .contains("един предстоящ час при всяко длъжностно лице"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("най-много 2 часа при едно и също длъжностно лице в един календарен месец")
    );
    let mayor = |day, slot| ("mayor", day, slot);
    let first = book_as(
        &app,
        mayor(BOOKING_DAY, "10:00"),
        "0888 123 456",
        "maria@example.bg",
    )
    .await;
    assert_eq!(first.status, 303, "{}", first.body);

    // The same phone, another day: refused, at the phone field, saying which visit it has.
    let again = book_as(&app, mayor("2026-03-05", "11:00"), "0888123456", "").await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert!(again.body.contains(r#"id="phone-error""#), "{}", again.body);
    assert!(
        again
            .body
            .contains("С този телефон вече има записан предстоящ час при кмета на Община Хасково"),
        "{}",
        again.body
    );
    assert!(again.body.contains("10:00"));
    // The same e-mail with another phone: refused at the e-mail field.
    let by_mail = book_as(
        &app,
        mayor("2026-03-05", "11:00"),
        "0899 555 444",
        "Maria@Example.BG",
    )
    .await;
    assert_eq!(by_mail.status, 409, "{}", by_mail.body);
    assert!(
        by_mail.body.contains(r#"id="email-error""#),
        "{}",
        by_mail.body
    );
    // In English, too.
    let english = post(
        &app,
        "/reception?lang=en",
        &[
            ("official", "mayor"),
            ("day", "2026-03-05"),
            ("slot", "11:00"),
            ("name", "Maria"),
            ("phone", "0888 123 456"),
            ("consent", "on"),
        ],
        None,
    )
    .await;
    assert_eq!(english.status, 409);
    assert!(
        english
            .body
            .contains("This phone already has a visit to come with the Mayor of Haskovo"),
        "{}",
        english.body
    );
    assert!(
        active_bookings(&app, "2026-03-05").await.is_empty(),
        "nothing booked"
    );
    // Another official is another queue.
    assert_eq!(
        book_as(
            &app,
            ("secretary", "2026-03-05", "11:00"),
            "0888 123 456",
            ""
        )
        .await
        .status,
        303
    );

    // After the visit, the next one; a third in the same month is refused, in another month not.
    app.clock.set("2026-03-04T12:00:00+02:00");
    assert_eq!(
        book_as(&app, mayor("2026-03-10", "09:00"), "0888 123 456", "")
            .await
            .status,
        303
    );
    app.clock.set("2026-03-10T12:00:00+02:00");
    let third = book_as(&app, mayor("2026-03-12", "09:00"), "0888 123 456", "").await;
    assert_eq!(third.status, 409, "{}", third.body);
    assert!(third.body.contains(r#"id="phone-error""#));
    assert!(
        third
            .body
            .contains("вече има 2 часа при кмета на Община Хасково през март 2026"),
        "{}",
        third.body
    );
    assert!(active_bookings(&app, "2026-03-12").await.is_empty());
    app.clock.set("2026-03-25T12:00:00+02:00");
    assert_eq!(
        book_as(&app, mayor("2026-04-01", "09:00"), "0888 123 456", "")
            .await
            .status,
        303
    );
}

#[tokio::test]
async fn a_booking_with_nothing_chosen_names_the_field_and_books_nothing() {
    let app = spawn_app_at(NOW).await;
    let person = [
        ("name", "Мария Георгиева"),
        ("phone", "0888 123 456"),
        ("consent", "on"),
    ];
    let nothing = post(&app, "/reception", &person, None).await;
    assert_eq!(nothing.status, 422, "{}", nothing.body);
    assert!(
        nothing.body.contains(r#"id="official-error""#),
        "{}",
        nothing.body
    );
    assert!(
        nothing
            .body
            .contains("Изберете при кого искате да бъдете приети.")
    );
    assert!(nothing.body.contains(r#"id="day-error""#));
    let mut no_slot = person.to_vec();
    no_slot.extend([("official", "mayor"), ("day", BOOKING_DAY)]);
    let refused = post(&app, "/reception", &no_slot, None).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains(r#"id="slot-error""#),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("Изберете свободен час."));
    let english = post(&app, "/reception?lang=en", &no_slot, None).await;
    assert!(
        english.body.contains("Choose a free time."),
        "{}",
        english.body
    );
    assert!(active_bookings(&app, BOOKING_DAY).await.is_empty());
    assert!(queued_messages(&app).await.is_empty());
}

#[tokio::test]
async fn a_booking_sends_a_calendar_invitation_in_sofia_time() {
    let app = spawn_app_at(NOW).await;
    let (location, _) = booked_code(
        &app,
        ("mayor", BOOKING_DAY, "10:00"),
        "0888 123 456",
        "maria@example.bg",
    )
    .await;
    let messages = queued_messages(&app).await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    let m = &messages[0];
    assert_eq!(
        (m.kind.as_str(), m.recipient.as_str()),
        ("booking_confirmation", "maria@example.bg")
    );
    assert!(m.text.contains("при кмета на Община Хасково"), "{}", m.text);
    assert!(
        !m.text.contains("Мария"),
        "nothing the citizen typed: {}",
        m.text
    );
    let (content_type, ics) = message_ics(m);
    assert_eq!(content_type, "text/calendar; charset=utf-8; method=REQUEST");
    assert_eq!(ics_prop(&ics, "METHOD").1, "REQUEST");
    assert_eq!(ics_prop(&ics, "SEQUENCE").1, "0");
    assert_eq!(
        ics_prop(&ics, "DTSTART"),
        ("TZID=Europe/Sofia", "20260304T100000")
    );
    assert_eq!(
        ics_prop(&ics, "DTEND"),
        ("TZID=Europe/Sofia", "20260304T102000")
    );
    assert!(
        ics.iter()
            .any(|(n, _, v)| n == "TZID" && v == "Europe/Sofia"),
        "the zone is in the file: {ics:?}"
    );
    assert!(
        ics_prop(&ics, "ATTENDEE")
            .1
            .eq_ignore_ascii_case("mailto:maria@example.bg")
    );
    assert!(
        ics_prop(&ics, "SUMMARY")
            .1
            .contains("кмета на Община Хасково")
    );
    let uid = ics_prop(&ics, "UID").1.to_owned();
    assert!(uid.len() > 20, "{uid}");
    // The confirmation page offers the same event to download.
    let (status, content_type, bytes) = get_bytes(&app, &format!("{location}/visit.ics")).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/calendar"), "{content_type}");
    let download = parse_ics(&bytes);
    assert_eq!(ics_prop(&download, "UID").1, uid);
    assert_eq!(ics_prop(&download, "METHOD").1, "PUBLISH");
    // Without an address, no message.
    book_as(
        &app,
        ("secretary", BOOKING_DAY, "10:00"),
        "0899 555 444",
        "",
    )
    .await;
    assert!(queued_messages(&app).await.is_empty());
}

#[tokio::test]
async fn a_visit_moves_with_its_code_and_frees_the_old_time() {
    let app = spawn_app_at(NOW).await;
    let (_, code) = booked_code(
        &app,
        ("mayor", BOOKING_DAY, "10:00"),
        "0888 123 456",
        "maria@example.bg",
    )
    .await;
    let uid = ics_prop(&message_ics(&queued_messages(&app).await[0]).1, "UID")
        .1
        .to_owned();

    // The link with the code (typed in lower case, without hyphens) shows the visit.
    let typed = code.replace('-', "").to_lowercase();
    let visit = get(&app, &format!("/reception/change?code={typed}"), None).await;
    assert_eq!(visit.status, 200, "{}", visit.body);
    assert!(visit.body.contains("10:00") && visit.body.contains("кмета на Община Хасково"));
    // No day chosen: the error names the field.
    let no_day = get(&app, &format!("/reception/change?code={code}&day="), None).await;
    assert_eq!(no_day.status, 422);
    assert!(no_day.body.contains(r#"id="day-error""#), "{}", no_day.body);
    let day = get(
        &app,
        &format!("/reception/change?code={code}&day=2026-03-05"),
        None,
    )
    .await;
    assert_eq!(day.status, 200, "{}", day.body);
    assert!(day.body.contains(r#"name="slot" value="11:00""#));
    let sequence = between(&day.body, r#"name="sequence" value=""#, "\"").to_owned();
    assert_eq!(sequence, "0");
    let no_slot = post(
        &app,
        "/reception/move",
        &[("code", &code), ("sequence", "0"), ("day", "2026-03-05")],
        None,
    )
    .await;
    assert_eq!(no_slot.status, 422);
    assert!(
        no_slot.body.contains(r#"id="slot-error""#),
        "{}",
        no_slot.body
    );

    let fields = [
        ("code", code.as_str()),
        ("sequence", "0"),
        ("day", "2026-03-05"),
        ("slot", "11:00"),
    ];
    let moved = post(&app, "/reception/move", &fields, None).await;
    assert_eq!(moved.status, 303, "{}", moved.body);
    let location = moved.location.unwrap();
    let shown = get(&app, &location, None).await;
    assert!(shown.body.contains("Часът е преместен"), "{}", shown.body);
    assert!(shown.body.contains("11:00"));
    // Sent again (a reload, a double click): the same page, nothing moved twice.
    let again = post(&app, "/reception/move", &fields, None).await;
    assert_eq!(
        (again.status, again.location.as_deref()),
        (303, Some(location.as_str()))
    );
    let visits = active_bookings(&app, "2026-03-05").await;
    assert_eq!(visits.len(), 1);
    assert_eq!((visits[0].slot.as_str(), visits[0].sequence), ("11:00", 1));
    assert!(active_bookings(&app, BOOKING_DAY).await.is_empty());

    // The old time is free: someone else books it.
    assert!(
        free_slots(&app, "mayor", BOOKING_DAY)
            .await
            .contains(&"10:00".to_owned())
    );
    assert_eq!(
        book_as(&app, ("mayor", BOOKING_DAY, "10:00"), "0899 555 444", "")
            .await
            .status,
        303
    );

    // A new invitation: the same event, a higher SEQUENCE, the new time.
    let messages = queued_messages(&app).await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    let (content_type, ics) = message_ics(&messages[0]);
    assert!(content_type.ends_with("method=REQUEST"));
    assert_eq!(ics_prop(&ics, "METHOD").1, "REQUEST");
    assert_eq!(ics_prop(&ics, "UID").1, uid);
    assert_eq!(ics_prop(&ics, "SEQUENCE").1, "1");
    assert_eq!(
        ics_prop(&ics, "DTSTART"),
        ("TZID=Europe/Sofia", "20260305T110000")
    );
    assert!(
        messages[0].subject.contains("Преместен час"),
        "{}",
        messages[0].subject
    );

    // A taken time is refused next to its field.
    let taken = post(
        &app,
        "/reception/move",
        &[
            ("code", &code),
            ("sequence", "1"),
            ("day", BOOKING_DAY),
            ("slot", "10:00"),
        ],
        None,
    )
    .await;
    assert_eq!(taken.status, 422);
    assert!(taken.body.contains(r#"id="slot-error""#));
    assert_eq!(active_bookings(&app, "2026-03-05").await.len(), 1);
}

#[tokio::test]
async fn a_cancellation_shows_the_visit_first_and_the_post_frees_it() {
    let app = spawn_app_at(NOW).await;
    let (_, code) = booked_code(
        &app,
        ("mayor", BOOKING_DAY, "10:00"),
        "0888 123 456",
        "maria@example.bg",
    )
    .await;
    let uid = ics_prop(&message_ics(&queued_messages(&app).await[0]).1, "UID")
        .1
        .to_owned();

    // The GET shows what will be cancelled and cancels nothing.
    let confirm = get(&app, &format!("/reception/cancel?code={code}"), None).await;
    assert_eq!(confirm.status, 200, "{}", confirm.body);
    assert!(confirm.body.contains("Ще отмените този час"));
    assert!(confirm.body.contains("10:00") && confirm.body.contains("кмета на Община Хасково"));
    assert!(
        confirm
            .body
            .contains(r#"method="post" action="/reception/cancel""#)
    );
    assert!(
        !free_slots(&app, "mayor", BOOKING_DAY)
            .await
            .contains(&"10:00".to_owned())
    );
    assert_eq!(active_bookings(&app, BOOKING_DAY).await.len(), 1);
    let no_code = get(&app, "/reception/cancel?code=", None).await;
    assert_eq!(no_code.status, 422);
    assert!(no_code.body.contains(r#"id="code-error""#));

    let cancelled = post(
        &app,
        "/reception/cancel",
        &[("code", &code), ("sequence", "0")],
        None,
    )
    .await;
    assert_eq!(cancelled.status, 303, "{}", cancelled.body);
    let location = cancelled.location.unwrap();
    let shown = get(&app, &location, None).await;
    assert_eq!(shown.status, 200);
    let main = between(&shown.body, "<main", "</main>");
    assert_eq!(main.matches("Часът е отменен").count(), 1, "{main}");
    assert!(shown.body.contains(r#"id="cancel-emailed""#));
    assert!(active_bookings(&app, BOOKING_DAY).await.is_empty());
    assert_eq!(
        book_as(&app, ("mayor", BOOKING_DAY, "10:00"), "0899 555 444", "")
            .await
            .status,
        303
    );
    // Sent again: the same page, no second notice.
    let again = post(
        &app,
        "/reception/cancel",
        &[("code", &code), ("sequence", "0")],
        None,
    )
    .await;
    assert_eq!(
        (again.status, again.location.as_deref()),
        (303, Some(location.as_str()))
    );

    let messages = queued_messages(&app).await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(messages[0].kind, MessageKind::BookingCancellation);
    let (content_type, ics) = message_ics(&messages[0]);
    assert!(content_type.ends_with("method=CANCEL"));
    assert_eq!(ics_prop(&ics, "METHOD").1, "CANCEL");
    assert_eq!(ics_prop(&ics, "STATUS").1, "CANCELLED");
    assert_eq!(ics_prop(&ics, "UID").1, uid);
    assert_eq!(ics_prop(&ics, "SEQUENCE").1, "1");
    assert_eq!(
        ics_prop(&ics, "DTSTART"),
        ("TZID=Europe/Sofia", "20260304T100000")
    );
}

#[tokio::test]
async fn a_visit_is_booked_listed_for_staff_and_cancelled() {
    let app = spawn_app_at(NOW).await;
    let choose = get(&app, "/reception", None).await;
    assert!(
        !choose.body.contains("2026-03-03"),
        "the holiday is not offered"
    );
    assert!(choose.body.contains(BOOKING_DAY));
    // Today: only the slots still ahead (it is 10:00).
    let today = free_slots(&app, "mayor", "2026-03-02").await;
    assert_eq!(today.first().map(String::as_str), Some("10:20"));
    let slots = free_slots(&app, "mayor", BOOKING_DAY).await;
    assert_eq!(slots.len(), 24);
    assert!(free_slots(&app, "mayor", "2026-03-03").await.is_empty());

    // Errors next to their fields.
    let refused = post(
        &app,
        "/reception",
        &[
            ("official", "mayor"),
            ("day", BOOKING_DAY),
            ("phone", "abc"),
        ],
        None,
    )
    .await;
    assert_eq!(refused.status, 422);
    for id in ["slot", "name", "phone", "consent"] {
        assert!(
            refused.body.contains(&format!(r#"id="{id}-error""#)),
            "{id}"
        );
    }

    let booked = book(&app, "mayor", BOOKING_DAY, "10:00").await;
    assert_eq!(booked.status, 303, "{}", booked.body);
    let booked = get(&app, booked.location.as_deref().unwrap(), None).await;
    assert_eq!(booked.status, 200, "{}", booked.body);
    let code = between(&booked.body, r#"id="booking-code">"#, "<").to_owned();
    assert!(
        !free_slots(&app, "mayor", BOOKING_DAY)
            .await
            .contains(&"10:00".to_owned())
    );
    assert!(
        free_slots(&app, "secretary", BOOKING_DAY)
            .await
            .contains(&"10:00".to_owned())
    );
    let twice = book_as(&app, ("mayor", BOOKING_DAY, "10:00"), "0899 555 444", "").await;
    assert_eq!(twice.status, 409);
    assert!(twice.body.contains(r#"id="slot-error""#));

    // The day's list in the back office, for the registry; not for case officers.
    app.add_staff("clerk", "registry_clerk", None, false).await;
    let department = app.add_department("Пътища").await;
    app.add_staff("officer", "case_officer", Some(department), false)
        .await;
    let clerk = sign_in(&app, "clerk").await;
    let list = get(
        &app,
        &format!("/staff/reception?day={BOOKING_DAY}"),
        Some(&clerk),
    )
    .await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(list.body.contains("Мария Георгиева") && list.body.contains("0888123456"));
    let officer = sign_in(&app, "officer").await;
    let denied = get(
        &app,
        &format!("/staff/reception?day={BOOKING_DAY}"),
        Some(&officer),
    )
    .await;
    assert_eq!(denied.status, 403);
    assert!(get(&app, "/staff/reception", None).await.status == 303);

    // Cancelled with the code: the slot is free again; a second cancellation finds nothing.
    let wrong = post(
        &app,
        "/reception/cancel",
        &[("code", "AAAA-BBBB-CCCC")],
        None,
    )
    .await;
    assert_eq!(wrong.status, 404);
    assert!(wrong.body.contains(r#"id="code-error""#));
    let cancelled = post(&app, "/reception/cancel", &[("code", &code)], None).await;
    assert_eq!(cancelled.status, 303, "{}", cancelled.body);
    let cancelled = get(&app, cancelled.location.as_deref().unwrap(), None).await;
    assert!(cancelled.body.contains("10:00") && cancelled.body.contains("Часът е отменен"));
    assert!(
        free_slots(&app, "mayor", BOOKING_DAY)
            .await
            .contains(&"10:00".to_owned())
    );
    // Sent again: the visit is shown cancelled, nothing else happens.
    let again = post(&app, "/reception/cancel", &[("code", &code)], None).await;
    assert_eq!(again.status, 303);
    let list = get(
        &app,
        &format!("/staff/reception?day={BOOKING_DAY}"),
        Some(&clerk),
    )
    .await;
    assert!(list.body.contains("отменен"));
    // A new booking of the freed slot works.
    assert_eq!(book(&app, "mayor", BOOKING_DAY, "10:00").await.status, 303);
}

#[tokio::test]
async fn one_slot_goes_to_one_citizen_under_concurrency() {
    let app = spawn_app_at(NOW).await;
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let url = app.url("/reception");
        tasks.push(tokio::spawn(async move {
            client()
                .post(url)
                .form(&[
                    ("official", "deputy_mayor"),
                    ("day", BOOKING_DAY),
                    ("slot", "11:00"),
                    ("name", "Гражданин"),
                    ("phone", "0888 123 456"),
                    ("consent", "on"),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 303 || *s == 409),
        "{statuses:?}"
    );
    let day = BOOKING_DAY.parse().unwrap();
    let list = app
        .store
        .bookings_on(day, "test", app.clock.now())
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
}

#[tokio::test]
async fn one_phone_gets_one_visit_to_come_under_concurrency() {
    let app = spawn_app_at(NOW).await;
    let mut tasks = Vec::new();
    // Eight times at once, each a different day or time: the check runs inside the write.
    for (day, slot) in [
        (BOOKING_DAY, "09:00"),
        (BOOKING_DAY, "09:20"),
        (BOOKING_DAY, "09:40"),
        (BOOKING_DAY, "10:00"),
        ("2026-03-05", "09:00"),
        ("2026-03-05", "09:20"),
        ("2026-03-06", "09:00"),
        ("2026-03-06", "09:20"),
    ] {
        let url = app.url("/reception");
        tasks.push(tokio::spawn(async move {
            client()
                .post(url)
                .form(&[
                    ("official", "mayor"),
                    ("day", day),
                    ("slot", slot),
                    ("name", "Гражданин"),
                    ("phone", "0888 123 456"),
                    ("consent", "on"),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 303 || *s == 409),
        "{statuses:?}"
    );
    let mut booked = 0;
    for day in [BOOKING_DAY, "2026-03-05", "2026-03-06"] {
        booked += active_bookings(&app, day).await.len();
    }
    assert_eq!(booked, 1);
}

#[tokio::test]
async fn an_administrator_edits_the_charter() {
    let app = spawn_app_at(NOW).await;
    app.add_staff("admin", "administrator", None, false).await;
    app.add_staff("clerk", "registry_clerk", None, false).await;
    let admin = sign_in(&app, "admin").await;
    let editor = get(&app, "/staff/admin/pages/charter", Some(&admin)).await;
    assert_eq!(editor.status, 200, "{}", editor.body);
    assert!(editor.body.contains("Харта"));
    let csrf = between(&editor.body, r#"name="csrf_token" value=""#, "\"").to_owned();

    // An empty text is refused next to its field; a forged form changes nothing.
    let empty = post(
        &app,
        "/staff/admin/pages/charter",
        &[("body_bg", ""), ("body_en", "x"), ("csrf_token", &csrf)],
        Some(&admin),
    )
    .await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains(r#"id="body_bg-error""#));
    let forged = post(
        &app,
        "/staff/admin/pages/charter",
        &[("body_bg", "подправено"), ("body_en", "forged")],
        Some(&admin),
    )
    .await;
    assert_eq!(forged.status, 403);

    let saved = post(
        &app,
        "/staff/admin/pages/charter",
        &[
            (
                "body_bg",
                "## Нова харта\nОбещаваме <b>отговор</b>.\n\n- първо\n- второ",
            ),
            ("body_en", "## New charter\nWe promise an answer."),
            ("csrf_token", &csrf),
        ],
        Some(&admin),
    )
    .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let charter = get(&app, "/charter", None).await;
    assert!(
        charter.body.contains("<h2>Нова харта</h2>"),
        "{}",
        charter.body
    );
    assert!(
        charter.body.contains("&lt;b&gt;отговор&lt;/b&gt;"),
        "escaped"
    );
    assert!(charter.body.contains("<li>първо</li>"));
    let english = get(&app, "/charter?lang=en", None).await;
    assert!(english.body.contains("We promise an answer."));
    assert!(
        app.store
            .journal(0, 1000)
            .await
            .unwrap()
            .iter()
            .any(|e| e.action == "edit_page")
    );

    // Only administrators edit.
    let clerk = sign_in(&app, "clerk").await;
    assert_eq!(
        get(&app, "/staff/admin/pages/charter", Some(&clerk))
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn attachments_go_with_the_personal_data_after_the_retention_period() {
    let app = spawn_app_at(NOW).await;
    let (number, _, _) = submit_complaint(
        &app,
        vec![Part::File("attachments", "лице.png", PNG.to_vec())],
    )
    .await;
    let department = app.add_department("Административно обслужване").await;
    app.add_staff("kmet", "mayors_office", None, false).await;
    let staff = app.login("kmet").await;
    for action in [
        json!({"action": "assign", "department_id": department}),
        json!({"action": "answer", "text": "Отговор."}),
    ] {
        let (status, body) = staff.act(&number, action).await;
        assert_eq!(status, 200, "{body}");
    }
    let number = number.parse().unwrap();
    assert_eq!(app.store.attachments(number).await.unwrap().len(), 1);
    let cutoff = "2030-01-01".parse().unwrap();
    let erased = app
        .store
        .anonymise_expired(
            &[(priemna_domain::Kind::Complaint, cutoff)],
            "test-run",
            app.clock.now(),
        )
        .await
        .unwrap();
    assert_eq!(erased, Some(1));
    assert!(app.store.attachments(number).await.unwrap().is_empty());
}

#[tokio::test]
async fn lost_readers_get_a_page_in_their_language_with_a_way_back_and_programs_get_json() {
    let app = spawn_app_at(NOW).await;
    let page = get(&app, "/no-such-page", None).await;
    assert_eq!(page.status, 404);
    assert!(
        page.content_type.starts_with("text/html"),
        "{}",
        page.content_type
    );
    assert!(page.body.contains("Няма такава страница") && page.body.contains(r#"href="/""#));
    let english = get(&app, "/no-such-page", Some("priemna_lang=en")).await;
    assert!(english.body.contains("Page not found"), "{}", english.body);
    // A wrong method on a form's address (an old bookmark of a POST).
    let response = client().delete(app.url("/submit")).send().await.unwrap();
    assert_eq!(response.status(), 405);
    assert!(response.headers().contains_key("allow"));
    let body = response.text().await.unwrap();
    assert!(body.contains("Страницата не се отваря така"), "{body}");
    // The back office answers in its own layout.
    let staff = get(&app, "/staff/no-such-page", None).await;
    assert_eq!(staff.status, 404);
    assert!(staff.content_type.starts_with("text/html"));
    assert!(staff.body.contains("Към входа"));
    // Programs keep their JSON.
    let api = get(&app, "/api/v1/no-such-thing", None).await;
    assert_eq!(api.status, 404);
    assert!(api.content_type.starts_with("application/json"));
}

/// The complaint form as rendered, filled in, with its one-time token.
async fn complaint_with_token(app: &TestApp) -> (String, Vec<Part<'static>>) {
    let form = get(app, "/submit", None).await;
    let token = form_token(&form.body);
    assert_eq!(token.len(), 32, "{token}");
    // Posted to its own address, so that Back finds this very form (and token) in the
    // browser's history, which may keep it (no personal data in an empty form).
    assert!(form.body.contains(r#"action="/submit/send""#));
    (token, complaint())
}

#[tokio::test]
async fn a_reloaded_or_double_clicked_form_shows_the_first_receipt_and_registers_once() {
    let app = spawn_app_at(NOW).await;
    let (token, mut parts) = complaint_with_token(&app).await;
    parts.push(Part::Text("form_token", &token));
    let first = post_multipart(&app, "/submit/send", &parts).await;
    assert_eq!(first.status, 303, "{}", first.body);
    let location = first.location.clone().unwrap();
    let cache = client().get(app.url("/submit")).send().await.unwrap();
    assert_eq!(cache.headers()["cache-control"], "private, no-cache");
    // The reload (or "Confirm form resubmission"): the same form with the same token.
    let again = post_multipart(&app, "/submit", &parts).await;
    assert_eq!(again.status, 303);
    assert_eq!(again.location.as_deref(), Some(location.as_str()));
    assert_eq!(app.count().await, 1);
    // Reloading the receipt shows the same receipt, never a new case.
    let receipt = get(&app, &location, None).await;
    let reloaded = get(&app, &location, None).await;
    let number = between(&receipt.body, r#"id="receipt-number">"#, "<").to_owned();
    assert_eq!(
        number,
        between(&reloaded.body, r#"id="receipt-number">"#, "<")
    );
    assert_eq!(app.count().await, 1);
    // The receipt's address carries no tracking code, and neither does the tracking link.
    let code = between(&receipt.body, r#"id="receipt-code">"#, "<").to_owned();
    assert!(!location.contains(&code) && !location.contains(&token));
    assert!(
        receipt.body.contains("Забавено удостоверение"),
        "the subject"
    );
    assert!(receipt.body.contains("Жалба"), "the kind");
    assert!(
        receipt
            .body
            .contains("Не сте посочили e-mail; запазете кода.")
    );
    let link = format!("{}/track?number={number}", app.address);
    assert!(receipt.body.contains(&link), "{}", receipt.body);
    assert!(receipt.body.contains("Изтегли / отпечатай (PDF)"));
    // The tracking link fills in the number, never the code.
    let track = get(&app, &format!("/track?number={number}"), None).await;
    assert!(track.body.contains(&format!(r#"value="{number}""#)));

    // A double click: two requests with one token at once make one case.
    let (token, mut parts) = complaint_with_token(&app).await;
    parts.push(Part::Text("form_token", &token));
    let (a, b) = tokio::join!(
        post_multipart(&app, "/submit", &parts),
        post_multipart(&app, "/submit", &parts)
    );
    assert_eq!((a.status, b.status), (303, 303), "{} {}", a.body, b.body);
    assert_eq!(a.location, b.location);
    assert_eq!(app.count().await, 2);

    // After 30 minutes the receipt shows no code (an address left in a history or a log opens
    // nothing secret); after 24 hours it is gone. The form sent again still makes no new case.
    app.clock.set("2026-03-02T10:31:00+02:00");
    let later = get(&app, &location, None).await;
    assert_eq!(later.status, 200);
    assert!(later.body.contains(&number));
    assert!(!later.body.contains(&code) && !later.body.contains("Забавено удостоверение"));
    assert!(later.body.contains(r#"id="receipt-code-hidden""#));
    let resent = post_multipart(&app, "/submit", &parts).await;
    assert_eq!(resent.status, 303);
    assert_eq!(app.count().await, 2);
    app.clock.set("2026-03-03T10:01:00+02:00");
    assert_eq!(get(&app, &location, None).await.status, 404);
    let cleaned = priemna_app::jobs::run_form_cleanup(&app.state)
        .await
        .unwrap();
    assert_eq!(cleaned.results, 2);
}

#[tokio::test]
async fn the_receipt_pdf_downloads_with_the_number_the_code_and_the_kind() {
    let app = spawn_app_at(NOW).await;
    let (number, code, receipt) = submit_complaint(&app, Vec::new()).await;
    let href = between(&receipt.body, r#"id="receipt-pdf" href=""#, "\"").to_owned();
    let (status, content_type, pdf) = get_bytes(&app, &href).await;
    assert_eq!((status, content_type.as_str()), (200, "application/pdf"));
    let text = mailsink::squash(&mailsink::pdf_bytes_text(&pdf));
    for needle in [
        number.as_str(),
        code.as_str(),
        "Вид жалба",
        "Забавено удостоверение",
        "09.03.2026",
        &format!("{}/track", app.address),
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
    // The print stylesheet is kept for the page itself.
    let css = get(&app, "/assets/portal.css", None).await;
    assert!(css.body.contains("@media print"));
}

#[tokio::test]
async fn a_photo_attached_to_a_form_with_errors_is_kept_and_sent_with_the_case() {
    let app = spawn_app_at(NOW).await;
    let (token, mut parts) = complaint_with_token(&app).await;
    parts.retain(|p| !matches!(p, Part::Text("email", _)));
    parts.push(Part::Text("email", "ivan@"));
    parts.push(Part::Text("form_token", &token));
    parts.push(Part::File("attachments", "снимка.png", PNG.to_vec()));
    let refused = post_multipart(&app, "/submit", &parts).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains(r#"id="email-error""#));
    // The photo is shown as attached, with a way to remove it, and the form keeps its token.
    assert!(
        refused.body.contains("Вече прикачени файлове"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("снимка.png"));
    assert!(refused.body.contains(r#"name="remove""#));
    assert_eq!(form_token(&refused.body), token);
    // Focus goes to the error summary, without a script.
    assert!(refused.body.contains(r#"id="error-summary" autofocus"#));
    assert_eq!(app.count().await, 0);
    let kept = between(&refused.body, r#"name="kept" value=""#, "\"").to_owned();

    // Corrected, without choosing the photo again: registered with it.
    let mut parts = complaint();
    parts.push(Part::Text("form_token", &token));
    parts.push(Part::Text("kept", &kept));
    let sent = post_multipart(&app, "/submit", &parts).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let receipt = get(&app, sent.location.as_deref().unwrap(), None).await;
    let number = between(&receipt.body, r#"id="receipt-number">"#, "<").to_owned();
    assert!(receipt.body.contains("снимка.png"), "{}", receipt.body);
    let stored = app
        .store
        .attachments(number.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].content_type, "image/png");
    let file = app
        .store
        .attachment(number.parse().unwrap(), stored[0].id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(file.data, PNG);
    assert!(
        app.store
            .journal(0, 1000)
            .await
            .unwrap()
            .iter()
            .any(|e| e.action == "attach")
    );
    // Nothing is left kept for the form.
    assert!(
        app.store
            .kept_uploads(&token_hash(&token))
            .await
            .unwrap()
            .is_empty()
    );
}

fn token_hash(token: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn a_kept_file_can_be_removed_and_one_kept_too_long_is_never_lost_silently() {
    let app = spawn_app_at(NOW).await;
    let (token, mut parts) = complaint_with_token(&app).await;
    parts.retain(|p| !matches!(p, Part::Text("consent", _)));
    parts.push(Part::Text("form_token", &token));
    parts.push(Part::File("attachments", "снимка.png", PNG.to_vec()));
    parts.push(Part::File(
        "attachments",
        "писмо.pdf",
        b"%PDF-1.4\n%test\n".to_vec(),
    ));
    let refused = post_multipart(&app, "/submit", &parts).await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains(r#"id="consent-error""#));
    let ids: Vec<String> = refused
        .body
        .match_indices(r#"name="kept" value=""#)
        .map(|(i, m)| {
            let rest = &refused.body[i + m.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 2, "{}", refused.body);
    // The photo removed; the PDF goes with the case.
    let mut parts = complaint();
    parts.push(Part::Text("form_token", &token));
    parts.push(Part::Text("kept", &ids[0]));
    parts.push(Part::Text("kept", &ids[1]));
    parts.push(Part::Text("remove", &ids[0]));
    let sent = post_multipart(&app, "/submit", &parts).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let receipt = get(&app, sent.location.as_deref().unwrap(), None).await;
    let number = between(&receipt.body, r#"id="receipt-number">"#, "<").to_owned();
    let stored = app
        .store
        .attachments(number.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].filename, "писмо.pdf");

    // Kept files are deleted by the job after 2 hours; a form that still shows one says so.
    let (token, mut parts) = complaint_with_token(&app).await;
    parts.retain(|p| !matches!(p, Part::Text("consent", _)));
    parts.push(Part::Text("form_token", &token));
    parts.push(Part::File("attachments", "снимка.png", PNG.to_vec()));
    let refused = post_multipart(&app, "/submit", &parts).await;
    let kept = between(&refused.body, r#"name="kept" value=""#, "\"").to_owned();
    app.clock.set("2026-03-02T12:01:00+02:00");
    let cleaned = priemna_app::jobs::run_form_cleanup(&app.state)
        .await
        .unwrap();
    assert_eq!(cleaned.kept_uploads, 1);
    let mut parts = complaint();
    parts.push(Part::Text("form_token", &token));
    parts.push(Part::Text("kept", &kept));
    let told = post_multipart(&app, "/submit", &parts).await;
    assert_eq!(told.status, 422);
    assert!(told.body.contains("изтрити"), "{}", told.body);
    assert_eq!(app.count().await, 1);
}

#[tokio::test]
async fn a_reloaded_booking_or_rating_is_made_once() {
    let app = spawn_app_at(NOW).await;
    // Nothing chosen: an error, not a silent reload.
    let nothing = get(&app, "/reception?day=", None).await;
    assert!(
        nothing.body.contains(r#"id="official-error""#),
        "{}",
        nothing.body
    );
    assert!(nothing.body.contains(r#"id="day-error""#));
    assert!(nothing.body.contains(r#"id="error-summary" autofocus"#));

    let form = get(
        &app,
        &format!("/reception?official=mayor&day={BOOKING_DAY}"),
        None,
    )
    .await;
    let token = form_token(&form.body);
    let fields = [
        ("official", "mayor"),
        ("day", BOOKING_DAY),
        ("slot", "10:00"),
        ("name", "Мария Георгиева"),
        ("phone", "0888 123 456"),
        ("email", "maria@example.bg"),
        ("consent", "on"),
        ("form_token", token.as_str()),
    ];
    let first = post(&app, "/reception", &fields, None).await;
    assert_eq!(first.status, 303, "{}", first.body);
    let again = post(&app, "/reception", &fields, None).await;
    assert_eq!(again.status, 303, "not 409: the same booking");
    assert_eq!(again.location, first.location);
    let location = first.location.unwrap();
    let day = BOOKING_DAY.parse().unwrap();
    let list = app
        .store
        .bookings_on(day, "test", app.clock.now())
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(queued_messages(&app).await.len(), 1, "one confirmation");
    let confirmation = get(&app, &location, None).await;
    let code = between(&confirmation.body, r#"id="booking-code">"#, "<").to_owned();
    assert_eq!(code.len(), 14);
    let reloaded = get(&app, &location, None).await;
    assert!(reloaded.body.contains(&code));
    assert!(!location.contains(&code));

    // A rating sent twice (a reload of its answer) is recorded once, as first sent.
    let (number, code, _) = submit_complaint(&app, Vec::new()).await;
    let department = app.add_department("Административно обслужване").await;
    app.add_staff("kmet", "mayors_office", None, false).await;
    app.act_as(
        "kmet",
        &number,
        json!({"action": "assign", "department_id": department}),
    )
    .await;
    app.act_as(
        "kmet",
        &number,
        json!({"action": "answer", "text": "Готово."}),
    )
    .await;
    let case = post(
        &app,
        "/track",
        &[("number", &number), ("code", &code)],
        None,
    )
    .await;
    let token = form_token(&case.body);
    let rate = |rating: &'static str| {
        [
            ("number", number.clone()),
            ("code", code.clone()),
            ("rating", rating.to_owned()),
            ("form_token", token.clone()),
        ]
    };
    let first = client()
        .post(app.url("/track/survey"))
        .form(&rate("5"))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 303);
    let second = client()
        .post(app.url("/track/survey"))
        .form(&rate("2"))
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 303);
    assert_eq!(first.headers()["location"], second.headers()["location"]);
    let location = first.headers()["location"].to_str().unwrap().to_owned();
    let thanks = get(&app, &location, None).await;
    assert!(
        thanks.body.contains("Оценката Ви е записана"),
        "{}",
        thanks.body
    );
    let survey = app
        .store
        .survey(number.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(survey.rating, 5);
}

#[tokio::test]
async fn limits_are_said_and_a_long_title_is_named_as_the_title() {
    let app = spawn_app_at(NOW).await;
    let form = get(&app, "/submit", None).await;
    assert!(form.body.contains("До 20\u{a0}000 знака."), "{}", form.body);
    let long = "д".repeat(201);
    let mut parts = complaint();
    parts.retain(|p| !matches!(p, Part::Text("subject", _)));
    parts.push(Part::Text("subject", &long));
    let page = post_multipart(&app, "/submit", &parts).await;
    assert_eq!(page.status, 422);
    let error = between(&page.body, r#"id="subject-error">"#, "</p>");
    assert!(
        error.contains("Заглавието е по-дълго от 200 знака"),
        "{error}"
    );
    assert!(!page.body.contains(r#"id="body-error""#));
    assert_eq!(app.count().await, 0);
}

#[tokio::test]
async fn an_anonymous_signal_receipt_says_first_that_it_will_not_be_considered_and_why() {
    let app = spawn_app_at("2026-03-02T10:00:00+02:00").await;
    let parts = vec![
        Part::Text("kind", "signal"),
        Part::Text("subject", "Шум нощем"),
        Part::Text("body", "Заведението на ъгъла пуска музика до 3 ч."),
        Part::Text("identity", "anonymous"),
        Part::Text("consent", "on"),
    ];
    let page = post_multipart(&app, "/submit", &parts).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let receipt = get(&app, &page.location.unwrap(), None).await;
    assert_eq!(receipt.status, 200);
    let body = &receipt.body;
    // The warning comes before the receipt itself, with the rule's reason and what to do.
    let warning = body
        .find(r#"id="receipt-not-considered""#)
        .expect("the warning");
    assert!(warning < body.find(r#"id="receipt-number""#).unwrap());
    let text = between(body, r#"id="receipt-not-considered">"#, "</div>");
    assert!(text.contains("няма да бъде разгледано"), "{text}");
    assert!(text.contains("чл. 111, ал. 4 АПК"), "{text}");
    assert!(text.contains("с името си"), "{text}");
    assert!(!body.contains("Подаването е регистрирано"));
    assert!(
        between(body, r#"id="receipt-due">"#, "</dd>").contains("не се разглежда"),
        "{body}"
    );

    // Marked as a threat to health or safety: considered, and the clerk will check the threat.
    let mut parts = parts;
    parts.push(Part::Text("threat", "on"));
    let page = post_multipart(&app, "/submit", &parts).await;
    let receipt = get(&app, &page.location.unwrap(), None).await;
    assert!(!receipt.body.contains("receipt-not-considered"));
    assert!(receipt.body.contains("Подаването е регистрирано"));
    assert!(
        receipt
            .body
            .contains("Служител ще провери дали заплахата е реална.")
    );
    assert!(
        receipt
            .body
            .contains("ще се вижда при проследяването с кода")
    );
    assert!(!receipt.body.contains("(чл. 123, ал. 1 АПК))"));
}

#[tokio::test]
async fn every_page_has_an_icon_and_the_home_page_says_its_name_once() {
    let app = spawn_app_at("2026-03-02T10:00:00+02:00").await;
    let home = get(&app, "/", None).await;
    assert!(
        home.body
            .contains("<title>Приемна на Община Хасково</title>"),
        "{}",
        between(&home.body, "<title>", "</title>")
    );
    let track = get(&app, "/track", None).await;
    assert!(track.body.contains(" — Приемна на Община Хасково</title>"));
    for page in [&home, &track] {
        assert!(
            page.body
                .contains(r#"<link rel="icon" href="/assets/icon.svg""#)
        );
    }
    // Browsers ask for /favicon.ico whatever the page says: it is there, not a 404.
    for path in ["/favicon.ico", "/assets/icon.svg"] {
        let icon = get(&app, path, None).await;
        assert_eq!(icon.status, 200, "{path}");
        assert_eq!(icon.content_type, "image/svg+xml");
        assert!(icon.body.starts_with("<svg"));
    }
}
