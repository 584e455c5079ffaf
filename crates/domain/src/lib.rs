//! The domain of Priemna: what a municipality receives, by which channel, and the rules its
//! client charter and Bulgarian law attach to it.
//!
//! This crate does no I/O and reads no clock: every function that depends on "today" takes the
//! date or timestamp as a parameter, so that deadlines can be tested for any day of any year.
//! It must never depend on HTTP or SQL crates.

pub mod access;
pub mod calendar;
pub mod clock;
pub mod conversation;
pub mod deadline;
pub mod identity;
pub mod ids;
pub mod import;
pub mod kinds;
pub mod lifecycle;
pub mod number;
pub mod retention;
pub mod rulebook;
pub mod rules;
pub mod screening;
pub mod services;
pub mod stats;
pub mod submission;
pub mod visits;
pub mod workflow;

pub use calendar::WorkingCalendar;
pub use clock::Clock;
pub use ids::{CaseId, DepartmentId, UserId};
pub use kinds::{Channel, Kind};
pub use lifecycle::Status;
pub use number::RegistrationNumber;

/// The municipality's time zone; dates of receipt and deadlines are dates in this zone.
pub const TIME_ZONE: &str = "Europe/Sofia";
