//! Team bundles: one signed file holding plugins, policies and workflows, with a
//! lockfile naming every file's digest, each plugin's world and signer, and the
//! WIT version — signed as a whole by the team's key.
//!
//! Owns: [`pack`] (a folder → a bundle file), [`Bundle::read`] (a bundle file →
//! its checked contents: every path safe, every file in the lockfile and
//! matching its digest, nothing extra, the signature over the lockfile valid)
//! and [`Bundle::extract`].
//!
//! The folder `pack` reads:
//!
//! ```text
//! bundle.toml                 [bundle] name, version, publisher, description
//! plugins/<name>/plugin.toml  (+ its component, + plugin.sig if signed)
//! policies/*.cedar
//! workflows/*.yaml
//! ```
//!
//! The file is a tar archive of those plus `bundle.lock` and `bundle.sig`.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use ed25519_dalek::{Signature as EdSignature, Signer, Verifier};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::PackageError;
use crate::keys::{KeyPair, TrustedKeys, public_key};

/// The WIT package version this kernel's bundles are made for.
pub const WIT_VERSION: &str = "ralex:plugin@0.1.0";

/// Largest bundle file read (a bundle is plugins and text).
pub(crate) const MAX_BUNDLE_BYTES: u64 = 256 * 1024 * 1024;

/// `bundle.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleToml {
    /// The `[bundle]` table.
    pub bundle: BundleInfo,
}

/// What a bundle is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleInfo {
    /// Its name (kebab-case).
    pub name: String,
    /// Its version.
    pub version: String,
    /// The team that publishes it (its key signs the bundle).
    pub publisher: String,
    /// What it is for.
    #[serde(default)]
    pub description: String,
}

/// `bundle.lock`: every file and its digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    /// Format version (1).
    pub version: u32,
    /// The WIT package the plugins are built against.
    pub wit: String,
    /// The plugins.
    #[serde(default)]
    pub plugins: Vec<LockedPlugin>,
    /// Every file but `bundle.lock` and `bundle.sig`, with its sha256.
    pub files: BTreeMap<String, String>,
}

/// One plugin of the lockfile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedPlugin {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Its world, as in plugin.toml.
    pub world: String,
    /// Its manifest's path in the bundle.
    pub manifest: String,
    /// The manifest's sha256.
    pub manifest_sha256: String,
    /// Its component's path in the bundle.
    pub component: String,
    /// The component's sha256.
    pub component_sha256: String,
    /// The key of its own signature (hex), if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
}

/// `bundle.sig`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BundleSig {
    version: u32,
    publisher: String,
    public_key: String,
    lock_sha256: String,
    signature: String,
}

fn message(publisher: &str, lock_sha256: &str) -> Vec<u8> {
    format!("ralex-bundle-signature-v1\n{publisher}\n{lock_sha256}\n").into_bytes()
}

/// A bundle's name is a folder name under `$RALEX_HOME`: kebab-case only.
fn check_info(info: &BundleInfo) -> Result<(), PackageError> {
    let name_ok = !info.name.is_empty()
        && info.name.len() <= 64
        && info
            .name
            .starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && info
            .name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !name_ok {
        return Err(invalid(format!(
            "`{}` is not a bundle name: use lowercase letters, digits and dashes",
            info.name
        )));
    }
    if !crate::keys::valid_publisher(&info.publisher) {
        return Err(invalid(format!(
            "`{}` is not a publisher name: use letters, digits, `.`, `_` and `-`",
            info.publisher
        )));
    }
    Ok(())
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn invalid(why: impl Into<String>) -> PackageError {
    PackageError::Bundle(why.into())
}

/// Files of a folder, by relative path with `/`, sorted.
fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, PathBuf>) -> Result<(), PackageError> {
    let entries = std::fs::read_dir(dir).map_err(PackageError::io("cannot read", dir))?;
    for entry in entries {
        let entry = entry.map_err(PackageError::io("cannot read", dir))?;
        let path = entry.path();
        let kind = entry
            .file_type()
            .map_err(PackageError::io("cannot read", &path))?;
        if kind.is_symlink() {
            return Err(invalid(format!(
                "{} is a symbolic link; a bundle holds plain files only",
                path.display()
            )));
        } else if kind.is_dir() {
            walk(root, &path, out)?;
        } else {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.insert(rel, path);
        }
    }
    Ok(())
}

/// Whether `path` may be in a bundle (and where).
fn allowed(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        ["bundle.toml" | "bundle.lock" | "bundle.sig"] => true,
        ["plugins", name, _file] => !name.is_empty(),
        ["policies", file] => file.ends_with(".cedar"),
        ["workflows", file] => file.ends_with(".yaml") || file.ends_with(".yml"),
        _ => false,
    }
}

/// Packs the bundle folder `dir` into `out`, signed with `key`. Returns the lockfile.
pub fn pack(dir: &Path, out: &Path, key: &KeyPair) -> Result<Lock, PackageError> {
    let info_path = dir.join("bundle.toml");
    let info_text = std::fs::read_to_string(&info_path).map_err(|_| {
        invalid(format!(
            "{} has no bundle.toml; write one with [bundle] name, version, publisher",
            dir.display()
        ))
    })?;
    let info: BundleToml =
        toml::from_str(&info_text).map_err(|e| invalid(format!("{}: {e}", info_path.display())))?;
    check_info(&info.bundle)?;
    let mut files = BTreeMap::new();
    walk(dir, dir, &mut files)?;
    files.retain(|rel, _| rel != "bundle.lock" && rel != "bundle.sig");
    if let Some(bad) = files.keys().find(|rel| !allowed(rel)) {
        return Err(invalid(format!(
            "{bad} does not belong in a bundle: it holds bundle.toml, plugins/<name>/…, policies/*.cedar and workflows/*.yaml"
        )));
    }
    let mut contents = BTreeMap::new();
    for (rel, path) in &files {
        contents.insert(
            rel.clone(),
            std::fs::read(path).map_err(PackageError::io("cannot read", path))?,
        );
    }
    let mut plugins = Vec::new();
    for (rel, bytes) in &contents {
        let Some(name) = rel
            .strip_prefix("plugins/")
            .and_then(|r| r.strip_suffix("/plugin.toml"))
        else {
            continue;
        };
        let text = String::from_utf8_lossy(bytes);
        let manifest = ralex_manifest::parse(&text, Path::new(rel))?;
        let component = format!("plugins/{name}/{}", manifest.plugin.component);
        let component_bytes = contents.get(&component).ok_or_else(|| {
            invalid(format!(
                "{rel} names component {component}, which is not in the folder"
            ))
        })?;
        let component_sha256 = sha(component_bytes);
        if manifest.plugin.sha256.as_deref() != Some(component_sha256.as_str()) {
            return Err(invalid(format!(
                "{rel} does not record the sha256 of {component} ({component_sha256}); the plugin is not the one its manifest describes"
            )));
        }
        let signer = contents
            .get(&format!("plugins/{name}/plugin.sig"))
            .and_then(|b| {
                toml::from_str::<crate::signature::SignatureFile>(&String::from_utf8_lossy(b)).ok()
            })
            .map(|s| s.public_key);
        plugins.push(LockedPlugin {
            name: manifest.plugin.name.clone(),
            version: manifest.plugin.version.clone(),
            world: manifest.plugin.world.to_string(),
            manifest: rel.clone(),
            manifest_sha256: sha(bytes),
            component,
            component_sha256,
            signer,
        });
    }
    let lock = Lock {
        version: 1,
        wit: WIT_VERSION.to_string(),
        plugins,
        files: contents.iter().map(|(k, v)| (k.clone(), sha(v))).collect(),
    };
    let lock_text = toml::to_string(&lock).map_err(|e| invalid(e.to_string()))?;
    let lock_sha256 = sha(lock_text.as_bytes());
    let publisher = info.bundle.publisher.clone();
    let signature = key.signing().sign(&message(&publisher, &lock_sha256));
    let sig = BundleSig {
        version: 1,
        publisher,
        public_key: key.public_hex(),
        lock_sha256,
        signature: hex::encode(signature.to_bytes()),
    };
    let sig_text = toml::to_string(&sig).map_err(|e| invalid(e.to_string()))?;
    let tmp = out.with_extension("partial");
    let file = std::fs::File::create(&tmp).map_err(PackageError::io("cannot create", &tmp))?;
    let mut tar = tar::Builder::new(file);
    let mut add = |rel: &str, bytes: &[u8]| -> Result<(), PackageError> {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_cksum();
        tar.append_data(&mut header, rel, bytes)
            .map_err(PackageError::io("cannot write", &tmp))
    };
    add("bundle.lock", lock_text.as_bytes())?;
    add("bundle.sig", sig_text.as_bytes())?;
    for (rel, bytes) in &contents {
        add(rel, bytes)?;
    }
    tar.into_inner()
        .and_then(|f| f.sync_all())
        .map_err(PackageError::io("cannot write", &tmp))?;
    std::fs::rename(&tmp, out).map_err(PackageError::io("cannot write", out))?;
    Ok(lock)
}

/// A bundle, read and checked.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// `bundle.toml`.
    pub info: BundleInfo,
    /// The lockfile.
    pub lock: Lock,
    /// The signing key (hex).
    pub signer: String,
    /// Whether the user trusts that key for the bundle's publisher.
    pub trusted: bool,
    /// sha256 of the bundle file itself.
    pub sha256: String,
    files: BTreeMap<String, Vec<u8>>,
}

impl Bundle {
    /// Reads and checks the bundle file at `path`.
    pub fn read(path: &Path, trusted: &TrustedKeys) -> Result<Bundle, PackageError> {
        let meta = std::fs::metadata(path).map_err(PackageError::io("cannot read", path))?;
        if meta.len() > MAX_BUNDLE_BYTES {
            return Err(invalid(format!(
                "{} is {} bytes, more than a bundle may be",
                path.display(),
                meta.len()
            )));
        }
        let bytes = std::fs::read(path).map_err(PackageError::io("cannot read", path))?;
        Bundle::from_bytes(&bytes, trusted)
    }

    /// Checks a bundle given as bytes.
    pub fn from_bytes(bytes: &[u8], trusted: &TrustedKeys) -> Result<Bundle, PackageError> {
        let mut files = BTreeMap::new();
        let mut archive = tar::Archive::new(bytes);
        let entries = archive
            .entries()
            .map_err(|e| invalid(format!("not a bundle (a tar archive): {e}")))?;
        for entry in entries {
            let mut entry = entry.map_err(|e| invalid(format!("the archive is damaged: {e}")))?;
            if !entry.header().entry_type().is_file() {
                return Err(invalid(
                    "the bundle holds something that is not a plain file (a link or a device)",
                ));
            }
            let path = entry
                .path()
                .map_err(|e| invalid(format!("a path in the bundle is unreadable: {e}")))?
                .into_owned();
            let safe = path.components().all(|c| matches!(c, Component::Normal(_)));
            let rel = path.to_string_lossy().replace('\\', "/");
            if !safe || !allowed(&rel) {
                return Err(invalid(format!(
                    "`{rel}` may not be in a bundle (outside its folders, or an unsafe path)"
                )));
            }
            let mut content = Vec::new();
            entry
                .read_to_end(&mut content)
                .map_err(|e| invalid(format!("{rel}: {e}")))?;
            if files.insert(rel.clone(), content).is_some() {
                return Err(invalid(format!("`{rel}` is in the bundle twice")));
            }
        }
        let text = |name: &str| -> Result<String, PackageError> {
            files
                .get(name)
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .ok_or_else(|| invalid(format!("the bundle has no {name}")))
        };
        let lock_text = text("bundle.lock")?;
        let sig: BundleSig = toml::from_str(&text("bundle.sig")?)
            .map_err(|e| invalid(format!("bundle.sig does not parse: {e}")))?;
        let info: BundleToml = toml::from_str(&text("bundle.toml")?)
            .map_err(|e| invalid(format!("bundle.toml does not parse: {e}")))?;
        check_info(&info.bundle)?;
        // The signature covers the lockfile; the lockfile covers every file.
        let lock_sha256 = sha(lock_text.as_bytes());
        if sig.lock_sha256 != lock_sha256 {
            return Err(invalid(
                "bundle.lock was changed after the bundle was signed",
            ));
        }
        if sig.publisher != info.bundle.publisher {
            return Err(invalid(format!(
                "bundle.sig was made for publisher `{}`, but bundle.toml says `{}`",
                sig.publisher, info.bundle.publisher
            )));
        }
        let key = public_key(&sig.public_key).map_err(invalid)?;
        let signature: [u8; 64] = hex::decode(&sig.signature)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| invalid("bundle.sig's signature is not 64 bytes of hex"))?;
        key.verify(
            &message(&sig.publisher, &lock_sha256),
            &EdSignature::from_bytes(&signature),
        )
        .map_err(|_| {
            invalid("the bundle's signature does not match the key it names (swapped or forged)")
        })?;
        let lock: Lock = toml::from_str(&lock_text)
            .map_err(|e| invalid(format!("bundle.lock does not parse: {e}")))?;
        if lock.wit != WIT_VERSION {
            return Err(invalid(format!(
                "the bundle is built against {}, this kernel runs {WIT_VERSION}",
                lock.wit
            )));
        }
        for (rel, digest) in &lock.files {
            let Some(content) = files.get(rel) else {
                return Err(invalid(format!(
                    "{rel} is in the lockfile but missing from the bundle"
                )));
            };
            let actual = sha(content);
            if &actual != digest {
                return Err(invalid(format!(
                    "lockfile mismatch: {rel} has sha256 {actual}, the lockfile says {digest}"
                )));
            }
        }
        if let Some(extra) = files.keys().find(|rel| {
            !lock.files.contains_key(*rel) && !matches!(rel.as_str(), "bundle.lock" | "bundle.sig")
        }) {
            return Err(invalid(format!(
                "{extra} is in the bundle but not in its lockfile"
            )));
        }
        for p in &lock.plugins {
            let consistent = lock.files.get(&p.manifest) == Some(&p.manifest_sha256)
                && lock.files.get(&p.component) == Some(&p.component_sha256);
            if !consistent {
                return Err(invalid(format!(
                    "lockfile mismatch: the digests of plugin `{}` disagree with its files",
                    p.name
                )));
            }
        }
        let signer = sig.public_key.to_lowercase();
        let trusted = trusted.of(&info.bundle.publisher).contains(&signer);
        Ok(Bundle {
            info: info.bundle,
            lock,
            signer,
            trusted,
            sha256: sha(bytes),
            files,
        })
    }

    /// Writes the bundle's files into `dir` (which must be empty or missing).
    pub fn extract(&self, dir: &Path) -> Result<(), PackageError> {
        for (rel, bytes) in &self.files {
            let path = dir.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(PackageError::io("cannot create", parent))?;
            }
            std::fs::write(&path, bytes).map_err(PackageError::io("cannot write", &path))?;
        }
        Ok(())
    }

    /// The files of one kind (`policies/`, `workflows/`), by path.
    pub fn files_under(&self, prefix: &str) -> Vec<(&str, &[u8])> {
        self.files
            .iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.as_str(), v.as_slice()))
            .collect()
    }
}
