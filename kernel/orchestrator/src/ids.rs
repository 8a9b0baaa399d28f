//! Identifiers the orchestrator hands out: command ids (also undo ids) and
//! confirmation ids — time-ordered where that helps, unguessable where it matters.

use rand::Rng;

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// `len` random lower-case hex digits.
pub(crate) fn random_suffix(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0'))
        .collect()
}

/// A new command id, `c-<millis>-<6 hex>`: sortable by time, unique in practice.
pub(crate) fn command_id() -> String {
    format!("c-{}-{}", now_ms(), random_suffix(6))
}

/// A new workflow run id, `r-<millis>-<6 hex>`.
pub(crate) fn run_id() -> String {
    format!("r-{}-{}", now_ms(), random_suffix(6))
}
