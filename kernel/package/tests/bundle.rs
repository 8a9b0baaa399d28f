//! Team bundles: pack, read back, and every kind of tampering refused.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use ralex_package::{Bundle, KeyPair, TrustedKeys, pack};

const COMPONENT: &[u8] = b"\0asm a team plugin";

/// A bundle's entries, by path.
type Entries = BTreeMap<String, Vec<u8>>;

fn folder(root: &Path) -> PathBuf {
    let dir = root.join("team");
    std::fs::create_dir_all(dir.join("plugins/linter")).unwrap();
    std::fs::create_dir_all(dir.join("policies")).unwrap();
    std::fs::create_dir_all(dir.join("workflows")).unwrap();
    std::fs::write(
        dir.join("bundle.toml"),
        "[bundle]\nname = \"team-tools\"\nversion = \"1.0.0\"\npublisher = \"acme\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("plugins/linter/linter.wasm"), COMPONENT).unwrap();
    std::fs::write(
        dir.join("plugins/linter/plugin.toml"),
        format!("[plugin]\nname = \"linter\"\nversion = \"1.0.0\"\nworld = \"ralex:plugin/code-analyzer@0.1.0\"\ncomponent = \"linter.wasm\"\npublisher = \"acme\"\nsha256 = \"{}\"\n\n[permissions]\nworkspace = {{ read = [\"**\"] }}\n", ralex_manifest::sha256_hex(COMPONENT)),
    )
    .unwrap();
    std::fs::write(dir.join("policies/team.cedar"), "// team rules\n").unwrap();
    std::fs::write(
        dir.join("workflows/release.yaml"),
        "name: release\nsteps:\n  - name: t\n    test: {}\n",
    )
    .unwrap();
    dir
}

/// The bundle's entries.
fn entries(path: &Path) -> Entries {
    let mut out = BTreeMap::new();
    let bytes = std::fs::read(path).unwrap();
    let mut archive = tar::Archive::new(bytes.as_slice());
    for e in archive.entries().unwrap() {
        let mut e = e.unwrap();
        let name = e.path().unwrap().to_string_lossy().into_owned();
        let mut content = Vec::new();
        e.read_to_end(&mut content).unwrap();
        out.insert(name, content);
    }
    out
}

fn write(path: &Path, files: &Entries) {
    let mut tar = tar::Builder::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        if name.contains("..") {
            // The builder refuses such paths; a hostile bundle is made by hand.
            header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
            header.set_cksum();
            tar.append(&header, bytes.as_slice()).unwrap();
            continue;
        }
        header.set_cksum();
        tar.append_data(&mut header, name, bytes.as_slice())
            .unwrap();
    }
    tar.finish().unwrap();
}

fn refused(path: &Path, trusted: &TrustedKeys) -> String {
    Bundle::read(path, trusted).unwrap_err().to_string()
}

#[test]
fn a_packed_bundle_reads_back_with_its_lockfile_and_signer() {
    let tmp = tempfile::tempdir().unwrap();
    let key = KeyPair::generate().unwrap();
    let out = tmp.path().join("team.rxb");
    let lock = pack(&folder(tmp.path()), &out, &key).unwrap();
    assert_eq!(lock.plugins.len(), 1);
    assert_eq!(lock.plugins[0].world, "ralex:plugin/code-analyzer@0.1.0");
    assert_eq!(
        lock.plugins[0].component_sha256,
        ralex_manifest::sha256_hex(COMPONENT)
    );
    assert_eq!(lock.files.len(), 5);

    let untrusted = Bundle::read(&out, &TrustedKeys::default()).unwrap();
    assert!(!untrusted.trusted);
    let trusted_keys = TrustedKeys::in_dir(tmp.path().join("publishers"));
    trusted_keys.trust("acme", &key.public_hex()).unwrap();
    let bundle = Bundle::read(&out, &trusted_keys).unwrap();
    assert!(bundle.trusted);
    assert_eq!(bundle.info.name, "team-tools");
    assert_eq!(bundle.files_under("workflows/").len(), 1);
    let dir = tmp.path().join("extracted");
    bundle.extract(&dir).unwrap();
    assert_eq!(
        std::fs::read(dir.join("plugins/linter/linter.wasm")).unwrap(),
        COMPONENT
    );
}

#[test]
fn tampered_bundles_are_refused_with_what_is_wrong() {
    let tmp = tempfile::tempdir().unwrap();
    let key = KeyPair::generate().unwrap();
    let out = tmp.path().join("team.rxb");
    pack(&folder(tmp.path()), &out, &key).unwrap();
    let trusted = TrustedKeys::default();
    let original = entries(&out);
    let variant = |name: &str, change: &dyn Fn(&mut Entries)| {
        let mut files = original.clone();
        change(&mut files);
        let path = tmp.path().join(name);
        write(&path, &files);
        path
    };

    let p = variant("component.rxb", &|f| {
        f.insert("plugins/linter/linter.wasm".into(), b"\0asm evil".to_vec());
    });
    assert!(
        refused(&p, &trusted).contains("lockfile mismatch: plugins/linter/linter.wasm has sha256"),
        "{}",
        refused(&p, &trusted)
    );

    let p = variant("missing.rxb", &|f| {
        f.remove("workflows/release.yaml");
    });
    assert!(
        refused(&p, &trusted)
            .contains("workflows/release.yaml is in the lockfile but missing from the bundle")
    );

    let p = variant("extra.rxb", &|f| {
        f.insert(
            "policies/backdoor.cedar".into(),
            b"permit (principal, action, resource);".to_vec(),
        );
    });
    assert!(
        refused(&p, &trusted)
            .contains("policies/backdoor.cedar is in the bundle but not in its lockfile")
    );

    let p = variant("lock.rxb", &|f| {
        let lock = String::from_utf8(f["bundle.lock"].clone()).unwrap();
        f.insert(
            "bundle.lock".into(),
            lock.replace("version = 1", "version = 1\n").into_bytes(),
        );
    });
    assert!(refused(&p, &trusted).contains("bundle.lock was changed after the bundle was signed"));

    // A signature from another bundle swapped in.
    let other = tmp.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    let other_dir = folder(&other);
    std::fs::write(other_dir.join("policies/team.cedar"), "// other rules\n").unwrap();
    let other_out = tmp.path().join("other.rxb");
    pack(&other_dir, &other_out, &key).unwrap();
    let other_sig = entries(&other_out)["bundle.sig"].clone();
    let p = variant("sig.rxb", &|f| {
        f.insert("bundle.sig".into(), other_sig.clone());
    });
    assert!(refused(&p, &trusted).contains("bundle.lock was changed after the bundle was signed"));

    // A forged signature.
    let p = variant("forged.rxb", &|f| {
        let sig = String::from_utf8(f["bundle.sig"].clone()).unwrap();
        let at = sig.find("\nsignature = \"").unwrap() + 14;
        let mut bytes = sig.into_bytes();
        bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
        f.insert("bundle.sig".into(), bytes);
    });
    assert!(refused(&p, &trusted).contains("does not match the key it names"));

    let p = variant("escape.rxb", &|f| {
        f.insert("../evil.sh".into(), b"x".to_vec());
    });
    assert!(refused(&p, &trusted).contains("may not be in a bundle"));

    std::fs::write(tmp.path().join("junk.rxb"), b"not a tar at all, just words").unwrap();
    assert!(Bundle::read(&tmp.path().join("junk.rxb"), &trusted).is_err());
}

#[test]
fn a_bundle_name_that_is_not_a_plain_folder_name_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let key = KeyPair::generate().unwrap();
    let dir = folder(tmp.path());
    std::fs::write(
        dir.join("bundle.toml"),
        "[bundle]\nname = \"..\"\nversion = \"1\"\npublisher = \"acme\"\n",
    )
    .unwrap();
    let e = pack(&dir, &tmp.path().join("x.rxb"), &key)
        .unwrap_err()
        .to_string();
    assert!(e.contains("is not a bundle name"), "{e}");
}
