//! Opening what `ralex plugin install SRC` was given — a plugin folder, or a
//! `.wasm` with its `plugin.toml` beside it — and checking it: the manifest
//! parses, the component's digest is the one the manifest records, the world is
//! one this kernel runs, and what the signature says.

use std::path::{Path, PathBuf};

use ralex_manifest::Manifest;

use crate::digest::file_sha256;
use crate::error::PackageError;
use crate::keys::TrustedKeys;
use crate::signature::{SIGNATURE_FILE, SignatureStatus, check};

/// A checked plugin, ready to install.
#[derive(Debug, Clone)]
pub struct Package {
    /// The folder it is in.
    pub dir: PathBuf,
    /// Its manifest file.
    pub manifest_path: PathBuf,
    /// Its component file.
    pub component_path: PathBuf,
    /// The manifest.
    pub manifest: Manifest,
    /// sha256 of the manifest file.
    pub manifest_sha256: String,
    /// sha256 of the component.
    pub component_sha256: String,
    /// Its signature.
    pub signature: SignatureStatus,
}

impl Package {
    /// Whether a signature file comes with it.
    pub fn signature_path(&self) -> Option<PathBuf> {
        let path = self.dir.join(SIGNATURE_FILE);
        path.exists().then_some(path)
    }
}

/// Which worlds the kernel runs, for the check (a name like
/// `ralex:plugin/code-analyzer@0.1.0` → runnable?) and the message.
pub struct Worlds<'a> {
    /// Whether the kernel runs this world.
    pub known: &'a dyn Fn(&ralex_manifest::WorldRef) -> bool,
    /// The worlds it runs, for messages.
    pub supported: String,
}

/// Opens and checks the plugin at `src`.
pub fn open(
    src: &Path,
    worlds: &Worlds<'_>,
    trusted: &TrustedKeys,
) -> Result<Package, PackageError> {
    let manifest_path = if src.is_dir() {
        let path = src.join("plugin.toml");
        if !path.is_file() {
            return Err(PackageError::Source(format!(
                "{} has no plugin.toml; give a plugin folder, or a .wasm with its plugin.toml beside it",
                src.display()
            )));
        }
        path
    } else if src.extension().is_some_and(|e| e == "wasm") && src.is_file() {
        let path = src.parent().unwrap_or(Path::new(".")).join("plugin.toml");
        if !path.is_file() {
            return Err(PackageError::Source(format!(
                "{} has no plugin.toml beside it; a component needs its manifest to be installed",
                src.display()
            )));
        }
        path
    } else if !src.exists() {
        return Err(PackageError::Source(format!(
            "{} does not exist",
            src.display()
        )));
    } else {
        return Err(PackageError::Source(format!(
            "{} is neither a plugin folder (with plugin.toml) nor a .wasm component",
            src.display()
        )));
    };
    let manifest = ralex_manifest::load(&manifest_path)?;
    let dir = manifest_path
        .parent()
        .unwrap_or(Path::new("."))
        .to_path_buf();
    if src.is_file()
        && src.file_name().and_then(|n| n.to_str()) != Some(manifest.plugin.component.as_str())
    {
        return Err(PackageError::Source(format!(
            "{} is not the component plugin.toml names (`{}`)",
            src.display(),
            manifest.plugin.component
        )));
    }
    let component_path = dir.join(&manifest.plugin.component);
    let component_sha256 = file_sha256(&component_path)?;
    match &manifest.plugin.sha256 {
        None => {
            return Err(PackageError::Source(format!(
                "{} records no sha256 of its component, so its integrity cannot be checked; its publisher should add `sha256 = \"…\"` under [plugin] (`ralex plugin sign` says the value)",
                manifest_path.display()
            )));
        }
        Some(expected) if *expected != component_sha256 => {
            return Err(PackageError::WrongDigest {
                component: component_path,
                expected: expected.clone(),
                actual: component_sha256,
            });
        }
        Some(_) => {}
    }
    if !(worlds.known)(&manifest.plugin.world) {
        return Err(PackageError::UnknownWorld {
            plugin: manifest.plugin.name.clone(),
            world: manifest.plugin.world.to_string(),
            supported: worlds.supported.clone(),
        });
    }
    let manifest_sha256 = file_sha256(&manifest_path)?;
    let signature = check(
        &manifest.plugin.name,
        &dir,
        &manifest.plugin.publisher,
        &component_sha256,
        &manifest_sha256,
        trusted,
    )?;
    Ok(Package {
        dir,
        manifest_path,
        component_path,
        manifest,
        manifest_sha256,
        component_sha256,
        signature,
    })
}
