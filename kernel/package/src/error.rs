//! Why a package cannot be signed, verified, installed or removed — each with
//! what was found and what to do.

use std::path::PathBuf;

/// A package operation failed; nothing was installed or changed.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    /// A file cannot be read or written.
    #[error("{what} {}: {source}", path.display())]
    Io {
        /// What was being done ("cannot read").
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The source is not a plugin folder or a `.wasm` with its manifest.
    #[error("{0}")]
    Source(String),
    /// The manifest is broken.
    #[error("{0}")]
    Manifest(#[from] ralex_manifest::ManifestError),
    /// The component's digest is not the one the manifest records.
    #[error("the component {} has sha256 {actual}, but plugin.toml says {expected}: the file was changed or swapped after it was built; get the plugin again from its publisher", component.display())]
    WrongDigest {
        /// The component.
        component: PathBuf,
        /// The manifest's digest.
        expected: String,
        /// The file's digest.
        actual: String,
    },
    /// The manifest names a world this kernel does not run.
    #[error(
        "plugin `{plugin}` is for world `{world}`, which this kernel does not run (it runs: {supported})"
    )]
    UnknownWorld {
        /// The plugin.
        plugin: String,
        /// Its world.
        world: String,
        /// The worlds there are.
        supported: String,
    },
    /// The signature does not verify.
    #[error("the signature of `{plugin}` does not verify: {why}; nothing was installed")]
    BadSignature {
        /// The plugin.
        plugin: String,
        /// What is wrong.
        why: String,
    },
    /// The publisher is not trusted (and the person did not say to trust it).
    #[error("{0}")]
    Untrusted(String),
    /// The update asks for more than the installed version, without a confirmation.
    #[error("{0}")]
    Widened(String),
    /// A key file is wrong.
    #[error("{0}")]
    Key(String),
    /// A bundle is broken, tampered with, or does not match its lockfile.
    #[error("{0}")]
    Bundle(String),
    /// The OCI registry failed or returned something else than asked for.
    #[error("{0}")]
    Registry(String),
    /// No plugin of that name is installed.
    #[error(
        "no plugin `{0}` is installed in $RALEX_HOME/plugins; `ralex plugin list` shows what there is"
    )]
    NotInstalled(String),
}

impl PackageError {
    pub(crate) fn io(
        what: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> PackageError {
        let path = path.into();
        move |source| PackageError::Io { what, path, source }
    }
}
