//! Decisions and preferences a person states in a command: "from now on use
//! pytest fixtures", "always run the tests after an edit", "we decided to keep
//! SQLite". They are kept word for word in the session notes and in
//! `decisions.md`, and never summarised away.
//!
//! Owns: finding such statements. A cue counts only at the start of a clause
//! (the sentence's start, or after a comma, "and", "but", "then" or "also"), so
//! "why does this always fail" is not a preference.

/// What kind of statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementKind {
    /// Something decided for the project.
    Decision,
    /// How the person wants work done.
    Preference,
}

impl StatementKind {
    /// The label used in the notes: `Decision` or `Preference`.
    pub fn label(self) -> &'static str {
        match self {
            StatementKind::Decision => "Decision",
            StatementKind::Preference => "Preference",
        }
    }
}

/// One statement, as said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// Decision or preference.
    pub kind: StatementKind,
    /// The clause, from its cue to the end of its sentence.
    pub text: String,
}

const DECISION_CUES: &[&str] = &[
    "we decided",
    "we've decided",
    "we have decided",
    "i decided",
    "i've decided",
    "decision:",
    "we will use",
    "we'll use",
    "we are going with",
    "we're going with",
    "let's standardise on",
    "let's standardize on",
    "let's settle on",
];

const PREFERENCE_CUES: &[&str] = &[
    "from now on",
    "going forward",
    "in future",
    "in the future",
    "always",
    "never",
    "don't ever",
    "do not ever",
    "i prefer",
    "i'd prefer",
    "i would prefer",
    "i'd rather",
    "i like",
    "i don't like",
    "please always",
    "please never",
    "make sure to always",
    "remember to",
    "remember that",
    "prefer",
];

const CLAUSE_JOINERS: &[&str] = &["and", "but", "then", "also", "so", "please"];

/// The decisions and preferences in `transcript`, in the order said.
pub fn statements(transcript: &str) -> Vec<Statement> {
    let mut found = Vec::new();
    for sentence in transcript.split(['.', '!', '?', ';', '\n']) {
        let sentence = sentence.trim();
        if sentence.is_empty() {
            continue;
        }
        let lower = sentence.to_lowercase();
        if lower.len() != sentence.len() {
            // Lowercasing changed byte offsets (rare scripts): match on the sentence start only.
            if let Some((kind, _)) = cue_at(&lower, 0) {
                found.push(Statement {
                    kind,
                    text: sentence.to_string(),
                });
            }
            continue;
        }
        for start in clause_starts(&lower) {
            if let Some((kind, cue)) = cue_at(&lower, start) {
                let end = clause_end(sentence, start + cue);
                found.push(Statement {
                    kind,
                    text: sentence[start..end].trim().to_string(),
                });
                break;
            }
        }
    }
    found
}

/// Byte offsets where a clause may start.
fn clause_starts(lower: &str) -> Vec<usize> {
    let mut starts = vec![0];
    let bytes = lower.as_bytes();
    for (i, _) in lower.match_indices(',') {
        let mut j = i + 1;
        while j < bytes.len() && bytes[j] == b' ' {
            j += 1;
        }
        starts.push(j);
    }
    for joiner in CLAUSE_JOINERS {
        let pattern = format!(" {joiner} ");
        for (i, _) in lower.match_indices(&pattern) {
            starts.push(i + pattern.len());
        }
    }
    starts.sort_unstable();
    starts.dedup();
    starts
}

/// Where the statement whose cue ends at `from` ends: at the first comma after
/// at least two more words ("we decided to keep SQLite, show me the api" ends
/// before "show"; "from now on, use fixtures" goes on), else the sentence's end.
fn clause_end(sentence: &str, from: usize) -> usize {
    let Some(rest) = sentence.get(from..) else {
        return sentence.len();
    };
    for (i, _) in rest.match_indices(',') {
        if rest[..i].split_whitespace().count() >= 2 {
            return from + i;
        }
    }
    sentence.len()
}

/// The kind of statement a cue at `at` starts and the cue's length, if one does.
fn cue_at(lower: &str, at: usize) -> Option<(StatementKind, usize)> {
    let rest = lower.get(at..)?;
    let is_cue = |cue: &&str| {
        rest.starts_with(cue)
            && rest[cue.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric() && c != '_')
    };
    if let Some(cue) = DECISION_CUES.iter().find(|c| is_cue(c)) {
        return Some((StatementKind::Decision, cue.len()));
    }
    if let Some(cue) = PREFERENCE_CUES.iter().find(|c| is_cue(c)) {
        // "never mind" is not a preference.
        if rest.starts_with("never mind") {
            return None;
        }
        return Some((StatementKind::Preference, cue.len()));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use StatementKind::{Decision, Preference};

    fn kinds(text: &str) -> Vec<(StatementKind, String)> {
        statements(text)
            .into_iter()
            .map(|s| (s.kind, s.text))
            .collect()
    }

    #[test]
    fn statements_are_found_at_clause_starts() {
        assert_eq!(
            kinds("add a docstring to parse config and from now on use Google style docstrings"),
            vec![(Preference, "from now on use Google style docstrings".into())]
        );
        assert_eq!(
            kinds("Always run the tests after an edit."),
            vec![(Preference, "Always run the tests after an edit".into())]
        );
        assert_eq!(
            kinds("we decided to keep SQLite, show me inventory slash api dot py"),
            vec![(Decision, "we decided to keep SQLite".into())]
        );
        assert_eq!(
            kinds("from now on, use pytest fixtures, and run the tests"),
            vec![(Preference, "from now on, use pytest fixtures".into())]
        );
        assert_eq!(
            kinds("we decided to keep SQLite; fix the cart total, then never touch vendor"),
            vec![
                (Decision, "we decided to keep SQLite".into()),
                (Preference, "never touch vendor".into())
            ]
        );
    }

    #[test]
    fn ordinary_commands_have_none() {
        for text in [
            "why does this always fail",
            "add a docstring to parse config dot py",
            "never mind",
            "show me the preferences module",
            "rename always_on to enabled",
            "always_on should be renamed",
        ] {
            assert!(
                statements(text).is_empty(),
                "{text}: {:?}",
                statements(text)
            );
        }
    }
}
