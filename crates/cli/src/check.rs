//! `priemna check`: validate identifiers one per line, as a clerk or a script would.

use priemna_domain::identity::{Egn, Eik, Email, Phone};
use std::io::BufRead;
use std::process::ExitCode;

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum What {
    Egn,
    Eik,
    Phone,
    Email,
}

fn check(what: What, value: &str) -> Result<String, String> {
    match what {
        What::Egn => Egn::parse(value)
            .map(|e| format!("valid, born {}", e.birth_date()))
            .map_err(|e| e.to_string()),
        What::Eik => Eik::parse(value)
            .map(|_| "valid".to_owned())
            .map_err(|e| e.to_string()),
        What::Phone => Phone::parse(value)
            .map(|p| format!("valid, {}", p.as_str()))
            .map_err(|e| e.to_string()),
        What::Email => Email::parse(value)
            .map(|_| "valid".to_owned())
            .map_err(|e| e.to_string()),
    }
}

/// Prints `VALUE<TAB>valid…` or `VALUE<TAB>invalid: why`; exits 1 if any value is invalid.
pub fn run(what: What, values: Vec<String>) -> anyhow::Result<ExitCode> {
    let values = if values.is_empty() {
        std::io::stdin()
            .lock()
            .lines()
            .collect::<Result<Vec<_>, _>>()?
    } else {
        values
    };
    let mut all_valid = true;
    for value in values.iter().filter(|v| !v.trim().is_empty()) {
        match check(what, value) {
            Ok(note) => println!("{value}\t{note}"),
            Err(why) => {
                all_valid = false;
                println!("{value}\tinvalid: {why}");
            }
        }
    }
    Ok(if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
