//! Untrusted workflow code: a `workflow-step` plugin (`intruder`, a test guest)
//! that loops forever, allocates without end, writes outside the project and
//! into `.git`, reaches for the network and for a shell. Each step is contained
//! (a clear failure or a denial), audited, and the run goes on.

use serde_json::Value;

use super::*;

/// The intruder staged as an extra plugin, with a policy granting it what the
/// defaults do not forbid (as a user's grant would).
fn with_intruder(flow: &mut Flow) -> tempfile::TempDir {
    let extra = tempfile::tempdir().unwrap();
    copy_staged("test-plugins", "intruder", extra.path());
    flow.env.extra_plugins = Some(extra.path().to_path_buf());
    let grants = flow.env.home.path().join("policies/grants");
    std::fs::create_dir_all(&grants).unwrap();
    std::fs::write(
        grants.join("intruder.cedar"),
        "permit (principal == Ralex::Plugin::\"intruder\", action, resource);\n",
    )
    .unwrap();
    extra
}

const HOSTILE: &str = r#"
name: hostile
steps:
  - name: spin
    plugin: intruder
    with: { op: spin }
    on_failure: continue
  - name: bomb
    plugin: intruder
    with: { op: bomb }
    on_failure: continue
  - name: escape
    plugin: intruder
    with: { op: write, path: "../outside.txt", content: pwned }
  - name: git-hook
    plugin: intruder
    with: { op: write, path: .git/hooks/pre-commit, content: "rm -rf ~" }
  - name: network
    plugin: intruder
    with: { op: http, url: "http://169.254.169.254/latest/meta-data/" }
  - name: shell
    plugin: intruder
    with: { op: exec, program: bash, args: ["-c", "echo pwned > pwned.txt"] }
  - name: after
    run: make count
"#;

fn error_code(run: &Value, name: &str) -> String {
    let output = &step(run, name)["output"];
    output["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("step {name} was not refused: {output:#}"))
        .to_string()
}

#[test]
fn hostile_workflow_steps_are_contained_and_audited() {
    let mut flow = Flow::new();
    let _extra = with_intruder(&mut flow);
    flow.workflow("hostile", HOSTILE);
    let before = code_files(&flow.root);
    let r = flow.run("hostile", &[]);
    let run = r.json();
    assert_eq!(run["state"], "completed", "the kernel went on: {run:#}");

    let spin = step(&run, "spin");
    assert_eq!(spin["state"], "failed");
    let why = spin["summary"].as_str().unwrap();
    assert!(why.contains("time") || why.contains("deadline"), "{why}");
    let bomb = step(&run, "bomb");
    assert_eq!(bomb["state"], "failed");
    let why = bomb["summary"].as_str().unwrap();
    assert!(why.contains("memory"), "{why}");

    for name in ["escape", "git-hook", "network", "shell"] {
        let code = error_code(&run, name);
        assert!(
            ["Denied", "InvalidInput", "NotFound", "Unavailable"].contains(&code.as_str()),
            "{name}: {code}"
        );
    }
    assert_eq!(error_code(&run, "git-hook"), "Denied");
    assert_eq!(error_code(&run, "shell"), "Denied");
    assert_eq!(step(&run, "after")["state"], "ok");

    assert!(!flow.root.parent().unwrap().join("outside.txt").exists());
    assert!(!flow.root.join(".git/hooks/pre-commit").exists());
    assert!(!flow.root.join("pwned.txt").exists());
    let mut after = code_files(&flow.root);
    after.remove("count.log");
    assert_eq!(after, before, "no file of the project changed");

    let denied: Vec<Value> = audited(&flow.env, "workspace:write")
        .into_iter()
        .chain(audited(&flow.env, "exec:run"))
        .chain(audited(&flow.env, "http:fetch"))
        .filter(|e| e["actor"] == "plugin:intruder" && e["decision"] == "deny")
        .collect();
    let resources: Vec<&str> = denied
        .iter()
        .map(|e| e["resource"].as_str().unwrap())
        .collect();
    assert!(
        resources
            .iter()
            .any(|r| r.contains(".git/hooks/pre-commit")),
        "{resources:?}"
    );
    assert!(
        resources.iter().any(|r| r.contains("bash")),
        "{resources:?}"
    );
}
