//! `ralex plugin new NAME [--world W]`: a ready-to-build plugin project from the
//! SDK template (`kernel/ralex/templates/`), anywhere on disk; and building such
//! a project for `ralex plugin install .` (cargo for `wasm32-wasip2`, then the
//! component's digest recorded in plugin.toml).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;

use crate::exit::{self, CliError, CliResult};

/// The worlds with a template: (world, plugin.toml, lib.rs, extra dependencies).
const TEMPLATES: &[(&str, &str, &str, &str)] = &[
    (
        "workflow-step",
        include_str!("../../templates/workflow-step/plugin.toml"),
        include_str!("../../templates/workflow-step/lib.rs"),
        "serde_json = \"1\"\n",
    ),
    (
        "code-analyzer",
        include_str!("../../templates/code-analyzer/plugin.toml"),
        include_str!("../../templates/code-analyzer/lib.rs"),
        "",
    ),
    (
        "command-parser",
        include_str!("../../templates/command-parser/plugin.toml"),
        include_str!("../../templates/command-parser/lib.rs"),
        "",
    ),
];
const CARGO_TOML: &str = include_str!("../../templates/common/Cargo.toml");
const README: &str = include_str!("../../templates/common/README.md");
const GITIGNORE: &str = include_str!("../../templates/common/gitignore");

/// The SDK folder: `--sdk`, `$RALEX_SDK`, or beside the binary.
fn find_sdk(given: Option<&Path>) -> Result<PathBuf, CliError> {
    let candidates: Vec<PathBuf> = match given {
        Some(dir) => vec![dir.to_path_buf()],
        None => {
            let mut c = Vec::new();
            if let Some(dir) = std::env::var_os("RALEX_SDK").filter(|v| !v.is_empty()) {
                c.push(PathBuf::from(dir));
            }
            if let Some(exe_dir) = std::env::current_exe()
                .ok()
                .and_then(|e| e.parent().map(Path::to_path_buf))
            {
                c.push(exe_dir.join("sdk"));
                c.push(exe_dir.join("../sdk"));
                c.push(exe_dir.join("../../sdk"));
            }
            c
        }
    };
    candidates
        .into_iter()
        .find(|d| d.join("Cargo.toml").is_file() && d.join("../wit/worlds.wit").is_file())
        .map(|d| d.canonicalize().unwrap_or(d))
        .ok_or_else(|| {
            CliError::usage("cannot find the Ralex SDK (a folder `sdk` with `../wit` beside it); pass --sdk DIR or set RALEX_SDK")
        })
}

fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    vars.iter().fold(template.to_string(), |text, (k, v)| {
        text.replace(&format!("{{{{{k}}}}}"), v)
    })
}

/// Run `ralex plugin new`.
pub fn new(
    name: &str,
    world: &str,
    dir: Option<&Path>,
    publisher: &str,
    sdk: Option<&Path>,
) -> CliResult {
    let kebab = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && name.starts_with(|c: char| c.is_ascii_lowercase());
    if !kebab {
        return Err(CliError::usage(format!(
            "`{name}` is not a plugin name: use lowercase letters, digits and dashes, starting with a letter"
        )));
    }
    let Some((_, manifest, lib, deps)) = TEMPLATES.iter().find(|(w, ..)| *w == world) else {
        let worlds: Vec<&str> = TEMPLATES.iter().map(|(w, ..)| *w).collect();
        return Err(CliError::usage(format!(
            "there is no template for world `{world}`; the templates are: {}",
            worlds.join(", ")
        )));
    };
    let sdk = find_sdk(sdk)?;
    let parent = match dir {
        Some(d) => d.to_path_buf(),
        None => std::env::current_dir().context("cannot read the current directory")?,
    };
    let root = parent.join(name);
    if root.exists() {
        return Err(CliError::usage(format!(
            "{} already exists; pick another name or folder",
            root.display()
        )));
    }
    let crate_name = name.replace('-', "_");
    let sdk_text = sdk.display().to_string();
    let vars = [
        ("name", name),
        ("crate", crate_name.as_str()),
        ("world", world),
        ("publisher", publisher),
        ("sdk", sdk_text.as_str()),
        ("deps", deps),
    ];
    std::fs::create_dir_all(root.join("src"))
        .with_context(|| format!("cannot create {}", root.display()))?;
    for (file, text) in [
        ("Cargo.toml", CARGO_TOML),
        ("plugin.toml", manifest),
        ("src/lib.rs", lib),
        ("README.md", README),
        (".gitignore", GITIGNORE),
    ] {
        std::fs::write(root.join(file), fill(text, &vars))
            .with_context(|| format!("cannot write {file}"))?;
    }
    println!("created {} (world {world})", root.display());
    println!(
        "build and install it: cd {} && ralex plugin install . --trust --yes",
        root.display()
    );
    Ok(exit::OK)
}

/// Builds the plugin project in `dir` for wasm32-wasip2, copies the component
/// beside plugin.toml and records its sha256 there.
pub fn build(dir: &Path) -> Result<(), CliError> {
    let cargo_toml: toml::Table = toml::from_str(
        &std::fs::read_to_string(dir.join("Cargo.toml")).context("cannot read Cargo.toml")?,
    )
    .map_err(|e| CliError::usage(format!("Cargo.toml does not parse: {e}")))?;
    let package = cargo_toml
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .ok_or_else(|| CliError::usage("Cargo.toml has no [package] name"))?
        .replace('-', "_");
    let manifest_path = dir.join("plugin.toml");
    let manifest =
        ralex_manifest::load(&manifest_path).map_err(|e| CliError::usage(e.to_string()))?;
    eprintln!("building {} for wasm32-wasip2 …", manifest.plugin.name);
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["build", "--release", "--target", "wasm32-wasip2"])
        .current_dir(dir)
        .status()
        .context("cannot run cargo (is Rust installed?)")?;
    if !status.success() {
        return Err(anyhow::anyhow!(
            "the build failed (see above); if the target is missing: rustup target add wasm32-wasip2"
        )
        .into());
    }
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| dir.join("target"));
    let built = target_dir.join(format!("wasm32-wasip2/release/{package}.wasm"));
    let component = dir.join(&manifest.plugin.component);
    std::fs::copy(&built, &component)
        .with_context(|| format!("cannot copy {}", built.display()))?;
    let digest = ralex_manifest::sha256_hex(
        &std::fs::read(&component).context("cannot read the component")?,
    );
    let text = std::fs::read_to_string(&manifest_path).context("cannot read plugin.toml")?;
    std::fs::write(&manifest_path, with_sha256(&text, &digest))
        .context("cannot write plugin.toml")?;
    Ok(())
}

/// `text` (a plugin.toml) with `sha256 = "digest"` in its [plugin] table.
fn with_sha256(text: &str, digest: &str) -> String {
    let mut out = String::new();
    let mut in_plugin = false;
    let mut done = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            if in_plugin && !done {
                out.push_str(&format!("sha256 = \"{digest}\"\n"));
                done = true;
            }
            in_plugin = trimmed.starts_with("[plugin]");
        }
        if in_plugin && trimmed.starts_with("sha256") {
            if !done {
                out.push_str(&format!("sha256 = \"{digest}\"\n"));
                done = true;
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    if !done {
        out.push_str(&format!("sha256 = \"{digest}\"\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_goes_into_the_plugin_table() {
        let text = "[plugin]\nname = \"x\"\n\n[permissions]\nkv = false\n";
        let out = with_sha256(text, "ab");
        assert_eq!(
            out,
            "[plugin]\nname = \"x\"\n\nsha256 = \"ab\"\n[permissions]\nkv = false\n"
        );
        assert_eq!(with_sha256(&out, "cd").matches("sha256").count(), 1);
        assert!(with_sha256(&out, "cd").contains("sha256 = \"cd\""));
    }

    #[test]
    fn templates_fill_every_placeholder() {
        for (world, manifest, lib, deps) in TEMPLATES {
            let vars = [
                ("name", "my-step"),
                ("crate", "my_step"),
                ("world", *world),
                ("publisher", "me"),
                ("sdk", "/sdk"),
                ("deps", *deps),
            ];
            for text in [*manifest, *lib, CARGO_TOML, README] {
                let filled = fill(text, &vars);
                assert!(!filled.contains("{{"), "{world}: {filled}");
            }
            let m = fill(manifest, &vars);
            assert!(
                ralex_manifest::parse(&m, Path::new("plugin.toml")).is_ok(),
                "{world}"
            );
        }
    }
}
