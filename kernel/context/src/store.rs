//! Persisting the index in SQLite through a connection the caller owns, so a
//! restart reloads it and re-parses only files that changed meanwhile.
//!
//! Tables (created if missing; the kernel store will adopt them into its
//! migrations): `ctx_files` (one row per file with mtime, size, sha256,
//! language), `ctx_symbols` and `ctx_refs` (rows per file, removed with it).
//! One connection holds one project's index. Writes happen in one transaction.

use std::collections::BTreeMap;
use std::path::PathBuf;

use rusqlite::{Connection, params};

use crate::extract::{Reference, Symbol, SymbolKind};
use crate::index::{FileEntry, Index, UpdateStats};
use crate::lang::Lang;

/// Why persisting or loading failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused.
    #[error("context store: {0}")]
    Sql(#[from] rusqlite::Error),
    /// A row holds a value this version does not know.
    #[error("context store: file {path} has unknown {what} {value:?}")]
    Corrupt {
        /// The file the row belongs to.
        path: String,
        /// Which column.
        what: &'static str,
        /// The value found.
        value: String,
    },
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS ctx_files (
    path     TEXT PRIMARY KEY,
    mtime_ns INTEGER NOT NULL,
    size     INTEGER NOT NULL,
    sha256   TEXT NOT NULL,
    lang     TEXT
);
CREATE TABLE IF NOT EXISTS ctx_symbols (
    path      TEXT NOT NULL REFERENCES ctx_files(path) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL,
    line      INTEGER NOT NULL,
    end_line  INTEGER NOT NULL,
    container TEXT
);
CREATE INDEX IF NOT EXISTS ctx_symbols_path ON ctx_symbols(path);
CREATE INDEX IF NOT EXISTS ctx_symbols_name ON ctx_symbols(name);
CREATE TABLE IF NOT EXISTS ctx_refs (
    path TEXT NOT NULL REFERENCES ctx_files(path) ON DELETE CASCADE,
    name TEXT NOT NULL,
    line INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ctx_refs_path ON ctx_refs(path);
CREATE INDEX IF NOT EXISTS ctx_refs_name ON ctx_refs(name);
";

/// Create the tables if they are missing.
pub fn ensure_schema(conn: &Connection) -> Result<(), StoreError> {
    conn.execute_batch(SCHEMA)?;
    Ok(())
}

/// Replace everything stored with `index`.
pub fn save(conn: &Connection, index: &Index) -> Result<(), StoreError> {
    ensure_schema(conn)?;
    let tx = conn.unchecked_transaction()?;
    tx.execute_batch("DELETE FROM ctx_refs; DELETE FROM ctx_symbols; DELETE FROM ctx_files;")?;
    for (path, entry) in index.files() {
        insert_file(&tx, path, entry)?;
    }
    tx.commit()?;
    Ok(())
}

/// Write only what an update changed.
pub fn save_changes(
    conn: &Connection,
    index: &Index,
    stats: &UpdateStats,
) -> Result<(), StoreError> {
    if stats.is_empty() {
        return Ok(());
    }
    ensure_schema(conn)?;
    let tx = conn.unchecked_transaction()?;
    for path in stats
        .removed
        .iter()
        .chain(&stats.changed)
        .chain(&stats.added)
    {
        delete_file(&tx, path)?;
    }
    for path in stats.changed.iter().chain(&stats.added) {
        if let Some(entry) = index.file(path) {
            insert_file(&tx, path, entry)?;
        }
    }
    for path in &stats.touched {
        if let Some(e) = index.file(path) {
            tx.execute(
                "UPDATE ctx_files SET mtime_ns = ?2, size = ?3 WHERE path = ?1",
                params![path, e.mtime_ns, e.size as i64],
            )?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Load the stored index of the project at `root` (empty if nothing is stored).
/// Call [`Index::update`] afterwards to catch up with the disk.
pub fn load(conn: &Connection, root: impl Into<PathBuf>) -> Result<Index, StoreError> {
    ensure_schema(conn)?;
    let mut files: BTreeMap<String, FileEntry> = BTreeMap::new();
    let mut stmt = conn.prepare("SELECT path, mtime_ns, size, sha256, lang FROM ctx_files")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    for row in rows {
        let (path, mtime_ns, size, sha256, lang) = row?;
        let lang = match lang {
            None => None,
            Some(name) => Some(Lang::from_name(&name).ok_or_else(|| StoreError::Corrupt {
                path: path.clone(),
                what: "language",
                value: name,
            })?),
        };
        files.insert(
            path,
            FileEntry {
                mtime_ns,
                size: size as u64,
                sha256,
                lang,
                symbols: Vec::new(),
                references: Vec::new(),
            },
        );
    }
    let mut stmt = conn.prepare(
        "SELECT path, name, kind, line, end_line, container FROM ctx_symbols ORDER BY rowid",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, u32>(3)?,
            r.get::<_, u32>(4)?,
            r.get::<_, Option<String>>(5)?,
        ))
    })?;
    for row in rows {
        let (path, name, kind, line, end_line, container) = row?;
        let kind = SymbolKind::from_name(&kind).ok_or_else(|| StoreError::Corrupt {
            path: path.clone(),
            what: "symbol kind",
            value: kind.clone(),
        })?;
        if let Some(f) = files.get_mut(&path) {
            f.symbols.push(Symbol {
                name,
                kind,
                line,
                end_line,
                container,
            });
        }
    }
    let mut stmt = conn.prepare("SELECT path, name, line FROM ctx_refs ORDER BY rowid")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, u32>(2)?,
        ))
    })?;
    for row in rows {
        let (path, name, line) = row?;
        if let Some(f) = files.get_mut(&path) {
            f.references.push(Reference { name, line });
        }
    }
    Ok(Index::from_entries(root, files))
}

fn delete_file(conn: &Connection, path: &str) -> Result<(), StoreError> {
    conn.execute("DELETE FROM ctx_refs WHERE path = ?1", [path])?;
    conn.execute("DELETE FROM ctx_symbols WHERE path = ?1", [path])?;
    conn.execute("DELETE FROM ctx_files WHERE path = ?1", [path])?;
    Ok(())
}

fn insert_file(conn: &Connection, path: &str, e: &FileEntry) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO ctx_files (path, mtime_ns, size, sha256, lang) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            path,
            e.mtime_ns,
            e.size as i64,
            e.sha256,
            e.lang.map(Lang::name)
        ],
    )?;
    let mut sym = conn.prepare_cached(
        "INSERT INTO ctx_symbols (path, name, kind, line, end_line, container)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for s in &e.symbols {
        sym.execute(params![
            path,
            s.name,
            s.kind.name(),
            s.line,
            s.end_line,
            s.container
        ])?;
    }
    let mut rf =
        conn.prepare_cached("INSERT INTO ctx_refs (path, name, line) VALUES (?1, ?2, ?3)")?;
    for r in &e.references {
        rf.execute(params![path, r.name, r.line])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn round_trip_and_restart_without_reparse() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        fs::write(
            root.join("a.py"),
            "class Cart:\n    def total(self):\n        return helper()\n",
        )
        .expect("write");
        fs::write(root.join("b.go"), "package b\nfunc Helper() {}\n").expect("write");
        fs::write(root.join("notes.md"), "# notes\n").expect("write");
        let db = root.join("ctx.sqlite");
        let index = Index::build(root).expect("build");
        {
            let conn = Connection::open(&db).expect("open");
            save(&conn, &index).expect("save");
        }

        let conn = Connection::open(&db).expect("reopen");
        let mut loaded = load(&conn, root).expect("load");
        let a: Vec<_> = index
            .files()
            .map(|(p, e)| (p.to_string(), e.clone()))
            .collect();
        let b: Vec<_> = loaded
            .files()
            .map(|(p, e)| (p.to_string(), e.clone()))
            .collect();
        assert_eq!(a, b);
        // The database file itself is new on disk; nothing else is re-read.
        let stats = loaded.update().expect("update");
        assert_eq!(stats.added, ["ctx.sqlite"]);
        assert!(stats.changed.is_empty() && stats.removed.is_empty());

        // An edit is saved incrementally and survives another restart.
        fs::write(root.join("b.go"), "package b\n\nfunc Other() {}\n").expect("write");
        fs::remove_file(root.join("notes.md")).expect("rm");
        let stats = loaded.update().expect("update");
        save_changes(&conn, &loaded, &stats).expect("save changes");
        let again = load(&conn, root).expect("load");
        assert_eq!(
            again.definitions_of("Other").next().map(|d| d.symbol.line),
            Some(3)
        );
        assert_eq!(again.definitions_of("Helper").count(), 0);
        assert!(again.file("notes.md").is_none());
        assert_eq!(again.references_to("helper").count(), 1);
    }

    #[test]
    fn unknown_values_are_reported() {
        let conn = Connection::open_in_memory().expect("open");
        ensure_schema(&conn).expect("schema");
        conn.execute(
            "INSERT INTO ctx_files VALUES ('x.cob', 0, 0, '', 'cobol')",
            [],
        )
        .expect("insert");
        let err = load(&conn, "/p").expect_err("unknown language");
        assert!(err.to_string().contains("x.cob"), "{err}");
    }
}
