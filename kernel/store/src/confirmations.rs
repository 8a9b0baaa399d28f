//! Pending confirmations: a person's "yes" bound to one exact intent.
//!
//! Owns: recording a confirmation request when a command answers
//! `needs_confirmation`, and taking it — once — when the person confirms. A
//! confirmation only matches the same intent (by digest), session, project and
//! person, and only until it expires; anything else is refused with the reason.
//!
//! Must never: let one confirmation run a different intent, run twice, or outlive
//! its expiry.

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use crate::Store;
use crate::error::StoreError;

/// A confirmation to wait for.
#[derive(Debug, Clone, PartialEq)]
pub struct NewConfirmation<'a> {
    /// Its id, given to the person.
    pub id: &'a str,
    /// Session.
    pub session: &'a str,
    /// Project root.
    pub project: &'a str,
    /// Who must confirm.
    pub actor: &'a str,
    /// Digest of the exact intent it allows.
    pub intent_digest: &'a str,
    /// What was said.
    pub transcript: &'a str,
    /// Milliseconds since the Unix epoch.
    pub created_ms: i64,
    /// When it stops being valid.
    pub expires_ms: i64,
}

/// What confirming found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmationTaken {
    /// It matched and is now used: run the intent.
    Confirmed {
        /// The confirmation's id.
        id: String,
    },
    /// No pending confirmation for this intent.
    Missing,
    /// It existed but expired at this time.
    Expired {
        /// When it expired.
        expires_ms: i64,
    },
    /// It was already used.
    Used,
    /// It belongs to another intent, session, project or person.
    Mismatch,
}

/// A confirmation request as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    /// Its id.
    pub id: String,
    /// Session.
    pub session: String,
    /// Project root.
    pub project: String,
    /// Who must confirm.
    pub actor: String,
    /// What was said.
    pub transcript: String,
    /// When it was asked for (ms since the Unix epoch).
    pub created_ms: i64,
    /// When it stops being valid.
    pub expires_ms: i64,
    /// When it was used (confirmed or cancelled), if it was.
    pub used_ms: Option<i64>,
}

impl Store {
    /// The confirmation request `id`, if there is one.
    pub fn confirmation(&self, id: &str) -> Result<Option<Confirmation>, StoreError> {
        self.lock()
            .query_row(
                "SELECT id, session, project, actor, transcript, created_ms, expires_ms, used_ms
                   FROM confirmations WHERE id = ?1",
                params![id],
                |r| {
                    Ok(Confirmation {
                        id: r.get(0)?,
                        session: r.get(1)?,
                        project: r.get(2)?,
                        actor: r.get(3)?,
                        transcript: r.get(4)?,
                        created_ms: r.get(5)?,
                        expires_ms: r.get(6)?,
                        used_ms: r.get(7)?,
                    })
                },
            )
            .optional()
            .map_err(StoreError::sqlite("reading a confirmation"))
    }

    /// Cancels `actor`'s pending confirmation `id`: it can no longer be used.
    /// Whether it was pending (unused, unexpired and `actor`'s).
    pub fn confirmation_cancel(
        &self,
        id: &str,
        actor: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let changed = self
            .lock()
            .execute(
                "UPDATE confirmations SET used_ms = ?3
                  WHERE id = ?1 AND actor = ?2 AND used_ms IS NULL AND expires_ms > ?3",
                params![id, actor, now_ms],
            )
            .map_err(StoreError::sqlite("cancelling a confirmation"))?;
        Ok(changed == 1)
    }

    /// Records a confirmation request.
    pub fn confirmation_create(&self, c: &NewConfirmation<'_>) -> Result<(), StoreError> {
        self.lock()
            .execute(
                "INSERT INTO confirmations
                   (id, session, project, actor, intent_digest, transcript, created_ms, expires_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    c.id,
                    c.session,
                    c.project,
                    c.actor,
                    c.intent_digest,
                    c.transcript,
                    c.created_ms,
                    c.expires_ms
                ],
            )
            .map_err(StoreError::sqlite("recording a confirmation"))?;
        Ok(())
    }

    /// Takes the confirmation for exactly this intent: by `id` when given, else
    /// the newest pending one of the session for this intent digest. Marks it used
    /// in the same transaction, so it runs at most once.
    pub fn confirmation_take(
        &self,
        id: Option<&str>,
        session: &str,
        project: &str,
        actor: &str,
        intent_digest: &str,
        now_ms: i64,
    ) -> Result<ConfirmationTaken, StoreError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::sqlite("taking a confirmation"))?;
        type Found = (String, String, String, String, String, i64, Option<i64>);
        let found: Option<Found> = match id {
            Some(id) => tx.query_row(
                "SELECT id, session, project, actor, intent_digest, expires_ms, used_ms
                   FROM confirmations WHERE id = ?1",
                params![id],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                    ))
                },
            ),
            None => tx.query_row(
                "SELECT id, session, project, actor, intent_digest, expires_ms, used_ms
                   FROM confirmations
                  WHERE session = ?1 AND project = ?2 AND actor = ?3 AND intent_digest = ?4
                  ORDER BY used_ms IS NOT NULL, created_ms DESC LIMIT 1",
                params![session, project, actor, intent_digest],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                    ))
                },
            ),
        }
        .optional()
        .map_err(StoreError::sqlite("reading a confirmation"))?;
        let Some((found_id, s, p, a, digest, expires_ms, used_ms)) = found else {
            return Ok(ConfirmationTaken::Missing);
        };
        let outcome = if s != session || p != project || a != actor || digest != intent_digest {
            ConfirmationTaken::Mismatch
        } else if used_ms.is_some() {
            ConfirmationTaken::Used
        } else if now_ms >= expires_ms {
            ConfirmationTaken::Expired { expires_ms }
        } else {
            tx.execute(
                "UPDATE confirmations SET used_ms = ?2 WHERE id = ?1",
                params![found_id, now_ms],
            )
            .map_err(StoreError::sqlite("using a confirmation"))?;
            ConfirmationTaken::Confirmed { id: found_id }
        };
        tx.commit()
            .map_err(StoreError::sqlite("taking a confirmation"))?;
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(store: &Store, id: &str, digest: &str) {
        store
            .confirmation_create(&NewConfirmation {
                id,
                session: "s",
                project: "/p",
                actor: "user:cli",
                intent_digest: digest,
                transcript: "delete old.py",
                created_ms: 1_000,
                expires_ms: 2_000,
            })
            .expect("create");
    }

    fn take(store: &Store, id: Option<&str>, digest: &str, now: i64) -> ConfirmationTaken {
        store
            .confirmation_take(id, "s", "/p", "user:cli", digest, now)
            .expect("take")
    }

    #[test]
    fn a_confirmation_runs_its_intent_once() {
        let store = Store::open_in_memory().expect("store");
        pending(&store, "k1", "d1");
        assert_eq!(
            take(&store, None, "d1", 1_500),
            ConfirmationTaken::Confirmed { id: "k1".into() }
        );
        assert_eq!(take(&store, None, "d1", 1_600), ConfirmationTaken::Used);
        assert_eq!(
            take(&store, Some("k1"), "d1", 1_600),
            ConfirmationTaken::Used
        );
    }

    #[test]
    fn a_cancelled_confirmation_cannot_be_used() {
        let store = Store::open_in_memory().expect("store");
        pending(&store, "k1", "d1");
        let found = store.confirmation("k1").expect("read").expect("there");
        assert_eq!(found.transcript, "delete old.py");
        assert_eq!(found.used_ms, None);
        assert!(
            !store
                .confirmation_cancel("k1", "token:other", 1_500)
                .expect("cancel")
        );
        assert!(
            store
                .confirmation_cancel("k1", "user:cli", 1_500)
                .expect("cancel")
        );
        assert!(
            !store
                .confirmation_cancel("k1", "user:cli", 1_500)
                .expect("cancel")
        );
        assert_eq!(
            take(&store, Some("k1"), "d1", 1_600),
            ConfirmationTaken::Used
        );
        assert_eq!(store.confirmation("nope").expect("read"), None);
    }

    #[test]
    fn another_intent_or_a_late_answer_is_refused() {
        let store = Store::open_in_memory().expect("store");
        pending(&store, "k1", "d1");
        assert_eq!(take(&store, None, "d2", 1_500), ConfirmationTaken::Missing);
        assert_eq!(
            take(&store, Some("k1"), "d2", 1_500),
            ConfirmationTaken::Mismatch
        );
        assert_eq!(
            take(&store, Some("k1"), "d1", 2_000),
            ConfirmationTaken::Expired { expires_ms: 2_000 }
        );
        assert_eq!(
            take(&store, Some("zz"), "d1", 1_500),
            ConfirmationTaken::Missing
        );
    }
}
