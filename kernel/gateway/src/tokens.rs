//! API tokens: `rlx_<id>_<secret>`. The id finds the row; only the SHA-256 of the
//! secret is stored, and a presented secret is compared with it in constant time.
//!
//! Owns: making a token ([`issue`]), reading one presented in a header
//! ([`Presented::parse`]) and checking it against the store ([`verify`]).

use ralex_store::{Store, StoreError, TokenRow};
use rand::Rng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everything, including installing plugins.
    Admin,
    /// Commands, undo, events, context.
    User,
}

impl Scope {
    /// `admin` or `user`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Admin => "admin",
            Scope::User => "user",
        }
    }

    /// From its name.
    pub fn parse(text: &str) -> Option<Scope> {
        match text {
            "admin" => Some(Scope::Admin),
            "user" => Some(Scope::User),
            _ => None,
        }
    }
}

/// A token as presented: its id and secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presented<'a> {
    /// Public id.
    pub id: &'a str,
    /// Secret.
    pub secret: &'a str,
}

impl<'a> Presented<'a> {
    /// Reads `rlx_<id>_<secret>`; `None` for anything else.
    pub fn parse(token: &'a str) -> Option<Presented<'a>> {
        let rest = token.strip_prefix("rlx_")?;
        let (id, secret) = rest.split_once('_')?;
        let hex = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit());
        (hex(id, 12) && hex(secret, 64)).then_some(Presented { id, secret })
    }
}

/// Who a valid token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Token id.
    pub id: String,
    /// Token name ("phone").
    pub name: String,
    /// What it may do.
    pub scope: Scope,
}

fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Makes and records a token named `name`; returns the token text (shown once).
pub fn issue(store: &Store, name: &str, scope: Scope, now_ms: i64) -> Result<String, StoreError> {
    let mut rng = rand::rng();
    let mut bytes = [0u8; 38];
    rng.fill(&mut bytes[..]);
    let id = hex::encode(&bytes[..6]);
    let secret = hex::encode(&bytes[6..]);
    store.token_create(&TokenRow {
        id: id.clone(),
        name: name.to_owned(),
        secret_hash: hash(&secret),
        scope: scope.as_str().to_owned(),
        created_ms: now_ms,
        last_used_ms: None,
        revoked_ms: None,
    })?;
    Ok(format!("rlx_{id}_{secret}"))
}

/// The caller behind `token`, if it is a live token of this store.
pub fn verify(store: &Store, token: &str) -> Result<Option<Caller>, StoreError> {
    let Some(presented) = Presented::parse(token) else {
        return Ok(None);
    };
    let Some(row) = store.token(presented.id)? else {
        return Ok(None);
    };
    let matches: bool = hash(presented.secret)
        .as_bytes()
        .ct_eq(row.secret_hash.as_bytes())
        .into();
    if !matches || row.revoked_ms.is_some() {
        return Ok(None);
    }
    let Some(scope) = Scope::parse(&row.scope) else {
        return Ok(None);
    };
    Ok(Some(Caller {
        id: row.id,
        name: row.name,
        scope,
    }))
}

/// A valid name: 1–64 of letters, digits, `-`, `_`, `.`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issued_token_verifies_until_revoked() {
        let store = Store::open_in_memory().unwrap();
        let token = issue(&store, "phone", Scope::User, 1).unwrap();
        let caller = verify(&store, &token).unwrap().unwrap();
        assert_eq!((caller.name.as_str(), caller.scope), ("phone", Scope::User));
        let mut wrong = token.clone();
        let last = wrong.pop().unwrap();
        wrong.push(if last == '0' { '1' } else { '0' });
        assert_eq!(verify(&store, &wrong).unwrap(), None);
        assert_eq!(verify(&store, "Bearer nonsense").unwrap(), None);
        store.token_revoke("phone", 2).unwrap();
        assert_eq!(verify(&store, &token).unwrap(), None);
    }

    #[test]
    fn names_are_checked() {
        assert!(valid_name("phone-1.home"));
        assert!(!valid_name(""));
        assert!(!valid_name("my phone"));
    }
}
