//! What a finished (or killed) program produced.
//!
//! Owns: the result type of [`crate::Runner::run`].

use std::time::Duration;

/// The outcome of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// The exit code, or `None` when the program was killed by a signal
    /// (including the kernel's kill on timeout).
    pub exit_code: Option<i32>,
    /// Standard output, at most the limit's bytes, decoded lossily as UTF-8.
    pub stdout: String,
    /// Standard error, likewise.
    pub stderr: String,
    /// The timeout ran out and the process group was killed.
    pub timed_out: bool,
    /// Wall-clock time from start to the end of output capture.
    pub duration: Duration,
    /// Either stream was longer than the limit and was cut.
    pub truncated: bool,
}
