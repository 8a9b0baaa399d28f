//! `ralex run "<command>"`: one command through the pipeline, without a server.
//!
//! It parses the command with the command-parser plugin, resolves its targets
//! against the project, decides `command:run` by policy (destructive intents need
//! confirmation) and writes the command to the audit trail. Without `--dry-run`, an
//! allowed intent that needs no model (read, search, test, git status/diff/log/
//! commit) runs directly on the capabilities (`ralex-orchestrator`); one that needs
//! the coding agent is refused with a clear message, never faked; a denied one
//! exits 3.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use ralex_caps::workspace::{Workspace, WorkspaceLimits};
use ralex_intent::{Intent, IntentKind, Risk};
use ralex_policy::{Decision, Principal, Scope, Verdict};
use serde::Serialize;

use ralex_orchestrator::{Direct, Gate, Status, kind_and_risk, understand};

use crate::cli::RunArgs;
use crate::config::Config;
use crate::exit::{self, CliError, CliResult};
use crate::home::Home;
use crate::plugins::Registry;

/// The answer of `ralex run --json` (the shape of `POST /v4/voice-command`).
#[derive(Debug, Serialize)]
struct Answer<'a> {
    session_id: String,
    status: &'static str,
    intent: &'a Intent,
    normalized: &'a str,
    response: String,
    changes: Vec<serde_json::Value>,
    cost_usd: f64,
    dry_run: bool,
}

/// Run `ralex run`.
pub async fn run(args: RunArgs, home: &Home, config: &Config) -> CliResult {
    if args.command.trim().is_empty() {
        return Err(CliError::usage(
            "the command is empty; say what to do, e.g. `ralex run \"show the readme\" --dry-run`",
        ));
    }
    let project = project_dir(args.project.as_deref())?;
    let workspace = Arc::new(
        Workspace::open(&project, WorkspaceLimits::default())
            .with_context(|| format!("cannot open project {}", project.display()))?,
    );
    let registry = Registry::open(home, config)?;
    let parser_name = &config.pipeline.command_parser;
    let Some(parser) = registry.get(parser_name) else {
        let why = match registry.refusal(parser_name) {
            Some(r) => format!("it was refused: {}", r.error),
            None => "no plugin of that name was found; build the first-party plugins with `cargo xtask plugins` (or `make setup`) and check `ralex doctor`".to_string(),
        };
        return Err(
            anyhow::anyhow!("the command parser `{parser_name}` is not available: {why}").into(),
        );
    };
    let gate = Gate::new(
        Arc::clone(registry.host.policy()),
        Arc::clone(&registry.store),
        Principal::user("cli", Scope::Admin, &[]),
        "user:cli",
        "user `cli`",
    );
    let understood = understand(&registry.host, parser, &workspace, &args.command)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let (intent, normalized) = (understood.intent, understood.normalized);
    let notes: &[&str] = if args.dry_run { &["dry run"] } else { &[] };
    let decision = gate
        .decide_command(&intent, &args.command, args.yes, notes)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if !args.dry_run {
        return match decision.verdict {
            Verdict::Allow => execute(gate, &project, workspace, &intent, &normalized, &args).await,
            Verdict::NeedsConfirmation => Err(CliError::denied(format!(
                "this command {}; nothing was done — rerun with `--yes` to confirm it",
                explain(&decision, &intent)
            ))),
            Verdict::Deny => Err(CliError::denied(format!(
                "this command was refused: {}",
                explain(&decision, &intent)
            ))),
        };
    }
    let response = describe(&intent);
    if args.json {
        let answer = Answer {
            session_id: format!("cli-{}", std::process::id()),
            status: "completed",
            intent: &intent,
            normalized: &normalized,
            response,
            changes: Vec::new(),
            cost_usd: 0.0,
            dry_run: true,
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&answer).context("cannot serialise the answer")?
        );
    } else {
        print_human(&intent, &normalized, &response);
    }
    Ok(exit::OK)
}

/// Runs an allowed intent. Intents that need no model (read, search, test, git)
/// run directly on the capabilities; the others need the coding agent, which this
/// version does not have — said plainly, nothing done.
async fn execute(
    gate: Gate,
    project: &Path,
    workspace: Arc<Workspace>,
    intent: &Intent,
    normalized: &str,
    args: &RunArgs,
) -> CliResult {
    let direct = Direct::new(project.to_path_buf(), workspace, gate);
    let Some(outcome) = direct.execute(intent, normalized).await else {
        return Err(CliError::usage(format!(
            "\"{normalized}\" is a `{}` command, which needs the coding agent, and this version of Ralex does not have it yet; commands that read, search, run the tests or use git work now. Add `--dry-run` to see how the command is understood.",
            kind_and_risk(intent).0
        )));
    };
    let tests_failed = outcome.tests.as_ref().is_some_and(|t| !t.passed);
    let code = match outcome.status {
        Status::Completed if tests_failed => exit::FAILURE,
        Status::Completed | Status::NeedsConfirmation => exit::OK,
        Status::Denied => exit::DENIED,
        Status::Failed => exit::FAILURE,
    };
    if args.json {
        let answer = ralex_orchestrator::Answer {
            session_id: format!("cli-{}", std::process::id()),
            status: outcome.status,
            intent: serde_json::to_value(intent).context("cannot serialise the intent")?,
            response: outcome.response,
            changes: outcome.changes,
            model: None,
            cost_usd: 0.0,
            undo_id: None,
            output: outcome.output,
            tests: outcome.tests,
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&answer).context("cannot serialise the answer")?
        );
    } else {
        if let Some(output) = &outcome.output {
            print!("{output}");
            if !output.ends_with('\n') {
                println!();
            }
        }
        if let Some(tests) = &outcome.tests {
            println!("$ {}", tests.command);
            println!("{}", tests.output_tail);
        }
        println!("{}", outcome.response);
    }
    Ok(code)
}

fn explain(decision: &Decision, intent: &Intent) -> String {
    let (kind, risk) = kind_and_risk(intent);
    decision.explain(
        "user `cli`",
        "command:run",
        &format!("a {risk} `{kind}` command"),
    )
}

fn project_dir(arg: Option<&Path>) -> Result<PathBuf, CliError> {
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

/// One or two speakable sentences about what the command would do.
fn describe(intent: &Intent) -> String {
    let what = match intent.kind {
        IntentKind::Read => "show",
        IntentKind::Search => "search for",
        IntentKind::Explain => "explain",
        IntentKind::Edit => "edit",
        IntentKind::Create => "create",
        IntentKind::Refactor => "refactor",
        IntentKind::Fix => "fix",
        IntentKind::Test => "run the tests for",
        IntentKind::Git => "run a git operation on",
        IntentKind::Undo => "undo",
        IntentKind::Workflow => "run a workflow for",
        IntentKind::Analyze => "analyse",
        IntentKind::Docs => "document",
        IntentKind::Chat => "talk about",
        IntentKind::Unknown => {
            return "I did not understand that. Nothing was changed.".to_string();
        }
    };
    if let Some(t) = intent.targets.iter().find(|t| !t.candidates.is_empty()) {
        let spoken = t.phrase.as_deref().or(t.path.as_deref()).unwrap_or("that");
        return format!(
            "I'm not sure which file you mean by \"{spoken}\": {}. Say the folder too. Nothing was changed.",
            or_list(&t.candidates)
        );
    }
    let targets: Vec<String> = intent
        .targets
        .iter()
        .filter_map(|t| {
            t.symbol
                .clone()
                .or_else(|| t.path.clone())
                .or_else(|| t.phrase.clone())
        })
        .collect();
    let object = if targets.is_empty() {
        match intent.kind {
            IntentKind::Test => "the project".to_string(),
            IntentKind::Undo => "the last change".to_string(),
            _ => "the project".to_string(),
        }
    } else {
        targets.join(" and ")
    };
    let action = intent
        .param("action")
        .map(|a| format!(" ({a})"))
        .unwrap_or_default();
    let caution = if intent.risk == Risk::Destructive {
        " This is destructive and would need your confirmation."
    } else {
        ""
    };
    format!("Dry run: I would {what} {object}{action}.{caution} Nothing was changed.")
}

/// "a", "a or b", "a, b or c".
fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
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
