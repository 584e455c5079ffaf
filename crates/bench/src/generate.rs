//! `priemna-bench generate`: fills a register with realistic synthetic cases, for benchmarks at 100
//! thousand, 1 million and 10 million cases.
//!
//! Realistic means what the statistics, the inbox and tracking will meet in a municipality: the
//! kinds and channels in the proportions a Bulgarian municipality reports, Bulgarian subjects and
//! texts about its streets, cases spread over the years up to today on the municipal calendar,
//! and each case's fate — answered on time (most), late, left unanswered, forwarded, still open —
//! decided against the legal deadline the charter's rules give it. Every case goes through the
//! same `validate` and `assess` as a real submission and is written by the import path
//! (`ImportStore::import_cases`), in chunks, each one transaction. Deterministic for a seed.

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use jiff::civil::{Date, Time};
use jiff::{Span, Timestamp, tz::TimeZone};
use priemna_domain::submission::{RawSubmission, RawSubmitter, validate};
use priemna_domain::{DepartmentId, Status, WorkingCalendar, rules};
use priemna_store::{ImportBatch, ImportedCase, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;
use std::time::Instant;

#[derive(clap::Args)]
pub struct GenerateArgs {
    /// How many cases to add.
    #[arg(long)]
    cases: u64,
    /// Years the cases are spread over, ending today.
    #[arg(long, default_value_t = 5)]
    years: u64,
    /// Cases written per transaction.
    #[arg(long, default_value_t = 50_000)]
    chunk: usize,
    /// Seed of the random choices (the same seed gives the same register).
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    #[command(flatten)]
    db: crate::db::DbArgs,
}

/// Departments of the municipality, and the problems each handles.
const DEPARTMENTS: [&str; 7] = [
    "Пътища и благоустройство",
    "Чистота и озеленяване",
    "Социални дейности",
    "Административно обслужване",
    "Устройство на територията",
    "Екология",
    "Образование и култура",
];

/// (subject, department index, kinds it suits: signal/complaint/proposal…)
const PROBLEMS: [(&str, usize); 18] = [
    ("Дупка на пътното платно", 0),
    ("Неработещо улично осветление", 0),
    ("Повреден тротоар", 0),
    ("Липсва пешеходна пътека", 0),
    ("Препълнени контейнери за смет", 1),
    ("Неокосена трева в междублоковото пространство", 1),
    ("Паднало дърво след бурята", 1),
    ("Незаконно сметище", 5),
    ("Бездомни кучета", 5),
    ("Шум от заведение след полунощ", 5),
    ("Забавено издаване на удостоверение", 3),
    ("Грубо отношение на служител на гишето", 3),
    ("Отказ за приемане на заявление", 3),
    ("Незаконен строеж в двора", 4),
    ("Разрешение за ремонт на фасада", 4),
    ("Помощ за отопление", 2),
    ("Място в детска градина", 6),
    ("Ремонт на читалището", 6),
];

const PLACES: [&str; 16] = [
    "бул. „България“",
    "ул. „Отец Паисий“",
    "ул. „Райна Княгиня“",
    "бул. „Съединение“",
    "ул. „Гурко“",
    "ул. „Дондуков“",
    "кв. „Орфей“",
    "кв. „Възраждане“",
    "кв. „Бадема“",
    "ж.к. „Любен Каравелов“",
    "ул. „Хан Кубрат“",
    "пл. „Свобода“",
    "ул. „Стефан Караджа“",
    "ул. „Александър Стамболийски“",
    "с. Клокотница",
    "с. Узунджово",
];

const PROPOSALS: [&str; 6] = [
    "Предложение за велоалея",
    "Предложение за нова детска площадка",
    "Предложение за повече пейки в парка",
    "Предложение за удължено работно време на центъра за услуги",
    "Предложение за засаждане на дървета",
    "Предложение за електронни талони за паркиране",
];

const PRAISE: [&str; 4] = [
    "Благодарност за бързия ремонт",
    "Благодарност на служителите от гишето",
    "Похвала за чистотата в парка",
    "Благодарност за новото осветление",
];

const FIRST_NAMES: [(&str, bool); 12] = [
    ("Мария", true),
    ("Иван", false),
    ("Георги", false),
    ("Елена", true),
    ("Димитър", false),
    ("Петя", true),
    ("Николай", false),
    ("Стефка", true),
    ("Христо", false),
    ("Йорданка", true),
    ("Атанас", false),
    ("Милена", true),
];

const SURNAMES: [&str; 10] = [
    "Иванов",
    "Георгиев",
    "Димитров",
    "Петров",
    "Стоянов",
    "Атанасов",
    "Николов",
    "Тодоров",
    "Христов",
    "Колев",
];

const SENTENCES: [&str; 8] = [
    "Проблемът продължава повече от седмица.",
    "Моля, изпратете екип да провери на място.",
    "Вечер е тъмно и опасно за децата и възрастните.",
    "Съседите също са недоволни и ще подкрепят сигнала.",
    "Обаждах се по телефона, но никой не реагира.",
    "Прилагам описание на мястото, за да го намерите лесно.",
    "Надявам се на бърза реакция от общината.",
    "Благодаря предварително за отделеното време.",
];

/// Kinds in the proportions a municipality reports: mostly signals, then applications and
/// complaints; praise and corruption signals are rare.
fn pick_kind(rng: &mut StdRng) -> &'static str {
    let r: f64 = rng.random();
    match r {
        r if r < 0.42 => "signal",
        r if r < 0.58 => "application",
        r if r < 0.72 => "complaint",
        r if r < 0.80 => "proposal",
        r if r < 0.86 => "opinion",
        r if r < 0.91 => "comment",
        r if r < 0.98 => "praise",
        _ => "corruption_signal",
    }
}

fn pick_channel(rng: &mut StdRng, working_day: bool) -> &'static str {
    let r: f64 = rng.random();
    // Offices, boxes and the phone line are served on working days only.
    if !working_day {
        return if r < 0.7 { "web" } else { "email" };
    }
    match r {
        r if r < 0.34 => "web",
        r if r < 0.52 => "email",
        r if r < 0.66 => "phone",
        r if r < 0.78 => "in_person_written",
        r if r < 0.86 => "in_person_oral",
        r if r < 0.93 => "signal_box",
        _ => "post",
    }
}

fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

/// One synthetic case, or `None` if (rarely) the generated text fails validation.
fn synthetic_case(
    rng: &mut StdRng,
    received: Date,
    today: Date,
    departments: &[DepartmentId],
    calendar: &WorkingCalendar,
) -> Option<ImportedCase> {
    let working_day = calendar.is_working_day(received);
    let kind = pick_kind(rng);
    let channel = pick_channel(rng, working_day);
    let (problem, department) = pick(rng, &PROBLEMS);
    let place = pick(rng, &PLACES);
    let subject = match kind {
        "proposal" | "opinion" | "comment" => pick(rng, &PROPOSALS).to_owned(),
        "praise" => pick(rng, &PRAISE).to_owned(),
        "corruption_signal" => "Служител иска пари, за да придвижи преписка".to_owned(),
        _ => format!("{problem} — {place}"),
    };
    let sentences = rng.random_range(2..=4);
    let mut body = format!("{problem}: {place}.");
    for _ in 0..sentences {
        body.push(' ');
        body.push_str(pick(rng, &SENTENCES));
    }
    // Anonymous: some signals and corruption reports; now and then a threat to safety.
    let anonymous = matches!(kind, "signal" | "corruption_signal") && rng.random_bool(0.08);
    let threat = anonymous && rng.random_bool(0.3);
    let submitter = (!anonymous).then(|| {
        let (first, female) = pick(rng, &FIRST_NAMES);
        let surname = pick(rng, &SURNAMES);
        let n: u32 = rng.random_range(0..10_000_000);
        RawSubmitter {
            name: Some(format!(
                "{first} {surname}{}",
                if female { "а" } else { "" }
            )),
            phone: rng
                .random_bool(0.6)
                .then(|| format!("088{}", 1_000_000 + n % 9_000_000)),
            email: rng
                .random_bool(0.7)
                .then(|| format!("grazhdanin{n}@example.bg")),
            address: rng
                .random_bool(0.3)
                .then(|| format!("гр. Хасково, {place}")),
            egn: None,
        }
    });
    let raw = RawSubmission {
        kind: Some(kind.into()),
        channel: Some(channel.into()),
        subject: Some(subject),
        body: Some(body),
        submitter,
        anonymous: Some(anonymous),
        health_or_safety_threat: Some(threat),
        about_bad_administration: Some(kind == "complaint" && rng.random_bool(0.5)),
        about_employee: Some(false),
        in_writing: None,
        violation_date: None,
        address: matches!(kind, "signal" | "complaint").then(|| place.to_owned()),
        consent: Some(true),
    };
    let draft = validate(&raw, received).ok()?;
    let assessment = rules::assess(&draft, received, calendar);
    let tz = TimeZone::get(priemna_domain::TIME_ZONE).ok()?;
    let at = |date: Date, rng: &mut StdRng| -> Option<Timestamp> {
        let time = Time::new(rng.random_range(8..18), rng.random_range(0..60), 0, 0).ok()?;
        date.to_datetime(time)
            .to_zoned(tz.clone())
            .ok()
            .map(|z| z.timestamp())
    };
    let received_at = at(received, rng)?;
    let department_id = departments.get(department).copied();

    // The case's fate, decided against its legal deadline.
    let day = |days: i64| received.checked_add(Span::new().days(days)).ok();
    let (status, answered) = if !assessment.considered {
        (Status::NotConsidered, None)
    } else if rng.random_bool(0.03) {
        (Status::Forwarded, None)
    } else {
        let answered = match assessment.answer_due {
            Some(due) => {
                let allowed = received
                    .until(due)
                    .map(|s| s.get_days())
                    .unwrap_or(7)
                    .max(1);
                if rng.random_bool(0.92) {
                    day(rng.random_range(1..=i64::from(allowed)))
                } else {
                    due.checked_add(Span::new().days(rng.random_range(1..=20)))
                        .ok()
                }
            }
            None => day(rng.random_range(1..=21)),
        };
        match answered {
            Some(date) if date < today => {
                let status = if rng.random_bool(0.7) {
                    Status::Closed
                } else {
                    Status::Answered
                };
                (status, Some(date))
            }
            // Not answered yet: still with the department.
            _ => (Status::InProgress, None),
        }
    };
    let finished = match status {
        Status::NotConsidered | Status::Forwarded => {
            day(rng.random_range(1..=5)).filter(|d| *d < today)
        }
        _ => answered,
    };
    let status = if finished.is_none() && !status.is_open() {
        Status::InProgress
    } else {
        status
    };
    let answered_at = answered.and_then(|d| at(d, rng));
    Some(ImportedCase {
        legacy_number: None,
        draft,
        assessment,
        received_at,
        department_id: (status != Status::NotConsidered)
            .then_some(department_id)
            .flatten(),
        status,
        answer_text: answered_at.map(|_| {
            "Уважаеми господине/госпожо, по Вашето запитване е извършена проверка и са \
             предприети необходимите действия."
                .to_owned()
        }),
        answered_at,
        finished_at: if status.is_open() {
            None
        } else {
            finished.and_then(|d| at(d, rng))
        },
    })
}

async fn ensure_departments(
    store: &Arc<dyn Store>,
    now: Timestamp,
) -> anyhow::Result<Vec<DepartmentId>> {
    let existing = store.departments().await?;
    let mut ids = Vec::with_capacity(DEPARTMENTS.len());
    for name in DEPARTMENTS {
        let id = match existing.iter().find(|d| d.name == name) {
            Some(d) => d.id,
            None => store.create_department(name, now, "generate").await?.id,
        };
        ids.push(id);
    }
    Ok(ids)
}

fn bar(total: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(
            "{msg:<28} [{elapsed_precise}] {wide_bar} {human_pos}/{human_len} ({per_sec}, {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(what.to_owned());
    bar
}

pub async fn run(args: GenerateArgs, now: Timestamp) -> anyhow::Result<std::process::ExitCode> {
    let url = args.db.url();
    let store = priemna_store::connect(&url)
        .await
        .with_context(|| format!("opening {url}"))?;
    let departments = ensure_departments(&store, now).await?;
    let calendar = Arc::new(WorkingCalendar::with_builtin_decrees());
    let today = priemna_domain::clock::local_date(now);
    let span_days = args.years.saturating_mul(365).max(1);
    let first_day = today
        .checked_sub(Span::new().days(i64::try_from(span_days).unwrap_or(3650)))
        .context("the register would start before the calendar does")?;
    let started = Instant::now();
    let written = bar(args.cases, "записани / written");

    // A generator thread prepares the next chunk while the store writes the current one.
    let (chunks, mut ready) = tokio::sync::mpsc::channel::<Vec<ImportedCase>>(1);
    let (total, chunk, seed) = (args.cases, args.chunk.max(1), args.seed);
    let years = args.years;
    let generator_calendar = calendar.clone();
    let generator = tokio::task::spawn_blocking(move || {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut batch = Vec::with_capacity(chunk);
        let mut made = 0u64;
        while made < total {
            // Cases in order of receipt, spread evenly over the span.
            let offset = made.saturating_mul(span_days) / total.max(1);
            let received = first_day
                .checked_add(Span::new().days(i64::try_from(offset).unwrap_or(0)))
                .unwrap_or(first_day);
            if let Some(case) =
                synthetic_case(&mut rng, received, today, &departments, &generator_calendar)
            {
                batch.push(case);
                made += 1;
            }
            if batch.len() == chunk || made == total {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(chunk));
                if chunks.blocking_send(full).is_err() {
                    break;
                }
            }
        }
    });
    let mut done = 0u64;
    let mut chunk_no = 0u64;
    while let Some(cases) = ready.recv().await {
        chunk_no += 1;
        let base = done;
        let progress_bar = written.clone();
        let outcome = store
            .import_cases(
                cases,
                ImportBatch {
                    actor: "generate".into(),
                    at: now,
                    source: format!("priemna-bench generate --seed {seed}, chunk {chunk_no}"),
                    sha256: String::new(),
                },
                &move |n| progress_bar.set_position(base + n),
            )
            .await
            .context("writing generated cases")?;
        done += outcome.count;
        written.set_position(done);
    }
    generator.await.context("the generator stopped")?;
    written.finish();
    let write_secs = started.elapsed().as_secs_f64();

    // The figures of every month, as the statistics job would compute them.
    let stats_started = Instant::now();
    let months = bar(0, "статистика / statistics");
    let months_bar = months.clone();
    let refreshed =
        priemna_app::stats::refresh_with_progress(store.as_ref(), now, &move |done, total| {
            months_bar.set_length(total as u64);
            months_bar.set_position(done as u64);
        })
        .await?;
    months.finish();
    let stats_secs = stats_started.elapsed().as_secs_f64();
    println!(
        "Generated {done} cases over {} years in {write_secs:.0} s ({:.0} cases/s, {} per \
         transaction); the statistics of every month ({} cases read) computed in {stats_secs:.0} s.",
        years,
        done as f64 / write_secs.max(1e-9),
        chunk,
        refreshed.cases,
    );
    Ok(std::process::ExitCode::SUCCESS)
}
