//! `ralex workflow list / show / check / run / resume / runs / new`.
//!
//! Exit codes of `run` and `resume`: 0 completed, 1 failed, rolled back or
//! interrupted, 3 denied or waiting for a confirmation. `check`: 0 valid, 1
//! problems.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use ralex_orchestrator::{Event, Orchestrator, RunError, RunView, WorkflowRequest};
use ralex_workflow::{Catalog, Source, WorkflowError};

use crate::cli::WorkflowCommand;
use crate::commands::answer::cli_user;
use crate::commands::run::project_dir;
use crate::config::Config;
use crate::exit::{self, CliError, CliResult};
use crate::home::Home;
use crate::plugins::Registry;

/// The workflow a new file starts from when no `--from` is given.
const EXAMPLE: &str = r#"# A workflow: named steps, run in order. Check it with `ralex workflow check`.
# Each step does one thing: agent, test, run, git, plugin, confirm, write or fail.
# `if:` reads earlier steps (steps.<name>.ok / .failed / .output) and params.
name: NAME
description: Run the tests, fix them if they fail, and commit.
params:
  message:
    description: the commit message
    default: "fix the failing tests"
steps:
  - name: tests
    test: {}
    on_failure: continue
  - name: fix
    if: steps.tests.failed
    agent:
      kind: fix
      verify: true
      prompt: "Make the failing tests pass. The end of the output: ${{ steps.tests.output.tail }}"
    retry: { attempts: 2, backoff: 1s }
    on_failure: rollback
  - name: commit
    git: { action: commit, message: "${{ params.message }}" }
"#;

/// Run `ralex workflow ...`.
pub async fn run(cmd: WorkflowCommand, home: &Home, config: &Config) -> CliResult {
    match cmd {
        WorkflowCommand::Check { files, json } => check(&files, json),
        WorkflowCommand::List { project, json } => {
            let root = project_dir(project.as_deref())?;
            list(&catalog(home, &root)?, json)
        }
        WorkflowCommand::Show { name, project } => {
            let root = project_dir(project.as_deref())?;
            let catalog = catalog(home, &root)?;
            let entry = catalog.get(&name).map_err(workflow_error)?;
            if let Source::File(path) = &entry.source {
                eprintln!("# {}", path.display());
            }
            print!("{}", entry.text);
            Ok(exit::OK)
        }
        WorkflowCommand::New {
            name,
            from,
            project,
        } => new(
            home,
            &project_dir(project.as_deref())?,
            &name,
            from.as_deref(),
        ),
        WorkflowCommand::Runs {
            id,
            project,
            limit,
            json,
        } => {
            let orchestrator = open(home, config, false)?;
            match id {
                Some(id) => {
                    let view = orchestrator
                        .workflow_run(&id)
                        .map_err(|e| anyhow::anyhow!("{e}"))?
                        .ok_or_else(|| {
                            CliError::usage(format!(
                                "there is no workflow run `{id}`; `ralex workflow runs` lists them"
                            ))
                        })?;
                    print_run(&view, json)?;
                    Ok(exit::OK)
                }
                None => {
                    let project = match project {
                        Some(p) => Some(project_dir(Some(&p))?),
                        None => None,
                    };
                    let runs = orchestrator
                        .workflow_runs(project.as_deref(), limit)
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                    if json {
                        println!(
                            "{}",
                            serde_json::to_string_pretty(&runs)
                                .context("cannot serialise the runs")?
                        );
                    } else if runs.is_empty() {
                        println!("no workflow runs yet; start one with `ralex workflow run NAME`");
                    } else {
                        for r in runs {
                            println!(
                                "{}  {:<12} {:<12} {}  {}",
                                r.id,
                                r.workflow,
                                r.state,
                                crate::timestamp::format_utc(r.started_ms),
                                r.message
                            );
                        }
                    }
                    Ok(exit::OK)
                }
            }
        }
        WorkflowCommand::Run {
            name,
            params,
            project,
            session,
            yes,
            json,
        } => {
            let root = project_dir(project.as_deref())?;
            let params = ralex_workflow::params::from_pairs(&params).map_err(CliError::usage)?;
            let orchestrator = open(home, config, !json)?;
            let request = WorkflowRequest {
                name,
                params,
                project: root,
                session_id: session,
                who: cli_user(),
                confirm: yes,
            };
            let id = orchestrator.start_workflow(&request).map_err(run_error)?;
            if !json {
                eprintln!("workflow run {id}");
            }
            let view = orchestrator
                .drive_workflow(&id, &request.who, yes)
                .await
                .map_err(run_error)?;
            print_run(&view, json)?;
            Ok(code(&view))
        }
        WorkflowCommand::Apply { id, json } => {
            let orchestrator = open(home, config, !json)?;
            let answer = orchestrator
                .apply_run(&id, &cli_user())
                .await
                .map_err(run_error)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&answer).context("cannot serialise the answer")?
                );
            } else {
                crate::commands::answer::print_answer(&answer);
            }
            Ok(crate::commands::answer::exit_code(&answer))
        }
        WorkflowCommand::Discard { id } => {
            let orchestrator = open(home, config, false)?;
            println!("{}", orchestrator.discard_run(&id).map_err(run_error)?);
            Ok(exit::OK)
        }
        WorkflowCommand::Resume { id, yes, json } => {
            let orchestrator = open(home, config, !json)?;
            let view = orchestrator
                .drive_workflow(&id, &cli_user(), yes)
                .await
                .map_err(run_error)?;
            print_run(&view, json)?;
            Ok(code(&view))
        }
    }
}

fn catalog(home: &Home, root: &Path) -> Result<Catalog, CliError> {
    Catalog::load(&[home.workflows(), root.join(".ralex/workflows")]).map_err(workflow_error)
}

fn open(home: &Home, config: &Config, progress: bool) -> Result<Orchestrator, CliError> {
    let registry = Registry::open(home, config)?;
    let mut orchestrator = crate::pipeline::with_workflows(
        crate::pipeline::open(config, &registry)?.with_index_cache(home.index_cache()),
        home,
        &registry,
    );
    if progress && std::io::stderr().is_terminal() {
        orchestrator = orchestrator.with_events(Arc::new(|event: Event| {
            eprintln!("\x1b[2m· {}\x1b[0m", event.message);
        }));
    }
    Ok(orchestrator)
}

fn workflow_error(e: WorkflowError) -> CliError {
    match e {
        WorkflowError::Io { .. } => CliError::usage(e.to_string()),
        other => CliError::from(anyhow::anyhow!("{other}")),
    }
}

fn run_error(e: RunError) -> CliError {
    match e {
        RunError::Denied(why) => CliError::denied(why),
        RunError::UnknownRun(_)
        | RunError::Workflow(WorkflowError::Params(_) | WorkflowError::NotFound { .. }) => {
            CliError::usage(e.to_string())
        }
        other => CliError::from(anyhow::anyhow!("{other}")),
    }
}

/// 0 completed, 3 waiting, 1 otherwise.
fn code(view: &RunView) -> u8 {
    match view.run.state.as_str() {
        "completed" => exit::OK,
        "waiting" => exit::DENIED,
        _ => exit::FAILURE,
    }
}

fn check(files: &[std::path::PathBuf], json: bool) -> CliResult {
    let mut all = Vec::new();
    let mut valid = Vec::new();
    for file in files {
        let entry = Catalog::read(file).map_err(workflow_error)?;
        match entry.parsed {
            Ok(w) => valid.push((file.display().to_string(), w.name, w.steps.len())),
            Err(problems) => all.extend(problems.0),
        }
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "valid": valid.iter().map(|(f, n, s)| serde_json::json!({"file": f, "name": n, "steps": s})).collect::<Vec<_>>(),
                "problems": all,
            }))
            .context("cannot serialise the result")?
        );
    } else {
        for (file, name, steps) in &valid {
            println!("{file}: ok (workflow `{name}`, {steps} steps)");
        }
        for p in &all {
            println!("{p}");
        }
    }
    Ok(if all.is_empty() {
        exit::OK
    } else {
        exit::FAILURE
    })
}

fn list(catalog: &Catalog, json: bool) -> CliResult {
    let entries = catalog.entries();
    if json {
        let rows: Vec<serde_json::Value> = entries
            .iter()
            .map(|e| {
                serde_json::json!({
                    "name": e.name,
                    "description": e.description(),
                    "source": e.source.label(&e.name),
                    "valid": e.parsed.is_ok(),
                    "params": e.parsed.as_ref().map(|w| serde_json::to_value(&w.params).unwrap_or_default()).unwrap_or_default(),
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).context("cannot serialise the list")?
        );
        return Ok(exit::OK);
    }
    for e in entries {
        let params = match &e.parsed {
            Ok(w) => w
                .params
                .iter()
                .map(|p| {
                    if p.required {
                        format!("{}=…", p.name)
                    } else {
                        format!("[{}]", p.name)
                    }
                })
                .collect::<Vec<_>>()
                .join(" "),
            Err(_) => String::new(),
        };
        println!("{:<14} {:<44} {}", e.name, e.source.label(&e.name), params);
        println!("    {}", e.description());
    }
    Ok(exit::OK)
}

fn new(home: &Home, root: &Path, name: &str, from: Option<&str>) -> CliResult {
    if !ralex_workflow::is_name(name) {
        return Err(CliError::usage(format!(
            "`{name}` is not a workflow name: use lowercase letters, digits and dashes (e.g. `release-notes`)"
        )));
    }
    let dir = root.join(".ralex/workflows");
    let path = dir.join(format!("{name}.yaml"));
    if path.exists() {
        return Err(CliError::usage(format!(
            "{} already exists; edit it, or pick another name",
            path.display()
        )));
    }
    let text = match from {
        None => EXAMPLE.replace("name: NAME", &format!("name: {name}")),
        Some(from) => {
            let catalog = catalog(home, root)?;
            let source = catalog.get(from).map_err(workflow_error)?.text.clone();
            rename(&source, from, name)
        }
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    std::fs::write(&path, &text).with_context(|| format!("cannot write {}", path.display()))?;
    match ralex_workflow::parse(&path.display().to_string(), &text) {
        Ok(_) => println!(
            "created {} — edit it, check it with `ralex workflow check {}`, run it with `ralex workflow run {name}`",
            path.display(),
            path.display()
        ),
        Err(p) => println!("created {}, but it has problems:\n{p}", path.display()),
    }
    Ok(exit::OK)
}

/// `text` with its `name:` line set to `name` (the rest copied as it is).
fn rename(text: &str, from: &str, name: &str) -> String {
    let mut out = String::new();
    let mut done = false;
    for line in text.lines() {
        if !done && line.trim_end() == format!("name: {from}") {
            out.push_str(&format!("name: {name}\n"));
            done = true;
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn print_run(view: &RunView, json: bool) -> Result<(), CliError> {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(view).context("cannot serialise the run")?
        );
        return Ok(());
    }
    let run = &view.run;
    println!(
        "run {} · workflow {} · {} · ${:.4}",
        run.id, run.workflow, run.state, view.cost_usd
    );
    for step in &view.steps {
        let attempts = if step.attempts > 1 {
            format!(" ({} attempts)", step.attempts)
        } else {
            String::new()
        };
        let undo = step
            .command_id
            .as_deref()
            .map(|id| format!(" [undo {id}]"))
            .unwrap_or_default();
        println!(
            "  {:>2}. {:<16} {:<11} {}{attempts}{undo}",
            step.index + 1,
            step.name,
            step.state,
            first_line(&step.summary)
        );
    }
    println!("{}", run.message);
    for change in &view.changes {
        println!("\n{}", change.diff.trim_end());
    }
    Ok(())
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_and_renamed_copies_are_valid() {
        let text = EXAMPLE.replace("name: NAME", "name: mine");
        ralex_workflow::parse("x", &text).unwrap();
        for (name, source) in ralex_workflow::BUILTIN {
            let copy = rename(source, name, "my-copy");
            let wf = ralex_workflow::parse("x", &copy).unwrap();
            assert_eq!(wf.name, "my-copy");
        }
    }
}
