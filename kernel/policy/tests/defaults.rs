//! The shipped default policies decide as documented in policies/defaults/*.cedar.

use ralex_policy::{
    Action, Policy, PolicyError, PolicyFile, Principal, Resource, Scope, Trust, Verdict,
    default_files, merge_files,
};

fn first_party() -> Principal {
    Principal::plugin("agent", "ralex", Trust::FirstParty, "agent", "00", &[])
}

fn untrusted() -> Principal {
    Principal::plugin(
        "stranger",
        "someone",
        Trust::Untrusted,
        "code-analyzer",
        "00",
        &[],
    )
}

fn path(p: &str) -> Resource {
    Resource::Path(p.to_string())
}

fn program(name: &str, args: &[&str]) -> Resource {
    Resource::Program {
        name: name.to_string(),
        args: args.iter().map(|a| a.to_string()).collect(),
    }
}

fn defaults() -> Policy {
    Policy::defaults().expect("the shipped defaults validate")
}

#[test]
fn first_party_plugins_may_read_and_write_ordinary_files() {
    let policy = defaults();
    for action in [
        Action::WorkspaceRead,
        Action::WorkspaceWrite,
        Action::WorkspaceCreate,
    ] {
        let d = policy.decide(&first_party(), action, &path("inventory/config.py"), false);
        assert_eq!(d.verdict, Verdict::Allow, "{action}: {d:?}");
        assert_eq!(d.rule_id(), "first-party-plugins");
    }
}

#[test]
fn untrusted_plugins_get_nothing_by_default() {
    let policy = defaults();
    let d = policy.decide(&untrusted(), Action::WorkspaceRead, &path("a.py"), false);
    assert_eq!(d.verdict, Verdict::Deny);
    assert_eq!(d.rule_id(), "default-deny");
    let text = d.explain("plugin `stranger`", "workspace:read", "path `a.py`");
    assert!(
        text.contains("no policy permits plugin `stranger`"),
        "{text}"
    );
    assert!(text.contains("$RALEX_HOME/policies/"), "{text}");
}

#[test]
fn secrets_are_never_read_even_by_first_party_plugins_or_users() {
    let policy = defaults();
    let user = Principal::user("cli", Scope::Admin, &[]);
    for secret in [
        ".env",
        ".env.production",
        "deploy/.ENV.local",
        "certs/server.pem",
        "keys/deploy.key",
        "id_rsa",
        "home/.ssh/id_ed25519.pub",
        ".ssh/config",
        ".aws/credentials",
        ".netrc",
    ] {
        for who in [&first_party(), &user] {
            for action in [
                Action::WorkspaceRead,
                Action::WorkspaceSearch,
                Action::WorkspaceList,
            ] {
                let d = policy.decide(who, action, &path(secret), false);
                assert_eq!(d.verdict, Verdict::Deny, "{secret} {action}");
                assert_eq!(d.rule_id(), "no-secret-reads", "{secret}");
            }
        }
    }
    // Ordinary files that merely look similar are fine.
    for ok in [
        "environment.py",
        "docs/env.md",
        "src/keys.rs",
        "pem_tools.py",
    ] {
        let d = policy.decide(&first_party(), Action::WorkspaceRead, &path(ok), false);
        assert_eq!(d.verdict, Verdict::Allow, "{ok}");
    }
}

#[test]
fn a_secret_granted_by_name_can_be_read_but_not_others() {
    let policy = defaults();
    let plugin = Principal::plugin(
        "deployer",
        "ralex",
        Trust::FirstParty,
        "workflow-step",
        "00",
        &[".env.test".to_string()],
    );
    let d = policy.decide(&plugin, Action::WorkspaceRead, &path(".env.test"), false);
    assert_eq!(d.verdict, Verdict::Allow);
    let d = policy.decide(&plugin, Action::WorkspaceRead, &path(".env"), false);
    assert_eq!(d.verdict, Verdict::Deny);
    // Granted for reading, never for writing.
    let d = policy.decide(&plugin, Action::WorkspaceWrite, &path(".env.test"), false);
    assert_eq!(d.rule_id(), "no-write-secrets");
}

#[test]
fn nobody_writes_git_internals_secrets_or_the_audit_trail() {
    let policy = defaults();
    let user = Principal::user("cli", Scope::Admin, &[]);
    let cases = [
        (".git/hooks/pre-commit", "no-write-git"),
        (".git/config", "no-write-git"),
        (".GIT/config", "no-write-git"),
        ("vendor/lib/.git/HEAD", "no-write-git"),
        (".env", "no-write-secrets"),
        ("config/.env.local", "no-write-secrets"),
        ("tls/key.pem", "no-write-secrets"),
        ("id_ed25519", "no-write-secrets"),
        (".ralex/audit.log", "no-write-audit"),
    ];
    for (p, rule) in cases {
        for action in [
            Action::WorkspaceWrite,
            Action::WorkspaceCreate,
            Action::WorkspaceDelete,
            Action::WorkspaceMove,
        ] {
            for who in [&first_party(), &user] {
                let d = policy.decide(who, action, &path(p), false);
                assert_eq!(d.verdict, Verdict::Deny, "{p} {action}");
                assert_eq!(d.rule_id(), rule, "{p} {action}");
                let text = d.explain("x", "y", "z");
                assert!(
                    text.starts_with(&format!("denied by rule `{rule}`")),
                    "{text}"
                );
                assert!(text.contains("(built in)"), "{text}");
            }
        }
    }
    // Reading .git is fine (git status reads it all the time).
    let d = policy.decide(
        &first_party(),
        Action::WorkspaceRead,
        &path(".gitignore"),
        false,
    );
    assert!(d.allowed());
}

#[test]
fn exec_runs_listed_tools_only_and_never_shells() {
    let policy = defaults();
    for (name, args) in [
        ("cargo", vec!["test"]),
        ("pytest", vec!["-q"]),
        ("npm", vec!["test"]),
    ] {
        let d = policy.decide(
            &first_party(),
            Action::ExecRun,
            &program(name, &args),
            false,
        );
        assert!(d.allowed(), "{name}");
    }
    for (name, rule) in [
        ("bash", "no-shells"),
        ("sh", "no-shells"),
        ("curl", "no-shells"),
        ("python3", "exec-only-listed-programs"),
        ("rm", "exec-only-listed-programs"),
    ] {
        let d = policy.decide(
            &first_party(),
            Action::ExecRun,
            &program(name, &["-c", "x"]),
            false,
        );
        assert_eq!(d.verdict, Verdict::Deny, "{name}");
        assert!(d.rules.iter().any(|r| r.id == rule), "{name}: {d:?}");
    }
}

#[test]
fn cloud_metadata_is_unreachable_and_plugins_never_force_push() {
    let policy = defaults();
    let host = Resource::Host {
        scheme: "http".into(),
        host: "169.254.169.254".into(),
        port: 80,
    };
    let d = policy.decide(&first_party(), Action::HttpFetch, &host, false);
    assert_eq!(d.rule_id(), "no-cloud-metadata");
    let force = Resource::Repo {
        remote: "origin".into(),
        force: true,
    };
    let d = policy.decide(&first_party(), Action::GitPush, &force, false);
    assert_eq!(d.rule_id(), "no-plugin-force-push");
    let user = Principal::user("cli", Scope::Admin, &[]);
    assert!(
        policy
            .decide(&user, Action::GitPush, &force, false)
            .allowed()
    );
}

#[test]
fn destructive_commands_need_confirmation_and_run_once_confirmed() {
    let policy = defaults();
    let user = Principal::user("phone", Scope::Normal, &[]);
    let delete = Resource::Intent {
        kind: "delete".into(),
        risk: "destructive".into(),
    };
    let d = policy.decide(&user, Action::CommandRun, &delete, false);
    assert_eq!(d.verdict, Verdict::NeedsConfirmation);
    assert_eq!(d.rule_id(), "destructive-needs-confirmation");
    assert!(
        policy
            .decide(&user, Action::CommandRun, &delete, true)
            .allowed()
    );
    let edit = Resource::Intent {
        kind: "edit".into(),
        risk: "modify".into(),
    };
    assert!(
        policy
            .decide(&user, Action::CommandRun, &edit, false)
            .allowed()
    );
}

fn load(text: &str) -> Result<Policy, PolicyError> {
    let files = merge_files(
        default_files(),
        vec![PolicyFile {
            name: "grants/mine.cedar".into(),
            origin: "/home/me/policies/grants/mine.cedar".into(),
            text: text.into(),
        }],
    );
    Policy::load(&files)
}

#[test]
fn a_grant_file_permits_an_untrusted_plugin_but_forbids_still_win() {
    let policy = load(
        "// lets the stranger read\n\
         permit (principal == Ralex::Plugin::\"stranger\", action in Ralex::Action::\"workspace:read-any\", resource);\n",
    )
    .expect("valid grant");
    let d = policy.decide(&untrusted(), Action::WorkspaceRead, &path("a.py"), false);
    assert!(d.allowed());
    assert_eq!(d.rule_id(), "grants/mine.cedar:2");
    assert_eq!(d.rules[0].location, "/home/me/policies/grants/mine.cedar:2");
    let d = policy.decide(&untrusted(), Action::WorkspaceRead, &path(".env"), false);
    assert_eq!(d.rule_id(), "no-secret-reads");
    let d = policy.decide(&untrusted(), Action::WorkspaceWrite, &path("a.py"), false);
    assert_eq!(d.rule_id(), "default-deny");
}

#[test]
fn syntax_errors_name_the_file_and_line() {
    let err =
        load("// fine\n\npermit (principal, action, resource)\nwhen { resource.path = 1 };\n")
            .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("/home/me/policies/grants/mine.cedar:4: syntax error"),
        "{text}"
    );
}

#[test]
fn schema_violations_name_the_file_and_line() {
    let err =
        load("\n\npermit (principal, action == Ralex::Action::\"workspace:nuke\", resource);\n")
            .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("/home/me/policies/grants/mine.cedar:3"),
        "{text}"
    );
    assert!(text.contains("does not match the schema"), "{text}");
    let err = load("permit (principal, action, resource) when { resource.colour == \"red\" };")
        .unwrap_err();
    assert!(err.to_string().contains("mine.cedar:1"), "{err}");
}

#[test]
fn duplicate_rule_ids_are_refused() {
    let err = load("@id(\"no-write-git\")\npermit (principal, action, resource);\n").unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("a second rule with @id(\"no-write-git\")"),
        "{text}"
    );
    assert!(text.contains("writes.cedar"), "{text}");
}

#[test]
fn every_default_rule_has_an_id_and_a_reason() {
    for rule in defaults().rules() {
        assert!(
            !rule.id.contains(".cedar:"),
            "rule at {} has no @id",
            rule.location
        );
        assert!(rule.reason.is_some(), "rule {} has no @reason", rule.id);
    }
}
