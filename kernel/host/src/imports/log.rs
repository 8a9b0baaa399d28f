//! `log`: guest log lines into `tracing`, tagged with the plugin, within the call's
//! quota. Never an error for the guest: lines past the quota are counted and dropped.

use super::wit::log::{Host, Level};
use crate::state::{CallState, LOG_MAX_LINE};

impl Host for CallState {
    async fn log(&mut self, level: Level, message: String) {
        if !self.log_quota.take(message.len()) {
            return;
        }
        let message = truncate(&message, LOG_MAX_LINE);
        let plugin = self.plugin.name.as_str();
        match level {
            Level::Trace => tracing::trace!(target: "ralex::plugin", plugin, "{message}"),
            Level::Debug => tracing::debug!(target: "ralex::plugin", plugin, "{message}"),
            Level::Info => tracing::info!(target: "ralex::plugin", plugin, "{message}"),
            Level::Warn => tracing::warn!(target: "ralex::plugin", plugin, "{message}"),
            Level::Error => tracing::error!(target: "ralex::plugin", plugin, "{message}"),
        }
    }
}

/// At most `max` bytes of `s`, cut on a character boundary.
pub(crate) fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(super::truncate("héllo", 2), "h");
        assert_eq!(super::truncate("abc", 10), "abc");
    }
}
