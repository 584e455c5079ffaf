//! A reception visit as an iCalendar file (RFC 5545, iTIP RFC 5546): one VEVENT in a VCALENDAR,
//! attached to the confirmation e-mail and offered for download on the portal.
//!
//! Times are local times of Europe/Sofia (`DTSTART;TZID=Europe/Sofia:…`) with the zone's
//! VTIMEZONE (EET/EEST, the EU's last-Sunday rules), so a calendar shows the visit at the hour
//! the municipality means whatever zone the reader is in. The event keeps its UID for the visit's
//! whole life; every change raises its SEQUENCE. The e-mail carries `METHOD:REQUEST` (a calendar
//! adds or updates the event), a cancellation `METHOD:CANCEL` with `STATUS:CANCELLED` and the
//! same UID (a calendar removes it), a download `METHOD:PUBLISH`. Lines end in CRLF and are
//! folded at 75 octets, never inside a UTF-8 character.

use jiff::civil::{Date, Time};
use jiff::{SignedDuration, Timestamp};
use priemna_domain::clock::municipal_tz;

/// The zone every visit's times are written in.
pub const TZID: &str = "Europe/Sofia";

/// The content type of a calendar file with its method.
pub fn content_type(method: Method) -> String {
    format!("text/calendar; charset=utf-8; method={}", method.as_str())
}

/// What the file asks of a calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// An invitation (iTIP): add the event, or, with a higher SEQUENCE, update it.
    Request,
    /// An event to add, not an invitation (a file downloaded from the portal).
    Publish,
    /// The event with this UID is cancelled.
    Cancel,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
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
    /// The visitor's address, when the file goes to it (an invitation names its attendee).
    pub attendee: Option<&'a str>,
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
    let end = start.checked_add(SignedDuration::from_mins(minutes)).ok()?;
    Some((start, end))
}

/// A moment as the local time of the municipality, in the form of a DATE-TIME with TZID.
fn local(at: Timestamp) -> String {
    at.to_zoned(municipal_tz())
        .strftime("%Y%m%dT%H%M%S")
        .to_string()
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

/// An address as a CAL-ADDRESS (`mailto:`), without what could break the line.
fn mailto(address: &str) -> String {
    let clean: String = address
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect();
    format!("mailto:{clean}")
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

/// Europe/Sofia: EET (UTC+2) in winter, EEST (UTC+3) from the last Sunday of March (03:00) to
/// the last Sunday of October (04:00), as the EU has had it since 1996.
const VTIMEZONE: [&str; 16] = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Sofia",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0300",
    "TZNAME:EEST",
    "DTSTART:19700329T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0300",
    "TZOFFSETTO:+0200",
    "TZNAME:EET",
    "DTSTART:19701025T040000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
];

/// The calendar file of a visit, or `None` when the slot is not a time of that day.
pub fn ics(method: Method, visit: &Visit<'_>) -> Option<String> {
    let (start, end) = span(visit.day, visit.slot, visit.minutes)?;
    let (organiser, address) = visit.organiser;
    let status = match method {
        Method::Request | Method::Publish => "CONFIRMED",
        Method::Cancel => "CANCELLED",
    };
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Priemna//Reception visits//BG".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        format!("METHOD:{}", method.as_str()),
    ];
    lines.extend(VTIMEZONE.iter().map(|l| (*l).to_owned()));
    lines.push("END:VTIMEZONE".to_owned());
    lines.extend([
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", text(visit.uid)),
        format!("SEQUENCE:{}", visit.sequence.max(0)),
        format!("DTSTAMP:{}", utc(visit.stamp)),
        format!("DTSTART;TZID={TZID}:{}", local(start)),
        format!("DTEND;TZID={TZID}:{}", local(end)),
        format!("SUMMARY:{}", text(visit.summary)),
        format!("LOCATION:{}", text(visit.location)),
        format!("DESCRIPTION:{}", text(visit.description)),
        format!("ORGANIZER;CN={}:{}", param(organiser), mailto(address)),
    ]);
    if let Some(attendee) = visit.attendee.filter(|a| !a.is_empty()) {
        // The visitor booked it: accepted already, no answer asked for.
        lines.push(format!(
            "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:{}",
            mailto(attendee)
        ));
    }
    lines.extend([
        format!("STATUS:{status}"),
        "TRANSP:OPAQUE".to_owned(),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ]);
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
            attendee: Some("ivan@example.bg"),
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
    fn a_visit_is_written_in_sofia_time_with_its_zone() {
        let ics = ics(Method::Request, &visit()).unwrap();
        assert!(ics.contains("DTSTART;TZID=Europe/Sofia:20261207T102000\r\n"));
        assert!(ics.contains("DTEND;TZID=Europe/Sofia:20261207T104000\r\n"));
        assert!(ics.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Sofia\r\n"));
        assert!(ics.contains("END:VTIMEZONE\r\nBEGIN:VEVENT\r\n"));
        assert!(ics.contains("DTSTAMP:20261204T220000Z\r\n"));
        assert!(ics.contains("METHOD:REQUEST\r\n") && ics.contains("STATUS:CONFIRMED\r\n"));
        assert!(ics.contains("SEQUENCE:1\r\n"));
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains(
            "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:ivan@example.bg\r\n"
        ));
        assert!(ics.contains("ORGANIZER;CN=\"Община Хасково\":mailto:priemna@haskovo.bg\r\n"));
        // Summer time: the local hour stays the hour of the visit.
        let mut summer = visit();
        summer.day = "2026-07-06".parse().unwrap();
        let summer = super::ics(Method::Publish, &summer).unwrap();
        assert!(summer.contains("DTSTART;TZID=Europe/Sofia:20260706T102000\r\n"));
        let cancel = super::ics(Method::Cancel, &visit()).unwrap();
        assert!(cancel.contains("METHOD:CANCEL\r\n") && cancel.contains("STATUS:CANCELLED\r\n"));
        assert!(cancel.contains("UID:visit-1a2b@haskovo.bg\r\n"));
    }

    #[test]
    fn the_zones_rules_are_the_ones_jiff_knows() {
        // The last Sundays of March and October 2026: 29 March and 25 October, at 01:00 UTC.
        let tz = municipal_tz();
        let offset = |at: &str| tz.to_offset(at.parse::<Timestamp>().unwrap()).seconds() / 3600;
        assert_eq!(offset("2026-03-29T00:59:59Z"), 2);
        assert_eq!(offset("2026-03-29T01:00:00Z"), 3);
        assert_eq!(offset("2026-10-25T00:59:59Z"), 3);
        assert_eq!(offset("2026-10-25T01:00:00Z"), 2);
        // In the file: 03:00 EET (01:00 UTC) in March, 04:00 EEST (01:00 UTC) in October.
        assert!(VTIMEZONE.contains(&"DTSTART:19700329T030000"));
        assert!(VTIMEZONE.contains(&"DTSTART:19701025T040000"));
    }

    #[test]
    fn a_slot_that_is_no_time_gives_no_file() {
        let mut v = visit();
        v.slot = "25:00";
        assert!(ics(Method::Publish, &v).is_none());
    }
}
