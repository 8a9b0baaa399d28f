//! Provider health: consecutive failures and cooldown.
//!
//! After `after` consecutive failures that say something about a provider (429,
//! 5xx, timeouts, broken connections), the provider cools down for `length` (or
//! for as long as its Retry-After asked, when longer). While cooling, the router
//! sees it flagged and the call path skips it unless nothing else is left. One
//! success clears the count.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Default, Clone, Copy)]
struct State {
    failures: u32,
    until: Option<Instant>,
}

/// Per-provider failure counts and cooldowns.
#[derive(Debug)]
pub struct Health {
    after: u32,
    length: Duration,
    states: Mutex<HashMap<String, State>>,
}

impl Health {
    /// Cool down after `after` consecutive failures, for `length`.
    pub fn new(after: u32, length: Duration) -> Health {
        Health {
            after: after.max(1),
            length,
            states: Mutex::new(HashMap::new()),
        }
    }

    fn states(&self) -> std::sync::MutexGuard<'_, HashMap<String, State>> {
        self.states
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The provider answered.
    pub fn success(&self, provider: &str) {
        self.states().remove(provider);
    }

    /// The provider failed; `hint` is its Retry-After. Returns true when this
    /// failure started a cooldown.
    pub fn failure(&self, provider: &str, hint: Option<Duration>) -> bool {
        let now = Instant::now();
        let mut states = self.states();
        let state = states.entry(provider.to_string()).or_default();
        state.failures += 1;
        let forced = hint.is_some_and(|h| h > self.length);
        if state.failures >= self.after || forced {
            let length = hint.map_or(self.length, |h| h.max(self.length));
            state.until = Some(now + length);
            state.failures = 0;
            return true;
        }
        false
    }

    /// Cools the provider down for `length` now (e.g. it asked to wait that long).
    pub fn cool_for(&self, provider: &str, length: Duration) {
        let until = Instant::now() + length;
        let mut states = self.states();
        let state = states.entry(provider.to_string()).or_default();
        state.failures = 0;
        state.until = Some(state.until.map_or(until, |u| u.max(until)));
    }

    /// When the provider's cooldown ends, if it is cooling now.
    pub fn cooling_until(&self, provider: &str) -> Option<Instant> {
        let now = Instant::now();
        self.states()
            .get(provider)
            .and_then(|s| s.until)
            .filter(|until| *until > now)
    }

    /// Whether the provider is cooling down now.
    pub fn cooling(&self, provider: &str) -> bool {
        self.cooling_until(provider).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cools_after_consecutive_failures_and_success_resets() {
        let health = Health::new(3, Duration::from_secs(60));
        assert!(!health.failure("p", None));
        assert!(!health.failure("p", None));
        health.success("p");
        assert!(!health.failure("p", None));
        assert!(!health.failure("p", None));
        assert!(!health.cooling("p"));
        assert!(health.failure("p", None));
        assert!(health.cooling("p"));
        assert!(!health.cooling("other"));
    }

    #[test]
    fn cool_for_never_shortens_a_cooldown() {
        let health = Health::new(3, Duration::from_secs(60));
        health.cool_for("p", Duration::from_secs(120));
        health.cool_for("p", Duration::from_millis(1));
        let until = health.cooling_until("p").expect("cooling");
        assert!(until > Instant::now() + Duration::from_secs(100));
    }

    #[test]
    fn a_long_retry_after_cools_at_once_and_expires() {
        let health = Health::new(5, Duration::from_millis(10));
        assert!(health.failure("p", Some(Duration::from_millis(40))));
        assert!(health.cooling("p"));
        std::thread::sleep(Duration::from_millis(60));
        assert!(!health.cooling("p"));
    }
}
