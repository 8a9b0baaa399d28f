//! Plugin manifests (`plugin.toml`, DESIGN.md §3): parsing and validation.
//!
//! This crate owns the manifest's schema and every check that can be made without
//! running the component: names, versions, the world reference, the component file
//! name, the digest, permissions and limits. Every error names the file, the line
//! and the field, and says what was expected. It must never load or run wasm.

mod error;
mod fields;
mod schema;
mod world_ref;

pub use error::ManifestError;
pub use schema::{
    GitPermission, HttpPermission, Limits, Manifest, McpPermission, Permissions, PluginInfo,
    WorkspacePermission,
};
pub use world_ref::WorldRef;

use std::path::Path;

/// The largest memory cap a manifest may ask for, in MiB.
pub const MAX_MEMORY_MB: u32 = 4096;
/// The longest wall-clock timeout a manifest may ask for, in milliseconds.
pub const MAX_TIMEOUT_MS: u64 = 600_000;

/// Read and validate a manifest file.
pub fn load(path: &Path) -> Result<Manifest, ManifestError> {
    let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Read {
        file: path.to_path_buf(),
        source,
    })?;
    parse(&text, path)
}

/// Parse and validate manifest text; `file` is only used in error messages.
pub fn parse(text: &str, file: &Path) -> Result<Manifest, ManifestError> {
    let raw: schema::RawManifest =
        toml::from_str(text).map_err(|e| ManifestError::syntax(file, text, &e))?;
    schema::validate(raw, text, file)
}

/// Compile a `workspace.read`/`write` glob the way the kernel matches it: `*` stays
/// within one path segment, `**` crosses segments.
pub fn workspace_glob(glob: &str) -> Result<globset::Glob, globset::Error> {
    globset::GlobBuilder::new(glob)
        .literal_separator(true)
        .build()
}

/// The lowercase hex sha256 of `bytes`, as manifests record it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests;
