//! Publisher keys: an ed25519 key pair per author (`ralex plugin keygen NAME`,
//! the secret in `$RALEX_HOME/keys/NAME.key`, readable by its owner only), and
//! the public keys a user trusts, one file per publisher in the policy folder:
//! `$RALEX_HOME/policies/publishers/<publisher>.pub` (one hex key per line, `#`
//! comments allowed), so trust is reviewed like any other policy.

use std::path::{Path, PathBuf};

use ed25519_dalek::{SigningKey, VerifyingKey};

use crate::error::PackageError;

/// A publisher's key pair.
pub struct KeyPair {
    signing: SigningKey,
}

impl KeyPair {
    /// A new random key pair.
    pub fn generate() -> Result<KeyPair, PackageError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed)
            .map_err(|e| PackageError::Key(format!("no randomness for a new key: {e}")))?;
        Ok(KeyPair {
            signing: SigningKey::from_bytes(&seed),
        })
    }

    /// The public key, as hex.
    pub fn public_hex(&self) -> String {
        hex::encode(self.signing.verifying_key().to_bytes())
    }

    pub(crate) fn signing(&self) -> &SigningKey {
        &self.signing
    }

    /// Writes the secret key to `path` (mode 0600, refusing to overwrite) and the
    /// public key beside it (`.pub`).
    pub fn save(&self, path: &Path) -> Result<PathBuf, PackageError> {
        if path.exists() {
            return Err(PackageError::Key(format!(
                "{} already exists; pick another name or remove it first",
                path.display()
            )));
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(PackageError::io("cannot create", parent))?;
        }
        let secret = format!(
            "# ralex ed25519 secret key: keep it private; `ralex plugin sign --key` uses it\n{}\n",
            hex::encode(self.signing.to_bytes())
        );
        write_private(path, secret.as_bytes())?;
        let public = path.with_extension("pub");
        std::fs::write(&public, format!("{}\n", self.public_hex()))
            .map_err(PackageError::io("cannot write", &public))?;
        Ok(public)
    }

    /// Reads a secret key written by [`KeyPair::save`].
    pub fn load(path: &Path) -> Result<KeyPair, PackageError> {
        let text =
            std::fs::read_to_string(path).map_err(PackageError::io("cannot read the key", path))?;
        let bytes = parse_hex_line(&text, 32).ok_or_else(|| {
            PackageError::Key(format!(
                "{} is not a ralex secret key (64 hex digits)",
                path.display()
            ))
        })?;
        let mut seed = [0u8; 32];
        seed.copy_from_slice(&bytes);
        Ok(KeyPair {
            signing: SigningKey::from_bytes(&seed),
        })
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), PackageError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(PackageError::io("cannot create", path))?;
    file.write_all(bytes)
        .map_err(PackageError::io("cannot write", path))
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), PackageError> {
    std::fs::write(path, bytes).map_err(PackageError::io("cannot write", path))
}

/// The first non-comment line as `len` bytes of hex.
fn parse_hex_line(text: &str, len: usize) -> Option<Vec<u8>> {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))?;
    hex::decode(line).ok().filter(|b| b.len() == len)
}

/// Parses a public key in hex.
pub fn public_key(hex_key: &str) -> Result<VerifyingKey, String> {
    let bytes = hex::decode(hex_key.trim()).map_err(|_| "the key is not hex".to_string())?;
    let bytes: [u8; 32] = bytes
        .try_into()
        .map_err(|_| "an ed25519 public key is 32 bytes (64 hex digits)".to_string())?;
    VerifyingKey::from_bytes(&bytes).map_err(|e| format!("not an ed25519 public key: {e}"))
}

/// Whether `publisher` may name a trust file: letters, digits, `.`, `_`, `-`,
/// not starting with `.` (so it never leaves the folder or hides).
pub fn valid_publisher(publisher: &str) -> bool {
    !publisher.is_empty()
        && publisher.len() <= 64
        && !publisher.starts_with('.')
        && publisher
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The keys the user trusts, per publisher.
#[derive(Debug, Clone, Default)]
pub struct TrustedKeys {
    dir: Option<PathBuf>,
}

impl TrustedKeys {
    /// The keys in `dir` (`<publisher>.pub` files).
    pub fn in_dir(dir: PathBuf) -> TrustedKeys {
        TrustedKeys { dir: Some(dir) }
    }

    /// The trusted keys (hex) of `publisher`.
    pub fn of(&self, publisher: &str) -> Vec<String> {
        let Some(dir) = self.dir.as_ref().filter(|_| valid_publisher(publisher)) else {
            return Vec::new();
        };
        let Ok(text) = std::fs::read_to_string(dir.join(format!("{publisher}.pub"))) else {
            return Vec::new();
        };
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_lowercase)
            .collect()
    }

    /// Adds `key` to `publisher`'s trusted keys.
    pub fn trust(&self, publisher: &str, key: &str) -> Result<PathBuf, PackageError> {
        if !valid_publisher(publisher) {
            return Err(PackageError::Key(format!(
                "`{publisher}` cannot be trusted by name: publisher names are letters, digits, `.`, `_` and `-`"
            )));
        }
        let dir = self.dir.as_ref().ok_or_else(|| {
            PackageError::Key("there is no policy folder to record trust in".into())
        })?;
        std::fs::create_dir_all(dir).map_err(PackageError::io("cannot create", dir))?;
        let path = dir.join(format!("{publisher}.pub"));
        let mut text = std::fs::read_to_string(&path).unwrap_or_else(|_| {
            format!("# Trusted signing keys of publisher `{publisher}`, one per line.\n")
        });
        if !self.of(publisher).iter().any(|k| k == key) {
            text.push_str(key);
            text.push('\n');
        }
        std::fs::write(&path, text).map_err(PackageError::io("cannot write", &path))?;
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_are_private() {
        let dir = tempfile::tempdir().unwrap();
        let pair = KeyPair::generate().unwrap();
        let path = dir.path().join("keys/me.key");
        let public = pair.save(&path).unwrap();
        assert_eq!(
            std::fs::read_to_string(&public).unwrap().trim(),
            pair.public_hex()
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        assert_eq!(
            KeyPair::load(&path).unwrap().public_hex(),
            pair.public_hex()
        );
        assert!(pair.save(&path).is_err(), "never overwrites a key");
        assert!(public_key(&pair.public_hex()).is_ok());
        assert!(public_key("abcd").is_err());

        let trusted = TrustedKeys::in_dir(dir.path().join("publishers"));
        assert!(trusted.of("acme").is_empty());
        trusted.trust("acme", &pair.public_hex()).unwrap();
        trusted.trust("acme", &pair.public_hex()).unwrap();
        assert_eq!(trusted.of("acme"), vec![pair.public_hex()]);
    }
}
