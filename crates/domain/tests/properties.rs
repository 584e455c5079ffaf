//! Property tests: every parser of outside input, fed arbitrary input, answers Ok or a clear
//! error and never panics; what it accepts round-trips. Cases per property: `PROPTEST_CASES`
//! (256 by default; set it to 100000 for a long run).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jiff::civil::date;
use priemna_domain::identity::{Egn, Eik, Email, Phone};
use priemna_domain::submission::{RawSubmission, RawSubmitter, validate};
use priemna_domain::{RegistrationNumber, WorkingCalendar, rules, screening};
use proptest::prelude::*;

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".*",
        "[0-9 +()./-]{0,30}",
        "[а-яА-Я ,.!?-]{0,80}",
        "\\PC{0,200}",
    ]
}

proptest! {
    #[test]
    fn egn_never_panics_and_valid_ones_carry_their_date(s in any_text()) {
        if let Ok(egn) = Egn::parse(&s) {
            prop_assert_eq!(egn.as_str().len(), 10);
            let born = egn.birth_date();
            prop_assert!(born.year() >= 1800 && born.year() <= 2099);
        }
    }

    #[test]
    fn egn_check_digit_catches_every_single_digit_change(
        year in 1900i16..2000, month in 1i8..=12, day in 1i8..=28, region in 0u16..1000, pos in 0usize..9, delta in 1u8..10,
    ) {
        let stem = format!("{:02}{:02}{:02}{:03}", year % 100, month, day, region);
        let weights = [2u32, 4, 8, 5, 10, 9, 7, 3, 6];
        let sum: u32 = stem.bytes().zip(weights).map(|(b, w)| u32::from(b - b'0') * w).sum();
        // Sums ≡ 0 and ≡ 10 (mod 11) share the check digit 0, so a change between them goes
        // unseen by design of the ЕГН; leave those out.
        if sum.is_multiple_of(11) || sum % 11 == 10 {
            return Ok(());
        }
        let check = sum % 11;
        let valid = format!("{stem}{check}");
        prop_assert!(Egn::parse(&valid).is_ok());
        let mut bytes = valid.clone().into_bytes();
        bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
        let changed = String::from_utf8(bytes).unwrap();
        // A changed digit either breaks the date or the check digit (no weight is a multiple of 11).
        prop_assert!(Egn::parse(&changed).is_err(), "{} accepted", changed);
    }

    #[test]
    fn phone_email_eik_never_panic(s in any_text()) {
        if let Ok(p) = Phone::parse(&s) {
            let digits = p.as_str().trim_start_matches('+');
            prop_assert!(digits.len() >= 6 && digits.len() <= 15);
            prop_assert!(digits.bytes().all(|b| b.is_ascii_digit()));
            prop_assert_eq!(Phone::parse(p.as_str()).unwrap(), p);
        }
        if let Ok(e) = Email::parse(&s) {
            prop_assert!(e.as_str().contains('@'));
        }
        let _ = Eik::parse(&s);
    }

    #[test]
    fn registration_numbers_round_trip(year in 1000i16..=9999, seq in 1u32..10_000_000) {
        let n = RegistrationNumber::new(year, seq).unwrap();
        prop_assert_eq!(n.to_string().parse::<RegistrationNumber>().unwrap(), n);
    }

    #[test]
    fn registration_number_parser_never_panics(s in any_text()) {
        let _ = s.parse::<RegistrationNumber>();
    }

    #[test]
    fn screening_never_panics_on_any_text(s in any_text()) {
        let _ = screening::offensive_terms(&s);
        let _ = screening::personal_data_or_classified_terms(&s);
        let _ = screening::threat_terms(&s);
        let _ = screening::crime_terms(&s);
    }

    #[test]
    fn validation_and_the_rules_accept_or_name_a_field(
        kind in prop_oneof![Just("signal".to_owned()), Just("complaint".to_owned()), Just("praise".to_owned()), any_text()],
        channel in prop_oneof![Just("web".to_owned()), Just("phone".to_owned()), any_text()],
        subject in any_text(), body in any_text(), name in proptest::option::of(any_text()),
        phone in proptest::option::of(any_text()), egn in proptest::option::of(any_text()),
        violation in proptest::option::of(any_text()), anonymous in proptest::option::of(any::<bool>()),
        threat in any::<bool>(), bad_admin in any::<bool>(),
    ) {
        let raw = RawSubmission {
            kind: Some(kind), channel: Some(channel), subject: Some(subject), body: Some(body),
            submitter: Some(RawSubmitter { name, address: None, phone, email: None, egn }),
            anonymous, health_or_safety_threat: Some(threat),
            about_bad_administration: Some(bad_admin), about_employee: None, in_writing: None,
            violation_date: violation, address: None, consent: Some(true),
        };
        let today = date(2026, 3, 2);
        match validate(&raw, today) {
            Ok(draft) => {
                let assessment = rules::assess(&draft, today, &WorkingCalendar::with_builtin_decrees());
                prop_assert!(!assessment.decisions.is_empty());
                if let Some(due) = assessment.answer_due {
                    prop_assert!(due > today);
                }
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for e in errors {
                    prop_assert!(!e.field.is_empty());
                    prop_assert!(!e.problem.message_bg().is_empty());
                    prop_assert!(!e.problem.message_en().is_empty());
                }
            }
        }
    }
}
