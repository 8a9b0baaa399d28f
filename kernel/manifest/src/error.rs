//! Manifest errors, each located at a file, line and field.

use std::fmt;
use std::path::{Path, PathBuf};

/// Why a manifest was refused.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The file could not be read.
    #[error("cannot read plugin manifest {}: {source}", file.display())]
    Read {
        /// The manifest's path.
        file: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML or does not have the manifest's shape.
    #[error("{}: {message}", Location { file, line: *line, column: *column })]
    Syntax {
        /// The manifest's path.
        file: PathBuf,
        /// 1-based line, when known.
        line: Option<usize>,
        /// 1-based column, when known.
        column: Option<usize>,
        /// The parser's message.
        message: String,
    },
    /// A field has a value that is not allowed.
    #[error("{}: `{field}` {message}", Location { file, line: *line, column: None })]
    Invalid {
        /// The manifest's path.
        file: PathBuf,
        /// 1-based line of the field, when known.
        line: Option<usize>,
        /// The field, e.g. `plugin.name`.
        field: String,
        /// What is wrong and what was expected.
        message: String,
    },
}

impl ManifestError {
    pub(crate) fn syntax(file: &Path, text: &str, err: &toml::de::Error) -> Self {
        let (line, column) = match err.span() {
            Some(span) => {
                let (l, c) = line_col(text, span.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        ManifestError::Syntax {
            file: file.to_path_buf(),
            line,
            column,
            message: err.message().trim().to_string(),
        }
    }

    pub(crate) fn invalid(
        file: &Path,
        text: &str,
        offset: Option<usize>,
        field: &str,
        message: impl Into<String>,
    ) -> Self {
        ManifestError::Invalid {
            file: file.to_path_buf(),
            line: offset.map(|o| line_col(text, o).0),
            field: field.to_string(),
            message: message.into(),
        }
    }

    /// The field involved, if the error is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            ManifestError::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The 1-based line involved, if known.
    pub fn line(&self) -> Option<usize> {
        match self {
            ManifestError::Syntax { line, .. } | ManifestError::Invalid { line, .. } => *line,
            ManifestError::Read { .. } => None,
        }
    }
}

/// `file:line:column`, as far as known.
struct Location<'a> {
    file: &'a Path,
    line: Option<usize>,
    column: Option<usize>,
}

impl fmt::Display for Location<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(offset, |nl| offset - nl - 1) + 1;
    (line, column)
}
