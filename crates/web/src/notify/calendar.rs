//! A reception visit as an iCalendar file (RFC 5545): one VEVENT in a VCALENDAR, attached to the
//! confirmation e-mail and offered for download on the confirmation page.
//!
//! Times are written in UTC (`…Z`), so no VTIMEZONE is needed and every calendar shows the visit
//! at the right local time. The event keeps its UID for the visit's whole life; a move raises
//! its SEQUENCE, and a cancellation is `METHOD:CANCEL` with `STATUS:CANCELLED` and the same UID,
//! so a calendar updates or removes the event it already has. Lines end in CRLF and are folded
//! at 75 octets, never inside a UTF-8 character.

use jiff::civil::{Date, Time};
use jiff::{SignedDuration, Timestamp};
use priemna_domain::clock::municipal_tz;

/// The content type of a calendar file with its method.
pub fn content_type(method: Method) -> String {
    format!("text/calendar; charset=utf-8; method={}", method.as_str())
}

/// What the file asks of a calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// An event to add (or, with a higher SEQUENCE, to update).
    Publish,
    /// The event with this UID is cancelled.
    Cancel,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Publish => "PUBLISH",
            Method::Cancel => "CANCEL",
        }
    }
}

/// One visit, as the calendar file describes it.
#[derive(Debug, Clone)]
pub struct Visit<'a> {
    pub uid: &'a str,
    pub sequence: i64,
    pub day: Date,
    /// `HH:MM`, local time in the municipality.
    pub slot: &'a str,
    pub minutes: i64,
    pub summary: &'a str,
    pub location: &'a str,
    pub description: &'a str,
    /// The organiser: the municipality's name and sending address.
    pub organiser: (&'a str, &'a str),
    /// When the file is written (DTSTAMP).
    pub stamp: Timestamp,
}

fn utc(at: Timestamp) -> String {
    at.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// The start and end of the visit, or `None` for a slot that is not a time of that day.
pub fn span(day: Date, slot: &str, minutes: i64) -> Option<(Timestamp, Timestamp)> {
    let time: Time = slot.parse().ok()?;
    let start = day
        .to_datetime(time)
        .to_zoned(municipal_tz())
        .ok()?
        .timestamp();
    let end = start
        .checked_add(SignedDuration::from_mins(minutes))
        .ok()?;
    Some((start, end))
}

/// A TEXT value escaped (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A parameter value (a CN): quoted, without the characters a quoted value cannot hold.
fn param(value: &str) -> String {
    let clean: String = value
        .chars()
        .filter(|c| *c != '"' && !c.is_control())
        .collect();
    format!("\"{clean}\"")
}

/// One content line, folded at 75 octets (RFC 5545 §3.1), ending in CRLF.
fn push_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            // The space that starts a continuation line counts in its 75 octets.
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

/// The calendar file of a visit, or `None` when the slot is not a time of that day.
pub fn ics(method: Method, visit: &Visit<'_>) -> Option<String> {
    let (start, end) = span(visit.day, visit.slot, visit.minutes)?;
    let (organiser, address) = visit.organiser;
    let status = match method {
        Method::Publish => "CONFIRMED",
        Method::Cancel => "CANCELLED",
    };
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Priemna//Reception visits//BG".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        format!("METHOD:{}", method.as_str()),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", text(visit.uid)),
        format!("SEQUENCE:{}", visit.sequence.max(0)),
        format!("DTSTAMP:{}", utc(visit.stamp)),
        format!("DTSTART:{}", utc(start)),
        format!("DTEND:{}", utc(end)),
        format!("SUMMARY:{}", text(visit.summary)),
        format!("LOCATION:{}", text(visit.location)),
        format!("DESCRIPTION:{}", text(visit.description)),
        format!("ORGANIZER;CN={}:mailto:{}", param(organiser), address),
        format!("STATUS:{status}"),
        "TRANSP:OPAQUE".to_owned(),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ];
    let mut out = String::new();
    for line in &lines {
        push_line(&mut out, line);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visit() -> Visit<'static> {
        Visit {
            uid: "visit-1a2b@haskovo.bg",
            sequence: 1,
            day: "2026-12-07".parse().unwrap(),
            slot: "10:20",
            minutes: 20,
            summary: "Прием при кмета на Община Хасково",
            location: "Община Хасково, пл. „Общински“ №1, 6300 Хасково; приемна на партерния етаж",
            description: "Код и промяна: https://priemna.haskovo.bg/reception/change — носете лична карта.\nThe visit, in English.",
            organiser: ("Община Хасково", "priemna@haskovo.bg"),
            stamp: "2026-12-04T22:00:00Z".parse().unwrap(),
        }
    }

    #[test]
    fn lines_end_in_crlf_and_fold_at_75_octets_without_splitting_a_character() {
        let ics = ics(Method::Publish, &visit()).unwrap();
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'), "bare LF: {ics:?}");
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        // Unfolded, every property is whole again, with its value escaped.
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains(
            "LOCATION:Община Хасково\\, пл. „Общински“ №1\\, 6300 Хасково\\; приемна на партерния етаж\r\n"
        ));
        assert!(unfolded.contains("\\nThe visit\\, in English.\r\n"));
    }

    #[test]
    fn a_visit_is_written_in_utc_from_sofia_time() {
        let ics = ics(Method::Publish, &visit()).unwrap();
        // 10:20 in Sofia in December (EET, UTC+2).
        assert!(ics.contains("DTSTART:20261207T082000Z\r\n"));
        assert!(ics.contains("DTEND:20261207T084000Z\r\n"));
        assert!(ics.contains("DTSTAMP:20261204T220000Z\r\n"));
        assert!(ics.contains("METHOD:PUBLISH\r\n") && ics.contains("STATUS:CONFIRMED\r\n"));
        assert!(ics.contains("SEQUENCE:1\r\n"));
        let cancel = super::ics(Method::Cancel, &visit()).unwrap();
        assert!(cancel.contains("METHOD:CANCEL\r\n") && cancel.contains("STATUS:CANCELLED\r\n"));
        assert!(cancel.contains("UID:visit-1a2b@haskovo.bg\r\n"));
    }

    #[test]
    fn a_slot_that_is_no_time_gives_no_file() {
        let mut v = visit();
        v.slot = "25:00";
        assert!(ics(Method::Publish, &v).is_none());
    }
}
