//! The annual report on feedback: what the Ordinance on administrative service (Наредба за
//! административното обслужване) asks an administration to report each year about the
//! feedback it received — the signals, proposals, complaints and praise by kind and channel;
//! how many were answered and how many within the deadline; those not considered and why; those
//! forwarded; the results of the satisfaction survey; the most frequent topics; and the figures
//! of each department.
//!
//! The report is built once as content ([`AnnualReport`]: sections of paragraphs and tables,
//! every text in Bulgarian and English) and rendered twice: as a printable HTML page in the
//! reader's language, and as a PDF in Bulgarian with the letters' machinery (DejaVu Serif
//! embedded).

use super::view::{self, Axis, Breakdowns, days, int, percent};
use crate::lang::Lang;
use jiff::Timestamp;
use maud::{Markup, html};
use priemna_app::stats::StatsView;
use priemna_domain::Kind;
use priemna_domain::clock::municipal_tz;
use priemna_domain::stats::Tally;
use priemna_letters::pdf::{Align, Document, PdfError, Style};

/// A text in Bulgarian and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub bg: String,
    pub en: String,
}

impl Text {
    pub fn pick(&self, lang: Lang) -> &str {
        match lang {
            Lang::Bg => &self.bg,
            Lang::En => &self.en,
        }
    }
}

fn t(bg: impl Into<String>, en: impl Into<String>) -> Text {
    Text {
        bg: bg.into(),
        en: en.into(),
    }
}

fn num(n: u64) -> Text {
    t(int(n, Lang::Bg), int(n, Lang::En))
}

fn pct(share: Option<f64>) -> Text {
    t(percent(share, Lang::Bg), percent(share, Lang::En))
}

fn dys(d: Option<u32>) -> Text {
    t(days(d, Lang::Bg), days(d, Lang::En))
}

fn dec(v: Option<f64>) -> Text {
    t(view::decimal(v, 2, Lang::Bg), view::decimal(v, 2, Lang::En))
}

/// A table: headings (a `\n` in a heading breaks it on two lines in the PDF), then rows whose
/// first cell names the row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub caption: Text,
    pub headings: Vec<Text>,
    pub rows: Vec<Vec<Text>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub id: &'static str,
    pub title: Text,
    pub paragraphs: Vec<Text>,
    pub table: Option<Table>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnualReport {
    pub year: i16,
    pub title: Text,
    pub organisation: String,
    pub computed_at: Option<Timestamp>,
    pub sections: Vec<Section>,
}

fn when(at: Option<Timestamp>) -> Text {
    match at {
        Some(at) => {
            let zoned = at.to_zoned(municipal_tz());
            t(
                format!(
                    "{}\u{a0}г., {}\u{a0}ч.",
                    zoned.strftime("%d.%m.%Y"),
                    zoned.strftime("%H:%M")
                ),
                format!(
                    "{} {}",
                    zoned.strftime("%-d %B %Y"),
                    zoned.strftime("%H:%M")
                ),
            )
        }
        None => t("(още не са изчислени)", "(not computed yet)"),
    }
}

/// `text` ending with one full stop ("…, 09:53 ч." is not given a second one).
fn sentence_end(text: &str) -> String {
    if text.ends_with('.') {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

fn outcome_headings() -> Vec<Text> {
    vec![
        t("Получени", "Received"),
        t("Отговорени", "Answered"),
        t("В срок", "On time"),
        t("Със\nзакъснение", "Late"),
        t("Без\nразглеждане", "Not\nconsidered"),
        t("Препратени", "Forwarded"),
    ]
}

fn outcome_cells(tally: &Tally) -> Vec<Text> {
    vec![
        num(tally.received),
        num(tally.answered),
        num(tally.on_time),
        num(tally.late),
        num(tally.not_considered),
        num(tally.forwarded),
    ]
}

fn with_label(label: Text, cells: Vec<Text>) -> Vec<Text> {
    let mut row = vec![label];
    row.extend(cells);
    row
}

/// Builds the report of `year` from its figures.
pub fn build(view: &StatsView, year: i16, organisation: &str, ongoing: bool) -> AnnualReport {
    let total = &view.report.total;
    let mut sections = Vec::new();

    let mut intro = vec![t(
        format!(
            "Отчетът обобщава обратната връзка, която {organisation} получи през {year}\u{a0}г. по \
             всички канали — предложения, сигнали, жалби, похвали, мнения, коментари, сигнали за \
             корупция и заявления, — как и в какви срокове е отговорено, и резултатите от \
             проучването на удовлетвореността на потребителите, както изисква Наредбата за \
             административното обслужване."
        ),
        format!(
            "This report sums up the feedback {organisation} received in {year} through every \
             channel — proposals, signals, complaints, praise, opinions, comments, corruption \
             signals and applications —, how and how soon it was answered, and the results of \
             the satisfaction survey, as the Ordinance on administrative service requires."
        ),
    )];
    let as_of = when(view.freshness.computed_at);
    intro.push(t(
        format!("Данни към {}", sentence_end(&as_of.bg)),
        format!("Figures as of {}.", as_of.en),
    ));
    if ongoing {
        intro.push(t(
            "Годината още не е приключила: отчетът показва данните до момента.",
            "The year is not over yet: the report shows the figures so far.",
        ));
    }
    sections.push(Section {
        id: "report-intro",
        title: t("Въведение", "Introduction"),
        paragraphs: intro,
        table: None,
    });

    // 1. By kind.
    sections.push(Section {
        id: "report-kinds",
        title: t(
            "1. Получени предложения, сигнали, жалби и похвали",
            "1. Proposals, signals, complaints and praise received",
        ),
        paragraphs: vec![t(
            format!("Общо получени: {}.", int(total.received, Lang::Bg)),
            format!("Received in total: {}.", int(total.received, Lang::En)),
        )],
        table: Some(Table {
            caption: t(
                "Получени по вид и какво стана с тях",
                "Received by kind, and what became of them",
            ),
            headings: std::iter::once(t("Вид", "Kind"))
                .chain(outcome_headings())
                .collect(),
            rows: view
                .report
                .by_kind
                .iter()
                .map(|(kind, tally)| {
                    with_label(t(kind.label_bg(), kind.label_en()), outcome_cells(tally))
                })
                .chain(std::iter::once(with_label(
                    t("Общо", "Total"),
                    outcome_cells(total),
                )))
                .collect(),
        }),
    });

    // 2. By channel.
    sections.push(Section {
        id: "report-channels",
        title: t("2. По канал на подаване", "2. By channel"),
        paragraphs: Vec::new(),
        table: Some(Table {
            caption: t("Получени по канал на подаване", "Received by channel"),
            headings: vec![
                t("Канал", "Channel"),
                t("Получени", "Received"),
                t("Отговорени", "Answered"),
                t("В срок", "On time"),
                t("Дял\nв срок", "On-time\nshare"),
            ],
            rows: view
                .report
                .by_channel
                .iter()
                .map(|(channel, tally)| {
                    vec![
                        t(channel.label_bg(), channel.label_en()),
                        num(tally.received),
                        num(tally.answered),
                        num(tally.on_time),
                        pct(tally.on_time_share()),
                    ]
                })
                .collect(),
        }),
    });

    // 3. Answers and deadlines.
    sections.push(Section {
        id: "report-answers",
        title: t("3. Отговори и срокове", "3. Answers and deadlines"),
        paragraphs: vec![
            t(
                format!(
                    "Писмено отговорени: {}; от тях в срок: {} ({} от отговорите), със закъснение: {}.",
                    int(total.answered, Lang::Bg),
                    int(total.on_time, Lang::Bg),
                    percent(total.on_time_share(), Lang::Bg),
                    int(total.late, Lang::Bg)
                ),
                format!(
                    "Answered in writing: {}; of these on time: {} ({} of the answers), late: {}.",
                    int(total.answered, Lang::En),
                    int(total.on_time, Lang::En),
                    percent(total.on_time_share(), Lang::En),
                    int(total.late, Lang::En)
                ),
            ),
            t(
                format!(
                    "Срокът е удължен за проверка при {}. Без отговор след изтичане на срока към датата на данните: {}.",
                    int(total.extended, Lang::Bg),
                    int(total.overdue, Lang::Bg)
                ),
                format!(
                    "The deadline was extended for an inspection in {} cases. Not answered past the deadline at the date of the figures: {}.",
                    int(total.extended, Lang::En),
                    int(total.overdue, Lang::En)
                ),
            ),
            t(
                format!(
                    "Време за отговор: медиана {}; 90 % от отговорите — до {}.",
                    days(total.median_days(), Lang::Bg),
                    days(total.p90_days(), Lang::Bg)
                ),
                format!(
                    "Time to answer: median {}; 90% of the answers within {}.",
                    days(total.median_days(), Lang::En),
                    days(total.p90_days(), Lang::En)
                ),
            ),
        ],
        table: Some(Table {
            caption: t("По месеци на получаване", "By month of receipt"),
            headings: vec![
                t("Месец", "Month"),
                t("Получени", "Received"),
                t("Отговорени", "Answered"),
                t("В срок", "On time"),
                t("Със\nзакъснение", "Late"),
                t("Просрочени\nсега", "Overdue\nnow"),
            ],
            rows: view
                .report
                .by_month
                .iter()
                .map(|(month, tally)| {
                    vec![
                        t(month.label_bg(), month.label_en()),
                        num(tally.received),
                        num(tally.answered),
                        num(tally.on_time),
                        num(tally.late),
                        num(tally.overdue),
                    ]
                })
                .collect(),
        }),
    });

    // 4. Not considered, and why.
    let rules = view.breakdown(Axis::Rule);
    sections.push(Section {
        id: "report-not-considered",
        title: t(
            "4. Оставени без разглеждане и основанията",
            "4. Not considered, and why",
        ),
        paragraphs: vec![t(
            format!(
                "Оставени без разглеждане по правило на хартата или закона: {}.",
                int(total.not_considered, Lang::Bg)
            ),
            format!(
                "Left unanswered under a rule of the charter or the law: {}.",
                int(total.not_considered, Lang::En)
            ),
        )],
        table: (!rules.rows.is_empty()).then(|| Table {
            caption: t(
                "Основания за оставяне без разглеждане",
                "Reasons for leaving unanswered",
            ),
            headings: vec![t("Основание", "Reason"), t("Преписки", "Cases")],
            rows: rules
                .rows
                .iter()
                .map(|r| {
                    vec![
                        t(r.label_bg.clone(), r.label_en.clone()),
                        num(r.tally.received),
                    ]
                })
                .collect(),
        }),
    });

    // 5. Forwarded, merged, closed without an answer.
    sections.push(Section {
        id: "report-forwarded",
        title: t(
            "5. Препратени по компетентност",
            "5. Forwarded to the competent body",
        ),
        paragraphs: vec![t(
            format!(
                "Препратени по компетентност: {}. Обединени с друга преписка за същия проблем: {}. \
                 Приключени без писмен отговор (напр. похвали и мнения, по които не се дължи отговор): {}.",
                int(total.forwarded, Lang::Bg),
                int(total.merged, Lang::Bg),
                int(total.closed_without_answer, Lang::Bg)
            ),
            format!(
                "Forwarded to the competent body: {}. Merged with another case about the same \
                 problem: {}. Closed without a written answer (e.g. praise and opinions, which need \
                 none): {}.",
                int(total.forwarded, Lang::En),
                int(total.merged, Lang::En),
                int(total.closed_without_answer, Lang::En)
            ),
        )],
        table: None,
    });

    // 6. The satisfaction survey.
    let scores = [
        t("5 — много доволни", "5 — very satisfied"),
        t("4 — доволни", "4 — satisfied"),
        t("3 — неутрални", "3 — neutral"),
        t("2 — недоволни", "2 — dissatisfied"),
        t("1 — много недоволни", "1 — very dissatisfied"),
    ];
    sections.push(Section {
        id: "report-satisfaction",
        title: t(
            "6. Резултати от проучването на удовлетвореността",
            "6. Results of the satisfaction survey",
        ),
        paragraphs: vec![t(
            format!(
                "Оценки след отговора: {}; средна оценка {} от 5; доволни (4 или 5): {}.",
                int(total.rating_count(), Lang::Bg),
                dec(total.mean_rating()).bg,
                percent(total.satisfied_share(), Lang::Bg)
            ),
            format!(
                "Ratings after the answer: {}; mean rating {} of 5; satisfied (4 or 5): {}.",
                int(total.rating_count(), Lang::En),
                dec(total.mean_rating()).en,
                percent(total.satisfied_share(), Lang::En)
            ),
        )],
        table: Some(Table {
            caption: t("Оценки по брой", "Ratings by score"),
            headings: vec![t("Оценка", "Rating"), t("Брой", "Number")],
            rows: scores
                .into_iter()
                .zip(total.ratings.iter().rev())
                .map(|(label, count)| vec![label, num(*count)])
                .collect(),
        }),
    });

    // 7. Praise and complaints.
    let praise = view.report.kind(Kind::Praise);
    let complaints = view.report.kind(Kind::Complaint);
    sections.push(Section {
        id: "report-praise",
        title: t("7. Похвали и жалби", "7. Praise and complaints"),
        paragraphs: vec![t(
            format!(
                "Похвали: {}; жалби: {}, от които отговорени в срок {} ({} от отговорите).",
                int(praise.received, Lang::Bg),
                int(complaints.received, Lang::Bg),
                int(complaints.on_time, Lang::Bg),
                percent(complaints.on_time_share(), Lang::Bg)
            ),
            format!(
                "Praise: {}; complaints: {}, of which answered on time {} ({} of the answers).",
                int(praise.received, Lang::En),
                int(complaints.received, Lang::En),
                int(complaints.on_time, Lang::En),
                percent(complaints.on_time_share(), Lang::En)
            ),
        )],
        table: None,
    });

    // 8. Topics.
    sections.push(Section {
        id: "report-topics",
        title: t("8. Най-чести теми", "8. Most frequent topics"),
        paragraphs: if view.topics.is_empty() {
            vec![t(
                super::sections::no_topics(Lang::Bg),
                super::sections::no_topics(Lang::En),
            )]
        } else {
            vec![t(
                super::sections::topics_explained(Lang::Bg),
                super::sections::topics_explained(Lang::En),
            )]
        },
        table: (!view.topics.is_empty()).then(|| Table {
            caption: t("Най-чести теми", "Most frequent topics"),
            headings: vec![t("Тема", "Topic"), t("Преписки", "Cases")],
            rows: view
                .topics
                .iter()
                .map(|topic| {
                    vec![
                        t(topic.label.clone(), topic.label.clone()),
                        num(topic.count),
                    ]
                })
                .collect(),
        }),
    });

    // 9. Departments.
    let departments = view.breakdown(Axis::Department);
    sections.push(Section {
        id: "report-departments",
        title: t("9. По звена", "9. By department"),
        paragraphs: Vec::new(),
        table: (!departments.rows.is_empty()).then(|| Table {
            caption: t("Преписки по звена", "Cases by department"),
            headings: vec![
                t("Звено", "Department"),
                t("Получени", "Received"),
                t("Отговорени", "Answered"),
                t("В срок", "On time"),
                t("Дял\nв срок", "On-time\nshare"),
                t("Просрочени\nсега", "Overdue\nnow"),
                t("Медиана", "Median"),
            ],
            rows: departments
                .rows
                .iter()
                .map(|r| {
                    vec![
                        t(r.label_bg.clone(), r.label_en.clone()),
                        num(r.tally.received),
                        num(r.tally.answered),
                        num(r.tally.on_time),
                        pct(r.tally.on_time_share()),
                        num(r.tally.overdue),
                        dys(r.tally.median_days()),
                    ]
                })
                .collect(),
        }),
    });

    AnnualReport {
        year,
        title: t(
            format!("Годишен отчет за обратната връзка от потребителите за {year}\u{a0}г."),
            format!("Annual report on users' feedback, {year}"),
        ),
        organisation: organisation.to_owned(),
        computed_at: view.freshness.computed_at,
        sections,
    }
}

/// The report as the body of a printable page.
pub fn html(report: &AnnualReport, lang: Lang) -> Markup {
    html! {
        article.report {
            h1 { (report.title.pick(lang)) }
            p.lead { (report.organisation) }
            p.no-print {
                a href=(format!("/statistics/report/{}.pdf", report.year)) {
                    (lang.pick("Отчетът като PDF", "The report as PDF"))
                }
                " · "
                a href=(format!("/statistics?year={}", report.year)) {
                    (lang.pick("Статистиката с графики", "The statistics with charts"))
                }
            }
            @for section in &report.sections {
                section aria-labelledby=(format!("{}-heading", section.id)) {
                    h2 id=(format!("{}-heading", section.id)) { (section.title.pick(lang)) }
                    @for paragraph in &section.paragraphs { p { (paragraph.pick(lang)) } }
                    @if let Some(table) = &section.table {
                        div.table-wrap tabindex="0" role="region" aria-label=(table.caption.pick(lang)) {
                            table.stacked id=(format!("{}-table", section.id)) {
                                caption { (table.caption.pick(lang)) }
                                thead { tr {
                                    @for heading in &table.headings {
                                        th scope="col" { (heading.pick(lang).replace('\n', " ")) }
                                    }
                                } }
                                tbody {
                                    @for row in &table.rows {
                                        tr {
                                            @for (i, cell) in row.iter().enumerate() {
                                                @let heading = table.headings.get(i).map(|h| h.pick(lang).replace('\n', " "));
                                                @if i == 0 { th scope="row" data-label=[heading] { (cell.pick(lang)) } }
                                                @else { td data-label=[heading] { (cell.pick(lang)) } }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

const BODY: f32 = 10.5;
const TABLE: f32 = 8.5;
/// The smallest size a table's headings shrink to before their words are broken.
const TABLE_SMALLEST: f32 = 7.0;
/// The least width of a number's column, and the space that keeps it apart from the column
/// before it, in points.
const COLUMN: f32 = 40.0;
const GAP: f32 = 9.0;
/// The least width of the first column, whatever its labels (kinds, channels, departments:
/// wrapped, never cut), and the most it asks for before the headings get smaller.
const LABEL: (f32, f32) = (80.0, 140.0);

/// The widest of `texts` in `style` at `size`.
fn widest<'a>(
    doc: &mut Document,
    style: Style,
    size: f32,
    texts: impl IntoIterator<Item = &'a str>,
) -> f32 {
    texts
        .into_iter()
        .map(|t| doc.text_width(style, size, t))
        .fold(0.0, f32::max)
}

/// The widths of a table's columns of numbers (each with the gap before it) and the size of
/// the headings: a column is as wide as its widest number and the longest word of its
/// heading, so that headings wrap within their column and never run into the next one; the
/// headings get smaller when the first column would be left narrower than its longest label
/// (within [`LABEL`]).
fn column_widths(doc: &mut Document, table: &Table) -> (Vec<f32>, f32) {
    let full = Document::content_width();
    let labels = widest(
        doc,
        Style::Regular,
        TABLE,
        table
            .rows
            .iter()
            .filter_map(|r| r.first())
            .map(|c| c.bg.as_str()),
    );
    let least_label = (labels + GAP).clamp(LABEL.0, LABEL.1);
    let mut size = TABLE;
    loop {
        let widths: Vec<f32> = (1..table.headings.len())
            .map(|i| {
                let heading = widest(
                    doc,
                    Style::Bold,
                    size,
                    table.headings[i].bg.split_whitespace(),
                );
                let values = widest(
                    doc,
                    Style::Regular,
                    TABLE,
                    table
                        .rows
                        .iter()
                        .filter_map(|r| r.get(i))
                        .map(|c| c.bg.as_str()),
                );
                heading.max(values).max(COLUMN) + GAP
            })
            .collect();
        if full - widths.iter().sum::<f32>() >= least_label || size <= TABLE_SMALLEST {
            return (widths, size);
        }
        size -= 0.5;
    }
}

/// A heading's lines within `width`: its own line breaks first, then between words.
fn heading_lines(doc: &mut Document, size: f32, heading: &str, width: f32) -> Vec<String> {
    heading
        .split('\n')
        .flat_map(|line| doc.wrap(Style::Bold, size, line, width))
        .collect()
}

fn pdf_table(doc: &mut Document, table: &Table) {
    let full = Document::content_width();
    let (widths, heading_size) = column_widths(doc, table);
    let label_width = (full - widths.iter().sum::<f32>()).max(GAP);
    // The right edge of each column of numbers, from the left margin.
    let rights: Vec<f32> = widths
        .iter()
        .scan(label_width, |right, w| {
            *right += w;
            Some(*right)
        })
        .collect();
    let headings: Vec<Vec<String>> = table
        .headings
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let width = if i == 0 {
                label_width - GAP
            } else {
                widths[i - 1] - GAP
            };
            heading_lines(doc, heading_size, &h.bg, width)
        })
        .collect();
    let height = headings.iter().map(Vec::len).max().unwrap_or(1);
    doc.space(4.0);
    doc.keep_together(TABLE * 1.4 * (height as f32 + 4.0));
    doc.line(Style::Bold, 9.5, Align::Left, &table.caption.bg);
    // Headings sit on the rule under them; numbers' headings are aligned right.
    for line in 0..height {
        let mut cells: Vec<(f32, String)> = Vec::new();
        for (i, lines) in headings.iter().enumerate() {
            let Some(text) = (line + lines.len())
                .checked_sub(height)
                .and_then(|at| lines.get(at))
            else {
                continue;
            };
            let x = if i == 0 {
                0.0
            } else {
                rights[i - 1] - doc.text_width(Style::Bold, heading_size, text)
            };
            cells.push((x, text.clone()));
        }
        let cells: Vec<(f32, &str)> = cells.iter().map(|(x, s)| (*x, s.as_str())).collect();
        doc.row(Style::Bold, heading_size, &cells);
    }
    doc.rule();
    for row in &table.rows {
        let label = row
            .first()
            .map(|c| doc.wrap(Style::Regular, TABLE, &c.bg, label_width - GAP))
            .unwrap_or_default();
        doc.keep_together(TABLE * 1.4 * label.len().max(1) as f32);
        let mut cells: Vec<(f32, String)> = Vec::new();
        if let Some(first) = label.first() {
            cells.push((0.0, first.clone()));
        }
        for (i, cell) in row.iter().enumerate().skip(1) {
            let Some(right) = rights.get(i - 1) else {
                continue;
            };
            let width = doc.text_width(Style::Regular, TABLE, &cell.bg);
            cells.push((right - width, cell.bg.clone()));
        }
        let cells: Vec<(f32, &str)> = cells.iter().map(|(x, s)| (*x, s.as_str())).collect();
        doc.row(Style::Regular, TABLE, &cells);
        // A long label goes on under itself.
        for more in label.iter().skip(1) {
            doc.row(Style::Regular, TABLE, &[(0.0, more.as_str())]);
        }
    }
    doc.space(8.0);
}

/// The report as PDF, in Bulgarian.
pub fn pdf(report: &AnnualReport, created: Timestamp) -> Result<Vec<u8>, PdfError> {
    let mut doc = Document::new()?;
    doc.line(
        Style::Bold,
        15.0,
        Align::Center,
        &report.organisation.to_uppercase(),
    );
    doc.space(6.0);
    doc.paragraph(Style::Bold, 13.0, &report.title.bg);
    doc.rule();
    for section in &report.sections {
        doc.space(6.0);
        doc.keep_together(60.0);
        doc.paragraph(Style::Bold, 11.5, &section.title.bg);
        doc.space(2.0);
        for paragraph in &section.paragraphs {
            doc.paragraph(Style::Regular, BODY, &paragraph.bg);
            doc.space(3.0);
        }
        if let Some(table) = &section.table {
            pdf_table(&mut doc, table);
        }
    }
    let organisation = report.organisation.clone();
    let year = report.year;
    doc.finish(
        &report.title.bg,
        created.to_zoned(municipal_tz()).datetime(),
        move |page, pages| {
            format!("{organisation} · Годишен отчет за {year}\u{a0}г. · стр. {page} от {pages}")
        },
    )
}
