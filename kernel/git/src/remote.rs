//! Talking to remotes: `git fetch` and `git push`.
//!
//! Owns: looking up a configured remote, wiring the credential plan and the
//! push-rejection callback into libgit2, and translating transport failures
//! into [`GitError::Auth`], [`GitError::Network`] and the push conflicts.
//!
//! Must never: log credentials, or push anything but the current branch.

use std::cell::RefCell;
use std::rc::Rc;

use git2::{ErrorCode, FetchOptions, PushOptions, Remote, RemoteCallbacks};

use crate::credentials::CredentialPlan;
use crate::{GitError, Repo};

/// Shared state of one remote operation's callbacks.
#[derive(Default)]
pub(crate) struct Session {
    /// The credential plan, created on first use.
    credentials: Option<CredentialPlan>,
    /// References the remote refused, with its reason.
    rejected: Vec<(String, String)>,
}

impl Repo {
    /// Downloads the remote's branches and tags (`git fetch <remote>`, with its
    /// configured refspecs), updating the remote-tracking branches.
    pub fn fetch(&self, remote: &str) -> Result<(), GitError> {
        self.fetch_refspecs(remote, &[])
    }

    /// Fetches `refspecs` from `remote` (its configured refspecs when empty).
    pub(crate) fn fetch_refspecs(&self, remote: &str, refspecs: &[String]) -> Result<(), GitError> {
        let mut handle = self.find_remote(remote)?;
        let session = Rc::new(RefCell::new(Session::default()));
        let mut options = FetchOptions::new();
        options.remote_callbacks(self.callbacks(&session));
        let result = handle.fetch(refspecs, Some(&mut options), None);
        let url = url_of(&handle);
        result.map_err(|err| transport_error(err, remote, &url, &session.borrow()))?;
        tracing::info!(remote, "fetched");
        Ok(())
    }

    /// Pushes the current branch to the branch of the same name on `remote`.
    /// Without `force`, a push that would drop remote commits fails with
    /// [`GitError::PushNotFastForward`]; with `force` it overwrites them.
    pub fn push(&self, remote: &str, force: bool) -> Result<(), GitError> {
        let branch = self.current_branch()?;
        if self.head_commit()?.is_none() {
            return Err(GitError::UnbornBranch {
                action: "push",
                branch,
            });
        }
        let mut handle = self.find_remote(remote)?;
        let refname = format!("refs/heads/{branch}");
        let refspec = format!("{}{refname}:{refname}", if force { "+" } else { "" });
        let session = Rc::new(RefCell::new(Session::default()));
        let mut callbacks = self.callbacks(&session);
        let rejections = Rc::clone(&session);
        callbacks.push_update_reference(move |name, status| {
            if let Some(reason) = status {
                rejections
                    .borrow_mut()
                    .rejected
                    .push((name.to_owned(), reason.to_owned()));
            }
            Ok(())
        });
        let mut options = PushOptions::new();
        options.remote_callbacks(callbacks);
        let result = handle.push(&[refspec.as_str()], Some(&mut options));
        let url = url_of(&handle);
        let session = session.borrow();
        if let Err(err) = result {
            if err.code() == ErrorCode::NotFastForward {
                return Err(GitError::PushNotFastForward {
                    remote: remote.to_owned(),
                    branch,
                });
            }
            return Err(transport_error(err, remote, &url, &session));
        }
        if let Some((refname, reason)) = session.rejected.first() {
            if is_non_fast_forward(reason) {
                return Err(GitError::PushNotFastForward {
                    remote: remote.to_owned(),
                    branch,
                });
            }
            return Err(GitError::PushRejected {
                remote: remote.to_owned(),
                refname: refname.clone(),
                reason: reason.clone(),
            });
        }
        tracing::info!(remote, %branch, force, "pushed");
        Ok(())
    }

    /// The configured remote `name`.
    pub(crate) fn find_remote(&self, name: &str) -> Result<Remote<'_>, GitError> {
        let not_found = || GitError::RemoteNotFound {
            remote: name.to_owned(),
        };
        if name.is_empty() || !git2::Remote::is_valid_name(name) {
            return Err(not_found());
        }
        self.repo.find_remote(name).map_err(|err| match err.code() {
            ErrorCode::NotFound | ErrorCode::InvalidSpec => not_found(),
            _ => GitError::git("reading the remote's configuration")(err),
        })
    }

    /// Callbacks offering credentials from a [`CredentialPlan`] kept in `session`.
    fn callbacks(&self, session: &Rc<RefCell<Session>>) -> RemoteCallbacks<'static> {
        let mut callbacks = RemoteCallbacks::new();
        let session = Rc::clone(session);
        let mut config = self.repo.config().ok();
        callbacks.credentials(move |url, username, allowed| {
            let mut session = session.borrow_mut();
            let plan = session
                .credentials
                .get_or_insert_with(|| CredentialPlan::from_env(config.take()));
            plan.next(url, username, allowed)
        });
        callbacks
    }
}

/// The remote's URL for messages (empty when unset).
fn url_of(remote: &Remote<'_>) -> String {
    String::from_utf8_lossy(remote.url_bytes()).into_owned()
}

/// Whether a server's rejection reason means "non-fast-forward".
fn is_non_fast_forward(reason: &str) -> bool {
    let reason = reason.to_ascii_lowercase();
    reason.contains("non-fast-forward")
        || reason.contains("fetch first")
        || reason.contains("not a fast forward")
}

/// A failed fetch or push as the caller should see it.
pub(crate) fn transport_error(
    err: git2::Error,
    remote: &str,
    url: &str,
    session: &Session,
) -> GitError {
    let plan = session.credentials.as_ref();
    if err.code() == ErrorCode::Auth || plan.is_some_and(CredentialPlan::gave_up) {
        return GitError::Auth {
            remote: remote.to_owned(),
            url: url.to_owned(),
            tried: plan.map_or_else(|| "no mechanism".to_owned(), CredentialPlan::tried_text),
        };
    }
    GitError::Network {
        remote: remote.to_owned(),
        url: url.to_owned(),
        message: err.message().to_owned(),
    }
}

#[cfg(test)]
mod tests;
