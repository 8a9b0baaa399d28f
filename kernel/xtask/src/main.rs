//! Build tasks for the Ralex workspace.
//!
//! `cargo xtask plugins` builds every first-party plugin and every test guest for
//! `wasm32-wasip2` and stages each beside its manifest, with the component's sha256
//! recorded in the staged manifest:
//!
//! * first-party plugins → `target/plugins/<name>/`, where the `ralex` binary finds
//!   them (it looks in `<dir of the binary>/../plugins`);
//! * test guests → `target/test-plugins/<name>/`, used only by tests.
//!
//! Each plugin is built by its own cargo invocation: `ralex-sdk` selects the world
//! with a cargo feature, and building plugins together would unify the features.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

/// A guest crate to build: its folder (relative to the workspace root), its
/// package name, and where it is staged.
struct Guest {
    dir: &'static str,
    package: &'static str,
    staging: &'static str,
}

const GUESTS: &[Guest] = &[
    Guest {
        dir: "plugins/command-parser",
        package: "command-parser",
        staging: "plugins",
    },
    Guest {
        dir: "plugins/model-router",
        package: "model-router",
        staging: "plugins",
    },
    Guest {
        dir: "plugins/agent",
        package: "agent",
        staging: "plugins",
    },
    Guest {
        dir: "plugins/prompt-enhancer",
        package: "prompt-enhancer",
        staging: "plugins",
    },
    Guest {
        dir: "plugins/context-compressor",
        package: "context-compressor",
        staging: "plugins",
    },
    Guest {
        dir: "plugins/test-plugins/hostile",
        package: "test-plugin-hostile",
        staging: "test-plugins",
    },
    Guest {
        dir: "plugins/test-plugins/foreign-world",
        package: "test-plugin-foreign-world",
        staging: "test-plugins",
    },
    Guest {
        dir: "plugins/test-plugins/intruder",
        package: "test-plugin-intruder",
        staging: "test-plugins",
    },
];

const TARGET: &str = "wasm32-wasip2";
const PROFILE: &str = "plugin";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("plugins") => build_plugins(&args[1..]),
        _ => {
            eprintln!("usage: cargo xtask plugins [--only PACKAGE]");
            std::process::exit(2);
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("xtask lives at kernel/xtask inside the workspace")
        .to_path_buf()
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

fn build_plugins(args: &[String]) -> Result<()> {
    let only = match args {
        [] => None,
        [flag, package] if flag == "--only" => Some(package.as_str()),
        _ => bail!("usage: cargo xtask plugins [--only PACKAGE]"),
    };
    ensure_target()?;
    let root = workspace_root();
    let target = target_dir(&root);
    for guest in GUESTS
        .iter()
        .filter(|g| only.is_none_or(|o| o == g.package))
    {
        build_one(&root, &target, guest)?;
    }
    Ok(())
}

fn ensure_target() -> Result<()> {
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    match out {
        Ok(out)
            if String::from_utf8_lossy(&out.stdout)
                .lines()
                .any(|l| l.trim() == TARGET) =>
        {
            Ok(())
        }
        Ok(_) => bail!("the `{TARGET}` target is not installed; run `rustup target add {TARGET}`"),
        // Without rustup (a distro toolchain) let cargo report what is missing.
        Err(_) => Ok(()),
    }
}

fn build_one(root: &Path, target: &Path, guest: &Guest) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    eprintln!("building plugin {} for {TARGET}", guest.package);
    let status = Command::new(cargo)
        .current_dir(root)
        .args([
            "build",
            "--quiet",
            "-p",
            guest.package,
            "--target",
            TARGET,
            "--profile",
            PROFILE,
        ])
        .status()
        .with_context(|| format!("cannot run cargo to build {}", guest.package))?;
    if !status.success() {
        bail!("building plugin {} failed", guest.package);
    }
    let manifest_src = root.join(guest.dir).join("plugin.toml");
    let manifest = std::fs::read_to_string(&manifest_src)
        .with_context(|| format!("cannot read {}", manifest_src.display()))?;
    let component_name = component_file(&manifest).with_context(|| {
        format!(
            "{}: cannot find `component = \"...\"`",
            manifest_src.display()
        )
    })?;
    let artifact = target
        .join(TARGET)
        .join(PROFILE)
        .join(format!("{}.wasm", guest.package.replace('-', "_")));
    let bytes = std::fs::read(&artifact)
        .with_context(|| format!("cannot read built component {}", artifact.display()))?;
    let digest = hex::encode(Sha256::digest(&bytes));
    let name = plugin_name(&manifest)
        .with_context(|| format!("{}: cannot find `name = \"...\"`", manifest_src.display()))?;
    let stage = target.join(guest.staging).join(&name);
    std::fs::create_dir_all(&stage)
        .with_context(|| format!("cannot create {}", stage.display()))?;
    std::fs::write(stage.join(&component_name), &bytes)?;
    std::fs::write(stage.join("plugin.toml"), stamp_digest(&manifest, &digest))?;
    eprintln!(
        "  staged {} ({} KiB, sha256 {}…) in {}",
        name,
        bytes.len() / 1024,
        &digest[..12],
        stage.display()
    );
    Ok(())
}

/// The manifest with `sha256 = "<digest>"` in its `[plugin]` table (replacing any).
fn stamp_digest(manifest: &str, digest: &str) -> String {
    let mut out = String::with_capacity(manifest.len() + 80);
    for line in manifest.lines() {
        if line.trim_start().starts_with("sha256") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
        if line.trim() == "[plugin]" {
            out.push_str(&format!("sha256 = \"{digest}\"\n"));
        }
    }
    out
}

fn string_field(manifest: &str, key: &str) -> Option<String> {
    let table: toml::Table = manifest.parse().ok()?;
    table.get("plugin")?.get(key)?.as_str().map(str::to_string)
}

fn component_file(manifest: &str) -> Option<String> {
    string_field(manifest, "component")
}

fn plugin_name(manifest: &str) -> Option<String> {
    string_field(manifest, "name")
}
