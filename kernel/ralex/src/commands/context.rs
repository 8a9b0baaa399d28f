//! `ralex context show / sync / compress / restore`: the project's `.ralex`
//! notes from the command line.

use anyhow::Context;
use ralex_git::{SyncReport, SyncState};
use ralex_notes::ContextConfig;
use ralex_orchestrator::notes::{NotesSync, sync_notes};

use crate::cli::ContextCommand;
use crate::commands::run::project_dir;
use crate::config::Config;
use crate::exit::{self, CliError, CliResult};
use crate::home::Home;
use crate::plugins::Registry;

/// Run `ralex context ...`.
pub async fn run(cmd: ContextCommand, home: &Home, config: &Config) -> CliResult {
    match cmd {
        ContextCommand::Show { project, json } => show(&project_dir(project.as_deref())?, json),
        ContextCommand::Sync { project, json } => {
            let root = project_dir(project.as_deref())?;
            let done = tokio::task::spawn_blocking(move || sync_notes(&root))
                .await
                .context("the sync stopped")?
                .map_err(|e| anyhow::anyhow!("cannot sync the notes: {e}"))?;
            print_sync(&done, json)
        }
        ContextCommand::Compress {
            older_than,
            budget,
            project,
            json,
        } => {
            let root = project_dir(project.as_deref())?;
            let days = match older_than {
                Some(days) => days,
                None => {
                    ContextConfig::load(&root)
                        .map_err(CliError::usage)?
                        .compress_after_days
                }
            };
            let registry = Registry::open(home, config)?;
            let orchestrator = crate::pipeline::open(config, &registry)?;
            let report = orchestrator
                .compress_notes(&root, days, budget)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "sessions": report.sessions,
                        "archive": report.archive,
                        "tokens_before": report.tokens_before,
                        "tokens_after": report.tokens_after,
                        "kept_verbatim": report.kept_verbatim,
                        "model": report.model,
                        "cost_usd": report.cost_usd,
                        "message": report.message,
                    }))
                    .context("cannot serialise the report")?
                );
            } else {
                println!("{}", report.message);
                for session in &report.sessions {
                    println!("  compressed {session}");
                }
            }
            Ok(exit::OK)
        }
        ContextCommand::Restore { note, project } => {
            let root = project_dir(project.as_deref())?;
            let healthy =
                ralex_notes::restore::restore(&root, &note).map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "restored {} from commit {} ({})",
                healthy.path, healthy.commit, healthy.summary
            );
            if let Some(kept) = &healthy.kept_damaged {
                println!("the damaged version is kept as {kept}");
            }
            Ok(exit::OK)
        }
    }
}

/// `ralex context show`.
fn show(root: &std::path::Path, json: bool) -> CliResult {
    let overview = ralex_notes::overview(root);
    if json {
        let config = match &overview.config {
            Ok(config) => serde_json::to_value(config).unwrap_or_default(),
            Err(e) => serde_json::json!({ "error": e }),
        };
        let mut value = serde_json::to_value(&overview).context("cannot serialise the notes")?;
        value["config"] = config;
        println!(
            "{}",
            serde_json::to_string_pretty(&value).context("cannot serialise the notes")?
        );
        return Ok(exit::OK);
    }
    if !overview.exists {
        println!(
            "{} has no notes yet: .ralex/ is created with the first command (`ralex run \"…\" --project {}`).",
            root.display(),
            root.display()
        );
        return Ok(exit::OK);
    }
    println!("notes of {}", root.display());
    for file in &overview.files {
        let state = if file.problem.is_some() {
            "DAMAGED".to_string()
        } else {
            format!("{} lines", file.lines)
        };
        println!("  {:<48} {state}", file.path);
    }
    let problems: Vec<_> = overview.problems().collect();
    if !problems.is_empty() {
        println!("\ndamaged notes (left as they are; Ralex works from the rest):");
        for problem in problems {
            println!("  {}: {}", problem.path, problem.message);
            println!("    fix: {}", problem.fix());
        }
    }
    println!("\nsessions: {}", overview.sessions);
    if let Some((path, commands)) = &overview.latest_session {
        println!("latest: {path}");
        for command in commands.iter().rev().take(10).rev() {
            println!("  {command}");
        }
    }
    if !overview.decisions.is_empty() {
        println!("\ndecisions and preferences (newest last):");
        for decision in &overview.decisions {
            println!("  {decision}");
        }
    }
    match &overview.config {
        Ok(config) => println!(
            "\nsync: {}",
            match config.remote() {
                Some(remote) if config.commit => format!(
                    "with `{remote}` every {} s while `ralex serve` runs, or `ralex context sync`",
                    config.sync_interval_seconds
                ),
                _ => "off ([context] in .ralex/config.toml)".to_string(),
            }
        ),
        Err(e) => println!("\n.ralex/config.toml: {e}"),
    }
    Ok(exit::OK)
}

/// Prints what a sync did; the exit code says whether it is done.
fn print_sync(done: &NotesSync, json: bool) -> CliResult {
    let Some(report) = &done.report else {
        if json {
            println!(
                "{}",
                serde_json::json!({"state": "off", "committed": done.committed})
            );
        } else {
            if let Some(id) = &done.committed {
                println!("committed the notes ({id})");
            }
            println!("sync is off: set [context] remote in .ralex/config.toml");
        }
        return Ok(exit::OK);
    };
    let remote = done.remote.as_deref().unwrap_or("origin");
    let code = if matches!(report.state, SyncState::Synced) && report.conflicts.is_empty() {
        exit::OK
    } else {
        exit::FAILURE
    };
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&sync_json(done, report, remote))
                .context("cannot serialise the report")?
        );
        return Ok(code);
    }
    if let Some(id) = &done.committed {
        println!("committed the notes ({id})");
    }
    match &report.state {
        SyncState::Synced => println!(
            "synced with {remote}: {} sent, {} received{}",
            report.pushed,
            report.pulled,
            if report.merged {
                ", both devices' notes merged"
            } else {
                ""
            }
        ),
        SyncState::Offline { reason } => println!(
            "offline: {reason}; {} context commit(s) queued for the next sync",
            report.pending_commits
        ),
        SyncState::Blocked { reason } => println!("not synced: {reason}"),
    }
    for conflict in &report.conflicts {
        println!(
            "conflict in {}: both devices changed the same lines; both versions are kept in the file between <<<<<<< and >>>>>>> markers. Edit it to keep what you want, then run `ralex context sync` again.",
            conflict.path
        );
    }
    Ok(code)
}

fn sync_json(done: &NotesSync, report: &SyncReport, remote: &str) -> serde_json::Value {
    let (state, reason) = match &report.state {
        SyncState::Synced => ("synced", None),
        SyncState::Offline { reason } => ("offline", Some(reason.clone())),
        SyncState::Blocked { reason } => ("blocked", Some(reason.clone())),
    };
    serde_json::json!({
        "state": state,
        "reason": reason,
        "remote": remote,
        "committed": done.committed,
        "pushed": report.pushed,
        "pulled": report.pulled,
        "merged": report.merged,
        "pending_commits": report.pending_commits,
        "conflicts": report.conflicts.iter().map(|c| serde_json::json!({
            "path": c.path, "ours": c.ours, "theirs": c.theirs,
        })).collect::<Vec<_>>(),
    })
}
