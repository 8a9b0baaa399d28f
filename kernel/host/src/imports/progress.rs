//! `progress`: guest progress reports to whoever listens (UI, CLI), within quota.

use super::wit::progress::Host;
use crate::state::{CallState, ProgressEvent};

/// Longest progress message passed on.
const MAX_MESSAGE: usize = 512;

impl Host for CallState {
    async fn report(&mut self, message: String, fraction: Option<f32>) {
        if !self.progress_quota.take(message.len()) {
            return;
        }
        let Some(sink) = &self.context.progress else {
            return;
        };
        let fraction = fraction
            .filter(|f| f.is_finite())
            .map(|f| f.clamp(0.0, 1.0));
        sink(ProgressEvent {
            plugin: self.plugin.name.clone(),
            message: super::log::truncate(&message, MAX_MESSAGE).to_string(),
            fraction,
        });
    }
}
