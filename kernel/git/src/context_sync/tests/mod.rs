//! Context sync against real repositories on disk: a bare remote and two
//! clones ("two devices"), set up and checked with the real `git` binary.

mod commit;
mod conflicts;
mod sync;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::testing::git_in;
use crate::{Repo, SyncOptions, SyncReport, SyncState};

/// A bare remote `remote.git` and two clones of it, `a` and `b`, each with
/// its own user. The remote starts with one commit holding `files`.
pub(super) struct Devices {
    pub(super) tmp: tempfile::TempDir,
}

/// Notes every scenario starts from.
pub(super) const NOTES: [(&str, &str); 5] = [
    (
        ".ralex/project.md",
        "# Project\n\n## Goal\nShip the inventory app.\n\n## Stack\nPython 3.12, FastAPI.\n\n## Conventions\nTests with pytest.\n",
    ),
    (
        ".ralex/decisions.md",
        "# Decisions\n\n## 2024-06-01 SQLite\n\nSmall and embedded.\n",
    ),
    (".ralex/sessions/archive.md", "# Archive\n"),
    (".ralex/standards/python.md", "Use type hints.\n"),
    ("src/app.py", "x = 1\n"),
];

impl Devices {
    pub(super) fn new() -> Devices {
        Devices::with(&NOTES)
    }

    pub(super) fn with(files: &[(&str, &str)]) -> Devices {
        let tmp = tempfile::tempdir().expect("tempdir");
        let devices = Devices { tmp };
        git_in(
            devices.tmp.path(),
            &["init", "-q", "--bare", "-b", "main", "remote.git"],
        );
        let a = devices.dir("a");
        std::fs::create_dir(&a).expect("mkdir a");
        git_in(&a, &["init", "-q", "-b", "main"]);
        devices.configure("a");
        for (path, contents) in files {
            devices.write("a", path, contents);
        }
        git_in(&a, &["add", "-A"]);
        git_in(&a, &["commit", "-q", "-m", "initial"]);
        let remote = devices.remote();
        git_in(
            &a,
            &["remote", "add", "origin", remote.to_str().expect("utf-8")],
        );
        git_in(&a, &["push", "-q", "-u", "origin", "main"]);
        git_in(
            devices.tmp.path(),
            &["clone", "-q", remote.to_str().expect("utf-8"), "b"],
        );
        devices.configure("b");
        devices
    }

    fn configure(&self, device: &str) {
        git_in(
            &self.dir(device),
            &["config", "user.name", &format!("Device {device}")],
        );
        git_in(
            &self.dir(device),
            &["config", "user.email", &format!("{device}@example.com")],
        );
    }

    pub(super) fn remote(&self) -> PathBuf {
        self.tmp.path().join("remote.git")
    }

    pub(super) fn dir(&self, device: &str) -> PathBuf {
        self.tmp.path().join(device)
    }

    pub(super) fn open(&self, device: &str) -> Repo {
        Repo::open(&self.dir(device)).expect("open")
    }

    pub(super) fn git(&self, device: &str, args: &[&str]) -> String {
        git_in(&self.dir(device), args)
    }

    pub(super) fn write(&self, device: &str, rel: &str, contents: &str) {
        let path = self.dir(device).join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir -p");
        std::fs::write(path, contents).expect("write");
    }

    pub(super) fn append(&self, device: &str, rel: &str, text: &str) {
        let mut contents = self.read(device, rel).unwrap_or_default();
        contents.push_str(text);
        self.write(device, rel, &contents);
    }

    pub(super) fn read(&self, device: &str, rel: &str) -> Option<String> {
        std::fs::read_to_string(self.dir(device).join(rel)).ok()
    }

    /// Replaces `old` by `new` in `rel` (which must contain it).
    pub(super) fn edit(&self, device: &str, rel: &str, old: &str, new: &str) {
        let contents = self.read(device, rel).expect("file exists");
        assert!(contents.contains(old), "{rel} lacks {old:?}");
        self.write(device, rel, &contents.replacen(old, new, 1));
    }

    /// Commits the device's notes (asserting there was something to commit).
    pub(super) fn commit_notes(&self, device: &str, message: &str) -> String {
        self.open(device)
            .commit_context(".ralex", message)
            .expect("commit_context")
            .expect("the notes changed")
    }

    pub(super) fn sync(&self, device: &str) -> SyncReport {
        self.open(device).sync_context(&options()).expect("sync")
    }

    pub(super) fn head(&self, device: &str) -> String {
        self.git(device, &["rev-parse", "HEAD"]).trim().to_owned()
    }

    pub(super) fn remote_main(&self) -> String {
        git_in(&self.remote(), &["rev-parse", "refs/heads/main"])
            .trim()
            .to_owned()
    }

    pub(super) fn status(&self, device: &str) -> Vec<String> {
        self.git(device, &["status", "--porcelain=v1"])
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Every file of the device's work tree under `.ralex`, with its contents.
    pub(super) fn notes(&self, device: &str) -> Vec<(String, String)> {
        let mut files = Vec::new();
        collect(
            &self.dir(device),
            &self.dir(device).join(".ralex"),
            &mut files,
        );
        files.sort();
        files
    }
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            collect(root, &path, files);
        } else {
            let rel = path
                .strip_prefix(root)
                .expect("inside")
                .to_string_lossy()
                .into_owned();
            files.push((rel, std::fs::read_to_string(&path).expect("read")));
        }
    }
}

/// The defaults, with retries fast enough for tests.
pub(super) fn options() -> SyncOptions {
    SyncOptions {
        retries: 2,
        backoff: Duration::from_millis(10),
        ..SyncOptions::default()
    }
}

#[track_caller]
pub(super) fn assert_synced(report: &SyncReport) {
    assert_eq!(report.state, SyncState::Synced, "{report:?}");
    assert_eq!(report.pending_commits, 0, "{report:?}");
}
