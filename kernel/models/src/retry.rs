//! Backoff between attempts: exponential with jitter, and `Retry-After` honoured.
//!
//! Attempt `n` (1-based) after a failure waits a random time in `[d/2, d]` with
//! `d = min(max, base · 2^(n-1))` ("equal jitter": spreads clients apart but never
//! retries immediately). When the provider says how long to wait (`Retry-After` in
//! seconds or as an HTTP date, or OpenAI's `retry-after-ms`), that wait is used
//! instead — unless it is longer than `max`, in which case the model is given up
//! for this call: the caller moves on along the fallback chain and cools the
//! provider down for the time it asked.

use std::time::{Duration, SystemTime};

use rand::Rng;

/// Backoff settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// First delay.
    pub base: Duration,
    /// Longest delay (and longest honoured Retry-After).
    pub max: Duration,
}

/// What to do after a retryable failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Sleep this long, then try again.
    Retry(Duration),
    /// The provider asks for more than we wait: move on.
    GiveUp(Duration),
}

impl Backoff {
    /// The bounds of the jittered delay before retry number `attempt` (1-based).
    pub fn bounds(&self, attempt: u32) -> (Duration, Duration) {
        let exp = self
            .base
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)));
        let high = exp.min(self.max);
        (high / 2, high)
    }

    /// How long to wait before retry number `attempt`, given the provider's hint.
    pub fn wait(&self, attempt: u32, retry_after: Option<Duration>) -> Wait {
        if let Some(hint) = retry_after {
            return if hint <= self.max {
                Wait::Retry(hint)
            } else {
                Wait::GiveUp(hint)
            };
        }
        let (low, high) = self.bounds(attempt);
        let low_ms = low.as_millis() as u64;
        let high_ms = high.as_millis() as u64;
        let ms = if high_ms > low_ms {
            rand::rng().random_range(low_ms..=high_ms)
        } else {
            high_ms
        };
        Wait::Retry(Duration::from_millis(ms))
    }
}

/// Reads the wait a provider asks for from the response headers.
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    if let Some(ms) = headers
        .get("retry-after-ms")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v >= 0.0)
    {
        return Some(Duration::from_millis(ms as u64));
    }
    let value = headers.get("retry-after")?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0)
            .then(|| Duration::from_millis((seconds * 1000.0) as u64));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    #[test]
    fn delays_double_within_jitter_bounds_and_cap() {
        let backoff = Backoff {
            base: Duration::from_millis(100),
            max: Duration::from_millis(1000),
        };
        assert_eq!(
            backoff.bounds(1),
            (Duration::from_millis(50), Duration::from_millis(100))
        );
        assert_eq!(
            backoff.bounds(3),
            (Duration::from_millis(200), Duration::from_millis(400))
        );
        assert_eq!(
            backoff.bounds(30),
            (Duration::from_millis(500), Duration::from_millis(1000))
        );
        for attempt in 1..6 {
            let (low, high) = backoff.bounds(attempt);
            for _ in 0..50 {
                let Wait::Retry(d) = backoff.wait(attempt, None) else {
                    panic!("no hint means retry");
                };
                assert!(d >= low && d <= high, "{d:?} outside {low:?}..{high:?}");
            }
        }
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let backoff = Backoff {
            base: Duration::from_millis(100),
            max: Duration::from_secs(5),
        };
        assert_eq!(
            backoff.wait(1, Some(Duration::from_secs(2))),
            Wait::Retry(Duration::from_secs(2))
        );
        assert_eq!(
            backoff.wait(1, Some(Duration::from_secs(30))),
            Wait::GiveUp(Duration::from_secs(30))
        );
    }

    #[test]
    fn header_forms() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
        headers.insert("retry-after-ms", HeaderValue::from_static("250"));
        assert_eq!(retry_after(&headers), Some(Duration::from_millis(250)));
        let mut dated = HeaderMap::new();
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
        dated.insert(
            "retry-after",
            HeaderValue::from_str(&later).expect("header"),
        );
        let wait = retry_after(&dated).expect("date");
        assert!(
            wait > Duration::from_secs(100) && wait <= Duration::from_secs(120),
            "{wait:?}"
        );
        let mut junk = HeaderMap::new();
        junk.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&junk), None);
    }
}
