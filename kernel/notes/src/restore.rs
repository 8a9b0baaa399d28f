//! Bringing back a damaged note from git history, when a person asks
//! (`ralex context restore PATH`).
//!
//! Owns: finding the newest committed version of a note that passes
//! [`crate::check`] and putting it in place of the damaged file (atomically).
//! The damaged content is kept beside it as `<name>.damaged` so nothing is lost.
//!
//! Must never: restore anything outside `.ralex/`, or overwrite a file that is
//! healthy.

use std::path::Path;

use crate::NotesError;
use crate::check::check_bytes;
use crate::layout::note_path;

/// Most commits looked at.
const MAX_COMMITS: usize = 2_000;

/// A healthy version found in history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Healthy {
    /// The note path.
    pub path: String,
    /// The commit it comes from (short id).
    pub commit: String,
    /// That commit's summary line.
    pub summary: String,
    /// Its time, seconds since the Unix epoch.
    pub time: i64,
    /// Where the damaged file was kept, once restored.
    pub kept_damaged: Option<String>,
}

/// The newest healthy committed version of `path`, without changing anything.
pub fn find(root: &Path, path: &str) -> Result<(Healthy, Vec<u8>), NotesError> {
    let note = note_path(path)?;
    let git = |message: String| NotesError::Git {
        path: note.clone(),
        message,
    };
    let repo = git2::Repository::discover(root).map_err(|e| {
        git(format!(
            "{} (is the project a git repository?)",
            e.message()
        ))
    })?;
    let workdir = repo
        .workdir()
        .ok_or_else(|| git("the repository has no work tree".into()))?;
    let root = root
        .canonicalize()
        .map_err(NotesError::io(root, "resolving"))?;
    let workdir = workdir
        .canonicalize()
        .map_err(NotesError::io(workdir, "resolving"))?;
    let prefix = root
        .strip_prefix(&workdir)
        .map_err(|_| git("the project is not inside the repository's work tree".into()))?;
    let in_repo = prefix.join(&note);
    let mut walk = repo.revwalk().map_err(|e| git(e.message().into()))?;
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME)
        .map_err(|e| git(e.message().into()))?;
    if walk.push_head().is_err() {
        return Err(NotesError::NoHealthyVersion {
            path: note,
            looked: 0,
        });
    }
    let mut looked = 0;
    for oid in walk.take(MAX_COMMITS) {
        let oid = oid.map_err(|e| git(e.message().into()))?;
        let commit = repo.find_commit(oid).map_err(|e| git(e.message().into()))?;
        let Ok(tree) = commit.tree() else { continue };
        let Ok(entry) = tree.get_path(&in_repo) else {
            continue;
        };
        let Ok(blob) = repo.find_blob(entry.id()) else {
            continue;
        };
        looked += 1;
        if check_bytes(&note, blob.content()).is_none() {
            let healthy = Healthy {
                path: note.clone(),
                commit: oid.to_string()[..10].to_string(),
                summary: commit.summary().unwrap_or("").to_string(),
                time: commit.time().seconds(),
                kept_damaged: None,
            };
            return Ok((healthy, blob.content().to_vec()));
        }
    }
    Err(NotesError::NoHealthyVersion { path: note, looked })
}

/// Puts the newest healthy version of the damaged note `path` in place; the
/// damaged file is kept as `<path>.damaged`. Refuses a healthy file.
pub fn restore(root: &Path, path: &str) -> Result<Healthy, NotesError> {
    let note = note_path(path)?;
    let file = root.join(&note);
    if let Ok(bytes) = std::fs::read(&file)
        && check_bytes(&note, &bytes).is_none()
    {
        return Err(NotesError::BadPath {
            path: note,
            why: "it is not damaged; nothing to restore",
        });
    }
    let (mut healthy, content) = find(root, &note)?;
    if file.exists() {
        let kept = format!("{note}.damaged");
        std::fs::rename(&file, root.join(&kept))
            .map_err(NotesError::io(&file, "keeping the damaged file"))?;
        healthy.kept_damaged = Some(kept);
    }
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent).map_err(NotesError::io(parent, "creating the folder"))?;
    }
    let temp = file.with_extension("restoring");
    std::fs::write(&temp, &content).map_err(NotesError::io(&temp, "writing"))?;
    std::fs::rename(&temp, &file).map_err(NotesError::io(&file, "putting back"))?;
    Ok(healthy)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit_all(repo: &git2::Repository, message: &str) {
        let mut index = repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = git2::Signature::now("t", "t@example.com").unwrap();
        let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
            .unwrap();
    }

    #[test]
    fn the_newest_healthy_version_comes_back_and_the_damage_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let repo = git2::Repository::init(root).unwrap();
        std::fs::create_dir_all(root.join(".ralex")).unwrap();
        std::fs::write(root.join(".ralex/project.md"), "# v1\n").unwrap();
        commit_all(&repo, "one");
        std::fs::write(root.join(".ralex/project.md"), "# v2\n").unwrap();
        commit_all(&repo, "two");
        std::fs::write(root.join(".ralex/project.md"), b"# v3\n\0\xff").unwrap();
        commit_all(&repo, "damaged");

        let healthy = restore(root, "project.md").unwrap();
        assert_eq!(healthy.summary, "two");
        assert_eq!(
            healthy.kept_damaged.as_deref(),
            Some(".ralex/project.md.damaged")
        );
        assert_eq!(
            std::fs::read_to_string(root.join(".ralex/project.md")).unwrap(),
            "# v2\n"
        );
        assert_eq!(
            std::fs::read(root.join(".ralex/project.md.damaged")).unwrap(),
            b"# v3\n\0\xff"
        );
        // Now healthy: a second restore is refused.
        assert!(restore(root, "project.md").is_err());
    }

    #[test]
    fn no_history_says_so() {
        let dir = tempfile::tempdir().unwrap();
        git2::Repository::init(dir.path()).unwrap();
        std::fs::create_dir_all(dir.path().join(".ralex")).unwrap();
        std::fs::write(dir.path().join(".ralex/decisions.md"), b"\xff").unwrap();
        let err = restore(dir.path(), ".ralex/decisions.md").unwrap_err();
        assert!(err.to_string().contains("no healthy version"), "{err}");
        assert!(restore(dir.path(), "../x").is_err());
    }
}
