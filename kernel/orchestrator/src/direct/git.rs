//! `git`: status, diff, log and commit on the project's repository, each decided
//! and audited; other git actions are not run from a spoken command (yet).
//! Notes that earlier commands left uncommitted are committed on their own
//! first (`crate::notes::settle_notes`), so status, diff and a commit are about
//! the code.

use ralex_git::DiffScope;
use ralex_intent::Intent;
use ralex_policy::{Action, Resource};

use super::{Direct, Outcome};

/// Commits listed by "show the log".
const LOG_LIMIT: usize = 15;

pub(super) fn run(direct: &Direct, intent: &Intent) -> Option<Outcome> {
    let action = intent.param("action").unwrap_or("status");
    let Some(repo) = &direct.repo else {
        return Some(Outcome::failed(
            "This project is not a git repository, so there is no git history to use. Run `git init` in it first.",
        ));
    };
    let repo = repo
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let here = Resource::Repo {
        remote: String::new(),
        force: false,
    };
    if matches!(action, "status" | "diff" | "commit") {
        crate::notes::settle_notes(&repo, &direct.root);
    }
    let outcome = match action {
        "status" => {
            if let Err(why) = direct.gate.allow(Action::GitStatus, &here, &[], true) {
                return Some(Outcome::denied("read the git status", &why));
            }
            match repo.status() {
                Ok(entries) if entries.is_empty() => {
                    Outcome::completed("Nothing has changed since the last commit.", None)
                }
                Ok(entries) => {
                    let listing: String = entries.iter().map(|e| format!("{e}\n")).collect();
                    let n = entries.len();
                    Outcome::completed(
                        format!(
                            "{n} file{} changed since the last commit.",
                            if n == 1 { "" } else { "s" }
                        ),
                        Some(listing),
                    )
                }
                Err(e) => Outcome::failed(format!("git status failed: {e}")),
            }
        }
        "diff" => {
            if let Err(why) = direct.gate.allow(Action::GitDiff, &here, &[], true) {
                return Some(Outcome::denied("read the git diff", &why));
            }
            match repo.diff(DiffScope::Head, &[]) {
                Ok(patch) if patch.is_empty() => {
                    Outcome::completed("There are no changes to tracked files.", None)
                }
                Ok(patch) => {
                    let files = patch
                        .lines()
                        .filter(|l| l.starts_with("diff --git "))
                        .count();
                    Outcome::completed(
                        format!(
                            "Changes in {files} file{}; the diff is on screen.",
                            if files == 1 { "" } else { "s" }
                        ),
                        Some(patch),
                    )
                }
                Err(e) => Outcome::failed(format!("git diff failed: {e}")),
            }
        }
        "log" => {
            if let Err(why) = direct.gate.allow(Action::GitLog, &here, &[], true) {
                return Some(Outcome::denied("read the git log", &why));
            }
            match repo.log(LOG_LIMIT) {
                Ok(commits) if commits.is_empty() => {
                    Outcome::completed("There are no commits yet.", None)
                }
                Ok(commits) => {
                    let listing: String = commits
                        .iter()
                        .map(|c| {
                            format!(
                                "{}  {}  ({})\n",
                                &c.id[..c.id.len().min(8)],
                                c.summary,
                                c.author
                            )
                        })
                        .collect();
                    // Ralex's own notes commits are listed, not spoken.
                    let last = commits
                        .iter()
                        .find(|c| !c.summary.starts_with(ralex_git::COMMIT_PREFIX))
                        .unwrap_or(&commits[0]);
                    Outcome::completed(
                        format!("The last commit is \"{}\".", last.summary),
                        Some(listing),
                    )
                }
                Err(e) => Outcome::failed(format!("git log failed: {e}")),
            }
        }
        "commit" => {
            let Some(message) = intent
                .param("message")
                .map(str::trim)
                .filter(|m| !m.is_empty())
            else {
                return Some(Outcome::failed(
                    "What should the commit message be? Say, for example, \"commit with message fix the price rounding\".",
                ));
            };
            if let Err(why) =
                direct
                    .gate
                    .allow(Action::GitCommit, &here, &[message.as_bytes()], false)
            {
                return Some(Outcome::denied("commit", &why));
            }
            match repo.commit(message, &[]) {
                Ok(id) => Outcome::completed(
                    format!("Committed \"{message}\" as {}.", &id[..id.len().min(8)]),
                    None,
                ),
                Err(ralex_git::GitError::NothingToCommit { .. }) => Outcome::failed(
                    "There is nothing to commit: no file changed since the last commit.",
                ),
                Err(e) => Outcome::failed(format!("The commit failed: {e}")),
            }
        }
        other => Outcome::failed(format!(
            "git {other} is not run from a spoken command yet; run it yourself, or ask for status, diff, log or commit."
        )),
    };
    Some(outcome)
}
