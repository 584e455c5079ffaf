//! What the letters need from the register besides the case: who signs outgoing letters.
//!
//! `LetterStore` is a part of `Store` (a supertrait), implemented for each backend from the
//! shared queries in `common/letters.rs` (migration 0018).

use crate::Result;
use async_trait::async_trait;
use jiff::Timestamp;

/// The official who signs the municipality's outgoing letters, as an administrator set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterSignatory {
    pub name: String,
    /// "Кмет на Община Хасково", "Заместник-кмет", "Секретар на Община Хасково", …
    pub position: String,
    /// Signs on the Mayor's behalf: the letter reads "ЗА КМЕТ НА ОБЩИНА …:".
    pub for_mayor: bool,
    pub updated_at: Timestamp,
    pub updated_by: String,
}

#[async_trait]
pub trait LetterStore: Send + Sync {
    /// Who signs outgoing letters; `None` until an administrator sets it.
    async fn letter_signatory(&self) -> Result<Option<LetterSignatory>>;
    /// Sets who signs outgoing letters, journalled (`set_letter_signatory`, with the old and
    /// the new values) in the same transaction.
    async fn save_letter_signatory(&self, signatory: LetterSignatory) -> Result<()>;
}
