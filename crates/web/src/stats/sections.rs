//! The parts of the statistics pages, in the reader's language: the key figures, the outcome
//! bar, each breakdown as a chart with its table, the survey's results, praise and complaints,
//! the most frequent topics. Both the public page and the back office's page are made of them;
//! each chart is paired with a table (`<caption>`, same numbers).

use super::svg::{self, Bar, Caption, Segment};
use super::view::{self, Axis, Breakdowns, Row, days, int, percent};
use crate::lang::Lang;
use maud::{Markup, html};
use priemna_app::stats::StatsView;
use priemna_domain::Kind;
use priemna_domain::stats::{Month, Tally};

const SHORT_MONTHS_BG: [&str; 12] = [
    "яну", "фев", "мар", "апр", "май", "юни", "юли", "авг", "сеп", "окт", "ное", "дек",
];
const SHORT_MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn short_month(month: Month, lang: Lang, with_year: bool) -> String {
    let index = usize::from(month.month().unsigned_abs().clamp(1, 12) - 1);
    let name = match lang {
        Lang::Bg => SHORT_MONTHS_BG[index],
        Lang::En => SHORT_MONTHS_EN[index],
    };
    if with_year {
        format!("{name} {:02}", month.year() % 100)
    } else {
        name.to_owned()
    }
}

/// "Name 12, other 3, …" for a chart's description.
fn listing(bars: &[Bar]) -> String {
    bars.iter()
        .map(|b| format!("{} — {}", b.label, b.shown))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The figures every statistics page starts with.
pub fn key_figures(view: &StatsView, lang: Lang) -> Markup {
    let t = &view.report.total;
    let l = |bg, en| lang.pick(bg, en);
    let (praise, complaints) = (
        view.report.kind(Kind::Praise),
        view.report.kind(Kind::Complaint),
    );
    html! {
        dl.facts id="key-figures" {
            dt { (l("Получени", "Received")) } dd id="fig-received" { (int(t.received, lang)) }
            dt { (l("Отговорени писмено", "Answered in writing")) } dd id="fig-answered" { (int(t.answered, lang)) }
            dt { (l("Отговорени в срок", "Answered on time")) }
            dd id="fig-on-time" {
                (int(t.on_time, lang)) " (" (percent(t.on_time_share(), lang)) " "
                (l("от отговорените", "of the answers")) ")"
            }
            dt { (l("Отговорени със закъснение", "Answered late")) } dd id="fig-late" { (int(t.late, lang)) }
            dt { (l("Просрочени в момента", "Overdue now")) } dd id="fig-overdue" { (int(t.overdue, lang)) }
            dt { (l("Спазено обещание", "Promise kept")) }
            dd id="fig-kept" {
                (percent(t.kept_share(), lang)) " "
                span.hint { (l("(отговорени в срок от всички с изтекъл срок)", "(answered on time, of all whose deadline has come)")) }
            }
            dt { (l("С удължен срок за проверка", "Deadline extended for an inspection")) } dd id="fig-extended" { (int(t.extended, lang)) }
            dt { (l("Оставени без разглеждане", "Left unanswered under a charter rule")) } dd id="fig-not-considered" { (int(t.not_considered, lang)) }
            dt { (l("Препратени по компетентност", "Forwarded to the competent body")) } dd id="fig-forwarded" { (int(t.forwarded, lang)) }
            dt { (l("Време за отговор (медиана)", "Time to answer (median)")) } dd id="fig-median" { (days(t.median_days(), lang)) }
            dt { (l("Време за отговор (90 % от отговорите до)", "Time to answer (90% of answers within)")) } dd id="fig-p90" { (days(t.p90_days(), lang)) }
            dt { (l("Удовлетвореност", "Satisfaction")) }
            dd id="fig-satisfaction" {
                (l("средна оценка ", "mean rating ")) (view::decimal(t.mean_rating(), 1, lang)) " / 5; "
                (percent(t.satisfied_share(), lang)) " " (l("доволни", "satisfied")) "; "
                (int(t.rating_count(), lang)) " " (l("оценки", "ratings"))
            }
            dt { (l("Похвали и жалби", "Praise and complaints")) }
            dd id="fig-praise" {
                (int(praise.received, lang)) " " (l("похвали", "praise")) " / "
                (int(complaints.received, lang)) " " (l("жалби", "complaints"))
            }
        }
    }
}

/// The parts of the outcome bar, in order.
pub fn outcome_segments(t: &Tally, lang: Lang) -> Vec<Segment> {
    let l = |bg: &str, en: &str| lang.pick(bg, en).to_owned();
    [
        (
            "on_time",
            l("отговорени в срок", "answered on time"),
            t.on_time,
        ),
        (
            "late",
            l("отговорени със закъснение", "answered late"),
            t.late,
        ),
        (
            "overdue",
            l("просрочени, без отговор", "overdue, not answered"),
            t.overdue,
        ),
        (
            "open",
            l("в срок, в процес", "open, within the deadline"),
            t.open,
        ),
        (
            "not_considered",
            l("оставени без разглеждане", "left unanswered"),
            t.not_considered,
        ),
        ("forwarded", l("препратени", "forwarded"), t.forwarded),
        (
            "merged",
            l("обединени с друга преписка", "merged with another case"),
            t.merged,
        ),
        (
            "closed_without_answer",
            l(
                "приключени без писмен отговор",
                "closed without a written answer",
            ),
            t.closed_without_answer,
        ),
    ]
    .into_iter()
    .map(|(key, label, value)| Segment {
        key,
        label,
        value,
        shown: int(value, lang),
    })
    .collect()
}

/// Where the cases of the period stand: the stacked bar and its table.
pub fn outcomes(view: &StatsView, lang: Lang, id: &str) -> Markup {
    let t = &view.report.total;
    let segments = outcome_segments(t, lang);
    let title = lang.pick(
        "Какво стана с получените преписки",
        "What became of the cases received",
    );
    let desc = segments
        .iter()
        .map(|s| format!("{} — {}", s.label, s.shown))
        .collect::<Vec<_>>()
        .join("; ");
    let caption = Caption {
        id,
        title,
        desc: &desc,
    };
    let (outcome, cases, share) = (
        lang.pick("Изход", "Outcome"),
        lang.pick("Преписки", "Cases"),
        lang.pick("Дял от получените", "Share of those received"),
    );
    html! {
        section aria-labelledby=(format!("{id}-heading")) {
            h2 id=(format!("{id}-heading")) { (title) }
            figure.chart-figure {
                (svg::stacked_bar(&caption, &segments))
            }
            div.table-wrap tabindex="0" role="region" aria-label=(title) {
                table.stacked id=(format!("{id}-table")) {
                    caption { (title) ", " (view::period_label(view.period, lang)) }
                    thead { tr {
                        th scope="col" { (outcome) }
                        th scope="col" { (cases) }
                        th scope="col" { (share) }
                    } }
                    tbody {
                        @for s in &segments {
                            tr {
                                th scope="row" data-label=(outcome) { (s.label) }
                                td data-label=(cases) { (s.shown) }
                                td data-label=(share) { (percent((t.received > 0).then(|| s.value as f64 / t.received as f64), lang)) }
                            }
                        }
                    }
                    tfoot { tr {
                        th scope="row" { (lang.pick("Общо получени", "Total received")) }
                        td data-label=(cases) { (int(t.received, lang)) }
                        td data-label=(share) { (percent((t.received > 0).then_some(1.0), lang)) }
                    } }
                }
            }
        }
    }
}

/// The headings of a breakdown's full table, after the label's column.
fn measure_headings(lang: Lang) -> [&'static str; 7] {
    [
        lang.pick("Получени", "Received"),
        lang.pick("Отговорени", "Answered"),
        lang.pick("В срок", "On time"),
        lang.pick("Със закъснение", "Late"),
        lang.pick("Просрочени сега", "Overdue now"),
        lang.pick("Дял в срок", "On-time share"),
        lang.pick("Медиана, дни", "Median, days"),
    ]
}

/// A row's measures, each cell labelled with its heading for the stacked rows of a phone.
fn measure_cells(t: &Tally, lang: Lang) -> Markup {
    let [received, answered, on_time, late, overdue, share, median] = measure_headings(lang);
    html! {
        td data-label=(received) { (int(t.received, lang)) }
        td data-label=(answered) { (int(t.answered, lang)) }
        td data-label=(on_time) { (int(t.on_time, lang)) }
        td data-label=(late) { (int(t.late, lang)) }
        td data-label=(overdue) { (int(t.overdue, lang)) }
        td data-label=(share) { (percent(t.on_time_share(), lang)) }
        td data-label=(median) { (t.median_days().map(|d| d.to_string()).unwrap_or_else(|| "—".into())) }
    }
}

/// A table of rows with every main measure.
pub fn measures_table(
    id: &str,
    caption: &str,
    label_heading: &str,
    rows: &[Row],
    lang: Lang,
) -> Markup {
    html! {
        div.table-wrap tabindex="0" role="region" aria-label=(caption) {
            table.stacked id=(id) {
                caption { (caption) }
                thead { tr {
                    th scope="col" { (label_heading) }
                    @for heading in measure_headings(lang) { th scope="col" { (heading) } }
                } }
                tbody {
                    @for row in rows {
                        tr data-value=(row.value) {
                            th scope="row" data-label=(label_heading) { (row.label(lang)) }
                            (measure_cells(&row.tally, lang))
                        }
                    }
                }
            }
        }
    }
}

/// One breakdown: a chart of the cases received per value, and the table of every measure.
/// Rows without cases are left out of the chart and the table, except for months and kinds.
pub fn breakdown(view: &StatsView, axis: Axis, lang: Lang) -> Markup {
    let breakdown = view.breakdown(axis);
    let keep_empty = matches!(axis, Axis::Month | Axis::Kind);
    let rows: Vec<Row> = breakdown
        .rows
        .into_iter()
        .filter(|r| keep_empty || r.tally.received > 0)
        .collect();
    let (title_bg, title_en) = axis.title();
    let title = lang.pick(title_bg, title_en);
    let (heading_bg, heading_en) = axis.heading();
    let id = format!("stats-{}", axis.as_str().replace('_', "-"));
    let period = view::period_label(view.period, lang);
    let several_years = view.period.from.year() != view.period.to.year();
    let bars: Vec<Bar> = rows
        .iter()
        .map(|row| Bar {
            label: match axis {
                Axis::Month => Month::parse(&row.value)
                    .map(|m| short_month(m, lang, several_years))
                    .unwrap_or_else(|| row.label(lang).to_owned()),
                _ => row.label(lang).to_owned(),
            },
            value: row.tally.received,
            shown: int(row.tally.received, lang),
        })
        .collect();
    let chart_title = format!(
        "{} — {}",
        lang.pick("Получени преписки", "Cases received"),
        title.to_lowercase()
    );
    let desc = listing(
        &rows
            .iter()
            .zip(&bars)
            .map(|(row, bar)| Bar {
                label: row.label(lang).to_owned(),
                value: bar.value,
                shown: bar.shown.clone(),
            })
            .collect::<Vec<_>>(),
    );
    let caption = Caption {
        id: &format!("{id}-chart"),
        title: &chart_title,
        desc: &desc,
    };
    let is_rule = axis == Axis::Rule;
    html! {
        section aria-labelledby=(format!("{id}-heading")) {
            h2 id=(format!("{id}-heading")) { (title) }
            @if rows.is_empty() {
                p { (lang.pick("Няма преписки за периода.", "No cases in the period.")) }
            } @else {
                figure.chart-figure {
                    @if axis == Axis::Month {
                        (svg::column_chart(&caption, &bars))
                    } @else {
                        (svg::bar_chart(&caption, &bars))
                    }
                }
                @if is_rule {
                    (svg::data_table(
                        &format!("{title}, {period}"),
                        lang.pick(heading_bg, heading_en),
                        lang.pick("Преписки", "Cases"),
                        &rows.iter().map(|r| Bar {
                            label: r.label(lang).to_owned(),
                            value: r.tally.received,
                            shown: int(r.tally.received, lang),
                        }).collect::<Vec<_>>(),
                    ))
                } @else {
                    (measures_table(
                        &format!("{id}-table"),
                        &format!("{title}, {period}"),
                        lang.pick(heading_bg, heading_en),
                        &rows,
                        lang,
                    ))
                }
            }
        }
    }
}

/// The survey's results: how many ratings of each score, the mean and the share satisfied.
pub fn satisfaction(view: &StatsView, lang: Lang) -> Markup {
    let t = &view.report.total;
    let names: [(&str, &str); 5] = [
        ("5 — много доволни", "5 — very satisfied"),
        ("4 — доволни", "4 — satisfied"),
        ("3 — неутрални", "3 — neutral"),
        ("2 — недоволни", "2 — dissatisfied"),
        ("1 — много недоволни", "1 — very dissatisfied"),
    ];
    let bars: Vec<Bar> = names
        .iter()
        .zip(t.ratings.iter().rev())
        .map(|((bg, en), count)| Bar {
            label: lang.pick(bg, en).to_owned(),
            value: *count,
            shown: int(*count, lang),
        })
        .collect();
    let title = lang.pick("Проучване на удовлетвореността", "Satisfaction survey");
    let desc = listing(&bars);
    let caption = Caption {
        id: "stats-ratings-chart",
        title,
        desc: &desc,
    };
    html! {
        section aria-labelledby="stats-ratings-heading" {
            h2 id="stats-ratings-heading" { (title) }
            p {
                (lang.pick("Гражданите оценяват обслужването след отговора, от 1 до 5. ", "Citizens rate the handling of their case after the answer, from 1 to 5. "))
                (lang.pick("Оценки: ", "Ratings: ")) strong { (int(t.rating_count(), lang)) } "; "
                (lang.pick("средна оценка: ", "mean rating: ")) strong { (view::decimal(t.mean_rating(), 2, lang)) } "; "
                (lang.pick("доволни (4 или 5): ", "satisfied (4 or 5): ")) strong { (percent(t.satisfied_share(), lang)) } "."
            }
            figure.chart-figure { (svg::bar_chart(&caption, &bars)) }
            (svg::data_table(
                &format!("{title}, {}", view::period_label(view.period, lang)),
                lang.pick("Оценка", "Rating"),
                lang.pick("Брой оценки", "Number of ratings"),
                &bars,
            ))
        }
    }
}

/// Praise against complaints, with what became of them.
pub fn praise_and_complaints(view: &StatsView, lang: Lang) -> Markup {
    let rows: Vec<Row> = [Kind::Praise, Kind::Complaint]
        .into_iter()
        .map(|kind| Row {
            value: kind.as_str().to_owned(),
            label_bg: kind.label_bg().to_owned(),
            label_en: kind.label_en().to_owned(),
            tally: view.report.kind(kind),
        })
        .collect();
    let title = lang.pick("Похвали и жалби", "Praise and complaints");
    let bars: Vec<Bar> = rows
        .iter()
        .map(|r| Bar {
            label: r.label(lang).to_owned(),
            value: r.tally.received,
            shown: int(r.tally.received, lang),
        })
        .collect();
    let desc = listing(&bars);
    let caption = Caption {
        id: "stats-praise-chart",
        title,
        desc: &desc,
    };
    html! {
        section aria-labelledby="stats-praise-heading" {
            h2 id="stats-praise-heading" { (title) }
            figure.chart-figure { (svg::bar_chart(&caption, &bars)) }
            (measures_table(
                "stats-praise-table",
                &format!("{title}, {}", view::period_label(view.period, lang)),
                lang.pick("Вид", "Kind"),
                &rows,
                lang,
            ))
        }
    }
}

/// The words the subjects of the period's cases used most: only words of at least
/// `MIN_TOPIC_CASES` cases, and never from a whistleblower's report, a complaint about an
/// employee, an application or praise (see `priemna_domain::stats::subject_feeds_topics`).
pub fn topics(view: &StatsView, lang: Lang) -> Markup {
    let title = lang.pick("Най-чести теми", "Most frequent topics");
    let bars: Vec<Bar> = view
        .topics
        .iter()
        .map(|t| Bar {
            label: t.label.clone(),
            value: t.count,
            shown: int(t.count, lang),
        })
        .collect();
    let desc = listing(&bars);
    let caption = Caption {
        id: "stats-topics-chart",
        title,
        desc: &desc,
    };
    html! {
        section aria-labelledby="stats-topics-heading" {
            h2 id="stats-topics-heading" { (title) }
            p.hint { (topics_explained(lang)) }
            @if bars.is_empty() {
                p { (no_topics(lang)) }
            } @else {
                figure.chart-figure { (svg::bar_chart(&caption, &bars)) }
                (svg::data_table(
                    &format!("{title}, {}", view::period_label(view.period, lang)),
                    lang.pick("Тема", "Topic"),
                    lang.pick("Преписки", "Cases"),
                    &bars,
                ))
            }
        }
    }
}

/// What the topics are, and what they leave out.
pub fn topics_explained(lang: Lang) -> String {
    let min = priemna_domain::stats::MIN_TOPIC_CASES;
    if lang == Lang::Bg {
        format!(
            "Думите, които заглавията на преписките използват най-често, и в колко преписки се срещат — само думи от поне {min} преписки за периода. Не се броят сигналите за корупция, жалбите срещу служители, заявленията и похвалите."
        )
    } else {
        format!(
            "The words the subjects of the cases use most often, and in how many cases each appears — only words of at least {min} cases in the period. Corruption signals, complaints about employees, applications and praise are not counted."
        )
    }
}

/// Said when no word reached the threshold.
pub fn no_topics(lang: Lang) -> String {
    let min = priemna_domain::stats::MIN_TOPIC_CASES;
    if lang == Lang::Bg {
        format!("Няма дума, използвана в поне {min} преписки за периода.")
    } else {
        format!("No word was used by at least {min} cases in the period.")
    }
}

/// "Figures as of …", and a word when some months are being recomputed.
pub fn freshness(view: &StatsView, lang: Lang, time: impl Fn(jiff::Timestamp) -> String) -> Markup {
    html! {
        p.hint id="stats-freshness" {
            @match view.freshness.computed_at {
                Some(at) => { (lang.pick("Данни към ", "Figures as of ")) (time(at)) "." }
                None => { (lang.pick("Данните още не са изчислени.", "The figures have not been computed yet.")) }
            }
            @if view.freshness.stale_months > 0 {
                " " (lang.pick(
                    "Някои месеци се преизчисляват след последните промени; данните ще се обновят до минута.",
                    "Some months are being recomputed after recent changes; the figures will be updated within a minute."))
            }
        }
    }
}
