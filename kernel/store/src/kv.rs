//! Per-plugin key-value namespaces (the host side of `ralex:plugin/kv`).
//!
//! Owns: key validation, size limits and quotas, and the queries on the `kv`
//! table. A namespace is one plugin's private space; the kernel derives it from
//! the plugin's identity.
//!
//! Must never: let one namespace read, list or count another's keys; let a write
//! pass its quota (the check and the write share one `BEGIN IMMEDIATE`
//! transaction, so two writers cannot both squeeze under the limit); or match
//! keys with `LIKE` (`%` and `_` would be wildcards) — prefixes are byte ranges
//! on the primary key.

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use crate::Store;
use crate::error::StoreError;

/// Limits on one namespace's storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KvQuota {
    /// Longest key, in bytes of UTF-8.
    pub max_key_bytes: usize,
    /// Largest value, in bytes.
    pub max_value_bytes: usize,
    /// Most bytes (keys + values) the namespace may hold.
    pub max_total_bytes: u64,
}

impl Default for KvQuota {
    fn default() -> Self {
        KvQuota {
            max_key_bytes: 256,
            max_value_bytes: 1024 * 1024,
            max_total_bytes: 16 * 1024 * 1024,
        }
    }
}

impl Store {
    /// The value stored under `key` in `namespace`, if any.
    pub fn kv_get(&self, namespace: &str, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        check_namespace(namespace)?;
        check_key(namespace, key, None)?;
        self.lock()
            .query_row(
                "SELECT value FROM kv WHERE namespace = ?1 AND key = ?2",
                params![namespace, key],
                |row| row.get::<_, Vec<u8>>(0),
            )
            .optional()
            .map_err(StoreError::sqlite("reading a key"))
    }

    /// Stores `value` under `key`, replacing any earlier value, within `quota`.
    ///
    /// Replacing a value counts the new size against the quota, not both.
    /// A write that shrinks the namespace is allowed even when it is over a
    /// (since lowered) quota, so a plugin can always clean up.
    pub fn kv_set(
        &self,
        namespace: &str,
        key: &str,
        value: &[u8],
        quota: &KvQuota,
    ) -> Result<(), StoreError> {
        check_namespace(namespace)?;
        check_key(namespace, key, Some(quota.max_key_bytes))?;
        if value.len() > quota.max_value_bytes {
            return Err(StoreError::ValueTooLarge {
                namespace: namespace.to_owned(),
                key: key.to_owned(),
                size: value.len(),
                limit: quota.max_value_bytes,
            });
        }

        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::sqlite("starting a key write"))?;
        let used = usage(&tx, namespace)?;
        let old: u64 = tx
            .query_row(
                "SELECT length(CAST(key AS BLOB)) + length(value) FROM kv
                  WHERE namespace = ?1 AND key = ?2",
                params![namespace, key],
                |row| row.get::<_, i64>(0),
            )
            .optional()
            .map_err(StoreError::sqlite("reading the size of a key"))?
            .map_or(0, to_u64);
        let new = (key.len() + value.len()) as u64;
        let needed = used.saturating_sub(old).saturating_add(new);
        if new > old && needed > quota.max_total_bytes {
            return Err(StoreError::QuotaExceeded {
                namespace: namespace.to_owned(),
                used,
                needed,
                limit: quota.max_total_bytes,
            });
        }
        tx.execute(
            "INSERT INTO kv (namespace, key, value, updated_at)
             VALUES (?1, ?2, ?3, unixepoch())
             ON CONFLICT (namespace, key)
             DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            params![namespace, key, value],
        )
        .map_err(StoreError::sqlite("writing a key"))?;
        tx.commit()
            .map_err(StoreError::sqlite("committing a key write"))
    }

    /// Removes `key` from `namespace`; true if it existed.
    pub fn kv_delete(&self, namespace: &str, key: &str) -> Result<bool, StoreError> {
        check_namespace(namespace)?;
        check_key(namespace, key, None)?;
        let deleted = self
            .lock()
            .execute(
                "DELETE FROM kv WHERE namespace = ?1 AND key = ?2",
                params![namespace, key],
            )
            .map_err(StoreError::sqlite("deleting a key"))?;
        Ok(deleted > 0)
    }

    /// Keys of `namespace` starting with `prefix`, in byte order, at most `limit`.
    pub fn kv_list(
        &self,
        namespace: &str,
        prefix: &str,
        limit: u32,
    ) -> Result<Vec<String>, StoreError> {
        check_namespace(namespace)?;
        if prefix.contains('\0') {
            return Err(invalid_key(
                namespace,
                prefix,
                "a prefix cannot contain a NUL byte",
            ));
        }
        let conn = self.lock();
        let keys = match prefix_upper_bound(prefix) {
            Some(upper) => {
                let mut stmt = conn
                    .prepare_cached(
                        "SELECT key FROM kv
                          WHERE namespace = ?1 AND key >= ?2 AND key < ?3
                          ORDER BY key LIMIT ?4",
                    )
                    .map_err(StoreError::sqlite("listing keys"))?;
                stmt.query_map(params![namespace, prefix, upper, limit], |row| row.get(0))
                    .and_then(Iterator::collect)
            }
            None => {
                let mut stmt = conn
                    .prepare_cached(
                        "SELECT key FROM kv
                          WHERE namespace = ?1 AND key >= ?2
                          ORDER BY key LIMIT ?3",
                    )
                    .map_err(StoreError::sqlite("listing keys"))?;
                stmt.query_map(params![namespace, prefix, limit], |row| row.get(0))
                    .and_then(Iterator::collect)
            }
        };
        keys.map_err(StoreError::sqlite("listing keys"))
    }

    /// Bytes (keys + values) stored in `namespace`.
    pub fn kv_usage(&self, namespace: &str) -> Result<u64, StoreError> {
        check_namespace(namespace)?;
        usage(&self.lock(), namespace)
    }
}

fn usage(conn: &rusqlite::Connection, namespace: &str) -> Result<u64, StoreError> {
    conn.query_row(
        "SELECT bytes FROM kv_usage WHERE namespace = ?1",
        params![namespace],
        |row| row.get::<_, i64>(0),
    )
    .optional()
    .map_err(StoreError::sqlite("reading a namespace's usage"))
    .map(|bytes| bytes.map_or(0, to_u64))
}

/// SQLite integers are signed; sizes are never negative.
fn to_u64(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// The smallest string greater than every string that starts with `prefix`, or
/// `None` when there is none (empty prefix, or only `U+10FFFF` characters).
///
/// Keys compare as UTF-8 bytes, and UTF-8 byte order is code-point order, so
/// replacing the last character by the next code point bounds the range. The
/// result stays valid UTF-8 (a byte increment would not: `"\x7f"` → `0x80`).
fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = (u32::from(last) + 1..=u32::from(char::MAX)).find_map(char::from_u32);
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

fn check_namespace(namespace: &str) -> Result<(), StoreError> {
    let reason = if namespace.is_empty() {
        "a namespace cannot be empty"
    } else if namespace.contains('\0') {
        "a namespace cannot contain a NUL byte"
    } else {
        return Ok(());
    };
    Err(StoreError::InvalidNamespace {
        namespace: namespace.escape_debug().to_string(),
        reason,
    })
}

/// Empty keys and NUL bytes are always refused; the length only when writing
/// (a too-long key cannot exist, so reading one just finds nothing).
fn check_key(namespace: &str, key: &str, max_bytes: Option<usize>) -> Result<(), StoreError> {
    if key.is_empty() {
        return Err(invalid_key(namespace, key, "a key cannot be empty"));
    }
    if key.contains('\0') {
        return Err(invalid_key(
            namespace,
            key,
            "a key cannot contain a NUL byte",
        ));
    }
    if let Some(max) = max_bytes
        && key.len() > max
    {
        let reason = format!(
            "the key is {} bytes, over the limit of {max} bytes; use a shorter key",
            key.len()
        );
        let shown: String = key.chars().take(64).collect();
        return Err(invalid_key(namespace, &format!("{shown}…"), &reason));
    }
    Ok(())
}

fn invalid_key(namespace: &str, key: &str, reason: &str) -> StoreError {
    StoreError::InvalidKey {
        namespace: namespace.to_owned(),
        key: key.escape_debug().to_string(),
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn store() -> Store {
        Store::open_in_memory().expect("in-memory store")
    }

    fn quota(max_total_bytes: u64) -> KvQuota {
        KvQuota {
            max_total_bytes,
            ..KvQuota::default()
        }
    }

    #[test]
    fn round_trip() {
        let store = store();
        let q = KvQuota::default();
        assert_eq!(store.kv_get("p", "k").expect("get"), None);
        store.kv_set("p", "k", b"\x00\xffbinary", &q).expect("set");
        assert_eq!(
            store.kv_get("p", "k").expect("get"),
            Some(b"\x00\xffbinary".to_vec())
        );
        assert!(store.kv_delete("p", "k").expect("delete"));
        assert!(!store.kv_delete("p", "k").expect("delete again"));
        assert_eq!(store.kv_get("p", "k").expect("get"), None);
        assert_eq!(store.kv_usage("p").expect("usage"), 0);
    }

    #[test]
    fn empty_value_is_stored_not_null() {
        let store = store();
        store
            .kv_set("p", "empty", b"", &KvQuota::default())
            .expect("set");
        assert_eq!(store.kv_get("p", "empty").expect("get"), Some(Vec::new()));
        assert_eq!(store.kv_usage("p").expect("usage"), 5);
    }

    #[test]
    fn unicode_keys_count_bytes_not_characters() {
        let store = store();
        store
            .kv_set("p", "clé-ü", b"v", &KvQuota::default())
            .expect("set");
        assert_eq!(
            store.kv_usage("p").expect("usage"),
            "clé-ü".len() as u64 + 1
        );
    }

    #[test]
    fn invalid_keys_are_refused() {
        let store = store();
        let q = KvQuota::default();
        for key in ["", "a\0b"] {
            let err = store.kv_set("p", key, b"v", &q).expect_err(key);
            assert!(matches!(err, StoreError::InvalidKey { .. }), "{err:?}");
            assert!(err.is_client_error());
            let err = store.kv_get("p", key).expect_err(key);
            assert!(matches!(err, StoreError::InvalidKey { .. }), "{err:?}");
        }
        let long = "k".repeat(257);
        let err = store.kv_set("p", &long, b"v", &q).expect_err("long");
        assert!(matches!(err, StoreError::InvalidKey { .. }), "{err:?}");
        assert!(err.to_string().contains("257 bytes"), "{err}");
        store
            .kv_set("p", &"k".repeat(256), b"v", &q)
            .expect("256 bytes is fine");
        let err = store.kv_get("p", "a\0").expect_err("nul");
        assert!(err.to_string().contains("a\\0"), "{err}");
    }

    #[test]
    fn invalid_namespace_is_refused_as_a_kernel_error() {
        let store = store();
        let err = store.kv_get("", "k").expect_err("empty namespace");
        assert!(
            matches!(err, StoreError::InvalidNamespace { .. }),
            "{err:?}"
        );
        assert!(!err.is_client_error());
    }

    #[test]
    fn value_too_large() {
        let store = store();
        let q = KvQuota {
            max_value_bytes: 10,
            ..KvQuota::default()
        };
        store.kv_set("p", "k", &[0; 10], &q).expect("at the limit");
        let err = store.kv_set("p", "k", &[0; 11], &q).expect_err("too big");
        assert!(
            matches!(
                err,
                StoreError::ValueTooLarge {
                    size: 11,
                    limit: 10,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.is_client_error());
        assert!(err.to_string().contains("`k`"), "{err}");
        assert_eq!(store.kv_get("p", "k").expect("get"), Some(vec![0; 10]));
    }

    #[test]
    fn quota_is_enforced_and_nothing_is_written_past_it() {
        let store = store();
        let q = quota(20);
        store.kv_set("p", "a", &[1; 9], &q).expect("10 bytes");
        store.kv_set("p", "b", &[1; 9], &q).expect("20 bytes");
        let err = store.kv_set("p", "c", &[1], &q).expect_err("22 bytes");
        match &err {
            StoreError::QuotaExceeded {
                namespace,
                used,
                needed,
                limit,
            } => {
                assert_eq!(namespace, "p");
                assert_eq!((*used, *needed, *limit), (20, 22, 20));
            }
            other => panic!("expected QuotaExceeded, got {other:?}"),
        }
        assert!(err.is_client_error());
        assert!(err.to_string().contains("delete keys"), "{err}");
        assert_eq!(store.kv_get("p", "c").expect("get"), None);
        assert_eq!(store.kv_usage("p").expect("usage"), 20);
    }

    #[test]
    fn replacing_counts_the_new_size_only() {
        let store = store();
        let q = quota(20);
        store.kv_set("p", "a", &[1; 15], &q).expect("16 bytes");
        // 16 used; replacing with 19 bytes of value makes 20, not 16 + 20.
        store.kv_set("p", "a", &[2; 19], &q).expect("replace");
        assert_eq!(store.kv_usage("p").expect("usage"), 20);
        store.kv_set("p", "a", &[3; 4], &q).expect("shrink");
        assert_eq!(store.kv_usage("p").expect("usage"), 5);
        assert_eq!(store.kv_get("p", "a").expect("get"), Some(vec![3; 4]));
    }

    #[test]
    fn shrinking_is_allowed_over_a_lowered_quota() {
        let store = store();
        store
            .kv_set("p", "a", &[1; 99], &quota(1000))
            .expect("100 bytes");
        store
            .kv_set("p", "a", &[1; 49], &quota(10))
            .expect("shrinking under a lower quota");
        let err = store
            .kv_set("p", "a", &[1; 60], &quota(10))
            .expect_err("growing");
        assert!(matches!(err, StoreError::QuotaExceeded { .. }), "{err:?}");
    }

    #[test]
    fn namespaces_are_isolated() {
        let store = store();
        let q = quota(10);
        store.kv_set("alice", "secret", b"1234", &q).expect("set");
        assert_eq!(store.kv_get("bob", "secret").expect("get"), None);
        assert!(store.kv_list("bob", "", 100).expect("list").is_empty());
        assert!(!store.kv_delete("bob", "secret").expect("delete"));
        assert_eq!(store.kv_usage("bob").expect("usage"), 0);
        // Bob's quota is his own: Alice's 10 bytes don't count against it.
        store.kv_set("bob", "secret", b"5678", &q).expect("bob set");
        assert_eq!(
            store.kv_get("alice", "secret").expect("get"),
            Some(b"1234".to_vec())
        );
        assert_eq!(store.kv_usage("alice").expect("usage"), 10);
        // A namespace that is a prefix of another sees nothing of it.
        store.kv_set("ali", "x", b"1", &q).expect("set");
        assert_eq!(store.kv_list("ali", "", 100).expect("list"), vec!["x"]);
    }

    #[test]
    fn list_is_a_byte_ordered_prefix_range() {
        let store = store();
        let q = KvQuota::default();
        for key in ["b", "a/2", "a/1", "a", "a0", "ab", "é", "z"] {
            store.kv_set("p", key, b"", &q).expect("set");
        }
        assert_eq!(
            store.kv_list("p", "", 100).expect("all"),
            vec!["a", "a/1", "a/2", "a0", "ab", "b", "z", "é"]
        );
        assert_eq!(
            store.kv_list("p", "a/", 100).expect("a/"),
            vec!["a/1", "a/2"]
        );
        assert_eq!(
            store.kv_list("p", "a", 3).expect("limit"),
            vec!["a", "a/1", "a/2"]
        );
        assert!(store.kv_list("p", "a", 0).expect("zero").is_empty());
        assert!(store.kv_list("p", "nothing", 10).expect("none").is_empty());
    }

    #[test]
    fn list_prefix_with_like_wildcards_is_literal() {
        let store = store();
        let q = KvQuota::default();
        for key in [
            "100%", "100%done", "1000", "100x", "a_b", "a_c", "axb", "aXc",
        ] {
            store.kv_set("p", key, b"", &q).expect("set");
        }
        assert_eq!(
            store.kv_list("p", "100%", 10).expect("percent"),
            vec!["100%", "100%done"]
        );
        assert_eq!(
            store.kv_list("p", "a_", 10).expect("underscore"),
            vec!["a_b", "a_c"]
        );
    }

    #[test]
    fn list_prefix_at_character_boundaries() {
        let store = store();
        let q = KvQuota::default();
        for key in [
            "\u{7f}",
            "\u{7f}x",
            "\u{80}",
            "\u{d7ff}a",
            "\u{e000}",
            "\u{10ffff}z",
        ] {
            store.kv_set("p", key, b"", &q).expect("set");
        }
        assert_eq!(
            store.kv_list("p", "\u{7f}", 10).expect("7f"),
            vec!["\u{7f}", "\u{7f}x"]
        );
        assert_eq!(
            store
                .kv_list("p", "\u{d7ff}", 10)
                .expect("before surrogates"),
            vec!["\u{d7ff}a"]
        );
        assert_eq!(
            store.kv_list("p", "\u{10ffff}", 10).expect("max char"),
            vec!["\u{10ffff}z"]
        );
        let err = store.kv_list("p", "a\0", 10).expect_err("nul prefix");
        assert!(matches!(err, StoreError::InvalidKey { .. }), "{err:?}");
    }

    #[test]
    fn prefix_upper_bounds() {
        assert_eq!(prefix_upper_bound(""), None);
        assert_eq!(prefix_upper_bound("ab").as_deref(), Some("ac"));
        assert_eq!(prefix_upper_bound("a\u{7f}").as_deref(), Some("a\u{80}"));
        assert_eq!(prefix_upper_bound("\u{d7ff}").as_deref(), Some("\u{e000}"));
        assert_eq!(prefix_upper_bound("a\u{10ffff}").as_deref(), Some("b"));
        assert_eq!(prefix_upper_bound("\u{10ffff}\u{10ffff}"), None);
    }

    #[test]
    fn list_uses_the_primary_key_range() {
        let store = store();
        let conn = store.lock();
        let plan: Vec<String> = conn
            .prepare(
                "EXPLAIN QUERY PLAN SELECT key FROM kv
                  WHERE namespace = ?1 AND key >= ?2 AND key < ?3 ORDER BY key LIMIT ?4",
            )
            .expect("prepare")
            .query_map(params!["p", "a", "b", 10], |row| row.get::<_, String>(3))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        let plan = plan.join("\n");
        assert!(plan.contains("PRIMARY KEY"), "{plan}");
        assert!(plan.contains("key>? AND key<?"), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
    }

    #[test]
    fn usage_matches_the_table_after_many_changes() {
        let store = store();
        let q = KvQuota::default();
        for i in 0..50u8 {
            store
                .kv_set(
                    "p",
                    &format!("key-{}", i % 17),
                    &vec![i; usize::from(i)],
                    &q,
                )
                .expect("set");
            if i % 5 == 0 {
                store
                    .kv_delete("p", &format!("key-{}", i % 7))
                    .expect("delete");
            }
        }
        let summed: i64 = store
            .lock()
            .query_row(
                "SELECT coalesce(sum(length(CAST(key AS BLOB)) + length(value)), 0)
                   FROM kv WHERE namespace = 'p'",
                [],
                |row| row.get(0),
            )
            .expect("sum");
        assert_eq!(store.kv_usage("p").expect("usage"), summed as u64);
    }

    #[test]
    fn concurrent_use_from_four_threads() {
        let store = Arc::new(store());
        let q = quota(4 * 100 * 16);
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let store = Arc::clone(&store);
                let q = q.clone();
                std::thread::spawn(move || {
                    for i in 0..100 {
                        let key = format!("t{t}-{i:03}");
                        store
                            .kv_set("shared", &key, b"0123456789", &q)
                            .expect("set");
                        store
                            .kv_set(&format!("own-{t}"), "k", &[t; 4], &q)
                            .expect("own");
                        assert!(store.kv_get("shared", &key).expect("get").is_some());
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().expect("thread panicked");
        }
        assert_eq!(store.kv_list("shared", "", 1000).expect("list").len(), 400);
        // Keys `tN-NNN` are 6 bytes, values 10: the quota is exactly full.
        assert_eq!(store.kv_usage("shared").expect("usage"), 400 * (6 + 10));
        for t in 0..4u8 {
            assert_eq!(
                store.kv_get(&format!("own-{t}"), "k").expect("get"),
                Some(vec![t; 4])
            );
        }
    }

    #[test]
    fn concurrent_writers_on_separate_connections_respect_the_quota() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ralex.db");
        Store::open(&path).expect("create");
        // Each write is 10 bytes; the quota admits exactly 25 of the 40 attempts.
        let q = quota(250);
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let path = path.clone();
                let q = q.clone();
                std::thread::spawn(move || {
                    let store = Store::open(&path).expect("open");
                    let mut written = 0;
                    for i in 0..10 {
                        match store.kv_set("p", &format!("{t}-{i}-"), b"xxxxxx", &q) {
                            Ok(()) => written += 1,
                            Err(StoreError::QuotaExceeded { .. }) => {}
                            Err(other) => panic!("unexpected error: {other}"),
                        }
                    }
                    written
                })
            })
            .collect();
        let written: usize = threads
            .into_iter()
            .map(|thread| thread.join().expect("thread panicked"))
            .sum();
        assert_eq!(written, 25);
        let store = Store::open(&path).expect("open");
        assert_eq!(store.kv_usage("p").expect("usage"), 250);
    }
}
