//! `sync_context` between two devices: push, fast-forward, merge, offline.

use super::*;
use crate::testing::Fixture;

#[test]
fn two_devices_append_and_edit_notes_and_end_up_with_identical_notes() {
    let d = Devices::new();
    // Device A: a new decision, a session, an archive line, the goal.
    d.edit(
        "a",
        ".ralex/project.md",
        "Ship the inventory app.",
        "Ship the inventory app to two shops.",
    );
    d.append(
        "a",
        ".ralex/decisions.md",
        "\n## 2024-06-02 FastAPI\n\nAsync and typed.\n",
    );
    d.write(
        "a",
        ".ralex/sessions/2024-06-02-a1.md",
        "# Session a1\n\n- renamed parse_config\n",
    );
    d.append(
        "a",
        ".ralex/sessions/archive.md",
        "- 2024-06-01 a0: set up the project\n",
    );
    // Device B, meanwhile: the same kinds of change, elsewhere in project.md.
    d.edit(
        "b",
        ".ralex/project.md",
        "Tests with pytest.",
        "Tests with pytest, 90% coverage.",
    );
    d.append(
        "b",
        ".ralex/decisions.md",
        "\n## 2024-06-02 Alembic\n\nMigrations, reviewed.\n",
    );
    d.write(
        "b",
        ".ralex/sessions/2024-06-02-b1.md",
        "# Session b1\n\n- added tests\n",
    );
    d.append(
        "b",
        ".ralex/sessions/archive.md",
        "- 2024-06-01 b0: explored the code\n",
    );

    d.commit_notes("a", "session a1");
    let report = d.sync("a");
    assert_synced(&report);
    assert_eq!((report.pushed, report.pulled, report.merged), (1, 0, false));

    d.commit_notes("b", "session b1");
    let report = d.sync("b");
    assert_synced(&report);
    assert!(report.merged, "{report:?}");
    assert!(report.conflicts.is_empty(), "{report:?}");
    assert_eq!(
        (report.pushed, report.pulled),
        (2, 1),
        "B's commit and the merge"
    );

    let report = d.sync("a");
    assert_synced(&report);
    assert_eq!((report.pushed, report.pulled, report.merged), (0, 2, false));

    // Both devices: the same commit, the same files, clean, nothing lost.
    assert_eq!(d.head("a"), d.head("b"));
    assert_eq!(d.head("a"), d.remote_main());
    assert_eq!(d.notes("a"), d.notes("b"));
    assert!(d.status("a").is_empty(), "{:?}", d.status("a"));
    assert!(d.status("b").is_empty(), "{:?}", d.status("b"));
    let project = d.read("a", ".ralex/project.md").expect("project.md");
    assert!(
        project.contains("Ship the inventory app to two shops."),
        "{project}"
    );
    assert!(
        project.contains("Tests with pytest, 90% coverage."),
        "{project}"
    );
    assert_eq!(
        d.read("a", ".ralex/decisions.md").expect("decisions.md"),
        "# Decisions\n\n## 2024-06-01 SQLite\n\nSmall and embedded.\n\
         \n## 2024-06-02 Alembic\n\nMigrations, reviewed.\n\
         \n## 2024-06-02 FastAPI\n\nAsync and typed.\n"
    );
    assert_eq!(
        d.read("a", ".ralex/sessions/archive.md").expect("archive"),
        "# Archive\n- 2024-06-01 b0: explored the code\n- 2024-06-01 a0: set up the project\n"
    );
    assert!(d.read("a", ".ralex/sessions/2024-06-02-b1.md").is_some());
    assert!(d.read("b", ".ralex/sessions/2024-06-02-a1.md").is_some());
    let subject = d.git("b", &["log", "-1", "--format=%s|%p|%an"]);
    assert!(
        subject.starts_with("ralex: context: merge from origin|"),
        "{subject}"
    );
    assert!(subject.trim_end().ends_with("|Device b"), "{subject}");
    assert_eq!(
        subject.split('|').nth(1).map(|p| p.split(' ').count()),
        Some(2)
    );

    // Nothing left to do on either side.
    for device in ["a", "b"] {
        let report = d.sync(device);
        assert_synced(&report);
        assert_eq!((report.pushed, report.pulled), (0, 0));
    }
}

#[test]
fn offline_syncs_queue_the_commits_and_a_later_sync_pushes_them() {
    let d = Devices::new();
    let moved = d.tmp.path().join("remote.moved");
    std::fs::rename(d.remote(), &moved).expect("take the remote away");

    d.append("a", ".ralex/decisions.md", "\n## offline 1\n");
    d.commit_notes("a", "one");
    let started = std::time::Instant::now();
    let report = d.sync("a");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let SyncState::Offline { reason } = &report.state else {
        panic!("expected offline: {report:?}");
    };
    assert!(reason.contains("cannot reach remote `origin`"), "{reason}");
    assert_eq!(report.pending_commits, 1);
    d.append("a", ".ralex/decisions.md", "\n## offline 2\n");
    d.commit_notes("a", "two");
    assert_eq!(d.sync("a").pending_commits, 2);

    std::fs::rename(&moved, d.remote()).expect("bring the remote back");
    let report = d.sync("a");
    assert_synced(&report);
    assert_eq!(report.pushed, 2);
    assert_eq!(d.remote_main(), d.head("a"));
}

#[test]
fn an_unreachable_network_remote_is_offline_not_an_error() {
    let d = Devices::new();
    // Port 1 on localhost refuses connections; nothing leaves the machine.
    d.git(
        "a",
        &[
            "remote",
            "set-url",
            "origin",
            "https://127.0.0.1:1/org/repo.git",
        ],
    );
    d.append("a", ".ralex/decisions.md", "\n## queued\n");
    d.commit_notes("a", "queued");
    let report = d.sync("a");
    assert!(
        matches!(report.state, SyncState::Offline { .. }),
        "{report:?}"
    );
    assert_eq!(report.pending_commits, 1);
}

#[test]
fn clean_code_changes_from_the_other_device_are_merged_and_local_code_work_is_kept() {
    let d = Devices::with(&[
        (".ralex/project.md", "# P\n"),
        ("src/app.py", "x = 1\n"),
        ("src/other.py", "y = 1\n"),
        ("src/notes.txt", "n\n"),
    ]);
    d.write("a", "src/app.py", "x = 2\n");
    d.git("a", &["commit", "-q", "-am", "code on a"]);
    d.git("a", &["push", "-q", "origin", "main"]);

    d.write("b", "src/other.py", "y = 2\n");
    d.git("b", &["add", "src/other.py"]);
    d.write("b", "src/notes.txt", "unstaged\n");
    d.write("b", ".ralex/project.md", "# P\n\nfrom b\n");
    d.commit_notes("b", "notes");
    let report = d.sync("b");
    assert_synced(&report);
    assert!(report.merged);
    assert_eq!((report.pushed, report.pulled), (2, 1));
    assert_eq!(d.read("b", "src/app.py").as_deref(), Some("x = 2\n"));
    assert_eq!(d.status("b"), vec![" M src/notes.txt", "M  src/other.py"]);
    assert_eq!(d.remote_main(), d.head("b"));
}

#[test]
fn a_missing_remote_branch_is_created_and_unborn_branches_work_both_ways() {
    let fx = Fixture::new();
    git_in(
        fx.tmp.path(),
        &["init", "-q", "--bare", "-b", "main", "empty.git"],
    );
    let url = fx.tmp.path().join("empty.git");
    fx.git(&["remote", "add", "origin", url.to_str().expect("utf-8")]);
    let repo = fx.open();
    // Nothing on either side yet.
    assert_synced(&repo.sync_context(&options()).expect("sync"));

    fx.write(".ralex/project.md", "# P\n");
    repo.commit_context(".ralex", "first")
        .expect("commit")
        .expect("first commit");
    let report = repo.sync_context(&options()).expect("sync");
    assert_synced(&report);
    assert_eq!(report.pushed, 1);
    assert_eq!(
        git_in(&url, &["rev-parse", "refs/heads/main"]),
        fx.git(&["rev-parse", "HEAD"])
    );

    // A new device with no commits picks the notes up.
    let other = Fixture::new();
    other.git(&["remote", "add", "origin", url.to_str().expect("utf-8")]);
    other.write("untracked.txt", "mine\n");
    let report = other.open().sync_context(&options()).expect("sync");
    assert_synced(&report);
    assert_eq!(report.pulled, 1);
    assert_eq!(other.read(".ralex/project.md").as_deref(), Some("# P\n"));
    assert_eq!(other.git_status(), vec!["?? untracked.txt"]);
}

#[test]
fn a_fast_forward_that_would_overwrite_uncommitted_notes_is_refused() {
    let d = Devices::new();
    d.edit("a", ".ralex/project.md", "Ship", "Build");
    d.commit_notes("a", "goal");
    assert_synced(&d.sync("a"));

    d.append("b", ".ralex/project.md", "uncommitted\n");
    let head = d.head("b");
    let report = d.sync("b");
    let SyncState::Blocked { reason } = &report.state else {
        panic!("expected blocked: {report:?}");
    };
    assert!(reason.contains("`.ralex/project.md`"), "{reason}");
    assert!(reason.contains("commit or stash them first"), "{reason}");
    assert_eq!(d.head("b"), head);
    assert!(
        d.read("b", ".ralex/project.md")
            .expect("file")
            .ends_with("uncommitted\n")
    );
    assert_eq!(d.status("b"), vec![" M .ralex/project.md"]);

    // Once committed, the sync merges instead.
    d.commit_notes("b", "mine");
    let report = d.sync("b");
    assert_synced(&report);
    assert!(report.merged);
}

#[test]
fn a_push_that_keeps_losing_the_race_gives_up_after_a_few_rounds() {
    let d = Devices::new();
    // Fetches see the old remote, pushes go to a copy that moved on: every
    // push is rejected as if another device had just pushed.
    git_in(
        d.tmp.path(),
        &["clone", "-q", "--bare", "remote.git", "moved.git"],
    );
    d.append("a", ".ralex/decisions.md", "\n## elsewhere\n");
    d.commit_notes("a", "elsewhere");
    d.git("a", &["push", "-q", "../moved.git", "main"]);
    let moved = d.tmp.path().join("moved.git");
    d.git(
        "b",
        &[
            "remote",
            "set-url",
            "--push",
            "origin",
            moved.to_str().expect("utf-8"),
        ],
    );

    d.append("b", ".ralex/decisions.md", "\n## mine\n");
    let mine = d.commit_notes("b", "mine");
    let err = d
        .open("b")
        .sync_context(&options())
        .expect_err("always raced");
    assert!(
        matches!(err, crate::GitError::PushNotFastForward { .. }),
        "{err:?}"
    );
    assert_eq!(d.head("b"), mine, "the commit stays, queued");
}
