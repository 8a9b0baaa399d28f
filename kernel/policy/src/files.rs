//! Where policies come from: the shipped defaults and the user's folder.
//!
//! Owns: the embedded default files (`policies/defaults/*.cedar`), reading
//! `*.cedar` files from a folder (sorted, recursively, so `grants/` works), and the
//! override rule: a user file with the same relative name as a default replaces it.
//!
//! Must never: read policies from inside a project (a cloned repository must not
//! grant itself anything); only the kernel's own folders are policy sources.

use std::path::Path;

use crate::error::PolicyError;

/// The Cedar schema every policy is validated against.
pub const SCHEMA: &str = include_str!("../../../policies/schema.cedarschema");

/// One policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFile {
    /// Name relative to its folder ("secrets.cedar", "grants/x.cedar"); the
    /// override key.
    pub name: String,
    /// Where it came from, for messages (a path, or "policies/defaults/x (built in)").
    pub origin: String,
    /// The Cedar text.
    pub text: String,
}

const DEFAULTS: &[(&str, &str)] = &[
    (
        "base.cedar",
        include_str!("../../../policies/defaults/base.cedar"),
    ),
    (
        "secrets.cedar",
        include_str!("../../../policies/defaults/secrets.cedar"),
    ),
    (
        "writes.cedar",
        include_str!("../../../policies/defaults/writes.cedar"),
    ),
    (
        "exec.cedar",
        include_str!("../../../policies/defaults/exec.cedar"),
    ),
    (
        "network.cedar",
        include_str!("../../../policies/defaults/network.cedar"),
    ),
    (
        "git.cedar",
        include_str!("../../../policies/defaults/git.cedar"),
    ),
    (
        "confirm.cedar",
        include_str!("../../../policies/defaults/confirm.cedar"),
    ),
];

/// The shipped default policies.
pub fn default_files() -> Vec<PolicyFile> {
    DEFAULTS
        .iter()
        .map(|(name, text)| PolicyFile {
            name: (*name).to_string(),
            origin: format!("policies/defaults/{name} (built in)"),
            text: (*text).to_string(),
        })
        .collect()
}

/// Every `*.cedar` file under `dir` (recursively), sorted by name. A missing
/// folder is no policies, not an error.
pub fn load_dir(dir: &Path) -> Result<Vec<PolicyFile>, PolicyError> {
    let mut files = Vec::new();
    if dir.exists() {
        collect(dir, dir, &mut files)?;
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<PolicyFile>) -> Result<(), PolicyError> {
    let io = |source| PolicyError::Io {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let path = entry.path();
        let kind = entry.file_type().map_err(io)?;
        if kind.is_dir() {
            collect(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "cedar") {
            let text = std::fs::read_to_string(&path).map_err(|source| PolicyError::Io {
                path: path.clone(),
                source,
            })?;
            let name = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            out.push(PolicyFile {
                name,
                origin: path.display().to_string(),
                text,
            });
        }
    }
    Ok(())
}

/// The defaults with `overrides` applied: an override with a default's name
/// replaces it; the others are added.
pub fn merge_files(defaults: Vec<PolicyFile>, overrides: Vec<PolicyFile>) -> Vec<PolicyFile> {
    let mut merged: Vec<PolicyFile> = defaults
        .into_iter()
        .filter(|d| !overrides.iter().any(|o| o.name == d.name))
        .collect();
    merged.extend(overrides);
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_file_replaces_the_default_of_the_same_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("exec.cedar"), "// mine\n").unwrap();
        std::fs::create_dir(dir.path().join("grants")).unwrap();
        std::fs::write(dir.path().join("grants/x.cedar"), "// grant\n").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "ignored").unwrap();
        let merged = merge_files(default_files(), load_dir(dir.path()).unwrap());
        let exec: Vec<_> = merged.iter().filter(|f| f.name == "exec.cedar").collect();
        assert_eq!(exec.len(), 1);
        assert_eq!(exec[0].text, "// mine\n");
        assert!(merged.iter().any(|f| f.name == "grants/x.cedar"));
        assert!(!merged.iter().any(|f| f.name == "notes.txt"));
        assert_eq!(merged.len(), default_files().len() + 1);
    }

    #[test]
    fn a_missing_folder_has_no_policies() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load_dir(&dir.path().join("nope")).unwrap().is_empty());
    }
}
