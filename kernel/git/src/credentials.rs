//! Credentials for remotes.
//!
//! Owns: [`CredentialPlan`], the order in which authentication mechanisms are
//! offered to libgit2 — ssh-agent for ssh URLs; for https a token from
//! `RALEX_GIT_TOKEN` (user `RALEX_GIT_USERNAME`, default `x-access-token`),
//! then git's credential helper — and giving up after a few attempts while
//! remembering which mechanisms were tried, for the error message.
//!
//! Must never: log or put into an error a token, password or key.

use git2::{Config, Cred, CredentialType};

/// The environment variable holding an https token.
pub const TOKEN_VAR: &str = "RALEX_GIT_TOKEN";
/// The environment variable holding the user name that goes with the token.
pub const USERNAME_VAR: &str = "RALEX_GIT_USERNAME";
/// The user name used with a token when [`USERNAME_VAR`] is unset.
const DEFAULT_TOKEN_USER: &str = "x-access-token";
/// libgit2 calls back again after each rejected credential; stop after this many.
const MAX_ATTEMPTS: u32 = 6;

/// The credential state of one remote operation.
pub(crate) struct CredentialPlan {
    token: Option<String>,
    token_user: String,
    config: Option<Config>,
    attempts: u32,
    username_sent: bool,
    agent_tried: bool,
    token_tried: bool,
    helper_tried: bool,
    tried: Vec<&'static str>,
    gave_up: bool,
}

impl std::fmt::Debug for CredentialPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialPlan")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("tried", &self.tried)
            .finish_non_exhaustive()
    }
}

impl CredentialPlan {
    /// A plan with the token from the environment and git's configuration
    /// (for the credential helper).
    pub(crate) fn from_env(config: Option<Config>) -> CredentialPlan {
        let token = std::env::var(TOKEN_VAR).ok().filter(|t| !t.is_empty());
        let user = std::env::var(USERNAME_VAR).ok().filter(|u| !u.is_empty());
        CredentialPlan::new(token, user, config)
    }

    /// A plan with an explicit token and user name.
    pub(crate) fn new(
        token: Option<String>,
        token_user: Option<String>,
        config: Option<Config>,
    ) -> CredentialPlan {
        CredentialPlan {
            token,
            token_user: token_user.unwrap_or_else(|| DEFAULT_TOKEN_USER.to_owned()),
            config,
            attempts: 0,
            username_sent: false,
            agent_tried: false,
            token_tried: false,
            helper_tried: false,
            tried: Vec::new(),
            gave_up: false,
        }
    }

    /// The next credential to offer for `url`, or an error once every
    /// mechanism allowed by `allowed` was tried.
    pub(crate) fn next(
        &mut self,
        url: &str,
        username_from_url: Option<&str>,
        allowed: CredentialType,
    ) -> Result<Cred, git2::Error> {
        self.attempts += 1;
        if self.attempts <= MAX_ATTEMPTS
            && let Some(cred) = self.try_next(url, username_from_url, allowed)
        {
            return Ok(cred);
        }
        self.gave_up = true;
        tracing::debug!(url, tried = %self.tried_text(), "no more credentials to try");
        Err(git2::Error::new(
            git2::ErrorCode::Auth,
            git2::ErrorClass::Callback,
            "no more credentials to try",
        ))
    }

    fn try_next(
        &mut self,
        url: &str,
        username_from_url: Option<&str>,
        allowed: CredentialType,
    ) -> Option<Cred> {
        let ssh_user = username_from_url.unwrap_or("git");
        if allowed.contains(CredentialType::USERNAME) && !self.username_sent {
            self.username_sent = true;
            return Cred::username(ssh_user).ok();
        }
        if allowed.contains(CredentialType::SSH_KEY) && !self.agent_tried {
            self.agent_tried = true;
            self.tried.push("ssh-agent");
            if let Ok(cred) = Cred::ssh_key_from_agent(ssh_user) {
                return Some(cred);
            }
        }
        if allowed.contains(CredentialType::USER_PASS_PLAINTEXT) {
            if !self.token_tried {
                self.token_tried = true;
                if let Some(token) = &self.token {
                    self.tried.push(TOKEN_VAR);
                    if let Ok(cred) = Cred::userpass_plaintext(&self.token_user, token) {
                        return Some(cred);
                    }
                }
            }
            if !self.helper_tried {
                self.helper_tried = true;
                self.tried.push("git credential helper");
                if let Some(config) = &self.config
                    && let Ok(cred) = Cred::credential_helper(config, url, username_from_url)
                {
                    return Some(cred);
                }
            }
        }
        None
    }

    /// Whether the plan ran out of mechanisms (the failure is authentication).
    pub(crate) fn gave_up(&self) -> bool {
        self.gave_up
    }

    /// The mechanisms tried, for messages: `"ssh-agent"`, `"RALEX_GIT_TOKEN, git credential helper"`.
    pub(crate) fn tried_text(&self) -> String {
        if self.tried.is_empty() {
            "no mechanism (the remote asked for a kind of credential Ralex does not support)"
                .to_owned()
        } else {
            self.tried.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HTTPS: &str = "https://example.com/org/repo.git";

    fn kind(cred: &Cred) -> u32 {
        cred.credtype()
    }

    #[test]
    fn https_tries_the_token_then_the_helper_then_gives_up() {
        let config = Config::new().expect("empty config");
        let mut plan = CredentialPlan::new(Some("s3cret".into()), None, Some(config));
        let first = plan
            .next(HTTPS, None, CredentialType::USER_PASS_PLAINTEXT)
            .expect("token");
        assert_eq!(kind(&first), CredentialType::USER_PASS_PLAINTEXT.bits());
        // No helper is configured in an empty config, so the next call gives up.
        let Err(err) = plan.next(HTTPS, None, CredentialType::USER_PASS_PLAINTEXT) else {
            panic!("the plan must be exhausted");
        };
        assert_eq!(err.code(), git2::ErrorCode::Auth);
        assert!(plan.gave_up());
        assert_eq!(plan.tried_text(), "RALEX_GIT_TOKEN, git credential helper");
        assert!(!format!("{plan:?}").contains("s3cret"));
    }

    #[test]
    fn https_without_token_goes_to_the_helper() {
        let mut config = Config::new().expect("config");
        let tmp = tempfile::tempdir().expect("tempdir");
        let path = tmp.path().join("config");
        config
            .add_file(&path, git2::ConfigLevel::Local, false)
            .expect("add file");
        // A helper that answers with a fixed password, as `git credential` would.
        config
            .set_str(
                "credential.helper",
                "!f() { echo username=bob; echo password=hunter2; }; f",
            )
            .expect("set helper");
        let mut plan = CredentialPlan::new(None, None, Some(config));
        let cred = plan
            .next(HTTPS, None, CredentialType::USER_PASS_PLAINTEXT)
            .expect("helper");
        assert_eq!(kind(&cred), CredentialType::USER_PASS_PLAINTEXT.bits());
        assert_eq!(plan.tried_text(), "git credential helper");
        assert!(
            plan.next(HTTPS, None, CredentialType::USER_PASS_PLAINTEXT)
                .is_err()
        );
    }

    #[test]
    fn ssh_sends_the_user_name_then_tries_the_agent_once() {
        let mut plan = CredentialPlan::new(Some("token".into()), None, None);
        let url = "git@example.com:org/repo.git";
        let user = plan
            .next(url, None, CredentialType::USERNAME)
            .expect("username");
        assert_eq!(kind(&user), CredentialType::USERNAME.bits());
        let agent = plan
            .next(url, Some("git"), CredentialType::SSH_KEY)
            .expect("agent");
        assert_eq!(kind(&agent), CredentialType::SSH_KEY.bits());
        assert!(
            plan.next(url, Some("git"), CredentialType::SSH_KEY)
                .is_err()
        );
        assert_eq!(plan.tried_text(), "ssh-agent");
    }

    #[test]
    fn attempts_are_bounded() {
        let mut plan = CredentialPlan::new(None, None, None);
        for _ in 0..MAX_ATTEMPTS + 2 {
            let _ = plan.next(HTTPS, None, CredentialType::all());
        }
        assert!(plan.gave_up());
    }
}
