//! The gate every capability call passes: manifest check, policy decision, audit.
//!
//! Owns: the order of the security checks for one call and what the plugin is
//! told. First the manifest (did the plugin ask for this?), then the policy (was it
//! granted?), and in every case one audit entry — allowed or denied — committed
//! before the call goes on: fsynced before it for changes, effects and denials;
//! for allowed reads fsynced by the next durable commit (a read changes nothing,
//! and the entry is already safe from a crash of the kernel process — only a power
//! loss in between could lose it). A denial tells the plugin which rule denied and why.
//!
//! Must never: let a call proceed when its audit entry could not be written (fail
//! closed), or put raw arguments into the audit trail (only their digest).

use ralex_policy::{Action, Resource};
use ralex_store::AuditRecord;
use sha2::{Digest, Sha256};

use crate::bindings::{ErrorCode, WitError};
use crate::imports::error;
use crate::state::CallState;

/// Hex SHA-256 over the arguments of a call (length-prefixed, so `["ab","c"]`
/// and `["a","bc"]` differ). Empty for no arguments.
pub(crate) fn args_digest(args: &[&[u8]]) -> String {
    if args.is_empty() {
        return String::new();
    }
    let mut hasher = Sha256::new();
    for arg in args {
        hasher.update((arg.len() as u64).to_le_bytes());
        hasher.update(arg);
    }
    hex::encode(hasher.finalize())
}

/// When an audit entry must be on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Durability {
    /// fsynced before the call goes on (changes, denials, effects outside).
    Synchronous,
    /// Committed now, fsynced by the next synchronous commit (allowed reads).
    Relaxed,
}

impl CallState {
    /// Record one decision in the audit trail. A failure to record refuses the call.
    #[allow(clippy::too_many_arguments)]
    fn audit_with(
        &self,
        durability: Durability,
        action: Action,
        resource: &str,
        decision: &str,
        rule: &str,
        args: &[&[u8]],
        detail: &str,
    ) -> Result<(), WitError> {
        let digest = args_digest(args);
        let record = AuditRecord {
            actor: &self.plugin.actor,
            action: action.as_str(),
            resource,
            decision,
            rule,
            args_digest: &digest,
            detail,
        };
        match durability {
            Durability::Synchronous => self.kernel_store.audit_append(&record),
            Durability::Relaxed => self.kernel_store.audit_append_relaxed(&record),
        }
        .map(|_| ())
            .map_err(|e| {
                tracing::error!(plugin = %self.plugin.name, error = %e, "audit write failed; call refused");
                error(
                    ErrorCode::Internal,
                    format!(
                        "the kernel could not write the audit trail, so it refused to {action}: {e}"
                    ),
                )
            })
    }

    /// A request the manifest does not cover: audited as denied by rule
    /// `manifest`, returned as a denial that says how to fix the manifest.
    pub(crate) fn refuse_by_manifest(
        &self,
        action: Action,
        resource: &Resource,
        args: &[&[u8]],
        why: &str,
    ) -> WitError {
        let resource = resource.describe();
        let message = format!(
            "plugin `{}` may not {action} {resource}: {why}",
            self.plugin.name
        );
        if let Err(e) = self.audit(action, &resource, "deny", "manifest", args, &message) {
            return e;
        }
        tracing::warn!(plugin = %self.plugin.name, %action, %resource, "denied by manifest");
        error(ErrorCode::Denied, message)
    }

    fn audit(
        &self,
        action: Action,
        resource: &str,
        decision: &str,
        rule: &str,
        args: &[&[u8]],
        detail: &str,
    ) -> Result<(), WitError> {
        self.audit_with(
            Durability::Synchronous,
            action,
            resource,
            decision,
            rule,
            args,
            detail,
        )
    }

    /// Decide `action` on `resource` by policy and audit it; `Ok` means go ahead.
    /// The entry is on disk before this returns.
    pub(crate) fn authorize(
        &self,
        action: Action,
        resource: &Resource,
        args: &[&[u8]],
    ) -> Result<(), WitError> {
        self.authorize_with(Durability::Synchronous, action, resource, args)
    }

    /// [`CallState::authorize`] for reads: an allowed read's entry is committed but
    /// fsynced with the next durable write (a denial is always synchronous).
    pub(crate) fn authorize_read(
        &self,
        action: Action,
        resource: &Resource,
        args: &[&[u8]],
    ) -> Result<(), WitError> {
        self.authorize_with(Durability::Relaxed, action, resource, args)
    }

    fn authorize_with(
        &self,
        durability: Durability,
        action: Action,
        resource: &Resource,
        args: &[&[u8]],
    ) -> Result<(), WitError> {
        let decision = self
            .policy
            .decide(&self.plugin.principal, action, resource, false);
        let described = resource.describe();
        // The explanation is only built (and stored) for denials: allowed calls
        // are the hot path.
        let explanation = if decision.allowed() {
            String::new()
        } else {
            decision.explain(
                &format!("plugin `{}`", self.plugin.name),
                action.as_str(),
                &described,
            )
        };
        let durability = if decision.allowed() {
            durability
        } else {
            Durability::Synchronous
        };
        self.audit_with(
            durability,
            action,
            &described,
            decision.verdict.as_str(),
            decision.rule_id(),
            args,
            &explanation,
        )?;
        if decision.allowed() {
            return Ok(());
        }
        tracing::warn!(plugin = %self.plugin.name, %action, %resource, rule = decision.rule_id(), "denied by policy");
        Err(error(
            ErrorCode::Denied,
            format!(
                "plugin `{}` may not {action} {resource}: {explanation}",
                self.plugin.name
            ),
        ))
    }

    /// Decide without auditing: for filtering the entries of a list or search
    /// result (the call itself was audited once).
    pub(crate) fn permits(&self, action: Action, resource: &Resource) -> bool {
        self.policy
            .decide(&self.plugin.principal, action, resource, false)
            .allowed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_separate_argument_boundaries() {
        assert_ne!(args_digest(&[b"ab", b"c"]), args_digest(&[b"a", b"bc"]));
        assert_eq!(args_digest(&[]), "");
        assert_eq!(args_digest(&[b"x"]).len(), 64);
    }
}
