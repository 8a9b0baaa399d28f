//! The files of `.ralex/` and how each is treated.
//!
//! Owns: the names (DESIGN.md §5), which files are append-only logs (merged by
//! union when two devices wrote to them), and turning a note path a person gives
//! into a path that cannot leave `.ralex/`.
//!
//! Must never: accept `..`, absolute paths or anything outside `.ralex/`.

use std::path::{Component, Path, PathBuf};

use crate::NotesError;

/// The folder of the notes, relative to the project root.
pub const DIR: &str = ".ralex";
/// What the project is and how to work on it.
pub const PROJECT: &str = ".ralex/project.md";
/// Decisions and stated preferences, newest last (append-only).
pub const DECISIONS: &str = ".ralex/decisions.md";
/// The user's patterns, as learned or written down (append-only).
pub const PATTERNS: &str = ".ralex/patterns.md";
/// Coding standards, one file per topic or language.
pub const STANDARDS: &str = ".ralex/standards";
/// One file per session.
pub const SESSIONS: &str = ".ralex/sessions";
/// Old sessions, compressed.
pub const ARCHIVE: &str = ".ralex/sessions/archive.md";
/// Workflows of the project.
pub const WORKFLOWS: &str = ".ralex/workflows";
/// The project's Ralex settings.
pub const CONFIG: &str = ".ralex/config.toml";

/// Files that are logs: entries are only added, so two devices' versions merge
/// by keeping the lines of both (git sync uses these patterns).
pub const APPEND_ONLY: &[&str] = &[".ralex/sessions/**", DECISIONS, PATTERNS];

/// `path` (relative to the project root, `/`-separated, as a person types it:
/// `decisions.md` or `.ralex/decisions.md`) as a checked note path
/// `.ralex/...`, or why not.
pub fn note_path(path: &str) -> Result<String, NotesError> {
    let bad = |why| NotesError::BadPath {
        path: path.to_string(),
        why,
    };
    let trimmed = path.trim().trim_start_matches("./");
    if trimmed.is_empty() {
        return Err(bad("it is empty"));
    }
    let inner = trimmed
        .strip_prefix(".ralex/")
        .unwrap_or(trimmed)
        .trim_end_matches('/');
    let mut parts = Vec::new();
    for component in Path::new(inner).components() {
        match component {
            Component::Normal(part) => match part.to_str() {
                Some(part) => parts.push(part),
                None => return Err(bad("it is not valid UTF-8")),
            },
            Component::CurDir => {}
            _ => {
                return Err(bad(
                    "use a path inside .ralex/, without `..` or a leading `/`",
                ));
            }
        }
    }
    if parts.is_empty() {
        return Err(bad("it names the folder, not a file"));
    }
    Ok(format!("{DIR}/{}", parts.join("/")))
}

/// The file on disk for note path `note` (from [`note_path`] or a constant here).
pub fn on_disk(root: &Path, note: &str) -> PathBuf {
    root.join(note)
}

/// Whether `note` is one of the append-only logs.
pub fn is_append_only(note: &str) -> bool {
    note.starts_with(".ralex/sessions/") || note == DECISIONS || note == PATTERNS
}

/// Every file under `.ralex/` of the project at `root`, as (absolute path,
/// note path `.ralex/...`), unsorted. Folders that cannot be read and names
/// that are not UTF-8 are skipped.
pub fn files(root: &Path) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    let mut stack = vec![root.join(DIR)];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file()
                && let Some(note) = note_of(root, &path)
            {
                found.push((path, note));
            }
        }
    }
    found
}

/// The note path of a file under the root.
fn note_of(root: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = relative
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect();
    Some(parts?.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_paths_stay_inside_the_folder() {
        assert_eq!(note_path("decisions.md").unwrap(), ".ralex/decisions.md");
        assert_eq!(
            note_path("./.ralex/standards/python.md").unwrap(),
            ".ralex/standards/python.md"
        );
        for bad in [
            "",
            "  ",
            "../etc/passwd",
            "/etc/passwd",
            ".ralex/../src/x.py",
            ".ralex/",
        ] {
            assert!(note_path(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn logs_are_append_only_and_the_rest_is_not() {
        assert!(is_append_only(".ralex/sessions/2026-12-05-a.md"));
        assert!(is_append_only(DECISIONS));
        assert!(!is_append_only(PROJECT));
        assert!(!is_append_only(CONFIG));
    }
}
