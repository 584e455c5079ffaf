//! Where the register lives, as the commands take it.

/// Where the register lives.
#[derive(clap::Args, Clone)]
pub struct DbArgs {
    /// SQLite database file.
    #[arg(long, default_value = "priemna.db")]
    db: String,
    /// Database URL (`sqlite:PATH`); overrides --db.
    #[arg(long, env = "PRIEMNA_DATABASE_URL")]
    database_url: Option<String>,
}

impl DbArgs {
    pub fn url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite:{}", self.db))
    }
}
