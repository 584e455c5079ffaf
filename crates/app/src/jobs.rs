//! Background jobs. The deadline job rates every open case against its deadline (due soon,
//! overdue), reminds the assignee and the head of department, and escalates overdue cases to
//! the Mayor's office. Each run claims a 10-minute slot in the database, so with several
//! servers on one database it still runs once per slot.
//!
//! A reminder carries the case's number and subject, so it reaches only staff who may view the
//! case (`access::check` with `ViewCase` on the case's facts): a corruption signal only the
//! designated officers, a complaint about an employee never that employee, nor anyone with a
//! conflict, nor the case officers and heads rule 4 keeps away. When everyone a reminder was
//! meant for is barred — the head of a department of a corruption signal, the Mayor's office
//! for an escalation of one — it goes instead to every active member of staff in a
//! case-handling role who may view the case (for a corruption signal: the designated officers
//! within their reach), so that no overdue case is left without anyone told.

use crate::App;
use priemna_domain::UserId;
use priemna_domain::access::{self, CaseFacts, Permission, Role};
use priemna_domain::clock::{local_date, municipal_tz};
use priemna_domain::workflow::{ReminderKind, Urgency, urgency};
use priemna_store::{
    DeadlineCase, DeadlineRunReport, StaffReminder, StoreError, UrgencyUpdate, User,
};
use std::time::Duration;

/// The slot a run belongs to: the municipal time, truncated to 10 minutes.
fn run_key(app: &App) -> String {
    let now = app.clock.now().to_zoned(municipal_tz());
    let minute = now.minute() - now.minute() % 10;
    format!("{}T{:02}:{:02}", now.date(), now.hour(), minute)
}

/// One run of the deadline job.
pub async fn run_deadlines(app: &App) -> Result<DeadlineRunReport, StoreError> {
    let now = app.clock.now();
    let today = local_date(now);
    let cases = app.store.open_cases_for_deadlines().await?;
    let users = app.store.users().await?;
    let departments = app.store.departments().await?;
    let mayors: Vec<UserId> = users
        .iter()
        .filter(|u| u.active && u.role == Role::MayorsOffice)
        .map(|u| u.id)
        .collect();
    // Those who chose the daily digest get their reminders there (`run_digest`), not one by one.
    let digest = app.store.digest_users().await?;
    let mut updates = Vec::new();
    for case in cases {
        let rated = urgency(case.answer_due, today, &app.calendar);
        let escalate = rated == Urgency::Overdue && !case.escalated;
        if rated == case.urgency && !escalate {
            continue;
        }
        let mut reminders = Vec::new();
        if let Some(kind) = ReminderKind::for_urgency(rated) {
            let mut meant = Vec::new();
            if let Some(assignee) = case.assignee_id {
                meant.push(assignee);
            }
            let head = case
                .department_id
                .and_then(|d| departments.iter().find(|x| x.id == d))
                .and_then(|d| d.head_user_id);
            if let Some(head) = head
                && Some(head) != case.assignee_id
            {
                meant.push(head);
            }
            reminders.extend(recipients(&users, &case, &meant).map(|u| (u, kind)));
        }
        if escalate {
            reminders
                .extend(recipients(&users, &case, &mayors).map(|u| (u, ReminderKind::Escalated)));
        }
        // E-mail the reminders to those with an address (queued with the run, once each).
        let immediate: Vec<(UserId, ReminderKind)> = reminders
            .iter()
            .filter(|(user, _)| !digest.contains(user))
            .copied()
            .collect();
        let messages = crate::notify::compose::reminder_messages(app, &users, &case, &immediate);
        updates.push(UrgencyUpdate {
            case_id: case.id,
            urgency: rated,
            due: case.answer_due,
            escalate,
            reminders,
            messages,
        });
    }
    let report = app
        .store
        .record_deadline_run(&run_key(app), now, updates)
        .await?;
    if report.reminders > 0 {
        app.notify.wake();
    }
    Ok(report)
}

/// The hour (municipal time) from which the day's digests go out.
pub const DIGEST_HOUR: i8 = 7;

/// The daily digests: to each member of staff who chose one and has an address, once a day
/// from `DIGEST_HOUR`, the last day's deadline reminders and citizens' answers on their cases
/// (only cases they may still view), in one e-mail. Once a day across servers: the outbox keeps
/// one message per person and day (`dedupe_key`). Returns how many were queued.
pub async fn run_digest(app: &App) -> Result<usize, StoreError> {
    let now = app.clock.now();
    let local = now.to_zoned(municipal_tz());
    if local.hour() < DIGEST_HOUR {
        return Ok(0);
    }
    let digest = app.store.digest_users().await?;
    if digest.is_empty() {
        return Ok(0);
    }
    let since = now
        .checked_sub(jiff::SignedDuration::from_hours(24))
        .unwrap_or(now);
    let users = app.store.users().await?;
    let mut queued = 0;
    for user in users.iter().filter(|u| u.active && digest.contains(&u.id)) {
        let Some(email) = user.email.as_deref() else {
            continue;
        };
        let actor = user.actor();
        let mut lines = Vec::new();
        for r in app.store.reminders_for(user.id).await? {
            if r.created_at <= since
                || access::check(&actor, Permission::ViewCase, Some(&r.facts)).is_err()
            {
                continue;
            }
            let due = priemna_letters::bg_date(r.due);
            let (bg, en) = match r.kind {
                ReminderKind::Overdue => (
                    format!("просрочена (срок {due} г.)"),
                    format!("overdue (due {})", r.due),
                ),
                ReminderKind::Escalated => (
                    format!("просрочена и ескалирана (срок {due} г.)"),
                    format!("overdue and escalated (due {})", r.due),
                ),
                _ => (
                    format!("срокът изтича скоро: {due} г."),
                    format!("due soon: {}", r.due),
                ),
            };
            lines.push(crate::notify::messages::DigestLine {
                number: r.number,
                bg,
                en,
            });
        }
        for (number, at) in app.store.citizen_messages_for(user.id, since).await? {
            let Some(case) = app.store.case_by_number(number).await? else {
                continue;
            };
            if access::check(&actor, Permission::ViewCase, Some(&case.facts())).is_err() {
                continue;
            }
            let time = at.to_zoned(municipal_tz()).strftime("%d.%m.%Y %H:%M");
            lines.push(crate::notify::messages::DigestLine {
                number,
                bg: format!("подателят отговори или добави информация ({time})"),
                en: format!("the submitter answered or added information ({time})"),
            });
        }
        if lines.is_empty() {
            continue;
        }
        let message = crate::notify::messages::staff_digest(
            &app.notify,
            email,
            &user.display_name,
            user.id,
            local.date(),
            &lines,
        );
        if app.store.queue_message(message, now).await? {
            queued += 1;
        }
    }
    if queued > 0 {
        app.notify.wake();
    }
    Ok(queued)
}

/// Whether this member of staff may be told about the case: active, and allowed to view it.
fn may_be_reminded(user: &User, facts: &CaseFacts) -> bool {
    user.active && access::check(&user.actor(), Permission::ViewCase, Some(facts)).is_ok()
}

/// Who a reminder meant for `meant` goes to: those of them who may view the case; when it was
/// meant for someone and none of them may, every active member of staff in a case-handling role
/// who may (the auditor reads but does not act, so is not reminded).
fn recipients<'a>(
    users: &'a [User],
    case: &'a DeadlineCase,
    meant: &'a [UserId],
) -> impl Iterator<Item = UserId> + 'a {
    let facts = case.facts();
    let allowed: Vec<UserId> = meant
        .iter()
        .copied()
        .filter(|id| {
            users
                .iter()
                .any(|u| u.id == *id && may_be_reminded(u, &facts))
        })
        .collect();
    let fallback: Vec<UserId> = if allowed.is_empty() && !meant.is_empty() {
        users
            .iter()
            .filter(|u| u.role.handles_cases() && may_be_reminded(u, &facts))
            .map(|u| u.id)
            .collect()
    } else {
        Vec::new()
    };
    allowed.into_iter().chain(fallback)
}

/// A member of staff's reminders that they may still read: those whose case they may view now
/// (a reminder written before a designation, an assignment or a conflict changed, or by an
/// older version of the job, never shows a subject to someone barred from the case).
pub fn visible_reminders(user: &User, reminders: Vec<StaffReminder>) -> Vec<StaffReminder> {
    let actor = user.actor();
    reminders
        .into_iter()
        .filter(|r| access::check(&actor, Permission::ViewCase, Some(&r.facts)).is_ok())
        .collect()
}

/// Runs the deadline job now and then every `every`, for ever (`Application` runs it).
pub async fn deadline_job(app: App, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    loop {
        ticker.tick().await;
        match run_digest(&app).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(digests = n, "daily digests queued"),
            Err(e) => tracing::error!(error = %e, "daily digests failed"),
        }
        match run_deadlines(&app).await {
            Ok(report) if report.ran => tracing::info!(
                due_soon = report.due_soon,
                overdue = report.overdue,
                escalated = report.escalated,
                reminders = report.reminders,
                "deadline job ran"
            ),
            Ok(_) => tracing::debug!("deadline job: this slot already ran elsewhere"),
            Err(e) => tracing::error!(error = %e, "deadline job failed"),
        }
    }
}

/// One run of the retention job: erases personal data of finished cases past their period.
/// Runs once a day across all servers (the run key is the municipal date).
pub async fn run_retention(app: &App) -> Result<Option<u64>, StoreError> {
    let now = app.clock.now();
    let today = local_date(now);
    let cutoffs: Vec<_> = priemna_domain::Kind::ALL
        .iter()
        .map(|k| (*k, app.retention.cutoff(*k, today)))
        .collect();
    app.store
        .anonymise_expired(&cutoffs, &today.to_string(), now)
        .await
}

/// Checks every hour whether today's retention run is still to do, for ever.
pub async fn retention_job(app: App) {
    let mut ticker = tokio::time::interval(Duration::from_secs(3600));
    loop {
        ticker.tick().await;
        match run_retention(&app).await {
            Ok(Some(n)) => tracing::info!(anonymised = n, "retention job ran"),
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "retention job failed"),
        }
    }
}

/// One run of the forms' clean-up: files kept for forms that came back with errors are deleted
/// after 2 hours, codes on result pages are forgotten after 30 minutes, and one-time form tokens
/// (what a form created) after 24 hours (`portal::once`). Idempotent, so several servers may run
/// it at once.
pub async fn run_form_cleanup(app: &App) -> Result<priemna_store::FormCleanup, StoreError> {
    app.store.clean_forms(app.clock.now()).await
}

/// Cleans the portal's forms now and every 5 minutes, for ever.
pub async fn form_cleanup_job(app: App) {
    let mut ticker = tokio::time::interval(Duration::from_secs(300));
    loop {
        ticker.tick().await;
        match run_form_cleanup(&app).await {
            Ok(done) if done != priemna_store::FormCleanup::default() => tracing::info!(
                kept_uploads = done.kept_uploads,
                results = done.results,
                secrets = done.secrets,
                "forms cleaned"
            ),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "forms clean-up failed"),
        }
    }
}
