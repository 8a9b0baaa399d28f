//! Policy for what the kernel does on a person's behalf: every capability use of a
//! directly executed intent is decided for that person (the CLI user or a token)
//! and written to the audit trail before it happens — reads with relaxed
//! durability, changes and programs synchronously (see the store).

use std::sync::Arc;

use ralex_policy::{Action, Decision, Policy, Principal, Resource};
use ralex_store::{AuditRecord, Store};
use sha2::{Digest, Sha256};

/// Decides and audits for one person.
#[derive(Clone)]
pub struct Gate {
    policy: Arc<Policy>,
    store: Arc<Store>,
    principal: Principal,
    actor: String,
    who: String,
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gate")
            .field("actor", &self.actor)
            .finish_non_exhaustive()
    }
}

impl Gate {
    /// A gate for `principal`, audited as `actor` (e.g. `user:cli`), described to
    /// people as `who` (e.g. "user `cli`").
    pub fn new(
        policy: Arc<Policy>,
        store: Arc<Store>,
        principal: Principal,
        actor: &str,
        who: &str,
    ) -> Gate {
        Gate {
            policy,
            store,
            principal,
            actor: actor.to_string(),
            who: who.to_string(),
        }
    }

    /// The policy's decision, not audited (callers audit it).
    pub(crate) fn decide(&self, action: Action, resource: &Resource, confirmed: bool) -> Decision {
        self.policy
            .decide(&self.principal, action, resource, confirmed)
    }

    /// The audit actor ("user:cli").
    pub(crate) fn actor(&self) -> &str {
        &self.actor
    }

    /// The person, for explanations ("user `cli`").
    pub(crate) fn who(&self) -> &str {
        &self.who
    }

    /// Appends a synchronous audit entry.
    pub(crate) fn append(&self, record: &AuditRecord<'_>) -> Result<(), String> {
        self.store
            .audit_append(record)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// Appends an audit entry with relaxed durability (fsynced by the next
    /// synchronous commit): for entries about things that change nothing.
    pub(crate) fn append_relaxed(&self, record: &AuditRecord<'_>) -> Result<(), String> {
        self.store
            .audit_append_relaxed(record)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// Decides `action` on `resource` and audits it; `Err` carries the reason for
    /// people. `read` relaxes the durability of an allowed entry.
    pub fn allow(
        &self,
        action: Action,
        resource: &Resource,
        args: &[&[u8]],
        read: bool,
    ) -> Result<(), String> {
        let decision = self.policy.decide(&self.principal, action, resource, false);
        let described = resource.describe();
        let explanation = if decision.allowed() {
            String::new()
        } else {
            decision.explain(&self.who, action.as_str(), &described)
        };
        let mut hasher = Sha256::new();
        for arg in args {
            hasher.update((arg.len() as u64).to_le_bytes());
            hasher.update(arg);
        }
        let digest = if args.is_empty() {
            String::new()
        } else {
            hex::encode(hasher.finalize())
        };
        let record = AuditRecord {
            actor: &self.actor,
            action: action.as_str(),
            resource: &described,
            decision: decision.verdict.as_str(),
            rule: decision.rule_id(),
            args_digest: &digest,
            detail: &explanation,
        };
        let written = if read && decision.allowed() {
            self.store.audit_append_relaxed(&record)
        } else {
            self.store.audit_append(&record)
        };
        written.map_err(|e| {
            format!("the audit trail could not be written, so nothing was done: {e}")
        })?;
        if decision.allowed() {
            Ok(())
        } else {
            Err(explanation)
        }
    }
}
