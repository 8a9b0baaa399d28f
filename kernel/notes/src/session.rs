//! Session notes: `.ralex/sessions/<date>-<session>.md`, one entry per command —
//! what was asked, how it ended, what changed, and any decision or preference
//! stated, word for word.
//!
//! Owns: the entry format (the context-compressor plugin reads it: entries under
//! `## HH:MM:SS · <command>`, `- Decision: …` / `- Preference: …` lines) and
//! appending to the session's file, which keeps the date of its first entry.
//!
//! Must never: rewrite what is already in a session file (entries are appended),
//! or put a session id into a file name without making it safe.

use std::io::Write;
use std::path::Path;

use crate::NotesError;
use crate::layout::SESSIONS;
use crate::statements::Statement;

/// One command, as the session notes record it.
#[derive(Debug, Clone, Default)]
pub struct Entry {
    /// When it ran, `HH:MM:SS`.
    pub time: String,
    /// The command, as understood (normalised transcript).
    pub command: String,
    /// Intent kind (`edit`, `docs`, `test`, …).
    pub kind: String,
    /// How it ended (`completed`, `failed`, `denied`, …).
    pub status: String,
    /// The model that did the work, if one did.
    pub model: Option<String>,
    /// What it cost, USD.
    pub cost_usd: f64,
    /// Files it changed.
    pub changed: Vec<String>,
    /// The answer, on one line (cut at 300 characters).
    pub outcome: String,
    /// Decisions and preferences stated in the command.
    pub statements: Vec<Statement>,
}

impl Entry {
    /// The entry as markdown.
    pub fn markdown(&self) -> String {
        let mut out = format!("\n## {} · {}\n", self.time, one_line(&self.command, 200));
        let mut facts = format!("- Kind: {} · Status: {}", self.kind, self.status);
        if let Some(model) = &self.model {
            facts.push_str(&format!(" · Model: {model}"));
        }
        if self.cost_usd > 0.0 {
            facts.push_str(&format!(" · Cost: ${:.4}", self.cost_usd));
        }
        out.push_str(&facts);
        out.push('\n');
        if !self.changed.is_empty() {
            out.push_str(&format!("- Changed: {}\n", self.changed.join(", ")));
        }
        if !self.outcome.is_empty() {
            out.push_str(&format!("- Outcome: {}\n", one_line(&self.outcome, 300)));
        }
        for statement in &self.statements {
            out.push_str(&format!(
                "- {}: {}\n",
                statement.kind.label(),
                one_line(&statement.text, 500)
            ));
        }
        out
    }
}

/// `text` on one line, at most `max` characters (with "…" when cut).
fn one_line(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    format!("{cut}…")
}

/// A session id as it may appear in a file name: letters, digits, `-` and `_`,
/// at most 64 characters; anything else becomes `_`.
pub fn safe_id(session: &str) -> String {
    let safe: String = session
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.is_empty() {
        "session".into()
    } else {
        safe
    }
}

/// The note path of `session`'s file: the existing one (whatever its date), or a
/// new one dated `date` (`YYYY-MM-DD`).
pub fn file_of(root: &Path, session: &str, date: &str) -> String {
    let id = safe_id(session);
    let suffix = format!("-{id}.md");
    if let Ok(entries) = std::fs::read_dir(root.join(SESSIONS)) {
        let mut existing: Vec<String> = entries
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|name| {
                name.ends_with(&suffix) && name.len() == 10 + suffix.len() && is_date(&name[..10])
            })
            .collect();
        existing.sort();
        if let Some(name) = existing.into_iter().next() {
            return format!("{SESSIONS}/{name}");
        }
    }
    format!("{SESSIONS}/{date}{suffix}")
}

/// Whether `text` looks like `YYYY-MM-DD`.
pub fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Appends `entry` to `session`'s notes (creating the file with its heading);
/// returns the note path.
pub fn append(root: &Path, session: &str, date: &str, entry: &Entry) -> Result<String, NotesError> {
    let note = file_of(root, session, date);
    let path = root.join(&note);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(NotesError::io(parent, "creating the folder"))?;
    }
    let fresh = !path.exists();
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(NotesError::io(&path, "opening"))?;
    let mut text = String::new();
    if fresh {
        let day = note
            .rsplit('/')
            .next()
            .map_or(date, |name| name.get(..10).unwrap_or(date));
        text.push_str(&format!("# Session {day} · {}\n", safe_id(session)));
    }
    text.push_str(&entry.markdown());
    file.write_all(text.as_bytes())
        .map_err(NotesError::io(&path, "appending to"))?;
    Ok(note)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statements::StatementKind;

    fn entry(command: &str) -> Entry {
        Entry {
            time: "17:05:12".into(),
            command: command.into(),
            kind: "docs".into(),
            status: "completed".into(),
            model: Some("gpt-x".into()),
            cost_usd: 0.0012,
            changed: vec!["inventory/parse_config.py".into()],
            outcome: "I documented parse_config.\nDetails follow.".into(),
            statements: vec![Statement {
                kind: StatementKind::Preference,
                text: "always run the tests after an edit".into(),
            }],
        }
    }

    #[test]
    fn entries_are_appended_to_the_sessions_first_file() {
        let dir = tempfile::tempdir().unwrap();
        let note = append(
            dir.path(),
            "abc/../x",
            "2026-12-05",
            &entry("add a docstring"),
        )
        .unwrap();
        assert_eq!(note, ".ralex/sessions/2026-12-05-abc____x.md");
        // The next day, the same session keeps its file.
        let again = append(
            dir.path(),
            "abc/../x",
            "2026-12-06",
            &entry("run the tests"),
        )
        .unwrap();
        assert_eq!(again, note);
        let text = std::fs::read_to_string(dir.path().join(&note)).unwrap();
        assert!(
            text.starts_with("# Session 2026-12-05 · abc____x\n\n## 17:05:12 · add a docstring\n"),
            "{text}"
        );
        assert!(text.contains("- Kind: docs · Status: completed · Model: gpt-x · Cost: $0.0012\n"));
        assert!(text.contains("- Changed: inventory/parse_config.py\n"));
        assert!(text.contains("- Outcome: I documented parse_config. Details follow.\n"));
        assert!(text.contains("- Preference: always run the tests after an edit\n"));
        assert_eq!(text.matches("## 17:05:12").count(), 2);
        assert_eq!(text.matches("# Session").count(), 1);
    }

    #[test]
    fn ids_become_safe_file_names() {
        assert_eq!(safe_id(""), "session");
        assert_eq!(safe_id("a b/c"), "a_b_c");
        assert_eq!(safe_id(&"x".repeat(100)).len(), 64);
    }
}
