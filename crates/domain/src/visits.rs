//! Reception visits, as the charter sets them: who receives citizens, in 20-minute slots during
//! the reception hours of working days (`deadline::reception`), up to `DAYS_AHEAD` working days
//! ahead. Pure: every function that needs "now" takes it.

use crate::calendar::WorkingCalendar;
use crate::clock::municipal_tz;
use crate::deadline::reception;
use jiff::civil::{Date, Time};
use jiff::{SignedDuration, Timestamp};

/// Who receives citizens: (id, Bulgarian, English). Without the definite article, so that the
/// name reads right alone (a choice) and after a preposition ("при кмет на …", not "при Кметът").
pub const OFFICIALS: [(&str, &str, &str); 3] = [
    ("mayor", "Кмет на Община Хасково", "The Mayor of Haskovo"),
    ("deputy_mayor", "Заместник-кмет", "A Deputy Mayor"),
    (
        "secretary",
        "Секретар на общината",
        "The Municipal Secretary",
    ),
];
/// The length of one visit.
pub const SLOT_MINUTES: i64 = 20;
/// How many working days ahead a visit can be booked.
pub const DAYS_AHEAD: usize = 15;
/// The longest topic of a visit.
pub const MAX_TOPIC_CHARS: usize = 300;

/// Whom a visit is with, as the name reads after a preposition: "при кмета на Община Хасково"
/// (the short definite article of a masculine noun that is not the subject), (Bulgarian,
/// English).
pub fn official_with(id: &str) -> Option<(&'static str, &'static str)> {
    match id {
        "mayor" => Some(("кмета на Община Хасково", "the Mayor of Haskovo")),
        "deputy_mayor" => Some(("заместник-кмета", "a Deputy Mayor")),
        "secretary" => Some(("секретаря на общината", "the Municipal Secretary")),
        _ => None,
    }
}

/// An official's name alone (Bulgarian, English).
pub fn official_label(id: &str) -> Option<(&'static str, &'static str)> {
    OFFICIALS
        .iter()
        .find(|(o, _, _)| *o == id)
        .map(|(_, bg, en)| (*bg, *en))
}

/// The official with this id, as the constant the register keeps.
pub fn official(id: &str) -> Option<&'static str> {
    OFFICIALS
        .iter()
        .find(|(o, _, _)| *o == id)
        .map(|(o, _, _)| *o)
}

/// The starts of a day's slots (`HH:MM`) during its reception hours; none on a closed day.
pub fn day_slots(day: Date, calendar: &WorkingCalendar) -> Vec<String> {
    let Some((opens, closes)) = reception(day, calendar).hours else {
        return Vec::new();
    };
    let mut slots = Vec::new();
    let mut at = opens;
    while let Ok(end) = at.checked_add(SignedDuration::from_mins(SLOT_MINUTES)) {
        if end > closes || end <= at {
            break;
        }
        slots.push(at.strftime("%H:%M").to_string());
        at = end;
    }
    slots
}

/// Whether a slot has already begun at `now`.
pub fn started(day: Date, slot: &str, now: Timestamp) -> bool {
    let Ok(time) = slot.parse::<Time>() else {
        return true;
    };
    day.to_datetime(time)
        .to_zoned(municipal_tz())
        .map(|z| z.timestamp() <= now)
        .unwrap_or(true)
}

/// The days a visit can be booked on: working days from today, while today still has a slot.
pub fn bookable_days(now: Timestamp, calendar: &WorkingCalendar) -> Vec<Date> {
    let today = now.to_zoned(municipal_tz()).date();
    let mut days = Vec::new();
    let mut day = today;
    for _ in 0..(DAYS_AHEAD * 3) {
        if days.len() >= DAYS_AHEAD {
            break;
        }
        let slots = day_slots(day, calendar);
        if slots.iter().any(|s| !started(day, s, now)) {
            days.push(day);
        }
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    days
}

/// The slots of `day` still free at `now`, given those `booked`.
pub fn free_slots(
    day: Date,
    booked: &[String],
    calendar: &WorkingCalendar,
    now: Timestamp,
) -> Vec<String> {
    day_slots(day, calendar)
        .into_iter()
        .filter(|s| !booked.contains(s) && !started(day, s, now))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_working_day_has_24_slots_and_a_holiday_none() {
        let calendar = WorkingCalendar::with_builtin_decrees();
        let monday: Date = "2026-03-02".parse().unwrap();
        let slots = day_slots(monday, &calendar);
        assert_eq!(slots.len(), 24);
        assert_eq!(slots.first().map(String::as_str), Some("09:00"));
        assert_eq!(slots.last().map(String::as_str), Some("16:40"));
        // 3 March, Liberation Day.
        assert!(day_slots("2026-03-03".parse().unwrap(), &calendar).is_empty());
        assert!(day_slots("2026-03-07".parse().unwrap(), &calendar).is_empty());
    }

    #[test]
    fn bookable_days_skip_closed_days_and_todays_past() {
        let calendar = WorkingCalendar::with_builtin_decrees();
        // Monday 2 March 2026 at 16:50 local: today's last slot has begun.
        let now: Timestamp = "2026-03-02T14:50:00Z".parse().unwrap();
        let days = bookable_days(now, &calendar);
        assert_eq!(days.len(), DAYS_AHEAD);
        assert_eq!(days[0], "2026-03-04".parse::<Date>().unwrap());
        assert!(days.iter().all(|d| !day_slots(*d, &calendar).is_empty()));
    }

    #[test]
    fn free_slots_leave_out_the_booked_and_the_begun() {
        let calendar = WorkingCalendar::with_builtin_decrees();
        let monday: Date = "2026-03-02".parse().unwrap();
        // 10:05 local: 09:00–10:00 have begun.
        let now: Timestamp = "2026-03-02T08:05:00Z".parse().unwrap();
        let free = free_slots(monday, &["10:20".to_owned()], &calendar, now);
        assert_eq!(free.first().map(String::as_str), Some("10:40"));
        assert!(!free.contains(&"10:20".to_owned()));
        assert_eq!(free.len(), 24 - 4 - 1);
    }
}
