//! Attachments: the checks live in the application (`priemna_app::uploads`), where every
//! channel that takes files (the portal, the clerk's desk, the mailbox) finds the same ones.

pub use priemna_app::uploads::*;
