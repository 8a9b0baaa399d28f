//! Lexical validation of the paths plugins give.
//!
//! Owns: turning a plugin's path string into a normalised relative path
//! (`"a/./b/../c"` → `"a/c"`, `""` for the root) or a clear refusal, before any
//! filesystem access. This is for good messages; containment itself is cap-std's
//! job, so a mistake here cannot open a hole, only a worse error.
//!
//! Must never: accept an absolute path (`/etc/passwd`, `C:\`, `\\server`), a NUL
//! byte, or a `..` that climbs above the root. Backslashes are ordinary file-name
//! characters on Unix, not separators, except as the start of a Windows-style
//! absolute path.

use std::path::Path;

use super::WorkspaceError;

/// Normalises `input` (a path relative to the root, `/`-separated).
/// Returns `""` for the root itself (`""`, `"."`, `"a/.."`). `root` only appears
/// in error messages; nothing is read from the disk.
pub fn normalize(input: &str, root: &Path) -> Result<String, WorkspaceError> {
    if input.contains('\0') {
        return Err(WorkspaceError::NulInPath {
            path: input.escape_debug().to_string(),
        });
    }
    if looks_absolute(input) {
        return Err(WorkspaceError::AbsolutePath {
            path: input.to_owned(),
            root: root.to_path_buf(),
        });
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in input.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(WorkspaceError::OutsideRoot {
                        path: input.to_owned(),
                        root: root.to_path_buf(),
                    });
                }
            }
            name => parts.push(name),
        }
    }
    Ok(parts.join("/"))
}

/// Like [`normalize`], but the path must name something below the root (a file
/// to read): `""` is [`WorkspaceError::EmptyPath`], `"."` is the root directory.
pub(crate) fn normalize_file(input: &str, root: &Path) -> Result<String, WorkspaceError> {
    if input.is_empty() {
        return Err(WorkspaceError::EmptyPath {
            root: root.to_path_buf(),
        });
    }
    let rel = normalize(input, root)?;
    if rel.is_empty() {
        return Err(WorkspaceError::IsDirectory {
            path: input.to_owned(),
        });
    }
    Ok(rel)
}

/// True when a normalised path is `.git` or inside one (at any depth, so
/// submodules' `.git` too).
pub(crate) fn is_in_git_dir(rel: &str) -> bool {
    rel.split('/').any(|part| part == ".git")
}

/// True when any component of a normalised path is `.git` in any letter case
/// (`.GIT/config` is the repository's config on a case-insensitive filesystem).
/// Writes use this stricter test; listings use [`is_in_git_dir`].
pub(crate) fn is_in_git_dir_any_case(rel: &str) -> bool {
    rel.split('/').any(|part| part.eq_ignore_ascii_case(".git"))
}

/// `/…`, `\…` (and so `\\server\share`), or a drive letter: `C:`, `C:\…`, `C:/…`.
fn looks_absolute(input: &str) -> bool {
    let bytes = input.as_bytes();
    match bytes {
        [b'/' | b'\\', ..] => true,
        [drive, b':'] | [drive, b':', b'/' | b'\\', ..] => drive.is_ascii_alphabetic(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::workspace::testing::assert_kind;

    fn norm(input: &str) -> Result<String, WorkspaceError> {
        normalize(input, Path::new("/x/proj"))
    }

    #[test]
    fn normalises_dots_and_slashes() {
        assert_eq!(norm("").expect("empty"), "");
        assert_eq!(norm(".").expect("dot"), "");
        assert_eq!(norm("./").expect("dot slash"), "");
        assert_eq!(norm("a/../b").expect("a/../b"), "b");
        assert_eq!(norm("a//b/./c/").expect("slashes"), "a/b/c");
        assert_eq!(norm("a/b/../..").expect("back to root"), "");
        assert_eq!(norm("dir\\file").expect("backslash"), "dir\\file");
        assert_eq!(norm("C:foo").expect("unix name"), "C:foo");
        assert_eq!(norm("...").expect("three dots"), "...");
        assert_eq!(norm("..foo/x").expect("dotdot prefix"), "..foo/x");
    }

    #[test]
    fn traversal_in_every_spelling_is_denied() {
        for input in [
            "..",
            "../",
            "../x",
            "a/../../x",
            "./../x",
            "a/b/../../../etc/passwd",
            "../../etc/passwd",
            ".//..//x",
            "../proj/file.txt",
        ] {
            let err = norm(input).expect_err(input);
            assert_kind(&err, ErrorKind::Denied, "outside the project root");
            assert!(err.to_string().contains(input), "{err}");
        }
    }

    #[test]
    fn absolute_paths_are_denied() {
        for input in [
            "/etc/passwd",
            "/",
            "//etc/passwd",
            "C:\\Windows\\system.ini",
            "c:/windows",
            "C:",
            "\\\\server\\share\\file",
            "\\etc\\passwd",
        ] {
            let err = norm(input).expect_err(input);
            assert_kind(&err, ErrorKind::Denied, "is an absolute path");
        }
    }

    #[test]
    fn nul_byte_is_invalid_input() {
        let err = norm("src/main.rs\0.txt").expect_err("nul");
        assert_kind(&err, ErrorKind::InvalidInput, "NUL byte");
        assert!(err.to_string().contains("src/main.rs\\0.txt"), "{err}");
    }

    #[test]
    fn file_paths_must_name_something_below_the_root() {
        let root = Path::new("/x/proj");
        assert_kind(
            &normalize_file("", root).expect_err("empty"),
            ErrorKind::InvalidInput,
            "the path is empty",
        );
        assert_kind(
            &normalize_file("a/..", root).expect_err("root"),
            ErrorKind::InvalidInput,
            "is a directory",
        );
        assert_eq!(
            normalize_file("./src/lib.rs", root).expect("file"),
            "src/lib.rs"
        );
    }

    #[test]
    fn git_dirs_are_recognised_at_any_depth() {
        assert!(is_in_git_dir(".git"));
        assert!(is_in_git_dir(".git/config"));
        assert!(is_in_git_dir("vendor/lib/.git/HEAD"));
        assert!(!is_in_git_dir(".github/workflows"));
        assert!(!is_in_git_dir("a.git"));
    }

    #[test]
    fn git_dirs_for_writes_ignore_letter_case() {
        for rel in [
            ".git",
            ".GIT/config",
            "sub/.Git/hooks/pre-commit",
            ".git/HEAD",
        ] {
            assert!(is_in_git_dir_any_case(rel), "{rel}");
        }
        for rel in [".github/x", "a.git", ".gitignore", "git/config"] {
            assert!(!is_in_git_dir_any_case(rel), "{rel}");
        }
    }
}
