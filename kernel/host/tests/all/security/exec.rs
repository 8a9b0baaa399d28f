//! Exec: shells and unlisted programs refused, metacharacters literal, no escape, no secrets in the environment.

use super::*;

#[tokio::test]
async fn exec_refuses_shells_and_unlisted_programs() {
    let lab = Lab::new();
    refused(
        &lab,
        json!({"op": "exec", "program": "bash", "args": ["-c", "touch pwned"]}),
        "Denied",
        "no-shells",
    )
    .await;
    refused(
        &lab,
        json!({"op": "exec", "program": "sh", "args": ["-c", "touch pwned"]}),
        "Denied",
        "no-shells",
    )
    .await;
    refused(
        &lab,
        json!({"op": "exec", "program": "python3", "args": ["-c", "open('pwned','w')"]}),
        "Denied",
        "exec-only-listed-programs",
    )
    .await;
    refused(
        &lab,
        json!({"op": "exec", "program": "/bin/echo", "args": ["x"]}),
        "Denied",
        "its manifest allows only",
    )
    .await;
    refused(
        &lab,
        json!({"op": "exec", "program": "cargo", "args": ["publish"]}),
        "Denied",
        "its manifest allows only",
    )
    .await;
    assert!(!lab.root.join("pwned").exists());
}

#[tokio::test]
async fn shell_metacharacters_stay_literal() {
    let lab = Lab::new();
    let before = lab.tree();
    let out = lab.call(json!({"op": "exec", "program": "echo", "args": ["a; touch pwned", "$(touch pwned2)", "`touch pwned3`", "| rm -rf ."]})).await;
    assert_eq!(
        out["ok"]["stdout"], "a; touch pwned $(touch pwned2) `touch pwned3` | rm -rf .\n",
        "{out}"
    );
    assert_eq!(before, lab.tree());
}

#[tokio::test]
async fn exec_cannot_escape_the_project_directory() {
    let lab = Lab::new();
    refused(
        &lab,
        json!({"op": "exec", "program": "ls", "args": [], "cwd": ".."}),
        "Denied",
        "",
    )
    .await;
    refused(
        &lab,
        json!({"op": "exec", "program": "ls", "args": [], "cwd": "src/linkout"}),
        "Denied",
        "",
    )
    .await;
}

#[tokio::test]
async fn the_environment_holds_no_secrets() {
    let lab = Lab::new();
    let out = lab
        .call(json!({"op": "exec", "program": "env", "args": []}))
        .await;
    let env = out["ok"]["stdout"].as_str().unwrap();
    for line in env.lines() {
        let name = line.split('=').next().unwrap().to_uppercase();
        assert!(
            !["KEY", "TOKEN", "SECRET", "PASSWORD"]
                .iter()
                .any(|s| name.contains(s))
                && !name.starts_with("RALEX_"),
            "leaked {name}"
        );
    }
    assert!(env.contains("PATH="), "{env}");
}
