//! The symbol indexes on disk, so a restarted kernel re-parses only the files
//! that changed while it was down.
//!
//! Owns: where a project's index is kept — one SQLite file per project under
//! the kernel's state folder (`$RALEX_HOME/index/<hash of the root>.sqlite`,
//! tables of `ralex_context::store`) — and [`refresh`]: load on first use, bring
//! up to date, write back what changed.
//!
//! Why files of their own and not the kernel database: the index is a cache
//! derived from the project (delete the folder and it is rebuilt), it can hold
//! hundreds of thousands of rows for a large repository, and it is rewritten
//! on every edit — kept apart, it never bloats or contends with the audit trail
//! and the session history.
//!
//! Must never: fail a command — a cache that cannot be read or written is
//! logged and the in-memory index is used.

use std::path::{Path, PathBuf};

use ralex_context::index::{Index, UpdateStats};
use ralex_context::store;
use sha2::{Digest, Sha256};

/// The cache file of the project at `root` in `dir`.
pub(crate) fn file_of(dir: &Path, root: &Path) -> PathBuf {
    let digest = Sha256::digest(root.to_string_lossy().as_bytes());
    dir.join(format!("{}.sqlite", &hex::encode(digest)[..24]))
}

fn open(db: &Path) -> Result<rusqlite::Connection, String> {
    if let Some(parent) = db.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    let conn = rusqlite::Connection::open(db).map_err(|e| format!("{}: {e}", db.display()))?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(|e| format!("{}: {e}", db.display()))?;
    Ok(conn)
}

/// Brings `index` up to date: loaded from the cache in `dir` first when it is
/// still empty (first use), and what changed written back.
pub(crate) fn refresh(index: &mut Index, dir: Option<&Path>) -> Result<UpdateStats, String> {
    let db = dir.map(|dir| file_of(dir, index.root()));
    let mut first = false;
    if let Some(db) = &db
        && index.files().next().is_none()
        && db.is_file()
    {
        first = true;
        match open(db).and_then(|conn| {
            store::load(&conn, index.root().to_path_buf()).map_err(|e| e.to_string())
        }) {
            Ok(loaded) => *index = loaded,
            Err(e) => {
                tracing::warn!(error = %e, "the stored symbol index was not used; rebuilding it")
            }
        }
    }
    let stats = index.update().map_err(|e| e.to_string())?;
    if let Some(db) = &db
        && (!stats.is_empty() || !stats.touched.is_empty())
    {
        let saved = open(db).and_then(|conn| {
            if first || !db_has_rows(&conn) {
                store::save(&conn, index).map_err(|e| e.to_string())
            } else {
                store::save_changes(&conn, index, &stats).map_err(|e| e.to_string())
            }
        });
        if let Err(e) = saved {
            tracing::warn!(error = %e, "the symbol index could not be stored");
        }
    }
    Ok(stats)
}

fn db_has_rows(conn: &rusqlite::Connection) -> bool {
    store::ensure_schema(conn).is_ok()
        && conn
            .query_row("SELECT EXISTS (SELECT 1 FROM ctx_files)", [], |r| {
                r.get::<_, bool>(0)
            })
            .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restart_loads_the_index_and_reparses_only_what_changed() {
        let project = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        let root = project.path();
        std::fs::write(root.join("a.py"), "def alpha():\n    pass\n").unwrap();
        std::fs::write(root.join("b.py"), "def beta():\n    alpha()\n").unwrap();

        let mut first = Index::new(root);
        let stats = refresh(&mut first, Some(cache.path())).unwrap();
        assert_eq!(stats.added.len(), 2);
        assert!(file_of(cache.path(), root).is_file());

        // "Restart": a fresh in-memory index loads the stored one.
        std::fs::write(root.join("b.py"), "def beta():\n    return alpha()\n").unwrap();
        let mut second = Index::new(root);
        let stats = refresh(&mut second, Some(cache.path())).unwrap();
        assert!(stats.added.is_empty(), "{stats:?}");
        assert_eq!(stats.changed, vec!["b.py"]);
        assert_eq!(second.definitions_of("alpha").count(), 1);

        // The change was written back: a third start has nothing to do.
        let mut third = Index::new(root);
        let stats = refresh(&mut third, Some(cache.path())).unwrap();
        assert!(stats.is_empty(), "{stats:?}");
        assert_eq!(third.references_to("alpha").count(), 1);
    }

    #[test]
    fn a_broken_cache_is_rebuilt() {
        let project = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        let root = project.path();
        std::fs::write(root.join("a.py"), "def alpha():\n    pass\n").unwrap();
        std::fs::write(file_of(cache.path(), root), b"not a database").unwrap();
        let mut index = Index::new(root);
        let stats = refresh(&mut index, Some(cache.path())).unwrap();
        assert_eq!(stats.added, vec!["a.py"]);
    }
}
