//! Installing plugins from folders: signatures, trust, digests, permission
//! diffs, all-or-nothing, and the check when an installed copy is loaded.

use std::path::{Path, PathBuf};

use ralex_package::{
    Consent, Installer, KeyPair, PackageError, TrustedKeys, Worlds, open, sign, verify_installed,
};

const COMPONENT: &[u8] = b"\0asm pretend component bytes";

fn sha(bytes: &[u8]) -> String {
    ralex_manifest::sha256_hex(bytes)
}

/// A plugin folder `name` asking for `permissions` (TOML lines).
fn plugin(root: &Path, name: &str, permissions: &str, component: &[u8]) -> PathBuf {
    let dir = root.join(format!("src-{name}-{}", &sha(permissions.as_bytes())[..8]));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("thing.wasm"), component).unwrap();
    std::fs::write(
        dir.join("plugin.toml"),
        format!(
            "[plugin]\nname = \"{name}\"\nversion = \"1.0.0\"\nworld = \"ralex:plugin/code-analyzer@0.1.0\"\ncomponent = \"thing.wasm\"\npublisher = \"acme\"\ndescription = \"test\"\nsha256 = \"{}\"\n\n[permissions]\n{permissions}\n",
            sha(component)
        ),
    )
    .unwrap();
    dir
}

struct World {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    installer: Installer,
}

impl World {
    fn new() -> World {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        let installer = Installer {
            plugins_dir: root.join("home/plugins"),
            grants_dir: root.join("home/policies/grants"),
            trusted: TrustedKeys::in_dir(root.join("home/policies/publishers")),
        };
        World {
            _tmp: tmp,
            root,
            installer,
        }
    }

    fn install(&self, src: &Path, consent: Consent) -> Result<PathBuf, PackageError> {
        let known =
            |w: &ralex_manifest::WorldRef| w.to_string().starts_with("ralex:plugin/code-analyzer");
        let worlds = Worlds {
            known: &known,
            supported: "code-analyzer".into(),
        };
        let package = open(src, &worlds, &self.installer.trusted)?;
        let plan = self.installer.plan(package);
        self.installer.install(&plan, consent)
    }

    fn grant(&self, name: &str) -> String {
        std::fs::read_to_string(self.installer.grant_path(name)).unwrap()
    }
}

const YES: Consent = Consent {
    trust: false,
    accept: true,
    remember: true,
};
const TRUST: Consent = Consent {
    trust: true,
    accept: true,
    remember: true,
};

#[test]
fn a_signed_plugin_from_a_trusted_key_installs_with_a_grant_pinned_to_its_digest() {
    let w = World::new();
    let key = KeyPair::generate().unwrap();
    w.installer
        .trusted
        .trust("acme", &key.public_hex())
        .unwrap();
    let src = plugin(
        &w.root,
        "linter",
        "workspace = { read = [\"**\"] }",
        COMPONENT,
    );
    sign(&src.join("plugin.toml"), &key).unwrap();
    let dir = w.install(&src, YES).unwrap();
    assert!(dir.join("thing.wasm").is_file() && dir.join("plugin.sig").is_file());
    let grant = w.grant("linter");
    assert!(
        grant.contains(&format!("principal.digest == \"{}\"", sha(COMPONENT))),
        "{grant}"
    );
    assert!(grant.contains("@id(\"grant-linter\")"));
    assert!(grant.contains("Asked for: workspace read **"));
    verify_installed(&dir, &w.installer.trusted).unwrap();

    // Loading checks again: a changed component, or a key no longer trusted.
    std::fs::write(dir.join("thing.wasm"), b"evil").unwrap();
    let e = verify_installed(&dir, &w.installer.trusted)
        .unwrap_err()
        .to_string();
    assert!(e.contains("changed after it was installed"), "{e}");
    std::fs::write(dir.join("thing.wasm"), COMPONENT).unwrap();
    std::fs::remove_file(w.root.join("home/policies/publishers/acme.pub")).unwrap();
    let e = verify_installed(&dir, &w.installer.trusted)
        .unwrap_err()
        .to_string();
    assert!(e.contains("no longer trusted"), "{e}");

    w.installer.remove("linter").unwrap();
    assert!(!dir.exists() && !w.installer.grant_path("linter").exists());
    assert!(matches!(
        w.installer.remove("linter"),
        Err(PackageError::NotInstalled(_))
    ));
}

#[test]
fn tampering_and_strangers_are_refused_and_nothing_is_installed() {
    let w = World::new();
    let key = KeyPair::generate().unwrap();
    w.installer
        .trusted
        .trust("acme", &key.public_hex())
        .unwrap();

    // Tampered component: the manifest's digest no longer matches.
    let src = plugin(&w.root, "a", "", COMPONENT);
    sign(&src.join("plugin.toml"), &key).unwrap();
    std::fs::write(src.join("thing.wasm"), b"\0asm swapped").unwrap();
    let e = w.install(&src, TRUST).unwrap_err();
    assert!(matches!(e, PackageError::WrongDigest { .. }), "{e}");

    // Tampered manifest after signing.
    let src = plugin(&w.root, "b", "", COMPONENT);
    sign(&src.join("plugin.toml"), &key).unwrap();
    let text = std::fs::read_to_string(src.join("plugin.toml")).unwrap();
    std::fs::write(
        src.join("plugin.toml"),
        text.replace("[permissions]\n", "[permissions]\nmodel = true\n"),
    )
    .unwrap();
    let e = w.install(&src, TRUST).unwrap_err().to_string();
    assert!(
        e.contains("plugin.toml was changed after it was signed"),
        "{e}"
    );

    // A signature swapped in from another plugin.
    let other = plugin(&w.root, "c", "kv = true", COMPONENT);
    sign(&other.join("plugin.toml"), &key).unwrap();
    let src = plugin(&w.root, "c", "", COMPONENT);
    std::fs::copy(other.join("plugin.sig"), src.join("plugin.sig")).unwrap();
    let e = w.install(&src, TRUST).unwrap_err().to_string();
    assert!(e.contains("does not verify"), "{e}");

    // A forged signature.
    let src = plugin(&w.root, "d", "", COMPONENT);
    sign(&src.join("plugin.toml"), &key).unwrap();
    let sig = std::fs::read_to_string(src.join("plugin.sig")).unwrap();
    let at = sig.find("\nsignature = \"").unwrap() + 14;
    let mut bytes = sig.into_bytes();
    bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
    std::fs::write(src.join("plugin.sig"), bytes).unwrap();
    let e = w.install(&src, TRUST).unwrap_err().to_string();
    assert!(e.contains("does not match the key it names"), "{e}");

    // An unknown signer, an unsigned plugin.
    let stranger = KeyPair::generate().unwrap();
    let src = plugin(&w.root, "e", "", COMPONENT);
    sign(&src.join("plugin.toml"), &stranger).unwrap();
    let e = w.install(&src, YES).unwrap_err().to_string();
    assert!(e.contains("which you do not trust"), "{e}");
    let src = plugin(&w.root, "f", "", COMPONENT);
    let e = w.install(&src, YES).unwrap_err().to_string();
    assert!(e.contains("is not signed"), "{e}");

    // A world this kernel does not run.
    let src = plugin(&w.root, "g", "", COMPONENT);
    let text = std::fs::read_to_string(src.join("plugin.toml")).unwrap();
    std::fs::write(
        src.join("plugin.toml"),
        text.replace("code-analyzer", "gadget"),
    )
    .unwrap();
    let e = w.install(&src, TRUST).unwrap_err().to_string();
    assert!(e.contains("which this kernel does not run"), "{e}");

    assert!(
        !w.root.join("home/plugins").exists()
            || std::fs::read_dir(w.root.join("home/plugins"))
                .unwrap()
                .next()
                .is_none(),
        "nothing installed, nothing half-installed"
    );
    assert!(!w.root.join("home/policies/grants").exists());
}

#[test]
fn explicit_trust_records_the_key_and_unsigned_builds_install_only_when_trusted() {
    let w = World::new();
    let stranger = KeyPair::generate().unwrap();
    let src = plugin(&w.root, "e", "", COMPONENT);
    sign(&src.join("plugin.toml"), &stranger).unwrap();
    w.install(&src, TRUST).unwrap();
    assert_eq!(w.installer.trusted.of("acme"), vec![stranger.public_hex()]);
    let unsigned = plugin(&w.root, "u", "", COMPONENT);
    let dir = w.install(&unsigned, TRUST).unwrap();
    let receipt = std::fs::read_to_string(dir.join("install.toml")).unwrap();
    assert!(receipt.contains("trusted_explicitly = true"), "{receipt}");
}

#[test]
fn an_update_that_widens_permissions_is_not_carried_over_silently() {
    let w = World::new();
    let v1 = plugin(&w.root, "p", "workspace = { read = [\"**\"] }", COMPONENT);
    w.install(&v1, TRUST).unwrap();
    let grant_v1 = w.grant("p");
    let v2_bytes = b"\0asm version two";
    let v2 = plugin(
        &w.root,
        "p",
        "workspace = { read = [\"**\"] }\nhttp = { hosts = [\"https://collect.example.com\"] }",
        v2_bytes,
    );
    let e = w
        .install(
            &v2,
            Consent {
                trust: true,
                accept: false,
                remember: true,
            },
        )
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("asks for more than the installed one (+ http https://collect.example.com)"),
        "{e}"
    );
    assert_eq!(w.grant("p"), grant_v1, "the old grant stays");
    assert_eq!(
        std::fs::read(w.root.join("home/plugins/p/thing.wasm")).unwrap(),
        COMPONENT,
        "the old version stays"
    );

    w.install(&v2, TRUST).unwrap();
    assert!(
        w.grant("p").contains(&sha(v2_bytes)),
        "the new grant is pinned to the new build"
    );
    assert!(!w.grant("p").contains(&sha(COMPONENT)));
}

#[test]
fn a_publisher_that_could_inject_policy_or_escape_a_folder_is_refused() {
    let w = World::new();
    let src = plugin(&w.root, "inj", "", COMPONENT);
    let manifest = src.join("plugin.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace(
            "publisher = \"acme\"",
            "publisher = \"x`.\\npermit (principal, action, resource);\\n//\"",
        ),
    )
    .unwrap();
    let e = w.install(&src, TRUST).unwrap_err().to_string();
    assert!(e.contains("publisher names are letters, digits"), "{e}");
    assert!(!w.root.join("home/policies/grants").exists());
    assert!(w.installer.trusted.trust("../evil", "00").is_err());
}
