//! What the router learns from outcomes: per model × intent-kind success counts.
//!
//! Owns the kv key scheme, the stored format and its tolerant decoding, the update
//! with decay, and the smoothed success rate that demotes a model. Pure Rust: the
//! component does the actual kv reads and writes.
//!
//! **Key scheme**: one key per intent kind, `rate/v2/<kind>` (e.g. `rate/v2/edit`),
//! holding the counts of every model for that kind — so routing reads exactly one key
//! (each kv access is a policy decision and an audit entry in the kernel).
//!
//! **Value**: UTF-8 lines `<model>\t<successes>/<observations>`, e.g.
//! `gpt-4.1-mini\t3/5`, sorted by model. A line that does not parse (no tab, bad
//! numbers, successes above observations) is dropped and counts as "no data" for its
//! model; the table is rewritten whole by the next recorded outcome. A value that is
//! not UTF-8 reads as an empty table. Model names containing a tab or a line break are
//! not learned about.

use std::collections::BTreeMap;

use crate::complexity::Kind;

/// Prefix of every key this module writes; bump the version to change the format.
pub const KEY_PREFIX: &str = "rate/v2/";
/// Longest kv key the host accepts, in bytes.
pub const MAX_KEY_BYTES: usize = 256;
/// Observations needed before a rate can demote a model.
pub const MIN_OBSERVATIONS: u32 = 3;
/// A model whose smoothed success rate is below this is demoted.
pub const DEMOTE_BELOW: f64 = 0.5;
/// Counts are halved when observations pass this, so old outcomes fade and a model
/// that got better can recover.
pub const MAX_OBSERVATIONS: u32 = 50;

/// Counts per catalogue model name, for one intent kind.
pub type History = BTreeMap<String, Counts>;

/// How a routed request turned out (mirrors `router.outcome-kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The change was accepted.
    Accepted,
    /// The tests passed after the change.
    TestsPassed,
    /// The tests failed after the change.
    TestsFailed,
    /// The user undid the change.
    Undone,
    /// The model call failed.
    Failed,
}

impl Outcome {
    /// Accepted and tests-passed are successes; everything else is a failure.
    pub fn is_success(self) -> bool {
        matches!(self, Outcome::Accepted | Outcome::TestsPassed)
    }
}

/// The kv key of the counts table of a kind.
pub fn key(kind: Kind) -> String {
    format!("{KEY_PREFIX}{}", kind.as_str())
}

/// Whether a model name can be stored in a table.
pub fn learnable(model: &str) -> bool {
    !model.is_empty() && !model.contains(['\t', '\n', '\r'])
}

/// Reads a stored table; returns it and the number of lines dropped as corrupt.
pub fn decode_table(stored: Option<&[u8]>) -> (History, usize) {
    let mut history = History::new();
    let Some(bytes) = stored else {
        return (history, 0);
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return (history, 1);
    };
    let mut corrupt = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        match line.split_once('\t') {
            Some((model, value)) if learnable(model) => match Counts::decode(value.as_bytes()) {
                Some(counts) => {
                    history.insert(model.to_string(), counts);
                }
                None => corrupt += 1,
            },
            _ => corrupt += 1,
        }
    }
    (history, corrupt)
}

/// The stored form of a table.
pub fn encode_table(history: &History) -> Vec<u8> {
    let mut out = String::new();
    for (model, counts) in history.iter().filter(|(m, _)| learnable(m)) {
        out.push_str(model);
        out.push('\t');
        out.push_str(&String::from_utf8_lossy(&counts.encode()));
        out.push('\n');
    }
    out.into_bytes()
}

/// Successes out of observations; always `successes <= observations`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    successes: u32,
    observations: u32,
}

impl Counts {
    /// Counts of `successes` out of `observations`, none when successes exceed them.
    pub fn new(successes: u32, observations: u32) -> Option<Counts> {
        (successes <= observations).then_some(Counts {
            successes,
            observations,
        })
    }

    /// Successful outcomes.
    pub fn successes(self) -> u32 {
        self.successes
    }

    /// All outcomes.
    pub fn observations(self) -> u32 {
        self.observations
    }

    /// Failed outcomes.
    pub fn failures(self) -> u32 {
        self.observations - self.successes
    }

    /// Parse a stored value; none when it is corrupt (see the module docs).
    pub fn decode(bytes: &[u8]) -> Option<Counts> {
        let text = std::str::from_utf8(bytes).ok()?.trim();
        let (s, n) = text.split_once('/')?;
        Counts::new(number(s)?, number(n)?)
    }

    /// Counts from what kv holds: no value or a corrupt one are empty counts.
    pub fn load(stored: Option<&[u8]>) -> Counts {
        stored.and_then(Counts::decode).unwrap_or_default()
    }

    /// The stored form, `<successes>/<observations>`.
    pub fn encode(self) -> Vec<u8> {
        format!("{}/{}", self.successes, self.observations).into_bytes()
    }

    /// These counts with one more outcome. When the observations have reached
    /// [`MAX_OBSERVATIONS`] they are first halved (keeping the rate, rounded), so the
    /// new outcome always counts in full and old ones fade.
    pub fn record(self, success: bool) -> Counts {
        let mut n = u64::from(self.observations);
        let mut s = u64::from(self.successes);
        while n >= u64::from(MAX_OBSERVATIONS) {
            let half = n / 2;
            // Round s × half / n to the nearest integer; stays <= half since s <= n.
            s = (s * half + n / 2) / n;
            n = half;
        }
        // n < MAX_OBSERVATIONS here, so both fit in u32 after adding one.
        Counts {
            successes: u32::try_from(s + u64::from(success)).unwrap_or(0),
            observations: u32::try_from(n + 1).unwrap_or(0),
        }
    }

    /// The Laplace-smoothed success rate, (s + 1) / (n + 2): 0.5 without data.
    pub fn rate(self) -> f64 {
        (f64::from(self.successes) + 1.0) / (f64::from(self.observations) + 2.0)
    }

    /// True when there are enough observations and the smoothed rate is below
    /// [`DEMOTE_BELOW`]: the router then ranks the model after its capable peers.
    pub fn is_demoted(self) -> bool {
        self.observations >= MIN_OBSERVATIONS && self.rate() < DEMOTE_BELOW
    }
}

/// An unsigned decimal of at most 9 digits (no sign, no spaces).
fn number(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 9 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_key_per_kind_and_tables_round_trip() {
        assert_eq!(key(Kind::Edit), "rate/v2/edit");
        assert_ne!(key(Kind::Edit), key(Kind::Fix));
        let mut table = History::new();
        table.insert("gpt-4.1-mini".into(), Counts::new(3, 5).expect("valid"));
        table.insert("openrouter/qwen".into(), Counts::new(0, 1).expect("valid"));
        table.insert("bad\tname".into(), Counts::new(1, 1).expect("valid"));
        let bytes = encode_table(&table);
        assert_eq!(bytes, b"gpt-4.1-mini\t3/5\nopenrouter/qwen\t0/1\n".to_vec());
        let (back, corrupt) = decode_table(Some(&bytes));
        assert_eq!(corrupt, 0);
        assert_eq!(back.len(), 2);
        assert_eq!(back["gpt-4.1-mini"], Counts::new(3, 5).expect("valid"));
        assert!(!learnable("") && !learnable("a\nb") && learnable("a/b"));
    }

    #[test]
    fn corrupt_table_lines_are_dropped() {
        let (table, corrupt) = decode_table(Some(b"good\t1/2\nno-tab 1/2\nbad\t7/3\n\n"));
        assert_eq!(corrupt, 2);
        assert_eq!(table.len(), 1);
        assert_eq!(decode_table(Some(b"\xff\xfe")).1, 1);
        assert!(decode_table(None).0.is_empty());
    }

    #[test]
    fn values_round_trip() {
        for (s, n) in [(0, 0), (0, 1), (3, 5), (50, 50)] {
            let c = Counts::new(s, n).expect("valid");
            assert_eq!(Counts::decode(&c.encode()), Some(c));
        }
        assert_eq!(Counts::new(3, 5).map(Counts::encode), Some(b"3/5".to_vec()));
    }

    #[test]
    fn corrupt_values_read_as_empty() {
        let garbage: &[&[u8]] = &[
            b"",
            b"garbage",
            b"\xff\xfe\x00",
            b"7/3",
            b"-1/2",
            b"+1/2",
            b"1/",
            b"/2",
            b"1/2/3",
            b"1 /2",
            b"99999999999/99999999999",
            b"{\"s\":1,\"n\":2}",
        ];
        for g in garbage {
            assert_eq!(Counts::decode(g), None, "{:?}", String::from_utf8_lossy(g));
            assert_eq!(Counts::load(Some(g)), Counts::default());
        }
        assert_eq!(Counts::load(None), Counts::default());
        // Whitespace around the value is tolerated.
        assert_eq!(Counts::decode(b" 2/4\n"), Counts::new(2, 4));
        // A corrupt value is replaced by a fresh count on the next outcome.
        let after = Counts::load(Some(b"\xffjunk")).record(false);
        assert_eq!(after.encode(), b"0/1".to_vec());
    }

    #[test]
    fn outcomes_count_as_success_or_failure() {
        assert!(Outcome::Accepted.is_success());
        assert!(Outcome::TestsPassed.is_success());
        assert!(!Outcome::TestsFailed.is_success());
        assert!(!Outcome::Undone.is_success());
        assert!(!Outcome::Failed.is_success());
    }

    #[test]
    fn demotion_needs_three_observations_and_a_low_rate() {
        let c = |s, n| Counts::new(s, n).expect("valid");
        assert!(!c(0, 0).is_demoted());
        assert!(!c(0, 2).is_demoted()); // 1/4 but only 2 observations
        assert!(c(0, 3).is_demoted()); // 1/5
        assert!(c(1, 3).is_demoted()); // 2/5
        assert!(!c(2, 3).is_demoted()); // 3/5
        assert!(!c(2, 4).is_demoted()); // 3/6 = 0.5 is not below
        assert!(c(1, 5).is_demoted()); // 2/7
        assert_eq!(c(1, 5).failures(), 4);
    }

    #[test]
    fn counts_decay_and_recover() {
        let mut c = Counts::default();
        for _ in 0..200 {
            c = c.record(false);
            assert!(c.observations() <= MAX_OBSERVATIONS);
        }
        assert!(c.is_demoted());
        assert_eq!(c.successes(), 0);
        let mut steps = 0;
        while c.is_demoted() {
            c = c.record(true);
            steps += 1;
            assert!(steps < 100, "never recovers: {c:?}");
        }
        // Halving made the old failures weigh less than a full window of them.
        assert!(steps < 50, "took {steps} successes");
        // The rate is kept (rounded) by halving.
        let h = Counts::new(40, 50).expect("valid").record(true);
        assert_eq!((h.successes(), h.observations()), (21, 26));
    }
}
