//! `priemna-bench`: the benchmarks behind docs/benchmarks.md and the synthetic registers they
//! run on. Kept apart from `priemna`, so the binary an operator installs holds only what an
//! operator runs. `scripts/bench` runs every measurement and rewrites the document.

mod db;
mod generate;
mod intake;
mod scale;
mod search;
mod server;

use clap::{Parser, Subcommand};
use priemna_app::SystemClock;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "priemna-bench",
    version,
    about = "Priemna's benchmarks, each beside a baseline measured in the same run"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Measure intake and tracking against same-run baselines (see docs/benchmarks.md).
    Intake(intake::BenchArgs),
    /// Fill a register with realistic synthetic cases, for benchmarks at scale.
    Generate(generate::GenerateArgs),
    /// Measure tracking, the inbox and the statistics over a generated register.
    Scale(scale::BenchScaleArgs),
    /// Measure search latency on generated cases (median and 95th percentile beside a baseline).
    Search(search::BenchSearchArgs),
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("priemna-bench: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        match cli.command {
            Command::Intake(args) => intake::run(args).await,
            Command::Generate(args) => {
                generate::run(args, priemna_domain::Clock::now(&SystemClock)).await
            }
            Command::Scale(args) => scale::run(args).await,
            Command::Search(args) => search::run(args),
        }
    });
    match outcome {
        Ok(code) => code,
        Err(e) => {
            eprintln!("priemna-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}
