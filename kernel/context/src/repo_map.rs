//! The repository map: the best ranked definitions of the project, grouped
//! by file, one signature line each (the definition's first line, followed
//! while its parentheses stay open, indented by container), within a token
//! budget.
//!
//! Signature lines come from the files' text, read through the caller's
//! `read`, because a signature (parameters, types, `pub`) tells a model far
//! more than the index's `kind name (line N)`. A file whose read is refused is
//! left out entirely: not even its symbol names from the index are shown, so
//! the map never reveals more than the read policy allows.
//!
//! Definitions are taken best score first (see `rank`); a file appears when
//! its first definition fits, and files are listed best ranked first, their
//! lines in source order.

use std::collections::HashMap;

use crate::chunk::{Chunk, Role, tokens};
use crate::extract::Symbol;
use crate::index::Index;
use crate::rank::{Ranking, Seeds, rank_with};
use crate::select::Covered;
use crate::sources::{Sources, Text};

/// Longest signature line, in characters.
pub const MAX_SIGNATURE_CHARS: usize = 160;
/// Lines joined into one signature while parentheses are open.
const MAX_SIGNATURE_LINES: u32 = 4;
/// Consecutive definitions that do not fit before the map stops looking.
const MAX_MISSES: usize = 64;

/// The repository map alone, for `seeds`, within `budget_tokens`.
pub fn repo_map(
    index: &Index,
    seeds: &Seeds,
    budget_tokens: usize,
    read: &mut dyn FnMut(&str) -> Option<String>,
) -> String {
    let ranking = rank_with(&index.graph(), index, seeds);
    let mut sources = Sources::new(read);
    let mut explain = Vec::new();
    map_chunks(
        index,
        &ranking,
        &Covered::default(),
        budget_tokens,
        &mut sources,
        &mut explain,
    )
    .iter()
    .map(|c| c.text.as_str())
    .collect()
}

struct Block {
    path: String,
    lines: Vec<(u32, String)>,
    chars: usize,
}

/// Map chunks (one per file) within `room` tokens, leaving out definitions
/// already shown (`covered`); adds one summary line to `explain`.
pub(crate) fn map_chunks(
    index: &Index,
    ranking: &Ranking,
    covered: &Covered,
    room: usize,
    sources: &mut Sources,
    explain: &mut Vec<String>,
) -> Vec<Chunk> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut block_of: HashMap<&str, usize> = HashMap::new();
    let mut used = 0;
    let mut misses = 0;
    let mut left: Vec<&str> = Vec::new();
    let mut defs = ranking.definitions().iter().filter(|d| d.score > 0.0);
    for d in defs.by_ref() {
        if misses >= MAX_MISSES || room.saturating_sub(used) < 2 {
            left.push(&d.path);
            break;
        }
        if covered.contains(&d.path, d.line) || sources.skipped().contains(&d.path) {
            continue;
        }
        let Some(entry) = index.file(&d.path) else {
            continue;
        };
        let Some(sym) = entry.symbols.get(d.symbol) else {
            continue;
        };
        let (before, header) = match block_of.get(d.path.as_str()) {
            // Two definitions on one line (an overlapping query match): one line.
            Some(&i) if blocks[i].lines.iter().any(|(l, _)| *l == d.line) => continue,
            Some(&i) => (blocks[i].chars, 0),
            None => (0, d.path.chars().count() + 2),
        };
        // Cheapest possible line: indentation, the name, a line break.
        if used - before.div_ceil(4) + (before + header + sym.name.len() + 3).div_ceil(4) > room {
            misses += 1;
            left.push(&d.path);
            continue;
        }
        let Some(text) = sources.get(&d.path) else {
            continue;
        };
        let line = format!(
            "{}{}\n",
            "  ".repeat(1 + depth(&entry.symbols, sym)),
            signature(&text, sym)
        );
        let cost = line.chars().count();
        let after = used - before.div_ceil(4) + (before + header + cost).div_ceil(4);
        if after > room {
            misses += 1;
            left.push(&d.path);
            continue;
        }
        misses = 0;
        used = after;
        let i = *block_of.entry(d.path.as_str()).or_insert_with(|| {
            blocks.push(Block {
                path: d.path.clone(),
                lines: Vec::new(),
                chars: header,
            });
            blocks.len() - 1
        });
        blocks[i].chars += cost;
        blocks[i].lines.push((d.line, line));
    }
    let listed: usize = blocks.iter().map(|b| b.lines.len()).sum();
    let not_listed = left.len()
        + defs
            .filter(|d| !covered.contains(&d.path, d.line) && !sources.skipped().contains(&d.path))
            .inspect(|d| left.push(&d.path))
            .count();
    left.sort_unstable();
    left.dedup();
    explain.push(format!(
        "repo map: {listed} definitions in {} files, {used} tokens; left out for budget: \
         {not_listed} definitions in {} files",
        blocks.len(),
        left.len()
    ));
    blocks.sort_by(|a, b| {
        ranking
            .file_rank(&b.path)
            .total_cmp(&ranking.file_rank(&a.path))
            .then_with(|| a.path.cmp(&b.path))
    });
    blocks.into_iter().map(|b| to_chunk(ranking, b)).collect()
}

fn to_chunk(ranking: &Ranking, mut b: Block) -> Chunk {
    b.lines.sort_by_key(|(line, _)| *line);
    let mut text = String::with_capacity(b.chars);
    text.push_str(&b.path);
    text.push_str(":\n");
    for (_, l) in &b.lines {
        text.push_str(l);
    }
    Chunk {
        score: ranking.file_rank(&b.path),
        lines: None,
        role: Role::RepoMap,
        tokens: tokens(&text),
        why: format!("best ranked definitions: {}", b.lines.len()),
        path: b.path,
        text,
    }
}

/// Nesting depth by container (a method of a class in a module: 1 or more).
fn depth(symbols: &[Symbol], sym: &Symbol) -> usize {
    let mut depth = 0;
    let mut container = sym.container.as_deref();
    while let Some(c) = container {
        depth += 1;
        if depth >= 3 {
            break;
        }
        container = symbols
            .iter()
            .find(|s| s.name == c && s.line <= sym.line && sym.end_line <= s.end_line)
            .and_then(|s| s.container.as_deref());
    }
    depth
}

/// The definition's first line, continued while parentheses stay open, with
/// whitespace collapsed; `kind name` when the text has nothing there.
pub(crate) fn signature(text: &Text, sym: &Symbol) -> String {
    let mut out = String::new();
    let mut open = 0i32;
    let last = sym
        .end_line
        .min(sym.line + MAX_SIGNATURE_LINES - 1)
        .max(sym.line);
    for n in sym.line..=last {
        let line = text.line(n).trim();
        if !out.is_empty() && !line.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
        open += line.chars().filter(|c| matches!(c, '(' | '[')).count() as i32;
        open -= line.chars().filter(|c| matches!(c, ')' | ']')).count() as i32;
        if open <= 0 {
            break;
        }
    }
    if out.is_empty() {
        return format!("{} {}", sym.kind.name(), sym.name);
    }
    if out.chars().count() > MAX_SIGNATURE_CHARS {
        out = out.chars().take(MAX_SIGNATURE_CHARS - 1).collect();
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::SymbolKind;

    fn sym(name: &str, line: u32, end_line: u32, container: Option<&str>) -> Symbol {
        Symbol {
            name: name.to_string(),
            kind: SymbolKind::Function,
            line,
            end_line,
            container: container.map(str::to_string),
        }
    }

    #[test]
    fn signatures_follow_open_parentheses() {
        let t = Text::new("pub fn long(\n    a: u32,\n    b: u32,\n) -> u32 {\n    a\n}\n".into());
        assert_eq!(
            signature(&t, &sym("long", 1, 6, None)),
            "pub fn long( a: u32, b: u32, ) -> u32 {"
        );
        let t = Text::new("def f(x):\n    return x\n".into());
        assert_eq!(signature(&t, &sym("f", 1, 2, None)), "def f(x):");
        let symbols = [sym("A", 1, 9, None), sym("m", 2, 3, Some("A"))];
        assert_eq!(depth(&symbols, &symbols[1]), 1);
        assert_eq!(depth(&symbols, &symbols[0]), 0);
    }
}
