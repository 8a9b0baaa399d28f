//! Ranking files and definitions for one request: personalised PageRank over
//! the reference graph (see `graph`), with the teleport vector on the
//! request's seeds, then each file's rank shared among its definitions.
//!
//! Rank flows from a file to the files defining what it uses (weight 1) and,
//! more weakly, back to the files using what it defines ([`BACKWARD`]), so a
//! seed lifts both what it calls and what calls it. Names of targeted symbols
//! weigh [`MENTIONED`] times more. Results are deterministic: ties are broken
//! by path, then line.

use std::collections::HashMap;

use crate::extract::{Symbol, SymbolKind};
pub use crate::graph::BACKWARD;
use crate::graph::{Graph, NO_SYMBOL};
use crate::index::Index;

/// PageRank damping: the chance of following an edge rather than teleporting.
pub const DAMPING: f64 = 0.85;
/// Iteration stops when the L1 change of the rank vector is below this.
pub const TOLERANCE: f64 = 1e-6;
/// Iteration stops after this many rounds in any case.
pub const MAX_ITERATIONS: usize = 50;
/// Multiplier of edges through the name of a targeted symbol.
pub const MENTIONED: f64 = 10.0;
/// Teleport weight of a targeted file or the file of a targeted symbol.
pub const TARGET_WEIGHT: f64 = 10.0;
/// Teleport weight of a recent file.
pub const RECENT_WEIGHT: f64 = 2.0;
/// Share of the teleport vector spread over all files even when there are
/// seeds, so files unrelated to the seeds still have an order (for the
/// repository map) instead of all ranking 0.
pub const UNIFORM_FLOOR: f64 = 0.05;
/// Share of a file's rank given to its definitions by the flow through them;
/// the rest is spread by kind (top-level over members), so definitions that
/// nothing uses still follow their file's rank.
const REFERENCED_SHARE: f64 = 0.9;

/// What a request is about: the personalisation of the ranking.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Seeds {
    /// Targeted files, relative to the root.
    pub files: Vec<String>,
    /// Targeted symbols.
    pub symbols: Vec<SymbolSeed>,
    /// The session's recent files, most recent first.
    pub recent: Vec<String>,
}

/// A targeted symbol: a name defined in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SymbolSeed {
    /// The defining file, relative to the root.
    pub path: String,
    /// The symbol's name as written.
    pub name: String,
}

impl Seeds {
    /// Whether nothing personalises the ranking.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.symbols.is_empty() && self.recent.is_empty()
    }
}

/// A file and its rank (the ranks of all files sum to 1).
#[derive(Clone, Debug, PartialEq)]
pub struct RankedFile {
    /// File, relative to the root.
    pub path: String,
    /// PageRank.
    pub rank: f64,
}

/// A definition and its score (its share of its file's rank).
#[derive(Clone, Debug, PartialEq)]
pub struct RankedDefinition {
    /// The defining file, relative to the root.
    pub path: String,
    /// Position in the file's [`crate::index::FileEntry::symbols`].
    pub symbol: usize,
    /// The name.
    pub name: String,
    /// 1-based first line.
    pub line: u32,
    /// Score.
    pub score: f64,
}

/// The ranking of one request.
#[derive(Clone, Debug, Default)]
pub struct Ranking {
    files: Vec<RankedFile>,
    by_path: HashMap<String, (f64, u32)>,
    definitions: Vec<RankedDefinition>,
    sym_offset: Vec<u32>,
    sym_score: Vec<f64>,
    iterations: usize,
    change: f64,
}

impl Ranking {
    /// Files, best first (ties by path).
    pub fn files(&self) -> &[RankedFile] {
        &self.files
    }

    /// The rank of `path` (0 when it is not a source file of the index).
    pub fn file_rank(&self, path: &str) -> f64 {
        self.by_path.get(path).map_or(0.0, |r| r.0)
    }

    /// The score of the definition at `symbol` in `path`'s symbols (0 when unknown).
    pub fn symbol_score(&self, path: &str, symbol: usize) -> f64 {
        let Some(&(_, node)) = self.by_path.get(path) else {
            return 0.0;
        };
        let start = self.sym_offset.get(node as usize).copied().unwrap_or(0) as usize;
        let end = self.sym_offset.get(node as usize + 1).copied().unwrap_or(0) as usize;
        if start + symbol < end {
            self.sym_score[start + symbol]
        } else {
            0.0
        }
    }

    /// Definitions, best first (ties by path, then line).
    pub fn definitions(&self) -> &[RankedDefinition] {
        &self.definitions
    }

    /// Power-iteration rounds it took.
    pub fn iterations(&self) -> usize {
        self.iterations
    }

    /// L1 change of the rank vector in the last round (below [`TOLERANCE`]
    /// unless [`MAX_ITERATIONS`] stopped it).
    pub fn last_change(&self) -> f64 {
        self.change
    }
}

/// Ranks `index` for `seeds` with its cached graph (see [`Index::graph`]).
pub fn rank(index: &Index, seeds: &Seeds) -> Ranking {
    rank_with(&index.graph(), index, seeds)
}

/// Ranks with a graph built from `index`.
pub fn rank_with(graph: &Graph, index: &Index, seeds: &Seeds) -> Ranking {
    let n = graph.files().len();
    if n == 0 {
        return Ranking::default();
    }
    let teleport = teleport(graph, seeds);
    // Edges through the names of targeted symbols weigh MENTIONED times more.
    let mut mentioned: Vec<u32> = seeds
        .symbols
        .iter()
        .filter_map(|s| graph.name_id(&s.name))
        .collect();
    mentioned.sort_unstable();
    mentioned.dedup();
    let boost = |name: u32| {
        if mentioned.binary_search(&name).is_ok() {
            MENTIONED
        } else {
            1.0
        }
    };
    let mut pairs = graph.pairs.clone();
    if !mentioned.is_empty() {
        for (e, x) in graph.edges().iter().zip(&graph.extra) {
            if mentioned.binary_search(&e.name).is_ok() {
                pairs[x.forward as usize].2 += (MENTIONED - 1.0) * e.weight;
                pairs[x.backward as usize].2 += (MENTIONED - 1.0) * e.weight * BACKWARD;
            }
        }
    }
    let mut out_total = vec![0.0; n];
    for &(from, _, w) in &pairs {
        out_total[from as usize] += w;
    }
    let (rank, iterations, change) = pagerank(n, &pairs, &out_total, &teleport);

    // Flow through each edge: forward into the definer's slot for the name,
    // backward into the user's definitions enclosing the uses.
    let mut slot_flow = vec![0.0; graph.slot_count.len()];
    let mut sym_flow = vec![0.0; graph.sym_slot.len()];
    for (e, x) in graph.edges().iter().zip(&graph.extra) {
        let (from, to) = (e.from as usize, e.to as usize);
        let w = e.weight * boost(e.name);
        slot_flow[x.slot as usize] += rank[from] * w / out_total[from];
        let back = rank[to] * w * BACKWARD / out_total[to];
        let (start, len) = (x.uses.0 as usize, x.uses.1 as usize);
        for &site in &graph.use_sites[start..start + len] {
            if site != NO_SYMBOL {
                sym_flow[site as usize] += back / len as f64;
            }
        }
    }
    for (i, f) in sym_flow.iter_mut().enumerate() {
        let slot = graph.sym_slot[i] as usize;
        *f += slot_flow[slot] / f64::from(graph.slot_count[slot].max(1));
    }
    let sym_score = share_definitions(graph, index, &rank, &sym_flow);

    let mut files: Vec<RankedFile> = graph
        .files()
        .iter()
        .zip(&rank)
        .map(|(path, r)| RankedFile {
            path: path.clone(),
            rank: *r,
        })
        .collect();
    files.sort_by(|a, b| b.rank.total_cmp(&a.rank).then_with(|| a.path.cmp(&b.path)));
    let by_path = graph
        .files()
        .iter()
        .enumerate()
        .map(|(i, p)| (p.clone(), (rank[i], i as u32)))
        .collect();
    let mut definitions = Vec::with_capacity(sym_score.len());
    for (file, path) in graph.files().iter().enumerate() {
        let Some(entry) = index.file(path) else {
            continue;
        };
        let base = graph.sym_offset[file] as usize;
        for (i, s) in entry.symbols.iter().enumerate() {
            definitions.push(RankedDefinition {
                path: path.clone(),
                symbol: i,
                name: s.name.clone(),
                line: s.line,
                score: sym_score[base + i],
            });
        }
    }
    definitions.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.path.cmp(&b.path))
            .then_with(|| a.line.cmp(&b.line))
    });
    Ranking {
        files,
        by_path,
        definitions,
        sym_offset: graph.sym_offset.clone(),
        sym_score,
        iterations,
        change,
    }
}

/// The teleport vector: on the seeds (plus [`UNIFORM_FLOOR`] spread over
/// all files), or uniform when there are none or none is a source file.
fn teleport(graph: &Graph, seeds: &Seeds) -> Vec<f64> {
    let n = graph.files().len();
    let mut t = vec![0.0; n];
    let mut add = |path: &str, w: f64| {
        if let Some(i) = graph.node(path) {
            t[i as usize] += w;
        }
    };
    for p in &seeds.files {
        add(p, TARGET_WEIGHT);
    }
    for s in &seeds.symbols {
        add(&s.path, TARGET_WEIGHT);
    }
    for p in &seeds.recent {
        add(p, RECENT_WEIGHT);
    }
    let sum: f64 = t.iter().sum();
    let uniform = 1.0 / n as f64;
    if sum > 0.0 {
        t.iter_mut()
            .for_each(|x| *x = (1.0 - UNIFORM_FLOOR) * *x / sum + UNIFORM_FLOOR * uniform);
    } else {
        t.iter_mut().for_each(|x| *x = uniform);
    }
    t
}

/// Power iteration; the rank of files without edges goes back to the
/// teleport vector. Returns the ranks, the rounds taken and the last change.
fn pagerank(
    n: usize,
    pairs: &[(u32, u32, f64)],
    out_total: &[f64],
    teleport: &[f64],
) -> (Vec<f64>, usize, f64) {
    let share: Vec<(u32, u32, f64)> = pairs
        .iter()
        .map(|&(from, to, w)| (from, to, w / out_total[from as usize]))
        .collect();
    let dangling: Vec<usize> = (0..n).filter(|&i| out_total[i] <= 0.0).collect();
    let mut rank = teleport.to_vec();
    let mut next = vec![0.0; n];
    let (mut rounds, mut change) = (0, f64::INFINITY);
    while rounds < MAX_ITERATIONS && change >= TOLERANCE {
        rounds += 1;
        next.iter_mut().for_each(|x| *x = 0.0);
        for &(from, to, s) in &share {
            next[to as usize] += rank[from as usize] * s;
        }
        let lost: f64 = dangling.iter().map(|&i| rank[i]).sum();
        change = 0.0;
        for i in 0..n {
            let r = DAMPING * (next[i] + lost * teleport[i]) + (1.0 - DAMPING) * teleport[i];
            change += (r - rank[i]).abs();
            next[i] = r;
        }
        std::mem::swap(&mut rank, &mut next);
    }
    (rank, rounds, change)
}

/// Each file's rank shared among its definitions (global symbol order):
/// [`REFERENCED_SHARE`] by the flow through them — into a definition from
/// the files using its name (split among same-named definitions), and back
/// into the definition enclosing a use from the file defining the used
/// name — and the rest by kind, top-level definitions first.
fn share_definitions(graph: &Graph, index: &Index, rank: &[f64], flow: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; flow.len()];
    for (file, path) in graph.files().iter().enumerate() {
        let Some(entry) = index.file(path) else {
            continue;
        };
        let base = graph.sym_offset[file] as usize;
        let flows = &flow[base..base + entry.symbols.len()];
        let flow_sum: f64 = flows.iter().sum();
        let prior_sum: f64 = entry.symbols.iter().map(prior).sum();
        let referenced = if flow_sum > 0.0 {
            REFERENCED_SHARE
        } else {
            0.0
        };
        for (i, (s, f)) in entry.symbols.iter().zip(flows).enumerate() {
            let by_flow = if flow_sum > 0.0 { f / flow_sum } else { 0.0 };
            let share = referenced * by_flow + (1.0 - referenced) * prior(s) / prior_sum;
            out[base + i] = rank[file] * share;
        }
    }
    out
}

/// Weight of a definition that nothing uses: top-level types and functions
/// over methods and constants over fields and variants.
fn prior(s: &Symbol) -> f64 {
    match (s.kind, &s.container) {
        (SymbolKind::Field | SymbolKind::Variant, _) => 0.2,
        (SymbolKind::Constant | SymbolKind::Variable, _) => 0.5,
        (SymbolKind::Method, _) | (_, Some(_)) => 0.5,
        (_, None) => 1.0,
    }
}
