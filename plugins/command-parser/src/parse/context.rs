//! The classifier's view of a command: words with targets masked, the raw token texts,
//! the targets, the project's workflow names; and the `Decision` a classifier returns.

use super::Kind;
use super::fillers::Flags;
use super::lexicon::{self, WordSet};
use super::normalize::Cleaned;
use super::targets::{Role, Targets};

/// Stands in for the words of a path target.
pub(crate) const PATH_MARK: &str = "\u{0}path";
/// Stands in for the words of a symbol target.
pub(crate) const SYMBOL_MARK: &str = "\u{0}symbol";

/// Everything the classifiers look at.
pub(crate) struct Ctx<'a> {
    /// Token texts, with target words replaced by markers.
    pub words: Vec<&'a str>,
    /// Token texts as cleaned (for commit messages and names).
    pub texts: Vec<&'a str>,
    pub targets: &'a Targets,
    pub workflows: &'a [String],
    pub chat_words: Vec<&'a str>,
    pub flags: Flags,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(
        cleaned: &'a Cleaned,
        targets: &'a Targets,
        workflows: &'a [String],
    ) -> Ctx<'a> {
        let words = cleaned
            .tokens
            .iter()
            .enumerate()
            .map(|(i, t)| match targets.role_at(i) {
                Some(Role::Path) => PATH_MARK,
                Some(Role::Symbol) => SYMBOL_MARK,
                _ => t.text.as_str(),
            })
            .collect();
        Ctx {
            words,
            texts: cleaned.tokens.iter().map(|t| t.text.as_str()).collect(),
            targets,
            workflows,
            chat_words: cleaned.chat_words.iter().map(String::as_str).collect(),
            flags: cleaned.flags,
        }
    }

    pub(crate) fn word(&self, i: usize) -> &'a str {
        self.words.get(i).copied().unwrap_or("")
    }

    /// Words from `i` on.
    pub(crate) fn rest(&self, i: usize) -> &[&'a str] {
        self.words.get(i..).unwrap_or(&[])
    }

    /// Any of `list` among the words from `i` on.
    pub(crate) fn any_from(&self, i: usize, list: impl WordSet) -> bool {
        self.rest(i).iter().any(|w| list.has(w))
    }

    pub(crate) fn any(&self, list: impl WordSet) -> bool {
        self.any_from(0, list)
    }

    pub(crate) fn has_targets(&self) -> bool {
        !self.targets.found.is_empty()
    }

    pub(crate) fn has_path(&self) -> bool {
        self.targets.has(Role::Path)
    }

    /// The object of a verb: the words after it up to the first preposition.
    pub(crate) fn object(&self, from: usize) -> &[&'a str] {
        let rest = self.rest(from);
        let end = rest
            .iter()
            .position(|w| {
                matches!(
                    *w,
                    "to" | "in"
                        | "into"
                        | "for"
                        | "on"
                        | "at"
                        | "from"
                        | "with"
                        | "so"
                        | "that"
                        | "which"
                        | "because"
                        | "by"
                        | "inside"
                        | "within"
                        | "of"
                )
            })
            .unwrap_or(rest.len());
        rest.get(..end).unwrap_or(&[])
    }

    /// The words mention a symbol target that names a test (`test_login`).
    pub(crate) fn names_a_test(&self) -> bool {
        self.targets.found.iter().any(|f| {
            let s = f
                .target
                .symbol
                .as_deref()
                .or(f.target.path.as_deref())
                .unwrap_or("");
            let s = s.to_lowercase();
            s.starts_with("test")
                || s.contains("/test")
                || s.ends_with("_test")
                || s.contains("spec")
        })
    }

    /// Mentions test nouns ("tests", "test suite", "specs").
    pub(crate) fn mentions_tests(&self, from: usize) -> bool {
        self.any_from(from, lexicon::TEST_NOUNS)
    }
}

/// What a classifier decided.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Decision {
    pub kind: Kind,
    pub params: Vec<(String, String)>,
    pub confidence: f32,
    /// The wording itself is destructive (delete a file, force push, deploy…).
    pub destructive: bool,
}

impl Decision {
    pub(crate) fn new(kind: Kind, confidence: f32) -> Decision {
        Decision {
            kind,
            params: Vec::new(),
            confidence,
            destructive: false,
        }
    }

    /// Set a parameter; a key set twice keeps its latest value (params are an
    /// object in the contract: keys are unique).
    pub(crate) fn with(mut self, key: &str, value: impl Into<String>) -> Decision {
        let value = value.into();
        match self.params.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.params.push((key.to_string(), value)),
        }
        self
    }

    pub(crate) fn destructive(mut self) -> Decision {
        self.destructive = true;
        self
    }
}
