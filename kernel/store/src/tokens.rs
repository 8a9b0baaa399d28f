//! Gateway API tokens: who may speak to the kernel over HTTP.
//!
//! Owns: recording a token (only the SHA-256 of its secret), finding one by its
//! public id, listing, revoking by name, and noting its last use. Checking a
//! presented secret against the hash (in constant time) is the gateway's job.
//!
//! Must never: store a token's secret, or let two live tokens share a name.

use rusqlite::{OptionalExtension, Row, params};

use crate::Store;
use crate::error::StoreError;

/// A recorded token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    /// Public id (the part of the token before the secret).
    pub id: String,
    /// Its name ("phone").
    pub name: String,
    /// Lower-case hex SHA-256 of the secret.
    pub secret_hash: String,
    /// `admin` or `user`.
    pub scope: String,
    /// When it was made, ms since the Unix epoch.
    pub created_ms: i64,
    /// When it was last used.
    pub last_used_ms: Option<i64>,
    /// When it was revoked.
    pub revoked_ms: Option<i64>,
}

fn row(r: &Row<'_>) -> rusqlite::Result<TokenRow> {
    Ok(TokenRow {
        id: r.get(0)?,
        name: r.get(1)?,
        secret_hash: r.get(2)?,
        scope: r.get(3)?,
        created_ms: r.get(4)?,
        last_used_ms: r.get(5)?,
        revoked_ms: r.get(6)?,
    })
}

const COLUMNS: &str = "id, name, secret_hash, scope, created_ms, last_used_ms, revoked_ms";

impl Store {
    /// Records a new token; fails with [`StoreError::TokenNameTaken`] when a live
    /// token already has the name.
    pub fn token_create(&self, token: &TokenRow) -> Result<(), StoreError> {
        let result = self.lock().execute(
            "INSERT INTO tokens (id, name, secret_hash, scope, created_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![token.id, token.name, token.secret_hash, token.scope, token.created_ms],
        );
        match result {
            Ok(_) => Ok(()),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Err(StoreError::TokenNameTaken {
                    name: token.name.clone(),
                })
            }
            Err(e) => Err(StoreError::Sqlite {
                context: "recording a token",
                source: e,
            }),
        }
    }

    /// The token with this public id, revoked or not.
    pub fn token(&self, id: &str) -> Result<Option<TokenRow>, StoreError> {
        self.lock()
            .prepare_cached(&format!("SELECT {COLUMNS} FROM tokens WHERE id = ?1"))
            .and_then(|mut stmt| stmt.query_row(params![id], row))
            .optional()
            .map_err(StoreError::sqlite("reading a token"))
    }

    /// Every token, live ones first, then by name.
    pub fn tokens(&self) -> Result<Vec<TokenRow>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare(&format!(
                "SELECT {COLUMNS} FROM tokens ORDER BY revoked_ms IS NOT NULL, name, created_ms"
            ))
            .map_err(StoreError::sqlite("listing tokens"))?;
        let rows = stmt
            .query_map([], row)
            .map_err(StoreError::sqlite("listing tokens"))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(StoreError::sqlite("listing tokens"))
    }

    /// Revokes the live token named `name`; `false` when there is none.
    pub fn token_revoke(&self, name: &str, at_ms: i64) -> Result<bool, StoreError> {
        let changed = self
            .lock()
            .execute(
                "UPDATE tokens SET revoked_ms = ?2 WHERE name = ?1 AND revoked_ms IS NULL",
                params![name, at_ms],
            )
            .map_err(StoreError::sqlite("revoking a token"))?;
        Ok(changed > 0)
    }

    /// Notes that token `id` was used at `at_ms`.
    pub fn token_touch(&self, id: &str, at_ms: i64) -> Result<(), StoreError> {
        self.lock()
            .execute(
                "UPDATE tokens SET last_used_ms = ?2 WHERE id = ?1",
                params![id, at_ms],
            )
            .map_err(StoreError::sqlite("noting a token's use"))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(id: &str, name: &str) -> TokenRow {
        TokenRow {
            id: id.into(),
            name: name.into(),
            secret_hash: "ab".into(),
            scope: "user".into(),
            created_ms: 1,
            last_used_ms: None,
            revoked_ms: None,
        }
    }

    #[test]
    fn names_are_unique_among_live_tokens() {
        let store = Store::open_in_memory().unwrap();
        store.token_create(&token("a", "phone")).unwrap();
        assert!(matches!(
            store.token_create(&token("b", "phone")),
            Err(StoreError::TokenNameTaken { .. })
        ));
        assert!(store.token_revoke("phone", 5).unwrap());
        assert!(!store.token_revoke("phone", 6).unwrap());
        store.token_create(&token("b", "phone")).unwrap();
        let listed: Vec<(String, Option<i64>)> = store
            .tokens()
            .unwrap()
            .into_iter()
            .map(|t| (t.id, t.revoked_ms))
            .collect();
        assert_eq!(listed, [("b".into(), None), ("a".into(), Some(5))]);
    }

    #[test]
    fn a_token_is_found_by_id_and_its_use_noted() {
        let store = Store::open_in_memory().unwrap();
        store.token_create(&token("a", "phone")).unwrap();
        store.token_touch("a", 9).unwrap();
        assert_eq!(store.token("a").unwrap().unwrap().last_used_ms, Some(9));
        assert_eq!(store.token("zz").unwrap(), None);
    }
}
