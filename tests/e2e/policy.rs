//! `ralex policy check` and `ralex policy explain`: the shipped defaults, user
//! policies in `$RALEX_HOME/policies/`, and decisions with their rule and exit code.

use std::path::PathBuf;

use crate::support::*;

/// Write `$RALEX_HOME/policies/<name>`.
fn write_policy(env: &Env, name: &str, text: &str) -> PathBuf {
    let path = env.home.path().join("policies").join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

fn write_config(env: &Env, text: &str) {
    std::fs::write(env.home.path().join("ralex.toml"), text).unwrap();
}

#[test]
fn check_accepts_the_shipped_defaults_and_lists_them() {
    let env = Env::new();
    let r = env.run(&["policy", "check"]);
    r.ok();
    let first = r.stdout.lines().next().unwrap();
    assert!(
        first.starts_with("policy OK: ") && first.ends_with(" from 7 files"),
        "{}",
        r.stdout
    );
    for name in [
        "base", "secrets", "writes", "exec", "network", "git", "confirm",
    ] {
        let line = r
            .stdout
            .lines()
            .find(|l| l.contains(&format!("policies/defaults/{name}.cedar")))
            .unwrap_or_else(|| panic!("{name} listed:\n{}", r.stdout));
        assert!(line.trim_start().starts_with("built-in"), "{line}");
    }

    let j = env.run(&["policy", "check", "--json"]).ok().json();
    assert_eq!(j["ok"], true);
    let files = j["files"].as_array().unwrap();
    assert_eq!(files.len(), 7);
    assert!(files.iter().all(|f| f["source"] == "built-in"), "{j:#}");
    let per_file: u64 = files.iter().map(|f| f["rules"].as_u64().unwrap()).sum();
    assert_eq!(j["rules"].as_u64().unwrap(), per_file);
    assert!(per_file >= 10, "{j:#}");
    assert!(
        first.contains(&format!("{per_file} rules")),
        "human and JSON agree: {first}"
    );
}

#[test]
fn a_broken_policy_is_reported_with_file_and_line() {
    let env = Env::new();
    let schema_error = write_policy(
        &env,
        "grants/bad.cedar",
        "// a grant with a typo\n@id(\"bad-grant\")\npermit (principal, action == Ralex::Action::\"workspace:read\", resource is Ralex::Path)\nwhen { resource.nmae == \"a.py\" };\n",
    );
    let syntax_error = write_policy(&env, "zzz.cedar", "@id(\"x\")\npermit (principal\n");
    let r = env.run(&["policy", "check"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let expect_schema = format!("{}:4: does not match the schema", schema_error.display());
    let expect_syntax = format!("{}:2: syntax error", syntax_error.display());
    assert!(r.stdout.contains(&expect_schema), "{}", r.stdout);
    assert!(r.stdout.contains("nmae"), "{}", r.stdout);
    assert!(
        r.stdout.contains(&expect_syntax),
        "a syntax error elsewhere does not hide the schema problem:\n{}",
        r.stdout
    );
    assert!(r.stdout.contains("policy BROKEN"), "{}", r.stdout);

    let j = env.run(&["policy", "check", "--json"]).json();
    assert_eq!(j["ok"], false);
    let problems = j["problems"].as_array().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p["line"] == 2 && p["file"].as_str().unwrap().ends_with("zzz.cedar")),
        "{j:#}"
    );

    // Nothing decides with a broken policy, and doctor says so.
    let r = env.run(&[
        "policy",
        "explain",
        "workspace:read",
        "a.py",
        "--user",
        "cli",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("the policies are broken"), "{}", r.stderr);
    assert!(r.stderr.contains(&expect_syntax), "{}", r.stderr);
    let r = env.run(&["doctor"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("[FAIL] policy"), "{}", r.stdout);
}

#[test]
fn a_user_file_replaces_the_default_of_the_same_name() {
    let env = Env::new();
    let args = [
        "policy",
        "explain",
        "exec:run",
        "pytest -q",
        "--user",
        "cli",
    ];
    env.run(&args).ok();

    let mine = write_policy(
        &env,
        "exec.cedar",
        "// Only cargo here.\n@id(\"only-cargo\")\n@reason(\"this team only runs cargo\")\nforbid (principal, action == Ralex::Action::\"exec:run\", resource is Ralex::Program)\nunless { resource.name == \"cargo\" };\n",
    );
    let r = env.run(&["policy", "check"]);
    r.ok();
    assert!(r.stdout.contains(" from 7 files"), "{}", r.stdout);
    let line = r
        .stdout
        .lines()
        .find(|l| l.contains(&mine.display().to_string()))
        .unwrap_or_else(|| panic!("override listed:\n{}", r.stdout));
    assert!(line.trim_start().starts_with("override"), "{line}");
    assert!(line.contains("replaces the built-in exec.cedar"), "{line}");
    assert!(
        !r.stdout.contains("policies/defaults/exec.cedar"),
        "the default is gone:\n{}",
        r.stdout
    );

    let r = env.run(&args);
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(&format!(
            "denied by rule `only-cargo` ({}:2): this team only runs cargo",
            mine.display()
        )),
        "{}",
        r.stdout
    );
    // The default's shell ban went with the replaced file; cargo still runs.
    env.run(&[
        "policy",
        "explain",
        "exec:run",
        "cargo test",
        "--user",
        "cli",
    ])
    .ok();
}

#[test]
fn explain_allows_first_party_plugins_what_no_rule_forbids() {
    let env = Env::new();
    let r = env.run(&[
        "policy",
        "explain",
        "workspace:read",
        "./src//app.py",
        "--plugin",
        "command-parser",
    ]);
    r.ok();
    assert!(
        r.stdout.starts_with(
            "allowed by rule `first-party-plugins` (policies/defaults/base.cedar:8 (built in)): "
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("plugin `command-parser` is first-party (publisher `ralex`"),
        "{}",
        r.stdout
    );

    let j = env
        .run(&[
            "policy",
            "explain",
            "http:fetch",
            "https://api.github.com",
            "--plugin",
            "command-parser",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(j["decision"], "allow");
    assert_eq!(j["rule"], "first-party-plugins");
    assert_eq!(j["location"], "policies/defaults/base.cedar:8 (built in)");
    assert_eq!(j["principal"], "plugin:command-parser");
    assert_eq!(j["trust"], "first-party");
    assert_eq!(j["resource"], "host `https://api.github.com:443`");
    assert!(j["reason"].as_str().unwrap().contains("manifest"), "{j:#}");
    assert!(j["explanation"].as_str().unwrap().starts_with("allowed"));
}

#[test]
fn explain_denies_with_the_forbidding_rule_and_exit_3() {
    let env = Env::new();
    let r = env.run(&[
        "policy",
        "explain",
        "workspace:write",
        ".git/hooks/pre-commit",
        "--plugin",
        "command-parser",
    ]);
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .starts_with("denied by rule `no-write-git` (policies/defaults/writes.cedar:"),
        "{}",
        r.stdout
    );
    for (args, rule) in [
        (["exec:run", "python3 evil.py"], "exec-only-listed-programs"),
        (
            ["workspace:read", "deploy/.env.production"],
            "no-secret-reads",
        ),
        (
            ["http:fetch", "http://169.254.169.254/latest"],
            "no-cloud-metadata",
        ),
    ] {
        let j = env
            .run(&[
                "policy", "explain", args[0], args[1], "--user", "cli", "--json",
            ])
            .json();
        assert_eq!(j["decision"], "deny", "{args:?}: {j:#}");
        assert_eq!(j["rule"], rule, "{args:?}: {j:#}");
        assert_eq!(j["principal"], "user:cli");
        assert_eq!(j["trust"], serde_json::Value::Null);
    }
    // A person may force-push; a plugin never.
    env.run(&[
        "policy", "explain", "git:push", "origin", "--force", "--user", "cli",
    ])
    .ok();
    let r = env.run(&[
        "policy",
        "explain",
        "git:push",
        "origin",
        "--force",
        "--plugin",
        "command-parser",
    ]);
    assert_eq!(r.code, 3);
    assert!(r.stdout.contains("no-plugin-force-push"), "{}", r.stdout);
}

#[test]
fn destructive_commands_need_confirmation_with_exit_3() {
    let env = Env::new();
    let args = [
        "policy",
        "explain",
        "command:run",
        "delete:destructive",
        "--user",
        "cli",
    ];
    let r = env.run(&args);
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .starts_with("needs confirmation: rule `destructive-needs-confirmation`"),
        "{}",
        r.stdout
    );
    let j = env.run(&[&args[..], &["--json"]].concat()).json();
    assert_eq!(j["decision"], "needs-confirmation");
    assert_eq!(j["rule"], "destructive-needs-confirmation");

    let r = env.run(&[&args[..], &["--confirmed"]].concat());
    r.ok();
    assert!(
        r.stdout.starts_with("allowed by rule `users`"),
        "{}",
        r.stdout
    );
    env.run(&[
        "policy",
        "explain",
        "command:run",
        "edit:modify",
        "--user",
        "phone",
    ])
    .ok();
}

#[test]
fn a_copied_first_party_plugin_is_untrusted_until_granted() {
    let env = Env::new();
    // A plugin claiming publisher `ralex`, installed by the user: not first-party.
    copy_staged(
        "plugins",
        "command-parser",
        &env.home.path().join("plugins"),
    );
    let read = [
        "policy",
        "explain",
        "workspace:read",
        "src/app.py",
        "--plugin",
        "command-parser",
    ];
    let r = env.run(&read);
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.starts_with(
            "denied: no policy permits plugin `command-parser` to workspace:read path `src/app.py`"
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("is untrusted (publisher `ralex`, but not in the folder of plugins shipped"),
        "{}",
        r.stdout
    );
    assert_eq!(
        env.run(&[&read[..], &["--json"]].concat()).json()["rule"],
        "default-deny"
    );

    // Trusting the publisher changes the trust, not the permissions...
    write_config(&env, "[policy]\ntrusted_publishers = [\"ralex\"]\n");
    let j = env.run(&[&read[..], &["--json"]].concat()).json();
    assert_eq!(j["trust"], "trusted");
    assert_eq!(j["decision"], "deny");

    // ...a grant does, and forbids still win over it.
    write_policy(
        &env,
        "grants/command-parser.cedar",
        "@id(\"command-parser-reads\")\n@reason(\"the parser may read the project\")\npermit (principal == Ralex::Plugin::\"command-parser\", action in Ralex::Action::\"workspace:read-any\", resource is Ralex::Path);\n",
    );
    let r = env.run(&read);
    r.ok();
    assert!(
        r.stdout
            .starts_with("allowed by rule `command-parser-reads`"),
        "{}",
        r.stdout
    );
    let r = env.run(&[
        "policy",
        "explain",
        "workspace:read",
        ".env",
        "--plugin",
        "command-parser",
    ]);
    assert_eq!(r.code, 3);
    assert!(r.stdout.contains("no-secret-reads"), "{}", r.stdout);
}

#[test]
fn secret_reads_in_the_config_grant_one_file_by_name() {
    let env = Env::new();
    write_config(
        &env,
        "[policy]\nsecret_reads = { command-parser = [\"config/.env.test\"] }\n",
    );
    let explain = |path: &str| {
        env.run(&[
            "policy",
            "explain",
            "workspace:read",
            path,
            "--plugin",
            "command-parser",
        ])
    };
    let r = explain("config/.env.test");
    r.ok();
    assert!(
        r.stdout.contains("may read secrets config/.env.test"),
        "{}",
        r.stdout
    );
    assert_eq!(explain("config/.env").code, 3);
    assert_eq!(explain(".env.test").code, 3);
}

#[test]
fn unknown_actions_plugins_and_bad_resources_are_usage_errors() {
    let env = Env::new();
    let r = env.run(&["policy", "explain", "workspace:nuke", "a", "--user", "cli"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unknown action `workspace:nuke`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("workspace:write") && r.stderr.contains("exec:run"),
        "{}",
        r.stderr
    );

    let r = env.run(&[
        "policy",
        "explain",
        "workspace:read",
        "a",
        "--plugin",
        "nope",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("no plugin named `nope` (installed: agent, command-parser"),
        "{}",
        r.stderr
    );

    for (args, message) in [
        (
            vec!["workspace:write", "/etc/passwd", "--user", "cli"],
            "`/etc/passwd` is absolute",
        ),
        (
            vec!["workspace:read", "../other/x", "--user", "cli"],
            "climbs out of the project",
        ),
        (
            vec!["http:fetch", "ftp://x.test", "--user", "cli"],
            "`ftp` is not a scheme",
        ),
        (
            vec!["command:run", "delete", "--user", "cli"],
            "not kind:risk",
        ),
        (
            vec![
                "command:run",
                "delete:destructive",
                "--plugin",
                "command-parser",
            ],
            "decided for people only",
        ),
        (
            vec!["kv:use", "ns", "--user", "cli"],
            "decided for plugins only",
        ),
        (
            vec!["workspace:read", "a", "--user", "cli", "--confirmed"],
            "--confirmed only applies to command:run",
        ),
        (
            vec!["workspace:read", "a", "--user", "cli", "--force"],
            "--force only applies to git",
        ),
    ] {
        let r = env.run(&[&["policy", "explain"][..], &args].concat());
        assert_eq!(r.code, 2, "{args:?}: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains(message), "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
    }

    // Who asks is required, and only one of them.
    assert_eq!(
        env.run(&["policy", "explain", "workspace:read", "a"]).code,
        2
    );
    let r = env.run(&[
        "policy",
        "explain",
        "workspace:read",
        "a",
        "--user",
        "cli",
        "--plugin",
        "command-parser",
    ]);
    assert_eq!(r.code, 2);
}

#[test]
fn help_documents_the_exit_codes() {
    let env = Env::new();
    let r = env.run(&["policy", "explain", "--help"]);
    r.ok();
    assert!(
        r.stdout
            .contains("0 when the request is allowed; 3 when it is denied or needs"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("delete:destructive"), "{}", r.stdout);
}
