//! Team bundles end to end: pack, verify, push to a real OCI registry (Debian's
//! `docker-registry`, started on loopback for the test), pull by tag and by
//! digest, install from the registry — and every kind of bad input refused with
//! nothing installed: a tampered bundle, a missing file, a lockfile mismatch, an
//! unknown signer, a registry returning other bytes, an update that widens
//! permissions.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::*;

/// A registry on a free loopback port, its storage in a temp folder.
struct Registry {
    child: Child,
    dir: tempfile::TempDir,
    addr: String,
}

impl Registry {
    fn start() -> Registry {
        let bin = ["/usr/bin/docker-registry", "/usr/sbin/docker-registry"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .expect("docker-registry is not installed: `apt-get install docker-registry` (.ci/run does it)");
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr = format!("127.0.0.1:{port}");
        let config = dir.path().join("config.yml");
        std::fs::write(
            &config,
            format!(
                "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: {addr}\n",
                dir.path().join("data").display()
            ),
        )
        .unwrap();
        let child = Command::new(bin)
            .args(["serve", config.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let registry = Registry { child, dir, addr };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(&registry.addr).is_err() {
            assert!(Instant::now() < deadline, "the registry did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        registry
    }

    fn reference(&self, path: &str) -> String {
        format!("oci://{}/{path}", self.addr)
    }

    /// The stored blob with this digest (`sha256:…`).
    fn blob(&self, digest: &str) -> PathBuf {
        let hex = digest.trim_start_matches("sha256:");
        self.dir.path().join(format!(
            "data/docker/registry/v2/blobs/sha256/{}/{hex}/data",
            &hex[..2]
        ))
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A bundle folder with the intruder test plugin, a policy and a workflow.
fn team_folder(root: &Path, version: &str, kv: bool) -> PathBuf {
    let dir = root.join(format!("team-{version}"));
    std::fs::create_dir_all(dir.join("plugins")).unwrap();
    let plugin = copy_staged("test-plugins", "intruder", &dir.join("plugins"));
    if kv {
        let manifest = plugin.join("plugin.toml");
        let text = std::fs::read_to_string(&manifest).unwrap();
        std::fs::write(&manifest, text.replace("kv = false", "kv = true")).unwrap();
    }
    std::fs::create_dir_all(dir.join("policies")).unwrap();
    std::fs::create_dir_all(dir.join("workflows")).unwrap();
    std::fs::write(
        dir.join("bundle.toml"),
        format!("[bundle]\nname = \"team-tools\"\nversion = \"{version}\"\npublisher = \"acme\"\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("policies/team.cedar"),
        "@id(\"team-no-env-reads\")\n@reason(\"the team never reads env files\")\nforbid (principal, action == Ralex::Action::\"workspace:read\", resource is Ralex::Path) when { resource.path like \".env*\" };\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("workflows/release.yaml"),
        "name: release\nsteps:\n  - name: tests\n    test: {}\n",
    )
    .unwrap();
    dir
}

/// `ralex bundle pack` with the key `team` (made once per home).
fn pack(env: &Env, dir: &Path, out: &Path) {
    if !env.home.path().join("keys/team.key").exists() {
        env.run(&["plugin", "keygen", "team"]).ok();
    }
    env.run(&[
        "bundle",
        "pack",
        dir.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--key",
        "team",
    ])
    .ok();
}

fn plugins(env: &Env) -> Vec<Value> {
    env.run(&["plugin", "list", "--json"])
        .ok()
        .json()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn a_bundle_goes_through_a_registry_and_installs_from_it() {
    let registry = Registry::start();
    let author = Env::new();
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("team.rxb");
    pack(&author, &team_folder(tmp.path(), "1.0.0", false), &file);

    let report = author
        .run(&["bundle", "verify", file.to_str().unwrap(), "--json"])
        .ok()
        .json();
    assert_eq!(report["name"], "team-tools");
    assert_eq!(report["wit"], "ralex:plugin@0.1.0");
    assert_eq!(
        report["plugins"][0]["world"],
        "ralex:plugin/workflow-step@0.1.0"
    );
    assert_eq!(report["files"].as_object().unwrap().len(), 5, "{report:#}");

    let tag = registry.reference("team/tools:1.0");
    let r = author.run(&["bundle", "push", &tag, "--file", file.to_str().unwrap()]);
    r.ok();
    let pinned = r.stdout.trim().rsplit(' ').next().unwrap().to_string();
    assert!(pinned.contains("@sha256:"), "{}", r.stdout);

    // A teammate: pull by tag and by digest; same bytes.
    let mate = Env::new();
    let by_tag = tmp.path().join("by-tag.rxb");
    mate.run(&["bundle", "pull", &tag, "-o", by_tag.to_str().unwrap()])
        .ok();
    let by_digest = tmp.path().join("by-digest.rxb");
    mate.run(&["bundle", "pull", &pinned, "-o", by_digest.to_str().unwrap()])
        .ok();
    assert_eq!(
        std::fs::read(&by_tag).unwrap(),
        std::fs::read(&file).unwrap()
    );
    assert_eq!(
        std::fs::read(&by_digest).unwrap(),
        std::fs::read(&file).unwrap()
    );

    // Not trusted yet: refused, nothing installed. With --trust: installed.
    let r = mate.run(&["bundle", "install", &tag, "--yes"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("which you do not trust; nothing was installed"),
        "{}",
        r.stderr
    );
    assert!(plugins(&mate).iter().all(|p| p["name"] != "intruder"));
    let r = mate.run(&["bundle", "install", &pinned, "--yes", "--trust"]);
    r.ok();
    assert!(
        r.stdout
            .contains("installed bundle team-tools 1.0.0: 1 plugin, 1 policy, 1 workflow"),
        "{}",
        r.stdout
    );
    let intruder = plugins(&mate)
        .into_iter()
        .find(|p| p["name"] == "intruder")
        .expect("installed");
    assert_eq!(intruder["status"], "loaded");
    assert!(intruder["grant"].is_string());
    let policy = mate.run(&["policy", "check"]);
    assert!(
        policy.ok().stdout.contains("bundles/team-tools/team.cedar"),
        "{}",
        policy.stdout
    );
    let (_dir, root) = project(false);
    let workflows = mate
        .run(&[
            "workflow",
            "list",
            "--project",
            root.to_str().unwrap(),
            "--json",
        ])
        .ok()
        .json();
    assert!(
        workflows
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["name"] == "release"),
        "{workflows:#}"
    );

    // `ralex plugin install` takes a bundle file too.
    let third = Env::new();
    let r = third.run(&[
        "plugin",
        "install",
        file.to_str().unwrap(),
        "--yes",
        "--trust",
    ]);
    assert!(
        r.ok().stdout.contains("installed bundle team-tools 1.0.0"),
        "{}",
        r.stdout
    );

    // An update that asks for more is not carried over without a confirmation.
    let v2 = tmp.path().join("team-2.rxb");
    pack(&author, &team_folder(tmp.path(), "2.0.0", true), &v2);
    let tag2 = registry.reference("team/tools:2.0");
    author
        .run(&["bundle", "push", &tag2, "--file", v2.to_str().unwrap()])
        .ok();
    let grant = std::fs::read_to_string(intruder["grant"].as_str().unwrap()).unwrap();
    let r = mate.run(&["bundle", "install", &tag2]);
    assert_eq!(r.code, 3, "{}", r.stdout);
    assert!(r.stdout.contains("intruder 0.1.0 → 0.1.0 (ralex:plugin/workflow-step@0.1.0), permission diff:\n  + kv store"), "{}", r.stdout);
    assert!(
        r.stderr.contains("their grants are not carried over"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(intruder["grant"].as_str().unwrap()).unwrap(),
        grant
    );
    mate.run(&["bundle", "install", &tag2, "--yes"]).ok();
    let info = mate
        .run(&["plugin", "info", "intruder", "--json"])
        .ok()
        .json();
    assert_eq!(info["permissions"]["kv"], true);
}

#[test]
fn bad_bundles_and_a_lying_registry_are_refused() {
    let registry = Registry::start();
    let env = Env::new();
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("team.rxb");
    pack(&env, &team_folder(tmp.path(), "1.0.0", false), &file);
    let nothing = |env: &Env| {
        assert!(plugins(env).iter().all(|p| p["name"] != "intruder"));
        assert!(!env.home.path().join("policies/bundles").exists());
        assert!(!env.home.path().join("workflows").exists());
    };

    // A byte changed inside the bundle file (the component's bytes in the tar).
    let mut bytes = std::fs::read(&file).unwrap();
    let at = bytes
        .windows(4)
        .position(|w| w == b"\0asm")
        .expect("the component is in the tar");
    bytes[at + 8] ^= 0xff;
    let tampered = tmp.path().join("tampered.rxb");
    std::fs::write(&tampered, &bytes).unwrap();
    let r = env.run(&["bundle", "verify", tampered.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("lockfile mismatch: plugins/intruder/test_plugin_intruder.wasm has sha256"),
        "{}",
        r.stderr
    );
    let r = env.run(&[
        "bundle",
        "install",
        tampered.to_str().unwrap(),
        "--yes",
        "--trust",
    ]);
    assert_eq!(r.code, 1);
    nothing(&env);

    // A folder with a plugin whose manifest does not match its component cannot be packed.
    let broken = team_folder(&tmp.path().join("b"), "1.0.0", false);
    std::fs::write(
        broken.join("plugins/intruder/test_plugin_intruder.wasm"),
        b"\0asm other",
    )
    .unwrap();
    let r = env.run(&[
        "bundle",
        "pack",
        broken.to_str().unwrap(),
        "-o",
        tmp.path().join("x.rxb").to_str().unwrap(),
        "--key",
        "team",
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("does not record the sha256"),
        "{}",
        r.stderr
    );

    // Not a bundle at all.
    std::fs::write(tmp.path().join("junk.rxb"), b"hello").unwrap();
    assert_eq!(
        env.run(&[
            "bundle",
            "verify",
            tmp.path().join("junk.rxb").to_str().unwrap()
        ])
        .code,
        1
    );

    // The registry returns other bytes than its manifest names.
    let tag = registry.reference("team/tools:1.0");
    env.run(&["bundle", "push", &tag, "--file", file.to_str().unwrap()])
        .ok();
    let report = env
        .run(&["bundle", "verify", file.to_str().unwrap(), "--json"])
        .ok()
        .json();
    let layer = format!("sha256:{}", report["sha256"].as_str().unwrap());
    let stored = registry.blob(&layer);
    let mut evil = std::fs::read(&stored).unwrap();
    let at = evil.windows(4).position(|w| w == b"\0asm").unwrap();
    evil[at + 8] ^= 0xff;
    std::fs::write(&stored, evil).unwrap();
    let r = env.run(&[
        "bundle",
        "pull",
        &tag,
        "-o",
        tmp.path().join("p.rxb").to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("the registry returned a bundle with digest"),
        "{}",
        r.stderr
    );
    assert!(!tmp.path().join("p.rxb").exists());
    let r = env.run(&["bundle", "install", &tag, "--yes", "--trust"]);
    assert_eq!(r.code, 1);
    nothing(&env);

    // A digest that is not the tag's manifest.
    let wrong = format!(
        "{}@sha256:{}",
        registry.reference("team/tools"),
        "0".repeat(64)
    );
    let r = env.run(&[
        "bundle",
        "pull",
        &wrong,
        "-o",
        tmp.path().join("w.rxb").to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
}
