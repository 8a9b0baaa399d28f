//! What `ralex context show` tells: every note with its size, the damaged ones
//! with how to fix them, the latest session's commands and the newest decisions.
//!
//! Owns: [`overview`], a read-only summary, serialisable for `--json`.

use std::path::Path;

use crate::check::{Problem, check_file};
use crate::config::ContextConfig;
use crate::layout::{DECISIONS, DIR, SESSIONS};
use crate::session::is_date;

/// One note file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NoteInfo {
    /// Its note path.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Lines (0 when damaged).
    pub lines: usize,
    /// What is wrong with it, if anything.
    pub problem: Option<Problem>,
}

/// The notes of one project.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Overview {
    /// Whether `.ralex/` exists.
    pub exists: bool,
    /// Every note, sorted by path.
    pub files: Vec<NoteInfo>,
    /// How many session files there are (the archive not counted).
    pub sessions: usize,
    /// The newest session's note path and its commands (`HH:MM:SS · command`).
    pub latest_session: Option<(String, Vec<String>)>,
    /// The newest decisions and preferences (up to 10, newest last).
    pub decisions: Vec<String>,
    /// The `[context]` settings, or why they are wrong.
    pub config: Result<ContextConfig, String>,
}

impl Overview {
    /// The damaged notes.
    pub fn problems(&self) -> impl Iterator<Item = &Problem> {
        self.files.iter().filter_map(|f| f.problem.as_ref())
    }
}

/// The notes of the project at `root`.
pub fn overview(root: &Path) -> Overview {
    let mut files = Vec::new();
    for (path, note) in crate::layout::files(root) {
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let problem = check_file(&path, &note);
        let lines = if problem.is_none() {
            std::fs::read_to_string(&path)
                .map(|t| t.lines().count())
                .unwrap_or(0)
        } else {
            0
        };
        files.push(NoteInfo {
            path: note,
            bytes,
            lines,
            problem,
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let session_files: Vec<&NoteInfo> = files
        .iter()
        .filter(|f| {
            f.path
                .strip_prefix(&format!("{SESSIONS}/"))
                .is_some_and(|name| {
                    !name.contains('/')
                        && name.ends_with(".md")
                        && name.get(..10).is_some_and(is_date)
                })
        })
        .collect();
    let latest_session = session_files
        .iter()
        .filter(|f| f.problem.is_none())
        .max_by(|a, b| {
            (&a.path[SESSIONS.len() + 1..][..10], &a.path)
                .cmp(&(&b.path[SESSIONS.len() + 1..][..10], &b.path))
        })
        .map(|f| {
            let text = std::fs::read_to_string(root.join(&f.path)).unwrap_or_default();
            let commands = text
                .lines()
                .filter_map(|l| l.strip_prefix("## "))
                .map(str::to_string)
                .collect();
            (f.path.clone(), commands)
        });
    let decisions = files
        .iter()
        .find(|f| f.path == DECISIONS && f.problem.is_none())
        .map(|_| {
            let text = std::fs::read_to_string(root.join(DECISIONS)).unwrap_or_default();
            let all: Vec<String> = text
                .lines()
                .filter(|l| l.starts_with("- Decision:") || l.starts_with("- Preference:"))
                .map(|l| l[2..].to_string())
                .collect();
            all[all.len().saturating_sub(10)..].to_vec()
        })
        .unwrap_or_default();
    Overview {
        exists: root.join(DIR).is_dir(),
        sessions: session_files.len(),
        files,
        latest_session,
        decisions,
        config: ContextConfig::load(root).map_err(|e| e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recorder::{CommandRecord, record};
    use crate::skeleton::Facts;

    #[test]
    fn the_overview_lists_notes_sessions_decisions_and_damage() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        assert!(!overview(root).exists);
        for (date, session, said) in [
            ("2026-12-01", "a", "run the tests"),
            ("2026-12-05", "b", "we decided to keep SQLite"),
        ] {
            let command = CommandRecord {
                session: session.into(),
                transcript: said.into(),
                date: date.into(),
                time: "09:00:00".into(),
                ..CommandRecord::default()
            };
            record(root, &command, Facts::default).unwrap();
        }
        std::fs::write(root.join(".ralex/patterns.md"), b"\xff").unwrap();
        let o = overview(root);
        assert!(o.exists);
        assert_eq!(o.sessions, 2);
        let (latest, commands) = o.latest_session.clone().unwrap();
        assert_eq!(latest, ".ralex/sessions/2026-12-05-b.md");
        assert_eq!(commands, vec!["09:00:00 · we decided to keep SQLite"]);
        assert_eq!(
            o.decisions,
            vec!["Decision: we decided to keep SQLite (2026-12-05, session b)"]
        );
        let problems: Vec<_> = o.problems().map(|p| p.path.as_str()).collect();
        assert_eq!(problems, vec![".ralex/patterns.md"]);
        assert!(o.config.is_ok());
    }
}
