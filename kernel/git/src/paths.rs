//! Checking path arguments.
//!
//! Owns: turning a caller's path into the `/`-separated, work-tree-relative
//! form libgit2 expects, refusing anything that could leave the work tree or
//! reach into `.git`.

use crate::GitError;

/// `path` normalised lexically (`./a//b` → `a/b`); refuses empty, absolute,
/// `..` and `.git` paths.
pub(crate) fn normalize(path: &str) -> Result<String, GitError> {
    let invalid = |reason| GitError::InvalidPath {
        path: path.to_owned(),
        reason,
    };
    if path.contains('\0') {
        return Err(invalid("it contains a NUL byte"));
    }
    if path.starts_with('/') || path.starts_with('\\') || path.get(1..2) == Some(":") {
        return Err(invalid("it is absolute"));
    }
    let mut parts = Vec::new();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => return Err(invalid("it climbs out of the work tree with `..`")),
            _ if part.eq_ignore_ascii_case(".git") => {
                return Err(invalid("it points into the repository's `.git` folder"));
            }
            _ => parts.push(part),
        }
    }
    if parts.is_empty() {
        return Err(invalid("it is empty"));
    }
    Ok(parts.join("/"))
}

/// Every path of `paths` normalised.
pub(crate) fn normalize_all(paths: &[String]) -> Result<Vec<String>, GitError> {
    paths.iter().map(|path| normalize(path)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_harmless_spellings() {
        assert_eq!(normalize("./src//main.rs").unwrap(), "src/main.rs");
        assert_eq!(normalize("src/").unwrap(), "src");
    }

    #[test]
    fn refuses_escapes_and_git_internals() {
        for bad in [
            "",
            ".",
            "/etc/passwd",
            "../x",
            "a/../../b",
            ".git/config",
            "a/.GIT/x",
            "C:/x",
            "a\0b",
        ] {
            let err = normalize(bad).expect_err(bad);
            assert_eq!(err.kind(), ralex_caps::ErrorKind::InvalidInput, "{bad}");
        }
    }
}
