//! `ralex-policy`: every capability decision of the Ralex kernel, in Cedar.
//!
//! Owns: the Cedar schema (`policies/schema.cedarschema`), the shipped default
//! policies (`policies/defaults/*.cedar`, embedded in the binary), loading user
//! policies from `$RALEX_HOME/policies/` (a file with a default's name replaces
//! that default), validating every policy against the schema with file:line
//! errors, and deciding one request: allow, deny or needs-confirmation, with the
//! rule that decided and its reason in plain words.
//!
//! Must never: allow when a policy failed to evaluate (errors deny), let a
//! `permit` override a `forbid`, or start with a policy that did not validate.

mod action;
mod decision;
mod engine;
mod entities;
mod error;
mod files;
mod location;

pub use action::Action;
pub use decision::{Decision, Verdict};
pub use engine::{Policy, Rule, RuleEffect};
pub use entities::{Principal, Resource, Scope, Trust};
pub use error::{PolicyError, Problem};
pub use files::{PolicyFile, default_files, load_dir, merge_files};
