//! Which workflows there are: the built-in ones, then each folder given (the
//! user's `$RALEX_HOME/workflows`, installed bundles, the project's
//! `.ralex/workflows`), a later one replacing an earlier one of the same name.
//!
//! Owns: [`Catalog`] and [`BUILTIN`]. A file that does not parse is listed with
//! its problems (and cannot run); it never hides the others.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Problems, WorkflowError};
use crate::parse::parse;
use crate::schema::Workflow;

/// The built-in workflows: (name, YAML).
pub const BUILTIN: &[(&str, &str)] = &[
    ("feature", include_str!("builtin/feature.yaml")),
    ("bugfix", include_str!("builtin/bugfix.yaml")),
    ("deploy", include_str!("builtin/deploy.yaml")),
];

/// Where a workflow comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "path")]
pub enum Source {
    /// Shipped with Ralex.
    BuiltIn,
    /// A file.
    File(PathBuf),
}

impl Source {
    /// How problems name it: the path, or `built-in:<name>`.
    pub fn label(&self, name: &str) -> String {
        match self {
            Source::BuiltIn => format!("built-in:{name}"),
            Source::File(p) => p.display().to_string(),
        }
    }
}

/// One workflow of the catalog.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Its name.
    pub name: String,
    /// Where it comes from.
    pub source: Source,
    /// Its text (stored with each run, so a resumed run runs what it began).
    #[serde(skip)]
    pub text: String,
    /// The checked workflow, or what is wrong with the file.
    #[serde(skip)]
    pub parsed: Result<Workflow, Problems>,
}

impl Entry {
    /// Its description, or what is wrong with it.
    pub fn description(&self) -> String {
        match &self.parsed {
            Ok(w) => w.description.clone(),
            Err(p) => format!(
                "(broken: {})",
                p.0.first().map_or(String::new(), |p| p.message.clone())
            ),
        }
    }
}

/// Every workflow that can run in one project.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    entries: Vec<Entry>,
}

impl Catalog {
    /// The built-ins, then the `*.yaml` / `*.yml` files of each of `dirs` in
    /// order (missing folders are skipped).
    pub fn load(dirs: &[PathBuf]) -> Result<Catalog, WorkflowError> {
        let mut catalog = Catalog::default();
        for (name, text) in BUILTIN {
            catalog.add(Entry {
                name: name.to_string(),
                source: Source::BuiltIn,
                text: text.to_string(),
                parsed: parse(&Source::BuiltIn.label(name), text),
            });
        }
        for dir in dirs {
            let Ok(read) = std::fs::read_dir(dir) else {
                continue;
            };
            let mut files: Vec<PathBuf> = read
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.is_file()
                        && matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
                })
                .collect();
            files.sort();
            for path in files {
                // An unreadable file is listed as broken; it never hides the others.
                let entry = Catalog::read(&path).unwrap_or_else(|e| Entry {
                    name: path
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    source: Source::File(path.clone()),
                    text: String::new(),
                    parsed: Err(Problems(vec![crate::error::Problem {
                        file: path.display().to_string(),
                        line: None,
                        column: None,
                        field: String::new(),
                        message: e.to_string(),
                    }])),
                });
                catalog.add(entry);
            }
        }
        Ok(catalog)
    }

    /// Reads one workflow file (for `ralex workflow check FILE`, too).
    pub fn read(path: &Path) -> Result<Entry, WorkflowError> {
        let text = std::fs::read_to_string(path).map_err(|source| WorkflowError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let parsed = parse(&path.display().to_string(), &text);
        let name = match &parsed {
            Ok(w) => w.name.clone(),
            Err(_) => path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
        };
        Ok(Entry {
            name,
            source: Source::File(path.to_path_buf()),
            text,
            parsed,
        })
    }

    fn add(&mut self, entry: Entry) {
        self.entries.retain(|e| e.name != entry.name);
        self.entries.push(entry);
    }

    /// Every workflow, by name.
    pub fn entries(&self) -> Vec<&Entry> {
        let mut all: Vec<&Entry> = self.entries.iter().collect();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        all
    }

    /// The workflow called `name`.
    pub fn get(&self, name: &str) -> Result<&Entry, WorkflowError> {
        self.entries
            .iter()
            .find(|e| e.name == name)
            .ok_or_else(|| WorkflowError::NotFound {
                name: name.to_string(),
                known: self
                    .entries()
                    .iter()
                    .map(|e| e.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

/// The text of built-in workflow `name`.
pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_are_valid() {
        for (name, text) in BUILTIN {
            let wf = parse(name, text).unwrap_or_else(|p| panic!("{name}: {p}"));
            assert_eq!(wf.name, *name);
        }
    }

    #[test]
    fn project_files_replace_builtins_and_broken_ones_are_listed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("bugfix.yaml"),
            "name: bugfix\ndescription: ours\nsteps:\n  - name: t\n    test: {}\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("broken.yml"), "name: broken\nsteps: [\n").unwrap();
        std::fs::write(dir.path().join("notes.md"), "not a workflow").unwrap();
        let catalog =
            Catalog::load(&[dir.path().to_path_buf(), dir.path().join("missing")]).unwrap();
        let names: Vec<&str> = catalog.entries().iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["broken", "bugfix", "deploy", "feature"]);
        assert_eq!(catalog.get("bugfix").unwrap().description(), "ours");
        assert!(catalog.get("broken").unwrap().parsed.is_err());
        let e = catalog.get("nope").unwrap_err().to_string();
        assert!(e.contains("there is no workflow `nope`"), "{e}");
        assert!(e.contains("broken, bugfix, deploy, feature"), "{e}");
    }
}
