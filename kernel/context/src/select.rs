//! Context selection within a token budget: what of the project goes into a
//! model's prompt for one request, and why.
//!
//! In order: (a) the targets — a targeted file whole if it fits, else the
//! targeted symbols' definitions, else the file cut at a line boundary;
//! (b) callers and callees of the targeted definitions (see `relations`),
//! best ranked first; (c) a repository map of the best ranked other files
//! (see `repo_map`) in what is left. Targets may use up to [`TARGET_SHARE`]
//! of the budget and targets with relations up to [`RELATED_SHARE`], so the
//! map always gets some room.
//!
//! File text comes only through the caller's `read`; a refused read is
//! skipped and explained. The budget is never exceeded, and the output is
//! the same for the same input (ties are broken by path, then line).

use std::collections::HashMap;

use crate::chunk::{render, whole_file};
use crate::extract::SymbolKind;
use crate::graph::Graph;
use crate::index::Index;
use crate::rank::{Ranking, rank_with};
use crate::relations::{self, Related, TargetDef};
use crate::repo_map::map_chunks;
use crate::sources::Sources;

pub use crate::chunk::{Chunk, Role, tokens};
pub use crate::rank::{Seeds, SymbolSeed};

/// Share of the budget the targets may use.
pub const TARGET_SHARE: f64 = 0.6;
/// Share of the budget targets, callers and callees may use together.
pub const RELATED_SHARE: f64 = 0.85;
/// Most tokens one caller or callee chunk may take.
pub const MAX_RELATED_TOKENS: usize = 400;
/// Top-level definitions of a targeted file (without targeted symbols) whose
/// callers and callees are looked for.
const MAX_FILE_TARGET_DEFS: usize = 30;
/// Left-out candidates explained one by one; the rest are counted.
const MAX_LEFT_OUT_LINES: usize = 10;

/// What was selected.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Selection {
    /// The chunks, in prompt order.
    pub items: Vec<Chunk>,
    /// Tokens used (the sum of the chunks' tokens); never over `budget`.
    pub tokens: usize,
    /// The budget asked for.
    pub budget: usize,
    /// One line per decision: what went in and why, what was left out.
    pub explain: Vec<String>,
}

impl Selection {
    /// The chunks' texts, concatenated (costs at most `tokens`).
    pub fn render(&self) -> String {
        self.items.iter().map(|c| c.text.as_str()).collect()
    }
}

/// Line ranges already shown, per file, so nothing is shown twice.
#[derive(Debug, Default)]
pub(crate) struct Covered(HashMap<String, Vec<(u32, u32)>>);

impl Covered {
    pub(crate) fn add(&mut self, path: &str, lines: (u32, u32)) {
        self.0.entry(path.to_string()).or_default().push(lines);
    }

    pub(crate) fn contains(&self, path: &str, line: u32) -> bool {
        self.overlaps(path, line, line)
    }

    /// Whether any line of `from..=to` is already shown.
    pub(crate) fn overlaps(&self, path: &str, from: u32, to: u32) -> bool {
        self.0
            .get(path)
            .is_some_and(|spans| spans.iter().any(|&(a, b)| a <= to && from <= b))
    }
}

/// Selects context for `seeds` within `budget_tokens`, reading files through `read`.
pub fn select(
    index: &Index,
    seeds: &Seeds,
    budget_tokens: usize,
    read: &mut dyn FnMut(&str) -> Option<String>,
) -> Selection {
    select_with(&index.graph(), index, seeds, budget_tokens, read)
}

/// [`select`] with a given graph built from `index` ([`select`] uses the
/// index's cached one).
pub fn select_with(
    graph: &Graph,
    index: &Index,
    seeds: &Seeds,
    budget_tokens: usize,
    read: &mut dyn FnMut(&str) -> Option<String>,
) -> Selection {
    let ranking = rank_with(graph, index, seeds);
    let mut b = Builder {
        sel: Selection {
            budget: budget_tokens,
            ..Selection::default()
        },
        covered: Covered::default(),
        left_out: 0,
    };
    b.sel.explain.push(format!(
        "ranked {} files in {} rounds (last change {:.1e}); budget {budget_tokens} tokens: \
         targets up to {}, with callers and callees up to {}, then the repo map",
        graph.files().len(),
        ranking.iterations(),
        ranking.last_change(),
        share(budget_tokens, TARGET_SHARE),
        share(budget_tokens, RELATED_SHARE),
    ));
    let mut sources = Sources::new(read);
    let defs = targets(index, seeds, &ranking, &mut b, &mut sources);
    let mut related = relations::callees(index, graph, &ranking, &defs, &b.covered);
    related.extend(relations::callers(
        index,
        graph,
        &ranking,
        &defs,
        &b.covered,
        &mut sources,
    ));
    related.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.path.cmp(&b.path))
            .then_with(|| a.parts.cmp(&b.parts))
    });
    let cap = share(budget_tokens, RELATED_SHARE);
    for r in related {
        b.add_related(r, cap, &mut sources);
    }
    b.explain_left_out();
    let room = budget_tokens - b.sel.tokens;
    let map = map_chunks(
        index,
        &ranking,
        &b.covered,
        room,
        &mut sources,
        &mut b.sel.explain,
    );
    for chunk in map {
        b.push(chunk);
    }
    for path in sources.skipped() {
        b.sel
            .explain
            .push(format!("skipped {path}: read refused or failed"));
    }
    b.sel.explain.push(format!(
        "selected {} chunks, {} of {budget_tokens} tokens",
        b.sel.items.len(),
        b.sel.tokens
    ));
    debug_assert!(b.sel.tokens <= budget_tokens);
    b.sel
}

fn share(budget: usize, share: f64) -> usize {
    (budget as f64 * share).floor() as usize
}

struct Builder {
    sel: Selection,
    covered: Covered,
    left_out: usize,
}

impl Builder {
    fn push(&mut self, chunk: Chunk) {
        let lines = chunk
            .lines
            .map_or(String::new(), |(a, b)| format!(":{a}-{b}"));
        self.sel.explain.push(format!(
            "{} {}{lines}: {} tokens, rank {:.4}, {}",
            chunk.role.name(),
            chunk.path,
            chunk.tokens,
            chunk.score,
            chunk.why
        ));
        if chunk.role != Role::RepoMap {
            self.covered
                .add(&chunk.path, chunk.lines.unwrap_or((1, u32::MAX)));
        }
        self.sel.tokens += chunk.tokens;
        self.sel.items.push(chunk);
    }

    fn room(&self, cap: usize) -> usize {
        cap.min(self.sel.budget).saturating_sub(self.sel.tokens)
    }

    fn left_out(&mut self, what: String) {
        self.left_out += 1;
        if self.left_out <= MAX_LEFT_OUT_LINES {
            self.sel
                .explain
                .push(format!("left out for budget: {what}"));
        }
    }

    fn explain_left_out(&mut self) {
        if self.left_out > MAX_LEFT_OUT_LINES {
            let more = self.left_out - MAX_LEFT_OUT_LINES;
            self.sel
                .explain
                .push(format!("left out for budget: {more} more"));
        }
    }

    fn add_related(&mut self, r: Related, cap: usize, sources: &mut Sources) {
        let (Some(&(first, _)), Some(&(_, last))) = (r.parts.first(), r.parts.last()) else {
            return;
        };
        // Shown already (as a target, a callee or another caller's lines).
        if r.parts
            .iter()
            .any(|&(a, b)| self.covered.overlaps(&r.path, a, b))
        {
            return;
        }
        let Some(text) = sources.get(&r.path) else {
            return;
        };
        let room = self.room(cap).min(MAX_RELATED_TOKENS);
        match render(&r.path, &text, &r.parts, room, r.cut) {
            Some(out) => {
                let why = if out.cut {
                    format!("{}, cut for budget", r.why)
                } else {
                    r.why
                };
                self.push(chunk(
                    &r.path,
                    Some(out.lines),
                    r.role,
                    r.score,
                    out.text,
                    why,
                ));
            }
            None => {
                let what = format!("{} {}:{first}-{last} ({})", r.role.name(), r.path, r.why);
                self.left_out(what);
            }
        }
    }
}

fn chunk(
    path: &str,
    lines: Option<(u32, u32)>,
    role: Role,
    score: f64,
    text: String,
    why: String,
) -> Chunk {
    Chunk {
        path: path.to_string(),
        lines,
        role,
        score,
        tokens: tokens(&text),
        text,
        why,
    }
}

/// One targeted file: whole (a targeted file) or its targeted definitions.
struct Job {
    order: usize,
    path: String,
    whole: bool,
    /// Targeted definitions, outermost only (an inner one is shown with its outer).
    outer: Vec<TargetDef>,
    /// Tokens it would take in full.
    size: usize,
}

/// Adds the target chunks (in seed order); returns the targeted definitions
/// for relations. Each target gets a fair share of the target room; the
/// smallest are placed first so what they leave goes to the bigger ones.
fn targets(
    index: &Index,
    seeds: &Seeds,
    ranking: &Ranking,
    b: &mut Builder,
    sources: &mut Sources,
) -> Vec<TargetDef> {
    let mut paths: Vec<&str> = Vec::new();
    for p in seeds
        .files
        .iter()
        .chain(seeds.symbols.iter().map(|s| &s.path))
    {
        if !paths.contains(&p.as_str()) {
            paths.push(p);
        }
    }
    let mut all_defs = Vec::new();
    let mut jobs = Vec::new();
    for (order, path) in paths.into_iter().enumerate() {
        let mut defs: Vec<TargetDef> = Vec::new();
        for seed in seeds.symbols.iter().filter(|s| s.path == path) {
            let found: Vec<TargetDef> = index
                .file(path)
                .map(|e| e.symbols.iter().filter(|s| s.name == seed.name))
                .into_iter()
                .flatten()
                .map(|s| TargetDef::new(path, s))
                .collect();
            if found.is_empty() {
                b.sel
                    .explain
                    .push(format!("target symbol {} not found in {path}", seed.name));
            }
            defs.extend(found);
        }
        defs.sort_by_key(|d| (d.line, std::cmp::Reverse(d.end_line)));
        let mut outer: Vec<TargetDef> = Vec::new();
        for d in &defs {
            if !outer
                .iter()
                .any(|o| o.line <= d.line && d.end_line <= o.end_line)
            {
                outer.push(d.clone());
            }
        }
        let whole = seeds.files.iter().any(|f| f == path);
        all_defs.extend(if whole && defs.is_empty() {
            file_defs(index, path)
        } else {
            defs
        });
        let Some(text) = sources.get(path) else {
            continue;
        };
        let size = if whole {
            tokens(text.all())
        } else {
            outer
                .iter()
                .map(|d| tokens(text.lines(d.line, d.end_line)))
                .sum()
        };
        jobs.push(Job {
            order,
            path: path.to_string(),
            whole,
            outer,
            size,
        });
    }
    jobs.sort_by_key(|j| (j.size, j.order));
    let cap = share(b.sel.budget, TARGET_SHARE).saturating_sub(b.sel.tokens);
    let mut used = 0;
    let mut placed: Vec<(usize, Chunk)> = Vec::new();
    let jobs_count = jobs.len();
    for (done, job) in jobs.into_iter().enumerate() {
        let Some(text) = sources.get(&job.path) else {
            continue;
        };
        let fair = (cap - used) / (jobs_count - done);
        let score = ranking.file_rank(&job.path);
        let path = job.path.as_str();
        let mut pieces: Vec<(Chunk, usize)> = Vec::new();
        if job.whole
            && let Some(t) = whole_file(path, &text, fair)
        {
            let why = "targeted file, whole".to_string();
            pieces.push((chunk(path, None, Role::Target, score, t, why), job.order));
        } else if job.whole && job.outer.is_empty() {
            match render(path, &text, &[(1, text.line_count())], fair, true) {
                Some(r) => {
                    let why = "targeted file, cut for budget".to_string();
                    let c = chunk(path, Some(r.lines), Role::Target, score, r.text, why);
                    pieces.push((c, job.order));
                }
                None => b.left_out(format!("target {path} (not even its first lines fit)")),
            }
        } else {
            if job.whole {
                b.sel.explain.push(format!(
                    "target {path} too big to include whole: its targeted symbols only"
                ));
            }
            let mut left = fair;
            for (i, d) in job.outer.iter().enumerate() {
                let room = left / (job.outer.len() - i);
                match render(path, &text, &[(d.line, d.end_line)], room, true) {
                    Some(r) => {
                        let why = if r.cut {
                            format!("targeted {}, cut for budget", d.label)
                        } else {
                            format!("targeted {}", d.label)
                        };
                        let c = chunk(path, Some(r.lines), Role::Target, score, r.text, why);
                        left -= c.tokens;
                        pieces.push((c, job.order));
                    }
                    None => b.left_out(format!("target {} in {path}", d.label)),
                }
            }
        }
        for (c, order) in pieces {
            used += c.tokens;
            placed.push((order, c));
        }
    }
    placed.sort_by_key(|(order, c)| (*order, c.lines));
    for (_, c) in placed {
        b.push(c);
    }
    all_defs
}

/// A targeted file's top-level definitions, standing in for targeted symbols.
fn file_defs(index: &Index, path: &str) -> Vec<TargetDef> {
    index
        .file(path)
        .map(|e| {
            e.symbols
                .iter()
                .filter(|s| s.container.is_none())
                .filter(|s| !matches!(s.kind, SymbolKind::Field | SymbolKind::Variant))
                .take(MAX_FILE_TARGET_DEFS)
                .map(|s| TargetDef::new(path, s))
                .collect()
        })
        .unwrap_or_default()
}
