//! The first version of each note, written when a project is first worked on.
//!
//! Owns: the skeleton texts — short, useful as they stand, and saying how to
//! fill them in — and [`ensure`], which writes the missing ones.
//!
//! Must never: overwrite a file that exists (even an empty or damaged one).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use crate::NotesError;
use crate::layout::{DECISIONS, PATTERNS, PROJECT};

/// What is known about the project when its notes are created.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The project's name (its folder's name).
    pub name: String,
    /// The project's files, relative to the root (to name its languages and layout).
    pub files: Vec<String>,
    /// How its tests are run, if known.
    pub test_command: Option<String>,
}

/// Writes every missing skeleton; returns the note paths created.
pub fn ensure(root: &Path, facts: &Facts) -> Result<Vec<String>, NotesError> {
    let mut created = Vec::new();
    let files: [(&str, String); 4] = [
        (PROJECT, project(facts)),
        (DECISIONS, DECISIONS_SKELETON.to_string()),
        (PATTERNS, PATTERNS_SKELETON.to_string()),
        (GENERAL_STANDARDS, GENERAL_SKELETON.to_string()),
    ];
    for (note, text) in files {
        if create_new(root, note, &text)? {
            created.push(note.to_string());
        }
    }
    Ok(created)
}

/// The general standards file.
pub const GENERAL_STANDARDS: &str = ".ralex/standards/general.md";

/// Writes `text` to `note` unless it exists; whether it wrote.
pub(crate) fn create_new(root: &Path, note: &str, text: &str) -> Result<bool, NotesError> {
    let path = root.join(note);
    if path.symlink_metadata().is_ok() {
        return Ok(false);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(NotesError::io(parent, "creating the folder"))?;
    }
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(false),
        Err(e) => return Err(NotesError::io(&path, "creating")(e)),
    };
    file.write_all(text.as_bytes())
        .map_err(NotesError::io(&path, "writing"))?;
    Ok(true)
}

const DECISIONS_SKELETON: &str = "# Decisions\n\
\n\
Decisions and preferences for this project, newest last. Ralex adds the ones you\n\
state in a command (\"from now on use pytest fixtures\", \"always run the tests after\n\
an edit\", \"we decided to keep SQLite\") and reads the relevant ones before it works.\n\
Add your own as `- Decision: …` or `- Preference: …` lines; edit freely.\n";

const PATTERNS_SKELETON: &str = "# Patterns\n\
\n\
How you like work done here, learned from what you accept, undo and correct, or\n\
written down by you. One `- ` line each; Ralex reads the relevant ones before it\n\
works. Edit freely.\n";

const GENERAL_SKELETON: &str = "# General standards\n\
\n\
Ralex follows these in every change. Add a file per language or topic beside this\n\
one (`python.md`, `typescript.md`, `testing.md`, …): the ones for the language of\n\
the files being changed come first.\n\
\n\
- Keep a change to what was asked; no unrelated edits.\n\
- Follow the style of the surrounding code.\n\
- Add or update tests for behaviour that changes.\n";

/// `project.md`: the name, the languages and top-level folders found, and the
/// test command, with the parts only a person can write marked as such.
fn project(facts: &Facts) -> String {
    let mut out = format!(
        "# {}\n\n\
Ralex reads this file before every command that uses a model. Keep it short: what\n\
the project is, how it is laid out, how to work on it.\n\n\
## What it is\n\n\
(Write one or two sentences: what this project does, and for whom.)\n",
        if facts.name.is_empty() {
            "Project"
        } else {
            &facts.name
        }
    );
    let languages = languages(&facts.files);
    if !languages.is_empty() {
        out.push_str("\n## Languages\n\n");
        for (language, count) in languages {
            out.push_str(&format!(
                "- {language} ({count} file{})\n",
                if count == 1 { "" } else { "s" }
            ));
        }
    }
    let folders = folders(&facts.files);
    if !folders.is_empty() {
        out.push_str("\n## Layout\n\n");
        for folder in folders {
            out.push_str(&format!("- `{folder}/`\n"));
        }
    }
    out.push_str("\n## How to work on it\n\n");
    match &facts.test_command {
        Some(command) => out.push_str(&format!("- Tests: `{command}`\n")),
        None => out.push_str(
            "- Tests: (say how, or set `test_command` under `[project]` in `.ralex/config.toml`)\n",
        ),
    }
    out.push_str("- Standards: `.ralex/standards/`; decisions: `.ralex/decisions.md`.\n");
    out
}

/// Languages by number of files, most first (ties by name).
fn languages(files: &[String]) -> Vec<(&'static str, usize)> {
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    for file in files {
        let ext = file.rsplit_once('.').map_or("", |(_, e)| e);
        let language = match ext {
            "py" | "pyi" => "Python",
            "rs" => "Rust",
            "js" | "jsx" | "mjs" | "cjs" => "JavaScript",
            "ts" | "tsx" | "mts" | "cts" => "TypeScript",
            "go" => "Go",
            "java" => "Java",
            "kt" => "Kotlin",
            "rb" => "Ruby",
            "c" | "h" => "C",
            "cc" | "cpp" | "hpp" | "cxx" => "C++",
            "cs" => "C#",
            "swift" => "Swift",
            "php" => "PHP",
            _ => continue,
        };
        *counts.entry(language).or_default() += 1;
    }
    let mut list: Vec<_> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    list
}

/// Top-level folders that hold files, hidden ones left out, at most 12.
fn folders(files: &[String]) -> Vec<&str> {
    let mut folders: Vec<&str> = files
        .iter()
        .filter_map(|f| f.split_once('/').map(|(dir, _)| dir))
        .filter(|dir| !dir.starts_with('.'))
        .collect();
    folders.sort_unstable();
    folders.dedup();
    folders.truncate(12);
    folders
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skeletons_are_written_once_and_never_over_a_persons_file() {
        let dir = tempfile::tempdir().unwrap();
        let facts = Facts {
            name: "inventory".into(),
            files: vec![
                "inventory/api.py".into(),
                "inventory/config.py".into(),
                "web/app.ts".into(),
                ".github/ci.yml".into(),
            ],
            test_command: Some("pytest -q".into()),
        };
        std::fs::create_dir_all(dir.path().join(".ralex")).unwrap();
        std::fs::write(dir.path().join(DECISIONS), "mine\n").unwrap();
        let created = ensure(dir.path(), &facts).unwrap();
        assert_eq!(created, vec![PROJECT, PATTERNS, GENERAL_STANDARDS]);
        assert_eq!(
            std::fs::read_to_string(dir.path().join(DECISIONS)).unwrap(),
            "mine\n"
        );
        let project = std::fs::read_to_string(dir.path().join(PROJECT)).unwrap();
        assert!(project.starts_with("# inventory\n"), "{project}");
        assert!(
            project.contains("- Python (2 files)\n- TypeScript (1 file)"),
            "{project}"
        );
        assert!(project.contains("- `inventory/`\n- `web/`\n"), "{project}");
        assert!(!project.contains(".github"), "{project}");
        assert!(project.contains("Tests: `pytest -q`"), "{project}");
        assert!(ensure(dir.path(), &facts).unwrap().is_empty());
    }
}
