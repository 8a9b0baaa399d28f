//! Waiting for the program to exit *without* reaping it.
//!
//! Owns: a pidfd for the child (Linux 5.3+), which becomes readable when the
//! process exits while it stays a zombie, so the runner can kill the rest of the
//! group before the group id can be reused. Without pidfd support it falls back
//! to `Child::wait`, which reaps; the group is then killed just after, with a
//! tiny window in which the id could in theory be reused.

use std::io;
use std::os::fd::{FromRawFd, OwnedFd};

use tokio::io::Interest;
use tokio::io::unix::AsyncFd;
use tokio::process::Child;

/// Notices the exit of one child.
pub(crate) struct ExitWatch {
    pidfd: Option<AsyncFd<OwnedFd>>,
}

impl ExitWatch {
    /// Opens a pidfd for `pid` if the kernel supports it.
    pub(crate) fn open(pid: libc::pid_t) -> ExitWatch {
        // SAFETY: pidfd_open takes a pid and flags and returns a new fd or -1.
        let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
        let pidfd = if fd >= 0 {
            // SAFETY: the syscall returned a fresh descriptor that nobody else owns.
            let owned = unsafe { OwnedFd::from_raw_fd(fd as i32) };
            // SAFETY: the `OwnedFd` is owned by the `AsyncFd` and stays open, and
            // always the same descriptor, for as long as the `AsyncFd` lives.
            unsafe { AsyncFd::register_with_interest(owned, Interest::READABLE) }.ok()
        } else {
            None
        };
        ExitWatch { pidfd }
    }

    /// Resolves once the child has exited. Cancel-safe.
    pub(crate) async fn exited(&self, child: &mut Child) -> io::Result<()> {
        match &self.pidfd {
            Some(pidfd) => {
                let _ready = pidfd.readable().await?;
                Ok(())
            }
            None => child.wait().await.map(drop),
        }
    }
}
