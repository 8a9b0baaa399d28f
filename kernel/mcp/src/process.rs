//! The child process of one MCP server: starting it and ending it.
//!
//! Owns: building the command (no shell, scrubbed environment, own process
//! group, piped stdio), forwarding its stderr to `tracing`, and killing its
//! whole process group — on [`ServerProcess::stop`] and when dropped.
//!
//! Must never: let the server inherit the kernel's environment or terminal;
//! signal a process group after its id may have been reused. The group id is
//! the leader's pid, which cannot be reused while the leader is unreaped; the
//! leader is reaped only in [`ServerProcess::stop`], after the group is killed
//! and right before the guard is disarmed.
//!
//! Known limitation: a process that leaves the group (`setsid`, `setpgid`)
//! is out of reach.

use std::io;
use std::process::{ExitStatus, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::task::JoinHandle;

use crate::{McpError, ServerConfig, env};

/// Longest stderr line logged as one event; longer lines are split.
const MAX_LOG_LINE: usize = 4096;

/// A running MCP server process and its process group.
#[derive(Debug)]
pub(crate) struct ServerProcess {
    /// The server name, for logs.
    server: String,
    /// The child and its group id until [`ServerProcess::stop`] reaps it.
    state: Mutex<Option<(Child, libc::pid_t)>>,
    /// The task forwarding stderr to `tracing`.
    stderr_task: Option<JoinHandle<()>>,
}

/// The pipes the MCP transport speaks over.
pub(crate) struct Pipes {
    /// The server's stdout (messages from the server).
    pub(crate) stdout: ChildStdout,
    /// The server's stdin (messages to the server).
    pub(crate) stdin: ChildStdin,
}

impl ServerProcess {
    /// Starts the server of `config` as a child in its own process group.
    pub(crate) fn spawn(config: &ServerConfig) -> Result<(ServerProcess, Pipes), McpError> {
        let mut command = Command::new(&config.command);
        command
            .args(&config.args)
            .env_clear()
            .envs(env::build(&config.env))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true);
        if let Some(cwd) = &config.cwd {
            command.current_dir(cwd);
        }
        let mut child = command.spawn().map_err(|error| McpError::Start {
            server: config.name.clone(),
            command: config.command.clone(),
            reason: spawn_failure(&config.command, &error),
        })?;
        let pgid = child
            .id()
            .and_then(|pid| libc::pid_t::try_from(pid).ok())
            .unwrap_or(0);
        let (Some(stdout), Some(stdin)) = (child.stdout.take(), child.stdin.take()) else {
            unreachable!("stdin and stdout are piped")
        };
        let stderr_task = child
            .stderr
            .take()
            .map(|stderr| tokio::spawn(log_stderr(config.name.clone(), stderr)));
        tracing::debug!(server = %config.name, command = %config.command, pid = pgid, "MCP server started");
        let process = ServerProcess {
            server: config.name.clone(),
            state: Mutex::new(Some((child, pgid))),
            stderr_task,
        };
        Ok((process, Pipes { stdout, stdin }))
    }

    /// Ends the server: gives it up to `grace` to exit on its own (its stdin
    /// should be closed first), then kills its whole process group and reaps
    /// it. Returns how the leader ended, when known.
    pub(crate) async fn stop(&self, grace: Duration) -> Option<ExitStatus> {
        let (mut child, pgid) = self.state.lock().ok()?.take()?;
        let deadline = Instant::now() + grace;
        while !has_exited(pgid) && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        // The leader is alive or an unreaped zombie: the group id is still ours.
        kill_group(pgid);
        let status = tokio::time::timeout(Duration::from_secs(5), child.wait())
            .await
            .ok()
            .and_then(Result::ok);
        tracing::debug!(server = %self.server, ?status, "MCP server stopped");
        status
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Ok(mut state) = self.state.lock()
            && let Some((child, pgid)) = state.take()
        {
            // Not reaped yet, so the group id cannot have been reused. Dropping
            // the child afterwards (kill_on_drop) hands the zombie to tokio.
            kill_group(pgid);
            drop(child);
        }
        if let Some(task) = self.stderr_task.take() {
            task.abort();
        }
    }
}

/// Sends `SIGKILL` to every process of the group led by `pgid`.
fn kill_group(pgid: libc::pid_t) {
    if pgid > 0 {
        // SAFETY: killpg only sends a signal; a positive pgid never means "all processes".
        let result = unsafe { libc::killpg(pgid, libc::SIGKILL) };
        if result != 0 {
            tracing::trace!(pgid, error = %io::Error::last_os_error(), "killpg");
        }
    }
}

/// Whether the child `pid` has exited, without reaping it.
fn has_exited(pid: libc::pid_t) -> bool {
    let Ok(id) = libc::id_t::try_from(pid) else {
        return true;
    };
    // SAFETY: an all-zero siginfo_t is a valid value; waitid only writes into it.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    // SAFETY: `info` is a valid, writable siginfo_t; WNOWAIT leaves the child unreaped.
    let result = unsafe {
        libc::waitid(
            libc::P_PID,
            id,
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        )
    };
    // SAFETY: waitid filled `info` (or left it zeroed when nothing exited).
    result != 0 || unsafe { info.si_pid() } != 0
}

/// Why spawning `command` failed, and what to check.
fn spawn_failure(command: &str, error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound if command.contains('/') => format!(
            "`{command}` does not exist ({error}); fix the path in the server's configuration"
        ),
        io::ErrorKind::NotFound => format!(
            "`{command}` was not found on the kernel's PATH ({error}); install it or give its full path in the server's configuration"
        ),
        io::ErrorKind::PermissionDenied => {
            format!("`{command}` cannot be executed ({error}); check that it is an executable file")
        }
        _ => format!("starting `{command}` failed: {error}"),
    }
}

/// Forwards the server's stderr to `tracing` (debug), line by line, until it
/// closes. Lines longer than [`MAX_LOG_LINE`] are logged in pieces.
async fn log_stderr(server: String, mut stderr: impl AsyncRead + Unpin) {
    let mut chunk = [0u8; 4096];
    let mut line: Vec<u8> = Vec::new();
    let emit = |line: &mut Vec<u8>| {
        if !line.is_empty() {
            let text = String::from_utf8_lossy(line);
            tracing::debug!(target: "ralex_mcp::server_stderr", server = %server, "{}", text.trim_end());
            line.clear();
        }
    };
    loop {
        let read = match stderr.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(read) => read,
        };
        for &byte in &chunk[..read] {
            if byte == b'\n' {
                emit(&mut line);
            } else {
                line.push(byte);
                if line.len() >= MAX_LOG_LINE {
                    emit(&mut line);
                }
            }
        }
    }
    emit(&mut line);
}
