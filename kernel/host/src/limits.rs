//! Per-call limits: the memory cap (a [`ResourceLimiter`] that remembers when it
//! refused), the instance/table caps, and the quotas on log lines and progress events.
//!
//! A refused memory grow is not an error by itself — the guest sees `memory.grow`
//! fail and usually traps; the flag lets the host report "memory limit" rather than
//! a bare trap.

use wasmtime::ResourceLimiter;

/// Caps the resources one call may take.
pub(crate) struct CallLimiter {
    max_memory_bytes: usize,
    /// Set when a memory grow was refused.
    pub(crate) memory_refused: bool,
}

impl CallLimiter {
    pub(crate) fn new(memory_mb: u32) -> CallLimiter {
        CallLimiter {
            max_memory_bytes: (memory_mb as usize) << 20,
            memory_refused: false,
        }
    }
}

const MAX_TABLE_ELEMENTS: usize = 100_000;

impl ResourceLimiter for CallLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.max_memory_bytes {
            self.memory_refused = true;
            return Ok(false);
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= MAX_TABLE_ELEMENTS)
    }

    fn instances(&self) -> usize {
        32
    }

    fn tables(&self) -> usize {
        32
    }

    fn memories(&self) -> usize {
        8
    }
}

/// A count-and-bytes quota for host calls that produce output (logs, progress).
#[derive(Debug)]
pub(crate) struct Quota {
    max_items: u32,
    max_bytes: usize,
    items: u32,
    bytes: usize,
    /// Items refused past the quota.
    pub(crate) dropped: u64,
}

impl Quota {
    pub(crate) fn new(max_items: u32, max_bytes: usize) -> Quota {
        Quota {
            max_items,
            max_bytes,
            items: 0,
            bytes: 0,
            dropped: 0,
        }
    }

    /// Take room for one item of `len` bytes; false (and counted) when over quota.
    pub(crate) fn take(&mut self, len: usize) -> bool {
        if self.items >= self.max_items || self.bytes.saturating_add(len) > self.max_bytes {
            self.dropped += 1;
            return false;
        }
        self.items += 1;
        self.bytes += len;
        true
    }

    /// Items accepted so far.
    pub(crate) fn accepted(&self) -> u32 {
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_counts_what_it_drops() {
        let mut q = Quota::new(2, 10);
        assert!(q.take(4));
        assert!(!q.take(7), "bytes over quota");
        assert!(q.take(6));
        assert!(!q.take(0), "items over quota");
        assert_eq!(q.accepted(), 2);
        assert_eq!(q.dropped, 2);
    }

    #[test]
    fn limiter_refuses_and_remembers() {
        let mut l = CallLimiter::new(1);
        assert!(l.memory_growing(0, 1 << 20, None).unwrap());
        assert!(!l.memory_refused);
        assert!(!l.memory_growing(0, (1 << 20) + 1, None).unwrap());
        assert!(l.memory_refused);
    }
}
