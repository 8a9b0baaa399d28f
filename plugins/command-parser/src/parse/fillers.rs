//! Spoken padding: hesitations ("um", "uhh"), thanks, wake words and greetings ("hey
//! ralex", "good morning"), and politeness wrappers ("can you please", "I'd like you
//! to", "go ahead and"). Whether the speaker greeted or thanked is kept for small talk.

use super::lexicon::{Phrases, WordSet, Words};
use super::mishear::phrase_at;
use super::token::Token;

/// What the removed padding said about the speaker.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Flags {
    /// Said hello (or a wake word).
    pub greeted: bool,
    /// Said thanks.
    pub thanked: bool,
}

fn text(tokens: &[Token], i: usize) -> &str {
    tokens
        .get(i)
        .filter(|t| t.is_plain())
        .map_or("", |t| t.text.as_str())
}

/// "um", "uhh", "hmmm", "mmm", "errr": hesitation sounds.
pub(crate) fn is_hesitation(w: &str) -> bool {
    let mut squeezed = String::new();
    for c in w.chars().take(32) {
        if !squeezed.ends_with(c) {
            squeezed.push(c);
        }
    }
    Words("uh um uhm hm m mhm er erm ah eh oh huh uhuh hmph").has(&squeezed)
}

/// Padding words removed wherever they are.
const NOISE: Words = Words(
    "please pls plz ralex kindly just actually basically literally oops whoops okay ok alright \
     cheers thanks thx quickly maybe",
);
const THANKS: Words = Words("thanks thx cheers");
/// Padding phrases removed wherever they are.
const NOISE_PHRASES: Phrases = Phrases(
    "thank you, thank u, much appreciated, you know, i mean, kind of, if you can, if you could, \
     if possible, when you get a chance, real quick, all right",
);
/// Padding words removed at the start only.
const LEADING: Words =
    Words("so well now and also then next right like hey hi yo anyway hello howdy hiya greetings");
const GREETING_WORDS: Words = Words("hey hi hello howdy hiya yo greetings");
/// Greetings at the start.
const GREETINGS: Phrases = Phrases(
    "good morning, good afternoon, good evening, good day, hi there, hello there, hey there, \
     hello, hi, hey, howdy, hiya, yo, greetings",
);
/// "thanks so much", "thank you very much", "thanks a lot": words that only intensify.
const INTENSIFIERS: Words = Words("so very much a lot ton again anyway loads");

fn skip_intensifiers(tokens: &[Token], mut i: usize) -> usize {
    let start = i;
    while i - start < 3 && INTENSIFIERS.has(text(tokens, i)) {
        i += 1;
    }
    i
}

/// Removes hesitations, thanks, wake words and greetings.
pub(crate) fn strip_noise(tokens: Vec<Token>, flags: &mut Flags) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    'outer: while i < tokens.len() {
        let w = text(&tokens, i);
        if !w.is_empty() {
            if out.is_empty() {
                for g in GREETINGS.each() {
                    if let Some(n) = phrase_at(&tokens, i, g) {
                        flags.greeted = true;
                        i += n;
                        continue 'outer;
                    }
                }
            }
            for p in NOISE_PHRASES.each() {
                if let Some(n) = phrase_at(&tokens, i, p) {
                    let thanks = p.starts_with("thank") || p.starts_with("much");
                    flags.thanked |= thanks;
                    i += n;
                    if thanks {
                        i = skip_intensifiers(&tokens, i);
                    }
                    continue 'outer;
                }
            }
            if is_hesitation(w) || NOISE.has(w) {
                let thanks = THANKS.has(w);
                flags.thanked |= thanks;
                i += 1;
                if thanks {
                    i = skip_intensifiers(&tokens, i);
                }
                continue;
            }
            let right_now = w == "right" && text(&tokens, i + 1) == "now";
            if (out.is_empty() || w == "hey") && LEADING.has(w) && !right_now {
                flags.greeted |= GREETING_WORDS.has(w);
                i += 1;
                continue;
            }
            // "for me" at the very end.
            if w == "for" && text(&tokens, i + 1) == "me" && i + 2 >= tokens.len() {
                i += 2;
                continue;
            }
        }
        if let Some(t) = tokens.get(i) {
            out.push(t.clone());
        }
        i += 1;
    }
    out
}

/// Politeness wrappers, removed wherever they are (longest first).
const POLITE: Phrases = Phrases(
    "would you be able to, would you mind, are you able to, is it possible to, \
     do me a favor and, do me a favour and, i would love it if you could, \
     i'd love it if you could, i'd love it if you, i would like you to, i'd like you to, \
     id like you to, i want you to, i need you to, i would like to, i'd like to, id like to, \
     i want to, i wanna, i need to, we need to, we should, go ahead and, can you, could you, \
     would you, will you, can u, could u, let's, lets, let us, try to, try and",
);

/// Removes politeness wrappers ("can you", "I'd like to", "go ahead and").
pub(crate) fn strip_politeness(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    'outer: while i < tokens.len() {
        for p in POLITE.each() {
            if let Some(n) = phrase_at(&tokens, i, p) {
                i += n;
                continue 'outer;
            }
        }
        // "help me fix X" → "fix X", but "help me understand X" stays.
        let helped = matches!(text(&tokens, i + 2), "understand" | "with" | "");
        if phrase_at(&tokens, i, "help me").is_some() && !helped {
            i += 2;
            continue;
        }
        if let Some(t) = tokens.get(i) {
            out.push(t.clone());
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{mishear, token::split};

    fn clean(s: &str) -> (String, Flags) {
        let mut flags = Flags::default();
        let toks = strip_politeness(strip_noise(mishear::fix(split(s)), &mut flags));
        (
            toks.into_iter()
                .map(|t| t.text)
                .collect::<Vec<_>>()
                .join(" "),
            flags,
        )
    }

    #[test]
    fn removes_politeness_and_fillers() {
        let (s, f) = clean("hey can you please add a docstring to parse config dot py thanks");
        assert_eq!(s, "add a docstring to parse config dot py");
        assert!(f.thanked && f.greeted);
        assert_eq!(
            clean("Okay so um I'd like to, uh, run the tests").0,
            "run the tests"
        );
        assert_eq!(clean("go ahead and update styles").0, "update styles");
        assert_eq!(
            clean("could you help me fix the login bug thank you").0,
            "fix the login bug"
        );
        assert_eq!(
            clean("help me understand the cache").0,
            "help me understand the cache"
        );
        let (s, f) = clean("thank you so much");
        assert!(s.is_empty() && f.thanked);
    }

    #[test]
    fn hesitations() {
        for w in ["um", "ummm", "uhh", "hmm", "mmm", "errr", "erm"] {
            assert!(is_hesitation(w), "{w}");
        }
        assert!(!is_hesitation("hmac"));
        assert_eq!(clean("um uh like you know").0, "");
        let (s, f) = clean("hi there");
        assert_eq!(s, "");
        assert!(f.greeted);
    }
}
