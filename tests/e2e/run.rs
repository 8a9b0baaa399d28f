//! `ralex run --dry-run`: the main job of this version.

use crate::support::*;

fn dry_run(env: &Env, command: &str) -> serde_json::Value {
    let project = sample_project();
    env.run(&[
        "run",
        command,
        "--project",
        project.to_str().unwrap(),
        "--dry-run",
        "--json",
    ])
    .ok()
    .json()
}

#[test]
fn the_readme_command_gives_an_intent_with_a_resolved_file() {
    let env = Env::new();
    let answer = dry_run(&env, "add a docstring to parse config dot py");
    assert_eq!(answer["status"], "completed");
    assert_eq!(answer["dry_run"], true);
    assert_eq!(answer["changes"], serde_json::json!([]));
    assert_eq!(answer["cost_usd"], 0.0);
    let intent = &answer["intent"];
    assert_eq!(intent["kind"], "docs", "{answer:#}");
    assert_eq!(intent["risk"], "modify");
    assert_eq!(
        intent["targets"][0]["path"], "inventory/parse_config.py",
        "{answer:#}"
    );
    assert_eq!(intent["targets"][0]["resolved"], true);
    assert_eq!(intent["targets"][0]["phrase"], "parse config dot py");
    let confidence = intent["confidence"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&confidence));
    assert!(
        answer["response"]
            .as_str()
            .unwrap()
            .contains("Nothing was changed"),
        "{answer:#}"
    );
}

#[test]
fn spoken_forms_fillers_and_git_phrases() {
    let env = Env::new();
    let a = dry_run(
        &env,
        "hey ralex can you please show me inventory slash pricing dot py thanks",
    );
    assert_eq!(a["intent"]["kind"], "read", "{a:#}");
    assert_eq!(a["intent"]["risk"], "read_only");
    assert_eq!(
        a["intent"]["targets"][0]["path"], "inventory/pricing.py",
        "{a:#}"
    );

    let a = dry_run(&env, "commit everything with message fix the tax rounding");
    assert_eq!(a["intent"]["kind"], "git", "{a:#}");
    assert_eq!(a["intent"]["params"]["action"], "commit");
    assert_eq!(
        a["intent"]["params"]["message"], "fix the tax rounding",
        "{a:#}"
    );
}

#[test]
fn destructive_phrasing_is_flagged() {
    let env = Env::new();
    let a = dry_run(&env, "force push to origin");
    assert_eq!(a["intent"]["risk"], "destructive", "{a:#}");
    assert!(
        a["response"].as_str().unwrap().contains("confirmation"),
        "{a:#}"
    );
}

#[test]
fn an_ambiguous_file_lists_candidates() {
    let env = Env::new();
    let a = dry_run(&env, "open config dot py");
    let target = &a["intent"]["targets"][0];
    assert_eq!(target["resolved"], false, "{a:#}");
    let candidates: Vec<&str> = target["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(candidates, vec!["inventory/config.py", "scripts/config.py"]);
    let response = a["response"].as_str().unwrap();
    assert!(
        response.contains("inventory/config.py or scripts/config.py"),
        "{response}"
    );
}

#[test]
fn human_output_shows_the_intent() {
    let env = Env::new();
    let project = sample_project();
    let r = env.run(&[
        "run",
        "add a docstring to parse config dot py",
        "--project",
        project.to_str().unwrap(),
        "--dry-run",
    ]);
    r.ok();
    assert!(r.stdout.contains("intent     docs (modify"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("target     inventory/parse_config.py  ← \"parse config dot py\""),
        "{}",
        r.stdout
    );
}

#[test]
fn gibberish_is_unknown_not_an_error() {
    let env = Env::new();
    let a = dry_run(&env, "blorp flibbertigibbet zzz");
    assert_eq!(a["intent"]["kind"], "unknown", "{a:#}");
    assert!(a["intent"]["confidence"].as_f64().unwrap() <= 0.3);
}
