//! What Ralex writes to the notes after one command: the skeletons on first use,
//! the session entry, and any decision or preference stated (in the session
//! entry and in `decisions.md`).
//!
//! Owns: [`record`] — one call after a command. A damaged session file or
//! `decisions.md` is reported and left alone (the entry is not written there);
//! the rest is still recorded.
//!
//! Must never: write outside `.ralex/`, or fail the command: callers log the error.

use std::io::Write;
use std::path::Path;

use crate::NotesError;
use crate::check::{Problem, check_file};
use crate::layout::DECISIONS;
use crate::session::{self, Entry, safe_id};
use crate::skeleton::{self, Facts};
use crate::statements::statements;

/// One finished command, as the notes need it.
#[derive(Debug, Clone, Default)]
pub struct CommandRecord {
    /// The session it belongs to.
    pub session: String,
    /// The words as said or typed (decisions are found in these).
    pub transcript: String,
    /// Intent kind.
    pub kind: String,
    /// How it ended.
    pub status: String,
    /// The model that did the work.
    pub model: Option<String>,
    /// Its cost, USD.
    pub cost_usd: f64,
    /// Files it changed.
    pub changed: Vec<String>,
    /// The answer given.
    pub response: String,
    /// Local date, `YYYY-MM-DD`.
    pub date: String,
    /// Local time, `HH:MM:SS`.
    pub time: String,
}

/// What [`record`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recorded {
    /// Skeleton notes created (first use).
    pub created: Vec<String>,
    /// The session note the entry went to, unless it was damaged.
    pub session_note: Option<String>,
    /// Statements added to `decisions.md`.
    pub decisions_added: usize,
    /// Damaged notes met (left as they are).
    pub problems: Vec<Problem>,
}

impl Recorded {
    /// Whether anything was written.
    pub fn wrote(&self) -> bool {
        !self.created.is_empty() || self.session_note.is_some() || self.decisions_added > 0
    }
}

/// The local date and time now, as the notes write them.
pub fn now_local() -> (String, String) {
    let now = jiff::Zoned::now();
    (
        now.strftime("%Y-%m-%d").to_string(),
        now.strftime("%H:%M:%S").to_string(),
    )
}

/// Records `command` in the notes of the project at `root`; `facts` is asked only
/// when skeletons have to be created.
pub fn record(
    root: &Path,
    command: &CommandRecord,
    facts: impl FnOnce() -> Facts,
) -> Result<Recorded, NotesError> {
    let mut recorded = Recorded::default();
    if !root.join(crate::DIR).join("project.md").exists() {
        recorded.created = skeleton::ensure(root, &facts())?;
    }
    let said = statements(&command.transcript);
    let entry = Entry {
        time: command.time.clone(),
        command: command.transcript.clone(),
        kind: command.kind.clone(),
        status: command.status.clone(),
        model: command.model.clone(),
        cost_usd: command.cost_usd,
        changed: command.changed.clone(),
        outcome: command.response.clone(),
        statements: said.clone(),
    };
    let note = session::file_of(root, &command.session, &command.date);
    match check_file(&root.join(&note), &note).filter(|_| root.join(&note).exists()) {
        Some(problem) => recorded.problems.push(problem),
        None => {
            recorded.session_note = Some(session::append(
                root,
                &command.session,
                &command.date,
                &entry,
            )?)
        }
    }
    if !said.is_empty() {
        let path = root.join(DECISIONS);
        match check_file(&path, DECISIONS).filter(|_| path.exists()) {
            Some(problem) => recorded.problems.push(problem),
            None => {
                skeleton::create_new(root, DECISIONS, "# Decisions\n")?;
                let mut text = String::new();
                for statement in &said {
                    text.push_str(&format!(
                        "- {}: {} ({}, session {})\n",
                        statement.kind.label(),
                        statement
                            .text
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" "),
                        command.date,
                        safe_id(&command.session)
                    ));
                }
                let mut file = std::fs::OpenOptions::new()
                    .append(true)
                    .open(&path)
                    .map_err(NotesError::io(&path, "opening"))?;
                let existing = std::fs::read(&path).map_err(NotesError::io(&path, "reading"))?;
                if existing.last().is_some_and(|&b| b != b'\n') {
                    text.insert(0, '\n');
                }
                file.write_all(text.as_bytes())
                    .map_err(NotesError::io(&path, "appending to"))?;
                recorded.decisions_added = said.len();
            }
        }
    }
    Ok(recorded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(transcript: &str) -> CommandRecord {
        CommandRecord {
            session: "s1".into(),
            transcript: transcript.into(),
            kind: "edit".into(),
            status: "completed".into(),
            changed: vec!["a.py".into()],
            response: "Done.".into(),
            date: "2026-12-05".into(),
            time: "10:00:00".into(),
            ..CommandRecord::default()
        }
    }

    #[test]
    fn first_use_creates_skeletons_then_entries_and_decisions_are_appended() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let first = record(
            root,
            &command("fix a dot py and from now on use f-strings"),
            Facts::default,
        )
        .unwrap();
        assert!(first.created.contains(&".ralex/project.md".to_string()));
        assert_eq!(
            first.session_note.as_deref(),
            Some(".ralex/sessions/2026-12-05-s1.md")
        );
        assert_eq!(first.decisions_added, 1);
        let second = record(root, &command("run the tests"), || {
            panic!("no facts needed")
        })
        .unwrap();
        assert!(second.created.is_empty());
        assert_eq!(second.decisions_added, 0);
        let decisions = std::fs::read_to_string(root.join(DECISIONS)).unwrap();
        assert!(
            decisions
                .ends_with("- Preference: from now on use f-strings (2026-12-05, session s1)\n"),
            "{decisions}"
        );
        let session =
            std::fs::read_to_string(root.join(".ralex/sessions/2026-12-05-s1.md")).unwrap();
        assert!(session.contains("## 10:00:00 · fix a dot py and from now on use f-strings\n"));
        assert!(session.contains("- Preference: from now on use f-strings\n"));
        assert!(session.contains("## 10:00:00 · run the tests\n"));
    }

    #[test]
    fn damaged_notes_are_left_alone_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".ralex/sessions")).unwrap();
        std::fs::write(root.join(".ralex/project.md"), "# p\n").unwrap();
        std::fs::write(root.join(DECISIONS), b"\xff\xfe").unwrap();
        std::fs::write(root.join(".ralex/sessions/2026-12-01-s1.md"), b"\0").unwrap();
        let recorded = record(root, &command("always add type hints"), Facts::default).unwrap();
        assert_eq!(recorded.session_note, None);
        assert_eq!(recorded.decisions_added, 0);
        assert_eq!(recorded.problems.len(), 2);
        assert_eq!(std::fs::read(root.join(DECISIONS)).unwrap(), b"\xff\xfe");
        assert_eq!(
            std::fs::read(root.join(".ralex/sessions/2026-12-01-s1.md")).unwrap(),
            b"\0"
        );
    }
}
