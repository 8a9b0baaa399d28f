//! Plugins that must not load are refused with a precise, typed error — and loading
//! a good plugin afterwards still works.

use ralex_host::{LoadError, World};

use crate::support::*;

fn rewrite(dir: &std::path::Path, from: &str, to: &str) {
    let path = dir.join("plugin.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from} not in manifest");
    std::fs::write(&path, text.replace(from, to)).unwrap();
}

#[test]
fn a_good_plugin_loads() {
    let t = TestHost::new();
    let p = t.hostile();
    assert_eq!(p.name(), "hostile");
    assert_eq!(p.world(), World::CodeAnalyzer);
    assert_eq!(p.digest().len(), 64);
}

#[test]
fn an_unknown_world_is_refused() {
    let t = TestHost::new();
    let err = t
        .host
        .load(&staged("test-plugins", "foreign-world").join("plugin.toml"))
        .unwrap_err();
    assert!(matches!(err, LoadError::UnknownWorld { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("acme:gadgets/gadget@1.0.0") && msg.contains("ralex:plugin/command-parser"),
        "{msg}"
    );
    t.hostile();
}

#[test]
fn a_foreign_component_claiming_a_ralex_world_is_refused() {
    let t = TestHost::new();
    let dir = tempfile::tempdir().unwrap();
    let copy = copy_plugin("test-plugins", "foreign-world", dir.path());
    rewrite(
        &copy,
        "acme:gadgets/gadget@1.0.0",
        "ralex:plugin/code-analyzer@0.1.0",
    );
    let err = t.host.load(&copy.join("plugin.toml")).unwrap_err();
    assert!(matches!(err, LoadError::WorldMismatch { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("does not export `ralex:plugin/analyzer@0.1.0`"),
        "{err}"
    );
    t.hostile();
}

#[test]
fn a_component_of_another_ralex_world_is_refused() {
    let t = TestHost::new();
    let dir = tempfile::tempdir().unwrap();
    let copy = copy_plugin("test-plugins", "hostile", dir.path());
    rewrite(
        &copy,
        "ralex:plugin/code-analyzer@0.1.0",
        "ralex:plugin/command-parser@0.1.0",
    );
    let err = t.host.load(&copy.join("plugin.toml")).unwrap_err();
    assert!(matches!(err, LoadError::WorldMismatch { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("which world `command-parser` does not include"),
        "{err}"
    );
}

#[test]
fn a_wrong_digest_is_refused() {
    let t = TestHost::new();
    let dir = tempfile::tempdir().unwrap();
    let copy = copy_plugin("test-plugins", "hostile", dir.path());
    let text = std::fs::read_to_string(copy.join("plugin.toml")).unwrap();
    let digest = text
        .lines()
        .find_map(|l| l.strip_prefix("sha256 = \""))
        .unwrap()
        .trim_end_matches('"')
        .to_string();
    rewrite(&copy, &digest, &"0".repeat(64));
    let err = t.host.load(&copy.join("plugin.toml")).unwrap_err();
    assert!(matches!(err, LoadError::DigestMismatch { .. }), "{err:?}");
    assert!(
        err.to_string().contains(&format!("has sha256 {digest}")),
        "{err}"
    );
    t.hostile();
}

#[test]
fn a_changed_component_is_refused() {
    let t = TestHost::new();
    let dir = tempfile::tempdir().unwrap();
    let copy = copy_plugin("test-plugins", "hostile", dir.path());
    let wasm = copy.join("test_plugin_hostile.wasm");
    let mut bytes = std::fs::read(&wasm).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&wasm, bytes).unwrap();
    let err = t.host.load(&copy.join("plugin.toml")).unwrap_err();
    assert!(matches!(err, LoadError::DigestMismatch { .. }), "{err:?}");
}

#[test]
fn a_missing_digest_is_refused() {
    let t = TestHost::new();
    let dir = tempfile::tempdir().unwrap();
    let copy = copy_plugin("test-plugins", "hostile", dir.path());
    let text = std::fs::read_to_string(copy.join("plugin.toml")).unwrap();
    let stripped: String = text
        .lines()
        .filter(|l| !l.starts_with("sha256"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(copy.join("plugin.toml"), stripped).unwrap();
    let err = t.host.load(&copy.join("plugin.toml")).unwrap_err();
    assert!(matches!(err, LoadError::MissingDigest { .. }), "{err:?}");
    assert!(err.to_string().contains("records no `sha256`"), "{err}");
}

#[test]
fn a_truncated_component_is_refused() {
    let t = TestHost::new();
    let dir = tempfile::tempdir().unwrap();
    let copy = copy_plugin("test-plugins", "hostile", dir.path());
    let wasm = copy.join("test_plugin_hostile.wasm");
    let bytes = std::fs::read(&wasm).unwrap();
    let half = &bytes[..bytes.len() / 2];
    std::fs::write(&wasm, half).unwrap();
    // The digest matches the truncated bytes: the component itself must be refused.
    let text = std::fs::read_to_string(copy.join("plugin.toml")).unwrap();
    let digest = text
        .lines()
        .find_map(|l| l.strip_prefix("sha256 = \""))
        .unwrap()
        .trim_end_matches('"')
        .to_string();
    rewrite(&copy, &digest, &ralex_manifest::sha256_hex(half));
    let err = t.host.load(&copy.join("plugin.toml")).unwrap_err();
    assert!(matches!(err, LoadError::InvalidComponent { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("is not a valid WebAssembly component"),
        "{err}"
    );
    t.hostile();
}

#[test]
fn a_component_that_does_not_export_its_claimed_world_is_refused() {
    // Every world's imports are provided now; what decides is the export.
    let t = TestHost::new();
    let dir = tempfile::tempdir().unwrap();
    let copy = copy_plugin("test-plugins", "hostile", dir.path());
    rewrite(
        &copy,
        "ralex:plugin/code-analyzer@0.1.0",
        "ralex:plugin/agent@0.1.0",
    );
    let err = t.host.load(&copy.join("plugin.toml")).unwrap_err();
    assert!(matches!(err, LoadError::WorldMismatch { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("does not export `ralex:plugin/task-runner@0.1.0`"),
        "{err}"
    );
}

#[test]
fn a_memory_cap_beyond_the_pool_is_refused() {
    let t = TestHost::new();
    let dir = tempfile::tempdir().unwrap();
    let copy = copy_plugin("test-plugins", "hostile", dir.path());
    rewrite(&copy, "memory_mb = 32", "memory_mb = 2048");
    let err = t.host.load(&copy.join("plugin.toml")).unwrap_err();
    assert!(
        matches!(
            err,
            LoadError::MemoryTooLarge {
                asked: 2048,
                max: 64,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_broken_manifest_is_refused_with_its_location() {
    let t = TestHost::new();
    let dir = tempfile::tempdir().unwrap();
    let copy = copy_plugin("test-plugins", "hostile", dir.path());
    rewrite(&copy, "timeout_ms = 1000", "timeout_ms = \"soon\"");
    let err = t.host.load(&copy.join("plugin.toml")).unwrap_err();
    assert!(matches!(err, LoadError::Manifest(_)), "{err:?}");
    assert!(err.to_string().contains("plugin.toml:"), "{err}");
}
