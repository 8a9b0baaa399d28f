//! The on-disk cache of compiled components.
//!
//! A component is compiled once; its native code is stored under a key made of the
//! component's sha256 and the engine's compatibility hash (wasmtime version, target,
//! compiler settings). Deserialising native code trusts it completely, so an entry
//! is never trusted blindly: each file carries an HMAC-SHA256 over key and payload,
//! made with a secret that lives only in this cache folder (mode 0600). A corrupt,
//! truncated, foreign (copied from another machine or another wasmtime) or tampered
//! entry fails the check and is recompiled and rewritten. Writes are atomic (temp
//! file + rename), so a crash never leaves a half-written entry under a real name.

use std::fs;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::Sha256;
use wasmtime::Engine;
use wasmtime::component::Component;

use crate::error::HostError;

const MAGIC: &[u8; 8] = b"RALEXCC1";
const TAG_LEN: usize = 32;
const KEY_FILE: &str = "cache.key";

/// Where a component came from on load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheOutcome {
    /// Loaded from a verified cache entry.
    Hit,
    /// Compiled now (no entry yet) and stored.
    Compiled,
    /// An entry existed but failed verification; recompiled and replaced.
    Replaced,
}

/// The compiled-component cache of one engine.
pub(crate) struct ComponentCache {
    dir: PathBuf,
    key: [u8; 32],
    engine_hash: String,
}

impl ComponentCache {
    /// Open (creating) the cache folder and its secret.
    pub(crate) fn open(dir: &Path, engine: &Engine) -> Result<ComponentCache, HostError> {
        let err = |source| HostError::Cache {
            path: dir.to_path_buf(),
            source,
        };
        fs::create_dir_all(dir).map_err(err)?;
        let key = load_or_create_key(&dir.join(KEY_FILE)).map_err(err)?;
        Ok(ComponentCache {
            dir: dir.to_path_buf(),
            key,
            engine_hash: engine_hash(engine),
        })
    }

    /// The cache entry's path for a component digest.
    pub(crate) fn entry_path(&self, digest: &str) -> PathBuf {
        self.dir
            .join(format!("{digest}-{}.cwasm", self.engine_hash))
    }

    /// The compiled component for `bytes` (whose sha256 is `digest`): from the cache
    /// if a verified entry exists, otherwise compiled now and stored.
    pub(crate) fn load(
        &self,
        engine: &Engine,
        digest: &str,
        bytes: &[u8],
    ) -> wasmtime::Result<(Component, CacheOutcome)> {
        let path = self.entry_path(digest);
        let mut outcome = CacheOutcome::Compiled;
        if let Ok(file) = fs::read(&path) {
            match self.verify(digest, &file) {
                Some(payload) => {
                    // SAFETY: the payload was produced by `Component::serialize` of an
                    // engine with the same compatibility hash (it is part of the key)
                    // and its HMAC, keyed with this cache's private secret, verifies:
                    // it is exactly the bytes this process family wrote.
                    match unsafe { Component::deserialize(engine, payload) } {
                        Ok(component) => return Ok((component, CacheOutcome::Hit)),
                        Err(e) => {
                            tracing::warn!(path = %path.display(), error = %e, "cached component refused by wasmtime; recompiling");
                        }
                    }
                }
                None => {
                    tracing::warn!(path = %path.display(), "cached component failed verification (corrupt or foreign); recompiling");
                }
            }
            outcome = CacheOutcome::Replaced;
        }
        let component = Component::new(engine, bytes)?;
        match component.serialize() {
            Ok(payload) => {
                if let Err(e) = self.store(&path, digest, &payload) {
                    tracing::warn!(path = %path.display(), error = %e, "cannot write the compiled-component cache; continuing without it");
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot serialise a compiled component"),
        }
        Ok((component, outcome))
    }

    fn tag(&self, digest: &str, payload: &[u8]) -> [u8; TAG_LEN] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .expect("HMAC accepts keys of any length");
        mac.update(MAGIC);
        mac.update(digest.as_bytes());
        mac.update(self.engine_hash.as_bytes());
        mac.update(payload);
        mac.finalize().into_bytes().into()
    }

    /// The payload of an entry if its magic and tag check out.
    fn verify<'a>(&self, digest: &str, file: &'a [u8]) -> Option<&'a [u8]> {
        let rest = file.strip_prefix(MAGIC.as_slice())?;
        if rest.len() < TAG_LEN {
            return None;
        }
        let (tag, payload) = rest.split_at(TAG_LEN);
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .expect("HMAC accepts keys of any length");
        mac.update(MAGIC);
        mac.update(digest.as_bytes());
        mac.update(self.engine_hash.as_bytes());
        mac.update(payload);
        mac.verify_slice(tag).ok()?;
        Some(payload)
    }

    fn store(&self, path: &Path, digest: &str, payload: &[u8]) -> std::io::Result<()> {
        let tag = self.tag(digest, payload);
        let mut tmp = tempfile_in(&self.dir)?;
        tmp.1.write_all(MAGIC)?;
        tmp.1.write_all(&tag)?;
        tmp.1.write_all(payload)?;
        tmp.1.sync_all()?;
        fs::rename(&tmp.0, path)
    }
}

/// A uniquely named temporary file in `dir`.
fn tempfile_in(dir: &Path) -> std::io::Result<(PathBuf, fs::File)> {
    let mut suffix = [0u8; 8];
    getrandom::fill(&mut suffix).map_err(|e| std::io::Error::other(e.to_string()))?;
    let path = dir.join(format!(".tmp-{}", hex::encode(suffix)));
    let file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)?;
    Ok((path, file))
}

fn load_or_create_key(path: &Path) -> std::io::Result<[u8; 32]> {
    if let Ok(bytes) = fs::read(path)
        && let Ok(key) = <[u8; 32]>::try_from(bytes.as_slice())
    {
        return Ok(key);
    }
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| std::io::Error::other(e.to_string()))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let (tmp, mut file) = tempfile_in(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(&key)?;
    file.sync_all()?;
    fs::rename(tmp, path)?;
    // Entries made with an older key no longer verify and will be recompiled.
    Ok(key)
}

/// A short stable string for the engine's compatibility-relevant settings.
fn engine_hash(engine: &Engine) -> String {
    let mut hasher = StableHasher::default();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    format!("wt{}-{:016x}", env_wasmtime_version(), hasher.finish())
}

fn env_wasmtime_version() -> &'static str {
    // Kept in step with the workspace's pinned wasmtime; the compatibility hash
    // already covers the version, this only makes cache files readable.
    "48"
}

/// FNV-1a: stable across processes, unlike `DefaultHasher`'s random keys.
#[derive(Default)]
struct StableHasher(u64);

impl Hasher for StableHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        if self.0 == 0 {
            self.0 = 0xcbf2_9ce4_8422_2325;
        }
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}
