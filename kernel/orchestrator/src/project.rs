//! Finding how a project runs its tests.
//!
//! In order: `.ralex/config.toml` (`[project] test_command = "pytest -q"`, split
//! into words — no shell, so no pipes or `&&`), then the build files: `Cargo.toml`
//! → `cargo test`; `package.json` with a real `scripts.test` → `npm test`;
//! `go.mod` → `go test ./...`; pytest configuration (`pytest.ini`, `conftest.py`,
//! `[tool.pytest…]` in `pyproject.toml`, `[tool:pytest]` in `setup.cfg`) or
//! `test_*.py` files (pytest or unittest style) → `pytest -q`; a `Makefile` with a
//! `test:` target → `make test`. The program must also be on the exec allow-list
//! of the policy (`policies/defaults/exec.cedar`).

use std::path::Path;

/// A test command and why it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestCommand {
    /// Program name.
    pub program: String,
    /// Arguments.
    pub args: Vec<String>,
    /// Where it came from, for people ("Cargo.toml").
    pub source: String,
}

impl TestCommand {
    fn new(program: &str, args: &[&str], source: &str) -> TestCommand {
        TestCommand {
            program: program.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            source: source.into(),
        }
    }

    /// The command line, for people.
    pub fn shown(&self) -> String {
        std::iter::once(self.program.as_str())
            .chain(self.args.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Splits a configured command into words: whitespace separates, single or double
/// quotes group; no other shell syntax. Errors name what is not supported.
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => current.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            (None, '|' | '&' | ';' | '<' | '>' | '`' | '$') => {
                return Err(format!(
                    "`{c}` needs a shell, and Ralex runs programs without one; put the steps in a script or a make target and name that"
                ));
            }
            (None, c) => {
                current.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err("a quote is not closed".into());
    }
    if in_word {
        words.push(current);
    }
    Ok(words)
}

fn read(root: &Path, name: &str) -> Option<String> {
    std::fs::read_to_string(root.join(name)).ok()
}

/// The configured command, if `.ralex/config.toml` names one (errors say where).
fn configured(root: &Path) -> Result<Option<TestCommand>, String> {
    let Some(text) = read(root, ".ralex/config.toml") else {
        return Ok(None);
    };
    let value: toml::Value =
        toml::from_str(&text).map_err(|e| format!(".ralex/config.toml: {}", e.message().trim()))?;
    let Some(line) = value.get("project").and_then(|p| p.get("test_command")) else {
        return Ok(None);
    };
    let line = line
        .as_str()
        .ok_or(".ralex/config.toml: [project] test_command must be a string, e.g. \"pytest -q\"")?;
    let words = split_words(line).map_err(|e| format!(".ralex/config.toml: test_command: {e}"))?;
    let Some((program, args)) = words.split_first() else {
        return Err(".ralex/config.toml: [project] test_command is empty".into());
    };
    Ok(Some(TestCommand {
        program: program.clone(),
        args: args.to_vec(),
        source: ".ralex/config.toml".into(),
    }))
}

fn has_pytest_config(root: &Path) -> bool {
    root.join("pytest.ini").is_file()
        || root.join("conftest.py").is_file()
        || read(root, "pyproject.toml").is_some_and(|t| t.contains("[tool.pytest"))
        || read(root, "setup.cfg").is_some_and(|t| t.contains("[tool:pytest]"))
        || read(root, "tox.ini").is_some_and(|t| t.contains("[pytest]"))
}

/// Whether there are `test_*.py` files in `tests/` or at the root.
fn has_python_tests(root: &Path) -> bool {
    [root.join("tests"), root.to_path_buf()].iter().any(|dir| {
        std::fs::read_dir(dir).is_ok_and(|entries| {
            entries.flatten().any(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.starts_with("test_") && name.ends_with(".py")
            })
        })
    })
}

fn npm_test(root: &Path) -> bool {
    let Some(text) = read(root, "package.json") else {
        return false;
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
        return false;
    };
    value["scripts"]["test"]
        .as_str()
        .is_some_and(|s| !s.contains("no test specified"))
}

fn make_test(root: &Path) -> bool {
    read(root, "Makefile").is_some_and(|t| t.lines().any(|l| l.starts_with("test:")))
}

/// The project's test command, or `Ok(None)` when none can be found.
pub fn discover_test_command(root: &Path) -> Result<Option<TestCommand>, String> {
    if let Some(command) = configured(root)? {
        return Ok(Some(command));
    }
    let found = if root.join("Cargo.toml").is_file() {
        Some(TestCommand::new("cargo", &["test"], "Cargo.toml"))
    } else if npm_test(root) {
        Some(TestCommand::new("npm", &["test"], "package.json"))
    } else if root.join("go.mod").is_file() {
        Some(TestCommand::new("go", &["test", "./..."], "go.mod"))
    } else if has_pytest_config(root) || has_python_tests(root) {
        // pytest runs unittest-style tests too, and is on the default exec list
        // (an interpreter such as `python3 -m …` is not).
        Some(TestCommand::new("pytest", &["-q"], "Python tests"))
    } else if make_test(root) {
        Some(TestCommand::new("make", &["test"], "Makefile"))
    } else {
        None
    };
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("dir");
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        dir
    }

    fn found(files: &[(&str, &str)]) -> Option<String> {
        let dir = project(files);
        discover_test_command(dir.path())
            .expect("discover")
            .map(|c| c.shown())
    }

    #[test]
    fn build_files_name_the_command() {
        assert_eq!(found(&[("Cargo.toml", "")]).as_deref(), Some("cargo test"));
        assert_eq!(
            found(&[("package.json", r#"{"scripts":{"test":"vitest run"}}"#)]).as_deref(),
            Some("npm test")
        );
        assert_eq!(
            found(&[(
                "package.json",
                r#"{"scripts":{"test":"echo \"Error: no test specified\" && exit 1"}}"#
            )]),
            None
        );
        assert_eq!(
            found(&[("go.mod", "module x")]).as_deref(),
            Some("go test ./...")
        );
        assert_eq!(
            found(&[("pyproject.toml", "[tool.pytest.ini_options]\n")]).as_deref(),
            Some("pytest -q")
        );
        assert_eq!(
            found(&[("tests/test_a.py", "import unittest\n")]).as_deref(),
            Some("pytest -q")
        );
        assert_eq!(
            found(&[("tests/test_a.py", "def test_x():\n    assert True\n")]).as_deref(),
            Some("pytest -q")
        );
        assert_eq!(
            found(&[("Makefile", "test:\n\techo ok\n")]).as_deref(),
            Some("make test")
        );
        assert_eq!(found(&[("README.md", "")]), None);
    }

    #[test]
    fn configuration_wins_and_is_checked() {
        assert_eq!(
            found(&[
                ("Cargo.toml", ""),
                (
                    ".ralex/config.toml",
                    "[project]\ntest_command = \"cargo nextest run --profile 'ci fast'\"\n"
                )
            ])
            .as_deref(),
            Some("cargo nextest run --profile ci fast")
        );
        let dir = project(&[(
            ".ralex/config.toml",
            "[project]\ntest_command = \"pytest && rm -rf /\"\n",
        )]);
        let err = discover_test_command(dir.path()).expect_err("shell");
        assert!(err.contains("needs a shell"), "{err}");
        let dir = project(&[(".ralex/config.toml", "[project\n")]);
        assert!(
            discover_test_command(dir.path())
                .expect_err("toml")
                .starts_with(".ralex/config.toml")
        );
    }

    #[test]
    fn words_split_with_quotes() {
        assert_eq!(
            split_words("a 'b c' \"d\"").expect("split"),
            ["a", "b c", "d"]
        );
        assert_eq!(split_words("a ''").expect("split"), ["a", ""]);
        assert!(split_words("a 'b").is_err());
    }
}
