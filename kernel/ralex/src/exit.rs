//! Exit codes of the contract (DESIGN.md §5) and the error type that carries them:
//! 0 ok, 1 failure, 2 usage error, 3 denied by policy (including "needs
//! confirmation": the request does not go ahead as asked).

use std::fmt;

/// Success.
pub const OK: u8 = 0;
/// Something failed.
pub const FAILURE: u8 = 1;
/// The command line or its input was wrong.
pub const USAGE: u8 = 2;
/// The policy denied the request, or it needs a confirmation it did not have.
pub const DENIED: u8 = 3;

/// An error with the exit code it should end the process with.
#[derive(Debug)]
pub struct CliError {
    /// The exit code.
    pub code: u8,
    /// The message, one line a person understands.
    pub error: anyhow::Error,
}

impl CliError {
    /// A usage error (exit 2).
    pub fn usage(message: impl fmt::Display) -> CliError {
        CliError {
            code: USAGE,
            error: anyhow::anyhow!("{message}"),
        }
    }

    /// A denial by policy (exit 3); the message should name the rule and why.
    /// (`ralex policy explain` prints its answer on stdout and returns
    /// [`DENIED`] itself; commands that act use this.)
    pub fn denied(message: impl fmt::Display) -> CliError {
        CliError {
            code: DENIED,
            error: anyhow::anyhow!("{message}"),
        }
    }
}

impl<E: Into<anyhow::Error>> From<E> for CliError {
    fn from(e: E) -> Self {
        CliError {
            code: FAILURE,
            error: e.into(),
        }
    }
}

/// What a command returns.
pub type CliResult = Result<u8, CliError>;
