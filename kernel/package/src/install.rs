//! Installing and removing plugins in `$RALEX_HOME/plugins/<name>/`, with the
//! grant written as policy in `$RALEX_HOME/policies/grants/<name>.cedar`,
//! pinned to the component's digest.
//!
//! Owns: [`Installer`] (plan → install, remove), the install receipt
//! (`install.toml`: digests, signer, how it was trusted) and
//! [`verify_installed`], which checks an installed copy again each time it is
//! loaded.
//!
//! All or nothing: the new files are staged in a sibling folder and swapped in
//! by rename; the grant is written (atomically) after the swap and the old
//! version is put back if that fails. A refused install leaves nothing behind.

use std::path::{Path, PathBuf};

use ralex_manifest::Manifest;
use serde::{Deserialize, Serialize};

use crate::digest::file_sha256;
use crate::error::PackageError;
use crate::keys::TrustedKeys;
use crate::permissions::{self, Diff};
use crate::signature::{SIGNATURE_FILE, SignatureStatus, check};
use crate::source::Package;

/// The receipt's file name, in the installed plugin's folder.
pub const RECEIPT_FILE: &str = "install.toml";

/// What `install.toml` records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// Where it was installed from.
    pub source: String,
    /// The publisher.
    pub publisher: String,
    /// sha256 of the component.
    pub component_sha256: String,
    /// sha256 of `plugin.toml`.
    pub manifest_sha256: String,
    /// The key that signed it (hex), if signed.
    pub signed_by: Option<String>,
    /// Installed without a trusted signature because the person said so.
    pub trusted_explicitly: bool,
}

/// Where plugins and grants go.
#[derive(Debug, Clone)]
pub struct Installer {
    /// `$RALEX_HOME/plugins`.
    pub plugins_dir: PathBuf,
    /// `$RALEX_HOME/policies/grants`.
    pub grants_dir: PathBuf,
    /// `$RALEX_HOME/policies/publishers`.
    pub trusted: TrustedKeys,
}

/// What installing a package would do.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The package.
    pub package: Package,
    /// The installed version's manifest, when this is an update.
    pub previous: Option<Manifest>,
    /// The permission diff against the installed version (all added for a new one).
    pub diff: Diff,
}

/// The person's answers to what an install asks.
#[derive(Debug, Clone, Copy, Default)]
pub struct Consent {
    /// Trust this publisher's key (or this unsigned build) explicitly.
    pub trust: bool,
    /// Accept the permissions shown, including more than the installed version had.
    pub accept: bool,
    /// Add a trusted-by-consent signing key to the publisher's trusted keys
    /// (`ralex plugin install --trust`); a bundle vouching for its plugins does not.
    pub remember: bool,
}

impl Installer {
    /// What installing `package` would change.
    pub fn plan(&self, package: Package) -> Plan {
        let previous = ralex_manifest::load(
            &self
                .plugins_dir
                .join(&package.manifest.plugin.name)
                .join("plugin.toml"),
        )
        .ok();
        let diff = permissions::diff(
            previous
                .as_ref()
                .map(|m| &m.permissions)
                .unwrap_or(&Default::default()),
            &package.manifest.permissions,
        );
        Plan {
            package,
            previous,
            diff,
        }
    }

    /// Installs `plan`: refused (nothing written) without trust or consent.
    pub fn install(&self, plan: &Plan, consent: Consent) -> Result<PathBuf, PackageError> {
        let package = &plan.package;
        let name = &package.manifest.plugin.name;
        let publisher = &package.manifest.plugin.publisher;
        if !crate::keys::valid_publisher(publisher) {
            return Err(PackageError::Source(format!(
                "`{name}` names publisher `{publisher}`; publisher names are letters, digits, `.`, `_` and `-`"
            )));
        }
        let (signed_by, trusted_explicitly) = match &package.signature {
            SignatureStatus::Trusted { key } => (Some(key.clone()), false),
            SignatureStatus::UnknownKey { key } if consent.trust => (Some(key.clone()), true),
            SignatureStatus::UnknownKey { key } => {
                return Err(PackageError::Untrusted(format!(
                    "`{name}` is signed by key {} of publisher `{publisher}`, which you do not trust; nothing was installed. If that is really {publisher}'s key, install with --trust (it is then added to policies/publishers/{publisher}.pub)",
                    short(key)
                )));
            }
            SignatureStatus::Unsigned if consent.trust => (None, true),
            SignatureStatus::Unsigned => {
                return Err(PackageError::Untrusted(format!(
                    "`{name}` from publisher `{publisher}` is not signed, so nothing says who built it; nothing was installed. Install it with --trust only if you trust where it came from"
                )));
            }
        };
        if plan.previous.is_some() && plan.diff.widens() && !consent.accept {
            return Err(PackageError::Widened(format!(
                "this version of `{name}` asks for more than the installed one ({}); the grant is not carried over, and nothing was changed. Read the diff, then confirm (or pass --yes)",
                plan.diff
                    .added
                    .iter()
                    .map(|a| format!("+ {a}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        if !consent.accept {
            return Err(PackageError::Widened(format!(
                "installing `{name}` grants it what it asks for; confirm (or pass --yes) to go on. Nothing was installed"
            )));
        }
        std::fs::create_dir_all(&self.plugins_dir)
            .map_err(PackageError::io("cannot create", &self.plugins_dir))?;
        let stage = self.plugins_dir.join(format!(".staging-{name}"));
        let _ = std::fs::remove_dir_all(&stage);
        let staged = self.stage(package, &stage, signed_by.clone(), trusted_explicitly);
        if let Err(e) = staged {
            let _ = std::fs::remove_dir_all(&stage);
            return Err(e);
        }
        let target = self.plugins_dir.join(name);
        let old = self.plugins_dir.join(format!(".old-{name}"));
        let _ = std::fs::remove_dir_all(&old);
        let had_old = target.exists();
        if had_old {
            std::fs::rename(&target, &old)
                .map_err(PackageError::io("cannot move aside", &target))?;
        }
        if let Err(e) = std::fs::rename(&stage, &target) {
            if had_old {
                let _ = std::fs::rename(&old, &target);
            }
            let _ = std::fs::remove_dir_all(&stage);
            return Err(PackageError::io("cannot install into", &target)(e));
        }
        if let Err(e) = self.write_grant(&package.manifest, &package.component_sha256) {
            let _ = std::fs::remove_dir_all(&target);
            if had_old {
                let _ = std::fs::rename(&old, &target);
            }
            return Err(e);
        }
        if let (true, true, Some(key)) = (consent.remember, trusted_explicitly, &signed_by) {
            self.trusted.trust(publisher, key)?;
        }
        let _ = std::fs::remove_dir_all(&old);
        Ok(target)
    }

    fn stage(
        &self,
        package: &Package,
        stage: &Path,
        signed_by: Option<String>,
        trusted_explicitly: bool,
    ) -> Result<(), PackageError> {
        std::fs::create_dir_all(stage).map_err(PackageError::io("cannot create", stage))?;
        let copy = |from: &Path, name: &str| {
            std::fs::copy(from, stage.join(name))
                .map(|_| ())
                .map_err(PackageError::io("cannot copy", from))
        };
        copy(&package.manifest_path, "plugin.toml")?;
        copy(&package.component_path, &package.manifest.plugin.component)?;
        if let Some(sig) = package.signature_path() {
            copy(&sig, SIGNATURE_FILE)?;
        }
        // What was copied is what was checked.
        if file_sha256(&stage.join(&package.manifest.plugin.component))? != package.component_sha256
            || file_sha256(&stage.join("plugin.toml"))? != package.manifest_sha256
        {
            return Err(PackageError::Source(
                "the plugin's files changed while they were being installed; nothing was installed"
                    .into(),
            ));
        }
        let receipt = Receipt {
            source: package.dir.display().to_string(),
            publisher: package.manifest.plugin.publisher.clone(),
            component_sha256: package.component_sha256.clone(),
            manifest_sha256: package.manifest_sha256.clone(),
            signed_by,
            trusted_explicitly,
        };
        let text = toml::to_string(&receipt).map_err(|e| PackageError::Source(e.to_string()))?;
        let path = stage.join(RECEIPT_FILE);
        std::fs::write(&path, text).map_err(PackageError::io("cannot write", &path))
    }

    /// The grant file of plugin `name`.
    pub fn grant_path(&self, name: &str) -> PathBuf {
        self.grants_dir.join(format!("{name}.cedar"))
    }

    fn write_grant(&self, manifest: &Manifest, digest: &str) -> Result<(), PackageError> {
        std::fs::create_dir_all(&self.grants_dir)
            .map_err(PackageError::io("cannot create", &self.grants_dir))?;
        let name = &manifest.plugin.name;
        let asked: Vec<String> = permissions::lines(&manifest.permissions)
            .into_iter()
            .collect();
        // Free text from the manifest is reduced to harmless characters: no
        // newline or quote can end the comment or string it is put in.
        let text = format!(
            "// Written by `ralex plugin install` for {name} {version} from publisher `{publisher}`.\n\
             // It permits what plugin.toml asks for (the kernel refuses anything the\n\
             // manifest did not ask for, and the forbid rules still win), and only for\n\
             // this exact build: an update with another digest gets a new grant.\n\
             // Asked for: {asked}\n\
             @id(\"grant-{name}\")\n\
             @reason(\"installed by you: {name} {version} as its manifest asks\")\n\
             permit (principal == Ralex::Plugin::\"{name}\", action, resource)\n\
             when {{ principal.digest == \"{digest}\" }};\n",
            version = harmless(&manifest.plugin.version),
            publisher = harmless(&manifest.plugin.publisher),
            asked = if asked.is_empty() {
                "nothing".to_string()
            } else {
                harmless(&asked.join(", "))
            },
        );
        if !digest.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(PackageError::Source(format!(
                "`{digest}` is not a sha256 digest"
            )));
        }
        let path = self.grant_path(name);
        let tmp = self.grants_dir.join(format!(".{name}.cedar.tmp"));
        std::fs::write(&tmp, text).map_err(PackageError::io("cannot write", &tmp))?;
        std::fs::rename(&tmp, &path).map_err(PackageError::io("cannot write", &path))
    }

    /// Removes plugin `name` and its grant.
    pub fn remove(&self, name: &str) -> Result<PathBuf, PackageError> {
        let dir = self.plugins_dir.join(name);
        if !dir.join("plugin.toml").is_file() {
            return Err(PackageError::NotInstalled(name.to_string()));
        }
        let grant = self.grant_path(name);
        if grant.exists() {
            std::fs::remove_file(&grant).map_err(PackageError::io("cannot remove", &grant))?;
        }
        std::fs::remove_dir_all(&dir).map_err(PackageError::io("cannot remove", &dir))?;
        Ok(dir)
    }
}

/// `text` with everything but letters, digits, spaces and `._-:/*+,@=` replaced
/// by `?` — safe inside a Cedar comment or string.
fn harmless(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " ._-:/*+,@=".contains(c) {
                c
            } else {
                '?'
            }
        })
        .collect()
}

fn short(key: &str) -> String {
    key.chars().take(16).collect::<String>() + "…"
}

/// Checks an installed copy again as it is loaded: its files are the ones the
/// receipt recorded, and its signature (when it was signed) still verifies by a
/// key that is still trusted. A folder without a receipt was not installed by
/// `ralex plugin install` and is left to the host's own checks.
pub fn verify_installed(dir: &Path, trusted: &TrustedKeys) -> Result<(), PackageError> {
    let receipt_path = dir.join(RECEIPT_FILE);
    let Ok(text) = std::fs::read_to_string(&receipt_path) else {
        return Ok(());
    };
    let receipt: Receipt = toml::from_str(&text).map_err(|e| {
        PackageError::Source(format!(
            "{} is damaged: {e}; install the plugin again",
            receipt_path.display()
        ))
    })?;
    let manifest = ralex_manifest::load(&dir.join("plugin.toml"))?;
    let name = &manifest.plugin.name;
    let component_sha256 = file_sha256(&dir.join(&manifest.plugin.component))?;
    let manifest_sha256 = file_sha256(&dir.join("plugin.toml"))?;
    if component_sha256 != receipt.component_sha256 || manifest_sha256 != receipt.manifest_sha256 {
        return Err(PackageError::Source(format!(
            "the installed files of `{name}` changed after it was installed (they are not what was verified); install it again from its source"
        )));
    }
    let status = check(
        name,
        dir,
        &manifest.plugin.publisher,
        &component_sha256,
        &manifest_sha256,
        trusted,
    )?;
    match (&receipt.signed_by, status) {
        (Some(_), SignatureStatus::Trusted { .. }) | (None, _) => Ok(()),
        // Accepted by the person (or a bundle they trust) for this very build:
        // the signature must still verify, its key need not be trusted.
        (Some(_), SignatureStatus::UnknownKey { .. }) if receipt.trusted_explicitly => Ok(()),
        (Some(key), SignatureStatus::UnknownKey { .. }) => Err(PackageError::Untrusted(format!(
            "`{name}` is signed by key {} of `{}`, which is no longer trusted (policies/publishers/{}.pub); trust the key again or remove the plugin",
            short(key),
            manifest.plugin.publisher,
            manifest.plugin.publisher
        ))),
        (Some(_), SignatureStatus::Unsigned) => Err(PackageError::BadSignature {
            plugin: name.clone(),
            why: "its plugin.sig was removed after it was installed".into(),
        }),
    }
}
