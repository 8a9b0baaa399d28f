//! Finding damaged notes: a file that is not text, has NUL bytes, still holds
//! merge-conflict markers, or (for `config.toml` and workflows) does not parse.
//!
//! Owns: [`check`] and [`check_text`], which say what is wrong, where (file and
//! line) and how to fix it.
//!
//! Must never: change a file. A damaged note is reported and left as it is; the
//! kernel works from the rest, and [`crate::restore`] can bring back a healthy
//! version from git history when the person asks.

use std::path::Path;

/// Largest note checked; a bigger file is reported (it is not a note but a dump).
pub const MAX_NOTE_BYTES: u64 = 2 * 1024 * 1024;

/// What is wrong with a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// Not text, NUL bytes, or too large.
    Damaged,
    /// Text that does not parse (TOML, YAML).
    Unparseable,
    /// Both versions of a merge are in the file, waiting for a person.
    Conflict,
}

/// One damaged note.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// The note path (`.ralex/...`).
    pub path: String,
    /// What kind of problem.
    pub kind: ProblemKind,
    /// What is wrong, with the line when known.
    pub message: String,
}

impl Problem {
    /// How a person fixes it.
    pub fn fix(&self) -> String {
        match self.kind {
            ProblemKind::Conflict => format!(
                "two devices changed {} differently; both versions are in the file between the <<<<<<< and >>>>>>> lines: keep what you want and delete the markers (or run `ralex context restore {}` to bring back its last healthy version from git history)",
                self.path, self.path
            ),
            _ => format!(
                "fix {} by hand, or run `ralex context restore {}` to bring back its last healthy version from git history",
                self.path, self.path
            ),
        }
    }
}

/// Every damaged note of the project at `root`, sorted by path.
pub fn check(root: &Path) -> Vec<Problem> {
    let mut problems: Vec<Problem> = crate::layout::files(root)
        .into_iter()
        .filter_map(|(path, note)| check_file(&path, &note))
        .collect();
    problems.sort_by(|a, b| a.path.cmp(&b.path));
    problems
}

/// The problem with one note file, if it has one.
pub fn check_file(path: &Path, note: &str) -> Option<Problem> {
    let problem = |kind, message: String| Problem {
        path: note.to_string(),
        kind,
        message,
    };
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if size > MAX_NOTE_BYTES {
        return Some(problem(
            ProblemKind::Damaged,
            format!("it is {size} bytes, more than a note should be ({MAX_NOTE_BYTES})"),
        ));
    }
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            return Some(problem(
                ProblemKind::Damaged,
                format!("cannot be read: {e}"),
            ));
        }
    };
    check_bytes(note, &bytes)
}

/// The problem with a note's content, if it has one.
pub fn check_bytes(note: &str, bytes: &[u8]) -> Option<Problem> {
    let problem = |kind, message: String| Problem {
        path: note.to_string(),
        kind,
        message,
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            return Some(problem(
                ProblemKind::Damaged,
                format!("line {line}: not UTF-8 text (a binary file, or a broken encoding)"),
            ));
        }
    };
    if let Some(at) = text.find('\0') {
        let line = text[..at].matches('\n').count() + 1;
        return Some(problem(
            ProblemKind::Damaged,
            format!("line {line}: a NUL byte (the file is damaged)"),
        ));
    }
    check_text(note, text)
}

/// The problem with a note's text, if it has one.
pub fn check_text(note: &str, text: &str) -> Option<Problem> {
    let problem = |kind, message: String| Problem {
        path: note.to_string(),
        kind,
        message,
    };
    if let Some(line) = conflict_line(text) {
        return Some(problem(
            ProblemKind::Conflict,
            format!("line {line}: both versions of a merge are in the file"),
        ));
    }
    if note.ends_with(".toml") {
        if let Err(e) = text.parse::<toml::Table>() {
            let line = e.span().map_or(1, |s| {
                text[..s.start.min(text.len())].matches('\n').count() + 1
            });
            return Some(problem(
                ProblemKind::Unparseable,
                format!("line {line}: not valid TOML: {}", e.message().trim()),
            ));
        }
    } else if (note.ends_with(".yaml") || note.ends_with(".yml"))
        && let Err(e) = serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text)
    {
        let line = e.location().map_or(1, |l| l.line());
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message);
        return Some(problem(
            ProblemKind::Unparseable,
            format!("line {line}: not valid YAML: {message}"),
        ));
    }
    None
}

/// The line of the first conflict marker block (`<<<<<<<` … `=======` … `>>>>>>>`).
fn conflict_line(text: &str) -> Option<usize> {
    let mut open = None;
    let mut middle = false;
    for (i, line) in text.lines().enumerate() {
        if line.starts_with("<<<<<<<") {
            open = Some(i + 1);
            middle = false;
        } else if line.starts_with("=======") && open.is_some() {
            middle = true;
        } else if line.starts_with(">>>>>>>") && middle {
            return open;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn healthy_notes_pass() {
        assert_eq!(check_text(".ralex/project.md", "# x\n\n- a\n"), None);
        assert_eq!(
            check_text(
                ".ralex/config.toml",
                "[project]\ntest_command = \"pytest\"\n"
            ),
            None
        );
        assert_eq!(
            check_text(".ralex/workflows/a.yaml", "name: a\nsteps:\n  - run: x\n"),
            None
        );
        // A lone ======= is a markdown heading underline, not a conflict.
        assert_eq!(check_text(".ralex/project.md", "Title\n=======\n"), None);
    }

    #[test]
    fn damage_is_reported_with_its_line() {
        let p = check_bytes(".ralex/project.md", b"# ok\n\xff\xfe").unwrap();
        assert_eq!(p.kind, ProblemKind::Damaged);
        assert!(p.message.starts_with("line 2: not UTF-8"), "{}", p.message);
        assert!(p.fix().contains("ralex context restore .ralex/project.md"));
        let p = check_bytes(".ralex/decisions.md", b"a\nb\0").unwrap();
        assert!(p.message.starts_with("line 2: a NUL byte"), "{}", p.message);
        let p = check_text(".ralex/config.toml", "[project]\ntest_command = \n").unwrap();
        assert_eq!(p.kind, ProblemKind::Unparseable);
        assert!(
            p.message.starts_with("line 2: not valid TOML"),
            "{}",
            p.message
        );
        let p = check_text(".ralex/workflows/a.yaml", "name: a\nsteps: [\n  - x\n").unwrap();
        assert_eq!(p.kind, ProblemKind::Unparseable);
        assert!(p.message.contains("not valid YAML"), "{}", p.message);
        let p = check_text(
            ".ralex/project.md",
            "# x\n<<<<<<< this device\na\n=======\nb\n>>>>>>> other device\n",
        )
        .unwrap();
        assert_eq!(p.kind, ProblemKind::Conflict);
        assert!(p.message.starts_with("line 2:"), "{}", p.message);
    }

    #[test]
    fn the_whole_folder_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        let notes = dir.path().join(".ralex/standards");
        std::fs::create_dir_all(&notes).unwrap();
        std::fs::write(notes.join("python.md"), b"\xff").unwrap();
        std::fs::write(dir.path().join(".ralex/project.md"), "fine\n").unwrap();
        let problems = check(dir.path());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, ".ralex/standards/python.md");
    }
}
