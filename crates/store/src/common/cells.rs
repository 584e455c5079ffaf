// Values to bind, whichever driver binds them: a batch's rows are planned once (`intake`,
// `outbox`) and written by sqlx on either database, or by the SQLite intake thread's own
// connection (`sqlite/writer.rs`, which makes `Cell` a rusqlite `ToSql`).

use super::Db;

/// One value to bind, whichever driver binds it.
pub enum Cell<'a> {
    Int(Option<i64>),
    Real(Option<f64>),
    Bool(Option<bool>),
    Text(Option<&'a str>),
    Owned(Option<String>),
    Bytes(Option<&'a [u8]>),
}

impl<'a> From<&'a str> for Cell<'a> {
    fn from(text: &'a str) -> Self {
        Cell::Text(Some(text))
    }
}

impl<'a> From<Option<&'a str>> for Cell<'a> {
    fn from(text: Option<&'a str>) -> Self {
        Cell::Text(text)
    }
}

impl From<i64> for Cell<'_> {
    fn from(n: i64) -> Self {
        Cell::Int(Some(n))
    }
}

impl From<bool> for Cell<'_> {
    fn from(b: bool) -> Self {
        Cell::Bool(Some(b))
    }
}

/// Binds `cell` as the next value of a multi-row statement's row.
pub fn bind_cell<'q, 'a: 'q>(
    b: &mut sqlx::query_builder::Separated<'_, 'q, Db, &'static str>,
    cell: &'q Cell<'a>,
) {
    match cell {
        Cell::Int(v) => b.push_bind(*v),
        Cell::Real(v) => b.push_bind(*v),
        Cell::Bool(v) => b.push_bind(*v),
        Cell::Text(v) => b.push_bind(*v),
        Cell::Owned(v) => b.push_bind(v.as_deref()),
        Cell::Bytes(v) => b.push_bind(*v),
    };
}

