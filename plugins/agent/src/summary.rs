//! The words the agent ends with: the speakable summary of a finished task and the
//! messages of the errors it stops with (limits, edits that would not apply, a failed
//! model call), each saying how far it got and which files it had already changed.

use crate::host::{Error, ErrorCode};
use crate::test_run::TestRun;

/// How many files a sentence names before "and N more files".
const NAMED_FILES: usize = 4;

/// Everything the summary is made from.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// The model's final answer (may be empty).
    pub answer: &'a str,
    /// Files changed, in order of first change.
    pub changed: &'a [String],
    /// Actions the policy refused.
    pub refused: &'a [String],
    /// The final test run, when the agent ran the tests after the last change.
    pub tests: Option<&'a TestRun>,
    /// The tests should have run after the last change but could not be started.
    pub tests_unavailable: bool,
}

/// The summary: the model's answer (or a generated sentence when it gave none), then
/// the test verdict and the policy refusals.
pub fn summary(facts: Facts<'_>) -> String {
    let answer = facts.answer.trim();
    let mut text = if !answer.is_empty() {
        answer.to_string()
    } else if facts.changed.is_empty() {
        "I finished without changing any files.".to_string()
    } else {
        format!("I changed {}.", list(facts.changed))
    };
    if let Some(run) = facts.tests {
        if run.passed {
            text.push_str(" The tests pass.");
        } else {
            text.push_str(&format!(" The tests still fail ({}).", run.status));
        }
    }
    if facts.tests_unavailable {
        text.push_str(" I could not run the tests.");
    }
    if let Some(sentence) = refusals(facts.refused) {
        text.push(' ');
        text.push_str(&sentence);
    }
    text
}

/// "1 action was refused by policy: writing .env." (none when nothing was refused).
pub fn refusals(refused: &[String]) -> Option<String> {
    match refused.len() {
        0 => None,
        1 => Some(format!("1 action was refused by policy: {}.", refused[0])),
        n => Some(format!(
            "{n} actions were refused by policy: {}.",
            list(refused)
        )),
    }
}

/// The error for a model whose edit to `path` did not apply twice in a row.
pub fn edit_error(path: Option<&str>, reason: &str, changed: &[String]) -> Error {
    let path = path.unwrap_or("a file it did not name properly");
    let mut message = format!(
        "the model's edit to {path} did not apply twice: {reason}; nothing was changed by it"
    );
    if !changed.is_empty() {
        message.push_str(&format!(" (changed before that: {})", list(changed)));
    }
    Error::new(ErrorCode::InvalidInput, message)
}

/// Which limit stopped the agent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Limit {
    /// `max-steps` model calls were made.
    Steps(u32),
    /// More than `max-cost-usd` was spent.
    Cost(f64),
}

/// The error for a limit reached before the task was done.
pub fn limit_error(limit: Limit, steps: u32, spent: f64, changed: &[String]) -> Error {
    let head = match limit {
        Limit::Steps(max) => format!(
            "the step limit of {max} model calls was reached before the task was done \
             ({steps} steps, {} spent)",
            usd(spent)
        ),
        Limit::Cost(max) => format!(
            "the cost limit of {} was exceeded before the task was done ({} spent in {steps} steps)",
            usd(max),
            usd(spent)
        ),
    };
    Error::new(
        ErrorCode::LimitExceeded,
        format!("{head}; {}", changed_so_far(changed)),
    )
}

/// The error for a failed model call at step `step`.
pub fn model_error(e: Error, step: u32, changed: &[String]) -> Error {
    Error::new(
        e.code,
        format!(
            "the model call of step {step} failed: {}; {}",
            e.message,
            changed_so_far(changed)
        ),
    )
}

fn changed_so_far(changed: &[String]) -> String {
    if changed.is_empty() {
        "no file was changed".to_string()
    } else {
        format!("files already changed: {}", list(changed))
    }
}

/// "a", "a and b", "a, b and c", "a, b, c, d and 2 more files".
pub fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        _ if items.len() > NAMED_FILES + 1 => format!(
            "{} and {} more files",
            items[..NAMED_FILES].join(", "),
            items.len() - NAMED_FILES
        ),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A dollar amount: cents, or four decimals below a cent.
pub fn usd(amount: f64) -> String {
    if amount > 0.0 && amount < 0.01 {
        format!("${amount:.4}")
    } else {
        format!("${amount:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn lists_read_naturally() {
        assert_eq!(list(&strings(&["a"])), "a");
        assert_eq!(list(&strings(&["a", "b", "c"])), "a, b and c");
        assert_eq!(
            list(&strings(&["a", "b", "c", "d", "e"])),
            "a, b, c, d and e"
        );
        assert_eq!(
            list(&strings(&["a", "b", "c", "d", "e", "f"])),
            "a, b, c, d and 2 more files"
        );
    }

    #[test]
    fn summary_falls_back_and_adds_tests_and_refusals() {
        let changed = strings(&["a.py", "b.py"]);
        let refused = strings(&["writing .env"]);
        let run = TestRun {
            passed: false,
            status: "exit code 1".into(),
            output_tail: String::new(),
        };
        let text = summary(Facts {
            answer: "  ",
            changed: &changed,
            refused: &refused,
            tests: Some(&run),
            tests_unavailable: false,
        });
        assert_eq!(
            text,
            "I changed a.py and b.py. The tests still fail (exit code 1). 1 action was refused by policy: writing .env."
        );
        let none = summary(Facts {
            answer: "",
            changed: &[],
            refused: &[],
            tests: None,
            tests_unavailable: false,
        });
        assert_eq!(none, "I finished without changing any files.");
    }

    #[test]
    fn money_is_readable() {
        assert_eq!(usd(0.5), "$0.50");
        assert_eq!(usd(0.0042), "$0.0042");
        assert_eq!(usd(0.0), "$0.00");
    }
}
