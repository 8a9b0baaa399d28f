//! The cleaning pipeline: split → mishearings → padding → politeness → number words →
//! spoken punctuation → repeated words. Produces the tokens every later stage reads,
//! plus the words as they stood before politeness was removed (for small talk).

use super::fillers::{self, Flags};
use super::token::{self, Token};
use super::{mishear, numbers, spoken};

/// A transcript after cleaning.
#[derive(Clone, Debug, Default)]
pub(crate) struct Cleaned {
    /// Tokens with padding removed and spoken forms written out.
    pub tokens: Vec<Token>,
    /// Words after hesitations and thanks were removed but before politeness was
    /// ("what can you do" must survive for small talk).
    pub chat_words: Vec<String>,
    pub flags: Flags,
}

/// Drops a word repeated right after itself ("the the", "undo undo").
fn dedupe(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    for t in tokens {
        let separator = matches!(
            t.text.as_str(),
            "dash" | "hyphen" | "underscore" | "dot" | "slash"
        );
        let repeat = !separator
            && out.last().is_some_and(|p| {
                p.text == t.text && t.is_plain() && !t.text.chars().all(|c| c.is_ascii_digit())
            });
        if !repeat {
            out.push(t);
        }
    }
    out
}

/// Cleans a raw transcript.
pub(crate) fn clean(transcript: &str) -> Cleaned {
    let mut flags = Flags::default();
    let tokens = mishear::fix(token::split(transcript));
    let tokens = dedupe(fillers::strip_noise(tokens, &mut flags));
    let chat_words = tokens.iter().map(|t| t.text.clone()).collect();
    let tokens = fillers::strip_politeness(tokens);
    let tokens = spoken::join(numbers::convert(tokens));
    Cleaned {
        tokens: dedupe(tokens),
        chat_words,
        flags,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> String {
        clean(s)
            .tokens
            .into_iter()
            .map(|t| t.text)
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn full_cleaning() {
        assert_eq!(
            words("Okay so, um, could you show me line forty two of server dot js."),
            "show me line 42 of server.js"
        );
        assert_eq!(words("the the the"), "the");
        assert_eq!(words("git push dash dash force"), "git push --force");
        assert_eq!(words("Undo. Undo!"), "undo");
        assert_eq!(
            words("hey ralex can you please open readme dot md thanks"),
            "open readme.md"
        );
    }

    #[test]
    fn chat_words_keep_politeness() {
        assert_eq!(
            clean("what can you do?").chat_words,
            ["what", "can", "you", "do"]
        );
    }
}
