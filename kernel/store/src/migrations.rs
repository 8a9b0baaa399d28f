//! The store's schema, as an ordered list of migrations.
//!
//! Owns: every table of the kernel database and the upgrade path between schema
//! versions. The version lives in `PRAGMA user_version`; migration `n` takes the
//! database from version `n - 1` to `n`. Later features (audit chain, cost ledger,
//! tokens) append migrations here; a released migration is never edited.
//!
//! Must never: open a database written by a newer schema (that would corrupt
//! tables it does not know), or leave a half-applied migration (each one runs in
//! the same `BEGIN IMMEDIATE` transaction as its version bump).

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use crate::error::StoreError;

/// One step of the schema.
pub(crate) struct Migration {
    /// The version the database has once this migration ran (1, 2, 3, ...).
    pub(crate) version: i64,
    /// What it adds, for logs.
    pub(crate) name: &'static str,
    /// The SQL, run as one batch.
    pub(crate) sql: &'static str,
}

/// Every migration, oldest first. Versions are consecutive from 1.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "per-plugin key-value namespaces",
        // `kv_usage` keeps each namespace's size (key + value bytes) up to date through
        // triggers, so a quota check reads one row instead of summing the namespace.
        // `length()` of a BLOB reads its size from the record header, not the value.
        sql: "
        CREATE TABLE kv (
            namespace  TEXT    NOT NULL,
            key        TEXT    NOT NULL,
            value      BLOB    NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (namespace, key)
        ) WITHOUT ROWID;

        CREATE TABLE kv_usage (
            namespace TEXT    NOT NULL PRIMARY KEY,
            bytes     INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TRIGGER kv_usage_insert AFTER INSERT ON kv BEGIN
            INSERT INTO kv_usage (namespace, bytes)
            VALUES (NEW.namespace, length(CAST(NEW.key AS BLOB)) + length(NEW.value))
            ON CONFLICT (namespace) DO UPDATE SET bytes = bytes + excluded.bytes;
        END;

        CREATE TRIGGER kv_usage_update AFTER UPDATE ON kv BEGIN
            UPDATE kv_usage
               SET bytes = bytes - length(CAST(OLD.key AS BLOB)) - length(OLD.value)
             WHERE namespace = OLD.namespace;
            INSERT INTO kv_usage (namespace, bytes)
            VALUES (NEW.namespace, length(CAST(NEW.key AS BLOB)) + length(NEW.value))
            ON CONFLICT (namespace) DO UPDATE SET bytes = bytes + excluded.bytes;
        END;

        CREATE TRIGGER kv_usage_delete AFTER DELETE ON kv BEGIN
            UPDATE kv_usage
               SET bytes = bytes - length(CAST(OLD.key AS BLOB)) - length(OLD.value)
             WHERE namespace = OLD.namespace;
        END;
    ",
    },
    Migration {
        version: 2,
        name: "hash-chained audit trail",
        // `seq` is gapless from 1; each entry's `hash` covers its fields and the
        // previous entry's hash (see audit.rs). The triggers make the table
        // append-only for every writer that goes through SQLite; `ralex audit
        // verify` catches writers that do not.
        sql: "
        CREATE TABLE audit (
            seq         INTEGER PRIMARY KEY,
            at_ms       INTEGER NOT NULL,
            actor       TEXT    NOT NULL,
            action      TEXT    NOT NULL,
            resource    TEXT    NOT NULL,
            decision    TEXT    NOT NULL,
            rule        TEXT    NOT NULL,
            args_digest TEXT    NOT NULL,
            detail      TEXT    NOT NULL,
            prev_hash   TEXT    NOT NULL,
            hash        TEXT    NOT NULL
        );
        CREATE INDEX audit_actor ON audit (actor, seq);

        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN
            SELECT RAISE(ABORT, 'the audit trail is append-only: entries cannot be changed');
        END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN
            SELECT RAISE(ABORT, 'the audit trail is append-only: entries cannot be deleted');
        END;
    ",
    },
    Migration {
        version: 3,
        name: "model cost ledger",
        // One row per model attempt that reached a provider. Money is kept in
        // nano-dollars (1e-9 USD) as integers so totals are exact sums; a local
        // model's rows cost 0. `day` is the UTC date, for per-day reports and budgets.
        // `model_spend` keeps running totals per UTC day, month and session (kept
        // by the trigger in the same transaction), so a budget check is three
        // point reads however long the ledger grows.
        sql: "
        CREATE TABLE model_ledger (
            id             INTEGER PRIMARY KEY,
            at_ms          INTEGER NOT NULL,
            day            TEXT    NOT NULL,
            session        TEXT    NOT NULL,
            plugin         TEXT    NOT NULL,
            model          TEXT    NOT NULL,
            provider       TEXT    NOT NULL,
            outcome        TEXT    NOT NULL,
            input_tokens   INTEGER NOT NULL,
            output_tokens  INTEGER NOT NULL,
            cost_nusd      INTEGER NOT NULL,
            estimated_nusd INTEGER NOT NULL
        );
        CREATE INDEX model_ledger_at ON model_ledger (at_ms);
        CREATE INDEX model_ledger_day ON model_ledger (day);
        CREATE TABLE model_spend (
            period        TEXT    NOT NULL PRIMARY KEY,
            requests      INTEGER NOT NULL,
            input_tokens  INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            cost_nusd     INTEGER NOT NULL,
            paid_tokens   INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TRIGGER model_spend_insert AFTER INSERT ON model_ledger BEGIN
            INSERT INTO model_spend (period, requests, input_tokens, output_tokens, cost_nusd, paid_tokens)
            SELECT p, 1, NEW.input_tokens, NEW.output_tokens, NEW.cost_nusd,
                   CASE WHEN NEW.estimated_nusd > 0 THEN NEW.input_tokens + NEW.output_tokens ELSE 0 END
              FROM (SELECT 'day:' || NEW.day AS p
                    UNION ALL SELECT 'month:' || substr(NEW.day, 1, 7)
                    UNION ALL SELECT 'session:' || NEW.session WHERE NEW.session <> '')
             WHERE true
            ON CONFLICT (period) DO UPDATE SET
                requests = requests + 1,
                input_tokens = input_tokens + excluded.input_tokens,
                output_tokens = output_tokens + excluded.output_tokens,
                cost_nusd = cost_nusd + excluded.cost_nusd,
                paid_tokens = paid_tokens + excluded.paid_tokens;
        END;
        CREATE INDEX model_ledger_session ON model_ledger (session, at_ms);
    ",
    },
    Migration {
        version: 4,
        name: "command history and confirmations",
        // One row per command that got past understanding: the session history
        // ("undo that", "do the same for X"), and what undo needs — the snapshot
        // taken before the command's first write and the one after its last.
        // A row left `running` by a killed kernel still has its `before`
        // snapshot, so the command stays undoable.
        // A confirmation binds a person's "yes" to one exact intent (its digest),
        // one session and project, and expires.
        sql: "
        CREATE TABLE commands (
            id              TEXT    NOT NULL PRIMARY KEY,
            session         TEXT    NOT NULL,
            project         TEXT    NOT NULL,
            actor           TEXT    NOT NULL,
            transcript      TEXT    NOT NULL,
            intent          TEXT    NOT NULL,
            state           TEXT    NOT NULL,
            response        TEXT    NOT NULL DEFAULT '',
            model           TEXT,
            cost_nusd       INTEGER NOT NULL DEFAULT 0,
            snapshot_before TEXT,
            snapshot_after  TEXT,
            changed         TEXT    NOT NULL DEFAULT '[]',
            undone_ms       INTEGER,
            started_ms      INTEGER NOT NULL,
            finished_ms     INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX commands_session ON commands (session, started_ms);
        CREATE INDEX commands_project ON commands (project, started_ms);
        CREATE TABLE confirmations (
            id            TEXT    NOT NULL PRIMARY KEY,
            session       TEXT    NOT NULL,
            project       TEXT    NOT NULL,
            actor         TEXT    NOT NULL,
            intent_digest TEXT    NOT NULL,
            transcript    TEXT    NOT NULL,
            created_ms    INTEGER NOT NULL,
            expires_ms    INTEGER NOT NULL,
            used_ms       INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX confirmations_session ON confirmations (session, created_ms);
    ",
    },
    Migration {
        version: 5,
        name: "gateway tokens",
        // API tokens for the gateway: `rlx_<id>_<secret>` is shown once; only the
        // SHA-256 of the secret is kept. A name is unique among live tokens; a
        // revoked token keeps its row (the audit trail names it).
        sql: "
        CREATE TABLE tokens (
            id           TEXT    NOT NULL PRIMARY KEY,
            name         TEXT    NOT NULL,
            secret_hash  TEXT    NOT NULL,
            scope        TEXT    NOT NULL,
            created_ms   INTEGER NOT NULL,
            last_used_ms INTEGER,
            revoked_ms   INTEGER
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX tokens_live_name ON tokens (name) WHERE revoked_ms IS NULL;
    ",
    },
    Migration {
        version: 6,
        name: "durable workflow runs",
        // A run keeps the workflow's text as it began (a resumed run runs what it
        // started, even if the file changed since) and each step's state and
        // result, written before the next step starts.
        sql: "
        CREATE TABLE workflow_runs (
            id             TEXT    NOT NULL PRIMARY KEY,
            workflow       TEXT    NOT NULL,
            source         TEXT    NOT NULL,
            definition     TEXT    NOT NULL,
            params         TEXT    NOT NULL,
            project        TEXT    NOT NULL,
            session        TEXT    NOT NULL,
            actor          TEXT    NOT NULL,
            state          TEXT    NOT NULL,
            message        TEXT    NOT NULL DEFAULT '',
            snapshot_start TEXT,
            worktree       TEXT,
            snapshot_end   TEXT,
            review         TEXT,
            cost_nusd      INTEGER NOT NULL DEFAULT 0,
            started_ms     INTEGER NOT NULL,
            updated_ms     INTEGER NOT NULL,
            finished_ms    INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX workflow_runs_started ON workflow_runs (started_ms);
        CREATE INDEX workflow_runs_state ON workflow_runs (state);

        CREATE TABLE workflow_steps (
            run         TEXT    NOT NULL REFERENCES workflow_runs (id) ON DELETE CASCADE,
            idx         INTEGER NOT NULL,
            name        TEXT    NOT NULL,
            kind        TEXT    NOT NULL,
            state       TEXT    NOT NULL,
            attempts    INTEGER NOT NULL DEFAULT 0,
            output      TEXT    NOT NULL DEFAULT 'null',
            summary     TEXT    NOT NULL DEFAULT '',
            command_id  TEXT,
            cost_nusd   INTEGER NOT NULL DEFAULT 0,
            started_ms  INTEGER NOT NULL,
            finished_ms INTEGER,
            PRIMARY KEY (run, idx)
        ) WITHOUT ROWID;
    ",
    },
];

/// The newest schema version this build knows.
pub(crate) fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Brings the database up to [`latest_version`], or refuses a newer one.
///
/// Safe against another process migrating at the same time: the version is read
/// again inside each write transaction.
pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let supported = latest_version();
    let found = user_version(conn)?;
    check_not_newer(found, supported, path)?;

    for migration in MIGRATIONS.iter().filter(|m| m.version > found) {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::sqlite("starting a schema migration"))?;
        let current = user_version(&tx)?;
        check_not_newer(current, supported, path)?;
        if current >= migration.version {
            continue; // another process got there first
        }
        tx.execute_batch(migration.sql)
            .map_err(StoreError::sqlite("applying a schema migration"))?;
        tx.pragma_update(None, "user_version", migration.version)
            .map_err(StoreError::sqlite("recording the schema version"))?;
        tx.commit()
            .map_err(StoreError::sqlite("committing a schema migration"))?;
        tracing::info!(
            version = migration.version,
            name = migration.name,
            db = %path.display(),
            "applied store migration"
        );
    }
    Ok(())
}

/// The schema version recorded in the database (0 for a new one).
pub(crate) fn user_version(conn: &Connection) -> Result<i64, StoreError> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(StoreError::sqlite("reading the schema version"))
}

fn check_not_newer(found: i64, supported: i64, path: &Path) -> Result<(), StoreError> {
    if found > supported {
        return Err(StoreError::Newer {
            path: path.to_path_buf(),
            found,
            supported,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_consecutive_from_one() {
        for (index, migration) in MIGRATIONS.iter().enumerate() {
            assert_eq!(migration.version, index as i64 + 1, "{}", migration.name);
        }
    }

    #[test]
    fn migrating_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().expect("in-memory db");
        migrate(&mut conn, Path::new(":memory:")).expect("first");
        migrate(&mut conn, Path::new(":memory:")).expect("second");
        assert_eq!(user_version(&conn).expect("version"), latest_version());
    }

    #[test]
    fn newer_database_is_refused() {
        let mut conn = Connection::open_in_memory().expect("in-memory db");
        conn.pragma_update(None, "user_version", latest_version() + 1)
            .expect("set version");
        let err = migrate(&mut conn, Path::new("/data/ralex.db")).expect_err("newer");
        assert!(matches!(err, StoreError::Newer { .. }), "{err:?}");
        let message = err.to_string();
        assert!(message.contains("/data/ralex.db"), "{message}");
        assert!(message.contains("upgrade Ralex"), "{message}");
    }
}
