//! Common speech-to-text mishearings, fixed before anything else reads the words:
//! "get status" → "git status", "right a test" → "write a test", "work flow" →
//! "workflow", "doc string" → "docstring", "py test" → "pytest", "sink with" → "sync with".

use super::lexicon::{WordSet, Words};
use super::token::Token;

/// Word pairs that speech-to-text splits: (spoken, written).
const JOINS: &[(&str, &str)] = &[
    ("work flow", "workflow"),
    ("work flows", "workflows"),
    ("doc strings", "docstrings"),
    ("doc string", "docstring"),
    ("dock strings", "docstrings"),
    ("dock string", "docstring"),
    ("py test", "pytest"),
    ("pie test", "pytest"),
    ("pi test", "pytest"),
    ("code base", "codebase"),
    ("re factor", "refactor"),
    ("de bug", "debug"),
    ("change log", "changelog"),
    ("get hub", "github"),
    ("lint er", "linter"),
];

/// Git subcommands that turn a leading "get" into "git".
const GIT_ACTIONS: Words = Words(
    "status diff push pull log commit stash checkout reset rebase merge fetch blame branch init \
     clone",
);

/// Words after which "right" must have been "write".
const WRITE_OBJECTS: Words =
    Words("a an the some docs doc documentation comments tests test unit me this that it more");

fn plain(tokens: &[Token], i: usize) -> &str {
    tokens
        .get(i)
        .filter(|t| t.is_plain())
        .map_or("", |t| t.text.as_str())
}

/// The number of words of `phrase` matched at `i`, if all match.
pub(crate) fn phrase_at(tokens: &[Token], i: usize, phrase: &str) -> Option<usize> {
    let mut n = 0;
    for (k, w) in phrase.split_ascii_whitespace().enumerate() {
        if plain(tokens, i + k) != w {
            return None;
        }
        n = k + 1;
    }
    (n > 0).then_some(n)
}

/// Joins or rewrites commonly misheard words.
pub(crate) fn fix(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    'outer: while i < tokens.len() {
        for (spoken, written) in JOINS {
            if let Some(n) = phrase_at(&tokens, i, spoken) {
                let phrase = (*spoken).to_string();
                out.push(Token {
                    text: (*written).to_string(),
                    phrase,
                    ..Token::default()
                });
                i += n;
                continue 'outer;
            }
        }
        let Some(tok) = tokens.get(i) else { break };
        let mut tok = tok.clone();
        let next = plain(&tokens, i + 1);
        let prev = out
            .last()
            .filter(|t| t.is_plain())
            .map_or("", |t| t.text.as_str());
        let mut used = 1;
        if tok.is_plain() {
            match tok.text.as_str() {
                "get" if GIT_ACTIONS.has(next) && matches!(prev, "" | "and" | "then") => {
                    tok.text = "git".into()
                }
                "right" if WRITE_OBJECTS.has(next) => tok.text = "write".into(),
                "sink" if next == "with" => tok.text = "sync".into(),
                "read"
                    if next == "me"
                        && (matches!(prev, "the" | "a" | "this")
                            || matches!(plain(&tokens, i + 2), "file" | "dot")) =>
                {
                    tok.text = "readme".into();
                    tok.phrase = "read me".into();
                    used = 2;
                }
                "to" if next == "do" && plain(&tokens, i + 2).starts_with("comment") => {
                    tok.text = "todo".into();
                    used = 2;
                }
                _ => {}
            }
        }
        out.push(tok);
        i += used;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::token::split;

    fn fixed(s: &str) -> String {
        fix(split(s))
            .into_iter()
            .map(|t| t.text)
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn fixes_mishearings() {
        assert_eq!(fixed("get status"), "git status");
        assert_eq!(fixed("right a test for it"), "write a test for it");
        assert_eq!(
            fixed("start the bug fix work flow"),
            "start the bug fix workflow"
        );
        assert_eq!(fixed("add a doc string"), "add a docstring");
        assert_eq!(fixed("run py test"), "run pytest");
        assert_eq!(fixed("where is get user used"), "where is get user used");
        assert_eq!(fixed("open the read me file"), "open the readme file");
        assert_eq!(fixed("right now"), "right now");
    }
}
