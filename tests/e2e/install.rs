//! `ralex plugin install / remove / keygen / sign` with a real component (the
//! `intruder` test guest): a signed plugin from a trusted key installs with a
//! grant pinned to its digest and then runs as a workflow step; tampering,
//! strangers and widened updates are refused with nothing installed; an
//! installed copy that changes is refused when it loads.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::*;

/// A copy of the staged intruder to install from.
fn source(dir: &Path) -> PathBuf {
    copy_staged("test-plugins", "intruder", dir)
}

fn installed(env: &Env) -> Vec<Value> {
    env.run(&["plugin", "list", "--json"])
        .ok()
        .json()
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["name"] == "intruder")
        .cloned()
        .collect()
}

/// A key `acme`, trusted for the intruder's publisher; the key's public hex.
fn trusted_key(env: &Env) -> String {
    let r = env.run(&["plugin", "keygen", "acme"]);
    let public = r.ok().stdout.lines().last().unwrap().to_string();
    let dir = env.home.path().join("policies/publishers");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("ralex-tests.pub"), format!("{public}\n")).unwrap();
    public
}

#[test]
fn a_signed_plugin_installs_runs_and_is_checked_again_when_loaded() {
    let env = Env::new();
    let tmp = tempfile::tempdir().unwrap();
    let src = source(tmp.path());
    trusted_key(&env);
    env.run(&["plugin", "sign", src.to_str().unwrap(), "--key", "acme"])
        .ok();

    let r = env.run(&["plugin", "install", src.to_str().unwrap(), "--yes"]);
    r.ok();
    for shown in [
        "plugin     intruder 0.1.0",
        "publisher  ralex-tests",
        "world      ralex:plugin/workflow-step@0.1.0",
        "signature  valid, by trusted key",
        "exec bash",
        "http http://127.0.0.1",
    ] {
        assert!(r.stdout.contains(shown), "{shown}: {}", r.stdout);
    }
    let list = installed(&env);
    assert_eq!(list.len(), 1, "{list:#?}");
    assert_eq!(list[0]["status"], "loaded");
    let grant_path = list[0]["grant"].as_str().unwrap();
    let grant = std::fs::read_to_string(grant_path).unwrap();
    let digest = list[0]["sha256"].as_str().unwrap();
    assert!(
        grant.contains(&format!("principal.digest == \"{digest}\"")),
        "{grant}"
    );
    env.run(&["policy", "check"]).ok();

    // It runs, with the installed grant, as a workflow step.
    let (_dir, root) = project(true);
    let run = plugin_step(&env, &root, "intruder", "{ op: read, path: README.md }");
    let output = &run["steps"][0]["output"];
    assert!(
        output["ok"].as_str().is_some_and(|t| !t.is_empty()),
        "{run:#}"
    );

    // The installed copy changes: it is refused at load, and says why.
    let component = env
        .home
        .path()
        .join("plugins/intruder/test_plugin_intruder.wasm");
    let mut bytes = std::fs::read(&component).unwrap();
    bytes.push(0);
    std::fs::write(&component, bytes).unwrap();
    let list = installed(&env);
    assert_eq!(list[0]["status"], "refused", "{list:#?}");
    assert!(
        list[0]["error"]
            .as_str()
            .unwrap()
            .contains("changed after it was installed"),
        "{list:#?}"
    );

    let r = env.run(&["plugin", "remove", "intruder"]);
    r.ok();
    assert!(installed(&env).is_empty());
    assert!(!Path::new(grant_path).exists());
    let r = env.run(&["plugin", "remove", "intruder"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("no plugin `intruder` is installed"),
        "{}",
        r.stderr
    );
}

#[test]
fn tampered_unknown_and_widened_plugins_are_refused_with_nothing_installed() {
    let env = Env::new();
    let tmp = tempfile::tempdir().unwrap();
    trusted_key(&env);
    let nothing = |env: &Env| {
        assert!(installed(env).is_empty());
        assert!(!env.home.path().join("plugins/intruder").exists());
        assert!(
            !env.home
                .path()
                .join("policies/grants/intruder.cedar")
                .exists()
        );
    };

    // Tampered component.
    let src = source(&tmp.path().join("a"));
    env.run(&["plugin", "sign", src.to_str().unwrap(), "--key", "acme"])
        .ok();
    let wasm = src.join("test_plugin_intruder.wasm");
    let mut bytes = std::fs::read(&wasm).unwrap();
    bytes.extend_from_slice(b"\0\0");
    std::fs::write(&wasm, bytes).unwrap();
    let r = env.run(&["plugin", "install", src.to_str().unwrap(), "--yes"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("was changed or swapped after it was built"),
        "{}",
        r.stderr
    );
    nothing(&env);

    // Tampered manifest (after signing).
    let src = source(&tmp.path().join("b"));
    env.run(&["plugin", "sign", src.to_str().unwrap(), "--key", "acme"])
        .ok();
    let manifest = src.join("plugin.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replace("kv = false", "kv = true")).unwrap();
    let r = env.run(&["plugin", "install", src.to_str().unwrap(), "--yes"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("plugin.toml was changed after it was signed"),
        "{}",
        r.stderr
    );
    nothing(&env);

    // An unknown signer is refused even with --yes; --trust records the key.
    let src = source(&tmp.path().join("c"));
    let stranger = Env::new();
    stranger.run(&["plugin", "keygen", "mallory"]).ok();
    let key = stranger.home.path().join("keys/mallory.key");
    env.run(&[
        "plugin",
        "sign",
        src.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
    ])
    .ok();
    let r = env.run(&["plugin", "install", src.to_str().unwrap(), "--yes"]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("which you do not trust"), "{}", r.stderr);
    nothing(&env);

    // Not confirmed (no terminal, no --yes).
    let src = source(&tmp.path().join("d"));
    env.run(&["plugin", "sign", src.to_str().unwrap(), "--key", "acme"])
        .ok();
    let r = env.run(&["plugin", "install", src.to_str().unwrap()]);
    assert_eq!(r.code, 3);
    assert!(
        r.stderr
            .contains("confirm (or pass --yes) to go on. Nothing was installed"),
        "{}",
        r.stderr
    );
    nothing(&env);

    // Installed; then an update asking for more is not carried over silently.
    env.run(&["plugin", "install", src.to_str().unwrap(), "--yes"])
        .ok();
    let grant =
        std::fs::read_to_string(env.home.path().join("policies/grants/intruder.cedar")).unwrap();
    let wider = source(&tmp.path().join("e"));
    let manifest = wider.join("plugin.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replace("kv = false", "kv = true")).unwrap();
    env.run(&["plugin", "sign", wider.to_str().unwrap(), "--key", "acme"])
        .ok();
    let r = env.run(&["plugin", "install", wider.to_str().unwrap()]);
    assert_eq!(r.code, 3, "{}", r.stdout);
    assert!(
        r.stdout.contains("permission diff\n  + kv store"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains(
            "asks for more than the installed one (+ kv store); the grant is not carried over"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(env.home.path().join("policies/grants/intruder.cedar")).unwrap(),
        grant,
        "the old grant stays"
    );
    env.run(&["plugin", "install", wider.to_str().unwrap(), "--yes"])
        .ok();
    let info = env
        .run(&["plugin", "info", "intruder", "--json"])
        .ok()
        .json();
    assert_eq!(info["permissions"]["kv"], true);
}

#[test]
fn a_folder_without_a_plugin_and_an_unsigned_plugin_are_refused_clearly() {
    let env = Env::new();
    let tmp = tempfile::tempdir().unwrap();
    let r = env.run(&["plugin", "install", tmp.path().to_str().unwrap(), "--yes"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("has no plugin.toml"), "{}", r.stderr);
    let src = source(tmp.path());
    let r = env.run(&["plugin", "install", src.to_str().unwrap(), "--yes"]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("is not signed"), "{}", r.stderr);
    let wasm = src.join("test_plugin_intruder.wasm");
    env.run(&[
        "plugin",
        "install",
        wasm.to_str().unwrap(),
        "--yes",
        "--trust",
    ])
    .ok();
    assert_eq!(installed(&env)[0]["status"], "loaded");
}
