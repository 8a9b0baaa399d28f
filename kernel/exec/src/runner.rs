//! Running one allowed program: check, spawn, supervise, collect.
//!
//! Owns: [`Runner`] and the order of the checks (name, arguments, allow-list,
//! working directory, PATH lookup) before anything is spawned, and the
//! supervision of the process group until every stream is drained.
//!
//! The program starts in a new process group with stdin from `/dev/null`, a
//! cleared environment plus the allowed variables, and both pipes read
//! concurrently. When it exits, whatever it left running in its group is killed;
//! on timeout the whole group is killed; if the run is dropped, the guard kills
//! the group and tokio's `kill_on_drop` reaps the leader.
//!
//! Must never: spawn before every check passed, or reap the leader before the
//! group was killed (see `group`).

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::process::Command;
use tokio::time::Instant;

use crate::capture::Capture;
use crate::exit::ExitWatch;
use crate::group::GroupGuard;
use crate::{Allowed, ExecError, Limits, Output, Sandbox, allowed, cwd, env, program};

/// How long output is still read after the group was killed (a process that
/// left the group could hold a pipe open forever).
const DRAIN_GRACE: Duration = Duration::from_secs(2);

/// Runs allowed programs in one project.
#[derive(Debug, Clone)]
pub struct Runner {
    root: PathBuf,
    limits: Limits,
    sandbox: Sandbox,
    extra_env: Vec<(String, String)>,
    writable: Vec<PathBuf>,
    readable: Vec<PathBuf>,
}

impl Runner {
    /// A runner for the project at `project_root` (canonicalised at each run).
    /// The limits' timeout is clamped to [`crate::MAX_TIMEOUT`].
    pub fn new(project_root: PathBuf, mut limits: Limits, sandbox: Sandbox) -> Runner {
        limits.timeout = limits.timeout.min(crate::MAX_TIMEOUT);
        Runner {
            root: project_root,
            limits,
            sandbox,
            extra_env: Vec::new(),
            writable: Vec::new(),
            readable: Vec::new(),
        }
    }

    /// Also passes `name=value` to every program (kernel configuration, e.g.
    /// `RUST_BACKTRACE=1`). Secret-looking names are refused (see
    /// [`crate::is_secret_name`]).
    pub fn with_env(mut self, name: &str, value: &str) -> Result<Runner, ExecError> {
        env::check_extra(name, value)?;
        self.extra_env.retain(|(existing, _)| existing != name);
        self.extra_env.push((name.to_owned(), value.to_owned()));
        Ok(self)
    }

    /// Also lets programs write `dir` (an absolute path outside the project,
    /// e.g. a tool's own state folder); in the sandbox it is bound read-write, like
    /// the project. Without a sandbox every folder the kernel may write is
    /// writable anyway.
    pub fn with_writable(mut self, dir: PathBuf) -> Runner {
        if dir.is_absolute() && !self.writable.contains(&dir) {
            self.writable.push(dir);
        }
        self
    }

    /// Also lets programs read `dir` where the sandbox would hide it (its `/tmp`
    /// is private): e.g. a tool installed under a temporary folder. Read-only.
    pub fn with_readable(mut self, dir: PathBuf) -> Runner {
        if dir.is_absolute() && !self.readable.contains(&dir) {
            self.readable.push(dir);
        }
        self
    }

    /// The sandbox programs run in.
    pub fn sandbox(&self) -> &Sandbox {
        &self.sandbox
    }

    /// Runs `program args` in `cwd` (relative to the project root) if an entry
    /// of `allowed` permits it, within `timeout` (or the default; at most
    /// [`crate::MAX_TIMEOUT`]).
    ///
    /// A program that runs is `Ok` whatever its exit code; a timeout is `Ok`
    /// with [`Output::timed_out`] set.
    pub async fn run(
        &self,
        allowed: &[Allowed],
        program: &str,
        args: &[String],
        cwd: &str,
        timeout: Option<Duration>,
    ) -> Result<Output, ExecError> {
        program::check_name(program)?;
        if let Some(index) = args.iter().position(|arg| arg.contains('\0')) {
            return Err(ExecError::NulByte {
                what: format!("argument {}", index + 1),
            });
        }
        if !allowed.iter().any(|entry| entry.permits(program, args)) {
            return Err(ExecError::NotAllowed {
                command: shown_command(program, args),
                allowed: allowed::describe(allowed),
            });
        }
        let timeout = self.limits.timeout_for(timeout)?;
        let root = std::fs::canonicalize(&self.root).map_err(|source| ExecError::Root {
            root: self.root.clone(),
            source,
        })?;
        let dir = cwd::resolve(&root, cwd)?;
        let executable = program::resolve(program)?;

        let (launcher, argv) = self.sandbox.wrap(
            &root,
            &self.writable,
            &self.readable,
            &dir,
            &executable,
            args,
        );
        let mut command = Command::new(launcher);
        command
            .args(argv)
            .current_dir(&dir)
            .env_clear()
            .envs(env::build(&self.extra_env, self.sandbox.env_overrides()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true);
        tracing::debug!(program, ?args, cwd = %dir.display(), sandbox = ?self.sandbox, "exec");
        self.supervise(command, program, timeout).await
    }

    async fn supervise(
        &self,
        mut command: Command,
        program: &str,
        timeout: Duration,
    ) -> Result<Output, ExecError> {
        let failed = |source| ExecError::Process {
            program: program.to_owned(),
            source,
        };
        let started = Instant::now();
        let deadline = started + timeout;
        let mut child = command.spawn().map_err(failed)?;
        let pid = child.id().map_or(0, |id| id as libc::pid_t);
        // Declared after `child`, so dropped (group killed) before it.
        let mut group = GroupGuard::new(pid);
        let exit = ExitWatch::open(pid);
        let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
        let mut out = Capture::new(self.limits.max_output_bytes);
        let mut err = Capture::new(self.limits.max_output_bytes);

        let timed_out = {
            let reading = async {
                tokio::join!(out.read_from(stdout), err.read_from(stderr));
            };
            tokio::pin!(reading);
            let mut drained = false;
            let waited = tokio::time::timeout_at(deadline, async {
                loop {
                    tokio::select! {
                        exited = exit.exited(&mut child) => break exited,
                        () = &mut reading, if !drained => drained = true,
                    }
                }
            })
            .await;
            // Timeout: everyone. Normal exit: whatever the program left behind.
            group.kill();
            if waited.is_err() {
                // In case the leader moved itself to another group.
                let _ = child.start_kill();
            }
            if let Ok(Err(source)) = waited {
                return Err(failed(source));
            }
            if !drained {
                let _ = tokio::time::timeout(DRAIN_GRACE, &mut reading).await;
            }
            waited.is_err()
        };
        let status = child.wait().await.map_err(failed)?;
        group.disarm();

        Ok(Output {
            exit_code: status.code(),
            truncated: out.truncated() || err.truncated(),
            stdout: out.into_text(),
            stderr: err.into_text(),
            timed_out,
            duration: started.elapsed(),
        })
    }
}

/// `program arg1 arg2 …` for messages, cut to a readable length.
fn shown_command(program: &str, args: &[String]) -> String {
    let mut shown = program.to_owned();
    for arg in args {
        shown.push(' ');
        shown.push_str(arg);
    }
    if shown.chars().count() > 80 {
        shown = shown.chars().take(77).collect::<String>() + "...";
    }
    shown
}
