//! Shared fixtures: a host with a private cache, the staged test plugins, and a
//! project folder with hostile symlinks around it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ralex_caps::workspace::{Workspace, WorkspaceLimits};
use ralex_host::calls::analyzer::{Analysis, AnalyzeRequest};
use ralex_host::{CallContext, CallError, CallOutcome, Host, HostConfig, Plugin, ProgressEvent};
use ralex_policy::{Policy, PolicyFile, default_files, merge_files};
use ralex_store::Store;

/// The folder of debug binaries (`target/debug`).
pub fn target_debug() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .join("debug")
}

/// Where `cargo xtask plugins` staged a guest.
pub fn staged(kind: &str, name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join(kind).join(name);
    assert!(
        dir.join("plugin.toml").is_file(),
        "{} is missing: build the guests first with `cargo xtask plugins`",
        dir.display()
    );
    dir
}

/// A copy of a staged plugin in `into`, so a test can change its files.
pub fn copy_plugin(kind: &str, name: &str, into: &Path) -> PathBuf {
    let from = staged(kind, name);
    let to = into.join(name);
    std::fs::create_dir_all(&to).unwrap();
    for entry in std::fs::read_dir(&from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
    to
}

/// What the tests grant the untrusted `hostile` plugin (and its renamed copy
/// `other`): everything, so the tests see the manifest checks, the capability
/// providers and the default forbids.
pub const HOSTILE_GRANT: &str = "permit (principal == Ralex::Plugin::\"hostile\", action, resource);\n\
     permit (principal == Ralex::Plugin::\"other\", action, resource);";

/// A host with its own cache folder and an in-memory store.
pub struct TestHost {
    pub host: Host,
    pub dir: tempfile::TempDir,
}

impl TestHost {
    pub fn new() -> TestHost {
        let dir = tempfile::tempdir().unwrap();
        let host = Host::new(
            TestHost::config(dir.path().join("cache"), HOSTILE_GRANT),
            Arc::new(Store::open_in_memory().unwrap()),
        )
        .unwrap();
        TestHost { host, dir }
    }

    /// A config whose policy is the shipped defaults plus `grant`.
    pub fn config(cache: PathBuf, grant: &str) -> HostConfig {
        let files = merge_files(
            default_files(),
            vec![PolicyFile {
                name: "grants/test.cedar".into(),
                origin: "test-grant.cedar".into(),
                text: grant.into(),
            }],
        );
        HostConfig {
            policy: Arc::new(Policy::load(&files).expect("test grant validates")),
            ..HostConfig::new(cache)
        }
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    pub fn hostile(&self) -> Plugin {
        self.host
            .load(&staged("test-plugins", "hostile").join("plugin.toml"))
            .unwrap()
    }
}

/// A project folder inside a sandbox folder that also holds a "secret" outside it,
/// plus symlinks from inside the project to outside.
pub struct Project {
    /// Holds the project and the secret outside it; removed on drop.
    _sandbox: tempfile::TempDir,
    pub workspace: Arc<Workspace>,
}

pub const SECRET: &str = "TOP-SECRET-OUTSIDE-THE-ROOT";

impl Project {
    pub fn new() -> Project {
        let sandbox = tempfile::tempdir().unwrap();
        let root = sandbox.path().join("proj");
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::write(root.join("README.md"), "# demo\nhello\n").unwrap();
        std::fs::write(
            root.join("src/parse_config.py"),
            "def parse_config():\n    pass\n",
        )
        .unwrap();
        std::fs::write(sandbox.path().join("secret.txt"), SECRET).unwrap();
        let outside = sandbox.path();
        std::os::unix::fs::symlink(outside.join("secret.txt"), root.join("link-out")).unwrap();
        std::os::unix::fs::symlink(outside, root.join("link-dir")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", root.join("passwd-link")).unwrap();
        std::os::unix::fs::symlink("../secret.txt", root.join("relative-out")).unwrap();
        let workspace = Arc::new(Workspace::open(&root, WorkspaceLimits::default()).unwrap());
        Project {
            _sandbox: sandbox,
            workspace,
        }
    }

    pub fn context(&self) -> CallContext {
        CallContext {
            workspace: Some(self.workspace.clone()),
            ..CallContext::default()
        }
    }
}

/// Call the hostile plugin in `mode`.
pub async fn hostile_call(
    host: &Host,
    plugin: &Plugin,
    cx: CallContext,
    mode: &str,
) -> Result<CallOutcome<Analysis>, CallError> {
    host.analyze(
        plugin,
        cx,
        AnalyzeRequest {
            targets: Vec::new(),
            focus: Some(mode.to_string()),
        },
    )
    .await
}

/// The summary of a hostile call that must succeed.
pub async fn summary(host: &Host, plugin: &Plugin, cx: CallContext, mode: &str) -> String {
    hostile_call(host, plugin, cx, mode)
        .await
        .unwrap_or_else(|e| panic!("mode {mode} failed: {e}"))
        .value
        .summary
}

/// A normal call succeeds: the proof that the kernel and the plugin go on.
pub async fn still_works(host: &Host, plugin: &Plugin) {
    let out = hostile_call(host, plugin, CallContext::default(), "ok")
        .await
        .expect("a normal call after a fault must work");
    assert_eq!(out.value.summary, "all good");
}

/// A progress sink that records events.
pub fn recording_sink() -> (ralex_host::ProgressSink, Arc<Mutex<Vec<ProgressEvent>>>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink_events = events.clone();
    (
        Arc::new(move |e| sink_events.lock().unwrap().push(e)),
        events,
    )
}
