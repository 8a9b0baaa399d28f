//! Undo against real repositories: each test takes a snapshot, plays a
//! "command" on the work tree, takes another, then undoes.

use super::*;
use crate::testing::*;
use ralex_caps::ErrorKind;

/// Runs `command` between two snapshots and returns their ids.
fn around(fx: &Fixture, command: impl FnOnce(&Fixture)) -> (String, String) {
    let repo = fx.open();
    let before = repo.snapshot("before").expect("snapshot before").id;
    command(fx);
    let after = repo.snapshot("after").expect("snapshot after").id;
    (before, after)
}

fn base() -> Fixture {
    Fixture::with_commit(&[
        ("a.txt", "a\n"),
        ("b.txt", "b\n"),
        ("c.txt", "c\n"),
        ("dir/d.txt", "d\n"),
    ])
}

#[test]
fn undo_a_modification() {
    let fx = base();
    let (before, after) = around(&fx, |fx| {
        fx.write("a.txt", "changed by the command\n");
    });
    let report = fx.open().undo(&before, &after).expect("undo");
    assert_eq!(report.restored, vec!["a.txt"]);
    assert!(report.deleted.is_empty());
    assert_eq!(fx.read("a.txt").as_deref(), Some("a\n"));
    assert!(fx.git_status().is_empty(), "{:?}", fx.git_status());
}

#[test]
fn undo_a_creation_removes_the_file_and_its_new_folders() {
    let fx = base();
    let (before, after) = around(&fx, |fx| {
        fx.write("new/deep/x.rs", "fn main() {}\n");
    });
    let report = fx.open().undo(&before, &after).expect("undo");
    assert_eq!(report.deleted, vec!["new/deep/x.rs"]);
    assert!(!fx.path("new").exists());
    assert!(fx.git_status().is_empty(), "{:?}", fx.git_status());
}

#[test]
fn undo_a_deletion_recreates_the_file() {
    let fx = base();
    let (before, after) = around(&fx, |fx| {
        fx.remove("dir/d.txt");
        std::fs::remove_dir(fx.path("dir")).expect("rmdir");
    });
    let report = fx.open().undo(&before, &after).expect("undo");
    assert_eq!(report.restored, vec!["dir/d.txt"]);
    assert_eq!(fx.read("dir/d.txt").as_deref(), Some("d\n"));
    assert!(fx.git_status().is_empty(), "{:?}", fx.git_status());
}

#[test]
fn undo_a_rename() {
    let fx = base();
    let (before, after) = around(&fx, |fx| {
        std::fs::rename(fx.path("b.txt"), fx.path("dir/renamed.txt")).expect("rename");
    });
    let report = fx.open().undo(&before, &after).expect("undo");
    assert_eq!(report.restored, vec!["b.txt"]);
    assert_eq!(report.deleted, vec!["dir/renamed.txt"]);
    assert_eq!(fx.read("b.txt").as_deref(), Some("b\n"));
    assert!(fx.git_status().is_empty(), "{:?}", fx.git_status());
}

#[test]
fn undo_restores_uncommitted_and_untracked_state_not_head() {
    let fx = base();
    fx.write("a.txt", "user's unstaged edit\n");
    fx.write("notes.txt", "untracked notes\n");
    let (before, after) = around(&fx, |fx| {
        fx.write("a.txt", "command output\n");
        fx.write("notes.txt", "overwritten\n");
    });
    fx.open().undo(&before, &after).expect("undo");
    assert_eq!(fx.read("a.txt").as_deref(), Some("user's unstaged edit\n"));
    assert_eq!(fx.read("notes.txt").as_deref(), Some("untracked notes\n"));
}

#[test]
fn undo_refuses_when_a_touched_file_was_edited_later_and_changes_nothing() {
    let fx = base();
    let (before, after) = around(&fx, |fx| {
        fx.write("a.txt", "command\n");
        fx.write("b.txt", "command\n");
        fx.write("created.txt", "command\n");
    });
    fx.write("b.txt", "the user's later edit\n");
    let err = fx.open().undo(&before, &after).expect_err("conflict");
    assert_kind(
        &err,
        ErrorKind::Conflict,
        "you edited `b.txt` after the command",
    );
    assert!(
        err.to_string().contains("revert them or commit them first"),
        "{err}"
    );
    assert!(!err.to_string().contains("a.txt"), "{err}");
    assert_eq!(fx.read("a.txt").as_deref(), Some("command\n"));
    assert_eq!(fx.read("b.txt").as_deref(), Some("the user's later edit\n"));
    assert_eq!(fx.read("created.txt").as_deref(), Some("command\n"));
}

#[test]
fn undo_refuses_when_a_deleted_file_was_recreated_or_a_created_file_edited() {
    let fx = base();
    let (before, after) = around(&fx, |fx| {
        fx.remove("c.txt");
        fx.write("created.txt", "command\n");
    });
    fx.write("c.txt", "recreated differently\n");
    fx.write("created.txt", "edited by the user\n");
    let err = fx.open().undo(&before, &after).expect_err("conflict");
    assert_kind(&err, ErrorKind::Conflict, "`c.txt`");
    assert!(err.to_string().contains("`created.txt`"), "{err}");
}

#[test]
fn undo_leaves_an_unrelated_later_edit_alone() {
    let fx = base();
    let (before, after) = around(&fx, |fx| {
        fx.write("a.txt", "command\n");
    });
    fx.write("c.txt", "unrelated later edit\n");
    fx.write("later.txt", "new later file\n");
    let report = fx.open().undo(&before, &after).expect("undo");
    assert_eq!(report.restored, vec!["a.txt"]);
    assert_eq!(fx.read("a.txt").as_deref(), Some("a\n"));
    assert_eq!(fx.read("c.txt").as_deref(), Some("unrelated later edit\n"));
    assert_eq!(fx.read("later.txt").as_deref(), Some("new later file\n"));
}

#[test]
fn paths_the_user_already_reverted_are_left_alone() {
    let fx = base();
    let (before, after) = around(&fx, |fx| {
        fx.write("created.txt", "command\n");
        fx.write("a.txt", "command\n");
        fx.write("b.txt", "command\n");
    });
    fx.remove("created.txt");
    fx.write("a.txt", "a\n");
    let report = fx.open().undo(&before, &after).expect("undo");
    assert_eq!(report.restored, vec!["b.txt"]);
    assert!(report.deleted.is_empty());
    assert_eq!(fx.read("b.txt").as_deref(), Some("b\n"));
}

#[test]
fn undo_twice_is_harmless() {
    let fx = base();
    let (before, after) = around(&fx, |fx| {
        fx.write("a.txt", "command\n");
        fx.write("new.txt", "command\n");
    });
    let repo = fx.open();
    repo.undo(&before, &after).expect("undo");
    let again = repo.undo(&before, &after).expect("undo again");
    assert_eq!(again, UndoReport::default());
    assert_eq!(fx.read("a.txt").as_deref(), Some("a\n"));
    assert_eq!(fx.read("new.txt"), None);
}

#[test]
fn undo_leaves_the_index_alone() {
    let fx = base();
    let (before, after) = around(&fx, |fx| {
        fx.write("staged.txt", "command staged this\n");
        fx.git(&["add", "staged.txt"]);
    });
    let index = std::fs::read(fx.path(".git/index")).expect("index");
    let report = fx.open().undo(&before, &after).expect("undo");
    assert_eq!(report.deleted, vec!["staged.txt"]);
    assert_eq!(std::fs::read(fx.path(".git/index")).expect("index"), index);
    assert_eq!(fx.git_status(), vec!["AD staged.txt"]);
}

#[test]
fn unknown_snapshot_is_not_found() {
    let fx = base();
    let known = fx.open().snapshot("known").expect("snapshot").id;
    let err = fx
        .open()
        .undo("1000000000000-0000", &known)
        .expect_err("unknown");
    assert_kind(&err, ErrorKind::NotFound, "1000000000000-0000");
    let err = fx
        .open()
        .undo(&known, "../heads/main")
        .expect_err("malformed");
    assert_kind(&err, ErrorKind::InvalidInput, "not a snapshot id");
}

#[test]
fn snapshot_and_undo_in_a_repository_without_commits() {
    let fx = Fixture::new();
    fx.write("a.txt", "a\n");
    let (before, after) = around(&fx, |fx| {
        fx.write("a.txt", "command\n");
        fx.write("b.txt", "command\n");
    });
    let report = fx.open().undo(&before, &after).expect("undo");
    assert_eq!(report.restored, vec!["a.txt"]);
    assert_eq!(report.deleted, vec!["b.txt"]);
    assert_eq!(fx.read("a.txt").as_deref(), Some("a\n"));
    assert_eq!(fx.read("b.txt"), None);
}

#[test]
fn undo_across_a_commit_made_by_the_command() {
    let fx = base();
    let (before, after) = around(&fx, |fx| {
        fx.write("a.txt", "committed by the command\n");
        fx.git(&["commit", "-q", "-am", "command commit"]);
    });
    fx.open().undo(&before, &after).expect("undo");
    assert_eq!(fx.read("a.txt").as_deref(), Some("a\n"));
    assert_eq!(fx.git_status(), vec![" M a.txt"], "HEAD keeps the commit");
}

#[test]
fn undo_ignores_ignored_files() {
    let fx = Fixture::with_commit(&[("a.txt", "a\n"), (".gitignore", "build/\n")]);
    let (before, after) = around(&fx, |fx| {
        fx.write("build/out.o", "artifact\n");
        fx.write("a.txt", "command\n");
    });
    let report = fx.open().undo(&before, &after).expect("undo");
    assert_eq!(report.restored, vec!["a.txt"]);
    assert!(report.deleted.is_empty());
    assert_eq!(fx.read("build/out.o").as_deref(), Some("artifact\n"));
}

#[test]
fn undo_swaps_a_folder_back_into_a_file() {
    let fx = Fixture::with_commit(&[("thing", "a file\n")]);
    let (before, after) = around(&fx, |fx| {
        fx.remove("thing");
        fx.write("thing/inner.txt", "now a folder\n");
    });
    let report = fx.open().undo(&before, &after).expect("undo");
    assert_eq!(report.deleted, vec!["thing/inner.txt"]);
    assert_eq!(report.restored, vec!["thing"]);
    assert_eq!(fx.read("thing").as_deref(), Some("a file\n"));
}

#[test]
fn undo_refuses_to_replace_a_folder_that_gained_other_files() {
    let fx = Fixture::with_commit(&[("thing", "a file\n"), (".gitignore", "*.log\n")]);
    let (before, after) = around(&fx, |fx| {
        fx.remove("thing");
        fx.write("thing/inner.txt", "now a folder\n");
    });
    fx.write("thing/ignored.log", "the user's log\n");
    let err = fx.open().undo(&before, &after).expect_err("blocked");
    assert_kind(&err, ErrorKind::Denied, "`thing`");
    assert_eq!(
        fx.read("thing/inner.txt").as_deref(),
        Some("now a folder\n")
    );
}

#[cfg(unix)]
#[test]
fn undo_keeps_the_executable_bit_and_symlinks() {
    use std::os::unix::fs::PermissionsExt;
    let fx = Fixture::new();
    fx.write("run.sh", "#!/bin/sh\necho hi\n");
    std::fs::set_permissions(fx.path("run.sh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::os::unix::fs::symlink("run.sh", fx.path("link")).unwrap();
    fx.git(&["add", "-A"]);
    fx.git(&["commit", "-q", "-m", "init"]);
    let (before, after) = around(&fx, |fx| {
        fx.remove("run.sh");
        fx.write("run.sh", "rewritten without exec\n");
        fx.remove("link");
        fx.write("link", "now a plain file\n");
    });
    let report = fx.open().undo(&before, &after).expect("undo");
    assert_eq!(report.restored, vec!["link", "run.sh"]);
    let mode = std::fs::metadata(fx.path("run.sh"))
        .unwrap()
        .permissions()
        .mode();
    assert_ne!(mode & 0o100, 0, "{mode:o}");
    assert_eq!(
        std::fs::read_link(fx.path("link")).unwrap(),
        Path::new("run.sh")
    );
    assert!(fx.git_status().is_empty(), "{:?}", fx.git_status());
}

#[cfg(unix)]
#[test]
fn undo_a_chmod() {
    use std::os::unix::fs::PermissionsExt;
    let fx = base();
    let (before, after) = around(&fx, |fx| {
        std::fs::set_permissions(fx.path("a.txt"), std::fs::Permissions::from_mode(0o755)).unwrap();
    });
    let report = fx.open().undo(&before, &after).expect("undo");
    assert_eq!(report.restored, vec!["a.txt"]);
    let mode = std::fs::metadata(fx.path("a.txt"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o111, 0, "{mode:o}");
    assert!(fx.git_status().is_empty(), "{:?}", fx.git_status());
}
