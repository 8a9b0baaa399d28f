//! Finding an allowed program on the kernel's own `PATH`.
//!
//! Owns: validating the bare program name and resolving it to an absolute path.
//!
//! Must never: accept a name with `/` (that would be a path chosen by the
//! plugin), or search relative `PATH` entries (`""`, `.`, `bin`), which would
//! resolve against the working directory inside the project.
//! The path is not canonicalised: multi-call binaries such as rustup's `cargo`
//! proxy dispatch on the name they are started as.

use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::ExecError;

/// Checks that `program` is a bare, non-empty name.
pub(crate) fn check_name(program: &str) -> Result<(), ExecError> {
    if program.is_empty() {
        return Err(ExecError::EmptyProgram);
    }
    if program.contains('\0') {
        return Err(ExecError::NulByte {
            what: "program name".to_owned(),
        });
    }
    if program.contains('/') || program == "." || program == ".." {
        return Err(ExecError::ProgramIsPath {
            program: program.to_owned(),
        });
    }
    Ok(())
}

/// The first executable `dir/program` for an absolute `dir` on `path`.
pub(crate) fn find(program: &str, path: Option<&OsStr>) -> Option<PathBuf> {
    std::env::split_paths(path?)
        .filter(|dir| dir.is_absolute())
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

/// Resolves `program` on the kernel's `PATH`.
pub(crate) fn resolve(program: &str) -> Result<PathBuf, ExecError> {
    let path = std::env::var_os("PATH");
    find(program, path.as_deref()).ok_or_else(|| ExecError::ProgramNotFound {
        program: program.to_owned(),
        path: path
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|| "PATH is not set".to_owned()),
    })
}

fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path)
        .map(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_paths_are_refused() {
        for bad in ["/usr/bin/cargo", "./cargo", "bin/cargo", ".", ".."] {
            assert_eq!(
                check_name(bad).unwrap_err().kind(),
                ralex_caps::ErrorKind::Denied,
                "{bad}"
            );
        }
        assert_eq!(
            check_name("").unwrap_err().kind(),
            ralex_caps::ErrorKind::InvalidInput
        );
        assert_eq!(
            check_name("ca\0rgo").unwrap_err().kind(),
            ralex_caps::ErrorKind::InvalidInput
        );
    }

    #[test]
    fn relative_path_entries_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let tool = dir.path().join("ralex-tool");
        std::fs::write(&tool, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
        let absolute = dir.path().as_os_str().to_owned();
        assert_eq!(find("ralex-tool", Some(&absolute)), Some(tool.clone()));
        // The same folder reached through a relative entry is not searched.
        let up = std::env::current_dir().unwrap().components().count() - 1;
        let relative = format!(
            "{}{}",
            "../".repeat(up),
            dir.path().display().to_string().trim_start_matches('/')
        );
        assert!(
            Path::new(&relative).join("ralex-tool").exists(),
            "{relative}"
        );
        assert_eq!(find("ralex-tool", Some(OsStr::new(&relative))), None);
        std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(find("ralex-tool", Some(&absolute)), None, "not executable");
    }
}
