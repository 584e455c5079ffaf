//! The HTML back office, driven over HTTP like a browser without JavaScript: forms posted as
//! `application/x-www-form-urlencoded`, the session cookie carried by hand, redirects not
//! followed (so each 303 can be checked).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

use helpers::{PASSWORD, TestApp, assert_stacked_tables, named, spawn_app_at};
use serde_json::json;

const NOW: &str = "2026-03-02T10:00:00+02:00";

/// A response as the tests look at it.
struct Page {
    status: u16,
    location: Option<String>,
    content_type: String,
    set_cookies: Vec<String>,
    body: String,
}

impl Page {
    /// A form sent back with the user's errors: 422, still a page.
    #[track_caller]
    fn assert_form_errors(&self) {
        assert_eq!(self.status, 422, "{}", self.body);
        assert!(
            self.content_type.starts_with("text/html"),
            "{}",
            self.content_type
        );
    }

    fn assert_redirect(&self, to: &str) {
        assert_eq!(
            self.status, 303,
            "expected a redirect to {to}: {}",
            self.body
        );
        assert_eq!(self.location.as_deref(), Some(to));
    }

    #[track_caller]
    fn assert_ok(&self) {
        assert_eq!(self.status, 200, "{}", self.body);
        assert!(
            self.content_type.starts_with("text/html"),
            "{}",
            self.content_type
        );
    }
}

/// A browser: one session cookie, no redirects followed.
struct Browser {
    client: reqwest::Client,
    base: String,
    cookie: Option<String>,
}

impl Browser {
    fn new(app: &TestApp) -> Browser {
        Browser {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: app.address.clone(),
            cookie: None,
        }
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

    fn with_cookie(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.cookie {
            Some(cookie) => request.header(reqwest::header::COOKIE, cookie),
            None => request,
        }
    }

    async fn get(&self, path: &str) -> Page {
        let request = self.client.get(format!("{}{path}", self.base));
        Browser::read(self.with_cookie(request).send().await.unwrap()).await
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> Page {
        let request = self.client.post(format!("{}{path}", self.base)).form(form);
        Browser::read(self.with_cookie(request).send().await.unwrap()).await
    }

    /// Signs in through the login form and keeps the session cookie it sets.
    async fn sign_in_with(&mut self, username: &str, password: &str) -> Page {
        let page = self
            .post(
                "/staff/login",
                &[("username", username), ("password", password)],
            )
            .await;
        if let Some(cookie) = page
            .set_cookies
            .iter()
            .find(|c| c.starts_with("priemna_session="))
        {
            self.cookie = Some(cookie.split(';').next().unwrap().to_owned());
        }
        page
    }

    async fn sign_in(app: &TestApp, username: &str) -> Browser {
        let mut browser = Browser::new(app);
        let page = browser.sign_in_with(username, PASSWORD).await;
        assert_eq!(page.status, 303, "sign-in of {username}: {}", page.body);
        browser
    }

    /// The CSRF token of the session, as the pages put it in every form.
    async fn csrf(&self, path: &str) -> String {
        let page = self.get(path).await;
        page.assert_ok();
        csrf_in(&page.body)
    }
}

fn csrf_in(body: &str) -> String {
    let marker = r#"name="csrf_token" value=""#;
    let start = body.find(marker).expect("a CSRF field") + marker.len();
    let end = body[start..].find('"').unwrap();
    body[start..start + end].to_owned()
}

/// Submits a named signal through the public API: (number, tracking code).
async fn submit(app: &TestApp, subject: &str) -> (String, String) {
    let (status, receipt) = app
        .submit(json!({
            "kind": "signal",
            "channel": "web",
            "subject": subject,
            "body": "Моля, разгледайте въпроса за осветлението на ул. „Шипка“.",
            "consent": true, "submitter": named(),
        }))
        .await;
    assert_eq!(status, 201, "{receipt}");
    (
        receipt["number"].as_str().unwrap().to_owned(),
        receipt["tracking_code"].as_str().unwrap().to_owned(),
    )
}

async fn citizen_status(app: &TestApp, number: &str, code: &str) -> String {
    let (status, case) = app.track(number, Some(code)).await;
    assert_eq!(status, 200, "{case}");
    case["status"].as_str().unwrap().to_owned()
}

/// A department with a clerk, an officer in it, an administrator and an auditor.
struct Office {
    department: i64,
    officer: i64,
}

async fn office(app: &TestApp) -> Office {
    let department = app.add_department("Благоустройство").await;
    app.add_staff("clerk", "registry_clerk", None, false).await;
    let officer = app
        .add_staff("officer", "case_officer", Some(department), false)
        .await;
    app.add_staff("admin", "administrator", None, false).await;
    app.add_staff("auditor", "auditor", None, false).await;
    Office {
        department,
        officer,
    }
}

/// Assigns the case to the officer through the JSON API (as a clerk).
async fn assign_by_api(app: &TestApp, office: &Office, number: &str) {
    let clerk = app.login("clerk").await;
    let (status, body) = clerk
        .act(
            number,
            json!({"action": "assign", "department_id": office.department,
                   "assignee_id": office.officer}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn the_login_page_renders_and_a_wrong_password_is_refused_in_bulgarian() {
    let app = spawn_app_at(NOW).await;
    office(&app).await;
    let mut browser = Browser::new(&app);

    let page = browser.get("/staff/login").await;
    page.assert_ok();
    for needle in [
        r#"<html lang="bg">"#,
        r#"name="viewport""#,
        r##"href="#main""##,
        r#"href="/staff/assets/style.css""#,
        r#"<label for="username">"#,
        r#"<label for="password">"#,
        "Вход за служители",
    ] {
        assert!(page.body.contains(needle), "{needle} in {}", page.body);
    }

    let css = browser.get("/staff/assets/style.css").await;
    assert_eq!(css.status, 200);
    assert!(
        css.content_type.starts_with("text/css"),
        "{}",
        css.content_type
    );
    assert!(css.body.contains(":focus-visible"));

    // Signed out, the pages send the browser to the sign-in form.
    browser.get("/staff").await.assert_redirect("/staff/login");
    browser
        .get("/staff/cases/2026-000001")
        .await
        .assert_redirect("/staff/login");

    let page = browser.sign_in_with("clerk", "not the password").await;
    page.assert_form_errors();
    assert!(page.body.contains("Грешно потребителско име или парола."));
    assert!(page.body.contains(r#"aria-invalid="true""#));
    assert!(page.body.contains(r#"aria-describedby="login-error""#));
    assert!(
        page.body.contains(r#"value="clerk""#),
        "the username is kept"
    );
    assert!(
        !page.body.contains("not the password"),
        "the password is not echoed"
    );
    assert!(page.set_cookies.is_empty());
    assert!(browser.cookie.is_none());

    let page = browser.sign_in_with("clerk", PASSWORD).await;
    page.assert_redirect("/staff");
    let cookie = page
        .set_cookies
        .iter()
        .find(|c| c.starts_with("priemna_session="))
        .unwrap();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");

    let inbox = browser.get("/staff").await;
    inbox.assert_ok();
    assert!(
        inbox.body.contains("Служител clerk"),
        "the user's name in the header"
    );
    assert!(inbox.body.contains("деловодител"), "and their role");

    // Signing out needs the form's token, then ends the session.
    let refused = browser.post("/staff/logout", &[]).await;
    assert_eq!(refused.status, 403);
    browser.get("/staff").await.assert_ok();
    let csrf = browser.csrf("/staff").await;
    browser
        .post("/staff/logout", &[("csrf_token", &csrf)])
        .await
        .assert_redirect("/staff/login?done=logout");
    browser.get("/staff").await.assert_redirect("/staff/login");
}

#[tokio::test]
async fn a_refused_sign_in_says_when_to_try_again_and_reads_alike_for_unknown_names() {
    let app = spawn_app_at(NOW).await;
    office(&app).await;
    let mut browser = Browser::new(&app);
    let mut pages = Vec::new();
    for _ in 0..5 {
        pages.push(browser.sign_in_with("clerk", "wrong password").await);
    }
    pages[3].assert_form_errors();
    assert!(
        pages[3]
            .body
            .contains("Грешно потребителско име или парола."),
        "{}",
        pages[3].body
    );
    // The fifth wrong password from this browser's address refuses it for a minute, even with
    // the right password: the page says until when, and keeps the form.
    let refused = browser.sign_in_with("clerk", PASSWORD).await;
    for page in [&pages[4], &refused] {
        assert_eq!(page.status, 429, "{}", page.body);
        assert!(page.content_type.starts_with("text/html"));
        assert!(
            page.body.contains("Опитайте отново след 10:01 ч."),
            "{}",
            page.body
        );
        assert!(page.body.contains("<form"), "{}", page.body);
    }
    assert!(browser.cookie.is_none());
    // A name that is no account reads the same after as many tries.
    let mut unknown = None;
    for _ in 0..6 {
        unknown = Some(browser.sign_in_with("nosuch", "wrong password").await);
    }
    let unknown = unknown.unwrap();
    assert_eq!(unknown.status, refused.status);
    assert_eq!(
        unknown.body.replace("value=\"nosuch\"", "value=\"?\""),
        refused.body.replace("value=\"clerk\"", "value=\"?\"")
    );
}

#[tokio::test]
async fn the_inbox_lists_a_submitted_case_and_each_role_sees_only_its_forms() {
    let app = spawn_app_at(NOW).await;
    let office = office(&app).await;
    let (number, _) = submit(&app, "Нефункциониращо улично осветление").await;

    let clerk = Browser::sign_in(&app, "clerk").await;
    let inbox = clerk.get("/staff").await;
    inbox.assert_ok();
    assert!(inbox.body.contains(&number), "{}", inbox.body);
    assert!(inbox.body.contains("Нефункциониращо улично осветление"));
    assert!(inbox.body.contains(r#"<th scope="col">"#));
    assert!(
        inbox
            .body
            .contains(&format!(r#"href="/staff/cases/{number}""#))
    );

    // The registry clerk triages and routes; they neither answer nor close.
    let case = clerk.get(&format!("/staff/cases/{number}")).await;
    case.assert_ok();
    assert!(case.body.contains("Нефункциониращо улично осветление"));
    assert!(case.body.contains("регистрирано"));
    for form in [
        "triage",
        "assign",
        "leave_unanswered",
        "forward",
        "declare_conflict",
    ] {
        assert!(
            case.body.contains(&format!(r#"id="action-{form}""#)),
            "{form} form for the clerk"
        );
    }
    for form in [
        "answer",
        "close",
        "start_work",
        "reopen",
        "require_inspection",
    ] {
        assert!(
            !case.body.contains(&format!(r#"id="action-{form}""#)),
            "no {form} form for the clerk"
        );
    }
    assert!(case.body.contains("Покажи личните данни"));
    assert!(
        !case.body.contains("Иван Петров"),
        "personal data only on request"
    );

    // Reading the personal data is a page of its own, and journalled.
    let data = clerk
        .get(&format!("/staff/cases/{number}/personal-data"))
        .await;
    data.assert_ok();
    assert!(data.body.contains("Иван Петров"));
    let journal = app.store.journal(0, 1000).await.unwrap();
    assert!(
        journal
            .iter()
            .any(|e| e.actor.contains("clerk") && e.action.contains("personal")),
        "{journal:?}"
    );

    // The officer cannot open a case not assigned to them.
    let officer = Browser::sign_in(&app, "officer").await;
    let refused = officer.get(&format!("/staff/cases/{number}")).await;
    assert_eq!(refused.status, 403);
    assert!(!officer.get("/staff").await.body.contains(&number));

    assign_by_api(&app, &office, &number).await;
    let inbox = officer.get("/staff").await;
    assert!(
        inbox.body.contains(&number),
        "assigned cases in the officer's inbox"
    );
    let case = officer.get(&format!("/staff/cases/{number}")).await;
    case.assert_ok();
    for form in [
        "answer",
        "start_work",
        "require_inspection",
        "declare_conflict",
    ] {
        assert!(
            case.body.contains(&format!(r#"id="action-{form}""#)),
            "{form} form for the officer"
        );
    }
    for form in ["triage", "assign", "close", "forward", "leave_unanswered"] {
        assert!(
            !case.body.contains(&format!(r#"id="action-{form}""#)),
            "no {form} form for the officer"
        );
    }

    // The administrator sees no case contents.
    let admin = Browser::sign_in(&app, "admin").await;
    admin.get("/staff").await.assert_redirect("/staff/admin");
    let refused = admin.get(&format!("/staff/cases/{number}")).await;
    assert_eq!(refused.status, 403);

    // The auditor reads, but has no forms at all.
    let auditor = Browser::sign_in(&app, "auditor").await;
    let case = auditor.get(&format!("/staff/cases/{number}")).await;
    case.assert_ok();
    assert!(!case.body.contains(r#"id="action-"#));
    assert!(!case.body.contains("Покажи личните данни"));
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused_and_changes_nothing() {
    let app = spawn_app_at(NOW).await;
    let office = office(&app).await;
    let (number, code) = submit(&app, "Дупка на тротоара").await;
    let clerk = Browser::sign_in(&app, "clerk").await;
    let journal_before = app.store.journal(0, 1000).await.unwrap().len();

    let path = format!("/staff/cases/{number}/act");
    let department = office.department.to_string();
    let page = clerk
        .post(
            &path,
            &[("action", "assign"), ("department_id", &department)],
        )
        .await;
    assert_eq!(page.status, 403);
    let page = clerk
        .post(
            &path,
            &[
                ("action", "assign"),
                ("department_id", &department),
                ("csrf_token", "forged"),
            ],
        )
        .await;
    assert_eq!(page.status, 403);
    let page = clerk
        .post(
            &format!("/staff/cases/{number}/conflict"),
            &[("reason", "роднина")],
        )
        .await;
    assert_eq!(page.status, 403);

    assert_eq!(citizen_status(&app, &number, &code).await, "registered");
    let case = app
        .store
        .case_by_number(number.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(case.department_id, None);
    assert!(case.conflicted_user_ids.is_empty());
    assert_eq!(
        app.store.journal(0, 1000).await.unwrap().len(),
        journal_before
    );
}

#[tokio::test]
async fn the_clerk_triages_and_assigns_and_the_officer_answers_through_the_forms() {
    let app = spawn_app_at(NOW).await;
    let office = office(&app).await;
    let (number, code) = submit(&app, "Счупена пейка в парка").await;
    let case_path = format!("/staff/cases/{number}");
    let act = format!("{case_path}/act");

    let clerk = Browser::sign_in(&app, "clerk").await;
    let csrf = clerk.csrf(&case_path).await;
    clerk
        .post(
            &act,
            &[
                ("csrf_token", &csrf),
                ("action", "triage"),
                ("considered", "true"),
                ("reason", ""),
                ("subject_employee_id", ""),
            ],
        )
        .await
        .assert_redirect(&format!("{case_path}?done=triage"));
    let page = clerk.get(&format!("{case_path}?done=triage")).await;
    page.assert_ok();
    assert!(page.body.contains("Извършено: първоначална преценка."));
    assert!(page.body.contains(r#"id="action-assign""#));
    assert!(!page.body.contains(r#"id="action-triage""#), "triaged once");

    let department = office.department.to_string();
    let officer_id = office.officer.to_string();
    // The assignee list offers the officer of the department.
    assert!(
        page.body
            .contains(&format!(r#"<option value="{officer_id}">"#))
    );
    clerk
        .post(
            &act,
            &[
                ("csrf_token", &csrf),
                ("action", "assign"),
                ("department_id", &department),
                ("assignee_id", &officer_id),
            ],
        )
        .await
        .assert_redirect(&format!("{case_path}?done=assign"));
    assert_eq!(citizen_status(&app, &number, &code).await, "assigned");

    let officer = Browser::sign_in(&app, "officer").await;
    let inbox = officer.get("/staff").await;
    assert!(inbox.body.contains("Счупена пейка в парка"));
    let csrf = officer.csrf(&case_path).await;
    officer
        .post(
            &act,
            &[
                ("csrf_token", &csrf),
                ("action", "answer"),
                (
                    "text",
                    "Пейката ще бъде подменена до края на месеца. Благодарим за сигнала.",
                ),
            ],
        )
        .await
        .assert_redirect(&format!("{case_path}?done=answer"));

    assert_eq!(citizen_status(&app, &number, &code).await, "answered");
    let page = officer.get(&case_path).await;
    page.assert_ok();
    assert!(page.body.contains("Пейката ще бъде подменена"));
    assert!(page.body.contains("отговорено"));
}

#[tokio::test]
async fn an_inspection_without_a_reason_is_shown_next_to_the_field() {
    let app = spawn_app_at(NOW).await;
    let office = office(&app).await;
    let (number, code) = submit(&app, "Замърсяване на реката").await;
    assign_by_api(&app, &office, &number).await;
    let case_path = format!("/staff/cases/{number}");

    let officer = Browser::sign_in(&app, "officer").await;
    let csrf = officer.csrf(&case_path).await;
    let page = officer
        .post(
            &format!("{case_path}/act"),
            &[
                ("csrf_token", &csrf),
                ("action", "require_inspection"),
                ("new_due", "2026-04-15"),
                ("reason", "  "),
            ],
        )
        .await;
    page.assert_form_errors();
    let body = &page.body;
    // The summary at the top links to the form; the message sits by the reason field, which
    // points at it and is marked invalid.
    assert!(
        body.contains(r##"href="#action-require_inspection""##),
        "{body}"
    );
    assert!(body.contains(r#"<p class="error" id="require_inspection-reason-error">"#));
    assert!(body.contains("Полето е задължително"));
    let textarea = body
        .split("<textarea")
        .find(|t| t.contains(r#"id="require_inspection-reason""#))
        .unwrap();
    assert!(textarea.contains(r#"aria-invalid="true""#), "{textarea}");
    assert!(
        textarea.contains("require_inspection-reason-error"),
        "{textarea}"
    );
    // What was typed is kept; the other forms carry no error.
    assert!(body.contains(r#"value="2026-04-15""#));
    assert!(!body.contains(r#"id="answer-text-error""#));

    assert_eq!(citizen_status(&app, &number, &code).await, "assigned");
}

#[tokio::test]
async fn the_administrator_adds_a_user_through_the_form() {
    let app = spawn_app_at(NOW).await;
    let office = office(&app).await;
    let admin = Browser::sign_in(&app, "admin").await;
    let page = admin.get("/staff/admin").await;
    page.assert_ok();
    assert!(page.body.contains("Нов служител"));
    assert!(page.body.contains("Благоустройство"));
    assert!(
        !page.body.contains(r#"href="/staff">Входящи"#),
        "no inbox for admins"
    );
    let csrf = csrf_in(&page.body);
    let department = office.department.to_string();

    // A password too short is shown next to its field; nothing is created.
    let page = admin
        .post(
            "/staff/admin/users",
            &[
                ("csrf_token", &csrf),
                ("username", "m.georgieva"),
                ("display_name", "Мария Георгиева"),
                ("role", "case_officer"),
                ("department_id", &department),
                ("password", "short"),
            ],
        )
        .await;
    page.assert_form_errors();
    assert!(
        page.body.contains(r#"id="new-password-error""#),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(r#"value="m.georgieva""#),
        "the form keeps its values"
    );
    assert!(
        app.store
            .user_by_username("m.georgieva")
            .await
            .unwrap()
            .is_none()
    );

    admin
        .post(
            "/staff/admin/users",
            &[
                ("csrf_token", &csrf),
                ("username", "m.georgieva"),
                ("display_name", "Мария Георгиева"),
                ("role", "case_officer"),
                ("department_id", &department),
                ("corruption_officer", "on"),
                ("password", "дълга и сигурна парола"),
            ],
        )
        .await
        .assert_redirect("/staff/admin?done=user_added_pending");
    let user = app
        .store
        .user_by_username("m.georgieva")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.role.as_str(), "case_officer");
    assert_eq!(
        user.department_id,
        Some(priemna_domain::DepartmentId(office.department))
    );
    // The designation (and the activation) wait for a second administrator.
    assert!(!user.corruption_officer);
    let page = admin.get("/staff/admin?done=user_added_pending").await;
    assert!(page.body.contains("чака одобрение от друг администратор"));
    assert!(page.body.contains("Мария Георгиева"));
    assert!(page.body.contains("Промени, които чакат одобрение"));
    assert!(page.body.contains("определяне за сигнали за корупция"));
    assert!(page.body.contains("чака друг администратор"));

    // Not yet: a case officer's account waits, inactive, for a second administrator.
    assert!(!user.active);
    Browser::new(&app)
        .sign_in_with("m.georgieva", "дълга и сигурна парола")
        .await
        .assert_form_errors();
    // Once approved (here by the server's operator), the new colleague signs in.
    let change = app.store.staff_changes(true).await.unwrap()[0].id;
    priemna_app::accounts::decide_change(
        &app.state,
        priemna_app::accounts::Changer::Operator("cli:test"),
        change,
        true,
    )
    .await
    .unwrap();
    Browser::new(&app)
        .sign_in_with("m.georgieva", "дълга и сигурна парола")
        .await
        .assert_redirect("/staff");

    // Deactivating through the row's form.
    let path = format!("/staff/admin/users/{}", user.id);
    admin
        .post(
            &path,
            &[
                ("csrf_token", &csrf),
                ("role", "case_officer"),
                ("department_id", &department),
            ],
        )
        .await
        .assert_redirect("/staff/admin?done=user_updated");
    let user = app.store.user_by_id(user.id).await.unwrap().unwrap();
    assert!(!user.active);
    assert!(!user.corruption_officer);

    // A department through its form.
    admin
        .post(
            "/staff/admin/departments",
            &[
                ("csrf_token", &csrf),
                ("name", "Екология"),
                ("head_user_id", ""),
            ],
        )
        .await
        .assert_redirect("/staff/admin?done=department_added");
    assert!(
        app.store
            .departments()
            .await
            .unwrap()
            .iter()
            .any(|d| d.name == "Екология")
    );

    // Only administrators: a clerk with a valid token is refused.
    let clerk = Browser::sign_in(&app, "clerk").await;
    let clerk_csrf = clerk.csrf("/staff").await;
    let page = clerk
        .post(
            "/staff/admin/users",
            &[
                ("csrf_token", &clerk_csrf),
                ("username", "intruder"),
                ("display_name", "Натрапник"),
                ("role", "administrator"),
                ("password", "дълга и сигурна парола"),
            ],
        )
        .await;
    assert_eq!(page.status, 403);
    assert!(
        app.store
            .user_by_username("intruder")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(clerk.get("/staff/admin").await.status, 403);
}

#[tokio::test]
async fn the_auditor_sees_the_journal_and_that_it_is_intact() {
    let app = spawn_app_at(NOW).await;
    office(&app).await;
    submit(&app, "Шум през нощта").await;

    let auditor = Browser::sign_in(&app, "auditor").await;
    let page = auditor.get("/staff/journal").await;
    page.assert_ok();
    assert!(page.body.contains("непокътната"), "{}", page.body);
    assert!(
        !page.body.contains("intact"),
        "the check is worded in Bulgarian only"
    );
    assert!(page.body.contains(r#"<th scope="col">"#));
    assert!(
        page.body.contains(r#"href="/staff/journal""#),
        "the journal is in the navigation"
    );
    let page = auditor.get("/staff/journal?after=0").await;
    page.assert_ok();

    let clerk = Browser::sign_in(&app, "clerk").await;
    assert_eq!(clerk.get("/staff/journal").await.status, 403);
    assert!(
        !clerk
            .get("/staff")
            .await
            .body
            .contains(r#"href="/staff/journal""#)
    );
}

#[tokio::test]
async fn the_head_of_department_sees_the_overview_of_their_department() {
    let app = spawn_app_at(NOW).await;
    let office = office(&app).await;
    let other = app.add_department("Екология").await;
    app.add_staff("head", "department_head", Some(office.department), false)
        .await;
    let (number, _) = submit(&app, "Неизрязани дървета").await;
    assign_by_api(&app, &office, &number).await;

    let head = Browser::sign_in(&app, "head").await;
    let page = head.get("/staff/overview").await;
    page.assert_ok();
    assert!(page.body.contains("Благоустройство"));
    assert!(!page.body.contains("Екология"), "only their own department");
    assert!(page.body.contains(
        r#"<th scope="row" data-label="Отдел">Благоустройство</th><td data-label="Отворени">1</td>"#
    ));
    let _ = other;

    let clerk = Browser::sign_in(&app, "clerk").await;
    assert_eq!(clerk.get("/staff/overview").await.status, 403);
}

#[tokio::test]
async fn changing_ones_password_through_the_form() {
    let app = spawn_app_at(NOW).await;
    office(&app).await;
    let clerk = Browser::sign_in(&app, "clerk").await;
    let elsewhere = Browser::sign_in(&app, "clerk").await;
    let csrf = clerk.csrf("/staff/password").await;

    let page = clerk
        .post(
            "/staff/password",
            &[
                ("csrf_token", &csrf),
                ("current_password", PASSWORD),
                ("new_password", "нова дълга парола"),
                ("repeat_password", "друга дълга парола"),
            ],
        )
        .await;
    page.assert_form_errors();
    assert!(page.body.contains(r#"id="repeat_password-error""#));
    assert!(page.body.contains("Паролите не съвпадат"));

    let page = clerk
        .post(
            "/staff/password",
            &[
                ("csrf_token", &csrf),
                ("current_password", "грешна парола"),
                ("new_password", "нова дълга парола"),
                ("repeat_password", "нова дълга парола"),
            ],
        )
        .await;
    page.assert_form_errors();
    assert!(
        page.body.contains("Текущата парола не е вярна"),
        "{}",
        page.body
    );

    let page = clerk
        .post(
            "/staff/password",
            &[
                ("csrf_token", &csrf),
                ("current_password", PASSWORD),
                ("new_password", "нова дълга парола"),
                ("repeat_password", "нова дълга парола"),
            ],
        )
        .await;
    page.assert_redirect("/staff/password?done=1");
    // The change ended the other sessions; this browser's goes on.
    let page = clerk.get("/staff/password?done=1").await;
    page.assert_ok();
    assert!(page.body.contains("Паролата е сменена."));
    assert_eq!(elsewhere.get("/staff/password").await.status, 303);

    let mut fresh = Browser::new(&app);
    fresh
        .sign_in_with("clerk", PASSWORD)
        .await
        .assert_form_errors();
    fresh
        .sign_in_with("clerk", "нова дълга парола")
        .await
        .assert_redirect("/staff");
}

#[tokio::test]
async fn every_staff_page_says_so_while_no_mail_is_sent() {
    // No SMTP server configured (the default): the banner on every page, with the outbox for
    // the administrator.
    let app = spawn_app_at("2026-03-02T10:00:00+02:00").await;
    app.add_staff("clerk", "registry_clerk", None, false).await;
    app.add_staff("admin", "administrator", None, false).await;
    let clerk = Browser::sign_in(&app, "clerk").await;
    for path in ["/staff", "/staff/search", "/staff/statistics"] {
        let page = clerk.get(path).await;
        page.assert_ok();
        assert!(
            page.body.contains("Електронната поща не е настроена"),
            "{path}"
        );
        assert!(page.body.contains("Съобщете на администратора"), "{path}");
    }
    let admin = Browser::sign_in(&app, "admin").await;
    let page = admin.get("/staff/admin").await;
    assert!(page.body.contains(r#"href="/staff/admin/outbox""#));

    // With SMTP configured, no banner.
    let mut notifier = priemna_app::notify::Notifier::default();
    notifier.smtp_configured = true;
    let sending =
        helpers::spawn_app_configured("2026-03-02T10:00:00+02:00", |s| s.with_notifier(notifier))
            .await;
    sending
        .add_staff("clerk", "registry_clerk", None, false)
        .await;
    let clerk = Browser::sign_in(&sending, "clerk").await;
    let page = clerk.get("/staff").await;
    page.assert_ok();
    assert!(!page.body.contains("Електронната поща не е настроена"));
}

#[tokio::test]
async fn the_case_page_names_who_entered_the_case_and_shows_no_internal_codes() {
    let app = spawn_app_at("2026-03-02T10:00:00+02:00").await;
    app.add_staff("clerk", "registry_clerk", None, false).await;
    let (number, _) = app
        .registered(
            json!({"kind": "complaint", "channel": "post", "subject": "Забавено",
                           "body": "Чакам от месец.", "about_bad_administration": true,
                           "consent": true, "submitter": named()}),
        )
        .await;
    let clerk = Browser::sign_in(&app, "clerk").await;
    let page = clerk.get(&format!("/staff/cases/{number}")).await;
    page.assert_ok();
    // The helpers' registry clerk `registrar` ("Деловодител") entered the paper complaint.
    assert!(
        page.body.contains("Деловодител, деловодител"),
        "{}",
        page.body
    );
    for code in ["clerk:registrar", "deadline_complaint_7_days", "Правило: "] {
        assert!(!page.body.contains(code), "{code} on the case page");
    }
}

/// On a phone the back office's tables stack, one box a row, each cell with its column's
/// heading written before it (`data-label`): the inbox, the case's history, the overview, the
/// day's reception list, the administration, the outbox and the statistics.
#[tokio::test]
async fn every_back_office_table_names_each_cell_by_its_column_for_a_phone() {
    let app = spawn_app_at(NOW).await;
    let office = office(&app).await;
    app.add_staff("head", "department_head", Some(office.department), false)
        .await;
    let (number, _) = submit(&app, "Нефункциониращо улично осветление").await;
    assign_by_api(&app, &office, &number).await;

    let clerk = Browser::sign_in(&app, "clerk").await;
    let inbox = clerk.get("/staff").await;
    inbox.assert_ok();
    assert!(
        inbox
            .body
            .contains(r#"<td data-label="Относно">Нефункциониращо улично осветление</td>"#)
    );
    assert_stacked_tables(&inbox.body, "the inbox", 1);
    let case = clerk.get(&format!("/staff/cases/{number}")).await;
    case.assert_ok();
    assert_stacked_tables(&case.body, "the case's history", 1);
    let reception = clerk.get("/staff/reception").await;
    reception.assert_ok();
    assert_stacked_tables(&reception.body, "the reception list", 0);
    let statistics = clerk.get("/staff/statistics").await;
    statistics.assert_ok();
    assert_stacked_tables(&statistics.body, "the staff statistics", 3);

    let head = Browser::sign_in(&app, "head").await;
    let overview = head.get("/staff/overview").await;
    overview.assert_ok();
    assert_stacked_tables(&overview.body, "the overview", 1);

    let admin = Browser::sign_in(&app, "admin").await;
    for (path, least) in [
        ("/staff/admin", 2),
        ("/staff/admin/outbox", 1),
        ("/staff/admin/pages", 1),
    ] {
        let page = admin.get(path).await;
        page.assert_ok();
        assert_stacked_tables(&page.body, path, least);
    }
}
