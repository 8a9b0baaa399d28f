//! Showing an answer to a person in a terminal — the speakable response, the
//! diffs (coloured when the output is a terminal), the test run, model, cost and
//! how to undo — and the exit code it means.

use std::io::IsTerminal;

use ralex_orchestrator::{Answer, Status, Who};
use ralex_policy::{Principal, Scope};

use crate::exit;

/// The person at the terminal.
pub fn cli_user() -> Who {
    Who {
        principal: Principal::user("cli", Scope::Admin, &[]),
        actor: "user:cli".into(),
        label: "user `cli`".into(),
    }
}

/// 0 done, 1 failed or failing tests, 3 denied or waiting for a confirmation.
pub fn exit_code(answer: &Answer) -> u8 {
    match answer.status {
        Status::Completed if answer.tests.as_ref().is_some_and(|t| !t.passed) => exit::FAILURE,
        Status::Completed => exit::OK,
        Status::Failed => exit::FAILURE,
        Status::Denied | Status::NeedsConfirmation => exit::DENIED,
    }
}

/// Prints `answer` for people.
pub fn print_answer(answer: &Answer) {
    let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    if let Some(output) = &answer.output {
        print!("{output}");
        if !output.ends_with('\n') {
            println!();
        }
    }
    for change in &answer.changes {
        for line in change.diff.lines() {
            let code = match line.chars().next() {
                _ if !colour => None,
                Some('+') if !line.starts_with("+++") => Some("32"),
                Some('-') if !line.starts_with("---") => Some("31"),
                Some('@') => Some("36"),
                _ if line.starts_with("diff --git") => Some("1"),
                _ => None,
            };
            match code {
                Some(code) => println!("\x1b[{code}m{line}\x1b[0m"),
                None => println!("{line}"),
            }
        }
    }
    if let Some(tests) = &answer.tests {
        println!("$ {}", tests.command);
        println!("{}", tests.output_tail);
    }
    println!("{}", answer.response);
    for note in &answer.notes {
        println!("note: {note}");
    }
    if let Some(model) = &answer.model {
        println!("model {model} · ${:.4}", answer.cost_usd);
    }
    if let Some(id) = &answer.undo_id {
        println!("undo with: ralex undo {id}");
    }
}
