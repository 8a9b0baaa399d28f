//! Git, model, default deny and the audit chain.

use super::*;

#[tokio::test]
async fn git_reads_work_but_force_push_and_secret_diffs_are_refused() {
    let lab = Lab::new();
    std::fs::write(lab.root.join("src/app.py"), "changed\n").unwrap();
    let status = lab.call(json!({"op": "git-status"})).await;
    assert!(
        status["ok"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == " M src/app.py"),
        "{status}"
    );
    refused(
        &lab,
        json!({"op": "git-push", "force": true}),
        "Denied",
        "no-plugin-force-push",
    )
    .await;
    refused(
        &lab,
        json!({"op": "git-diff", "paths": [".env"]}),
        "Denied",
        "no-secret-reads",
    )
    .await;
}

#[tokio::test]
async fn a_model_call_is_decided_and_audited_before_the_backend() {
    let lab = Lab::new();
    let out = lab
        .call(json!({"op": "model", "model": "gpt-4.1-mini"}))
        .await;
    assert_eq!(out["error"]["code"], "Unavailable", "{out}");
    assert!(
        out["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no model is configured")
    );
    let audit = lab.last_audit();
    assert_eq!(
        (audit.action.as_str(), audit.decision.as_str()),
        ("model:call", "allow")
    );
}

#[tokio::test]
async fn without_a_grant_an_untrusted_step_gets_nothing() {
    let lab = Lab::with_grant("// no grant\n");
    refused(
        &lab,
        json!({"op": "read", "path": "src/app.py"}),
        "Denied",
        "no policy permits plugin `intruder`",
    )
    .await;
    refused(
        &lab,
        json!({"op": "write", "path": "src/app.py", "content": "x"}),
        "Denied",
        "no policy permits",
    )
    .await;
    refused(
        &lab,
        json!({"op": "exec", "program": "echo", "args": ["x"]}),
        "Denied",
        "no policy permits",
    )
    .await;
    assert_eq!(lab.last_audit().rule, "default-deny");
}

#[tokio::test]
async fn every_decision_is_in_an_intact_audit_chain() {
    let lab = Lab::new();
    lab.call(json!({"op": "read", "path": "src/app.py"})).await;
    lab.call(json!({"op": "read", "path": ".env"})).await;
    lab.call(json!({"op": "write", "path": ".git/config", "content": "x"}))
        .await;
    let entries = lab.store.audit_entries(&AuditFilter::default()).unwrap();
    let decisions: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| (e.action.as_str(), e.decision.as_str()))
        .collect();
    assert_eq!(
        decisions,
        [
            ("workspace:read", "allow"),
            ("workspace:read", "deny"),
            ("workspace:write", "deny")
        ]
    );
    assert!(entries.iter().all(|e| !e.detail.contains("sk-live-123")));
    assert!(lab.store.audit_verify().unwrap().intact());
}
