//! Confirmations bound to one exact intent: the digest that identifies an intent,
//! asking for a confirmation, and checking one.
//!
//! The digest covers what the intent would do — kind, risk, resolved targets and
//! params — and the project, not the words used: "delete old dot py" and "remove
//! old.py" confirm each other, "delete new.py" does not.

use std::time::Duration;

use ralex_intent::Intent;
use ralex_store::{ConfirmationTaken, NewConfirmation, Store, StoreError};
use sha2::{Digest, Sha256};

/// How long a confirmation request stays valid by default.
pub const DEFAULT_CONFIRMATION_TTL: Duration = Duration::from_secs(120);

/// Lower-case hex SHA-256 of the intent's effect in `project`.
pub fn intent_digest(intent: &Intent, project: &str) -> String {
    let targets: Vec<serde_json::Value> = intent
        .targets
        .iter()
        .map(|t| serde_json::json!([t.path, t.symbol, t.line, t.phrase]))
        .collect();
    let mut params: Vec<(&String, String)> = intent
        .params
        .iter()
        .map(|(k, v)| (k, v.to_string()))
        .collect();
    params.sort();
    let canonical = serde_json::json!({
        "project": project,
        "kind": intent.kind,
        "risk": intent.risk,
        "targets": targets,
        "params": params,
    });
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// A fresh confirmation id.
pub(crate) fn new_id() -> String {
    format!("k-{}", crate::ids::random_suffix(12))
}

/// Records that `intent` waits for the person's confirmation until `ttl` passes.
#[allow(clippy::too_many_arguments)]
pub(crate) fn ask(
    store: &Store,
    id: &str,
    session: &str,
    project: &str,
    actor: &str,
    digest: &str,
    transcript: &str,
    now_ms: i64,
    ttl: Duration,
) -> Result<(), StoreError> {
    store.confirmation_create(&NewConfirmation {
        id,
        session,
        project,
        actor,
        intent_digest: digest,
        transcript,
        created_ms: now_ms,
        expires_ms: now_ms + ttl.as_millis() as i64,
    })
}

/// Why a confirmation did not count, in words; `None` when it did.
pub(crate) fn refusal(taken: &ConfirmationTaken) -> Option<String> {
    match taken {
        ConfirmationTaken::Confirmed { .. } => None,
        ConfirmationTaken::Missing => Some(
            "there is nothing waiting for your confirmation that matches this command; say the command again without confirming to get a new confirmation".into(),
        ),
        ConfirmationTaken::Expired { .. } => Some(
            "that confirmation has expired; say the command again to get a new one".into(),
        ),
        ConfirmationTaken::Used => Some("that confirmation was already used".into()),
        ConfirmationTaken::Mismatch => Some(
            "that confirmation was given for a different command, session or person".into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ralex_intent::{IntentKind, Risk, Target};

    fn intent(path: &str) -> Intent {
        Intent {
            kind: IntentKind::Edit,
            targets: vec![Target {
                phrase: Some("old".into()),
                path: Some(path.into()),
                symbol: None,
                line: None,
                resolved: true,
                candidates: Vec::new(),
            }],
            params: Default::default(),
            risk: Risk::Destructive,
            confidence: 0.9,
        }
    }

    #[test]
    fn the_digest_tells_intents_and_projects_apart() {
        let a = intent_digest(&intent("old.py"), "/p");
        assert_eq!(a, intent_digest(&intent("old.py"), "/p"));
        assert_ne!(a, intent_digest(&intent("new.py"), "/p"));
        assert_ne!(a, intent_digest(&intent("old.py"), "/q"));
    }
}
