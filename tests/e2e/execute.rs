//! `ralex run` without `--dry-run`: intents that need no model run for real on a
//! copy of the sample project — read, search, git status/diff/log/commit, and the
//! project's tests — each decided by policy and audited; intents that need the
//! coding agent are refused clearly.

use std::path::Path;
use std::process::Command;

use crate::support::*;

fn run(env: &Env, root: &Path, command: &str) -> Result {
    env.run(&[
        "run",
        command,
        "--project",
        root.to_str().unwrap(),
        "--json",
    ])
}

/// The command fails (exit 1) and its response says `what`.
fn fails_saying(env: &Env, root: &Path, command: &str, what: &str) {
    let r = run(env, root, command);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let response = r.json()["response"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(response.contains(what), "{response}");
}

#[test]
fn git_status_diff_log_and_commit_run_for_real() {
    let env = Env::new();
    let (_dir, root) = project(true);
    std::fs::write(
        root.join("README.md"),
        "# inventory\n\nChanged by the test.\n",
    )
    .unwrap();

    let a = run(&env, &root, "git status").ok().json();
    assert_eq!(a["status"], "completed", "{a}");
    assert_eq!(a["output"], " M README.md\n", "{a}");
    assert_eq!(a["response"], "1 file changed since the last commit.");

    let a = run(&env, &root, "show me the diff").ok().json();
    assert!(
        a["output"]
            .as_str()
            .unwrap()
            .contains("+Changed by the test."),
        "{a}"
    );

    let r = run(&env, &root, "commit with message describe the readme");
    let a = r.ok().json();
    assert_eq!(a["status"], "completed", "{a}");
    assert!(
        a["response"]
            .as_str()
            .unwrap()
            .starts_with("Committed \"describe the readme\" as "),
        "{a}"
    );
    let log = Command::new("git")
        .args(["log", "--format=%s"])
        .current_dir(&root)
        .output()
        .unwrap();
    // Ralex's notes go in commits of their own, never into the user's.
    let log = String::from_utf8_lossy(&log.stdout).into_owned();
    let code: Vec<&str> = log
        .lines()
        .filter(|l| !l.starts_with("ralex: context: "))
        .collect();
    assert_eq!(code, ["describe the readme", "initial import"], "{log}");
    let committed = Command::new("git")
        .args(["show", "--name-only", "--format=", "HEAD"])
        .current_dir(&root)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&committed.stdout), "README.md\n");

    let a = run(&env, &root, "git status").ok().json();
    assert_eq!(a["response"], "Nothing has changed since the last commit.");
    let a = run(&env, &root, "show the git log").ok().json();
    assert_eq!(
        a["response"], "The last commit is \"describe the readme\".",
        "{a}"
    );

    // Nothing more to commit: a clear failure, exit 1.
    fails_saying(
        &env,
        &root,
        "commit with message again",
        "nothing to commit",
    );

    // Every git use was decided for the user and audited.
    let commits = audited(&env, "git:commit");
    assert_eq!(commits.len(), 2);
    assert!(
        commits
            .iter()
            .all(|e| e["actor"] == "user:cli" && e["decision"] == "allow")
    );
    assert_eq!(audited(&env, "git:status").len(), 2);
}

#[test]
fn read_and_search_show_the_project() {
    let env = Env::new();
    let (_dir, root) = project(false);
    let a = run(&env, &root, "show me inventory slash pricing dot py")
        .ok()
        .json();
    assert_eq!(a["status"], "completed", "{a}");
    let expected = std::fs::read_to_string(root.join("inventory/pricing.py")).unwrap();
    assert_eq!(a["output"], expected.as_str());
    assert_eq!(a["response"], "Here is inventory/pricing.py, 6 lines.");
    assert_eq!(a["cost_usd"], 0.0);
    // A line: the lines around it, numbered.
    let a = run(&env, &root, "show me line 3 of inventory slash api dot py")
        .ok()
        .json();
    assert_eq!(a["response"], "Here is inventory/api.py around line 3.");
    let shown = a["output"].as_str().unwrap();
    let third = std::fs::read_to_string(root.join("inventory/api.py"))
        .unwrap()
        .lines()
        .nth(2)
        .unwrap()
        .to_string();
    assert!(shown.contains(&format!("    3  {third}\n")), "{shown}");
    // An empty file is said to be empty (no line arithmetic on nothing).
    std::fs::write(root.join("inventory/empty.py"), "").unwrap();
    let a = run(&env, &root, "show me inventory slash empty dot py")
        .ok()
        .json();
    assert_eq!(a["response"], "inventory/empty.py is empty.");
    let reads = audited(&env, "workspace:read");
    assert!(
        reads
            .iter()
            .any(|e| e["resource"] == "path `inventory/pricing.py`"),
        "{reads:?}"
    );

    let a = run(&env, &root, "where is parse config used").ok().json();
    assert_eq!(a["status"], "completed", "{a}");
    assert!(
        a["output"]
            .as_str()
            .unwrap()
            .contains("inventory/parse_config.py:5: def parse_config(path):"),
        "{a}"
    );

    // Not a git repository: git commands say so, nothing else happens.
    fails_saying(&env, &root, "git status", "not a git repository");
}

#[test]
fn the_tests_run_and_their_result_is_reported() {
    let env = Env::new();
    let (_dir, root) = project(false);
    with_makefile(&root, "@echo all 3 tests passed");
    let r = run(&env, &root, "run the tests");
    let a = r.ok().json();
    assert_eq!(a["status"], "completed", "{a}");
    assert_eq!(a["tests"]["command"], "make test");
    assert_eq!(a["tests"]["passed"], true);
    assert_eq!(a["tests"]["exit_code"], 0);
    assert!(
        a["tests"]["output_tail"]
            .as_str()
            .unwrap()
            .contains("all 3 tests passed"),
        "{a}"
    );
    assert!(
        a["response"]
            .as_str()
            .unwrap()
            .starts_with("The tests passed in "),
        "{a}"
    );
    let runs = audited(&env, "exec:run");
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["resource"], "program `make test`");

    with_makefile(&root, "@echo 1 failed; exit 3");
    let r = run(&env, &root, "run the tests");
    assert_eq!(r.code, 1, "failing tests exit 1: {}", r.stderr);
    let a = r.json();
    assert_eq!(a["tests"]["passed"], false);
    assert!(
        a["response"]
            .as_str()
            .unwrap()
            .starts_with("The tests failed"),
        "{a}"
    );
}

#[test]
fn test_commands_the_policy_or_the_project_cannot_run_are_explained() {
    let env = Env::new();
    let (_dir, root) = project(false);
    std::fs::create_dir_all(root.join(".ralex")).unwrap();

    // An interpreter is not on the default exec list: denied, exit 3, rule named.
    std::fs::write(
        root.join(".ralex/config.toml"),
        "[project]\ntest_command = \"python3 -m unittest\"\n",
    )
    .unwrap();
    let r = run(&env, &root, "run the tests");
    assert_eq!(r.code, 3, "{}", r.stdout);
    let a = r.json();
    assert_eq!(a["status"], "denied");
    assert!(
        a["response"]
            .as_str()
            .unwrap()
            .contains("exec-only-listed-programs"),
        "{a}"
    );
    assert_eq!(audited(&env, "exec:run")[0]["decision"], "deny");

    // Shell syntax cannot run: no shell.
    std::fs::write(
        root.join(".ralex/config.toml"),
        "[project]\ntest_command = \"make test && rm -rf /\"\n",
    )
    .unwrap();
    fails_saying(&env, &root, "run the tests", "needs a shell");

    // Nothing to go on.
    std::fs::remove_file(root.join(".ralex/config.toml")).unwrap();
    std::fs::remove_dir_all(root.join("tests")).unwrap();
    fails_saying(&env, &root, "run the tests", "test_command");
}
