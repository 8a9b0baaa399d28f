//! Running the binary in isolation.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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
