//! Relevance: which notes go into the prompt, in which order.
//!
//! Owns the order, best first:
//! 1. standards named for a language of the targets (their path extensions; with no
//!    target path, a language the command names), by path;
//! 2. general standards (`general.md`, `style.md`, `conventions.md`, ...), in that
//!    order of names;
//! 3. any other standard not named for a language, by word overlap with the command
//!    and targets, then path;
//! 4. sections of `decisions.md` and `patterns.md` sharing at least one word with the
//!    command and the targets' paths and symbols, by overlap; ties go to decisions
//!    before patterns, then to the later (more recent) section;
//! 5. standards named for a language, when no language is known at all, by path.
//!
//! Standards for another language than the targets', and sections sharing no word,
//! are not relevant and left out. Sections already in the kernel's context are
//! skipped.

use std::cmp::Reverse;
use std::collections::BTreeSet;

use crate::lang::{self, Languages};
use crate::notes::{Doc, Notes};
use crate::request::Request;
use crate::sections;
use crate::words::{self, Words};

/// Names of standards files that apply to everything, most general first.
const GENERAL: &[&str] = &[
    "general",
    "style",
    "code-style",
    "styleguide",
    "style-guide",
    "conventions",
    "coding",
    "guidelines",
    "common",
];

/// One note to add if the budget allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Its source, e.g. ".ralex/standards/python.md" or ".ralex/decisions.md#logging".
    pub source: String,
    /// Its text.
    pub text: String,
}

/// The notes in order, with what was left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ranking {
    /// Relevant notes, best first.
    pub candidates: Vec<Candidate>,
    /// Sections skipped because the kernel's context already holds them.
    pub in_context: Vec<String>,
    /// How many standards and sections were not relevant.
    pub not_relevant: usize,
}

/// What the request is about: its words and languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Words of the command and of the targets' paths and symbols.
    pub words: Words,
    /// Languages of the targets, or those the command names when no target has one.
    pub languages: Languages,
}

impl Query {
    /// The query of a request.
    pub fn of(request: &Request) -> Query {
        let mut words = words::words(&request.command);
        for target in &request.targets {
            if let Some(path) = &target.path {
                words.extend(words::path_words(path));
            }
            if let Some(symbol) = &target.symbol {
                words.extend(words::words(symbol));
            }
        }
        let paths = request.targets.iter().filter_map(|t| t.path.as_deref());
        let mut languages = lang::of_paths(paths);
        if languages.is_empty() {
            languages = lang::named_in(&request.command);
        }
        Query { words, languages }
    }
}

/// Orders the notes for `query`, skipping sections whose source is in `in_context`.
pub fn rank(notes: &Notes, query: &Query, in_context: &BTreeSet<String>) -> Ranking {
    let mut ranking = Ranking::default();
    let mut language = Vec::new();
    let mut general = Vec::new();
    let mut other = Vec::new();
    let mut unknown_language = Vec::new();
    for doc in &notes.standards {
        let named_for = lang::of_standard(&doc.path);
        if named_for.is_empty() {
            match general_rank(&doc.path) {
                Some(rank) => general.push((rank, doc)),
                None => other.push((Reverse(overlap(query, &doc.text)), doc)),
            }
        } else if !named_for.is_disjoint(&query.languages) {
            language.push(doc);
        } else if query.languages.is_empty() {
            unknown_language.push(doc);
        } else {
            ranking.not_relevant += 1;
        }
    }
    general.sort_by(|a, b| (a.0, &a.1.path).cmp(&(b.0, &b.1.path)));
    other.sort_by(|a, b| (a.0, &a.1.path).cmp(&(b.0, &b.1.path)));

    let mut relevant = Vec::new();
    for (file_rank, doc) in [&notes.decisions, &notes.patterns].into_iter().enumerate() {
        for section in doc.iter().flat_map(sections::split) {
            if in_context.contains(&section.source) {
                ranking.in_context.push(section.source);
                continue;
            }
            match overlap(query, &section.text) {
                0 => ranking.not_relevant += 1,
                n => relevant.push(((Reverse(n), file_rank, Reverse(section.position)), section)),
            }
        }
    }
    relevant.sort_by_key(|a| a.0);

    let standards = language
        .into_iter()
        .chain(general.into_iter().map(|(_, d)| d))
        .chain(other.into_iter().map(|(_, d)| d));
    ranking.candidates.extend(standards.map(candidate));
    ranking
        .candidates
        .extend(relevant.into_iter().map(|(_, s)| Candidate {
            source: s.source,
            text: s.text,
        }));
    ranking
        .candidates
        .extend(unknown_language.into_iter().map(candidate));
    ranking
}

fn candidate(doc: &Doc) -> Candidate {
    Candidate {
        source: doc.path.clone(),
        text: doc.text.trim_end().to_string(),
    }
}

fn overlap(query: &Query, text: &str) -> usize {
    words::overlap(&query.words, &words::words(text))
}

/// The place of a general standard's name in [`GENERAL`], if it is one.
fn general_rank(path: &str) -> Option<usize> {
    let name = path.rsplit('/').next().unwrap_or(path).to_lowercase();
    let stem = name.strip_suffix(".md").unwrap_or(&name).replace('_', "-");
    GENERAL.iter().position(|g| *g == stem)
}
