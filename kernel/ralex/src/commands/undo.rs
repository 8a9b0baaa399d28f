//! `ralex undo [ID]`: put back exactly what one command changed (by its undo id,
//! else the latest change of the session or project).

use anyhow::Context;
use ralex_orchestrator::{CommandRequest, Confirm, UndoRequest};

use crate::cli::UndoArgs;
use crate::commands::answer::{cli_user, exit_code, print_answer};
use crate::commands::run::project_dir;
use crate::config::Config;
use crate::exit::CliResult;
use crate::home::Home;
use crate::plugins::Registry;

/// Run `ralex undo`.
pub async fn run(args: UndoArgs, home: &Home, config: &Config) -> CliResult {
    let project = project_dir(args.project.as_deref())?;
    let registry = Registry::open(home, config)?;
    let orchestrator = crate::pipeline::open(config, &registry)?;
    let request = UndoRequest {
        undo_id: args.id.clone(),
        session_id: args.session.clone(),
        base: CommandRequest {
            transcript: "undo".into(),
            project,
            session_id: args.session.clone().unwrap_or_else(|| "cli".into()),
            dry_run: false,
            confirm: Confirm::No,
            who: cli_user(),
        },
    };
    let answer = orchestrator
        .undo(&request)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&answer).context("cannot serialise the answer")?
        );
    } else {
        print_answer(&answer);
    }
    Ok(exit_code(&answer))
}
