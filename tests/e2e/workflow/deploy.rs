//! The built-in deploy workflow: its commands come from `[deploy]` in the
//! project's `.ralex/config.toml`; it asks before deploying, and rolls back
//! with the configured command when the deploy fails.

use super::*;

fn configure(flow: &Flow, deploy_target: &str) {
    let makefile = format!(
        "{MAKEFILE}build:\n\t@echo build >> deploy.log\nstage:\n\t@echo stage >> deploy.log\nship:\n\t@echo ship >> deploy.log\nship-broken:\n\t@echo ship-broken >> deploy.log; exit 1\nmonitor:\n\t@echo monitor >> deploy.log\nrollback:\n\t@echo rollback >> deploy.log\n"
    );
    std::fs::write(flow.root.join("Makefile"), makefile).unwrap();
    std::fs::create_dir_all(flow.root.join(".ralex")).unwrap();
    std::fs::write(
        flow.root.join(".ralex/config.toml"),
        format!("[deploy]\nbuild = \"make build\"\nstage = \"make stage\"\ndeploy = \"make {deploy_target}\"\nmonitor = \"make monitor\"\nrollback = \"make rollback\"\n"),
    )
    .unwrap();
}

#[test]
fn deploy_runs_the_configured_commands_after_a_confirmation() {
    let flow = Flow::new();
    configure(&flow, "ship");
    let r = flow.run("deploy", &["--param", "environment=staging"]);
    assert_eq!(r.code, 3, "it waits for the confirmation: {}", r.stdout);
    let run = r.json();
    assert!(
        run["message"]
            .as_str()
            .unwrap()
            .contains("Deploy to staging now?"),
        "{run:#}"
    );
    assert_eq!(
        flow.read("deploy.log"),
        "build\nstage\n",
        "nothing deployed before the confirmation"
    );
    let id = run["id"].as_str().unwrap();
    let run = flow
        .ralex(&["workflow", "resume", id, "--yes", "--json"])
        .ok()
        .json();
    assert_eq!(run["state"], "completed", "{run:#}");
    assert_eq!(flow.read("deploy.log"), "build\nstage\nship\nmonitor\n");
    assert_eq!(
        states(&run),
        expect(&[
            ("configured", "skipped"),
            ("validate", "skipped"),
            ("build", "ok"),
            ("stage", "ok"),
            ("verify", "skipped"),
            ("approve", "ok"),
            ("deploy", "ok"),
            ("monitor", "ok"),
            ("rollback", "skipped"),
            ("rolled-back", "skipped"),
        ])
    );
}

#[test]
fn a_failed_deploy_is_rolled_back_with_the_configured_command() {
    let flow = Flow::new();
    configure(&flow, "ship-broken");
    let r = flow.run("deploy", &["--yes"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let run = r.json();
    assert_eq!(run["state"], "failed");
    assert!(
        run["message"]
            .as_str()
            .unwrap()
            .contains("The deploy to production failed and was rolled back."),
        "{run:#}"
    );
    assert_eq!(
        flow.read("deploy.log"),
        "build\nstage\nship-broken\nrollback\n"
    );
}

#[test]
fn deploy_without_configuration_says_what_to_add() {
    let flow = Flow::new();
    let r = flow.run("deploy", &["--yes"]);
    assert_eq!(r.code, 1);
    let run = r.json();
    assert_eq!(states(&run), expect(&[("configured", "failed")]));
    assert!(
        run["message"].as_str().unwrap().contains(
            "needs build, deploy and rollback commands under [deploy] in .ralex/config.toml"
        ),
        "{run:#}"
    );
}
