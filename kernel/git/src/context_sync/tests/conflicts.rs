//! Conflicts: notes changed on both devices keep both versions; code
//! conflicts block the sync and change nothing.

use super::*;
use crate::Conflict;

#[test]
fn the_same_line_changed_on_both_devices_keeps_both_versions_and_is_reported() {
    let d = Devices::new();
    d.edit(
        "a",
        ".ralex/project.md",
        "Ship the inventory app.",
        "Ship the app to shops.",
    );
    d.commit_notes("a", "goal on a");
    assert_synced(&d.sync("a"));
    let theirs = d.read("a", ".ralex/project.md").expect("a's version");

    d.edit(
        "b",
        ".ralex/project.md",
        "Ship the inventory app.",
        "Ship the app to farms.",
    );
    d.commit_notes("b", "goal on b");
    let ours = d.read("b", ".ralex/project.md").expect("b's version");
    let report = d.sync("b");
    assert_synced(&report);
    assert!(report.merged);
    assert_eq!(
        report.conflicts,
        vec![Conflict {
            path: ".ralex/project.md".into(),
            ours,
            theirs,
        }]
    );
    let merged = d.read("b", ".ralex/project.md").expect("merged");
    assert!(
        merged.contains(
            "<<<<<<< this device (main)\nShip the app to farms.\n=======\n\
             Ship the app to shops.\n>>>>>>> other device (origin/main)\n"
        ),
        "{merged}"
    );
    assert!(
        merged.contains("Tests with pytest."),
        "the rest is intact: {merged}"
    );
    assert!(d.status("b").is_empty(), "{:?}", d.status("b"));
    let body = d.git("b", &["log", "-1", "--format=%b"]);
    assert!(body.contains(".ralex/project.md"), "{body}");

    // The other device receives the file with both versions.
    let report = d.sync("a");
    assert_synced(&report);
    assert_eq!(d.read("a", ".ralex/project.md"), Some(merged));
}

#[test]
fn a_note_deleted_on_one_device_and_changed_on_the_other_is_kept() {
    let d = Devices::new();
    std::fs::remove_file(d.dir("a").join(".ralex/standards/python.md")).expect("rm");
    std::fs::remove_file(d.dir("a").join(".ralex/sessions/archive.md")).expect("rm");
    d.commit_notes("a", "tidy");
    assert_synced(&d.sync("a"));

    d.append("b", ".ralex/standards/python.md", "Prefer dataclasses.\n");
    d.append("b", ".ralex/sessions/archive.md", "- b0\n");
    d.commit_notes("b", "more");
    let report = d.sync("b");
    assert_synced(&report);
    let kept = "Use type hints.\nPrefer dataclasses.\n";
    assert_eq!(
        d.read("b", ".ralex/standards/python.md").as_deref(),
        Some(kept)
    );
    assert_eq!(
        d.read("b", ".ralex/sessions/archive.md").as_deref(),
        Some("# Archive\n- b0\n")
    );
    // Only the ordinary note is reported; the append-only log is simply kept.
    assert_eq!(
        report.conflicts,
        vec![Conflict {
            path: ".ralex/standards/python.md".into(),
            ours: kept.into(),
            theirs: String::new(),
        }]
    );
    assert_synced(&d.sync("a"));
    assert_eq!(d.notes("a"), d.notes("b"));
}

#[test]
fn a_code_conflict_blocks_the_sync_and_changes_nothing() {
    let d = Devices::new();
    d.write("a", "src/app.py", "x = 2\n");
    d.git("a", &["commit", "-q", "-am", "x = 2"]);
    d.append("a", ".ralex/decisions.md", "\n## from a\n");
    d.commit_notes("a", "a");
    assert_synced(&d.sync("a"));
    let remote = d.remote_main();

    d.write("b", "src/app.py", "x = 3\n");
    d.git("b", &["commit", "-q", "-am", "x = 3"]);
    d.append("b", ".ralex/decisions.md", "\n## from b\n");
    d.commit_notes("b", "b");
    d.write("b", "src/app.py", "x = 4, unstaged\n");
    d.write("b", "src/new.py", "staged\n");
    d.git("b", &["add", "src/new.py"]);
    let head = d.head("b");
    let status = d.status("b");
    let notes = d.notes("b");

    let report = d.sync("b");
    let SyncState::Blocked { reason } = &report.state else {
        panic!("expected blocked: {report:?}");
    };
    assert!(
        reason.starts_with("code on main has diverged from origin; pull and merge it yourself"),
        "{reason}"
    );
    assert!(reason.contains("`src/app.py`"), "{reason}");
    assert!(!report.merged);
    assert_eq!(
        report.pending_commits, 2,
        "the code and the notes commit stay queued"
    );
    assert_eq!(d.head("b"), head);
    assert_eq!(d.status("b"), status);
    assert_eq!(d.notes("b"), notes);
    assert_eq!(
        d.read("b", "src/app.py").as_deref(),
        Some("x = 4, unstaged\n")
    );
    assert_eq!(d.remote_main(), remote);
    assert!(
        d.git("b", &["ls-files", "-u"]).is_empty(),
        "no conflict in the index"
    );
}
