//! Fetch and push for the sync, with retries on flaky networks.
//!
//! Owns: fetching the current branch into its remote-tracking ref, pushing it
//! (then recording the pushed commit as the remote-tracking ref), and trying
//! again with a doubling backoff when the network failed. Credentials and
//! error translation are the crate's (`remote.rs`, `credentials.rs`).
//!
//! Must never: retry an authentication failure or a rejected push (they will
//! not fix themselves), or push anything but the current branch.

use std::time::Duration;

use git2::Oid;

use crate::{GitError, Repo, SyncOptions};

impl Repo {
    /// Fetches `branch` from the sync's remote into `tracking`, retrying
    /// network failures.
    pub(super) fn fetch_branch(
        &self,
        opts: &SyncOptions,
        branch: &str,
        tracking: &str,
    ) -> Result<(), GitError> {
        let refspec = format!("+refs/heads/{branch}:{tracking}");
        with_retries(opts.retries, opts.backoff, || {
            self.fetch_refspecs(&opts.remote, std::slice::from_ref(&refspec))
        })
    }

    /// Pushes the current branch (at `head`) to the sync's remote, retrying
    /// network failures, and moves `tracking` to `head` once it is there.
    pub(super) fn push_branch(
        &self,
        opts: &SyncOptions,
        head: Oid,
        tracking: &str,
    ) -> Result<(), GitError> {
        with_retries(opts.retries, opts.backoff, || {
            self.push(&opts.remote, false)
        })?;
        self.repo
            .reference(tracking, head, true, "ralex: context sync: pushed")
            .map_err(GitError::git("recording the pushed commit"))?;
        Ok(())
    }
}

/// Runs `op`, and again up to `retries` times while it fails with
/// [`GitError::Network`], waiting `backoff`, then twice as long each time.
pub(super) fn with_retries<T>(
    retries: u32,
    backoff: Duration,
    mut op: impl FnMut() -> Result<T, GitError>,
) -> Result<T, GitError> {
    let mut delay = backoff;
    let mut attempt = 0;
    loop {
        match op() {
            Err(err @ GitError::Network { .. }) if attempt < retries => {
                tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, error = %err, "network failure, retrying");
                std::thread::sleep(delay);
                delay = delay.saturating_mul(2);
                attempt += 1;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn network() -> GitError {
        GitError::Network {
            remote: "origin".into(),
            url: "/nowhere".into(),
            message: "timed out".into(),
        }
    }

    #[test]
    fn transient_failures_are_retried_with_a_doubling_backoff() {
        let mut calls = 0;
        let started = Instant::now();
        let result = with_retries(3, Duration::from_millis(10), || {
            calls += 1;
            if calls < 3 { Err(network()) } else { Ok(calls) }
        });
        assert_eq!(result.expect("third try works"), 3);
        assert!(
            started.elapsed() >= Duration::from_millis(30),
            "10 + 20 ms waited"
        );
    }

    #[test]
    fn retries_are_bounded_and_the_last_error_is_returned() {
        let mut calls = 0;
        let result: Result<(), GitError> = with_retries(2, Duration::from_millis(1), || {
            calls += 1;
            Err(network())
        });
        assert!(matches!(result, Err(GitError::Network { .. })));
        assert_eq!(calls, 3);
    }

    #[test]
    fn other_failures_are_not_retried() {
        let mut calls = 0;
        let result: Result<(), GitError> = with_retries(5, Duration::from_millis(1), || {
            calls += 1;
            Err(GitError::PushNotFastForward {
                remote: "origin".into(),
                branch: "main".into(),
            })
        });
        assert!(matches!(result, Err(GitError::PushNotFastForward { .. })));
        assert_eq!(calls, 1);
    }
}
