//! `ralex plugin list/info`, and a broken plugin among good ones.

use crate::support::*;

#[test]
fn list_shows_the_first_party_parser_with_its_digest() {
    let env = Env::new();
    let j = env.run(&["plugin", "list", "--json"]).ok().json();
    let parser = j
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "command-parser")
        .expect("command-parser listed");
    assert_eq!(parser["status"], "loaded");
    assert_eq!(parser["world"], "ralex:plugin/command-parser@0.1.0");
    assert_eq!(parser["sha256"].as_str().unwrap().len(), 64);
    let human = env.run(&["plugin", "list"]).ok().stdout.clone();
    assert!(
        human.contains("command-parser") && human.contains("loaded"),
        "{human}"
    );
}

#[test]
fn info_shows_permissions_and_limits() {
    let env = Env::new();
    let r = env.run(&["plugin", "info", "command-parser"]);
    r.ok();
    assert!(
        r.stdout
            .contains("world        ralex:plugin/command-parser@0.1.0"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("limits       32 MiB, 1000 ms per call"),
        "{}",
        r.stdout
    );
    let j = env
        .run(&["plugin", "info", "command-parser", "--json"])
        .ok()
        .json();
    assert_eq!(j["permissions"]["kv"], false);
}

#[test]
fn info_of_an_unknown_plugin_fails_clearly() {
    let env = Env::new();
    let r = env.run(&["plugin", "info", "nope"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no plugin named `nope`"), "{}", r.stderr);
}

#[test]
fn a_tampered_plugin_is_refused_and_the_rest_works() {
    let mut env = Env::new();
    let extra = tempfile::tempdir().unwrap();
    let copy = copy_staged("test-plugins", "hostile", extra.path());
    let wasm = copy.join("test_plugin_hostile.wasm");
    let mut bytes = std::fs::read(&wasm).unwrap();
    bytes[100] ^= 0x01;
    std::fs::write(&wasm, bytes).unwrap();
    env.extra_plugins = Some(extra.path().to_path_buf());

    let j = env.run(&["plugin", "list", "--json"]).ok().json();
    let hostile = j
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "hostile")
        .expect("hostile listed");
    assert_eq!(hostile["status"], "refused");
    assert!(
        hostile["error"].as_str().unwrap().contains("has sha256"),
        "{hostile:#}"
    );

    let project = sample_project();
    let a = env
        .run(&[
            "run",
            "show the readme",
            "--project",
            project.to_str().unwrap(),
            "--dry-run",
            "--json",
        ])
        .ok()
        .json();
    assert_eq!(a["intent"]["kind"], "read");

    let r = env.run(&["doctor"]);
    assert_eq!(r.code, 1, "doctor fails when a plugin is refused");
    assert!(r.stdout.contains("[FAIL] plugin hostile"), "{}", r.stdout);
}

#[test]
fn the_second_start_loads_from_the_cache() {
    let env = Env::new();
    env.run(&["plugin", "info", "command-parser"]).ok();
    let r = env.run(&["plugin", "info", "command-parser"]);
    assert!(
        r.ok()
            .stdout
            .contains("loaded (Hit from the compiled-component cache)"),
        "{}",
        r.stdout
    );
}
