//! Helpers for the integration tests: a project folder, a runner, allow-lists,
//! and checking that a process is gone.

#![allow(dead_code)]

use std::path::Path;
use std::time::{Duration, Instant};

use ralex_exec::{Allowed, Limits, Runner, Sandbox};

/// A fresh, empty project folder.
pub fn project() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// A runner without a sandbox and with the default limits.
pub fn runner(root: &Path) -> Runner {
    Runner::new(root.to_owned(), Limits::default(), Sandbox::None)
}

/// Parses allow-list entries.
pub fn allow(entries: &[&str]) -> Vec<Allowed> {
    entries
        .iter()
        .map(|entry| Allowed::parse(entry).unwrap())
        .collect()
}

/// Owned arguments.
pub fn args(words: &[&str]) -> Vec<String> {
    words.iter().map(|word| (*word).to_owned()).collect()
}

/// Whether `pid` has exited (gone, or a zombie nobody reaped yet), waiting up
/// to three seconds for it.
pub fn is_dead(pid: u32) -> bool {
    let started = Instant::now();
    loop {
        let dead = match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => true,
            // The state follows the parenthesised command name: `pid (comm) S ...`.
            Ok(stat) => stat
                .rsplit_once(')')
                .is_some_and(|(_, rest)| rest.trim_start().starts_with(['Z', 'X'])),
        };
        if dead {
            return true;
        }
        if started.elapsed() > Duration::from_secs(3) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
