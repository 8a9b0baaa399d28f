//! Running one call: a fresh `Store` with the plugin's limits, the deadline, the
//! wall-clock timeout, and the mapping of whatever went wrong into a [`CallError`].
//!
//! A call never outlives its limits and never takes the kernel down: traps, runaway
//! loops, memory bombs and stack overflows all end here as typed errors, and the
//! store (the instance and everything it allocated) is dropped with the call.

use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmtime::{Store, Trap, UpdateDeadline};

use crate::Host;
use crate::bindings::WitError;
use crate::error::CallError;
use crate::plugin::Plugin;
use crate::state::{CallContext, CallState};

/// Slack given to the wall-clock timeout over the epoch deadline, so the deadline
/// (which yields a precise "timeout" trap) normally fires first.
const TIMEOUT_GRACE: Duration = Duration::from_millis(100);

/// What a finished call produced besides its value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CallStats {
    /// Wall-clock time of the call, instantiation included.
    pub duration: Duration,
    /// Log lines accepted.
    pub log_lines: u32,
    /// Log lines dropped past the quota.
    pub log_dropped: u64,
    /// Progress reports accepted.
    pub progress_events: u32,
    /// Bytes of stdout/stderr dropped past the capture cap.
    pub stdio_dropped: u64,
}

/// A call's value and its statistics.
#[derive(Clone, Debug)]
pub struct CallOutcome<T> {
    /// What the plugin returned.
    pub value: T,
    /// How the call went.
    pub stats: CallStats,
}

/// One call in progress.
pub(crate) struct Call {
    pub(crate) store: Store<CallState>,
    started: Instant,
    timeout: Duration,
    plugin: String,
    memory_mb: u32,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl Host {
    /// Start a call: wait for an instance slot, make a fresh store with the limits.
    pub(crate) async fn begin(
        &self,
        plugin: &Plugin,
        context: CallContext,
    ) -> Result<Call, CallError> {
        let permit =
            self.permits
                .clone()
                .acquire_owned()
                .await
                .map_err(|_| CallError::Instantiate {
                    plugin: plugin.name().to_string(),
                    reason: "the host is shutting down".to_string(),
                })?;
        let grants = plugin.grants.clone();
        let timeout = grants.timeout;
        let memory_mb = grants.memory_mb;
        let state = CallState::new(
            grants,
            Arc::clone(&self.kernel_store),
            Arc::clone(&self.policy),
            context,
        );
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limiter);
        let started = Instant::now();
        let deadline = started + timeout;
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(move |_| {
            Ok(if Instant::now() >= deadline {
                UpdateDeadline::Interrupt
            } else {
                UpdateDeadline::Yield(1)
            })
        });
        Ok(Call {
            store,
            started,
            timeout,
            plugin: plugin.name().to_string(),
            memory_mb,
            _permit: permit,
        })
    }
}

impl Call {
    /// Run the call's future under the wall-clock timeout, then account for it.
    /// `work` borrows the call's store; it is dropped before the store is read again.
    pub(crate) async fn finish<T>(
        mut self,
        work: impl AsyncFnOnce(&mut Store<CallState>) -> wasmtime::Result<Result<T, WitError>>,
    ) -> Result<CallOutcome<T>, CallError> {
        let limit = self.timeout + TIMEOUT_GRACE;
        let result = tokio::time::timeout(limit, work(&mut self.store)).await;
        let stats = self.account();
        let value = match result {
            Err(_elapsed) => Err(CallError::Timeout {
                plugin: self.plugin.clone(),
                timeout: self.timeout,
            }),
            Ok(Err(err)) => Err(self.classify(err)),
            Ok(Ok(Err(e))) => Err(CallError::Plugin {
                plugin: self.plugin.clone(),
                code: e.code,
                message: e.message,
            }),
            Ok(Ok(Ok(value))) => Ok(value),
        };
        match &value {
            Ok(_) => {
                tracing::debug!(plugin = %self.plugin, duration_us = stats.duration.as_micros() as u64, "plugin call finished")
            }
            Err(e) => {
                tracing::warn!(plugin = %self.plugin, duration_us = stats.duration.as_micros() as u64, error = %e, "plugin call failed")
            }
        }
        value.map(|value| CallOutcome { value, stats })
    }

    /// Collect statistics and flush captured stdio into the trace.
    fn account(&mut self) -> CallStats {
        let data = self.store.data();
        let (out, out_dropped) = data.stdout.take();
        let (err, err_dropped) = data.stderr.take();
        for (stream, text) in [("stdout", out), ("stderr", err)] {
            for line in text.lines().filter(|l| !l.trim().is_empty()).take(200) {
                tracing::info!(target: "ralex::plugin", plugin = %self.plugin, stream, "{line}");
            }
        }
        let stats = CallStats {
            duration: self.started.elapsed(),
            log_lines: data.log_quota.accepted(),
            log_dropped: data.log_quota.dropped,
            progress_events: data.progress_quota.accepted(),
            stdio_dropped: out_dropped + err_dropped,
        };
        if stats.log_dropped > 0 || stats.stdio_dropped > 0 {
            tracing::warn!(
                plugin = %self.plugin,
                log_dropped = stats.log_dropped,
                stdio_dropped = stats.stdio_dropped,
                "plugin output past its per-call quota was dropped"
            );
        }
        stats
    }

    fn classify(&self, err: wasmtime::Error) -> CallError {
        let plugin = self.plugin.clone();
        if self.store.data().limiter.memory_refused {
            return CallError::MemoryLimit {
                plugin,
                limit_mb: self.memory_mb,
            };
        }
        match err.downcast_ref::<Trap>() {
            Some(Trap::Interrupt) => CallError::Timeout {
                plugin,
                timeout: self.timeout,
            },
            Some(Trap::StackOverflow) => CallError::StackOverflow { plugin },
            Some(_) => CallError::Trap {
                plugin,
                trap: describe(&err),
            },
            None => CallError::Instantiate {
                plugin,
                reason: describe(&err),
            },
        }
    }
}

/// The error with its wasm backtrace, bounded in size.
fn describe(err: &wasmtime::Error) -> String {
    let mut text = format!("{err:?}");
    if text.len() > 4096 {
        let mut end = 4096;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push_str("\n…");
    }
    text
}

/// The plugin's world must be the one the call needs.
pub(crate) fn wrong_world(plugin: &Plugin, expected: crate::World) -> CallError {
    CallError::WrongWorld {
        plugin: plugin.name().to_string(),
        expected: expected.name(),
        actual: plugin.world().name(),
    }
}
