//! Callers and callees of the targeted definitions, as candidate chunks.
//!
//! A callee is a name referenced inside a target's line span and defined
//! elsewhere (another file, or the same file outside the span); names defined
//! in more than [`MAX_CALLEE_DEFINERS`] files are too ambiguous to show. A
//! caller is a reference to a target's name outside the target: it is shown
//! as the enclosing definition's first line plus a few lines around the use.
//! Import lines are not calls and are skipped. Names are matched by spelling
//! (the index does not resolve them), so scores carry the same damping as the
//! graph: common names and widely defined names weigh less.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::chunk::Role;
use crate::enclosing::enclosing_sorted;
use crate::extract::{Symbol, SymbolKind};
use crate::graph::{Graph, name_weight};
use crate::index::Index;
use crate::rank::Ranking;
use crate::select::Covered;
use crate::sources::Sources;

/// A callee name defined in more files than this is left out.
pub const MAX_CALLEE_DEFINERS: usize = 3;
/// Caller files considered per target name, best ranked first.
pub const MAX_CALLER_FILES: usize = 20;
/// Lines shown before and after a call.
pub const CALL_CONTEXT: u32 = 2;
/// Uses shown per enclosing definition.
const MAX_WINDOWS: usize = 3;

/// A targeted definition.
#[derive(Clone, Debug)]
pub(crate) struct TargetDef {
    pub path: String,
    pub name: String,
    pub label: String,
    pub line: u32,
    pub end_line: u32,
}

impl TargetDef {
    pub(crate) fn new(path: &str, s: &Symbol) -> TargetDef {
        TargetDef {
            path: path.to_string(),
            name: s.name.clone(),
            label: label(s),
            line: s.line,
            end_line: s.end_line,
        }
    }
}

/// A candidate chunk: line ranges of a file, not yet rendered.
#[derive(Clone, Debug)]
pub(crate) struct Related {
    pub path: String,
    pub parts: Vec<(u32, u32)>,
    pub role: Role,
    pub score: f64,
    /// Whether it may be cut at a line boundary to fit.
    pub cut: bool,
    pub why: String,
}

/// `Container.name` or `name`.
pub(crate) fn label(s: &Symbol) -> String {
    match &s.container {
        Some(c) => format!("{c}.{}", s.name),
        None => s.name.clone(),
    }
}

/// The definitions the targets use.
pub(crate) fn callees(
    index: &Index,
    graph: &Graph,
    ranking: &Ranking,
    targets: &[TargetDef],
    covered: &Covered,
) -> Vec<Related> {
    let mut out = Vec::new();
    let mut seen: HashSet<(u32, u32)> = HashSet::new();
    for t in targets {
        let (Some(entry), Some(node)) = (index.file(&t.path), graph.node(&t.path)) else {
            continue;
        };
        let mut names: Vec<&str> = entry
            .references
            .iter()
            .filter(|r| r.line >= t.line && r.line <= t.end_line)
            .map(|r| r.name.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        for name in names {
            let definers = graph.defining_files(name, node);
            if definers == 0 || definers > MAX_CALLEE_DEFINERS {
                continue;
            }
            let sites = graph.definitions_of(name);
            for site in sites.iter().filter(|s| graph.same_family(s.file, node)) {
                let path = &graph.files()[site.file as usize];
                let Some(s) = index
                    .file(path)
                    .and_then(|e| e.symbols.get(site.symbol as usize))
                else {
                    continue;
                };
                // A `mod x;` line says nothing about what the target uses.
                if s.kind == SymbolKind::Module {
                    continue;
                }
                let inside = *path == t.path && s.line >= t.line && s.end_line <= t.end_line;
                if inside
                    || covered.contains(path, s.line)
                    || !seen.insert((site.file, site.symbol))
                {
                    continue;
                }
                out.push(Related {
                    path: path.clone(),
                    parts: vec![(s.line, s.end_line)],
                    role: Role::Callee,
                    score: ranking.symbol_score(path, site.symbol as usize) * name_weight(name)
                        / (definers as f64).sqrt(),
                    cut: true,
                    why: format!("{} {} used by {}", s.kind.name(), label(s), t.label),
                });
            }
        }
    }
    out
}

/// The uses of a target in one enclosing definition (or one top-level line).
struct Uses {
    target: usize,
    enclosing: Option<Symbol>,
    /// The enclosing definition's score.
    score: f64,
    lines: Vec<u32>,
}

/// The places that use the targets, grouped by enclosing definition.
pub(crate) fn callers(
    index: &Index,
    graph: &Graph,
    ranking: &Ranking,
    targets: &[TargetDef],
    covered: &Covered,
    sources: &mut Sources,
) -> Vec<Related> {
    // Referencing files per (defining file, name), from one pass over the edges.
    let wanted: HashSet<(u32, u32)> = targets
        .iter()
        .filter_map(|t| Some((graph.node(&t.path)?, graph.name_id(&t.name)?)))
        .collect();
    let mut users: HashMap<(u32, u32), Vec<u32>> = HashMap::new();
    for e in graph.edges() {
        if wanted.contains(&(e.to, e.name)) {
            users.entry((e.to, e.name)).or_default().push(e.from);
        }
    }
    let mut groups: BTreeMap<(String, u32), Uses> = BTreeMap::new();
    for (ti, t) in targets.iter().enumerate() {
        let (Some(node), Some(id)) = (graph.node(&t.path), graph.name_id(&t.name)) else {
            continue;
        };
        let mut files: Vec<&str> = users
            .get(&(node, id))
            .map(|v| {
                v.iter()
                    .map(|f| graph.files()[*f as usize].as_str())
                    .collect()
            })
            .unwrap_or_default();
        files.push(&t.path);
        files.sort_by(|a, b| {
            ranking
                .file_rank(b)
                .total_cmp(&ranking.file_rank(a))
                .then_with(|| a.cmp(b))
        });
        files.dedup();
        for path in files.into_iter().take(MAX_CALLER_FILES) {
            let Some(entry) = index.file(path) else {
                continue;
            };
            let lines: Vec<u32> = entry
                .references
                .iter()
                .filter(|r| r.name == t.name)
                .map(|r| r.line)
                .filter(|&l| !(path == t.path && l >= t.line && l <= t.end_line))
                .filter(|&l| !covered.contains(path, l))
                .collect();
            if lines.is_empty() {
                continue;
            }
            let Some(text) = sources.get(path) else {
                continue;
            };
            let lines: Vec<u32> = lines
                .into_iter()
                .filter(|&l| !is_import(text.line(l)))
                .collect();
            let around = enclosing_sorted(&entry.symbols, &lines);
            // A use outside any definition (a Rust `impl` line, a script's
            // body) weighs a quarter of an unused definition.
            let top_level = ranking.file_rank(path) / (4 * (1 + entry.symbols.len())) as f64;
            for (l, at) in lines.into_iter().zip(around) {
                let anchor = at.map_or(l, |i| entry.symbols[i].line);
                groups
                    .entry((path.to_string(), anchor))
                    .or_insert_with(|| Uses {
                        target: ti,
                        enclosing: at.map(|i| entry.symbols[i].clone()),
                        score: at.map_or(top_level, |i| ranking.symbol_score(path, i)),
                        lines: Vec::new(),
                    })
                    .lines
                    .push(l);
            }
        }
    }
    groups
        .into_iter()
        .map(|((path, _), u)| {
            let Uses {
                target,
                enclosing,
                score,
                lines,
            } = u;
            let t = &targets[target];
            let mut parts: Vec<(u32, u32)> = Vec::new();
            let (lo, hi) = enclosing
                .as_ref()
                .map_or((1, u32::MAX), |s| (s.line, s.end_line));
            if let Some(s) = &enclosing {
                parts.push((s.line, s.line));
            }
            for l in lines.iter().take(MAX_WINDOWS) {
                let w = (
                    l.saturating_sub(CALL_CONTEXT).max(lo),
                    (l + CALL_CONTEXT).min(hi),
                );
                match parts.last_mut() {
                    Some(last) if w.0 <= last.1 + 1 => last.1 = last.1.max(w.1),
                    _ => parts.push(w),
                }
            }
            let place = enclosing
                .as_ref()
                .map_or_else(|| "top level".to_string(), label);
            let at: Vec<String> = lines.iter().map(u32::to_string).collect();
            Related {
                score: score * name_weight(&t.name),
                why: format!("{place} uses {} (line {})", t.label, at.join(", ")),
                path,
                parts,
                role: Role::Caller,
                cut: false,
            }
        })
        .collect()
}

/// Whether a line only imports names (a reference, but not a use worth showing).
fn is_import(line: &str) -> bool {
    let l = line.trim_start();
    const PREFIXES: &[&str] = &[
        "import ",
        "import{",
        "from ",
        "use ",
        "pub use ",
        "pub(crate) use ",
        "export {",
        "export *",
        "#include",
    ];
    PREFIXES.iter().any(|p| l.starts_with(p)) || l.contains("require(")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_are_recognised() {
        assert!(is_import("from .pricing import price_with_tax"));
        assert!(is_import("import { Cart } from \"../cart/cart\";"));
        assert!(is_import("    use crate::x::{A, B};"));
        assert!(is_import("const fs = require(\"fs\");"));
        assert!(!is_import("    return price_with_tax(1, rate)"));
    }
}
