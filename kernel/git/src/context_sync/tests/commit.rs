//! `commit_context`: only the notes, whatever else is staged or edited.

use super::*;
use crate::GitError;
use crate::testing::{Fixture, assert_kind};
use ralex_caps::ErrorKind;

#[test]
fn only_the_notes_are_committed_and_staged_and_unstaged_code_stays_as_it_was() {
    let fx = Fixture::with_commit(&[
        ("src/a.rs", "a\n"),
        ("src/b.rs", "b\n"),
        (".ralex/project.md", "# P\n"),
        (".ralex/old.md", "old\n"),
    ]);
    fx.write("src/a.rs", "a, staged\n");
    fx.git(&["add", "src/a.rs"]);
    fx.write("src/a.rs", "a, staged, then edited\n");
    fx.write("src/b.rs", "b, unstaged\n");
    fx.write("src/.ralex/stray.md", "not the notes' folder\n");
    fx.write(".ralex/project.md", "# P\n\nmore\n");
    fx.write(".ralex/new.md", "new\n");
    fx.write(".ralex/.gitignore", "*.tmp\n");
    fx.write(".ralex/scratch.tmp", "ignored\n");
    fx.remove(".ralex/old.md");
    let staged = fx.git(&["diff", "--cached"]);
    let unstaged = fx.git(&["diff", "--", "src"]);
    let before = fx.git(&["rev-parse", "HEAD"]);

    let repo = fx.open();
    let id = repo
        .commit_context(".ralex", "session notes")
        .expect("commit")
        .expect("something to commit");
    assert_eq!(fx.git(&["rev-parse", "HEAD"]).trim(), id);
    assert_eq!(fx.git(&["rev-parse", "HEAD~1"]), before);
    assert_eq!(
        fx.git(&["show", "--name-status", "--format=%s|%an", "HEAD"]),
        "ralex: context: session notes|Test User\n\n\
         A\t.ralex/.gitignore\nA\t.ralex/new.md\nD\t.ralex/old.md\nM\t.ralex/project.md\n"
    );
    // The code is exactly as it was: staged stays staged, unstaged stays unstaged.
    assert_eq!(fx.git(&["diff", "--cached"]), staged);
    assert_eq!(fx.git(&["diff", "--", "src"]), unstaged);
    assert_eq!(
        fx.git_status(),
        vec!["MM src/a.rs", " M src/b.rs", "?? src/.ralex/"]
    );
    assert_eq!(
        fx.read("src/a.rs").as_deref(),
        Some("a, staged, then edited\n")
    );

    // Nothing changed since: no commit.
    assert_eq!(
        repo.commit_context(".ralex", "again").expect("commit"),
        None
    );
    assert_eq!(fx.git(&["rev-parse", "HEAD"]).trim(), id);
}

#[test]
fn staged_notes_that_were_changed_again_are_committed_as_on_disk() {
    let fx = Fixture::with_commit(&[(".ralex/project.md", "one\n")]);
    fx.write(".ralex/project.md", "two\n");
    fx.git(&["add", ".ralex/project.md"]);
    fx.write(".ralex/project.md", "three\n");
    fx.open()
        .commit_context("./.ralex/", "notes")
        .expect("commit")
        .expect("changed");
    assert_eq!(fx.git(&["show", "HEAD:.ralex/project.md"]), "three\n");
    assert!(fx.git_status().is_empty(), "{:?}", fx.git_status());
}

#[test]
fn first_commit_on_an_unborn_branch_holds_only_the_notes() {
    let fx = Fixture::new();
    let repo = fx.open();
    assert_eq!(
        repo.commit_context(".ralex", "nothing yet")
            .expect("commit"),
        None
    );

    fx.write(".ralex/project.md", "# P\n");
    fx.write(".ralex/sessions/2024-06-01-a.md", "started\n");
    fx.write("src/main.rs", "fn main() {}\n");
    fx.write("README.md", "readme\n");
    fx.git(&["add", "src/main.rs"]);
    let id = repo
        .commit_context(".ralex", "first notes")
        .expect("commit")
        .expect("something to commit");
    assert_eq!(fx.git(&["rev-parse", "main"]).trim(), id);
    assert_eq!(
        fx.git(&["ls-tree", "-r", "--name-only", "HEAD"]),
        ".ralex/project.md\n.ralex/sessions/2024-06-01-a.md\n"
    );
    assert_eq!(fx.git_status(), vec!["A  src/main.rs", "?? README.md"]);
}

#[test]
fn detached_head_and_operations_in_progress_are_refused() {
    let fx = Fixture::with_commit(&[(".ralex/project.md", "# P\n")]);
    fx.git(&["checkout", "-q", "--detach"]);
    fx.write(".ralex/project.md", "# P2\n");
    let repo = fx.open();
    let err = repo.commit_context(".ralex", "x").expect_err("detached");
    assert_kind(&err, ErrorKind::Conflict, "HEAD is detached");
    let err = repo.sync_context(&options()).expect_err("detached");
    assert!(matches!(err, GitError::DetachedHead { .. }), "{err:?}");

    let fx = Fixture::conflicted_merge();
    let repo = fx.open();
    let err = repo.commit_context(".ralex", "x").expect_err("merging");
    assert_kind(&err, ErrorKind::Conflict, "a merge is in progress");
    let err = repo.sync_context(&options()).expect_err("merging");
    assert_kind(&err, ErrorKind::Conflict, "git merge --abort");
}

#[test]
fn bad_prefixes_and_unknown_remotes_are_explained() {
    let fx = Fixture::with_commit(&[(".ralex/project.md", "# P\n")]);
    let repo = fx.open();
    let err = repo
        .commit_context("../elsewhere", "x")
        .expect_err("escape");
    assert_kind(&err, ErrorKind::InvalidInput, "climbs out");
    let err = repo.sync_context(&options()).expect_err("no origin");
    assert_kind(&err, ErrorKind::NotFound, "git remote add origin");
}
