//! Answer letters that read as one letter: the officer's own greeting and "С уважение" are not
//! doubled, the official an administrator set signs for the municipality with the officer as
//! "Изготвил", a preview changes nothing, and the letters open from the case page. Driven over
//! HTTP like a browser without JavaScript; PDFs read back with `pdftotext` (poppler-utils).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

use helpers::{PASSWORD, TestApp, named, spawn_app_at};
use serde_json::{Value, json};

const NOW: &str = "2026-03-02T10:00:00+02:00";

/// A browser: one session cookie, no redirects followed.
struct Browser {
    client: reqwest::Client,
    base: String,
    cookie: String,
}

struct Page {
    status: u16,
    content_type: String,
    bytes: Vec<u8>,
}

impl Page {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

impl Browser {
    async fn sign_in(app: &TestApp, username: &str) -> Browser {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let response = client
            .post(format!("{}/staff/login", app.address))
            .form(&[("username", username), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "sign-in of {username}");
        let cookie = response
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap())
            .find(|c| c.starts_with("priemna_session="))
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        Browser {
            client,
            base: app.address.clone(),
            cookie,
        }
    }

    async fn read(response: reqwest::Response) -> Page {
        let header = |name| {
            response
                .headers()
                .get(name)
                .map(|v: &reqwest::header::HeaderValue| v.to_str().unwrap().to_owned())
        };
        let content_type = header(reqwest::header::CONTENT_TYPE).unwrap_or_default();
        Page {
            status: response.status().as_u16(),
            content_type,
            bytes: response.bytes().await.unwrap().to_vec(),
        }
    }

    async fn get(&self, path: &str) -> Page {
        let request = self.client.get(format!("{}{path}", self.base));
        Browser::read(
            request
                .header(reqwest::header::COOKIE, &self.cookie)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        let request = self.client.post(format!("{}{path}", self.base)).form(form);
        Browser::read(
            request
                .header(reqwest::header::COOKIE, &self.cookie)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    async fn csrf(&self, path: &str) -> String {
        let page = self.get(path).await;
        assert_eq!(page.status, 200, "{}", page.text());
        let body = page.text();
        let marker = r#"name="csrf_token" value=""#;
        let start = body.find(marker).expect("a CSRF field") + marker.len();
        let end = body[start..].find('"').unwrap();
        body[start..start + end].to_owned()
    }
}

/// The text of a PDF, by `pdftotext`, whitespace squashed.
fn pdf_text(pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("letter.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (Debian's poppler-utils) is installed by scripts/test-all");
    assert!(output.status.success());
    String::from_utf8(output.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A complaint from a named citizen, assigned to the officer and in work: its number.
async fn case_in_work(app: &TestApp) -> String {
    let roads = app.add_department("Пътища и благоустройство").await;
    app.add_staff("clerk", "registry_clerk", None, false).await;
    let officer = app
        .add_staff("officer", "case_officer", Some(roads), false)
        .await;
    app.add_staff("admin", "administrator", None, false).await;
    app.add_staff("auditor", "auditor", None, false).await;
    let (number, _) = app
        .registered(json!({"kind": "complaint", "channel": "web",
            "subject": "Неработещо улично осветление",
            "body": "На ул. „Шипка“ не свети от седмица.", "consent": true, "submitter": named()}))
        .await;
    let clerk = app.login("clerk").await;
    let (s, c) = clerk.act(&number, json!({"action": "triage"})).await;
    assert_eq!(s, 200, "{c}");
    let (s, c) = clerk
        .act(
            &number,
            json!({"action": "assign", "department_id": roads, "assignee_id": officer}),
        )
        .await;
    assert_eq!(s, 200, "{c}");
    app.act_as("officer", &number, json!({"action": "start_work"}))
        .await;
    number
}

/// The administrator sets a Deputy Mayor who signs "за кмет".
async fn set_signatory(app: &TestApp) {
    let admin = Browser::sign_in(app, "admin").await;
    let csrf = admin.csrf("/staff/admin").await;
    // Refused without a name: the error next to the field, the form kept, nothing saved.
    let refused = admin
        .post(
            "/staff/admin/signatory",
            &[
                ("csrf_token", &csrf),
                ("name", " "),
                ("position", "Заместник-кмет"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text());
    assert!(refused.text().contains("Заместник-кмет"));
    assert!(app.store.letter_signatory().await.unwrap().is_none());
    let saved = admin
        .post(
            "/staff/admin/signatory",
            &[
                ("csrf_token", &csrf),
                ("name", "Станимир Петков"),
                ("position", "Заместник-кмет"),
                ("for_mayor", "on"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.text());
    let page = admin.get("/staff/admin").await.text();
    assert!(
        page.contains("Подписващият изходящите писма е записан.")
            || page.contains("Станимир Петков")
    );
    assert!(page.contains(r#"value="Станимир Петков""#), "{page}");
    assert!(page.contains("Записано от Служител admin"), "{page}");
    // Readable through the API by any member of staff.
    let (s, body) = app
        .login("officer")
        .await
        .get("/api/v1/letters/signatory")
        .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["set"], true);
    assert_eq!(body["name"], "Станимир Петков");
    assert_eq!(body["position"], "Заместник-кмет");
    assert_eq!(body["for_mayor"], true);
    // As the OpenAPI document describes it.
    let (_, doc) = app.get("/api/openapi.json").await;
    let schema = &doc["components"]["schemas"]["LetterSignatoryBody"]["properties"];
    for field in body.as_object().unwrap().keys() {
        assert!(schema[field].is_object(), "{field} is not in {schema}");
    }
    assert!(doc["paths"]["/api/v1/letters/signatory"]["get"].is_object());
    // Journalled, with what was set.
    let journal = app.store.journal(0, 1000).await.unwrap();
    let entry = journal
        .iter()
        .find(|e| e.action == "set_letter_signatory")
        .expect("the change of signatory is journalled");
    assert!(
        entry.details.contains("Станимир Петков"),
        "{}",
        entry.details
    );
}

const OWN_LETTER: &str = "Уважаеми господин Петров,\n\n\
    Във връзка с Вашата жалба Ви уведомяваме, че уличното осветление на ул. „Шипка“ е \
    възстановено на 27.02.2026 г.\n\n\
    С уважение,";

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[tokio::test]
async fn an_answer_with_its_own_greeting_and_sign_off_has_each_once_signed_by_the_set_official() {
    let app = spawn_app_at(NOW).await;
    let number = case_in_work(&app).await;
    set_signatory(&app).await;
    let officer = Browser::sign_in(&app, "officer").await;
    let case_path = format!("/staff/cases/{number}");
    let page = officer.get(&case_path).await.text();
    assert!(page.contains(">Преглед<"), "{page}");
    assert!(
        page.contains("се добавят автоматично, когато ги няма в текста"),
        "{page}"
    );
    assert!(
        page.contains("Писмото се подписва от Станимир Петков, заместник-кмет (за кмет)"),
        "{page}"
    );
    let csrf = officer.csrf(&case_path).await;

    // The preview, as a page: the letter as it will be sent, and nothing changes.
    let preview = officer
        .post(
            &format!("/staff/cases/{number}/preview"),
            &[
                ("csrf_token", &csrf),
                ("action", "answer"),
                ("text", OWN_LETTER),
                ("format", "html"),
            ],
        )
        .await;
    assert_eq!(preview.status, 200, "{}", preview.text());
    let body = preview.text();
    let letter = &body[body.find("<article").unwrap()..body.find("</article>").unwrap()];
    assert_eq!(count(letter, "Уважаем"), 1, "{letter}");
    assert_eq!(count(letter, "С уважение"), 1, "{letter}");
    assert!(letter.contains("ЗА КМЕТ НА ОБЩИНА ХАСКОВО:"), "{letter}");
    assert!(letter.contains("СТАНИМИР ПЕТКОВ"), "{letter}");
    assert!(letter.contains("Изготвил: Служител officer"), "{letter}");
    assert!(letter.contains("ИВАН ПЕТРОВ"), "{letter}");
    assert!(letter.contains("(проект)"), "{letter}");
    // The form comes back with the text, ready to send.
    assert!(body.contains("възстановено на 27.02.2026 г."), "{body}");
    assert!(body.contains("Изпрати отговора"), "{body}");

    // The preview as PDF.
    let pdf = officer
        .post(
            &format!("/staff/cases/{number}/preview"),
            &[
                ("csrf_token", &csrf),
                ("text", OWN_LETTER),
                ("format", "pdf"),
            ],
        )
        .await;
    assert_eq!(pdf.status, 200, "{}", pdf.text());
    assert_eq!(pdf.content_type, "application/pdf");
    let text = pdf_text(&pdf.bytes);
    assert_eq!(count(&text, "С уважение"), 1, "{text}");
    assert!(text.contains("(проект)"), "{text}");

    // An empty preview: the error next to the field, nothing else.
    let empty = officer
        .post(
            &format!("/staff/cases/{number}/preview"),
            &[("csrf_token", &csrf), ("text", "  "), ("format", "html")],
        )
        .await;
    assert_eq!(empty.status, 422, "{}", empty.text());

    // Nothing changed: the status, no letter kept, no e-mail queued, no history event.
    let api = app.login("officer").await;
    let (_, case) = api.get(&format!("/api/v1/cases/{number}")).await;
    assert_eq!(case["status"], "in_progress", "{case}");
    let history = case["history"].as_array().unwrap().len();
    let (_, docs) = api.get(&format!("/api/v1/cases/{number}/documents")).await;
    assert_eq!(docs["documents"], json!([]), "{docs}");
    let outbox_before = outbox_count(&app).await;

    // Sent.
    let sent = officer
        .post(
            &format!("/staff/cases/{number}/act"),
            &[
                ("csrf_token", &csrf),
                ("action", "answer"),
                ("text", OWN_LETTER),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.text());
    let (_, case) = api.get(&format!("/api/v1/cases/{number}")).await;
    assert_eq!(case["status"], "answered", "{case}");
    assert_eq!(case["history"].as_array().unwrap().len(), history + 1);
    assert!(outbox_count(&app).await > outbox_before);

    // The stored PDF reads as one letter.
    let (_, docs) = api.get(&format!("/api/v1/cases/{number}/documents")).await;
    let docs = docs["documents"].as_array().unwrap().clone();
    assert_eq!(docs.len(), 1, "{docs:?}");
    let url = docs[0]["url"].as_str().unwrap().to_owned();
    let stored = officer.get(&url).await;
    assert_eq!(stored.content_type, "application/pdf");
    let text = pdf_text(&stored.bytes);
    assert_eq!(count(&text, "Уважаем"), 1, "{text}");
    assert_eq!(count(&text, "Уважаеми господин Петров,"), 1, "{text}");
    assert_eq!(count(&text, "С уважение"), 1, "{text}");
    assert!(!text.contains("/а"), "{text}");
    assert!(text.contains("ЗА КМЕТ НА ОБЩИНА ХАСКОВО:"), "{text}");
    assert!(text.contains("СТАНИМИР ПЕТКОВ Заместник-кмет"), "{text}");
    assert!(text.contains("Изготвил: Служител officer"), "{text}");
    assert!(
        !text.contains("СЛУЖИТЕЛ OFFICER"),
        "the officer does not sign: {text}"
    );

    // The citizen's history names the signatory.
    let note = case["history"].as_array().unwrap().last().unwrap()["note"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let notes = case["history"].to_string();
    assert!(
        notes.contains("подписан от Станимир Петков, заместник-кмет"),
        "{note} {notes}"
    );

    // The letter opens from the case page for the officer; the auditor sees it without a link.
    let page = officer.get(&case_path).await.text();
    assert!(page.contains("Писма и документи"), "{page}");
    assert!(page.contains(&format!(r#"href="{url}""#)), "{page}");
    let auditor = Browser::sign_in(&app, "auditor").await;
    let page = auditor.get(&case_path).await.text();
    assert!(page.contains("Писмен отговор"), "{page}");
    assert!(!page.contains(&url), "{page}");
    assert!(page.contains("нямате право да ги отваряте"), "{page}");
    assert_eq!(auditor.get(&url).await.status, 403);
    // Nor may the auditor preview an answer.
    let csrf = auditor.csrf(&case_path).await;
    let refused = auditor
        .post(
            &format!("/staff/cases/{number}/preview"),
            &[
                ("csrf_token", &csrf),
                ("text", OWN_LETTER),
                ("format", "pdf"),
            ],
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.text());
    assert!(refused.content_type.starts_with("text/html"));
}

async fn outbox_count(app: &TestApp) -> usize {
    let auditor = app.login("auditor").await;
    let (s, outbox) = auditor.get("/api/v1/outbox").await;
    assert_eq!(s, 200, "{outbox}");
    outbox["messages"].as_array().map(Vec::len).unwrap_or(0)
}

#[tokio::test]
async fn a_plain_body_gets_one_greeting_and_one_sign_off_and_the_officer_signs_until_one_is_set() {
    let app = spawn_app_at(NOW).await;
    let number = case_in_work(&app).await;
    let (_, body) = app
        .login("officer")
        .await
        .get("/api/v1/letters/signatory")
        .await;
    assert_eq!(body["set"], false, "{body}");
    let officer = Browser::sign_in(&app, "officer").await;
    let case_path = format!("/staff/cases/{number}");
    let page = officer.get(&case_path).await.text();
    assert!(page.contains("администраторът още не е задал"), "{page}");
    let csrf = officer.csrf(&case_path).await;
    let body = "Уличното осветление на ул. „Шипка“ е възстановено на 27.02.2026 г.";
    let sent = officer
        .post(
            &format!("/staff/cases/{number}/act"),
            &[("csrf_token", &csrf), ("action", "answer"), ("text", body)],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.text());
    let api = app.login("officer").await;
    let (_, docs) = api.get(&format!("/api/v1/cases/{number}/documents")).await;
    let url = docs["documents"][0]["url"].as_str().unwrap().to_owned();
    let text = pdf_text(&officer.get(&url).await.bytes);
    // "Иван Петров": a man's family name, so the formal address.
    assert_eq!(count(&text, "Уважаеми господин Петров,"), 1, "{text}");
    assert_eq!(count(&text, "Уважаем"), 1, "{text}");
    assert_eq!(count(&text, "С уважение,"), 1, "{text}");
    assert!(text.contains("СЛУЖИТЕЛ OFFICER"), "{text}");
    assert!(!text.contains("Изготвил"), "{text}");
}

#[tokio::test]
async fn the_delay_note_says_the_reason_once_with_one_full_stop_and_dates_in_words() {
    let app = spawn_app_at(NOW).await;
    let number = case_in_work(&app).await;
    let api = app.login("officer").await;
    let (s, c) = api
        .act(
            &number,
            json!({"action": "require_inspection", "new_due": "2026-05-15",
                   "reason": "Необходима е проверка на място от отдел „Контрол“, гише 3."}),
        )
        .await;
    assert_eq!(s, 200, "{c}");
    let (_, case) = api.get(&format!("/api/v1/cases/{number}")).await;
    let last: &Value = case["history"].as_array().unwrap().last().unwrap();
    let bg = last["note"].as_str().unwrap();
    let en = last["note_en"].as_str().unwrap();
    assert_eq!(
        bg,
        "Срокът за отговор е удължен. Причина: Необходима е проверка на място от отдел \
         „Контрол“, гише 3. Новият краен срок за отговор е 15.05.2026 г."
    );
    assert_eq!(count(bg, "Необходима е проверка"), 1);
    assert!(!bg.contains(".."), "{bg}");
    assert!(
        en.ends_with("The new final date for the answer is 15 May 2026."),
        "{en}"
    );
    assert!(!en.contains("2026-05-15") && !en.contains(".."), "{en}");

    // The notice's PDF says it once too, with one full stop.
    let (_, docs) = api.get(&format!("/api/v1/cases/{number}/documents")).await;
    let url = docs["documents"][0]["url"].as_str().unwrap().to_owned();
    let pdf = app
        .client
        .get(app.url(&url))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let text = pdf_text(&pdf);
    assert_eq!(count(&text, "Необходима е проверка"), 1, "{text}");
    assert!(!text.contains(".."), "{text}");
    assert!(
        text.contains("Причина: Необходима е проверка на място от отдел „Контрол“, гише 3."),
        "{text}"
    );
}
