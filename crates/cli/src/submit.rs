//! `priemna submit`: a clerk registers what came on paper, by phone, in person or from a box.

use crate::db::DbArgs;
use anyhow::Context;
use priemna_app::App;
use priemna_app::SystemClock;
use priemna_app::intake::{self, IntakeError};
use priemna_domain::WorkingCalendar;
use priemna_domain::submission::{RawSubmission, RawSubmitter};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(clap::Args)]
pub struct SubmitArgs {
    /// proposal, opinion, comment, signal, complaint, praise, corruption_signal, application
    #[arg(long)]
    kind: String,
    /// web, signal_box, phone, in_person_oral, in_person_written, email, post
    #[arg(long)]
    channel: String,
    #[arg(long)]
    subject: String,
    #[arg(long)]
    body: String,
    /// The submitter's name (omit for an anonymous submission).
    #[arg(long)]
    name: Option<String>,
    #[arg(long)]
    address: Option<String>,
    #[arg(long)]
    phone: Option<String>,
    #[arg(long)]
    email: Option<String>,
    #[arg(long)]
    egn: Option<String>,
    /// Where the problem is.
    #[arg(long)]
    location: Option<String>,
    /// The submitter asked to stay anonymous.
    #[arg(long)]
    anonymous: bool,
    /// The submitter agreed (signed on the paper or said on the phone) that their personal data
    /// are processed to handle the submission: required with a name.
    #[arg(long)]
    consent: bool,
    /// The problem threatens citizens' health or safety.
    #[arg(long)]
    threat: bool,
    /// A complaint about bad administration.
    #[arg(long)]
    bad_administration: bool,
    /// A complaint about an employee's service (goes to the Mayor's office).
    #[arg(long)]
    about_employee: bool,
    /// Override whether it was submitted in writing (true/false).
    #[arg(long)]
    in_writing: Option<bool>,
    /// For signals: when the violation was committed (YYYY-MM-DD).
    #[arg(long)]
    violation_date: Option<String>,
    /// The clerk entering it (defaults to $USER).
    #[arg(long, env = "USER", default_value = "clerk")]
    clerk: String,
    /// Print the receipt as JSON.
    #[arg(long)]
    json: bool,
    /// Also write the printable receipt, with the tracking code, to this PDF file.
    #[arg(long)]
    receipt_pdf: Option<std::path::PathBuf>,
    #[command(flatten)]
    db: DbArgs,
}

pub async fn run(args: SubmitArgs, calendar: WorkingCalendar) -> anyhow::Result<ExitCode> {
    let store = priemna_store::connect(&args.db.url())
        .await
        .with_context(|| format!("opening the register at {}", args.db.url()))?;
    let clock = Arc::new(SystemClock);
    let app = App::new(store, calendar, clock.clone());
    let submitter = RawSubmitter {
        name: args.name,
        address: args.address,
        phone: args.phone,
        email: args.email,
        egn: args.egn,
    };
    let raw = RawSubmission {
        kind: Some(args.kind),
        channel: Some(args.channel),
        subject: Some(args.subject),
        body: Some(args.body),
        submitter: Some(submitter),
        anonymous: args.anonymous.then_some(true),
        health_or_safety_threat: Some(args.threat),
        about_bad_administration: Some(args.bad_administration),
        about_employee: Some(args.about_employee),
        in_writing: args.in_writing,
        violation_date: args.violation_date,
        address: args.location,
        consent: Some(args.consent),
    };
    use priemna_domain::Clock;
    let entered_by = format!("clerk:{}", args.clerk);
    match intake::register(&app, &raw, clock.now(), &entered_by).await {
        Ok(receipt) => {
            let r = &receipt.registered;
            let a = &receipt.assessment;
            if let Some(path) = &args.receipt_pdf {
                let case = app
                    .store
                    .case_by_number(r.number)
                    .await?
                    .context("the case just registered is not in the register")?;
                let pdf = priemna_app::notify::compose::receipt_of_case(
                    &app.notify.letterhead,
                    &case,
                    Some(&r.tracking_code),
                )?;
                std::fs::write(path, pdf).with_context(|| format!("writing {}", path.display()))?;
            }
            if args.json {
                let decisions: Vec<_> = a
                    .decisions
                    .iter()
                    .map(|d| serde_json::json!({"rule": d.rule.as_str(), "reason": d.reason_bg}))
                    .collect();
                println!(
                    "{}",
                    serde_json::json!({
                        "number": r.number.to_string(),
                        "tracking_code": r.tracking_code,
                        "received_at": r.received_at.to_string(),
                        "status": r.status.as_str(),
                        "answer_due": a.answer_due.map(|d| d.to_string()),
                        "decisions": decisions,
                    })
                );
            } else {
                println!("Регистрационен номер / number:   {}", r.number);
                println!("Код за проследяване / tracking: {}", r.tracking_code);
                match a.answer_due {
                    Some(due) => println!(
                        "Срок за отговор / answer due:    {}",
                        due.strftime("%d.%m.%Y")
                    ),
                    None => println!("Срок за отговор / answer due:    —"),
                }
                for d in &a.decisions {
                    println!("  • [{}] {}", d.rule.as_str(), d.reason_bg);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(IntakeError::Invalid(errors)) => {
            eprintln!("Подаването не е регистрирано / not registered:");
            for e in errors {
                eprintln!(
                    "  {}: {} / {}",
                    e.field,
                    e.problem.message_bg(),
                    e.problem.message_en()
                );
            }
            Ok(ExitCode::from(2))
        }
        Err(IntakeError::Store(e)) => Err(e.into()),
    }
}
