//! `read`: show a file, or the lines around the one asked for.

use ralex_intent::Intent;
use ralex_policy::{Action, Resource};

use super::{Direct, Outcome};

/// Lines shown around a requested line.
const AROUND: u32 = 12;

pub(super) fn run(direct: &Direct, intent: &Intent) -> Outcome {
    let Some(target) = intent.targets.first() else {
        return Outcome::failed(
            "Which file should I show? Say its name, for example \"show me the readme\".",
        );
    };
    if !target.candidates.is_empty() {
        return Outcome::failed(format!(
            "I'm not sure which file you mean: {}. Say the folder too.",
            target.candidates.join(", ")
        ));
    }
    let Some(path) = target.path.as_deref().filter(|_| target.resolved) else {
        let spoken = target
            .phrase
            .as_deref()
            .or(target.symbol.as_deref())
            .unwrap_or("that");
        return Outcome::failed(format!("I could not find \"{spoken}\" in the project."));
    };
    if let Err(why) = direct.gate.allow(
        Action::WorkspaceRead,
        &Resource::Path(path.to_string()),
        &[path.as_bytes()],
        true,
    ) {
        return Outcome::denied(&format!("read {path}"), &why);
    }
    let text = match direct.workspace.read(path) {
        Ok(text) => text,
        Err(e) => return Outcome::failed(format!("I could not read {path}: {e}")),
    };
    let total = text.lines().count();
    if total == 0 {
        return Outcome::completed(format!("{path} is empty."), Some(String::new()));
    }
    match target.line {
        Some(line) if line >= 1 && (line as usize) <= total => {
            let first = line.saturating_sub(AROUND).max(1);
            let last = (line + AROUND).min(total as u32);
            let shown: String = text
                .lines()
                .enumerate()
                .skip(first as usize - 1)
                .take((last - first + 1) as usize)
                .map(|(i, l)| format!("{:>5}  {l}\n", i + 1))
                .collect();
            Outcome::completed(format!("Here is {path} around line {line}."), Some(shown))
        }
        Some(line) => Outcome::failed(format!(
            "{path} has {total} lines, so there is no line {line}."
        )),
        None => Outcome::completed(
            format!(
                "Here is {path}, {total} line{}.",
                if total == 1 { "" } else { "s" }
            ),
            Some(text),
        ),
    }
}
