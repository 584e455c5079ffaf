//! `priemna-bench search --cases 1000000`: builds a search index of realistic Bulgarian cases
//! (generated straight into the index, in a temporary folder) and measures query latency —
//! median and 95th percentile — beside a same-run baseline: a raw tantivy term query on the same
//! index, without analysis, filters, access rules or snippets. Prints a Markdown table.

use anyhow::anyhow;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use priemna_domain::Clock;
use priemna_search::analysis::normalise_word;
use priemna_search::{CaseDoc, Filters, INDEX_VERSION, Marker, SearchIndex, Visibility};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Args)]
pub struct BenchSearchArgs {
    /// How many cases the index holds.
    #[arg(long, default_value_t = 100_000)]
    cases: u64,
    /// Queries per measurement.
    #[arg(long, default_value_t = 300)]
    queries: usize,
    /// Folder for the index (default: a temporary folder, removed afterwards).
    #[arg(long)]
    dir: Option<PathBuf>,
}

const STREETS: &[&str] = &[
    "ул. „Шипка“",
    "ул. „Раковски“",
    "бул. „България“",
    "ул. „Васил Левски“",
    "ул. „Христо Ботев“",
    "ул. „Съединение“",
    "бул. „Освобождение“",
    "ул. „Хан Кубрат“",
    "ул. „Отец Паисий“",
    "ул. „Марица“",
    "кв. „Орфей“",
    "кв. „Бадема“",
    "кв. „Дружба“",
    "ул. „Цар Освободител“",
    "ул. „Стефан Караджа“",
];

/// (subject, body) templates; `{s}` is a street, `{n}` a number.
const PROBLEMS: &[(&str, &str)] = &[
    (
        "Дупка на улицата",
        "Има голяма дупка на {s} пред номер {n}. Колите минават през нея и е опасно.",
    ),
    (
        "Дупките по пътя",
        "Дупките по {s} стават все по-дълбоки след дъждовете. Моля, запълнете ги.",
    ),
    (
        "Не свети уличната лампа",
        "Уличната лампа пред блок {n} на {s} не свети от седмица.",
    ),
    (
        "Уличното осветление не работи",
        "Цялото улично осветление на {s} е изгаснало, вечер е тъмно и опасно.",
    ),
    (
        "Преливащи контейнери",
        "Контейнерите за смет на {s} {n} преливат, боклукът не е извозван от дни.",
    ),
    (
        "Незаконно сметище",
        "На {s} до номер {n} е изхвърлен строителен отпадък и се образува сметище.",
    ),
    (
        "Счупена пейка в парка",
        "Пейките в градинката на {s} са счупени и децата се нараняват.",
    ),
    (
        "Паднало дърво",
        "След бурята на {s} {n} падна дърво върху тротоара и пречи на пешеходците.",
    ),
    (
        "Бездомни кучета",
        "Глутница бездомни кучета гони минувачите на {s}, особено сутрин.",
    ),
    (
        "Шум през нощта",
        "Заведението на {s} {n} пуска силна музика след полунощ.",
    ),
    (
        "Предложение за детска площадка",
        "Предлагам да се изгради детска площадка в междублоковото пространство на {s}.",
    ),
    (
        "Благодарност към служител",
        "Благодаря на служителката от общината за бързото съдействие за удостоверението.",
    ),
    (
        "Забавено удостоверение",
        "Чакам удостоверение за наследници повече от месец, а срокът е седем дни.",
    ),
    (
        "Спукан водопровод",
        "На {s} {n} от седмица тече вода от спукан водопровод и се образува локва.",
    ),
    (
        "Неправилно паркирани коли",
        "Колите паркират върху тротоара на {s} и майките с колички минават по платното.",
    ),
];

const KINDS: &[&str] = &[
    "signal",
    "signal",
    "signal",
    "signal",
    "complaint",
    "proposal",
    "opinion",
    "comment",
    "praise",
    "application",
];
const CHANNELS: &[&str] = &[
    "web",
    "web",
    "web",
    "email",
    "phone",
    "signal_box",
    "post",
    "in_person_written",
    "in_person_oral",
];
const STATUSES: &[&str] = &[
    "answered",
    "answered",
    "answered",
    "closed",
    "closed",
    "in_progress",
    "assigned",
    "registered",
    "duplicate",
    "not_considered",
];

/// A realistic case: a problem on a street, some filler words, a spread of kinds, channels,
/// statuses, departments and officers; one in a hundred a corruption signal.
fn generate(id: i64, rng: &mut StdRng) -> CaseDoc {
    let (subject, body) = rng.pick(PROBLEMS, PROBLEMS[0]);
    let street = rng.pick(STREETS, STREETS[0]);
    let n = rng.range(1, 119);
    let body = body.replace("{s}", street).replace("{n}", &n.to_string());
    let sealed = rng.one_in(100);
    let status = rng.pick(STATUSES, "registered");
    // Three years of cases, newest last.
    let received_at = 1_700_000_000 + id * 90;
    let day = jiff::Timestamp::from_second(received_at)
        .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
        .unwrap_or_default();
    CaseDoc {
        id,
        number: format!("{}-{:06}", day.year(), id % 1_000_000),
        kind: if sealed {
            "corruption_signal".into()
        } else {
            rng.pick(KINDS, "signal").into()
        },
        channel: rng.pick(CHANNELS, "web").into(),
        status: status.into(),
        open: matches!(status, "registered" | "assigned" | "in_progress"),
        subject: subject.into(),
        body: body.clone(),
        address: Some(format!("{street} {n}, Хасково")),
        answer: (status == "answered")
            .then(|| "Проблемът е отстранен от общинското предприятие.".to_owned()),
        department_id: Some(rng.range(1, 8)),
        assignee_id: Some(rng.range(1, 200)),
        sealed,
        about_employee: rng.one_in(200),
        conflicted_user_ids: if rng.one_in(50) {
            vec![rng.range(1, 200)]
        } else {
            Vec::new()
        },
        received_at,
        received_day: i64::from(day.year()) * 10_000
            + i64::from(day.month()) * 100
            + i64::from(day.day()),
    }
}

/// A small deterministic generator (SplitMix64): the same cases on every run.
struct StdRng(u64);

impl StdRng {
    fn seed_from_u64(seed: u64) -> StdRng {
        StdRng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = u64::try_from(hi - lo + 1).unwrap_or(1).max(1);
        lo + i64::try_from(self.next() % span).unwrap_or(0)
    }

    /// True once in `n` times.
    fn one_in(&mut self, n: u64) -> bool {
        self.next().is_multiple_of(n.max(1))
    }

    fn pick<T: Copy>(&mut self, items: &[T], default: T) -> T {
        let len = u64::try_from(items.len()).unwrap_or(0);
        if len == 0 {
            return default;
        }
        let i = usize::try_from(self.next() % len).unwrap_or(0);
        items.get(i).copied().unwrap_or(default)
    }
}

struct Row {
    name: String,
    median: Duration,
    p95: Duration,
    hits: f64,
}

fn measure(
    name: &str,
    queries: usize,
    mut one: impl FnMut(usize) -> anyhow::Result<usize>,
) -> anyhow::Result<Row> {
    // Warm-up.
    for i in 0..queries.min(20) {
        one(i)?;
    }
    let mut times = Vec::with_capacity(queries);
    let mut hits = 0usize;
    for i in 0..queries {
        let start = Instant::now();
        hits += one(i)?;
        times.push(start.elapsed());
    }
    times.sort_unstable();
    let at = |q: f64| {
        let i = ((times.len() as f64 - 1.0) * q).round() as usize;
        times.get(i).copied().unwrap_or_default()
    };
    Ok(Row {
        name: name.to_owned(),
        median: at(0.5),
        p95: at(0.95),
        hits: hits as f64 / queries.max(1) as f64,
    })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn folder_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

pub fn run(args: BenchSearchArgs) -> anyhow::Result<ExitCode> {
    let temp = tempfile::tempdir()?;
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| temp.path().join("index"));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    let index = SearchIndex::open_in_dir(&dir)
        .map_err(|e| anyhow!("{e}"))?
        .with_writer(2, 256_000_000);

    // 1. Build the index.
    let bar = ProgressBar::new(args.cases).with_style(
        ProgressStyle::with_template("indexing {bar:40} {pos}/{len} · {per_sec} · {eta} left")
            .map_err(|e| anyhow!("{e}"))?,
    );
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(2026);
    let mut batch = Vec::with_capacity(10_000);
    for id in 1..=i64::try_from(args.cases)? {
        batch.push(generate(id, &mut rng));
        if batch.len() == 10_000 {
            index.upsert(&batch).map_err(|e| anyhow!("{e}"))?;
            bar.inc(batch.len() as u64);
            batch.clear();
        }
    }
    index.upsert(&batch).map_err(|e| anyhow!("{e}"))?;
    bar.inc(batch.len() as u64);
    index
        .commit(&Marker {
            version: INDEX_VERSION,
            count: args.cases,
            max_id: i64::try_from(args.cases)?,
            max_updated_at: None,
        })
        .map_err(|e| anyhow!("{e}"))?;
    bar.finish_and_clear();
    let build = started.elapsed();

    // 2. Query latency.
    let words = [
        "дупки на улицата",
        "dupka na ulicata",
        "не свети лампата",
        "контейнерите за смет",
        "паднало дърво",
        "bezdomni kucheta",
        "удостоверение за наследници",
        "водопровод",
    ];
    let raw_terms: Vec<String> = ["дупки", "лампата", "контейнери", "дърво", "кучета"]
        .iter()
        .filter_map(|w| normalise_word(w))
        .collect();
    let clerk = Visibility {
        hide_conflicted_for: Some(7),
        ..Visibility::default()
    };
    let officer = Visibility {
        assignee_id: Some(42),
        hide_about_employee: true,
        hide_conflicted_for: Some(42),
        ..Visibility::default()
    };
    let head = Visibility {
        department_id: Some(3),
        hide_about_employee: true,
        hide_conflicted_for: Some(3),
        ..Visibility::default()
    };
    let err = |e: priemna_search::SearchError| anyhow!("{e}");
    let q = args.queries.max(1);
    let mut rows = Vec::new();
    rows.push(measure(
        "baseline: raw term query, top 20, no analysis",
        q,
        |i| {
            index
                .raw_term_search(&raw_terms[i % raw_terms.len()], 20)
                .map_err(err)
        },
    )?);
    rows.push(measure(
        "search, registry clerk (analysed, ranked, 20 snippets)",
        q,
        |i| {
            let page = index
                .search(words[i % words.len()], &Filters::default(), &clerk, 0, 20)
                .map_err(err)?;
            Ok(page.hits.len())
        },
    )?);
    rows.push(measure("search, clerk, page 5", q, |i| {
        let page = index
            .search(words[i % words.len()], &Filters::default(), &clerk, 80, 20)
            .map_err(err)?;
        Ok(page.hits.len())
    })?);
    // The last year of the generated cases.
    let last = generate(i64::try_from(args.cases)?, &mut StdRng::seed_from_u64(1));
    let year_before = generate(
        (i64::try_from(args.cases)? - 365 * 960).max(1),
        &mut StdRng::seed_from_u64(1),
    );
    rows.push(measure(
        "search, clerk, filters (signal, open, last year)",
        q,
        |i| {
            let filters = Filters {
                kind: Some("signal".into()),
                open_only: true,
                from_day: Some(year_before.received_day),
                to_day: Some(last.received_day),
                ..Filters::default()
            };
            let page = index
                .search(words[i % words.len()], &filters, &clerk, 0, 20)
                .map_err(err)?;
            Ok(page.hits.len())
        },
    )?);
    rows.push(measure("search, case officer (own cases only)", q, |i| {
        let page = index
            .search(words[i % words.len()], &Filters::default(), &officer, 0, 20)
            .map_err(err)?;
        Ok(page.hits.len())
    })?);
    rows.push(measure("search, head of department", q, |i| {
        let page = index
            .search(words[i % words.len()], &Filters::default(), &head, 0, 20)
            .map_err(err)?;
        Ok(page.hits.len())
    })?);
    let mut rng = StdRng::seed_from_u64(7);
    let newest = i64::try_from(args.cases)?;
    let fresh: Vec<CaseDoc> = (0..32)
        .map(|i| generate(newest + 1 + i, &mut rng))
        .collect();
    rows.push(measure(
        "possible duplicates of a new case (90 days)",
        q,
        |i| {
            let case = &fresh[i % fresh.len()];
            let since = case.received_at - 90 * 86_400;
            Ok(index.similar(case, since, &clerk, 5).map_err(err)?.len())
        },
    )?);

    let baseline = rows.first().map(|r| r.median).unwrap_or_default();
    println!(
        "### Search, {} cases — {}\n",
        args.cases,
        priemna_domain::clock::local_date(priemna_app::SystemClock.now())
    );
    println!(
        "Index built in {:.1} s ({:.0} cases/s); {:.0} MiB on disk. {} queries per measurement, one at a time.\n",
        build.as_secs_f64(),
        args.cases as f64 / build.as_secs_f64().max(1e-9),
        folder_size(&dir) as f64 / 1_048_576.0,
        q
    );
    println!("| measurement | median ms | p95 ms | median vs baseline | hits per query |");
    println!("|---|---:|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {:.2} | {:.2} | {:.1}× | {:.1} |",
            r.name,
            ms(r.median),
            ms(r.p95),
            r.median.as_secs_f64() / baseline.as_secs_f64().max(1e-9),
            r.hits
        );
    }
    Ok(ExitCode::SUCCESS)
}
