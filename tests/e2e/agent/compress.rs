//! `ralex context compress` through the real binary, the `context-compressor`
//! plugin and the scripted model: old session notes become one archive section
//! with every decision kept word for word, and the result is a notes commit.

use super::*;

const OLD: &str = "# Session 2026-10-01 · phone\n\n\
## 09:00:00 · show me the readme\n- Kind: read · Status: completed\n- Outcome: Here is README.md.\n\n\
## 09:05:00 · we decided to keep SQLite\n- Kind: chat · Status: completed\n- Decision: we decided to keep SQLite\n";

#[test]
fn old_sessions_are_compressed_keeping_decisions_and_committed() {
    let lab = Lab::new();
    let sessions = lab.root.join(".ralex/sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    std::fs::write(sessions.join("2026-10-01-phone.md"), OLD).unwrap();
    commit_all(&lab.root, "old notes");
    lab.script(json!([say(
        "**2026-10-01**\n- Looked at the README; settled the database question."
    )]));

    let r = lab.ralex(&[
        "context",
        "compress",
        "--older-than",
        "7",
        "--project",
        lab.root(),
        "--json",
    ]);
    let report = r.ok().json();
    assert_eq!(
        report["sessions"],
        json!([".ralex/sessions/2026-10-01-phone.md"]),
        "{report:#}"
    );
    assert_eq!(lab.chats().len(), 1, "one model call");
    assert!(!sessions.join("2026-10-01-phone.md").exists());
    let archive = String::from_utf8(lab.read(".ralex/sessions/archive.md")).unwrap();
    assert!(
        archive.contains("settled the database question"),
        "{archive}"
    );
    assert!(
        archive.contains("- Decision: we decided to keep SQLite"),
        "kept word for word: {archive}"
    );
    let log = run_git(&lab.root, &["log", "-1", "--format=%s"]);
    assert!(
        log.starts_with("ralex: context: compressed 1 session notes"),
        "{log}"
    );

    // Nothing old enough: no model call, nothing changed.
    let again = lab
        .ralex(&["context", "compress", "--project", lab.root(), "--json"])
        .ok()
        .json();
    assert_eq!(again["sessions"], json!([]), "{again:#}");
    assert_eq!(lab.chats().len(), 1);
}
