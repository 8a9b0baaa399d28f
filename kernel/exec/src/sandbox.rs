//! The optional bubblewrap sandbox around every program.
//!
//! Owns: detecting whether bubblewrap works here (by really starting a sandbox,
//! not by finding the binary) and the `bwrap` command line a run is wrapped in.
//!
//! The sandbox sees the whole filesystem read-only, a fresh `/dev`, `/proc` and
//! an empty `/tmp`, and only the project root writable. It gets its own user,
//! PID, IPC, UTS and cgroup namespaces and a new session (no terminal injection);
//! when the kernel kills `bwrap`, everything inside dies with it.
//!
//! The network is deliberately *shared*: builds and test runners fetch
//! dependencies, and the `http` capability, not `exec`, is where egress is
//! policed. A plugin allowed to run a program that talks to the network can
//! therefore reach it; keep such programs off the allow-list, or run the kernel
//! in a network namespace of its own.
//!
//! Must never: report bubblewrap as usable without a successful probe.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How programs are confined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sandbox {
    /// No confinement beyond the allow-list, scrubbed environment and limits.
    None,
    /// Every program runs inside bubblewrap.
    Bubblewrap {
        /// The `bwrap` binary.
        path: PathBuf,
    },
}

/// The result of [`Sandbox::detect`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxReport {
    /// The best sandbox that works here.
    pub sandbox: Sandbox,
    /// Why: which `bwrap` works, or why there is none, with how to fix it.
    pub detail: String,
}

/// How long the probe may take before it counts as broken.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

impl Sandbox {
    /// Finds `bwrap` on the kernel's PATH and starts a real sandbox with it
    /// (`bwrap --ro-bind / / --dev /dev --proc /proc --unshare-all
    /// --die-with-parent true`); reports [`Sandbox::None`] with the reason when
    /// that fails, e.g. because user namespaces are disabled.
    pub fn detect() -> SandboxReport {
        let Some(path) = crate::program::find("bwrap", std::env::var_os("PATH").as_deref()) else {
            return SandboxReport {
                sandbox: Sandbox::None,
                detail: "bubblewrap (`bwrap`) is not on the kernel's PATH; install it (Debian/Ubuntu: `apt-get install bubblewrap`) to run programs in a sandbox".to_owned(),
            };
        };
        match probe(&path) {
            Ok(()) => SandboxReport {
                detail: format!("bubblewrap at {} can create sandboxes", path.display()),
                sandbox: Sandbox::Bubblewrap { path },
            },
            Err(why) => SandboxReport {
                sandbox: Sandbox::None,
                detail: format!(
                    "bubblewrap at {} cannot create a sandbox here: {why}; user namespaces may be disabled (check `sysctl kernel.unprivileged_userns_clone`, `user.max_user_namespaces`, or AppArmor's `kernel.apparmor_restrict_unprivileged_userns`), or the kernel runs in a container that forbids them",
                    path.display()
                ),
            },
        }
    }

    /// The program and arguments that run `program args` in `cwd` under this
    /// sandbox (unchanged for [`Sandbox::None`]); `root` and `writable` are the
    /// only folders it may change besides its private `/tmp`; `readable` folders are
    /// bound read-only over that private `/tmp` when they lie under it.
    pub(crate) fn wrap(
        &self,
        root: &Path,
        writable: &[PathBuf],
        readable: &[PathBuf],
        cwd: &Path,
        program: &Path,
        args: &[String],
    ) -> (PathBuf, Vec<OsString>) {
        let Sandbox::Bubblewrap { path } = self else {
            return (
                program.to_owned(),
                args.iter().map(OsString::from).collect(),
            );
        };
        let mut argv: Vec<OsString> = [
            "--ro-bind",
            "/",
            "/",
            "--dev",
            "/dev",
            "--proc",
            "/proc",
            "--tmpfs",
            "/tmp",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        argv.extend(["--bind".into(), root.into(), root.into()]);
        for dir in readable {
            argv.extend(["--ro-bind".into(), dir.into(), dir.into()]);
        }
        for dir in writable {
            argv.extend(["--bind".into(), dir.into(), dir.into()]);
        }
        argv.extend(
            [
                "--unshare-all",
                "--share-net",
                "--new-session",
                "--die-with-parent",
                "--chdir",
            ]
            .iter()
            .map(OsString::from),
        );
        argv.push(cwd.into());
        argv.push("--".into());
        argv.push(program.into());
        argv.extend(args.iter().map(OsString::from));
        (path.clone(), argv)
    }

    /// Variables the sandbox needs set (its `/tmp` is the only writable temp dir).
    pub(crate) fn env_overrides(&self) -> &'static [(&'static str, &'static str)] {
        match self {
            Sandbox::None => &[],
            Sandbox::Bubblewrap { .. } => &[("TMPDIR", "/tmp")],
        }
    }
}

/// Starts the probe sandbox; `Err` carries what bubblewrap said.
fn probe(bwrap: &Path) -> Result<(), String> {
    let mut child = Command::new(bwrap)
        .args(["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"])
        .args(["--unshare-all", "--die-with-parent", "true"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| format!("it could not be started ({err})"))?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < PROBE_TIMEOUT => {
                std::thread::sleep(Duration::from_millis(10))
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "the probe did not finish within {} s",
                    PROBE_TIMEOUT.as_secs()
                ));
            }
            Err(err) => return Err(format!("waiting for it failed ({err})")),
        }
    };
    if status.success() {
        return Ok(());
    }
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.by_ref().take(4096).read_to_string(&mut stderr);
    }
    let said = stderr.trim();
    Err(if said.is_empty() {
        format!("the probe exited with {status}")
    } else {
        format!("the probe exited with {status} saying `{said}`")
    })
}
