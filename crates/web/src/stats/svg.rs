//! Charts drawn on the server as SVG, inline in the page: no script, nothing fetched.
//!
//! Every chart is an image to assistive technology (`role="img"`, labelled by its `<title>` and
//! described by its `<desc>`), and every page puts an HTML table with the same numbers beside
//! it ([`data_table`] or a richer one of its own). Colour never carries meaning alone: each bar
//! is labelled with its value, and the parts of the outcome bar also have their own pattern and
//! a legend with the numbers. The colours keep at least 3:1 against white (WCAG 1.4.11) and
//! are overridden in the portal's high-contrast mode by the stylesheet (`svg.chart` classes).
//! All text is escaped; the output is well-formed XML.

use maud::{Markup, PreEscaped, html};
use std::fmt::Write;

/// Escapes text for XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// `text`, cut to at most `max` characters with an ellipsis.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// A bar or column: its label and value (and the value as the reader reads it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub value: u64,
    /// How the value is written on the chart (e.g. with a thousands separator).
    pub shown: String,
}

impl Bar {
    pub fn new(label: impl Into<String>, value: u64) -> Bar {
        Bar {
            label: label.into(),
            value,
            shown: value.to_string(),
        }
    }
}

/// What a chart says, for assistive technology.
#[derive(Debug, Clone, Copy)]
pub struct Caption<'a> {
    /// Unique on the page: the ids of the title, the description and the patterns start with it.
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
}

/// The brand colour of bars (≥ 7:1 against white).
const BAR: &str = "#1d4f91";
const TEXT: &str = "currentColor";
const GRID: &str = "#6f7275";
/// The size of every text, in CSS pixels. The charts have no `viewBox`: they are never scaled,
/// so a label is as large on a phone as on a desktop (the issue was 14 units of a 720-wide
/// picture shrunk to 7 px at 390 px). Lengths across are percentages of the chart's width,
/// lengths down are pixels.
const FONT: f64 = 14.0;
/// The narrowest chart the layout is decided for: a 390 px phone less the page's margins
/// (358 px in the back office, 356 in the portal), with a little to spare.
/// Whatever is written is sure to fit at this width.
pub const NARROW: f64 = 350.0;
/// The narrowest chart wider than a phone (a 40rem window less its margins): text that fits
/// only from this width on is marked `wide-only`,
/// and the stylesheets hide it on a phone (the table beside the chart has every number).
pub const WIDE: f64 = 600.0;
/// The widest a character of the labels gets at [`FONT`], in pixels (Cyrillic and bold
/// included).
const CHAR: f64 = 8.6;

/// The width of `text` at most, in pixels.
fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * CHAR
}

/// A share of the chart's width as an SVG length (`12.50%`).
fn pc(share: f64) -> String {
    format!("{:.2}%", share.clamp(0.0, 100.0))
}

/// The length of `value` on a scale where `max` is `full` (no division by zero: an empty chart
/// has no bars).
pub fn scaled(value: u64, max: u64, full: f64) -> f64 {
    if max == 0 {
        0.0
    } else {
        value as f64 / max as f64 * full
    }
}

fn open(out: &mut String, caption: &Caption, height: f64) {
    let id = escape(caption.id);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{id}" role="img" width="100%" height="{height}" aria-labelledby="{id}-title {id}-desc" font-size="{FONT}"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(caption.title),
        escape(caption.desc),
    );
}

/// A text at `x` (an SVG length: a percentage or pixels) moved `dx` pixels across.
fn text(out: &mut String, x: &str, dx: f64, y: f64, anchor: &str, content: &str, extra: &str) {
    let shift = if dx == 0.0 {
        String::new()
    } else {
        format!(r#" dx="{dx}""#)
    };
    let _ = write!(
        out,
        r#"<text x="{x}"{shift} y="{y:.1}" text-anchor="{anchor}" fill="{TEXT}"{extra}>{}</text>"#,
        escape(content)
    );
}

/// A horizontal bar chart: one row per bar, its label above the bar (so that a long label
/// needs no column of its own on a phone) and its value after the bar.
pub fn bar_chart(caption: &Caption, bars: &[Bar]) -> Markup {
    const ROW: f64 = 44.0;
    const TOP: f64 = 4.0;
    const BAR_HEIGHT: f64 = 16.0;
    // The longest bar leaves room for its value after it, at a phone's width.
    let widest_value = bars
        .iter()
        .map(|b| text_width(&b.shown))
        .fold(0.0, f64::max);
    let full = (100.0 - (widest_value + 8.0) / NARROW * 100.0).clamp(40.0, 88.0);
    let max_chars = (NARROW / CHAR).floor() as usize;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0);
    let height = TOP * 2.0 + ROW * bars.len().max(1) as f64;
    let mut out = String::new();
    open(&mut out, caption, height);
    if bars.is_empty() {
        text(&mut out, "50%", 0.0, TOP + 24.0, "middle", "—", "");
    }
    for (i, bar) in bars.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let length = scaled(bar.value, max, full);
        text(
            &mut out,
            "0",
            0.0,
            y + FONT,
            "start",
            &shorten(&bar.label, max_chars),
            "",
        );
        let _ = write!(
            out,
            r#"<rect class="bar" x="0" y="{:.1}" width="{}" height="{BAR_HEIGHT}" fill="{BAR}"/>"#,
            y + FONT + 6.0,
            pc(length),
        );
        text(
            &mut out,
            &pc(length),
            6.0,
            y + FONT + 6.0 + BAR_HEIGHT - 3.0,
            "start",
            &bar.shown,
            r#" font-weight="bold""#,
        );
    }
    out.push_str("</svg>");
    PreEscaped(out)
}

/// A round step for the axis: 1, 2 or 5 times a power of ten, about `max / 4`.
fn step_for(max: u64) -> u64 {
    let rough = (max / 4).max(1);
    let mut power = 1u64;
    while power.saturating_mul(10) <= rough {
        power = power.saturating_mul(10);
    }
    [1, 2, 5, 10]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= rough)
        .unwrap_or(power.saturating_mul(10))
}

/// How often a label of `width` pixels can be written in slots of `slot` pixels: every slot, or
/// every second, third… (at least 1).
fn every(width: f64, slot: f64) -> usize {
    if slot <= 0.0 {
        return usize::MAX;
    }
    ((width / slot).ceil() as usize).max(1)
}

/// A column chart (e.g. months): one column per bar, its value above it where it fits, its
/// label below (every second or third label where they do not all fit), and horizontal grid
/// lines at round values. What fits only on a desktop is marked `wide-only`.
pub fn column_chart(caption: &Caption, columns: &[Bar]) -> Markup {
    const HEIGHT: f64 = 260.0;
    const TOP: f64 = 24.0;
    const BOTTOM: f64 = 30.0;
    let plot = HEIGHT - TOP - BOTTOM;
    let max = columns.iter().map(|c| c.value).max().unwrap_or(0);
    let step = step_for(max);
    let top_value = if max == 0 {
        step
    } else {
        max.div_ceil(step) * step
    };
    // The axis's numbers take the left of the chart: as wide as the longest at a phone's width.
    let left = (text_width(&top_value.to_string()) + 10.0) / NARROW * 100.0;
    let mut out = String::new();
    open(&mut out, caption, HEIGHT);
    let mut tick = 0;
    while tick <= top_value {
        let y = TOP + plot - scaled(tick, top_value, plot);
        let _ = write!(
            out,
            r#"<line x1="{}" y1="{y:.1}" x2="100%" y2="{y:.1}" stroke="{GRID}" stroke-width="{}"/>"#,
            pc(left),
            if tick == 0 { "1.5" } else { "0.5" }
        );
        text(
            &mut out,
            &pc(left),
            -6.0,
            y + 5.0,
            "end",
            &tick.to_string(),
            "",
        );
        tick += step;
    }
    let slot = (100.0 - left) / columns.len().max(1) as f64;
    let (slot_narrow, slot_wide) = (slot / 100.0 * NARROW, slot / 100.0 * WIDE);
    let width = (slot * 0.6).min(6.5);
    // Labels thin out where they do not all fit (the table has all); those shown on a phone
    // are among those shown on a desktop.
    let label = |c: &Bar| shorten(&c.label, 12);
    let longest = columns
        .iter()
        .map(|c| text_width(&label(c)) + 4.0)
        .fold(0.0, f64::max);
    let label_wide = every(longest, slot_wide);
    let label_narrow = every(longest, slot_narrow).div_ceil(label_wide) * label_wide;
    for (i, column) in columns.iter().enumerate() {
        let center = left + slot * (i as f64 + 0.5);
        let height = scaled(column.value, top_value, plot);
        let y = TOP + plot - height;
        let _ = write!(
            out,
            r#"<rect class="bar" x="{}" y="{y:.1}" width="{}" height="{height:.1}" fill="{BAR}"/>"#,
            pc(center - width / 2.0),
            pc(width),
        );
        // A value is written above its column when it fits in the column's slot.
        let value = text_width(&column.shown);
        if value <= slot_wide {
            let class = if value <= slot_narrow {
                ""
            } else {
                r#" class="wide-only""#
            };
            text(
                &mut out,
                &pc(center),
                0.0,
                y - 6.0,
                "middle",
                &column.shown,
                &format!(r#" font-weight="bold"{class}"#),
            );
        }
        if i.is_multiple_of(label_wide) {
            let class = if i.is_multiple_of(label_narrow) {
                ""
            } else {
                r#" class="wide-only""#
            };
            text(
                &mut out,
                &pc(center),
                0.0,
                HEIGHT - BOTTOM + 20.0,
                "middle",
                &label(column),
                class,
            );
        }
    }
    out.push_str("</svg>");
    PreEscaped(out)
}

/// One part of a stacked bar: a stable key (for its class and pattern), label and value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub key: &'static str,
    pub label: String,
    pub value: u64,
    pub shown: String,
}

/// How a part of the outcome bar looks: a colour (≥ 3:1 against white) and a pattern drawn in
/// white over it, so that parts differ without colour.
fn look(key: &str) -> (&'static str, &'static str) {
    match key {
        "on_time" => ("#00703c", ""),
        "late" => ("#b10e1e", "M0,8 L8,0"),
        "overdue" => ("#6e0b12", "M0,0 L8,8 M0,8 L8,0"),
        "open" => ("#1d4f91", "M0,4 L8,4"),
        "not_considered" => ("#5b2c8f", "M4,0 L4,8"),
        "forwarded" => ("#8a4b00", "M0,0 L8,8"),
        "merged" => ("#474a4d", "M0,2 L8,2 M0,6 L8,6"),
        "closed_without_answer" => ("#0b5f6b", "M2,0 L2,8 M6,0 L6,8"),
        _ => ("#474a4d", "M0,4 L8,4 M4,0 L4,8"),
    }
}

fn pattern_id(caption: &Caption, key: &str) -> String {
    format!("{}-p-{}", escape(caption.id), key)
}

/// A part's colour and pattern at `x` across `w` (SVG lengths), `y` down `h` pixels.
fn swatch(out: &mut String, caption: &Caption, key: &str, x: &str, y: f64, w: &str, h: f64) {
    let (colour, pattern) = look(key);
    let _ = write!(
        out,
        r#"<rect class="seg seg-{key}" x="{x}" y="{y:.1}" width="{w}" height="{h:.1}" fill="{colour}"/>"#
    );
    if !pattern.is_empty() {
        let _ = write!(
            out,
            r#"<rect x="{x}" y="{y:.1}" width="{w}" height="{h:.1}" fill="url(#{})"/>"#,
            pattern_id(caption, key)
        );
    }
}

/// One bar split into its parts (e.g. the outcomes of the cases), each part as long as its
/// share, labelled inside when it is wide enough, and a legend below with every part's pattern,
/// name and number, one part a line.
pub fn stacked_bar(caption: &Caption, segments: &[Segment]) -> Markup {
    const BAR_TOP: f64 = 4.0;
    const BAR_HEIGHT: f64 = 44.0;
    const LEGEND_ROW: f64 = 26.0;
    let legend_rows = segments.len().max(1);
    let height = BAR_TOP + BAR_HEIGHT + 14.0 + LEGEND_ROW * legend_rows as f64;
    let total: u64 = segments.iter().map(|s| s.value).sum();
    let mut out = String::new();
    open(&mut out, caption, height);
    out.push_str("<defs>");
    for segment in segments {
        let (_, path) = look(segment.key);
        if !path.is_empty() {
            let _ = write!(
                out,
                r##"<pattern id="{}" width="8" height="8" patternUnits="userSpaceOnUse"><path d="{path}" stroke="#ffffff" stroke-width="1.6"/></pattern>"##,
                pattern_id(caption, segment.key)
            );
        }
    }
    out.push_str("</defs>");
    if total == 0 {
        let _ = write!(
            out,
            r#"<rect x="1" y="{BAR_TOP}" width="99%" height="{BAR_HEIGHT}" fill="none" stroke="{GRID}"/>"#
        );
    }
    let mut x = 0.0;
    for segment in segments.iter().filter(|s| s.value > 0) {
        let w = scaled(segment.value, total, 100.0);
        swatch(
            &mut out,
            caption,
            segment.key,
            &pc(x),
            BAR_TOP,
            &pc(w),
            BAR_HEIGHT,
        );
        // The number inside its part where it fits (always in the legend).
        let needed = text_width(&segment.shown) + 12.0;
        if needed <= w / 100.0 * WIDE {
            let class = if needed <= w / 100.0 * NARROW {
                ""
            } else {
                r#" class="wide-only""#
            };
            let _ = write!(
                out,
                r##"<text x="{}" y="{:.1}" text-anchor="middle" fill="#ffffff" stroke="#000000" stroke-width="3" paint-order="stroke" font-weight="bold"{class}>{}</text>"##,
                pc(x + w / 2.0),
                BAR_TOP + BAR_HEIGHT / 2.0 + 5.0,
                escape(&segment.shown)
            );
        }
        x += w;
    }
    let max_chars = ((NARROW - 30.0) / CHAR).floor() as usize;
    for (i, segment) in segments.iter().enumerate() {
        let ly = BAR_TOP + BAR_HEIGHT + 14.0 + LEGEND_ROW * i as f64;
        swatch(&mut out, caption, segment.key, "1", ly, "22", 18.0);
        let _ = write!(
            out,
            r#"<rect x="1" y="{ly:.1}" width="22" height="18" fill="none" stroke="{GRID}"/>"#
        );
        text(
            &mut out,
            "31",
            0.0,
            ly + 14.0,
            "start",
            &shorten(&format!("{}: {}", segment.label, segment.shown), max_chars),
            "",
        );
    }
    out.push_str("</svg>");
    PreEscaped(out)
}

/// A plain table with the numbers of a chart: a caption, the heading of the labels' column and
/// of the values' column, one row per bar.
pub fn data_table(caption: &str, label_heading: &str, value_heading: &str, bars: &[Bar]) -> Markup {
    html! {
        div.table-wrap tabindex="0" role="region" aria-label=(caption) {
            table.stacked {
                caption { (caption) }
                thead { tr { th scope="col" { (label_heading) } th scope="col" { (value_heading) } } }
                tbody {
                    @for bar in bars {
                        tr {
                            th scope="row" data-label=(label_heading) { (bar.label) }
                            td data-label=(value_heading) { (bar.shown) }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quick_xml::Reader;
    use quick_xml::events::Event;

    /// Parses `svg` as XML; returns the attributes of every element, in order.
    fn elements(svg: &str) -> Vec<(String, Vec<(String, String)>)> {
        let mut reader = Reader::from_str(svg);
        let mut found = Vec::new();
        loop {
            match reader.read_event().unwrap() {
                Event::Start(e) | Event::Empty(e) => {
                    let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                    let attributes = e
                        .attributes()
                        .map(|a| {
                            let a = a.unwrap();
                            (
                                String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                                a.unescape_value().unwrap().into_owned(),
                            )
                        })
                        .collect();
                    found.push((name, attributes));
                }
                Event::Eof => break,
                _ => {}
            }
        }
        found
    }

    fn well_formed(svg: &str) {
        let mut reader = Reader::from_str(svg);
        let mut stack = Vec::new();
        loop {
            match reader.read_event() {
                Ok(Event::Start(e)) => stack.push(e.name().as_ref().to_vec()),
                Ok(Event::End(e)) => {
                    assert_eq!(stack.pop().as_deref(), Some(e.name().as_ref()), "{svg}")
                }
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("not XML: {e}: {svg}"),
            }
        }
        assert!(stack.is_empty(), "unclosed elements: {svg}");
    }

    fn attr<'a>(element: &'a (String, Vec<(String, String)>), name: &str) -> &'a str {
        element
            .1
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    }

    /// A percentage of the chart's width (`12.50%`) as a number.
    fn percent(length: &str) -> f64 {
        length
            .strip_suffix('%')
            .unwrap_or_else(|| panic!("{length} is not a percentage"))
            .parse()
            .unwrap()
    }

    fn bars_of(svg: &str) -> Vec<f64> {
        elements(svg)
            .iter()
            .filter(|e| e.0 == "rect" && attr(e, "class") == "bar")
            .map(|e| percent(attr(e, "width")))
            .collect()
    }

    const CAPTION: Caption = Caption {
        id: "kinds",
        title: "Подадени по вид <& \"кавички\">",
        desc: "Сигнали 10, жалби 5",
    };

    #[test]
    fn a_bar_chart_is_accessible_xml_with_bars_in_proportion() {
        let bars = [
            Bar::new("Сигнали", 10),
            Bar::new("Жалби <script>", 5),
            Bar::new("Похвали", 0),
        ];
        let svg = bar_chart(&CAPTION, &bars).into_string();
        well_formed(&svg);
        let all = elements(&svg);
        let root = &all[0];
        assert_eq!(root.0, "svg");
        assert_eq!(attr(root, "role"), "img");
        assert_eq!(attr(root, "aria-labelledby"), "kinds-title kinds-desc");
        assert!(svg.contains(
            r#"<title id="kinds-title">Подадени по вид &lt;&amp; &quot;кавички&quot;&gt;</title>"#
        ));
        assert!(svg.contains(r#"<desc id="kinds-desc">"#));
        assert!(!svg.contains("<script>"), "{svg}");
        let widths = bars_of(&svg);
        assert_eq!(widths.len(), 3);
        assert!((widths[0] - 2.0 * widths[1]).abs() < 0.2, "{widths:?}");
        assert_eq!(widths[2], 0.0);
        // Each value is written beside its bar.
        assert!(
            svg.contains(">10</text>") && svg.contains(">5</text>") && svg.contains(">0</text>")
        );
    }

    #[test]
    fn empty_charts_do_not_divide_by_zero() {
        for svg in [
            bar_chart(&CAPTION, &[]).into_string(),
            bar_chart(&CAPTION, &[Bar::new("a", 0), Bar::new("b", 0)]).into_string(),
            column_chart(&CAPTION, &[]).into_string(),
            column_chart(&CAPTION, &[Bar::new("яну", 0)]).into_string(),
            stacked_bar(&CAPTION, &[]).into_string(),
            stacked_bar(
                &CAPTION,
                &[Segment {
                    key: "late",
                    label: "със закъснение".into(),
                    value: 0,
                    shown: "0".into(),
                }],
            )
            .into_string(),
        ] {
            well_formed(&svg);
            assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        }
    }

    #[test]
    fn columns_grow_with_their_values() {
        let columns: Vec<Bar> = (1..=12).map(|m| Bar::new(format!("м{m}"), m * 3)).collect();
        let svg = column_chart(&CAPTION, &columns).into_string();
        well_formed(&svg);
        let heights: Vec<f64> = elements(&svg)
            .iter()
            .filter(|e| e.0 == "rect" && attr(e, "class") == "bar")
            .map(|e| attr(e, "height").parse().unwrap())
            .collect();
        assert_eq!(heights.len(), 12);
        assert!((heights[11] - 12.0 * heights[0]).abs() < 1.0, "{heights:?}");
        assert!(heights.windows(2).all(|w| w[0] < w[1]));
        // Ten years of months: labels thin out, and values too wide for their slot are left
        // to the table.
        let many: Vec<Bar> = (0..120)
            .map(|m| Bar::new(format!("м{m}"), 1001 + m))
            .collect();
        let svg = column_chart(&CAPTION, &many).into_string();
        well_formed(&svg);
        assert_eq!(svg.matches(">1001</text>").count(), 0);
        assert!(svg.matches("<text").count() < 120);
        assert_eq!(step_for(0), 1);
        assert_eq!(step_for(37), 10);
        assert_eq!(step_for(1234), 500);
    }

    #[test]
    fn the_stacked_bar_splits_in_proportion_with_patterns_and_a_legend() {
        let segments = [
            Segment {
                key: "on_time",
                label: "в срок".into(),
                value: 6,
                shown: "6".into(),
            },
            Segment {
                key: "late",
                label: "със закъснение".into(),
                value: 3,
                shown: "3".into(),
            },
            Segment {
                key: "overdue",
                label: "просрочени".into(),
                value: 0,
                shown: "0".into(),
            },
        ];
        let svg = stacked_bar(&CAPTION, &segments).into_string();
        well_formed(&svg);
        let all = elements(&svg);
        let widths: Vec<f64> = all
            .iter()
            .filter(|e| {
                e.0 == "rect" && attr(e, "class").starts_with("seg ") && attr(e, "height") == "44.0"
            })
            .map(|e| percent(attr(e, "width")))
            .collect();
        assert_eq!(widths.len(), 2, "empty parts draw nothing in the bar");
        assert!((widths[0] - 2.0 * widths[1]).abs() < 0.2, "{widths:?}");
        // Late and overdue have patterns, defined once, and the legend names every part.
        assert!(
            all.iter()
                .any(|e| e.0 == "pattern" && attr(e, "id") == "kinds-p-late")
        );
        assert!(all.iter().any(|e| attr(e, "fill") == "url(#kinds-p-late)"));
        for label in ["в срок: 6", "със закъснение: 3", "просрочени: 0"]
        {
            assert!(svg.contains(label), "{label}: {svg}");
        }
    }

    /// The charts are never scaled: no `viewBox`, text at 14 px, so a label on a 390 px phone
    /// is as large as on a desktop (at least 12 px, the issue's minimum).
    #[test]
    fn charts_are_not_scaled_so_text_keeps_its_size_on_a_phone() {
        let bars = [Bar::new("Сигнали", 10), Bar::new("Жалби", 5)];
        let segments = [Segment {
            key: "on_time",
            label: "в срок".into(),
            value: 6,
            shown: "6".into(),
        }];
        for svg in [
            bar_chart(&CAPTION, &bars).into_string(),
            column_chart(&CAPTION, &bars).into_string(),
            stacked_bar(&CAPTION, &segments).into_string(),
        ] {
            let all = elements(&svg);
            let root = &all[0];
            assert_eq!(attr(root, "viewBox"), "", "{svg}");
            assert_eq!(attr(root, "width"), "100%");
            assert!(attr(root, "height").parse::<f64>().unwrap() > 0.0);
            let size: f64 = attr(root, "font-size").parse().unwrap();
            assert!(size >= 12.0, "{size}");
            assert!(
                all.iter()
                    .all(|e| e.0 != "text" || attr(e, "font-size").is_empty()),
                "no text smaller than the chart's: {svg}"
            );
        }
    }

    #[test]
    fn a_bar_chart_writes_its_labels_above_the_bars_and_leaves_room_for_values() {
        let long = "Отдел „Устройство на територията, строителство и околна среда“ на общината";
        let bars = [Bar::new(long, 12_345), Bar::new("Жалби", 5)];
        let svg = bar_chart(&CAPTION, &bars).into_string();
        well_formed(&svg);
        let all = elements(&svg);
        let texts: Vec<_> = all.iter().filter(|e| e.0 == "text").collect();
        // Label, then value, per bar; the label starts at the left edge, above its bar.
        let label = texts[0];
        assert_eq!(attr(label, "x"), "0");
        let bar = all.iter().find(|e| attr(e, "class") == "bar").unwrap();
        let label_y: f64 = attr(label, "y").parse().unwrap();
        let bar_y: f64 = attr(bar, "y").parse().unwrap();
        assert!(label_y <= bar_y, "{label_y} > {bar_y}");
        // The long label is shortened to fit a phone; the value fits after the longest bar.
        assert!(svg.contains('…'));
        assert!(!svg.contains(long));
        let longest = bars_of(&svg)[0];
        let room = (100.0 - longest) / 100.0 * NARROW;
        assert!(room >= text_width("12345") + 6.0, "{room}");
    }

    #[test]
    fn what_fits_only_on_a_desktop_is_marked_wide_only() {
        // Twelve months of four-digit numbers: no room above a column on a phone, room on a
        // desktop; month names fit both.
        let months = [
            "яну", "фев", "мар", "апр", "май", "юни", "юли", "авг", "сеп", "окт", "ное", "дек",
        ];
        let columns: Vec<Bar> = months
            .iter()
            .enumerate()
            .map(|(i, m)| Bar {
                label: (*m).to_owned(),
                value: 1000 + i as u64,
                shown: format!("1 {:03}", i),
            })
            .collect();
        let svg = column_chart(&CAPTION, &columns).into_string();
        well_formed(&svg);
        let texts: Vec<_> = elements(&svg)
            .into_iter()
            .filter(|e| e.0 == "text")
            .collect();
        let values: Vec<_> = texts
            .iter()
            .filter(|e| attr(e, "font-weight") == "bold")
            .collect();
        assert_eq!(values.len(), 12);
        assert!(values.iter().all(|e| attr(e, "class") == "wide-only"));
        // Ten years of months: a phone shows fewer labels than a desktop, never one the
        // desktop hides.
        let many: Vec<Bar> = (0..120)
            .map(|m| Bar::new(format!("яну {m:02}"), m))
            .collect();
        let svg = column_chart(&CAPTION, &many).into_string();
        let labels: Vec<_> = elements(&svg)
            .into_iter()
            .filter(|e| e.0 == "text" && attr(e, "y") == "250.0")
            .collect();
        let on_phone = labels
            .iter()
            .filter(|e| attr(e, "class") != "wide-only")
            .count();
        assert!(
            on_phone >= 1 && on_phone < labels.len(),
            "{on_phone} of {}",
            labels.len()
        );
        assert!(labels.len() < 120);
    }
}
