//! The spoken-name resolver: a target phrase as heard ("stock item class",
//! "config dot py", "skew") → ranked candidates in the index (files,
//! directories, symbols with their lines), and a verdict: one clear winner,
//! an ambiguity to put before a person, or nothing.
//!
//! Scoring compares words (see `names`): exact words, then in-order word
//! alignment where each pair may match exactly, by spelling (Jaro-Winkler) or
//! by sound (see `phonetic`), then the squashed whole. Kind hints, scopes,
//! extensions and directories adjust the score. The session's recent files
//! only break ties; they never lift a weaker match over a clearly better one.
//! The resolver never guesses between close candidates.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use crate::extract::SymbolKind;
use crate::index::Index;
use crate::names::{Hint, Spoken, identifier_words, parse_phrase_with};
use crate::phonetic;

/// Below this a candidate is not a match at all.
pub const MIN_SCORE: f64 = 0.62;
/// Candidates within this of the best are too close to choose between.
pub const MARGIN: f64 = 0.06;
/// Most candidates reported for an ambiguous phrase.
pub const MAX_CANDIDATES: usize = 5;
/// Word pairs less alike than this do not count as matching.
const PAIR_MIN: f64 = 0.75;

/// What to resolve.
#[derive(Clone, Debug, Default)]
pub struct Request<'a> {
    /// The spoken or typed target phrase.
    pub phrase: &'a str,
    /// A kind the caller already knows (the parser's reading); the phrase's own
    /// kind words count when this is `None`.
    pub hint: Option<Hint>,
    /// The session's recent files (relative paths), most recent first; tie-breakers.
    pub recent: &'a [String],
}

/// What a candidate points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "type", content = "kind")]
pub enum TargetKind {
    /// A whole file.
    File,
    /// A directory.
    Directory,
    /// A definition of this kind.
    Symbol(SymbolKind),
}

/// One possible meaning of a phrase.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Candidate {
    /// File or directory, relative to the project root.
    pub path: String,
    /// What it is.
    pub target: TargetKind,
    /// The symbol's name, for symbols.
    pub symbol: Option<String>,
    /// The enclosing class/impl/…, for members.
    pub container: Option<String>,
    /// 1-based line of the definition, for symbols.
    pub line: Option<u32>,
    /// How well it matches (about 0..1; hints may lift it slightly above 1).
    pub score: f64,
    /// Why it matched, for the trace and the n-best list.
    pub why: String,
}

/// The verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "lowercase", tag = "verdict", content = "candidates")]
pub enum Resolved {
    /// One candidate clearly wins.
    One(Candidate),
    /// Several are close: a person picks (best first, at most [`MAX_CANDIDATES`]).
    Ambiguous(Vec<Candidate>),
    /// Nothing matches.
    None,
}

/// Resolve a phrase against the index.
pub fn resolve(index: &Index, request: &Request) -> Resolved {
    let ranked = rank(index, request);
    let Some(best) = ranked.first() else {
        return Resolved::None;
    };
    let mut close: Vec<&Candidate> = vec![best];
    close.extend(
        ranked[1..]
            .iter()
            .filter(|c| best.score - c.score < MARGIN && conflicts(best, c)),
    );
    if close.len() == 1 {
        return Resolved::One(best.clone());
    }
    // Recent files break ties: one candidate more recent than all others wins.
    let recency: Vec<u8> = close.iter().map(|c| recency(c, request.recent)).collect();
    let top = recency.iter().copied().max().unwrap_or(0);
    if top > 0 && recency.iter().filter(|r| **r == top).count() == 1 {
        let i = recency.iter().position(|r| *r == top).unwrap_or(0);
        let mut winner = close[i].clone();
        winner.why.push_str(", recent file breaks the tie");
        return Resolved::One(winner);
    }
    Resolved::Ambiguous(close.into_iter().take(MAX_CANDIDATES).cloned().collect())
}

/// Every candidate scoring at least [`MIN_SCORE`], best first.
pub fn rank(index: &Index, request: &Request) -> Vec<Candidate> {
    let hinted = parse_phrase_with(request.phrase, true);
    let literal = parse_phrase_with(request.phrase, false);
    let mut out = candidates(index, &hinted, request.hint);
    if literal != hinted {
        // Kind words may be part of the name ("payment method", "data dir"):
        // the literal reading competes, and each candidate keeps its better score.
        let mut seen: HashMap<(String, Option<u32>, Option<String>), usize> = out
            .iter()
            .enumerate()
            .map(|(i, c)| ((c.path.clone(), c.line, c.symbol.clone()), i))
            .collect();
        for c in candidates(index, &literal, request.hint) {
            let key = (c.path.clone(), c.line, c.symbol.clone());
            match seen.get(&key) {
                Some(&i) if out[i].score >= c.score => {}
                Some(&i) => out[i] = c,
                None => {
                    seen.insert(key, out.len());
                    out.push(c);
                }
            }
        }
    }
    out.retain(|c| c.score >= MIN_SCORE);
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| recency(b, request.recent).cmp(&recency(a, request.recent)))
            .then_with(|| a.path.cmp(&b.path))
            .then_with(|| a.line.cmp(&b.line))
    });
    out
}

fn candidates(index: &Index, spoken: &Spoken, hint: Option<Hint>) -> Vec<Candidate> {
    let mut spoken = spoken.clone();
    if hint.is_some() {
        spoken.hint = hint;
    }
    if spoken.words.is_empty() {
        return Vec::new();
    }
    let mut matcher = Matcher::new(&spoken.words);
    let mut out = Vec::new();
    symbols(index, &spoken, &mut matcher, &mut out);
    files(index, &spoken, &mut matcher, &mut out);
    out
}

fn symbols(index: &Index, spoken: &Spoken, m: &mut Matcher, out: &mut Vec<Candidate>) {
    let mut name_scores: HashMap<&str, (f64, &'static str)> = HashMap::new();
    let mut qualified_scores: HashMap<(&str, &str), (f64, &'static str)> = HashMap::new();
    for def in index.definitions() {
        let s = def.symbol;
        let (name_score, how) = *name_scores
            .entry(s.name.as_str())
            .or_insert_with(|| m.score(&identifier_words(&s.name)));
        let (mut score, mut how, mut via_container) = (name_score, how, false);
        // "cart total" names Cart.total.
        if let Some(container) = &s.container
            && name_score < 1.0
            && name_score > 0.2
        {
            let (q, q_how) = *qualified_scores
                .entry((container.as_str(), s.name.as_str()))
                .or_insert_with(|| {
                    let mut words = identifier_words(container);
                    words.extend(identifier_words(&s.name));
                    m.score(&words)
                });
            if q > score {
                (score, how, via_container) = (q, q_how, true);
            }
        }
        if score < 0.3 {
            continue;
        }
        let mut scope_fit = None;
        if !spoken.scope.is_empty() {
            let in_container = s
                .container
                .as_deref()
                .map(|c| words_score(&spoken.scope, &identifier_words(c)))
                .unwrap_or(0.0);
            let in_file = words_score(&spoken.scope, &identifier_words(file_stem(def.path)));
            let in_dir = def
                .path
                .rsplit('/')
                .nth(1)
                .map(|d| words_score(&spoken.scope, &identifier_words(d)))
                .unwrap_or(0.0);
            let fit = in_container.max(in_file).max(in_dir);
            score *= 0.5 + 0.5 * fit;
            scope_fit = Some(fit);
        }
        if let Some(h) = spoken.hint {
            score *= hint_factor(h.fit(s.kind));
        }
        if spoken.is_path() {
            score *= 0.6;
        }
        if score < MIN_SCORE {
            continue;
        }
        let mut why = vec![if via_container {
            format!("{how} with its container")
        } else {
            how.to_string()
        }];
        if scope_fit.is_some_and(|f| f >= PAIR_MIN) {
            why.push("in the named scope".into());
        }
        if let Some(h) = spoken.hint {
            why.push(format!("{} for hint {h:?}", s.kind.name()).to_lowercase());
        }
        out.push(Candidate {
            path: def.path.to_string(),
            target: TargetKind::Symbol(s.kind),
            symbol: Some(s.name.clone()),
            container: s.container.clone(),
            line: Some(s.line),
            score,
            why: why.join(", "),
        });
    }
}

fn files(index: &Index, spoken: &Spoken, m: &mut Matcher, out: &mut Vec<Candidate>) {
    let module_hint = spoken.hint == Some(Hint::Module);
    let dir_hint = spoken.hint == Some(Hint::Directory);
    let other_hint = spoken.hint.is_some() && !module_hint && !dir_hint;
    let mut dirs: BTreeSet<&str> = BTreeSet::new();
    for (path, _) in index.files() {
        let mut p = path;
        while let Some(slash) = p.rfind('/') {
            p = &p[..slash];
            dirs.insert(p);
        }
        let name = path.rsplit('/').next().unwrap_or(path);
        let (stem, ext) = match name.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() => (stem, Some(ext)),
            _ => (name, None),
        };
        let (mut score, how) = m.score(&identifier_words(stem));
        if score < 0.3 {
            continue;
        }
        let mut why = vec![format!("file name: {how}")];
        if let Some(want) = &spoken.ext {
            if ext == Some(want.as_str()) {
                why.push("extension".into());
            } else {
                score *= 0.5;
            }
        }
        score *= dirs_factor(&spoken.dirs, path, &mut why);
        if dir_hint {
            score *= 0.7;
        } else if !(module_hint || spoken.is_path()) {
            score *= if other_hint { 0.7 } else { 0.9 };
        }
        out.push(Candidate {
            path: path.to_string(),
            target: TargetKind::File,
            symbol: None,
            container: None,
            line: None,
            score,
            why: why.join(", "),
        });
    }
    if spoken.ext.is_some() {
        return;
    }
    for dir in dirs {
        let name = dir.rsplit('/').next().unwrap_or(dir);
        let (mut score, how) = m.score(&identifier_words(name));
        if score < 0.3 {
            continue;
        }
        let mut why = vec![format!("directory name: {how}")];
        score *= dirs_factor(&spoken.dirs, dir, &mut why);
        score *= if dir_hint {
            1.05
        } else if module_hint {
            0.98
        } else if other_hint {
            0.6
        } else {
            0.85
        };
        out.push(Candidate {
            path: dir.to_string(),
            target: TargetKind::Directory,
            symbol: None,
            container: None,
            line: None,
            score,
            why: why.join(", "),
        });
    }
}

/// Spoken directories must each appear among the path's directories.
fn dirs_factor(spoken_dirs: &[String], path: &str, why: &mut Vec<String>) -> f64 {
    if spoken_dirs.is_empty() {
        return 1.0;
    }
    let segments: Vec<String> = path
        .split('/')
        .rev()
        .skip(1)
        .map(|s| identifier_words(s).concat())
        .collect();
    let found = spoken_dirs.iter().all(|d| {
        segments
            .iter()
            .any(|s| s == d || phonetic::similarity(d, s) >= 0.85)
    });
    if found {
        why.push("directories".into());
        1.0
    } else {
        0.6
    }
}

fn hint_factor(fit: f64) -> f64 {
    if fit >= 1.0 {
        1.05
    } else if fit > 0.0 {
        0.95
    } else {
        0.7
    }
}

fn file_stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.split('.').next().unwrap_or(name)
}

/// 2 for a recent file, 1 for a file beside one (or inside a recent
/// directory), 0 otherwise.
fn recency(c: &Candidate, recent: &[String]) -> u8 {
    let dir_of = |p: &str| {
        p.rsplit_once('/')
            .map(|(d, _)| d.to_string())
            .unwrap_or_default()
    };
    if recent.contains(&c.path) {
        2
    } else if recent
        .iter()
        .any(|r| dir_of(r) == dir_of(&c.path) || dir_of(r) == c.path)
    {
        1
    } else {
        0
    }
}

/// Whether two candidates are different answers (a file and a symbol inside
/// it, or a directory and something inside it, are the same answer).
fn conflicts(a: &Candidate, b: &Candidate) -> bool {
    let is_whole = |c: &Candidate| c.symbol.is_none();
    if a.path == b.path && (is_whole(a) || is_whole(b)) {
        return false;
    }
    let inside = |dir: &Candidate, other: &Candidate| {
        dir.target == TargetKind::Directory && other.path.starts_with(&format!("{}/", dir.path))
    };
    !(inside(a, b) || inside(b, a))
}

/// Scores identifier words against the spoken words, caching word pairs.
struct Matcher<'s> {
    spoken: &'s [String],
    squashed: String,
    pairs: HashMap<String, Vec<f64>>,
}

impl<'s> Matcher<'s> {
    fn new(spoken: &'s [String]) -> Matcher<'s> {
        Matcher {
            spoken,
            squashed: spoken.concat(),
            pairs: HashMap::new(),
        }
    }

    /// Score and the kind of match.
    fn score(&mut self, ident: &[String]) -> (f64, &'static str) {
        if ident.is_empty() {
            return (0.0, "");
        }
        let squashed = ident.concat();
        if squashed == self.squashed {
            return (1.0, "exact words");
        }
        let sims: Vec<Vec<f64>> = ident
            .iter()
            .map(|w| {
                self.pairs
                    .entry(w.clone())
                    .or_insert_with(|| {
                        self.spoken
                            .iter()
                            .map(|s| phonetic::similarity(s, w))
                            .collect()
                    })
                    .clone()
            })
            .collect();
        let aligned = align(self.spoken.len(), &sims);
        // The whole, squashed: "add two cart" ~ "addtocart", "skewlookup" ~ "skulookup".
        // Lengths far apart cannot be alike; skip the work.
        let (a, b) = (self.squashed.len(), squashed.len());
        let whole = if a.abs_diff(b) * 3 > a.max(b) {
            0.0
        } else {
            phonetic::similarity(&self.squashed, &squashed) * 0.95
        };
        if aligned >= whole {
            let exactish = sims.iter().flatten().all(|s| *s >= 1.0 || *s < PAIR_MIN);
            (
                aligned,
                if exactish {
                    "words"
                } else {
                    "words, fuzzy or by sound"
                },
            )
        } else {
            (whole, "whole name, fuzzy or by sound")
        }
    }
}

/// Word alignment score of spoken words against identifier words
/// (`sims[j][i]`: identifier word j vs spoken word i): the best in-order
/// matching, normalised by the spoken words and scaled by how much of the
/// identifier is covered. Out-of-order matches count at 0.85.
fn align(n: usize, sims: &[Vec<f64>]) -> f64 {
    let m = sims.len();
    // dp[i][j]: (total similarity, matched identifier words).
    let mut dp = vec![vec![(0.0f64, 0usize); m + 1]; n + 1];
    for i in 1..=n {
        for j in 1..=m {
            let mut best = dp[i - 1][j];
            if dp[i][j - 1].0 > best.0 {
                best = dp[i][j - 1];
            }
            let s = sims[j - 1][i - 1];
            if s >= PAIR_MIN {
                let (t, k) = dp[i - 1][j - 1];
                if t + s > best.0 {
                    best = (t + s, k + 1);
                }
            }
            dp[i][j] = best;
        }
    }
    let (total, matched) = dp[n][m];
    let ordered = total / n as f64 * (0.6 + 0.4 * matched as f64 / m as f64);
    // Any order: each spoken word's best identifier word.
    let mut used = vec![false; m];
    let mut total = 0.0;
    let mut matched = 0;
    // sims is per identifier word; go per spoken word.
    let columns: Vec<Vec<f64>> = (0..n)
        .map(|i| sims.iter().map(|row| row[i]).collect())
        .collect();
    for column in &columns {
        let best = (0..m)
            .filter(|&j| !used[j] && column[j] >= PAIR_MIN)
            .max_by(|&a, &b| column[a].total_cmp(&column[b]));
        if let Some(j) = best {
            used[j] = true;
            total += column[j];
            matched += 1;
        }
    }
    let unordered = 0.85 * total / n as f64 * (0.6 + 0.4 * matched as f64 / m as f64);
    ordered.max(unordered)
}

/// Plain word-list similarity (for scopes).
fn words_score(spoken: &[String], ident: &[String]) -> f64 {
    Matcher::new(spoken).score(ident).0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn project() -> (tempfile::TempDir, Index) {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let files = [
            (
                "inventory/api.py",
                "class StockItem:\n    sku: str = ''\n\ndef add_to_cart(cart, item):\n    pass\n",
            ),
            (
                "inventory/parse_config.py",
                "def parse_config(path):\n    pass\n",
            ),
            ("inventory/config.py", "DEFAULT_CURRENCY = 'EUR'\n"),
            ("scripts/config.py", "BATCH_SIZE = 100\n"),
            (
                "web/cache.ts",
                "export class PriceCache {}\nexport function stockItem() {}\n",
            ),
        ];
        for (p, t) in files {
            let full = root.join(p);
            fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
            fs::write(full, t).expect("write");
        }
        let index = Index::build(root).expect("build");
        (dir, index)
    }

    fn one(index: &Index, phrase: &str) -> Candidate {
        match resolve(
            index,
            &Request {
                phrase,
                ..Default::default()
            },
        ) {
            Resolved::One(c) => c,
            other => panic!("{phrase}: {other:#?}"),
        }
    }

    #[test]
    fn resolves_the_issue_examples() {
        let (_d, index) = project();
        let c = one(&index, "parse config");
        assert_eq!(
            (c.path.as_str(), c.symbol.as_deref(), c.line),
            ("inventory/parse_config.py", Some("parse_config"), Some(1))
        );
        let c = one(&index, "stock item class");
        assert_eq!(
            (c.path.as_str(), c.symbol.as_deref()),
            ("inventory/api.py", Some("StockItem"))
        );
        let c = one(&index, "add to cart");
        assert_eq!(c.symbol.as_deref(), Some("add_to_cart"));
        let c = one(&index, "the api module");
        assert_eq!(
            (c.path.as_str(), c.target),
            ("inventory/api.py", TargetKind::File)
        );
        let c = one(&index, "skew");
        assert_eq!(c.symbol.as_deref(), Some("sku"));
        let c = one(&index, "price cash");
        assert_eq!(c.symbol.as_deref(), Some("PriceCache"));
    }

    #[test]
    fn close_candidates_are_ambiguous_until_recent_files_break_the_tie() {
        let (_d, index) = project();
        let req = Request {
            phrase: "config dot py",
            ..Default::default()
        };
        let Resolved::Ambiguous(c) = resolve(&index, &req) else {
            panic!("two config.py files must be ambiguous");
        };
        let paths: Vec<_> = c.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["inventory/config.py", "scripts/config.py"]);
        let recent = ["inventory/api.py".to_string()];
        let req = Request {
            phrase: "config dot py",
            recent: &recent,
            ..Default::default()
        };
        let Resolved::One(c) = resolve(&index, &req) else {
            panic!("recent file breaks the tie");
        };
        assert_eq!(c.path, "inventory/config.py");
    }

    #[test]
    fn nothing_matches_nonsense() {
        let (_d, index) = project();
        let req = Request {
            phrase: "quantum flux capacitor",
            ..Default::default()
        };
        assert_eq!(resolve(&index, &req), Resolved::None);
        let req = Request {
            phrase: "the",
            ..Default::default()
        };
        assert_eq!(resolve(&index, &req), Resolved::None);
    }
}
