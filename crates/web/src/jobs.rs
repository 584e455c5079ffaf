//! Background jobs. The deadline job rates every open case against its deadline (due soon,
//! overdue), reminds the assignee and the head of department, and escalates overdue cases to
//! the Mayor's office. Each run claims a 10-minute slot in the database, so with several
//! servers on one database it still runs once per slot.

use crate::AppState;
use priemna_domain::access::Role;
use priemna_domain::clock::{local_date, municipal_tz};
use priemna_domain::workflow::{Urgency, urgency};
use priemna_store::{DeadlineRunReport, StoreError, UrgencyUpdate};
use std::time::Duration;

pub fn urgency_str(u: Urgency) -> &'static str {
    match u {
        Urgency::Overdue => "overdue",
        Urgency::DueSoon => "due_soon",
        Urgency::OnTrack => "on_track",
        Urgency::NoDeadline => "no_deadline",
    }
}

/// The slot a run belongs to: the municipal time, truncated to 10 minutes.
fn run_key(app: &AppState) -> String {
    let now = app.clock.now().to_zoned(municipal_tz());
    let minute = now.minute() - now.minute() % 10;
    format!("{}T{:02}:{:02}", now.date(), now.hour(), minute)
}

/// One run of the deadline job.
pub async fn run_deadlines(app: &AppState) -> Result<DeadlineRunReport, StoreError> {
    let now = app.clock.now();
    let today = local_date(now);
    let cases = app.store.open_cases_for_deadlines().await?;
    let users = app.store.users().await?;
    let departments = app.store.departments().await?;
    let mayors: Vec<i64> = users
        .iter()
        .filter(|u| u.active && u.role == Role::MayorsOffice)
        .map(|u| u.id)
        .collect();
    let mut updates = Vec::new();
    for case in cases {
        let rated = urgency_str(urgency(case.answer_due, today, &app.calendar));
        let escalate = rated == "overdue" && !case.escalated;
        if rated == case.urgency && !escalate {
            continue;
        }
        let mut reminders = Vec::new();
        if rated == "overdue" || rated == "due_soon" {
            if let Some(assignee) = case.assignee_id {
                reminders.push((assignee, rated.to_owned()));
            }
            let head = case
                .department_id
                .and_then(|d| departments.iter().find(|x| x.id == d))
                .and_then(|d| d.head_user_id);
            if let Some(head) = head
                && Some(head) != case.assignee_id
            {
                reminders.push((head, rated.to_owned()));
            }
        }
        if escalate {
            reminders.extend(mayors.iter().map(|m| (*m, "escalated".to_owned())));
        }
        // E-mail the reminders to those with an address (queued with the run, once each).
        let messages = crate::notify::compose::reminder_messages(app, &users, &case, &reminders);
        updates.push(UrgencyUpdate {
            case_id: case.id,
            urgency: rated.to_owned(),
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

/// Runs the deadline job now and then every `every`, until the process ends.
pub fn spawn_deadline_job(app: AppState, every: Duration) {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        loop {
            ticker.tick().await;
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
    });
}

/// One run of the retention job: erases personal data of finished cases past their period.
/// Runs once a day across all servers (the run key is the municipal date).
pub async fn run_retention(app: &AppState) -> Result<Option<u64>, StoreError> {
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

/// Checks every hour whether today's retention run is still to do.
pub fn spawn_retention_job(app: AppState) {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(Duration::from_secs(3600));
        loop {
            ticker.tick().await;
            match run_retention(&app).await {
                Ok(Some(n)) => tracing::info!(anonymised = n, "retention job ran"),
                Ok(None) => {}
                Err(e) => tracing::error!(error = %e, "retention job failed"),
            }
        }
    });
}
