//! `kv`: the plugin's private namespace in the kernel's SQLite store. The namespace
//! is the plugin's name, set by the host — a plugin cannot name another's.

use ralex_store::{KvQuota, StoreError};

use super::wit::kv::Host;
use ralex_policy::{Action, Resource};

use super::error;
use crate::bindings::{ErrorCode, WitError};
use crate::state::CallState;

impl CallState {
    /// The manifest must ask for kv and the policy grant it. Each kv call is
    /// audited with a digest of its key (reads with relaxed durability).
    fn kv_allowed(&self, key: &str, read: bool) -> Result<(), WitError> {
        let resource = Resource::Kv(self.plugin.name.clone());
        if !self.plugin.kv {
            return Err(self.refuse_by_manifest(
                Action::KvUse,
                &resource,
                &[key.as_bytes()],
                "its manifest does not ask for it (add `kv = true` under [permissions])",
            ));
        }
        if read {
            self.authorize_read(Action::KvUse, &resource, &[key.as_bytes()])
        } else {
            self.authorize(Action::KvUse, &resource, &[key.as_bytes()])
        }
    }
}

fn store_error(e: StoreError) -> WitError {
    let code = match &e {
        StoreError::InvalidKey { .. } => ErrorCode::InvalidInput,
        StoreError::ValueTooLarge { .. } => ErrorCode::TooLarge,
        StoreError::QuotaExceeded { .. } => ErrorCode::LimitExceeded,
        _ => ErrorCode::Internal,
    };
    if code == ErrorCode::Internal {
        tracing::error!(error = %e, "kv store failure");
    }
    error(code, e.to_string())
}

impl Host for CallState {
    async fn get(&mut self, key: String) -> Result<Option<Vec<u8>>, WitError> {
        self.kv_allowed(&key, true)?;
        self.kernel_store
            .kv_get(&self.plugin.name, &key)
            .map_err(store_error)
    }

    async fn set(&mut self, key: String, value: Vec<u8>) -> Result<(), WitError> {
        self.kv_allowed(&key, false)?;
        self.kernel_store
            .kv_set(&self.plugin.name, &key, &value, &KvQuota::default())
            .map_err(store_error)
    }

    async fn delete(&mut self, key: String) -> Result<bool, WitError> {
        self.kv_allowed(&key, false)?;
        self.kernel_store
            .kv_delete(&self.plugin.name, &key)
            .map_err(store_error)
    }

    async fn list_keys(&mut self, prefix: String, limit: u32) -> Result<Vec<String>, WitError> {
        self.kv_allowed(&prefix, true)?;
        self.kernel_store
            .kv_list(&self.plugin.name, &prefix, limit.min(10_000))
            .map_err(store_error)
    }
}
