//! File and folder targets: written paths (`src/main.rs`), spoken ones joined by the
//! `spoken` stage (`config.py`, `inventory/pricing.py`) whose stem may be several spoken
//! words ("parse config dot py" → `parse_config.py`), and "the X folder/module/file".

use super::lexicon::{self, FOLDER_NOUNS};
use super::spoken::is_known_extension;
use super::targets::{Role, Scan};
use super::token::Token;

/// Words spoken before a file name that never belong to it.
const STEM_MAX: usize = 3;

/// Does this token read as a path?
pub(crate) fn is_path_token(t: &Token) -> bool {
    if !(t.joined || (t.typed && !t.explicit)) {
        return false;
    }
    let s = t.text.as_str();
    if s.contains("//") || s.starts_with("http") {
        return false;
    }
    if s.contains('/') && s.chars().any(char::is_alphanumeric) {
        return true;
    }
    match s.rsplit_once('.') {
        Some((stem, ext)) => {
            is_known_extension(ext) && (stem.is_empty() || stem.chars().any(char::is_alphanumeric))
        }
        None => false,
    }
}

/// A spoken word that can be part of a multi-word file stem.
fn stem_word(scan: &Scan, j: usize) -> bool {
    let Some(t) = scan.token(j) else { return false };
    if !scan.free(j) || !t.is_plain() || !t.text.chars().all(char::is_alphanumeric) {
        return false;
    }
    let w = t.text.as_str();
    if matches!(w, "test" | "tests") {
        // "run test utils dot py": "test" names the file unless it is the command itself.
        return j > 0 && lexicon::is_stop(scan.word(j - 1));
    }
    if w == "new" && (j == 0 || lexicon::is_in(lexicon::ARTICLES, scan.word(j - 1))) {
        // "a new config dot py" describes; "to new name dot js" names.
        return false;
    }
    !lexicon::is_stop(w)
        && !lexicon::is_in(lexicon::DOC_NOUNS, w)
        && !lexicon::is_in(FOLDER_NOUNS, w)
}

fn has_extension(t: &Token) -> bool {
    t.text
        .rsplit_once('.')
        .is_some_and(|(_, ext)| is_known_extension(ext))
}

/// A spoken folder path without a file ("tests/test") that a following spoken file name
/// continues ("tests slash test api dot py" → `tests/test_api.py`).
fn folder_prefix(scan: &Scan, j: usize) -> bool {
    scan.token(j).is_some_and(|t| {
        scan.free(j) && t.joined && !t.typed && t.text.contains('/') && !has_extension(t)
    })
}

/// Finds written and spoken file paths: file names first, then bare folder paths.
pub(crate) fn find_paths(scan: &mut Scan) {
    for pass in [true, false] {
        for i in 0..scan.tokens.len() {
            let Some(tok) = scan.token(i) else { continue };
            if !scan.free(i) || !is_path_token(tok) || has_extension(tok) != pass {
                continue;
            }
            let mut text = tok.text.clone();
            let mut start = i;
            if pass && tok.joined && !tok.typed && !text.starts_with(['.', '/']) {
                while start > 0 && i - start < STEM_MAX && stem_word(scan, start - 1) {
                    start -= 1;
                }
                if start > 0 && folder_prefix(scan, start - 1) {
                    start -= 1;
                }
                if start < i {
                    let mut parts: Vec<&str> = (start..i)
                        .filter_map(|j| scan.token(j).map(|t| t.text.as_str()))
                        .collect();
                    parts.push(&tok.text);
                    text = parts.join("_");
                }
            }
            scan.add(start, i + 1, Role::Path, text);
            if scan.word(i + 1) == "file" && scan.free(i + 1) {
                scan.mark(i + 1, i + 2);
            }
        }
    }
}

/// Free name words at `from..`: plain non-stop words, or one typed identifier.
pub(crate) fn name_after(scan: &Scan, from: usize, max: usize) -> Vec<usize> {
    if let Some(t) = scan.token(from)
        && scan.free(from)
        && !t.is_plain()
    {
        return vec![from];
    }
    (from..scan.tokens.len())
        .take(max)
        .take_while(|&j| {
            scan.free(j) && !scan.word(j).is_empty() && !lexicon::is_stop(scan.word(j))
        })
        .collect()
}

/// Free name words just before `end`: plain non-stop words, or one typed identifier.
fn name_before(scan: &Scan, end: usize) -> Vec<usize> {
    if end == 0 {
        return Vec::new();
    }
    if let Some(t) = scan.token(end - 1)
        && scan.free(end - 1)
        && !t.is_plain()
        && !is_path_token(t)
    {
        return vec![end - 1];
    }
    let mut start = end;
    while start > 0 && end - start < STEM_MAX {
        let w = scan.word(start - 1);
        if !scan.free(start - 1) || w.is_empty() || lexicon::is_stop(w) {
            break;
        }
        start -= 1;
    }
    // "a new module", "its own folder": describing words are not names.
    while start < end && lexicon::is_in(lexicon::DESCRIPTIVE, scan.word(start)) {
        start += 1;
    }
    (start..end).collect()
}

fn join_words(scan: &Scan, idx: &[usize]) -> String {
    match idx {
        [only] if scan.token(*only).is_some_and(|t| !t.is_plain()) => {
            scan.token(*only).map_or(String::new(), |t| t.text.clone())
        }
        _ => idx
            .iter()
            .map(|&j| scan.word(j))
            .collect::<Vec<_>>()
            .join("_"),
    }
}

/// Finds "the utils folder", "a folder named migrations", "the old utils file".
pub(crate) fn find_folders(scan: &mut Scan) {
    for i in 0..scan.tokens.len() {
        let noun = scan.word(i);
        let is_file = noun == "file";
        if !scan.free(i) || !(is_file || lexicon::is_in(FOLDER_NOUNS, noun)) {
            continue;
        }
        // A path spoken right after ("file utils/dates.ts") or before names it already.
        let next_is_path = scan.found_at(i + 1).is_some_and(|f| f.role == Role::Path);
        let prev_is_path = i > 0 && scan.found_at(i - 1).is_some_and(|f| f.role == Role::Path);
        if next_is_path || prev_is_path {
            scan.mark(i, i + 1);
            continue;
        }
        let idx = if matches!(scan.word(i + 1), "called" | "named") {
            name_after(scan, i + 2, STEM_MAX)
        } else {
            name_before(scan, i)
        };
        if idx.is_empty() {
            continue;
        }
        let value = join_words(scan, &idx);
        let (s, e) = (
            idx.first().copied().unwrap_or(i),
            idx.last().map_or(i, |l| l + 1),
        );
        if matches!(
            value.as_str(),
            "this" | "that" | "it" | "same" | "whole" | "entire" | "current" | "project" | "code"
        ) {
            continue;
        }
        scan.add(s, e, Role::Path, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::token::split;

    #[test]
    fn path_tokens() {
        let t = |s: &str| {
            split(s)
                .into_iter()
                .next()
                .is_some_and(|t| is_path_token(&t))
        };
        assert!(t("src/main.rs"));
        assert!(t("app.py"));
        assert!(t("README.md"));
        assert!(!t("e.g."));
        assert!(!t("parse_config"));
        assert!(!t("https://example.com/x"));
    }
}
