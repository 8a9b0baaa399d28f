//! The process group a run lives in, and killing it.
//!
//! Owns: the guard that sends `SIGKILL` to the whole group — on timeout, after
//! the program exits (whatever it left running in the background), and when the
//! run is dropped half-way (the plugin call was cancelled).
//!
//! Must never: signal a group after its id may have been reused. The id is the
//! leader's pid, which cannot be reused while the leader is an unreaped zombie
//! or any group member lives; the runner kills before it reaps and disarms the
//! guard right after reaping.
//!
//! Known limitation: a process that leaves the group (`setsid`, `setpgid`) is
//! out of reach; under bubblewrap the sandbox's PID namespace dies with it.

/// Kills a process group when told to and when dropped, until disarmed.
#[derive(Debug)]
pub(crate) struct GroupGuard {
    pgid: Option<libc::pid_t>,
}

impl GroupGuard {
    /// Guards the group led by `pgid` (a child spawned with `process_group(0)`).
    pub(crate) fn new(pgid: libc::pid_t) -> GroupGuard {
        GroupGuard {
            pgid: (pgid > 0).then_some(pgid),
        }
    }

    /// Sends `SIGKILL` to every process of the group.
    pub(crate) fn kill(&self) {
        if let Some(pgid) = self.pgid {
            // SAFETY: killpg only sends a signal; a positive pgid never means "all processes".
            let result = unsafe { libc::killpg(pgid, libc::SIGKILL) };
            if result != 0 {
                tracing::trace!(pgid, error = %std::io::Error::last_os_error(), "killpg");
            }
        }
    }

    /// Stops guarding (the leader was reaped; its id may be reused now).
    pub(crate) fn disarm(&mut self) {
        self.pgid = None;
    }
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        self.kill();
    }
}
