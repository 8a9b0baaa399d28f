//! `ralex-store`: the kernel's embedded SQLite database.
//!
//! Owns: opening the database file (WAL, busy timeout, foreign keys), running the
//! schema migrations, and serialising access to the one connection. The tables
//! themselves are described in `migrations.rs`; each feature adds its queries in
//! its own module (`kv`, `audit`, `ledger`, `commands`, `confirmations`, `tokens`,
//! `workflows`).
//!
//! Must never: hand a plugin anything but its own namespace (the caller passes
//! the namespace from the plugin's identity, never from plugin input), or open a
//! database whose schema is newer than this build knows.

mod audit;
mod commands;
mod confirmations;
mod error;
mod kv;
mod ledger;
mod migrations;
mod tokens;
mod workflows;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::Connection;

pub use audit::{AuditEntry, AuditFilter, AuditProblem, AuditRecord, AuditReport, GENESIS_HASH};
pub use commands::{CommandRow, FinishedCommand, NewCommand};
pub use confirmations::{Confirmation, ConfirmationTaken, NewConfirmation};
pub use error::StoreError;
pub use kv::KvQuota;
pub use ledger::{
    LedgerEntry, LedgerGroup, LedgerRecord, LedgerRow, LedgerSpent, LedgerTotals, NANO_USD,
};
pub use tokens::TokenRow;
pub use workflows::{NewRun, RunRow, StepResult, StepRow};

/// How long a write waits for another connection's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The kernel's database: one SQLite connection behind a mutex.
///
/// Cheap calls, no long transactions: every method locks, runs one short
/// transaction and unlocks, so sharing one `Store` (e.g. in an `Arc`) between
/// threads is fine.
pub struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and its parent folder,
    /// switches it to WAL, and migrates it to the current schema.
    ///
    /// Fails with [`StoreError::Newer`] when the file comes from a newer Ralex.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Io {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let conn = Connection::open(path).map_err(StoreError::sqlite("opening the database"))?;
        let journal: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(StoreError::sqlite("switching the database to WAL"))?;
        if !journal.eq_ignore_ascii_case("wal") {
            tracing::warn!(db = %path.display(), journal, "database is not in WAL mode");
        }
        // FULL: every commit is fsynced before it returns, so an audit entry is
        // on disk before the action it records completes (power loss included).
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(StoreError::sqlite("setting synchronous mode"))?;
        Store::configure(conn, path)
    }

    /// Opens a private in-memory database with the current schema (for tests and
    /// `--ephemeral` runs).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory()
            .map_err(StoreError::sqlite("opening an in-memory database"))?;
        Store::configure(conn, Path::new(":memory:"))
    }

    /// Settings every connection needs, then the migrations.
    fn configure(mut conn: Connection, path: &Path) -> Result<Store, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(StoreError::sqlite("setting the busy timeout"))?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(StoreError::sqlite("enabling foreign keys"))?;
        migrations::migrate(&mut conn, path)?;
        tracing::debug!(db = %path.display(), version = migrations::latest_version(), "store open");
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        migrations::user_version(&self.lock())
    }

    /// The newest schema version this build knows.
    pub fn supported_schema_version() -> i64 {
        migrations::latest_version()
    }

    /// The connection, for one short operation.
    ///
    /// A panic while holding the lock cannot leave a transaction half-done
    /// (rusqlite rolls back on drop), so a poisoned lock is still usable.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path: Option<PathBuf> = self
            .conn
            .try_lock()
            .ok()
            .and_then(|conn| conn.path().map(PathBuf::from));
        f.debug_struct("Store").field("path", &path).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_creates_parent_folder_and_uses_wal() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("nested/deeper/ralex.db");
        let store = Store::open(&path).expect("open");
        assert!(path.exists());
        let journal: String = store
            .lock()
            .pragma_query_value(None, "journal_mode", |row| row.get(0))
            .expect("journal mode");
        assert_eq!(journal, "wal");
        let foreign_keys: bool = store
            .lock()
            .pragma_query_value(None, "foreign_keys", |row| row.get(0))
            .expect("foreign keys");
        assert!(foreign_keys);
        assert_eq!(
            store.schema_version().expect("version"),
            Store::supported_schema_version()
        );
    }

    #[test]
    fn reopen_keeps_data() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ralex.db");
        {
            let store = Store::open(&path).expect("open");
            store
                .kv_set("plugin-a", "greeting", b"hello", &KvQuota::default())
                .expect("set");
        }
        let store = Store::open(&path).expect("reopen");
        assert_eq!(
            store.kv_get("plugin-a", "greeting").expect("get"),
            Some(b"hello".to_vec())
        );
        assert_eq!(store.kv_usage("plugin-a").expect("usage"), 13);
    }

    #[test]
    fn newer_database_file_is_refused_with_a_clear_message() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ralex.db");
        {
            let conn = Connection::open(&path).expect("raw open");
            conn.pragma_update(None, "user_version", Store::supported_schema_version() + 7)
                .expect("bump version");
        }
        let err = Store::open(&path).expect_err("newer schema");
        match &err {
            StoreError::Newer {
                found, supported, ..
            } => {
                assert_eq!(*found, Store::supported_schema_version() + 7);
                assert_eq!(*supported, Store::supported_schema_version());
            }
            other => panic!("expected Newer, got {other:?}"),
        }
        assert!(!err.is_client_error());
        let message = err.to_string();
        assert!(message.contains("ralex.db"), "{message}");
        assert!(message.contains("upgrade Ralex"), "{message}");
    }

    #[test]
    fn unwritable_parent_is_an_io_error_naming_the_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("a-file");
        std::fs::write(&file, b"x").expect("write");
        let err = Store::open(&file.join("sub/ralex.db")).expect_err("parent is a file");
        assert!(matches!(err, StoreError::Io { .. }), "{err:?}");
        assert!(err.to_string().contains("a-file"), "{err}");
    }
}
