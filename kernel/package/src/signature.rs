//! Plugin signatures: `plugin.sig` beside the manifest, an ed25519 signature by
//! the publisher's key over the digests of the component **and** the manifest
//! (so neither can be swapped or edited after signing).
//!
//! Owns: [`sign`], [`check`] and [`SignatureStatus`]. A signature names its
//! publisher; one made for another publisher, or over other bytes, or by a key
//! the user does not trust, is told apart in the answer.

use std::path::Path;

use ed25519_dalek::{Signature as EdSignature, Signer, Verifier};
use serde::{Deserialize, Serialize};

use crate::digest::file_sha256;
use crate::error::PackageError;
use crate::keys::{KeyPair, TrustedKeys, public_key};

/// The signature file's name, beside `plugin.toml`.
pub const SIGNATURE_FILE: &str = "plugin.sig";

/// What `plugin.sig` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureFile {
    /// Format version (1).
    pub version: u32,
    /// The publisher, as in the manifest.
    pub publisher: String,
    /// The signing key, hex.
    pub public_key: String,
    /// sha256 of the component.
    pub component_sha256: String,
    /// sha256 of `plugin.toml`.
    pub manifest_sha256: String,
    /// The ed25519 signature, hex.
    pub signature: String,
}

/// What a plugin's signature says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureStatus {
    /// No `plugin.sig`.
    Unsigned,
    /// Signed by a key the user trusts for this publisher.
    Trusted {
        /// The key, hex.
        key: String,
    },
    /// A valid signature, by a key the user does not (yet) trust.
    UnknownKey {
        /// The key, hex.
        key: String,
    },
}

fn message(publisher: &str, component_sha256: &str, manifest_sha256: &str) -> Vec<u8> {
    format!("ralex-plugin-signature-v1\n{publisher}\n{component_sha256}\n{manifest_sha256}\n")
        .into_bytes()
}

/// Signs the plugin whose manifest is `manifest_path` with `key` and writes
/// `plugin.sig` beside it.
pub fn sign(manifest_path: &Path, key: &KeyPair) -> Result<SignatureFile, PackageError> {
    let manifest = ralex_manifest::load(manifest_path)?;
    let dir = manifest_path.parent().unwrap_or(Path::new("."));
    let component = dir.join(&manifest.plugin.component);
    let component_sha256 = file_sha256(&component)?;
    match &manifest.plugin.sha256 {
        None => {
            return Err(PackageError::Source(format!(
                "{} records no sha256 of its component; add `sha256 = \"{component_sha256}\"` under [plugin] and sign again",
                manifest_path.display()
            )));
        }
        Some(expected) if *expected != component_sha256 => {
            return Err(PackageError::WrongDigest {
                component,
                expected: expected.clone(),
                actual: component_sha256,
            });
        }
        Some(_) => {}
    }
    let manifest_sha256 = file_sha256(manifest_path)?;
    let publisher = manifest.plugin.publisher;
    let signature = key
        .signing()
        .sign(&message(&publisher, &component_sha256, &manifest_sha256));
    let file = SignatureFile {
        version: 1,
        publisher,
        public_key: key.public_hex(),
        component_sha256,
        manifest_sha256,
        signature: hex::encode(signature.to_bytes()),
    };
    let path = dir.join(SIGNATURE_FILE);
    let text = toml::to_string(&file).map_err(|e| PackageError::Key(e.to_string()))?;
    std::fs::write(&path, text).map_err(PackageError::io("cannot write", &path))?;
    Ok(file)
}

/// Checks the signature of the plugin in `dir` (manifest `plugin.toml` of
/// `publisher`, component `component`), against the keys in `trusted`.
pub fn check(
    name: &str,
    dir: &Path,
    publisher: &str,
    component_sha256: &str,
    manifest_sha256: &str,
    trusted: &TrustedKeys,
) -> Result<SignatureStatus, PackageError> {
    let path = dir.join(SIGNATURE_FILE);
    if !path.exists() {
        return Ok(SignatureStatus::Unsigned);
    }
    let bad = |why: String| PackageError::BadSignature {
        plugin: name.to_string(),
        why,
    };
    let text = std::fs::read_to_string(&path).map_err(PackageError::io("cannot read", &path))?;
    let file: SignatureFile =
        toml::from_str(&text).map_err(|e| bad(format!("{SIGNATURE_FILE} does not parse: {e}")))?;
    if file.version != 1 {
        return Err(bad(format!(
            "{SIGNATURE_FILE} has version {}, this kernel reads version 1",
            file.version
        )));
    }
    if file.publisher != publisher {
        return Err(bad(format!(
            "it was made for publisher `{}`, but plugin.toml says `{publisher}`",
            file.publisher
        )));
    }
    if file.component_sha256 != component_sha256 {
        return Err(bad("the component is not the one that was signed".into()));
    }
    if file.manifest_sha256 != manifest_sha256 {
        return Err(bad("plugin.toml was changed after it was signed".into()));
    }
    let key = public_key(&file.public_key).map_err(bad)?;
    let bytes: [u8; 64] = hex::decode(&file.signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| bad("the signature is not 64 bytes of hex".into()))?;
    key.verify(
        &message(publisher, component_sha256, manifest_sha256),
        &EdSignature::from_bytes(&bytes),
    )
    .map_err(|_| {
        bad("the signature does not match the key it names (it was swapped or forged)".into())
    })?;
    let hex_key = file.public_key.to_lowercase();
    Ok(if trusted.of(publisher).contains(&hex_key) {
        SignatureStatus::Trusted { key: hex_key }
    } else {
        SignatureStatus::UnknownKey { key: hex_key }
    })
}
