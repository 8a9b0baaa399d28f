//! Running the binary in isolation.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub use ralex_model_testserver::ServerProcess as ModelServer;
use serde_json::Value;

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

pub fn binary() -> PathBuf {
    let bin = std::env::var_os("RALEX_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("debug").join("ralex"));
    assert!(
        bin.is_file(),
        "{} is missing: run `make setup` (or `cargo build -p ralex`) first",
        bin.display()
    );
    bin
}

pub fn sample_project() -> PathBuf {
    workspace_root().join("tests/fixtures/inventory")
}

/// A private installation: its own RALEX_HOME, no config from the environment.
pub struct Env {
    pub home: tempfile::TempDir,
    pub extra_plugins: Option<PathBuf>,
}

impl Env {
    pub fn new() -> Env {
        Env {
            home: tempfile::tempdir().unwrap(),
            extra_plugins: None,
        }
    }

    pub fn command(&self) -> Command {
        let mut cmd = Command::new(binary());
        cmd.env("RALEX_HOME", self.home.path())
            .env_remove("RALEX_CONFIG")
            .env_remove("RALEX_LOG")
            .env_remove("RALEX_PLUGIN_PATH");
        if let Some(dir) = &self.extra_plugins {
            cmd.env("RALEX_PLUGIN_PATH", dir);
        }
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Result {
        let output = self.command().args(args).output().expect("ralex runs");
        Result::from(output)
    }
}

/// What a run printed and how it exited.
pub struct Result {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Result {
    fn from(o: Output) -> Self {
        Result {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Result {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!("not JSON ({e}):\n{}\nstderr:\n{}", self.stdout, self.stderr)
        })
    }

    #[track_caller]
    pub fn ok(&self) -> &Self {
        assert_eq!(
            self.code, 0,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// A copy of a staged plugin folder, for tests that break it.
pub fn copy_staged(kind: &str, name: &str, into: &Path) -> PathBuf {
    let from = target_dir().join(kind).join(name);
    assert!(
        from.is_dir(),
        "{} missing: run `cargo xtask plugins`",
        from.display()
    );
    let to = into.join(name);
    std::fs::create_dir_all(&to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
    to
}

/// A copy of the sample project in a temp folder, optionally a git repository
/// with one commit.
pub fn project(git: bool) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("inventory");
    copy_dir(&sample_project(), &root);
    if git {
        run_git(&root, &["init", "-q"]);
        commit_all(&root, "initial import");
    }
    (dir, root)
}

/// `git ARGS` in `root`, which must succeed; its stdout.
pub fn run_git(root: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Commits everything in `root` with `message`.
pub fn commit_all(root: &Path, message: &str) {
    run_git(root, &["add", "-A"]);
    run_git(
        root,
        &[
            "-c",
            "user.name=Tester",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-qm",
            message,
        ],
    );
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A Makefile whose `test` target runs `recipe`, configured as the test command.
pub fn with_makefile(root: &Path, recipe: &str) {
    std::fs::write(root.join("Makefile"), format!("test:\n\t{recipe}\n")).unwrap();
    // The sample's Python tests would be found first without a configured command.
    std::fs::create_dir_all(root.join(".ralex")).unwrap();
    std::fs::write(
        root.join(".ralex/config.toml"),
        "[project]\ntest_command = \"make test\"\n",
    )
    .unwrap();
}

/// The audit entries of `action`, oldest first.
pub fn audited(env: &Env, action: &str) -> Vec<Value> {
    let entries = env
        .run(&["audit", "show", "--json", "--limit", "0"])
        .ok()
        .json();
    entries
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == action)
        .cloned()
        .collect()
}

/// Variables that would enable other providers or models from the caller's
/// environment: removed from every run that uses a model.
pub const MODEL_VARS: &[&str] = &[
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "OPENROUTER_API_KEY",
    "DEEPSEEK_API_KEY",
    "RALEX_OPENAI_BASE_URL",
    "RALEX_OPENAI_API_KEY",
    "RALEX_MODEL",
    "RALEX_MODEL_CONTEXT",
    "RALEX_STT_MODEL",
];

/// The scripted provider binary, built next to `ralex`; killed on drop.
pub fn model_server() -> ModelServer {
    ModelServer::start(&binary().with_file_name("ralex-model-testserver"))
}

/// The chat requests the server received (control calls are not recorded).
pub fn chat_requests(server: &ModelServer) -> Vec<Value> {
    server
        .requests()
        .into_iter()
        .filter(|r| r["path"] == "/v1/chat/completions")
        .collect()
}

/// ralex.toml wiring the scripted model server at `base` in as provider `lab`
/// with the priced model `lab-small` ($0.50 / $1.50 per Mtok, tools).
pub fn lab_provider(base: &str) -> String {
    format!(
        r#"[[providers]]
name = "lab"
kind = "openai"
base_url = "{base}"
api_key_env = "LAB_API_KEY"
local = false

[[models]]
name = "lab-small"
provider = "lab"
context_window = 128000
input_per_mtok = 0.5
output_per_mtok = 1.5
capabilities = ["tools"]
tier = 1
"#
    )
}

/// Every file of the project but git's own and the `.ralex/` notes Ralex
/// keeps after each command, by relative path.
pub fn code_files(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, into: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_name() == ".git" || entry.file_name() == ".ralex" {
                continue;
            }
            if entry.file_type().unwrap().is_dir() {
                walk(root, &path, into);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_string();
                into.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut all = std::collections::BTreeMap::new();
    walk(root, root, &mut all);
    all
}

/// `git status --porcelain` of the code: the `.ralex/` notes Ralex keeps after
/// each command are left out (tests/e2e/context.rs checks them).
pub fn code_status(root: &Path) -> String {
    run_git(root, &["status", "--porcelain", "--untracked-files=all"])
        .lines()
        .filter(|l| !l.contains(".ralex/"))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Runs plugin `plugin` as the one step of a workflow in the project at `root`
/// (`with` is the step's YAML flow mapping); the run, which must complete.
pub fn plugin_step(env: &Env, root: &Path, plugin: &str, with: &str) -> Value {
    std::fs::create_dir_all(root.join(".ralex/workflows")).unwrap();
    std::fs::write(
        root.join(".ralex/workflows/one-step.yaml"),
        format!("name: one-step\nsteps:\n  - name: step\n    plugin: {plugin}\n    with: {with}\n"),
    )
    .unwrap();
    env.run(&[
        "workflow",
        "run",
        "one-step",
        "--project",
        root.to_str().unwrap(),
        "--json",
    ])
    .ok()
    .json()
}
