//! Splitting a raw transcript into word tokens: whitespace, punctuation, quotes, emoji and
//! letter case are handled here, nothing about meaning. Input is capped so that any
//! transcript, however long, is processed in bounded, linear time.

/// Bytes of transcript that are looked at; the rest is ignored.
pub(crate) const MAX_INPUT_BYTES: usize = 16 * 1024;
/// Tokens kept after splitting.
pub(crate) const MAX_TOKENS: usize = 512;

/// One word of the command, after cleaning.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Token {
    /// The normalised text: lowercase, or an identifier/path exactly as written.
    pub text: String,
    /// The words as spoken, for target phrases ("config dot py").
    pub phrase: String,
    /// Typed as an identifier or path (`parse_config`, `src/main.rs`, `StockItem`).
    pub typed: bool,
    /// Built from spoken `dot`/`slash` (a path the parser may extend with spoken words).
    pub joined: bool,
    /// Built from spoken `underscore`/`dash`/"camel case" (a complete identifier).
    pub explicit: bool,
}

impl Token {
    /// A plain word.
    pub(crate) fn word(text: &str) -> Token {
        Token {
            text: text.to_string(),
            phrase: text.to_string(),
            ..Token::default()
        }
    }

    /// A plain word that is not an identifier, path or marker.
    pub(crate) fn is_plain(&self) -> bool {
        !self.typed && !self.joined && !self.explicit
    }
}

/// Characters that separate words like whitespace does.
fn is_breaker(c: char) -> bool {
    matches!(
        c,
        ',' | ';'
            | '!'
            | '?'
            | '"'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '<'
            | '>'
            | '`'
            | '*'
            | '|'
            | '='
            | ':'
            | '“'
            | '”'
            | '„'
            | '«'
            | '»'
            | '…'
            | '—'
            | '–'
            | '¿'
            | '¡'
    )
}

/// Cuts `s` to at most `max` bytes on a character boundary.
pub(crate) fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

fn trim_word(raw: &str) -> &str {
    let start = raw
        .char_indices()
        .find(|&(_, c)| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | '~'))
        .map_or(raw.len(), |(i, _)| i);
    let rest = raw.get(start..).unwrap_or("");
    let end = rest
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_alphanumeric() || c == '_')
        .map_or(0, |(i, c)| i + c.len_utf8());
    rest.get(..end).unwrap_or("")
}

/// Is this written form an identifier or path to keep exactly as typed?
fn is_typed(w: &str) -> bool {
    let inner_dot = w.trim_start_matches('.').contains('.');
    let inner_dash = w.trim_start_matches('-').contains('-');
    let has_lower = w.chars().any(char::is_lowercase);
    let inner_upper = w.chars().skip(1).any(char::is_uppercase);
    w.contains('_') || w.contains('/') || inner_dot || inner_dash || (has_lower && inner_upper)
}

/// Splits and cleans a transcript into tokens.
pub(crate) fn split(transcript: &str) -> Vec<Token> {
    let text = truncate(transcript, MAX_INPUT_BYTES);
    let mut out = Vec::new();
    for raw in text.split(|c: char| c.is_whitespace() || is_breaker(c)) {
        if out.len() >= MAX_TOKENS {
            break;
        }
        let raw = raw.replace(['’', '‘', '`', '´'], "'");
        let word = trim_word(&raw);
        if word.is_empty() || !word.chars().any(char::is_alphanumeric) {
            continue;
        }
        // "forty-two" is two number words.
        if word.contains('-')
            && word
                .split('-')
                .all(|p| super::numbers::is_number_word(&p.to_lowercase()))
        {
            for part in word.split('-') {
                out.push(Token::word(&part.to_lowercase()));
            }
            continue;
        }
        let typed = is_typed(word);
        let text = if typed {
            word.to_string()
        } else {
            word.to_lowercase()
        };
        out.push(Token {
            text,
            phrase: word.to_string(),
            typed,
            ..Token::default()
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        split(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn punctuation_and_case() {
        assert_eq!(
            texts("Show me line 120 in app.py."),
            ["show", "me", "line", "120", "in", "app.py"]
        );
        assert_eq!(texts("SHOW ME THE DIFF!"), ["show", "me", "the", "diff"]);
        assert_eq!(
            texts("Commit with message 'add login page'."),
            ["commit", "with", "message", "add", "login", "page"]
        );
        assert_eq!(texts("what's in it?"), ["what's", "in", "it"]);
    }

    #[test]
    fn identifiers_keep_their_form() {
        let toks = split("explain `StockItem` and parse_config, src/main.rs MAX_RETRIES");
        let typed: Vec<_> = toks
            .iter()
            .filter(|t| t.typed)
            .map(|t| t.text.as_str())
            .collect();
        assert_eq!(
            typed,
            ["StockItem", "parse_config", "src/main.rs", "MAX_RETRIES"]
        );
    }

    #[test]
    fn noise_disappears() {
        assert!(split("🎉🎉🎉 ... --- ").is_empty());
        assert_eq!(texts("forty-two"), ["forty", "two"]);
        assert_eq!(texts("rm -rf dist"), ["rm", "-rf", "dist"]);
    }

    #[test]
    fn truncates_on_char_boundary() {
        let s = "é".repeat(10);
        assert_eq!(truncate(&s, 5), "éé");
        assert!(split(&"word ".repeat(10_000)).len() <= MAX_TOKENS);
    }
}
