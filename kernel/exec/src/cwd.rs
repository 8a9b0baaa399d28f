//! The working directory of a run: a folder inside the project root.
//!
//! Owns: turning the plugin's relative `cwd` into a canonical path under the
//! canonical root.
//!
//! Must never: accept an absolute path, a `..` component, or a path whose
//! canonical form (symlinks resolved) is outside the root.
//!
//! Known limitation: the directory is checked, then entered by the spawned
//! process; whoever can write to the project could swap a checked folder for a
//! symlink in between. Plugins cannot write outside a sandboxed run, and under
//! bubblewrap only the project is writable anyway.

use std::io;
use std::path::{Component, Path, PathBuf};

use crate::ExecError;

/// The canonical directory for `cwd` (`""` or `"."` is the root itself).
pub(crate) fn resolve(root: &Path, cwd: &str) -> Result<PathBuf, ExecError> {
    if cwd.contains('\0') {
        return Err(ExecError::NulByte {
            what: "working directory".to_owned(),
        });
    }
    let outside = || ExecError::CwdOutsideRoot {
        cwd: cwd.to_owned(),
        root: root.to_owned(),
    };
    let relative = Path::new(cwd);
    if relative
        .components()
        .any(|part| !matches!(part, Component::Normal(_) | Component::CurDir))
    {
        return Err(outside());
    }
    let canonical = std::fs::canonicalize(root.join(relative)).map_err(|err| match err.kind() {
        io::ErrorKind::NotFound => ExecError::CwdNotFound {
            cwd: cwd.to_owned(),
            root: root.to_owned(),
        },
        io::ErrorKind::NotADirectory => ExecError::CwdNotDirectory {
            cwd: cwd.to_owned(),
        },
        _ => ExecError::Root {
            root: root.to_owned(),
            source: err,
        },
    })?;
    if !canonical.starts_with(root) {
        return Err(ExecError::CwdEscapes {
            cwd: cwd.to_owned(),
            root: root.to_owned(),
        });
    }
    if !canonical.is_dir() {
        return Err(ExecError::CwdNotDirectory {
            cwd: cwd.to_owned(),
        });
    }
    Ok(canonical)
}
