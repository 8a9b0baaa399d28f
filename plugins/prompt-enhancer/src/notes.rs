//! Reading the project's notes: `.ralex/standards/*.md`, `.ralex/decisions.md` and
//! `.ralex/patterns.md`, through the small [`FileSource`] trait so the logic runs
//! natively over an in-memory fake in tests and over the `workspace` import in the
//! component.
//!
//! Owns what is read and what a failure means. Missing files and folders are normal
//! (a project need not have notes); a file that cannot be read (denied, too large,
//! not UTF-8) is skipped with a note. Must never fail the whole call because of one
//! file, and never reads outside `.ralex/`.

use std::collections::BTreeSet;

/// The folder of the project's standards, one markdown file per topic or language.
pub const STANDARDS_DIR: &str = ".ralex/standards";
/// The project's decisions, newest last.
pub const DECISIONS: &str = ".ralex/decisions.md";
/// The user's patterns, as learned or written down.
pub const PATTERNS: &str = ".ralex/patterns.md";
/// Largest note read, in bytes: more is not a note but a dump, and would only be cut.
pub const MAX_NOTE_BYTES: usize = 256 * 1024;

/// Why a file or folder could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// It does not exist: normal, nothing to report.
    NotFound,
    /// The policy refused it.
    Denied,
    /// It is past the size limit.
    TooLarge,
    /// It is not UTF-8 text.
    NotText,
    /// Anything else, with the host's message.
    Other(String),
}

impl Failure {
    /// A few words for a note.
    pub fn reason(&self) -> String {
        match self {
            Failure::NotFound => "not found".to_string(),
            Failure::Denied => "access denied".to_string(),
            Failure::TooLarge => "too large".to_string(),
            Failure::NotText => "not UTF-8 text".to_string(),
            Failure::Other(message) => {
                let line = message.lines().next().unwrap_or("").trim();
                let short: String = line.chars().take(80).collect();
                if short.is_empty() {
                    "cannot be read".to_string()
                } else {
                    short
                }
            }
        }
    }
}

/// Where the notes come from: the project's files, read-only.
pub trait FileSource {
    /// The text of the file at `path` (relative to the project root).
    fn read(&self, path: &str) -> Result<String, Failure>;
    /// Paths (relative to the project root) of the files directly in `dir`.
    fn list_files(&self, dir: &str) -> Result<Vec<String>, Failure>;
}

/// One note file that was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    /// Its path, e.g. ".ralex/standards/python.md".
    pub path: String,
    /// Its text.
    pub text: String,
}

/// What the project has written down, as read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notes {
    /// The standards files, sorted by path.
    pub standards: Vec<Doc>,
    /// The decisions file, if any.
    pub decisions: Option<Doc>,
    /// The patterns file, if any.
    pub patterns: Option<Doc>,
    /// Files not read because the kernel's context already holds them, sorted.
    pub in_context: Vec<String>,
    /// Lines for the caller: files skipped and why, or "no standards found".
    pub remarks: Vec<String>,
}

/// Reads every note, skipping what `in_context` already holds.
pub fn load(files: &dyn FileSource, in_context: &BTreeSet<String>) -> Notes {
    let mut notes = Notes::default();
    match files.list_files(STANDARDS_DIR) {
        Ok(mut paths) => {
            paths.retain(|p| p.to_lowercase().ends_with(".md"));
            paths.sort();
            paths.dedup();
            if paths.is_empty() {
                notes
                    .remarks
                    .push(format!("no standards found in {STANDARDS_DIR}/"));
            }
            for path in paths {
                if let Some(doc) = read(files, &path, in_context, &mut notes) {
                    notes.standards.push(doc);
                }
            }
        }
        Err(Failure::NotFound) => notes
            .remarks
            .push(format!("no standards found in {STANDARDS_DIR}/")),
        Err(failure) => notes
            .remarks
            .push(format!("skipped {STANDARDS_DIR}/: {}", failure.reason())),
    }
    notes.decisions = read(files, DECISIONS, in_context, &mut notes);
    notes.patterns = read(files, PATTERNS, in_context, &mut notes);
    notes.in_context.sort();
    notes
}

/// Reads one note; `None` when it is missing, empty, already in context or unreadable
/// (the last with a remark).
fn read(
    files: &dyn FileSource,
    path: &str,
    in_context: &BTreeSet<String>,
    notes: &mut Notes,
) -> Option<Doc> {
    if in_context.contains(path) {
        notes.in_context.push(path.to_string());
        return None;
    }
    let failure = match files.read(path) {
        Ok(text) if text.len() > MAX_NOTE_BYTES => Failure::TooLarge,
        Ok(text) if text.trim().is_empty() => return None,
        Ok(text) => {
            return Some(Doc {
                path: path.to_string(),
                text: text.replace("\r\n", "\n"),
            });
        }
        Err(Failure::NotFound) => return None,
        Err(failure) => failure,
    };
    notes
        .remarks
        .push(format!("skipped {path}: {}", failure.reason()));
    None
}
