//! `ralex run "<command>"`: one command through the whole pipeline
//! (`ralex-orchestrator`), without a server — the same answers `POST
//! /v4/voice-command` gives. Exit codes: 0 done, 1 failed (or the tests fail), 2
//! usage, 3 denied by policy or waiting for a confirmation.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use ralex_intent::Intent;
use ralex_orchestrator::{CommandRequest, Confirm, Event, Status};

use crate::cli::RunArgs;
use crate::commands::answer::{exit_code, print_answer};
use crate::config::Config;
use crate::exit::{CliError, CliResult};
use crate::home::Home;
use crate::plugins::Registry;

/// Run `ralex run`.
pub async fn run(args: RunArgs, home: &Home, config: &Config) -> CliResult {
    if args.command.trim().is_empty() {
        return Err(CliError::usage(
            "the command is empty; say what to do, e.g. `ralex run \"show the readme\" --dry-run`",
        ));
    }
    let project = project_dir(args.project.as_deref())?;
    let registry = Registry::open(home, config)?;
    let mut orchestrator =
        crate::pipeline::open(config, &registry)?.with_index_cache(home.index_cache());
    if !args.json && std::io::stderr().is_terminal() {
        // Live progress for a person watching; scripts get the answer only.
        orchestrator = orchestrator.with_events(Arc::new(|event: Event| {
            eprintln!("\x1b[2m· {}\x1b[0m", event.message);
        }));
    }
    let confirm = match (&args.confirm, args.yes) {
        (Some(id), _) => Confirm::Pending(Some(id.clone())),
        (None, true) => Confirm::Upfront,
        (None, false) => Confirm::No,
    };
    let request = CommandRequest {
        transcript: args.command.clone(),
        project,
        session_id: args.session.clone(),
        dry_run: args.dry_run,
        confirm,
        who: crate::commands::answer::cli_user(),
    };
    let answer = orchestrator
        .handle(&request)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&answer).context("cannot serialise the answer")?
        );
    } else if args.dry_run && answer.status == Status::Completed {
        let intent: Intent =
            serde_json::from_value(answer.intent.clone()).context("cannot read the intent")?;
        print_human(
            &intent,
            answer.normalized.as_deref().unwrap_or(""),
            &answer.response,
        );
    } else {
        print_answer(&answer);
        if let (Status::NeedsConfirmation, Some(id)) = (answer.status, &answer.confirmation_id) {
            println!("confirm with: ralex run {:?} --confirm {id}", args.command);
        }
    }
    Ok(exit_code(&answer))
}

pub fn project_dir(arg: Option<&Path>) -> Result<PathBuf, CliError> {
    let dir = match arg {
        Some(d) => d.to_path_buf(),
        None => std::env::current_dir().context("cannot read the current directory")?,
    };
    if !dir.is_dir() {
        return Err(CliError::usage(format!(
            "--project {}: not a directory; give the folder of the project to work on",
            dir.display()
        )));
    }
    Ok(dir)
}

fn print_human(intent: &Intent, normalized: &str, response: &str) {
    println!("heard      {normalized}");
    println!(
        "intent     {} ({}, confidence {:.2})",
        intent.kind, intent.risk, intent.confidence
    );
    for t in &intent.targets {
        let shown = t
            .path
            .iter()
            .chain(t.symbol.iter())
            .cloned()
            .collect::<Vec<_>>()
            .join(" · ");
        let line = t.line.map(|l| format!(":{l}")).unwrap_or_default();
        let status = if t.resolved {
            ""
        } else if !t.candidates.is_empty() {
            " (ambiguous)"
        } else {
            " (not found in the project)"
        };
        let phrase = t
            .phrase
            .as_deref()
            .map(|p| format!("  ← \"{p}\""))
            .unwrap_or_default();
        println!("target     {shown}{line}{status}{phrase}");
        for c in &t.candidates {
            println!("             candidate: {c}");
        }
    }
    for (k, v) in &intent.params {
        println!(
            "param      {k} = {}",
            v.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string())
        );
    }
    println!("{response}");
}
