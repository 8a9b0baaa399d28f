//! The append-only, hash-chained audit trail.
//!
//! Owns: appending one entry (who, what, on which resource, the decision and the
//! rule that made it, a digest of the arguments), reading entries back with
//! filters, and verifying the chain. Each entry's hash is SHA-256 over its own
//! fields and the previous entry's hash, so an edited, deleted or reordered entry
//! breaks the chain at a place `verify` names.
//!
//! Must never: store secrets or raw arguments (callers pass a digest), or return
//! from `append` before the entry is committed (the store runs with
//! `synchronous = FULL`, so a commit is on disk).

use rusqlite::{OptionalExtension, TransactionBehavior, params};
use sha2::{Digest, Sha256};

use crate::{Store, StoreError};

/// The `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What to record.
#[derive(Debug, Clone, Copy)]
pub struct AuditRecord<'a> {
    /// Who: `plugin:NAME`, `user:NAME`.
    pub actor: &'a str,
    /// The action (`workspace:read`, `command:run`, ...).
    pub action: &'a str,
    /// The resource as people read it.
    pub resource: &'a str,
    /// `allow`, `deny`, `needs-confirmation`, or an outcome (`ok`, `error`).
    pub decision: &'a str,
    /// The deciding rule's id (or `default-deny`).
    pub rule: &'a str,
    /// Hex SHA-256 of the call's arguments ("" when there are none).
    pub args_digest: &'a str,
    /// A short free-text detail (an error message, a transcript) — never a secret.
    pub detail: &'a str,
}

/// One stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Position in the chain, from 1, gapless.
    pub seq: i64,
    /// Milliseconds since the Unix epoch.
    pub at_ms: i64,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// On what.
    pub resource: String,
    /// The decision or outcome.
    pub decision: String,
    /// The deciding rule.
    pub rule: String,
    /// Digest of the arguments.
    pub args_digest: String,
    /// Detail.
    pub detail: String,
    /// The previous entry's hash.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

/// Which entries to read.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this actor (e.g. `plugin:hostile`).
    pub actor: Option<String>,
    /// Only entries at or after this time (ms since the epoch).
    pub since_ms: Option<i64>,
    /// At most this many, newest last (default: all).
    pub limit: Option<usize>,
}

/// One break in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditProblem {
    /// The entry where the chain breaks.
    pub seq: i64,
    /// What is wrong, in plain words.
    pub message: String,
}

/// The result of verifying the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReport {
    /// Entries checked.
    pub entries: u64,
    /// The last entry's hash (the chain head), if any.
    pub head: Option<String>,
    /// Every break found, in order; empty when intact.
    pub problems: Vec<AuditProblem>,
}

impl AuditReport {
    /// True when the chain is intact.
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }
}

fn entry_hash(prev_hash: &str, seq: i64, at_ms: i64, fields: [&str; 7]) -> String {
    let mut hasher = Sha256::new();
    // Length-prefixed fields: no two different entries encode the same bytes.
    let mut put = |bytes: &[u8]| {
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    put(prev_hash.as_bytes());
    put(&seq.to_le_bytes());
    put(&at_ms.to_le_bytes());
    for field in fields {
        put(field.as_bytes());
    }
    hex::encode(hasher.finalize())
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Appends `record` to the chain inside the caller's open transaction (so another
/// table's row and its audit entry commit together, or neither does).
pub(crate) fn append_in(
    tx: &rusqlite::Connection,
    record: &AuditRecord<'_>,
) -> Result<AuditEntry, StoreError> {
    // Cached statements: an append is on the path of every audited call.
    let last: Option<(i64, String)> = tx
        .prepare_cached("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        .and_then(|mut stmt| stmt.query_row([], |row| Ok((row.get(0)?, row.get(1)?))))
        .optional()
        .map_err(StoreError::sqlite("reading the audit chain head"))?;
    let (seq, prev_hash) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS_HASH.to_string()),
    };
    let at_ms = now_ms();
    let fields = [
        record.actor,
        record.action,
        record.resource,
        record.decision,
        record.rule,
        record.args_digest,
        record.detail,
    ];
    let hash = entry_hash(&prev_hash, seq, at_ms, fields);
    tx.prepare_cached(
            "INSERT INTO audit (seq, at_ms, actor, action, resource, decision, rule, args_digest, detail, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )
        .and_then(|mut stmt| stmt.execute(
            params![
                seq,
                at_ms,
                record.actor,
                record.action,
                record.resource,
                record.decision,
                record.rule,
                record.args_digest,
                record.detail,
                prev_hash,
                hash
            ],
        ))
        .map_err(StoreError::sqlite("appending to the audit trail"))?;
    Ok(AuditEntry {
        seq,
        at_ms,
        actor: record.actor.to_string(),
        action: record.action.to_string(),
        resource: record.resource.to_string(),
        decision: record.decision.to_string(),
        rule: record.rule.to_string(),
        args_digest: record.args_digest.to_string(),
        detail: record.detail.to_string(),
        prev_hash,
        hash,
    })
}

impl Store {
    /// Append an entry whose durability may wait for the next synchronous commit:
    /// committed (visible, and safe from a crash of this process) before it
    /// returns, but fsynced only by the next [`Store::audit_append`] or ledger entry
    /// — lost only on power loss before then. For decisions that allow a read: the
    /// read changes nothing, and the call's next change record makes it durable.
    pub fn audit_append_relaxed(&self, record: &AuditRecord<'_>) -> Result<AuditEntry, StoreError> {
        // Every statement cached: this is on the path of every dry run and read.
        let conn = self.lock();
        let run = |sql: &str, what: &'static str| {
            conn.prepare_cached(sql)
                .and_then(|mut stmt| stmt.execute([]))
                .map(|_| ())
                .map_err(StoreError::sqlite(what))
        };
        run("PRAGMA synchronous = NORMAL", "relaxing synchronous mode")?;
        let result = (|| {
            run("BEGIN IMMEDIATE", "starting an audit append")?;
            let entry = match append_in(&conn, record) {
                Ok(entry) => entry,
                Err(e) => {
                    let _ = run("ROLLBACK", "rolling back an audit append");
                    return Err(e);
                }
            };
            if let Err(e) = run("COMMIT", "committing an audit entry") {
                let _ = run("ROLLBACK", "rolling back an audit append");
                return Err(e);
            }
            Ok(entry)
        })();
        // Back to FULL whatever happened: every other commit must be durable.
        let restored = run("PRAGMA synchronous = FULL", "restoring synchronous mode");
        let entry = result?;
        restored?;
        Ok(entry)
    }

    /// Append an entry; returns it once it is committed to disk.
    pub fn audit_append(&self, record: &AuditRecord<'_>) -> Result<AuditEntry, StoreError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::sqlite("starting an audit append"))?;
        let entry = append_in(&tx, record)?;
        tx.commit()
            .map_err(StoreError::sqlite("committing an audit entry"))?;
        Ok(entry)
    }

    /// Entries matching `filter`, oldest first (the newest `limit` of them).
    pub fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare(
                "SELECT seq, at_ms, actor, action, resource, decision, rule, args_digest, detail, prev_hash, hash
                   FROM audit
                  WHERE (?1 IS NULL OR actor = ?1) AND (?2 IS NULL OR at_ms >= ?2)
                  ORDER BY seq DESC
                  LIMIT ?3",
            )
            .map_err(StoreError::sqlite("reading the audit trail"))?;
        let limit = filter.limit.map_or(-1, |l| l as i64);
        let mut entries = stmt
            .query_map(params![filter.actor, filter.since_ms, limit], row_to_entry)
            .map_err(StoreError::sqlite("reading the audit trail"))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(StoreError::sqlite("reading the audit trail"))?;
        entries.reverse();
        Ok(entries)
    }

    /// Walk the whole chain and report every entry that was edited, deleted,
    /// inserted or moved.
    pub fn audit_verify(&self) -> Result<AuditReport, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare(
                "SELECT seq, at_ms, actor, action, resource, decision, rule, args_digest, detail, prev_hash, hash
                   FROM audit ORDER BY seq",
            )
            .map_err(StoreError::sqlite("reading the audit trail"))?;
        let rows = stmt
            .query_map([], row_to_entry)
            .map_err(StoreError::sqlite("reading the audit trail"))?;
        let mut problems = Vec::new();
        let mut expected_seq = 1;
        let mut prev_hash = GENESIS_HASH.to_string();
        let mut entries = 0;
        for row in rows {
            let e = row.map_err(StoreError::sqlite("reading the audit trail"))?;
            entries += 1;
            if e.seq != expected_seq {
                problems.push(AuditProblem {
                    seq: e.seq,
                    message: format!(
                        "entries {expected_seq}..{} are missing: entry {} follows entry {} (deleted entries)",
                        e.seq - 1,
                        e.seq,
                        expected_seq - 1
                    ),
                });
            } else if e.prev_hash != prev_hash {
                problems.push(AuditProblem {
                    seq: e.seq,
                    message: format!(
                        "entry {} does not follow entry {}: its link to the previous entry is broken (entries were reordered, replaced or inserted)",
                        e.seq,
                        e.seq - 1
                    ),
                });
            }
            let fields = [
                e.actor.as_str(),
                e.action.as_str(),
                e.resource.as_str(),
                e.decision.as_str(),
                e.rule.as_str(),
                e.args_digest.as_str(),
                e.detail.as_str(),
            ];
            if entry_hash(&e.prev_hash, e.seq, e.at_ms, fields) != e.hash {
                problems.push(AuditProblem {
                    seq: e.seq,
                    message: format!(
                        "entry {} was edited: its content no longer matches its hash",
                        e.seq
                    ),
                });
            }
            expected_seq = e.seq + 1;
            prev_hash = e.hash;
        }
        Ok(AuditReport {
            entries,
            head: (entries > 0).then_some(prev_hash),
            problems,
        })
    }
}

fn row_to_entry(row: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        seq: row.get(0)?,
        at_ms: row.get(1)?,
        actor: row.get(2)?,
        action: row.get(3)?,
        resource: row.get(4)?,
        decision: row.get(5)?,
        rule: row.get(6)?,
        args_digest: row.get(7)?,
        detail: row.get(8)?,
        prev_hash: row.get(9)?,
        hash: row.get(10)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record<'a>(actor: &'a str, resource: &'a str) -> AuditRecord<'a> {
        AuditRecord {
            actor,
            action: "workspace:read",
            resource,
            decision: "allow",
            rule: "first-party-plugins",
            args_digest: "",
            detail: "",
        }
    }

    fn filled(n: usize) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("ralex.db")).unwrap();
        for i in 0..n {
            store
                .audit_append(&record("plugin:a", &format!("path f{i}.py")))
                .unwrap();
        }
        (dir, store)
    }

    /// Tamper the way an attacker with the database file would: drop the
    /// triggers, then change rows directly.
    fn tamper(store: &Store, sql: &str) {
        let conn = store.lock();
        conn.execute_batch(&format!(
            "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; {sql}"
        ))
        .unwrap();
    }

    #[test]
    fn entries_chain_from_genesis() {
        let (_dir, store) = filled(3);
        let all = store.audit_entries(&AuditFilter::default()).unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].prev_hash, GENESIS_HASH);
        assert_eq!(all[1].prev_hash, all[0].hash);
        assert_eq!(all[2].seq, 3);
        let report = store.audit_verify().unwrap();
        assert!(report.intact(), "{report:?}");
        assert_eq!(report.entries, 3);
        assert_eq!(report.head.as_deref(), Some(all[2].hash.as_str()));
    }

    #[test]
    fn updates_and_deletes_are_refused_by_the_database() {
        let (_dir, store) = filled(2);
        let conn = store.lock();
        let err = conn
            .execute("UPDATE audit SET decision = 'deny' WHERE seq = 1", [])
            .unwrap_err();
        assert!(err.to_string().contains("append-only"), "{err}");
        let err = conn
            .execute("DELETE FROM audit WHERE seq = 1", [])
            .unwrap_err();
        assert!(err.to_string().contains("append-only"), "{err}");
    }

    #[test]
    fn an_edited_entry_is_named() {
        let (_dir, store) = filled(5);
        tamper(&store, "UPDATE audit SET decision = 'deny' WHERE seq = 3;");
        let report = store.audit_verify().unwrap();
        assert_eq!(report.problems.len(), 1, "{report:?}");
        assert_eq!(report.problems[0].seq, 3);
        assert!(report.problems[0].message.contains("entry 3 was edited"));
    }

    #[test]
    fn a_deleted_entry_is_named() {
        let (_dir, store) = filled(5);
        tamper(&store, "DELETE FROM audit WHERE seq = 2;");
        let report = store.audit_verify().unwrap();
        assert_eq!(report.problems[0].seq, 3, "{report:?}");
        assert!(
            report.problems[0]
                .message
                .contains("entries 2..2 are missing"),
            "{report:?}"
        );
    }

    #[test]
    fn reordered_entries_are_named() {
        let (_dir, store) = filled(5);
        // Swap the contents of entries 2 and 3 (keeping seq order).
        tamper(
            &store,
            "UPDATE audit SET seq = -2 WHERE seq = 2;
             UPDATE audit SET seq = 2 WHERE seq = 3;
             UPDATE audit SET seq = 3 WHERE seq = -2;",
        );
        let report = store.audit_verify().unwrap();
        assert!(!report.intact());
        assert_eq!(report.problems[0].seq, 2, "{report:?}");
        assert!(
            report.problems[0]
                .message
                .contains("link to the previous entry is broken")
        );
    }

    #[test]
    fn a_rehashed_edit_still_breaks_the_next_link() {
        let (_dir, store) = filled(4);
        // The attacker recomputes entry 2's own hash after editing it...
        let e2 = store.audit_entries(&AuditFilter::default()).unwrap()[1].clone();
        let forged = entry_hash(
            &e2.prev_hash,
            2,
            e2.at_ms,
            [
                "plugin:a",
                "workspace:read",
                "path secret",
                "allow",
                "x",
                "",
                "",
            ],
        );
        tamper(
            &store,
            &format!(
                "UPDATE audit SET resource = 'path secret', rule = 'x', hash = '{forged}' WHERE seq = 2;"
            ),
        );
        let report = store.audit_verify().unwrap();
        // ...but entry 3 still points at the old hash.
        assert_eq!(report.problems.len(), 1, "{report:?}");
        assert_eq!(report.problems[0].seq, 3);
    }

    #[test]
    fn filters_by_actor_time_and_limit() {
        let (_dir, store) = filled(3);
        store.audit_append(&record("plugin:b", "path x")).unwrap();
        let only_b = store
            .audit_entries(&AuditFilter {
                actor: Some("plugin:b".into()),
                ..AuditFilter::default()
            })
            .unwrap();
        assert_eq!(only_b.len(), 1);
        let last_two = store
            .audit_entries(&AuditFilter {
                limit: Some(2),
                ..AuditFilter::default()
            })
            .unwrap();
        assert_eq!(last_two.iter().map(|e| e.seq).collect::<Vec<_>>(), [3, 4]);
        let future = store
            .audit_entries(&AuditFilter {
                since_ms: Some(now_ms() + 60_000),
                ..AuditFilter::default()
            })
            .unwrap();
        assert!(future.is_empty());
    }

    #[test]
    fn the_chain_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ralex.db");
        {
            let store = Store::open(&path).unwrap();
            store.audit_append(&record("plugin:a", "one")).unwrap();
        }
        let store = Store::open(&path).unwrap();
        let e = store.audit_append(&record("plugin:a", "two")).unwrap();
        assert_eq!(e.seq, 2);
        assert!(store.audit_verify().unwrap().intact());
    }

    #[test]
    fn relaxed_entries_join_the_chain_and_leave_commits_synchronous() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ralex.db");
        {
            let store = Store::open(&path).unwrap();
            store.audit_append(&record("plugin:a", "one")).unwrap();
            let e = store
                .audit_append_relaxed(&record("plugin:a", "two"))
                .unwrap();
            assert_eq!(e.seq, 2);
            let mode: i64 = store
                .lock()
                .pragma_query_value(None, "synchronous", |row| row.get(0))
                .unwrap();
            assert_eq!(mode, 2, "synchronous is FULL again after a relaxed append");
            store.audit_append(&record("plugin:a", "three")).unwrap();
        }
        let store = Store::open(&path).unwrap();
        let entries = store.audit_entries(&AuditFilter::default()).unwrap();
        let resources: Vec<&str> = entries.iter().map(|e| e.resource.as_str()).collect();
        assert_eq!(resources, ["one", "two", "three"]);
        assert!(store.audit_verify().unwrap().intact());
    }
}
