//! Usage errors, exit codes and the configuration file.

use crate::support::*;

#[test]
fn a_command_that_needs_a_model_fails_clearly_without_one() {
    let env = Env::new();
    // A copy: a command that runs writes its session note into the project.
    let (_dir, project) = project(true);
    let r = env
        .command()
        .env_remove("RALEX_OPENAI_BASE_URL")
        .env_remove("RALEX_MODEL")
        .env_remove("OPENAI_API_KEY")
        .env_remove("ANTHROPIC_API_KEY")
        .env_remove("OPENROUTER_API_KEY")
        .env_remove("DEEPSEEK_API_KEY")
        .args([
            "run",
            "add a docstring to parse config dot py",
            "--project",
            project.to_str().unwrap(),
            "--json",
        ])
        .output()
        .unwrap();
    let r = Result::from(r);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let answer = r.json();
    assert_eq!(answer["status"], "failed");
    let response = answer["response"].as_str().unwrap();
    assert!(response.contains("No model is configured"), "{response}");
    assert!(response.contains("RALEX_OPENAI_BASE_URL"), "{response}");
    assert!(response.ends_with("Nothing was changed."), "{response}");
}

#[test]
fn a_destructive_command_needs_confirmation_and_exits_3() {
    let env = Env::new();
    let (_dir, project) = project(true);
    let p = project.to_str().unwrap();
    let r = env.run(&[
        "run",
        "delete inventory slash config dot py",
        "--project",
        p,
    ]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stdout.contains("need your confirmation"), "{}", r.stdout);
    assert!(r.stdout.contains("--confirm k-"), "{}", r.stdout);
    // Confirmed, it passes the policy (and then meets the missing model).
    let r = env
        .command()
        .env_remove("RALEX_OPENAI_BASE_URL")
        .env_remove("RALEX_MODEL")
        .env_remove("OPENAI_API_KEY")
        .env_remove("ANTHROPIC_API_KEY")
        .args([
            "run",
            "delete inventory slash config dot py",
            "--project",
            p,
            "--yes",
        ])
        .output()
        .unwrap();
    let r = Result::from(r);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("No model is configured"), "{}", r.stdout);
    // Both commands are in the audit trail, with the decision and the rule.
    let shown = env.run(&["audit", "show", "--json"]);
    let entries = shown.ok().json();
    let commands: Vec<(String, String)> = entries
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "command:run")
        .map(|e| {
            (
                e["decision"].as_str().unwrap().to_string(),
                e["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        commands,
        [
            (
                "needs-confirmation".to_string(),
                "destructive-needs-confirmation".to_string()
            ),
            ("allow".to_string(), "users".to_string()),
        ]
    );
    assert!(
        !shown.stdout.contains("config dot py"),
        "the transcript is stored as a digest"
    );
}

#[test]
fn a_missing_project_is_a_usage_error() {
    let env = Env::new();
    let r = env.run(&[
        "run",
        "show the readme",
        "--project",
        "/nonexistent/project",
        "--dry-run",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("--project /nonexistent/project: not a directory"),
        "{}",
        r.stderr
    );
}

#[test]
fn an_empty_command_is_a_usage_error() {
    let env = Env::new();
    let r = env.run(&["run", "  ", "--dry-run"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("the command is empty"), "{}", r.stderr);
}

#[test]
fn unknown_subcommands_and_flags_are_usage_errors() {
    let env = Env::new();
    assert_eq!(env.run(&["fly"]).code, 2);
    assert_eq!(env.run(&["run", "x", "--dry-rum"]).code, 2);
}

#[test]
fn a_broken_config_names_file_and_line() {
    let env = Env::new();
    let config = env.home.path().join("custom.toml");
    std::fs::write(&config, "[kernel]\npool_instances = 8\nwhatever = true\n").unwrap();
    let r = env.run(&["--config", config.to_str().unwrap(), "doctor"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("custom.toml:3"), "{}", r.stderr);
    assert!(r.stderr.contains("whatever"), "{}", r.stderr);
}

#[test]
fn mcp_servers_are_validated_at_start_and_shown_by_doctor() {
    let env = Env::new();
    let config = env.home.path().join("mcp.toml");
    std::fs::write(
        &config,
        "[[mcp_servers]]\nname = \"files\"\ncommand = \"ls\"\nargs = [\"-l\"]\n\n\
         [[mcp_servers]]\nname = \"ghost\"\ncommand = \"no-such-mcp-server\"\n",
    )
    .unwrap();
    let r = env.run(&["--config", config.to_str().unwrap(), "doctor"]);
    let line = r
        .stdout
        .lines()
        .find(|l| l.contains("] mcp servers "))
        .unwrap_or_else(|| panic!("mcp line:\n{}", r.stdout));
    assert!(line.starts_with("[warn]"), "{line}");
    assert!(
        line.contains("`ghost` (command `no-such-mcp-server` not found)"),
        "{line}"
    );
    // A secret-looking variable or a bad name stops start-up, naming the entry.
    std::fs::write(
        &config,
        "[[mcp_servers]]\nname = \"files\"\ncommand = \"ls\"\nenv = { GITHUB_TOKEN = \"x\" }\n",
    )
    .unwrap();
    let r = env.run(&["--config", config.to_str().unwrap(), "doctor"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("[[mcp_servers]]"), "{}", r.stderr);
    assert!(r.stderr.contains("GITHUB_TOKEN"), "{}", r.stderr);
    std::fs::write(
        &config,
        "[[mcp_servers]]\nname = \"Bad Name\"\ncommand = \"ls\"\n",
    )
    .unwrap();
    let r = env.run(&["--config", config.to_str().unwrap(), "doctor"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("Bad Name"), "{}", r.stderr);
}

#[test]
fn a_named_config_that_does_not_exist_is_an_error() {
    let env = Env::new();
    let r = env.run(&["--config", "/nonexistent/ralex.toml", "doctor"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("cannot read config file /nonexistent/ralex.toml"),
        "{}",
        r.stderr
    );
}

#[test]
fn doctor_passes_on_a_set_up_machine() {
    let env = Env::new();
    let r = env.run(&["doctor"]);
    r.ok();
    assert!(r.stdout.contains("[ok  ] command parser"), "{}", r.stdout);
    assert!(r.stdout.contains("plugin command-parser"), "{}", r.stdout);
    let j = env.run(&["doctor", "--json"]).ok().json();
    assert!(
        j.as_array().unwrap().iter().all(|c| c["status"] != "fail"),
        "{j:#}"
    );
}

#[test]
fn doctor_checks_the_policy_and_the_exec_sandbox() {
    let env = Env::new();
    let r = env.run(&["doctor"]);
    r.ok();
    let policy = r
        .stdout
        .lines()
        .find(|l| l.starts_with("[ok  ] policy "))
        .unwrap_or_else(|| panic!("policy line:\n{}", r.stdout));
    assert!(
        policy.contains("rules from 7 files (7 built in, 0 from"),
        "{policy}"
    );
    assert!(
        r.stdout.lines().any(|l| l.contains("] exec sandbox ")),
        "{}",
        r.stdout
    );
    // Without bubblewrap on the PATH there is no sandbox: a warning, not a failure.
    let out = env
        .command()
        .arg("doctor")
        .env("PATH", "")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let sandbox = stdout
        .lines()
        .find(|l| l.contains("] exec sandbox "))
        .unwrap_or_else(|| panic!("sandbox line:\n{stdout}"));
    assert!(sandbox.starts_with("[warn]"), "{sandbox}");
    assert!(
        sandbox.contains("none — bubblewrap (`bwrap`) is not on"),
        "{sandbox}"
    );
    let j = env.run(&["doctor", "--json"]).ok().json();
    let names: Vec<&str> = j
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"policy") && names.contains(&"exec sandbox"),
        "{names:?}"
    );
}
