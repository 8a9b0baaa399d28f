//! `ralex-exec`: the kernel's `exec` capability — run an allow-listed program in
//! the project, without a shell, within a time and output budget.
//!
//! Owns: the allow-list ([`Allowed`]: a program name plus required leading
//! arguments), resolving the program on the kernel's `PATH`, confining the
//! working directory to the project root, scrubbing the environment, the
//! process-group lifetime (timeouts and cancellation kill every descendant that
//! stayed in the group), capped output capture, and the optional bubblewrap
//! [`Sandbox`].
//!
//! Must never: run anything through a shell or interpret an argument (arguments
//! are passed to `execve` as they are, so `;`, `$(…)`, `|` are just bytes); run a
//! program given by path; pass a secret-looking environment variable; leave the
//! process group running after [`Runner::run`] returns or is dropped.
//!
//! What the allow-list cannot do: an allowed program runs with the kernel's
//! rights. Allowing a shell or interpreter (`sh`, `bash`, `python`, `node`,
//! `env`, `xargs`, `make`, `npx`, ...) lets the plugin run *anything*, and many
//! build tools run project code (`cargo test` runs build scripts and tests,
//! `npm run lint` runs whatever `package.json` says). Only the bubblewrap sandbox
//! keeps such code from writing outside the project.

mod allowed;
mod capture;
mod cwd;
mod env;
mod error;
mod exit;
mod group;
mod limits;
mod output;
mod program;
mod runner;
mod sandbox;

pub use allowed::Allowed;
pub use env::{PASSED_VARIABLES, is_secret_name};
pub use error::ExecError;
pub use limits::{Limits, MAX_TIMEOUT};
pub use output::Output;
pub use runner::Runner;
pub use sandbox::{Sandbox, SandboxReport};
