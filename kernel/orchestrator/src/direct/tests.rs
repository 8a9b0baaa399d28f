//! `test`: run the project's test command (see [`crate::project`]) through the exec
//! capability — no shell, scrubbed environment, the sandbox when available, a
//! timeout — and report the result in a sentence plus the tail of the output.

use ralex_exec::{Allowed, Limits, Runner};
use ralex_policy::{Action, Resource};

use super::{Direct, Outcome};
use crate::answer::{Status, TestReport};
use crate::project::discover_test_command;

/// Lines of output kept in the answer.
pub(crate) const TAIL_LINES: usize = 40;

/// The last `lines` lines of `text`.
pub(crate) fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// "2.4 s", "1 min 12 s".
fn duration(ms: u64) -> String {
    if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000)
    }
}

/// Whether the output says no test was collected at all.
fn ran_nothing(output: &str) -> bool {
    output.contains("Ran 0 tests")
        || output.contains("no tests ran")
        || output.contains("collected 0 items")
}

pub(super) async fn run(direct: &Direct) -> Outcome {
    let command = match discover_test_command(&direct.root) {
        Ok(Some(command)) => command,
        Ok(None) => {
            return Outcome::failed(
                "I don't know how this project runs its tests. Add test_command under [project] in .ralex/config.toml, for example test_command = \"pytest -q\".",
            );
        }
        Err(e) => return Outcome::failed(format!("The test command is misconfigured: {e}")),
    };
    let shown = command.shown();
    let resource = Resource::Program {
        name: command.program.clone(),
        args: command.args.clone(),
    };
    if let Err(why) = direct
        .gate
        .allow(Action::ExecRun, &resource, &[shown.as_bytes()], false)
    {
        return Outcome::denied(&format!("run `{shown}`"), &why);
    }
    let allowed = match Allowed::parse(&shown) {
        Ok(entry) => vec![entry],
        Err(e) => return Outcome::failed(format!("`{shown}` cannot be run: {e}")),
    };
    let runner = Runner::new(
        direct.root.clone(),
        Limits::default(),
        direct.sandbox.clone(),
    );
    let output = match runner
        .run(
            &allowed,
            &command.program,
            &command.args,
            "",
            Some(direct.test_timeout),
        )
        .await
    {
        Ok(output) => output,
        Err(e) => return Outcome::failed(format!("`{shown}` could not run: {e}")),
    };
    let combined = format!("{}{}", output.stdout, output.stderr);
    let ms = output.duration.as_millis() as u64;
    let passed = output.exit_code == Some(0) && !output.timed_out;
    let report = TestReport {
        command: shown.clone(),
        passed,
        exit_code: output.exit_code,
        timed_out: output.timed_out,
        duration_ms: ms,
        output_tail: tail(&combined, TAIL_LINES),
    };
    let (status, response) = if output.timed_out {
        (
            Status::Failed,
            format!(
                "The tests did not finish within {}; I stopped them.",
                duration(direct.test_timeout.as_millis() as u64)
            ),
        )
    } else if passed && ran_nothing(&combined) {
        (Status::Failed, format!("`{shown}` found no tests to run."))
    } else if passed {
        (
            Status::Completed,
            format!("The tests passed in {}.", duration(ms)),
        )
    } else {
        let code = output
            .exit_code
            .map_or_else(|| "it was killed".to_string(), |c| format!("exit code {c}"));
        (
            Status::Completed,
            format!(
                "The tests failed ({code}) after {}. The last lines are on screen.",
                duration(ms)
            ),
        )
    };
    Outcome {
        status,
        response,
        output: None,
        tests: Some(report),
        changes: Vec::new(),
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn durations_and_tails_read_well() {
        assert_eq!(duration(2_400), "2.4 s");
        assert_eq!(duration(72_000), "1 min 12 s");
        assert_eq!(tail("a\nb\nc", 2), "b\nc");
        assert!(ran_nothing("\nRan 0 tests in 0.000s\n\nOK\n"));
        assert!(!ran_nothing("Ran 3 tests in 0.1s\nOK"));
    }
}
