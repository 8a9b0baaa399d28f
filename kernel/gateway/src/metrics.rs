//! `/metrics` in the Prometheus text format: commands by status, command latency,
//! HTTP requests by route class and status, and model tokens and cost from the
//! ledger. Counters are atomics; the latency histogram has fixed buckets.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the command-latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 30.0,
];

/// Statuses counted.
const STATUSES: [&str; 4] = ["completed", "needs_confirmation", "denied", "failed"];

/// The gateway's metrics.
#[derive(Debug, Default)]
pub struct Metrics {
    commands: [AtomicU64; 4],
    buckets: [AtomicU64; 12],
    latency_count: AtomicU64,
    latency_sum_us: AtomicU64,
    http: [AtomicU64; 6],
}

/// HTTP status classes counted.
const HTTP_CLASSES: [&str; 6] = ["2xx", "400", "401", "403", "429", "5xx"];

impl Metrics {
    /// Counts a finished command with its status and wall-clock time.
    pub fn command(&self, status: &str, took: Duration) {
        if let Some(i) = STATUSES.iter().position(|s| *s == status) {
            self.commands[i].fetch_add(1, Ordering::Relaxed);
        }
        let secs = took.as_secs_f64();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if secs <= *bound {
                self.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        self.latency_sum_us
            .fetch_add(took.as_micros() as u64, Ordering::Relaxed);
    }

    /// Counts an HTTP answer by status.
    pub fn http(&self, status: u16) {
        let class = match status {
            200..=399 => "2xx",
            400 | 404 | 405 | 409 | 413 | 415 => "400",
            401 => "401",
            403 => "403",
            429 => "429",
            _ => "5xx",
        };
        if let Some(i) = HTTP_CLASSES.iter().position(|c| *c == class) {
            self.http[i].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The text exposition, with the ledger's totals appended.
    pub fn render(&self, model: &ModelTotals) -> String {
        let mut out = String::new();
        out.push_str("# HELP ralex_commands_total Commands answered, by status.\n# TYPE ralex_commands_total counter\n");
        for (i, status) in STATUSES.iter().enumerate() {
            let _ = writeln!(
                out,
                "ralex_commands_total{{status=\"{status}\"}} {}",
                self.commands[i].load(Ordering::Relaxed)
            );
        }
        out.push_str("# HELP ralex_command_seconds Wall-clock time of a command through the pipeline.\n# TYPE ralex_command_seconds histogram\n");
        for (i, bound) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "ralex_command_seconds_bucket{{le=\"{bound}\"}} {}",
                self.buckets[i].load(Ordering::Relaxed)
            );
        }
        let count = self.latency_count.load(Ordering::Relaxed);
        let _ = writeln!(out, "ralex_command_seconds_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(
            out,
            "ralex_command_seconds_sum {}",
            self.latency_sum_us.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(out, "ralex_command_seconds_count {count}");
        out.push_str("# HELP ralex_http_responses_total HTTP answers by status class.\n# TYPE ralex_http_responses_total counter\n");
        for (i, class) in HTTP_CLASSES.iter().enumerate() {
            let _ = writeln!(
                out,
                "ralex_http_responses_total{{class=\"{class}\"}} {}",
                self.http[i].load(Ordering::Relaxed)
            );
        }
        out.push_str("# HELP ralex_model_tokens_total Model tokens metered by the ledger.\n# TYPE ralex_model_tokens_total counter\n");
        let _ = writeln!(
            out,
            "ralex_model_tokens_total{{direction=\"input\"}} {}",
            model.input_tokens
        );
        let _ = writeln!(
            out,
            "ralex_model_tokens_total{{direction=\"output\"}} {}",
            model.output_tokens
        );
        out.push_str("# HELP ralex_model_cost_usd_total Model spending metered by the ledger, USD.\n# TYPE ralex_model_cost_usd_total counter\n");
        let _ = writeln!(out, "ralex_model_cost_usd_total {}", model.cost_usd);
        out.push_str("# HELP ralex_model_requests_total Model attempts metered by the ledger.\n# TYPE ralex_model_requests_total counter\n");
        let _ = writeln!(out, "ralex_model_requests_total {}", model.requests);
        out
    }
}

/// Ledger totals shown in `/metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ModelTotals {
    /// Attempts.
    pub requests: u64,
    /// Prompt tokens.
    pub input_tokens: u64,
    /// Completion tokens.
    pub output_tokens: u64,
    /// USD.
    pub cost_usd: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_counts_commands_and_buckets() {
        let m = Metrics::default();
        m.command("completed", Duration::from_micros(400));
        m.command("denied", Duration::from_millis(30));
        m.http(401);
        let text = m.render(&ModelTotals::default());
        assert!(
            text.contains("ralex_commands_total{status=\"completed\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("ralex_commands_total{status=\"denied\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("ralex_command_seconds_bucket{le=\"0.001\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("ralex_command_seconds_bucket{le=\"0.05\"} 2"),
            "{text}"
        );
        assert!(text.contains("ralex_command_seconds_count 2"), "{text}");
        assert!(
            text.contains("ralex_http_responses_total{class=\"401\"} 1"),
            "{text}"
        );
    }
}
