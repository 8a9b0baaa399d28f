//! The `ralex` binary: parses the command line, sets up tracing, loads the
//! configuration and runs one subcommand. Errors end as one readable line on stderr
//! and the contract's exit codes (0 ok, 1 failure, 2 usage, 3 denied).

mod cli;
mod commands;
mod config;
mod exit;
mod home;
mod models;
mod pipeline;
mod plugins;
mod policy;
mod timestamp;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::config::Config;
use crate::exit::{CliError, CliResult};
use crate::home::Home;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ralex: cannot start the async runtime: {e}");
            return ExitCode::from(exit::FAILURE);
        }
    };
    match runtime.block_on(dispatch(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(CliError { code, error }) => {
            eprintln!("ralex: {error:#}");
            ExitCode::from(code)
        }
    }
}

async fn dispatch(cli: Cli) -> CliResult {
    let home = Home::locate()?;
    let config_path = home.config_file(cli.config.as_deref());
    let config = Config::load(
        &config_path,
        cli.config.is_some() || std::env::var_os("RALEX_CONFIG").is_some(),
    )
    .map_err(|e| CliError::usage(format!("{e:#}")))?;
    match cli.command {
        Command::Run(args) => commands::run::run(args, &home, &config).await,
        Command::Serve(args) => commands::serve::run(args, &home, &config).await,
        Command::Token(cmd) => commands::token::run(cmd, &home),
        Command::Undo(args) => commands::undo::run(args, &home, &config).await,
        Command::Plugin(cmd) => commands::plugin::run(cmd, &home, &config).await,
        Command::Policy(cmd) => commands::policy::run(cmd, &home, &config),
        Command::Audit(cmd) => commands::audit::run(cmd, &home),
        Command::Doctor(args) => commands::doctor::run(args, &home, &config, &config_path),
        Command::Costs(args) => commands::costs::run(&args, &home),
        Command::Models(cmd) => commands::models::run(cmd, &home, &config).await,
        Command::Context(cmd) => commands::context::run(cmd, &home, &config).await,
        Command::Workflow(cmd) => commands::workflow::run(cmd, &home, &config).await,
        Command::Bundle(cmd) => commands::bundle::run(cmd, &home).await,
    }
}

/// Logs go to stderr, filtered by `RALEX_LOG` (default: warnings).
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("RALEX_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
