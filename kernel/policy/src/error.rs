//! Errors of loading policies.
//!
//! Owns: [`PolicyError`] and [`Problem`], the located messages `ralex policy check`
//! prints and that stop the kernel from starting with a broken policy.

use std::fmt;
use std::path::PathBuf;

/// One thing wrong in one policy file, at one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where the file is (a path, or `policies/defaults/x.cedar (built in)`).
    pub file: String,
    /// 1-based line; 0 when unknown.
    pub line: usize,
    /// What is wrong and, where possible, how to fix it.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        } else {
            write!(f, "{}: {}", self.file, self.message)
        }
    }
}

/// Why the policy set could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// One or more policy files are broken; every problem is listed.
    #[error("{} policy problem(s):\n{}", .0.len(), list(.0))]
    Problems(Vec<Problem>),
    /// A policy folder or file could not be read.
    #[error("cannot read policies at {path}: {source}")]
    Io {
        /// The folder or file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The built-in schema does not parse: a bug in this build.
    #[error("the built-in policy schema is broken (a bug in this build of ralex): {0}")]
    Schema(String),
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}
