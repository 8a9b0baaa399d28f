//! Workflows from the outside: `ralex workflow …` on a git copy of the sample
//! project, whose Makefile has targets that pass, fail, fail once, change files
//! or take long. Each test checks the run's JSON (state, step log), the files
//! on disk byte for byte, and the exit code a script sees.
//!
//! This file is the shared harness ([`Flow`]); the tests are in one file per
//! theme.

mod builtin;
mod catalog;
mod deploy;
mod engine;
mod hostile;
mod resume;
mod spoken;
mod transactional;

use std::path::PathBuf;

use serde_json::Value;

use crate::support::*;

/// Make targets the workflows call (the recipes run in make's shell, as a
/// project's own make targets do; Ralex runs `make` itself without a shell).
const MAKEFILE: &str = "\
ok:\n\t@echo fine\n\
fail:\n\t@echo 'it broke' >&2; exit 3\n\
flaky:\n\t@if [ -f .flaky ]; then echo 'second try works'; else touch .flaky; echo 'first try fails'; exit 1; fi\n\
mutate:\n\t@printf '# changed by make\\n' >> inventory/api.py\n\t@printf 'GENERATED = True\\n' > inventory/generated.py\n\
count:\n\t@echo step >> count.log\n\
slow:\n\tsleep 30\n\
slow-once:\n\t@if [ ! -f .slept ]; then touch .slept; sleep 30; fi\n\
test:\n\t@grep -q ROUND_HALF_UP inventory/pricing.py || { echo 'FAILED test_tax_rounding: 2.675 rounds to 2.67'; exit 1; }\n\t@echo '1 passed'\n\
";

/// One test's world: a private home and a git copy of the sample project with
/// the Makefile above committed.
struct Flow {
    env: Env,
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Flow {
    fn new() -> Flow {
        let env = Env::new();
        let (dir, root) = project(true);
        std::fs::write(root.join("Makefile"), MAKEFILE).unwrap();
        std::fs::write(root.join(".gitignore"), ".flaky\n.slept\ncount.log\n").unwrap();
        commit_all(&root, "make targets");
        Flow {
            env,
            _dir: dir,
            root,
        }
    }

    fn root(&self) -> &str {
        self.root.to_str().unwrap()
    }

    /// Writes `.ralex/workflows/NAME.yaml`.
    fn workflow(&self, name: &str, yaml: &str) -> PathBuf {
        let dir = self.root.join(".ralex/workflows");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.yaml"));
        std::fs::write(&path, yaml).unwrap();
        path
    }

    fn ralex(&self, args: &[&str]) -> Result {
        self.env.run(args)
    }

    /// `ralex workflow run NAME --project ROOT --json EXTRA…`.
    fn run(&self, name: &str, extra: &[&str]) -> Result {
        let mut args = vec!["workflow", "run", name, "--project", self.root(), "--json"];
        args.extend_from_slice(extra);
        self.ralex(&args)
    }

    /// `ralex workflow runs ID --json`.
    fn log(&self, id: &str) -> Value {
        self.ralex(&["workflow", "runs", id, "--json"]).ok().json()
    }

    fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }
}

/// The states of a run's steps, by name.
fn states(run: &Value) -> Vec<(String, String)> {
    run["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// `[(name, state)]` from string pairs.
fn expect(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// Step `name` of a run.
fn step<'a>(run: &'a Value, name: &str) -> &'a Value {
    run["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no step {name} in {run:#}"))
}
