//! Staff accounts, the application's use cases: create a member of staff, change an account,
//! decide a change waiting for a second administrator. The admin page, the JSON API and the
//! command line all come here, so the same guards hold on every path.

use crate::App;
use crate::AppError;
use crate::auth;
use crate::staff::Staff;
use priemna_domain::access::Role;
use priemna_domain::submission::{FieldError, Problem};
use priemna_domain::{DepartmentId, UserId};
use priemna_store::{
    AccountState, NewMessage, NewUser, StaffChange, StaffChangeRequest, StaffChangeState,
    StaffDecision, StoreError, User,
};

/// A member of staff to create, as typed by an administrator.
#[derive(Debug, Clone, Default)]
pub struct StaffDraft {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub password: String,
    pub department_id: Option<DepartmentId>,
    pub corruption_officer: bool,
    /// Where deadline reminders are e-mailed.
    pub email: Option<String>,
}

/// A staff e-mail address, checked (empty means none).
pub fn staff_email(field: &str, email: Option<&str>) -> Result<Option<String>, FieldError> {
    match email.map(str::trim).filter(|e| !e.is_empty()) {
        None => Ok(None),
        Some(e) => priemna_domain::identity::Email::parse(e)
            .map(|e| Some(e.as_str().to_owned()))
            .map_err(|_| FieldError::new(field, Problem::WrongType { expected: "e-mail" })),
    }
}

/// Who changes an account.
#[derive(Clone, Copy)]
pub enum Changer<'a> {
    /// A signed-in administrator: sensitive changes wait for a second one.
    Admin(&'a Staff),
    /// Whoever runs `priemna user …` on the server (it holds the database anyway): applied.
    Operator(&'a str),
}

impl Changer<'_> {
    fn label(&self) -> String {
        match self {
            Changer::Admin(staff) => staff.actor_label(),
            Changer::Operator(label) => (*label).to_owned(),
        }
    }
}

/// What became of a change to an account.
pub enum AccountOutcome {
    /// Applied at once; with the one-time password when the change reset it.
    Applied {
        user: User,
        one_time_password: Option<String>,
    },
    /// Waiting for a second administrator.
    Pending(StaffChange),
}

/// Whether changing `target` to `after` (and resetting its password) needs a second
/// administrator: giving the designation for corruption signals, giving a role that handles
/// cases or administers, anything about the asker's own account, and resetting the password of
/// an administrator or a designated officer (whoever holds it could act as them).
pub fn needs_second_admin(asker: UserId, target: &User, after: &AccountState, reset: bool) -> bool {
    let before = target.state();
    let gives_designation = after.corruption_officer && !before.corruption_officer;
    let gives_role = after.role != before.role
        && (after.role.handles_cases() || after.role == Role::Administrator);
    let sensitive_account = target.role == Role::Administrator || target.corruption_officer;
    let reactivates_sensitive =
        after.active && !before.active && (sensitive_account || after.role.handles_cases());
    target.id == asker
        || gives_designation
        || gives_role
        || reactivates_sensitive
        || (reset && sensitive_account)
}

fn no_change() -> AppError {
    AppError::Validation(vec![FieldError::new(
        "change",
        Problem::Invalid {
            detail: "няма какво да се промени / nothing to change".into(),
        },
    )])
}

/// Notices to the designated officers (and the person concerned) when a designation changes.
async fn designation_notices(
    app: &App,
    before: &User,
    after: &User,
    by: &str,
) -> Result<Vec<NewMessage>, AppError> {
    let designated = |u: &User| u.corruption_officer && u.active;
    if designated(before) == designated(after) {
        return Ok(Vec::new());
    }
    let everyone = app.store.users().await?;
    Ok(crate::notify::staff_notices::designation_changed(
        &app.notify,
        &everyone,
        before,
        after,
        by,
        app.clock.now(),
    ))
}

/// Changes an account (`after`; `reset` also gives it a one-time password): at once, or as a
/// change waiting for a second administrator (`needs_second_admin`). Every path (the API, the
/// admin page, the command line) comes here.
pub async fn change_account(
    app: &App,
    changer: Changer<'_>,
    target: &User,
    after: AccountState,
    reset: bool,
) -> Result<AccountOutcome, AppError> {
    let now = app.clock.now();
    if after == target.state() && !reset {
        return Err(no_change());
    }
    if let Changer::Admin(staff) = changer
        && needs_second_admin(staff.user.id, target, &after, reset)
    {
        let change = app
            .store
            .request_staff_change(
                StaffChangeRequest {
                    user_id: target.id,
                    before: target.state(),
                    after,
                    reset_password: reset,
                },
                staff.user.id,
                now,
                &staff.actor_label(),
            )
            .await?;
        return Ok(AccountOutcome::Pending(change));
    }
    let updated = target.with_state(&after);
    if updated != *target {
        let notices = designation_notices(app, target, &updated, &changer.label()).await?;
        app.store
            .update_user(&updated, now, &changer.label(), &notices)
            .await?;
    }
    let one_time_password = if reset {
        let password = auth::one_time_password();
        let hash = auth::hash_password(&password).await?;
        app.store
            .set_password(target.id, &hash, true, None, now, &changer.label())
            .await?;
        Some(password)
    } else {
        None
    };
    let user = app
        .store
        .user_by_id(target.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(AccountOutcome::Applied {
        user,
        one_time_password,
    })
}

/// The active administrators other than `me` (who could approve `me`'s changes).
pub async fn other_administrators(app: &App, me: UserId) -> Result<usize, AppError> {
    Ok(app
        .store
        .users()
        .await?
        .iter()
        .filter(|u| u.active && u.role == Role::Administrator && u.id != me)
        .count())
}

/// Approves (applying it) or rejects a waiting change. An administrator can never decide a
/// change they asked for, nor one to their own account; the operator on the command line can
/// decide any. Returns the change and, for an approved reset, the one-time password.
pub async fn decide_change(
    app: &App,
    changer: Changer<'_>,
    id: i64,
    approve: bool,
) -> Result<(StaffChange, Option<String>), AppError> {
    let change = app
        .store
        .staff_change(id)
        .await?
        .ok_or(AppError::NotFound)?;
    if change.state != StaffChangeState::Pending {
        return Err(AppError::Conflict {
            reason_bg: format!("Промяната вече е решена ({}).", change.state),
            reason_en: format!("The change was already decided ({}).", change.state),
        });
    }
    let decided_by = match changer {
        Changer::Admin(staff) => {
            if staff.user.id == change.requested_by {
                return Err(AppError::Forbidden {
                    reason_bg: "Не можете да решите промяна, която сте поискали сами; нужен е \
                                друг администратор (или `priemna user approve` на сървъра)."
                        .into(),
                    reason_en: "You cannot decide a change you asked for; another \
                                administrator must (or `priemna user approve` on the server)."
                        .into(),
                });
            }
            if staff.user.id == change.user_id {
                return Err(AppError::Forbidden {
                    reason_bg: "Не можете да решите промяна по собствения си профил.".into(),
                    reason_en: "You cannot decide a change to your own account.".into(),
                });
            }
            Some(staff.user.id)
        }
        Changer::Operator(_) => None,
    };
    let now = app.clock.now();
    let (decision, password) = if approve {
        let target = app
            .store
            .user_by_id(change.user_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let after = target.with_state(&change.after);
        let messages = designation_notices(app, &target, &after, &changer.label()).await?;
        let (hash, password) = if change.reset_password {
            let password = auth::one_time_password();
            (Some(auth::hash_password(&password).await?), Some(password))
        } else {
            (None, None)
        };
        (
            StaffDecision::Approve {
                password_hash: hash,
                messages,
            },
            password,
        )
    } else {
        (StaffDecision::Reject, None)
    };
    let decided = app
        .store
        .decide_staff_change(id, decided_by, decision, now, &changer.label())
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => AppError::Conflict {
                reason_bg: "Профилът е променен, откакто промяната е поискана; поискайте я \
                            отново."
                    .into(),
                reason_en: "The account changed since the change was asked for; ask again.".into(),
            },
            other => other.into(),
        })?;
    Ok((decided, password))
}

/// Checks and creates a user (the admin page, the API and the CLI all come here). What an
/// administrator may not give alone is not given at once: an account with a designation for
/// corruption signals is created without it, and one with a role that handles cases or
/// administers is created inactive; the designation and the activation wait for a second
/// administrator (the pending change returned). The server's operator creates it whole.
pub async fn create_user(
    app: &App,
    changer: Changer<'_>,
    draft: &StaffDraft,
) -> Result<(User, Option<StaffChange>), AppError> {
    let (display_name, password, department_id, corruption_officer) = (
        draft.display_name.as_str(),
        draft.password.as_str(),
        draft.department_id,
        draft.corruption_officer,
    );
    let role = draft.role.as_str();
    let mut errors = Vec::new();
    let username = draft.username.trim();
    let valid_username = !username.is_empty()
        && username.len() <= 64
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if !valid_username {
        errors.push(FieldError::new(
            "username",
            Problem::WrongType { expected: "string" },
        ));
    }
    if display_name.trim().is_empty() {
        errors.push(FieldError::new("display_name", Problem::Missing));
    }
    let role = Role::parse(role.trim());
    if role.is_none() {
        errors.push(FieldError::new(
            "role",
            Problem::UnknownValue {
                allowed: Role::ALL.iter().map(|r| r.as_str()).collect(),
            },
        ));
    }
    if let Some(d) = department_id
        && !app.store.departments().await?.iter().any(|x| x.id == d)
    {
        errors.push(FieldError::new("department_id", Problem::UnknownReference));
    }
    let email = staff_email("email", draft.email.as_deref()).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    if let Err(AppError::Validation(mut e)) =
        auth::check_password_policy("password", password, username, None)
    {
        errors.append(&mut e);
    }
    let Some(role) = role else {
        return Err(AppError::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let hash = auth::hash_password(password).await?;
    let by_operator = matches!(changer, Changer::Operator(_));
    let designate_now = corruption_officer && by_operator;
    let activate_now = by_operator || !(role.handles_cases() || role == Role::Administrator);
    let new = NewUser {
        username: username.to_owned(),
        display_name: display_name.trim().to_owned(),
        role,
        department_id,
        corruption_officer: designate_now,
        active: activate_now,
        password_hash: hash,
        email,
    };
    let notices = if designate_now {
        let everyone = app.store.users().await?;
        let mut created = placeholder_user(&new);
        let before = User {
            corruption_officer: false,
            ..created.clone()
        };
        created.corruption_officer = true;
        crate::notify::staff_notices::designation_changed(
            &app.notify,
            &everyone,
            &before,
            &created,
            &changer.label(),
            app.clock.now(),
        )
    } else {
        Vec::new()
    };
    let user = app
        .store
        .create_user(new, app.clock.now(), &changer.label(), &notices)
        .await?;
    if corruption_officer == designate_now && activate_now {
        return Ok((user, None));
    }
    let after = AccountState {
        corruption_officer,
        active: true,
        ..user.state()
    };
    match change_account(app, changer, &user, after, false).await? {
        AccountOutcome::Pending(change) => Ok((user, Some(change))),
        AccountOutcome::Applied { user, .. } => Ok((user, None)),
    }
}

/// The account about to be created, for composing notices before it has an id.
fn placeholder_user(new: &NewUser) -> User {
    User {
        id: UserId(0),
        username: new.username.clone(),
        display_name: new.display_name.clone(),
        role: new.role,
        department_id: new.department_id,
        corruption_officer: new.corruption_officer,
        active: new.active,
        password_hash: String::new(),
        failed_logins: 0,
        locked_until: None,
        lockouts: 0,
        must_change_password: false,
        email: new.email.clone(),
    }
}

/// Changes one's own password: the current one checked as a sign-in checks it (counting
/// failures), the new one against the policy; every other session of the account ends.
pub async fn change_own_password(
    app: &App,
    staff: &Staff,
    client: Option<std::net::IpAddr>,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    // Re-check the current password as a sign-in does (counting failures), without opening
    // a session.
    auth::check_credentials(app, &staff.user.username, current, client)
        .await
        .map_err(|e| match e {
            AppError::Unauthorized => AppError::Validation(vec![FieldError::new(
                "current_password",
                Problem::UnknownValue { allowed: vec![] },
            )]),
            other => other,
        })?;
    auth::check_password_policy("new_password", new, &staff.user.username, Some(current))?;
    let hash = auth::hash_password(new).await?;
    // Every other session ends; the one that asked goes on.
    app.store
        .set_password(
            staff.user.id,
            &hash,
            false,
            Some(&staff.token_hash),
            app.clock.now(),
            &staff.actor_label(),
        )
        .await?;
    Ok(())
}
