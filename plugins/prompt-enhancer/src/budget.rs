//! The token budget: what of the ranked notes fits, whole or cut.
//!
//! Owns the estimate (`ceil(chars / 4)`) and the fitting rule: candidates are taken in
//! ranked order; one that fits the remaining budget is added whole; one that does not
//! is cut at a paragraph or line boundary and ends with [`CUT_MARKER`] when at least
//! [`MIN_KEPT_PERCENT`]% of its text fits, and is left out otherwise. Later (smaller)
//! candidates may still fit after one is left out. Never returns more tokens than
//! the budget, and never cuts inside a line.

use crate::rank::Candidate;

/// Ends an item cut to fit, on a line of its own.
pub const CUT_MARKER: &str = "… (cut to fit the budget)";
/// Smallest share of a candidate's text worth adding cut.
pub const MIN_KEPT_PERCENT: usize = 25;

/// Estimated tokens of `text`: a quarter of its characters, rounded up.
pub fn tokens(text: &str) -> u32 {
    u32::try_from(text.chars().count().div_ceil(4)).unwrap_or(u32::MAX)
}

/// What happened to one candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Added whole, at this many tokens.
    Whole {
        /// Tokens added.
        tokens: u32,
    },
    /// Added cut, at `tokens` of its `full` tokens.
    Cut {
        /// Tokens added (the marker included).
        tokens: u32,
        /// Tokens of the whole text.
        full: u32,
    },
    /// Left out: `tokens` did not fit the `remaining` budget.
    LeftOut {
        /// Tokens of the whole text.
        tokens: u32,
        /// Budget left when it was tried.
        remaining: u32,
    },
}

/// One candidate after fitting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// The candidate's source.
    pub source: String,
    /// The text to add (cut or whole); `None` when left out.
    pub content: Option<String>,
    /// Whole, cut or left out.
    pub outcome: Outcome,
}

/// Fits `candidates`, in order, into `budget` tokens.
pub fn fit(candidates: Vec<Candidate>, budget: u32) -> Vec<Placed> {
    let mut remaining = budget;
    let mut placed = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        let full = tokens(&candidate.text);
        let (content, outcome) = if full <= remaining {
            (Some(candidate.text), Outcome::Whole { tokens: full })
        } else if let Some(cut) = cut(&candidate.text, remaining) {
            let tokens = tokens(&cut);
            (Some(cut), Outcome::Cut { tokens, full })
        } else {
            (
                None,
                Outcome::LeftOut {
                    tokens: full,
                    remaining,
                },
            )
        };
        if let Outcome::Whole { tokens } | Outcome::Cut { tokens, .. } = outcome {
            remaining -= tokens;
        }
        placed.push(Placed {
            source: candidate.source,
            content,
            outcome,
        });
    }
    placed
}

/// `text` cut to fit `budget` tokens with the marker, at the last paragraph break
/// that keeps at least half of what a line break would, else at the last line
/// break; `None` when less than [`MIN_KEPT_PERCENT`]% would be kept.
fn cut(text: &str, budget: u32) -> Option<String> {
    let marker_chars = CUT_MARKER.chars().count() + 1;
    let max_chars = usize::try_from(budget).ok()?.saturating_mul(4);
    let prefix_chars = max_chars.checked_sub(marker_chars)?;
    let limit = text
        .char_indices()
        .nth(prefix_chars)
        .map_or(text.len(), |(i, _)| i);
    let bytes = text.as_bytes();
    let breaks = (0..=limit.min(bytes.len().saturating_sub(1))).filter(|&i| bytes[i] == b'\n');
    let (mut line, mut paragraph) = (None, None);
    for i in breaks {
        line = Some(i);
        if bytes.get(i + 1) == Some(&b'\n') {
            paragraph = Some(i);
        }
    }
    let end = match (paragraph, line) {
        (Some(p), Some(l)) if 2 * p >= l => p,
        (_, Some(l)) => l,
        _ => return None,
    };
    let kept = text[..end].trim_end();
    let enough = kept.chars().count() * 100 >= text.chars().count() * MIN_KEPT_PERCENT;
    (!kept.is_empty() && enough).then(|| format!("{kept}\n{CUT_MARKER}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(source: &str, text: &str) -> Candidate {
        Candidate {
            source: source.to_string(),
            text: text.to_string(),
        }
    }

    #[test]
    fn tokens_are_a_quarter_of_the_characters_rounded_up() {
        assert_eq!(tokens(""), 0);
        assert_eq!(tokens("abcd"), 1);
        assert_eq!(tokens("abcde"), 2);
        assert_eq!(tokens("éééé"), 1);
    }

    #[test]
    fn whole_items_fit_in_order_and_later_small_ones_still_fit() {
        let big = "x".repeat(400); // 100 tokens, one line: cannot be cut
        let placed = fit(
            vec![
                candidate("a", &"a".repeat(40)),
                candidate("big", &big),
                candidate("b", &"b".repeat(40)),
            ],
            25,
        );
        assert_eq!(placed[0].outcome, Outcome::Whole { tokens: 10 });
        assert_eq!(
            placed[1].outcome,
            Outcome::LeftOut {
                tokens: 100,
                remaining: 15
            }
        );
        assert_eq!(placed[1].content, None);
        assert_eq!(placed[2].outcome, Outcome::Whole { tokens: 10 });
    }

    #[test]
    fn cuts_prefer_paragraphs_then_lines_and_carry_the_marker() {
        let para = format!(
            "{}\n{}\n\n{}\n{}",
            "a".repeat(39),
            "b".repeat(39),
            "c".repeat(39),
            "d".repeat(39)
        );
        // 160 chars = 40 tokens; 30 tokens leave 94 chars before the marker.
        let placed = fit(vec![candidate("p", &para)], 30);
        let content = placed[0].content.as_deref().unwrap();
        assert_eq!(
            content,
            format!("{}\n{}\n{CUT_MARKER}", "a".repeat(39), "b".repeat(39))
        );
        assert!(matches!(placed[0].outcome, Outcome::Cut { full: 40, tokens } if tokens <= 30));

        let lines = format!("{}\n{}\n{}", "a".repeat(39), "b".repeat(39), "c".repeat(39));
        let placed = fit(vec![candidate("l", &lines)], 27);
        let content = placed[0].content.as_deref().unwrap();
        assert_eq!(
            content,
            format!("{}\n{}\n{CUT_MARKER}", "a".repeat(39), "b".repeat(39))
        );
    }

    #[test]
    fn too_little_room_leaves_an_item_out() {
        let text = (0..20)
            .map(|i| format!("line {i:02} of the note"))
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(tokens(&text), 100);
        // 30 tokens keep 4 of 20 lines (20%): under a quarter.
        let placed = fit(vec![candidate("n", &text)], 30);
        assert_eq!(
            placed[0].outcome,
            Outcome::LeftOut {
                tokens: 100,
                remaining: 30
            }
        );
        // 40 tokens keep 6 lines (30%): added cut.
        let placed = fit(vec![candidate("n", &text)], 40);
        assert!(matches!(placed[0].outcome, Outcome::Cut { .. }));
        assert_eq!(fit(vec![candidate("n", &text)], 0)[0].content, None);
    }
}
