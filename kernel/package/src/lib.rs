//! `ralex-package`: plugins from other people, installed without trusting
//! strangers' code.
//!
//! Owns: publisher keys and the keys a user trusts ([`keys`]), `plugin.sig`
//! signatures over the component's and the manifest's digests ([`signature`]),
//! opening and checking what `ralex plugin install SRC` is given ([`source`]),
//! permission diffs between versions ([`permissions`]), and installing /
//! removing plugins with their grant written as policy, pinned to the content
//! digest ([`install`]), plus the check an installed copy passes again each time
//! it is loaded ([`install::verify_installed`]); team bundles — plugins,
//! policies and workflows with a lockfile, signed as a whole ([`bundle`]).
//!
//! Must never: install anything that failed a check, leave a half-installed
//! plugin, or carry a grant over to a build that asks for more.

pub mod bundle;
pub mod digest;
pub mod error;
pub mod install;
pub mod keys;
pub mod oci;
pub mod permissions;
pub mod signature;
pub mod source;

pub use bundle::{Bundle, BundleInfo, Lock, pack};
pub use error::PackageError;
pub use install::{Consent, Installer, Plan, Receipt, verify_installed};
pub use keys::{KeyPair, TrustedKeys};
pub use signature::{SIGNATURE_FILE, SignatureStatus, sign};
pub use source::{Package, Worlds, open};
