//! Signing in and out, and changing one's own password.

use super::layout::{self, FormErrors, Input, Section};
use super::{LOGIN_PATH, PageError, RERENDER_STATUS, StaffPage, rerender};
use crate::auth::{self, SESSION_COOKIE};
use crate::error::ApiError;
use crate::limits::ClientAddress;
use crate::state::AppState;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::Cookie;
use maud::{Markup, html};
use priemna_app::AppError;
use priemna_app::accounts::change_own_password;
use priemna_app::auth::{MAX_FAILED_LOGINS, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};
use priemna_app::staff::Staff;
use priemna_domain::submission::Problem;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Default, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

struct LoginView<'a> {
    username: &'a str,
    errors: FormErrors,
    alert: Option<String>,
    notice: Option<&'a str>,
}

fn login_page(view: &LoginView) -> Markup {
    let failed = view.alert.is_some();
    // A failed sign-in marks both fields and points them at the message.
    let described = failed.then_some("login-error");
    let invalid = failed.then_some("true");
    let body = html! {
        h1 { "Вход за служители" }
        @if let Some(notice) = view.notice { (layout::notice(notice)) }
        form method="post" action=(LOGIN_PATH) novalidate {
            @if let Some(alert) = &view.alert {
                div.alert role="alert" id="login-error" { p { (alert) } }
            }
            @if failed {
                div.field.invalid {
                    label for="username" { "Потребителско име" }
                    input type="text" id="username" name="username" value=(view.username)
                        autocomplete="username" autocapitalize="none" spellcheck="false" required
                        aria-describedby=[described] aria-invalid=[invalid];
                }
                div.field.invalid {
                    label for="password" { "Парола" }
                    input type="password" id="password" name="password"
                        autocomplete="current-password" required
                        aria-describedby=[described] aria-invalid=[invalid];
                }
            } @else {
                (Input {
                    id: "username", name: "username", label: "Потребителско име",
                    value: view.username, required: true, autocomplete: Some("username"),
                    error: view.errors.get("username"), ..Input::default()
                }.render())
                (Input {
                    id: "password", name: "password", label: "Парола", kind: "password",
                    required: true, autocomplete: Some("current-password"),
                    error: view.errors.get("password"), ..Input::default()
                }.render())
            }
            button type="submit" { "Вход" }
        }
        p.hint {
            "След " (MAX_FAILED_LOGINS) " грешни пароли подред от едно място входът с това "
            "потребителско име оттам се спира временно: за " (priemna_app::auth::LOCKOUT.first_lock.as_mins())
            " минута, при всяка следваща грешка — двойно по-дълго (до "
            (priemna_app::auth::LOCKOUT.longest_lock.as_mins()) " минути). Входът от други места не се "
            "засяга. Забравена парола — обърнете се към администратора: той може да ви даде "
            "еднократна парола."
        }
    };
    layout::page("Вход", None, Section::None, body)
}

/// `GET /staff/login`.
pub async fn form(
    staff: Result<Staff, ApiError>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if staff.is_ok() {
        return Redirect::to("/staff").into_response();
    }
    let notice = match query.get("done").map(String::as_str) {
        Some("logout") => Some("Излязохте от системата."),
        Some("password") => Some("Паролата е сменена. Влезте с новата парола."),
        _ => None,
    };
    login_page(&LoginView {
        username: "",
        errors: FormErrors::default(),
        alert: None,
        notice,
    })
    .into_response()
}

/// `POST /staff/login`: on success, the session cookie and a redirect to the inbox.
pub async fn submit(
    State(app): State<AppState>,
    client: Option<Extension<ClientAddress>>,
    headers: HeaderMap,
    jar: CookieJar,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    // A form posted from another site must not sign this browser in to someone's account.
    if let Err(ApiError::Forbidden { reason_bg, .. }) = auth::check_same_origin(&headers) {
        let page = login_page(&LoginView {
            username: "",
            errors: FormErrors::default(),
            alert: Some(reason_bg),
            notice: None,
        });
        return (StatusCode::FORBIDDEN, page).into_response();
    }
    let mut errors = FormErrors::default();
    if form.username.trim().is_empty() {
        errors.push("username", Problem::Missing);
    }
    if form.password.is_empty() {
        errors.push("password", Problem::Missing);
    }
    if !errors.is_empty() {
        return rerender(login_page(&LoginView {
            username: &form.username,
            errors,
            alert: None,
            notice: None,
        }));
    }
    let client = client.map(|Extension(ClientAddress(address))| address);
    let mut status = RERENDER_STATUS;
    let mut retry_after = None;
    let alert = match priemna_app::auth::login(&app, &form.username, &form.password, client).await {
        Ok(session) => {
            // A session this browser had before is ended, not left behind.
            if let Some(old) = jar.get(SESSION_COOKIE)
                && let Err(e) = app
                    .store
                    .delete_session(&priemna_app::auth::token_hash(old.value()))
                    .await
            {
                tracing::warn!(error = %e, "could not end the previous session");
            }
            let secure = auth::is_https(&app, &headers);
            let jar = jar.add(auth::session_cookie(&session.token, secure));
            let home = if session.user.must_change_password {
                "/staff/password?reset=1"
            } else if session.user.role == priemna_domain::access::Role::Administrator {
                "/staff/admin"
            } else {
                "/staff"
            };
            return (jar, Redirect::to(home)).into_response();
        }
        // The same words whether the user is unknown, the password wrong or the account
        // locked: the page must not tell which accounts exist.
        Err(AppError::Unauthorized) => "Грешно потребителско име или парола.".to_owned(),
        // Too many wrong passwords for this name from this address (the same for every name):
        // when to try again.
        Err(AppError::SignInRefused {
            until,
            retry_after_secs,
        }) => {
            status = StatusCode::TOO_MANY_REQUESTS;
            retry_after = Some(retry_after_secs);
            crate::error::sign_in_refused_message(until, retry_after_secs).0
        }
        Err(e) => {
            tracing::error!(error = %e, "sign-in failed");
            "Входът временно не е възможен; опитайте отново след малко.".to_owned()
        }
    };
    let page = login_page(&LoginView {
        username: &form.username,
        errors: FormErrors::default(),
        alert: Some(alert),
        notice: None,
    });
    let mut response = (status, page).into_response();
    if let Some(value) = retry_after.and_then(|s| HeaderValue::from_str(&s.to_string()).ok()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

#[derive(Debug, Default, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf_token: Option<String>,
}

/// `POST /staff/logout`.
pub async fn logout(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    jar: CookieJar,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    staff
        .check_csrf(form.csrf_token.as_deref())
        .map_err(PageError::to(&staff))?;
    app.store
        .delete_session(&staff.token_hash)
        .await
        .map_err(|e| PageError::new(e.into(), Some(&staff)))?;
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    Ok((jar, Redirect::to("/staff/login?done=logout")).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    repeat_password: String,
    #[serde(default)]
    csrf_token: Option<String>,
}

fn password_page(staff: &Staff, errors: &FormErrors, alert: Option<&str>, done: bool) -> Markup {
    let rule = format!(
        "От {MIN_PASSWORD_CHARS} до {MAX_PASSWORD_CHARS} знака; не може да е често срещана \
         парола, потребителското име, името на общината или старата парола. Смяната \
         прекратява всички други ваши сесии."
    );
    let body = html! {
        h1 { "Смяна на парола" }
        @if done { (layout::notice("Паролата е сменена.")) }
        @if staff.user.must_change_password {
            (layout::alert("Администратор ви е дал еднократна парола. Изберете своя нова \
                парола, преди да продължите."))
        }
        @if let Some(alert) = alert { (layout::alert(alert)) }
        form method="post" action="/staff/password" novalidate {
            (layout::csrf_field(staff))
            (Input {
                id: "current_password", name: "current_password", label: "Текуща парола",
                kind: "password", required: true, autocomplete: Some("current-password"),
                error: errors.get("current_password"), ..Input::default()
            }.render())
            (Input {
                id: "new_password", name: "new_password", label: "Нова парола",
                kind: "password", required: true, autocomplete: Some("new-password"),
                hint: Some(&rule), error: errors.get("new_password"), ..Input::default()
            }.render())
            (Input {
                id: "repeat_password", name: "repeat_password", label: "Новата парола отново",
                kind: "password", required: true, autocomplete: Some("new-password"),
                error: errors.get("repeat_password"), ..Input::default()
            }.render())
            button type="submit" { "Смени паролата" }
        }
        p { a href="/staff/mail" { "Писма за моите преписки: веднага или дневен обзор" } }
    };
    layout::page("Смяна на парола", Some(staff), Section::Password, body)
}

/// `GET /staff/password`.
pub async fn password_form(
    StaffPage(staff): StaffPage,
    Query(query): Query<HashMap<String, String>>,
) -> Markup {
    let done = query.get("done").is_some_and(|d| d == "1");
    password_page(&staff, &FormErrors::default(), None, done)
}

/// `POST /staff/password`: the current password, the new one twice. The change ends every
/// other session of the account; this browser's goes on.
pub async fn password_submit(
    State(app): State<AppState>,
    StaffPage(staff): StaffPage,
    client: Option<Extension<ClientAddress>>,
    form: Result<Form<PasswordForm>, FormRejection>,
) -> Result<Response, PageError> {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    staff
        .check_csrf(form.csrf_token.as_deref())
        .map_err(PageError::to(&staff))?;
    let mut errors = FormErrors::default();
    if form.current_password.is_empty() {
        errors.push("current_password", Problem::Missing);
    }
    if form.new_password.is_empty() {
        errors.push("new_password", Problem::Missing);
    }
    if form.repeat_password.is_empty() {
        errors.push("repeat_password", Problem::Missing);
    } else if form.repeat_password != form.new_password {
        errors.push("repeat_password", Problem::UnknownValue { allowed: vec![] });
    }
    if !errors.is_empty() {
        return Ok(rerender(password_page(&staff, &errors, None, false)));
    }
    let client = client.map(|Extension(ClientAddress(address))| address);
    match change_own_password(
        &app,
        &staff,
        client,
        &form.current_password,
        &form.new_password,
    )
    .await
    {
        Ok(()) => {}
        Err(AppError::Validation(fields)) => {
            let errors = FormErrors::new(fields);
            return Ok(rerender(password_page(&staff, &errors, None, false)));
        }
        Err(e) => return Err(PageError::new(e.into(), Some(&staff))),
    }
    // Every other session ended with the change; this one goes on.
    Ok(Redirect::to("/staff/password?done=1").into_response())
}
