//! Opening the project's repository.
//!
//! Owns: [`Repo`] (the handle every operation hangs off), finding the
//! repository from the project root, and the small lookups the operations share
//! (HEAD tree, current branch state, author signature, repository state).
//!
//! Must never: honour `GIT_DIR`-style environment overrides (the kernel chose the
//! project root, the environment does not), or open a bare repository.

use std::path::{Path, PathBuf};

use git2::{ErrorCode, Repository, RepositoryState};

use crate::GitError;

/// A repository whose work tree contains the project root.
///
/// All paths the API takes and returns are relative to the work-tree root
/// ([`Repo::workdir`]), with `/` separators, as `git status` prints them from
/// the top of the work tree. `Repo` is `Send` but not `Sync` (libgit2 handles
/// must not be shared between threads); open one per thread.
pub struct Repo {
    pub(crate) repo: Repository,
    /// The canonical work-tree root.
    workdir: PathBuf,
    /// The project root relative to the work tree (`""` when they coincide).
    prefix: String,
}

impl std::fmt::Debug for Repo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repo")
            .field("workdir", &self.workdir)
            .field("prefix", &self.prefix)
            .finish()
    }
}

/// Where HEAD points.
pub(crate) enum HeadState {
    /// On a branch that has commits.
    Branch { name: String, commit: git2::Oid },
    /// On a branch without commits yet (fresh repository).
    Unborn { name: String },
    /// Detached at a commit.
    Detached { commit: git2::Oid },
}

impl Repo {
    /// Opens the repository whose work tree is `project_root` or contains it
    /// (searching upwards like `git` does). Fails with [`GitError::NotARepo`]
    /// when there is none and [`GitError::BareRepo`] for a bare repository.
    pub fn open(project_root: &Path) -> Result<Repo, GitError> {
        let root = std::fs::canonicalize(project_root).map_err(|source| GitError::Root {
            root: project_root.to_path_buf(),
            source,
        })?;
        let repo = Repository::discover(&root).map_err(|err| match err.code() {
            ErrorCode::NotFound => GitError::NotARepo {
                root: project_root.to_path_buf(),
            },
            _ => GitError::git("opening the repository")(err),
        })?;
        let Some(workdir) = repo.workdir() else {
            return Err(GitError::BareRepo {
                path: repo.path().to_path_buf(),
            });
        };
        let workdir = std::fs::canonicalize(workdir).map_err(|source| GitError::Root {
            root: workdir.to_path_buf(),
            source,
        })?;
        let outside = || GitError::OutsideWorkTree {
            root: project_root.to_path_buf(),
            workdir: workdir.clone(),
        };
        let relative = root.strip_prefix(&workdir).map_err(|_| outside())?;
        if relative
            .components()
            .next()
            .is_some_and(|c| c.as_os_str() == ".git")
        {
            return Err(outside());
        }
        let prefix = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        tracing::debug!(workdir = %workdir.display(), %prefix, "git repository opened");
        Ok(Repo {
            repo,
            workdir,
            prefix,
        })
    }

    /// The canonical work-tree root; every path of this API is relative to it.
    pub fn workdir(&self) -> &Path {
        &self.workdir
    }

    /// Where the project root sits inside the work tree, `/`-separated (`""`
    /// when the project root is the work-tree root).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The underlying libgit2 handle, for kernel code that needs more than this API.
    pub fn git2(&self) -> &Repository {
        &self.repo
    }

    /// Where HEAD points.
    pub(crate) fn head_state(&self) -> Result<HeadState, GitError> {
        let head = self
            .repo
            .find_reference("HEAD")
            .map_err(GitError::git("reading HEAD"))?;
        if let Some(target) = head.symbolic_target() {
            let name = target
                .strip_prefix("refs/heads/")
                .unwrap_or(target)
                .to_owned();
            let branch = match self.repo.find_reference(target) {
                Ok(branch) => branch,
                Err(err) if err.code() == ErrorCode::NotFound => {
                    return Ok(HeadState::Unborn { name });
                }
                Err(err) => return Err(GitError::git("resolving HEAD")(err)),
            };
            let resolved = branch.resolve().map_err(GitError::git("resolving HEAD"))?;
            return Ok(match resolved.target() {
                Some(commit) => HeadState::Branch { name, commit },
                None => HeadState::Unborn { name },
            });
        }
        match head.target() {
            Some(commit) => Ok(HeadState::Detached { commit }),
            None => Err(GitError::git("reading HEAD")(git2::Error::from_str(
                "HEAD is neither a branch nor a commit",
            ))),
        }
    }

    /// The commit HEAD points at, `None` on an unborn branch.
    pub(crate) fn head_commit(&self) -> Result<Option<git2::Commit<'_>>, GitError> {
        let id = match self.head_state()? {
            HeadState::Branch { commit, .. } | HeadState::Detached { commit } => commit,
            HeadState::Unborn { .. } => return Ok(None),
        };
        self.repo
            .find_commit(id)
            .map(Some)
            .map_err(GitError::git("reading the HEAD commit"))
    }

    /// The tree of HEAD, `None` on an unborn branch.
    pub(crate) fn head_tree(&self) -> Result<Option<git2::Tree<'_>>, GitError> {
        match self.head_commit()? {
            Some(commit) => commit
                .tree()
                .map(Some)
                .map_err(GitError::git("reading the HEAD tree")),
            None => Ok(None),
        }
    }

    /// The author/committer: `user.name`/`user.email` from the repository's
    /// configuration (local, global, system), else `Ralex <ralex@localhost>`.
    pub(crate) fn signature(&self) -> Result<git2::Signature<'static>, GitError> {
        let config = self
            .repo
            .config()
            .map_err(GitError::git("reading the configuration"))?;
        signature_from(&config)
    }

    /// Refuses when a merge, rebase... is in progress.
    pub(crate) fn ensure_clean_state(&self, action: &'static str) -> Result<(), GitError> {
        let what = match self.repo.state() {
            RepositoryState::Clean => return Ok(()),
            RepositoryState::Merge => "a merge is in progress",
            RepositoryState::Revert | RepositoryState::RevertSequence => "a revert is in progress",
            RepositoryState::CherryPick | RepositoryState::CherryPickSequence => {
                "a cherry-pick is in progress"
            }
            RepositoryState::Bisect => "a bisect is in progress",
            RepositoryState::Rebase
            | RepositoryState::RebaseInteractive
            | RepositoryState::RebaseMerge => "a rebase is in progress",
            RepositoryState::ApplyMailbox | RepositoryState::ApplyMailboxOrRebase => {
                "a `git am` is in progress"
            }
        };
        Err(GitError::Busy {
            action,
            what: what.to_owned(),
            workdir: self.workdir.clone(),
        })
    }
}

/// `user.name <user.email>` from `config`, else `Ralex <ralex@localhost>`.
pub(crate) fn signature_from(config: &git2::Config) -> Result<git2::Signature<'static>, GitError> {
    let name = config
        .get_string("user.name")
        .ok()
        .filter(|n| !n.trim().is_empty());
    let email = config
        .get_string("user.email")
        .ok()
        .filter(|e| !e.trim().is_empty());
    let (name, email) = match (name, email) {
        (Some(name), Some(email)) => (name, email),
        _ => ("Ralex".to_owned(), "ralex@localhost".to_owned()),
    };
    git2::Signature::now(&name, &email).map_err(GitError::git("creating the author signature"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use ralex_caps::ErrorKind;

    #[test]
    fn open_finds_the_repository_from_a_subfolder() {
        let fx = Fixture::new();
        fx.write("src/lib.rs", "x");
        let repo = Repo::open(&fx.root().join("src")).expect("open");
        assert_eq!(repo.workdir(), std::fs::canonicalize(fx.root()).unwrap());
        assert_eq!(repo.prefix(), "src");
        let top = fx.open();
        assert_eq!(top.prefix(), "");
    }

    #[test]
    fn open_without_repository_says_run_git_init() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let err = Repo::open(tmp.path()).expect_err("no repo");
        assert_kind(&err, ErrorKind::NotFound, "run `git init`");
    }

    #[test]
    fn open_missing_root_is_not_found() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let err = Repo::open(&tmp.path().join("nope")).expect_err("missing");
        assert_kind(&err, ErrorKind::NotFound, "nope");
    }

    #[test]
    fn open_bare_repository_is_refused() {
        let tmp = tempfile::tempdir().expect("tempdir");
        Repository::init_bare(tmp.path()).expect("init bare");
        let err = Repo::open(tmp.path()).expect_err("bare");
        assert_kind(&err, ErrorKind::InvalidInput, "bare");
    }

    #[test]
    fn open_inside_dot_git_is_refused() {
        let fx = Fixture::new();
        let err = Repo::open(&fx.root().join(".git")).expect_err("inside .git");
        assert!(
            matches!(
                err,
                GitError::OutsideWorkTree { .. } | GitError::BareRepo { .. }
            ),
            "{err:?}"
        );
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
    }

    #[test]
    fn signature_comes_from_configuration_or_falls_back_to_ralex() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let path = tmp.path().join("config");
        let mut config = git2::Config::open(&path).expect("config");
        let fallback = signature_from(&config).expect("fallback");
        assert_eq!(
            (fallback.name(), fallback.email()),
            (Some("Ralex"), Some("ralex@localhost"))
        );
        config.set_str("user.name", "Ada").expect("set");
        config
            .set_str("user.email", "ada@example.com")
            .expect("set");
        let configured = signature_from(&config).expect("configured");
        assert_eq!(
            (configured.name(), configured.email()),
            (Some("Ada"), Some("ada@example.com"))
        );
    }

    #[test]
    fn repo_is_send() {
        fn check<T: Send>() {}
        check::<Repo>();
    }
}
