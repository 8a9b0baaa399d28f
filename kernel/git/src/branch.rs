//! Branches: which one is checked out, and creating new ones.
//!
//! Owns: reading the current branch (detached HEAD is an error that says so)
//! and `git branch <name>` / `git switch -c <name>`.

use git2::{Branch, BranchType};

use crate::repo::HeadState;
use crate::{GitError, Repo};

impl Repo {
    /// The name of the checked-out branch (also on a fresh repository without
    /// commits). Fails with [`GitError::DetachedHead`] when HEAD is detached.
    pub fn current_branch(&self) -> Result<String, GitError> {
        match self.head_state()? {
            HeadState::Branch { name, .. } | HeadState::Unborn { name } => Ok(name),
            HeadState::Detached { commit } => Err(GitError::DetachedHead {
                commit: short(commit),
            }),
        }
    }

    /// Creates branch `name` at HEAD and, with `checkout`, switches to it (the
    /// work tree and index stay as they are, like `git switch -c`). On a
    /// repository without commits only `checkout` is possible: it renames the
    /// branch-to-be.
    pub fn create_branch(&self, name: &str, checkout: bool) -> Result<(), GitError> {
        let valid = Branch::name_is_valid(name).map_err(GitError::git("checking the name"))?;
        if !valid || name.starts_with('-') || name == "HEAD" {
            return Err(GitError::InvalidBranchName {
                name: name.to_owned(),
            });
        }
        if self.repo.find_branch(name, BranchType::Local).is_ok() {
            return Err(GitError::BranchExists {
                name: name.to_owned(),
            });
        }
        let refname = format!("refs/heads/{name}");
        match self.head_commit()? {
            Some(commit) => {
                self.repo
                    .branch(name, &commit, false)
                    .map_err(GitError::git("creating the branch"))?;
            }
            None if checkout => {}
            None => {
                return Err(GitError::UnbornBranch {
                    action: "create a branch",
                    branch: self.current_branch()?,
                });
            }
        }
        if checkout {
            self.repo
                .set_head(&refname)
                .map_err(GitError::git("switching to the branch"))?;
        }
        tracing::info!(branch = name, checkout, "branch created");
        Ok(())
    }
}

/// The 7-digit abbreviation of a commit id.
pub(crate) fn short(id: git2::Oid) -> String {
    id.to_string()[..7].to_owned()
}

#[cfg(test)]
mod tests {
    use crate::testing::*;
    use ralex_caps::ErrorKind;

    #[test]
    fn current_branch_on_fresh_and_committed_repositories() {
        let fx = Fixture::new();
        assert_eq!(fx.open().current_branch().expect("branch"), "main");
        fx.write("a.txt", "a\n");
        fx.git(&["add", "a.txt"]);
        fx.git(&["commit", "-q", "-m", "first"]);
        assert_eq!(fx.open().current_branch().expect("branch"), "main");
    }

    #[test]
    fn detached_head_is_explained() {
        let fx = Fixture::with_commit(&[("a.txt", "a\n")]);
        fx.git(&["switch", "-q", "--detach", "HEAD"]);
        let short = fx.git(&["rev-parse", "--short=7", "HEAD"]);
        let err = fx.open().current_branch().expect_err("detached");
        assert_kind(&err, ErrorKind::Conflict, "detached");
        assert!(err.to_string().contains(short.trim()), "{err}");
    }

    #[test]
    fn create_branch_with_and_without_checkout() {
        let fx = Fixture::with_commit(&[("a.txt", "a\n")]);
        fx.write("a.txt", "uncommitted\n");
        let repo = fx.open();
        repo.create_branch("feature/x", false).expect("create");
        assert_eq!(repo.current_branch().expect("branch"), "main");
        repo.create_branch("work", true).expect("create and switch");
        assert_eq!(repo.current_branch().expect("branch"), "work");
        assert_eq!(fx.git(&["branch", "--show-current"]).trim(), "work");
        assert_eq!(
            fx.git(&["rev-parse", "feature/x"]),
            fx.git(&["rev-parse", "main"])
        );
        assert_eq!(fx.read("a.txt").as_deref(), Some("uncommitted\n"));
        assert_eq!(fx.git_status(), vec![" M a.txt"]);
    }

    #[test]
    fn invalid_branch_names_are_refused() {
        let fx = Fixture::with_commit(&[("a.txt", "a\n")]);
        let repo = fx.open();
        for bad in [
            "",
            "has space",
            "a..b",
            "x~1",
            "y^",
            "z:",
            "end.lock",
            "-flag",
            "HEAD",
            "a/",
            "@{x}",
        ] {
            let err = repo.create_branch(bad, false).expect_err(bad);
            assert_kind(&err, ErrorKind::InvalidInput, "not a valid branch name");
        }
        assert_eq!(fx.git(&["branch", "--format=%(refname:short)"]), "main\n");
    }

    #[test]
    fn existing_branch_is_refused() {
        let fx = Fixture::with_commit(&[("a.txt", "a\n")]);
        let err = fx.open().create_branch("main", true).expect_err("exists");
        assert_kind(&err, ErrorKind::Conflict, "already exists");
    }

    #[test]
    fn branch_on_a_fresh_repository() {
        let fx = Fixture::new();
        let repo = fx.open();
        let err = repo.create_branch("side", false).expect_err("unborn");
        assert_kind(&err, ErrorKind::Conflict, "no commits yet");
        repo.create_branch("trunk", true).expect("switch unborn");
        assert_eq!(repo.current_branch().expect("branch"), "trunk");
        fx.write("a.txt", "a\n");
        repo.commit("first", &[]).expect("commit");
        assert_eq!(fx.git(&["branch", "--show-current"]).trim(), "trunk");
    }
}
