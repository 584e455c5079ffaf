//! Statistics as people read them: the pages, the charts, the annual report and the cases
//! export. The figures come from `priemna_app::stats`.

pub mod cases_csv;
pub mod public;
pub mod report;
pub mod sections;
pub mod svg;
pub mod view;
