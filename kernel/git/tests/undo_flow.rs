//! The undo flow as the kernel drives it, through the public API only:
//! snapshot, run a command, snapshot, keep working, undo — checked with the
//! real `git` binary.

use std::path::Path;
use std::process::Command;

use ralex_caps::ErrorKind;
use ralex_git::{Repo, UndoReport};

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "T")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "T")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .expect("run git");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8")
}

fn write(root: &Path, rel: &str, contents: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

#[test]
fn a_command_is_undone_and_later_work_survives() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    git(root, &["init", "-q", "-b", "main"]);
    write(root, "src/lib.rs", "pub fn a() {}\n");
    write(root, "src/old.rs", "// old\n");
    write(root, "README.md", "# project\n");
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "init"]);
    write(root, "README.md", "# project\n\nwork in progress\n");
    let status_before = git(root, &["status", "--porcelain=v1"]);

    // The kernel opens the project from a subfolder, which is fine.
    let repo = Repo::open(&root.join("src")).expect("open");
    let before = repo.snapshot("rename a to b").expect("snapshot");
    write(root, "src/lib.rs", "pub fn b() {}\n");
    write(root, "src/new.rs", "// new\n");
    std::fs::remove_file(root.join("src/old.rs")).unwrap();
    let after = repo.snapshot("after: rename a to b").expect("snapshot");
    write(root, "notes.txt", "the user keeps working\n");

    let report = repo.undo(&before.id, &after.id).expect("undo");
    assert_eq!(
        report,
        UndoReport {
            restored: vec!["src/lib.rs".into(), "src/old.rs".into()],
            deleted: vec!["src/new.rs".into()],
            skipped: vec![],
        }
    );
    let status_after = git(root, &["status", "--porcelain=v1"]);
    assert_eq!(status_after, format!("{status_before}?? notes.txt\n"));
    assert_eq!(
        std::fs::read_to_string(root.join("src/lib.rs")).unwrap(),
        "pub fn a() {}\n"
    );

    let listed: Vec<String> = repo
        .snapshots()
        .expect("list")
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(listed, vec![before.id.clone(), after.id.clone()]);
    // The snapshots are private refs: no branch, tag or stash appeared.
    assert_eq!(
        git(
            root,
            &[
                "for-each-ref",
                "--format=%(refname)",
                "refs/heads",
                "refs/tags",
                "refs/stash"
            ]
        ),
        "refs/heads/main\n"
    );

    // A second command edits the README; the user then edits it too: refused.
    let before2 = repo.snapshot("reword readme").expect("snapshot");
    write(root, "README.md", "# reworded\n");
    let after2 = repo.snapshot("after").expect("snapshot");
    write(root, "README.md", "# reworded by hand\n");
    let err = repo.undo(&before2.id, &after2.id).expect_err("conflict");
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(err.to_string().contains("`README.md`"), "{err}");
    assert_eq!(
        std::fs::read_to_string(root.join("README.md")).unwrap(),
        "# reworded by hand\n"
    );
}
