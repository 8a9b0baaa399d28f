//! `git log`.
//!
//! Owns: [`CommitInfo`] and walking the history of HEAD, newest first.

use git2::Sort;

use crate::{GitError, Repo};

/// One commit of the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// The full commit id (40 hex digits).
    pub id: String,
    /// The first line of the message.
    pub summary: String,
    /// The author as `Name <email>`.
    pub author: String,
    /// The author time, in seconds since the Unix epoch.
    pub time: i64,
}

impl Repo {
    /// Up to `limit` commits reachable from HEAD, newest first (`git log`
    /// order). A repository without commits has an empty history.
    pub fn log(&self, limit: usize) -> Result<Vec<CommitInfo>, GitError> {
        if limit == 0 || self.head_commit()?.is_none() {
            return Ok(Vec::new());
        }
        let mut walk = self
            .repo
            .revwalk()
            .map_err(GitError::git("walking the history"))?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)
            .map_err(GitError::git("walking the history"))?;
        walk.push_head()
            .map_err(GitError::git("walking the history"))?;
        let mut commits = Vec::new();
        for id in walk.take(limit) {
            let id = id.map_err(GitError::git("walking the history"))?;
            let commit = self
                .repo
                .find_commit(id)
                .map_err(GitError::git("reading a commit"))?;
            let author = commit.author();
            commits.push(CommitInfo {
                id: id.to_string(),
                summary: String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default())
                    .into_owned(),
                author: format!(
                    "{} <{}>",
                    String::from_utf8_lossy(author.name_bytes()),
                    String::from_utf8_lossy(author.email_bytes())
                ),
                time: author.when().seconds(),
            });
        }
        Ok(commits)
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    #[test]
    fn log_lists_commits_newest_first_like_git() {
        let fx = Fixture::with_commit(&[("a.txt", "1\n")]);
        fx.write("a.txt", "2\n");
        fx.git(&["commit", "-q", "-am", "second\n\nwith a body"]);
        fx.write("a.txt", "3\n");
        fx.git(&["commit", "-q", "-am", "third"]);
        let log = fx.open().log(10).expect("log");
        let summaries: Vec<&str> = log.iter().map(|c| c.summary.as_str()).collect();
        assert_eq!(summaries, vec!["third", "second", "initial"]);
        let git_ids: Vec<String> = fx
            .git(&["log", "--format=%H"])
            .lines()
            .map(str::to_owned)
            .collect();
        let ids: Vec<String> = log.iter().map(|c| c.id.clone()).collect();
        assert_eq!(ids, git_ids);
        assert_eq!(log[0].author, "Test User <test@example.com>");
        let git_time: i64 = fx
            .git(&["log", "-1", "--format=%at"])
            .trim()
            .parse()
            .unwrap();
        assert_eq!(log[0].time, git_time);
    }

    #[test]
    fn log_respects_the_limit() {
        let fx = Fixture::with_commit(&[("a.txt", "1\n")]);
        fx.write("a.txt", "2\n");
        fx.git(&["commit", "-q", "-am", "second"]);
        let repo = fx.open();
        assert_eq!(repo.log(1).expect("log").len(), 1);
        assert!(repo.log(0).expect("log").is_empty());
    }

    #[test]
    fn log_of_an_empty_repository_is_empty() {
        let fx = Fixture::new();
        assert!(fx.open().log(10).expect("log").is_empty());
    }
}
