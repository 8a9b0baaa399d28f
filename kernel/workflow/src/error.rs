//! What `ralex workflow check` reports: each problem with its file, line and
//! field, and what to write instead.

use std::fmt;

/// One problem in a workflow file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// The file (or `built-in:<name>`).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// The field, as a path: `steps[2].retry.attempts`, `params.issue.default`.
    pub field: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if self.field.is_empty() {
            write!(f, ": {}", self.message)
        } else {
            write!(f, ": {}: {}", self.field, self.message)
        }
    }
}

/// Every problem found in one file (at least one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// Why a workflow cannot be found or loaded.
#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    /// The file has problems.
    #[error("{0}")]
    Invalid(#[from] Problems),
    /// No workflow has that name.
    #[error(
        "there is no workflow `{name}`; the workflows here are: {known}. `ralex workflow list` shows them, `ralex workflow new {name} --from bugfix` makes one"
    )]
    NotFound {
        /// The name asked for.
        name: String,
        /// The names there are, comma-separated.
        known: String,
    },
    /// The file cannot be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Parameters given to a run are wrong.
    #[error("{0}")]
    Params(String),
}
