//! What one change did, as the kernel records it for undo and audit.
//!
//! Owns: [`Change`], [`ChangeKind`] and the SHA-256 fingerprint of content.
//!
//! Must never: carry file contents — only paths and hashes leave this module.

use sha2::{Digest, Sha256};

/// What kind of change was made to a file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// The file did not exist and was created.
    Created,
    /// The file's content was replaced.
    Modified,
    /// The file was deleted.
    Deleted,
    /// The file was moved to [`Change::path`] from `from`, content unchanged.
    Renamed {
        /// The old path, relative to the project root.
        from: String,
    },
}

/// One file changed by a write operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The file's path relative to the project root, normalised (`/`-separated);
    /// for a rename, the destination.
    pub path: String,
    /// What happened to it.
    pub kind: ChangeKind,
    /// Lower-case hex SHA-256 of the content before the change (`None` if it was created).
    pub before_sha256: Option<String>,
    /// Lower-case hex SHA-256 of the content after the change (`None` if it was deleted).
    pub after_sha256: Option<String>,
}

/// Lower-case hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_is_lower_case_hex() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
