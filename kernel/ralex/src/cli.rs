//! The command line, as clap derive definitions. Implementations live in `commands/`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Ralex: drive work on your code by voice, safely.
#[derive(Debug, Parser)]
#[command(name = "ralex", version, about, propagate_version = true)]
pub struct Cli {
    /// Configuration file (default: $RALEX_CONFIG, else $RALEX_HOME/ralex.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one command through the pipeline, without a server.
    Run(RunArgs),
    /// Inspect plugins.
    #[command(subcommand)]
    Plugin(PluginCommand),
    /// Check that this machine and installation can run Ralex.
    Doctor(DoctorArgs),
}

/// `ralex run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The command, as you would say it: "add a docstring to parse config dot py".
    pub command: String,
    /// The project to work on (default: the current directory).
    #[arg(long, value_name = "DIR")]
    pub project: Option<PathBuf>,
    /// Only show how the command is understood; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Confirm destructive intents without asking.
    #[arg(long)]
    pub yes: bool,
    /// Print the answer as JSON for scripts.
    #[arg(long)]
    pub json: bool,
}

/// `ralex plugin ...`.
#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// List plugins, their worlds, digests and whether they load.
    List {
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Show one plugin's manifest, permissions, limits and status.
    Info {
        /// The plugin's name.
        name: String,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
}

/// `ralex doctor`.
#[derive(Debug, clap::Args)]
pub struct DoctorArgs {
    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
}
