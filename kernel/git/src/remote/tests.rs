//! Fetch, push and pull against real bare repositories on disk (plain paths
//! and `file://` URLs), and against `git daemon` for server-side rejections.

use std::path::{Path, PathBuf};

use crate::testing::*;
use crate::{GitError, PullOutcome};
use ralex_caps::ErrorKind;

/// A project with one commit, a bare remote `origin` holding it, and a second
/// clone ("a colleague") of that remote.
struct Remotes {
    fx: Fixture,
}

impl Remotes {
    fn new() -> Remotes {
        let fx = Fixture::with_commit(&[("a.txt", "a\n"), ("b.txt", "b\n")]);
        git_in(
            fx.tmp.path(),
            &["init", "-q", "--bare", "-b", "main", "remote.git"],
        );
        let url = fx.tmp.path().join("remote.git");
        fx.git(&["remote", "add", "origin", url.to_str().unwrap()]);
        fx.git(&["push", "-q", "origin", "main"]);
        git_in(
            fx.tmp.path(),
            &["clone", "-q", url.to_str().unwrap(), "colleague"],
        );
        Remotes { fx }
    }

    fn bare(&self) -> PathBuf {
        self.fx.tmp.path().join("remote.git")
    }

    fn colleague(&self) -> PathBuf {
        self.fx.tmp.path().join("colleague")
    }

    /// The colleague commits `contents` to `path` and pushes.
    fn colleague_pushes(&self, path: &str, contents: &str) {
        let dir = self.colleague();
        std::fs::write(dir.join(path), contents).expect("write");
        git_in(&dir, &["add", path]);
        git_in(
            &dir,
            &["commit", "-q", "-m", &format!("colleague changes {path}")],
        );
        git_in(&dir, &["push", "-q", "origin", "main"]);
    }

    fn remote_main(&self) -> String {
        git_in(&self.bare(), &["rev-parse", "refs/heads/main"])
    }
}

fn head(fx: &Fixture) -> String {
    fx.git(&["rev-parse", "HEAD"])
}

#[test]
fn push_sends_the_current_branch() {
    let r = Remotes::new();
    r.fx.write("a.txt", "mine\n");
    let repo = r.fx.open();
    repo.commit("mine", &[]).expect("commit");
    repo.push("origin", false).expect("push");
    assert_eq!(r.remote_main(), head(&r.fx));
}

#[test]
fn push_of_a_new_branch_through_a_file_url() {
    let r = Remotes::new();
    let url = format!("file://{}", r.bare().display());
    r.fx.git(&["remote", "add", "mirror", &url]);
    let repo = r.fx.open();
    repo.create_branch("feature", true).expect("branch");
    r.fx.write("f.txt", "feature\n");
    repo.commit("feature", &[]).expect("commit");
    repo.push("mirror", false).expect("push");
    assert_eq!(
        git_in(&r.bare(), &["rev-parse", "refs/heads/feature"]),
        head(&r.fx)
    );
}

#[test]
fn non_fast_forward_push_is_a_conflict_and_force_overwrites() {
    let r = Remotes::new();
    r.colleague_pushes("b.txt", "colleague\n");
    let theirs = r.remote_main();
    r.fx.write("a.txt", "mine\n");
    let repo = r.fx.open();
    repo.commit("mine", &[]).expect("commit");

    let err = repo.push("origin", false).expect_err("non-ff");
    assert_kind(&err, ErrorKind::Conflict, "non-fast-forward");
    assert_eq!(r.remote_main(), theirs, "the remote is unchanged");

    // Also when the remote's commit is known locally (after a fetch).
    repo.fetch("origin").expect("fetch");
    let err = repo.push("origin", false).expect_err("non-ff after fetch");
    assert!(
        matches!(err, GitError::PushNotFastForward { .. }),
        "{err:?}"
    );

    repo.push("origin", true).expect("force push");
    assert_eq!(r.remote_main(), head(&r.fx));
}

#[test]
fn push_to_a_missing_remote_is_explained() {
    let r = Remotes::new();
    let repo = r.fx.open();
    let err = repo.push("upstream", false).expect_err("no such remote");
    assert_kind(&err, ErrorKind::NotFound, "git remote add upstream");
    let err = repo.push("bad name", false).expect_err("invalid name");
    assert_kind(&err, ErrorKind::NotFound, "no remote named");

    let gone = r.fx.tmp.path().join("gone.git");
    r.fx.git(&["remote", "add", "gone", gone.to_str().unwrap()]);
    let err = repo.push("gone", false).expect_err("unreachable");
    assert_kind(&err, ErrorKind::Unavailable, "cannot reach remote `gone`");
}

#[test]
fn unreachable_network_remotes_are_unavailable() {
    let r = Remotes::new();
    // Port 1 on localhost refuses connections; nothing leaves the machine.
    r.fx.git(&["remote", "add", "web", "https://127.0.0.1:1/org/repo.git"]);
    r.fx.git(&["remote", "add", "ssh", "ssh://git@127.0.0.1:1/org/repo.git"]);
    let repo = r.fx.open();
    for remote in ["web", "ssh"] {
        let err = repo.fetch(remote).expect_err(remote);
        assert_eq!(err.kind(), ErrorKind::Unavailable, "{err:?}");
        assert!(err.to_string().contains("127.0.0.1:1"), "{err}");
    }
}

#[test]
fn push_without_commits_is_refused() {
    let fx = Fixture::new();
    fx.git(&["remote", "add", "origin", "/nonexistent"]);
    let err = fx.open().push("origin", false).expect_err("unborn");
    assert_kind(&err, ErrorKind::Conflict, "no commits yet");
}

#[test]
fn fetch_updates_remote_tracking_branches_only() {
    let r = Remotes::new();
    let before = head(&r.fx);
    r.colleague_pushes("b.txt", "colleague\n");
    r.fx.open().fetch("origin").expect("fetch");
    assert_eq!(
        r.fx.git(&["rev-parse", "refs/remotes/origin/main"]),
        r.remote_main()
    );
    assert_eq!(head(&r.fx), before);
    assert_eq!(r.fx.read("b.txt").as_deref(), Some("b\n"));
}

#[test]
fn pull_fast_forwards_and_keeps_unrelated_local_changes() {
    let r = Remotes::new();
    let before = head(&r.fx);
    r.colleague_pushes("b.txt", "colleague\n");
    r.fx.write("a.txt", "my unstaged edit\n");
    r.fx.write("new.txt", "my untracked file\n");
    let outcome = r.fx.open().pull("origin").expect("pull");
    assert_eq!(
        outcome,
        PullOutcome::FastForwarded {
            from: Some(before.trim().to_owned()),
            to: r.remote_main().trim().to_owned(),
        }
    );
    assert_eq!(head(&r.fx), r.remote_main());
    assert_eq!(r.fx.read("b.txt").as_deref(), Some("colleague\n"));
    assert_eq!(r.fx.read("a.txt").as_deref(), Some("my unstaged edit\n"));
    assert_eq!(r.fx.git_status(), vec![" M a.txt", "?? new.txt"]);
}

#[test]
fn pull_when_up_to_date_or_ahead() {
    let r = Remotes::new();
    let repo = r.fx.open();
    assert_eq!(repo.pull("origin").expect("pull"), PullOutcome::UpToDate);
    r.fx.write("a.txt", "ahead\n");
    repo.commit("ahead", &[]).expect("commit");
    let ours = head(&r.fx);
    assert_eq!(repo.pull("origin").expect("pull"), PullOutcome::UpToDate);
    assert_eq!(head(&r.fx), ours);
}

#[test]
fn diverged_pull_is_refused_and_changes_nothing() {
    let r = Remotes::new();
    r.colleague_pushes("b.txt", "colleague\n");
    r.fx.write("a.txt", "mine\n");
    let repo = r.fx.open();
    repo.commit("mine", &[]).expect("commit");
    let ours = head(&r.fx);
    let err = repo.pull("origin").expect_err("diverged");
    assert_kind(
        &err,
        ErrorKind::Conflict,
        "branches have diverged; merge or rebase yourself",
    );
    assert_eq!(head(&r.fx), ours);
    assert_eq!(r.fx.read("b.txt").as_deref(), Some("b\n"));
    assert!(r.fx.git_status().is_empty());
}

#[test]
fn pull_refuses_to_overwrite_uncommitted_changes_it_would_touch() {
    let r = Remotes::new();
    let before = head(&r.fx);
    r.colleague_pushes("b.txt", "colleague\n");
    r.fx.write("b.txt", "my uncommitted edit\n");
    let err = r.fx.open().pull("origin").expect_err("dirty");
    assert_kind(&err, ErrorKind::Conflict, "`b.txt`");
    assert!(
        err.to_string().contains("commit or stash them first"),
        "{err}"
    );
    assert_eq!(head(&r.fx), before);
    assert_eq!(r.fx.read("b.txt").as_deref(), Some("my uncommitted edit\n"));
}

#[test]
fn pull_refuses_to_overwrite_an_untracked_file_it_would_create() {
    let r = Remotes::new();
    r.colleague_pushes("c.txt", "colleague\n");
    r.fx.write("c.txt", "mine, untracked\n");
    let err = r.fx.open().pull("origin").expect_err("dirty");
    assert_kind(&err, ErrorKind::Conflict, "`c.txt`");
    assert_eq!(r.fx.read("c.txt").as_deref(), Some("mine, untracked\n"));
}

#[test]
fn pull_into_a_repository_without_commits() {
    let r = Remotes::new();
    let fresh = Fixture::new();
    fresh.git(&["remote", "add", "origin", r.bare().to_str().unwrap()]);
    let outcome = fresh.open().pull("origin").expect("pull");
    assert!(
        matches!(outcome, PullOutcome::FastForwarded { from: None, .. }),
        "{outcome:?}"
    );
    assert_eq!(fresh.read("a.txt").as_deref(), Some("a\n"));
    assert_eq!(head(&fresh), r.remote_main());
    assert!(fresh.git_status().is_empty(), "{:?}", fresh.git_status());
}

#[test]
fn pull_of_a_branch_the_remote_lacks_is_not_found() {
    let r = Remotes::new();
    let repo = r.fx.open();
    repo.create_branch("local-only", true).expect("branch");
    let err = repo.pull("origin").expect_err("missing branch");
    assert_kind(&err, ErrorKind::NotFound, "has no branch `local-only`");
}

/// A `git daemon` serving `base` with push enabled, killed on drop.
struct Daemon {
    child: std::process::Child,
    port: u16,
}

impl Daemon {
    fn start(base: &Path) -> Daemon {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("addr")
            .port();
        // Run `git-daemon` itself (not `git daemon`, which would leave it
        // orphaned when killed).
        let exec_path = git_in(base, &["--exec-path"]);
        let child = std::process::Command::new(Path::new(exec_path.trim()).join("git-daemon"))
            .args([
                "--reuseaddr",
                "--export-all",
                "--enable=receive-pack",
                "--listen=127.0.0.1",
                &format!("--port={port}"),
                &format!("--base-path={}", base.display()),
            ])
            .arg(base)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start git daemon");
        let daemon = Daemon { child, port };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return daemon;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("git daemon did not start on port {port}");
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(unix)]
#[test]
fn push_rejected_by_the_server_is_a_conflict_with_its_reason() {
    use std::os::unix::fs::PermissionsExt;
    let r = Remotes::new();
    let hook = r.bare().join("hooks/pre-receive");
    std::fs::write(&hook, "#!/bin/sh\necho 'main is protected' >&2\nexit 1\n").expect("hook");
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let daemon = Daemon::start(r.fx.tmp.path());
    r.fx.git(&[
        "remote",
        "add",
        "daemon",
        &format!("git://127.0.0.1:{}/remote.git", daemon.port),
    ]);
    let before = r.remote_main();
    r.fx.write("a.txt", "mine\n");
    let repo = r.fx.open();
    repo.commit("mine", &[]).expect("commit");
    let err = repo.push("daemon", false).expect_err("rejected by hook");
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err:?}");
    assert!(matches!(err, GitError::PushRejected { .. }), "{err:?}");
    assert!(err.to_string().contains("refs/heads/main"), "{err}");
    assert_eq!(r.remote_main(), before);
}
