//! Content digests: sha256 of a file, in lowercase hex.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::PackageError;

/// The sha256 of the file at `path`.
pub fn file_sha256(path: &Path) -> Result<String, PackageError> {
    let bytes = std::fs::read(path).map_err(PackageError::io("cannot read", path))?;
    Ok(hex::encode(Sha256::digest(&bytes)))
}
