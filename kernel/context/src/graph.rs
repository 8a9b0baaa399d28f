//! The reference graph over the project's source files: an edge from file A
//! to file B for every name that A references and B defines, weighted by how
//! often A uses the name and how specific the name is.
//!
//! The graph depends on the index only, never on the seeds of a request, so
//! one graph serves every ranking until the index changes ([`Index::graph`]
//! caches it). Everything a ranking needs that does not depend on the seeds
//! is worked out here once: the merged edge weights in both directions, and
//! which definition encloses each use of a name.
//!
//! Names are matched by spelling, not resolved: `get` used in A links A to
//! every file defining a `get`, which is why common and widely defined names
//! weigh less. Self-edges (a file using its own names) are left out: they say
//! nothing about which *other* files matter. Files only link within a
//! language family (JavaScript, TypeScript and TSX are one family): a
//! TypeScript `StockItem` is not the Go `StockItem`.

use std::collections::HashMap;

use crate::enclosing::enclosing_sorted;
use crate::fxhash::FxBuild;
use crate::index::Index;
use crate::lang::Lang;

/// Names so generic that an edge through them says little about a file
/// (including the standard library's traits and types, which a project may
/// also use as names of its own). Sorted, for binary search.
const COMMON_NAMES: &[&str] = &[
    "Any",
    "Arc",
    "AsRef",
    "Box",
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "Display",
    "Eq",
    "Err",
    "Error",
    "From",
    "Hash",
    "HashMap",
    "Into",
    "Iterator",
    "Mutex",
    "None",
    "Ok",
    "Option",
    "PartialEq",
    "PhantomData",
    "Rc",
    "Result",
    "Self",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "Vec",
    "apply",
    "as_ref",
    "as_str",
    "build",
    "call",
    "clear",
    "clone",
    "close",
    "contains",
    "default",
    "drop",
    "error",
    "expect",
    "find",
    "fmt",
    "format",
    "from",
    "get",
    "get_mut",
    "hash",
    "init",
    "insert",
    "into",
    "is_empty",
    "iter",
    "join",
    "len",
    "list",
    "main",
    "map",
    "new",
    "next",
    "open",
    "pop",
    "print",
    "println",
    "push",
    "read",
    "remove",
    "run",
    "self",
    "send",
    "set",
    "start",
    "stop",
    "this",
    "to_string",
    "unwrap",
    "value",
    "write",
];

/// Share of an edge's weight that also flows back, definer → user.
pub const BACKWARD: f64 = 0.5;
/// No enclosing definition (a use at the top level).
pub(crate) const NO_SYMBOL: u32 = u32::MAX;

/// How much an edge through `name` counts: 0.1 for common names (`new`,
/// `get`, `main`, `len`, …), names of three characters or fewer and private
/// names (a leading `_`); 1 otherwise.
pub fn name_weight(name: &str) -> f64 {
    if name.len() <= 3 || name.starts_with('_') || COMMON_NAMES.binary_search(&name).is_ok() {
        0.1
    } else {
        1.0
    }
}

/// Languages whose files can use each other's names.
fn family(lang: Lang) -> u8 {
    match lang {
        Lang::Python => 0,
        Lang::Rust => 1,
        Lang::JavaScript | Lang::TypeScript | Lang::Tsx => 2,
        Lang::Go => 3,
    }
}

/// One edge: `from` references `name`, which `to` defines.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Edge {
    /// The referencing file (node number).
    pub from: u32,
    /// The defining file (node number).
    pub to: u32,
    /// The name (see [`Graph::name`]).
    pub name: u32,
    /// Lines of `from` that reference the name.
    pub refs: u32,
    /// `√refs × name_weight(name) / √(files of the family defining name)`.
    pub weight: f64,
}

/// A definition site: the file (node number) and the symbol's position in
/// that file's [`crate::index::FileEntry::symbols`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DefSite {
    /// The defining file (node number).
    pub file: u32,
    /// Position in the file's symbols.
    pub symbol: u32,
}

/// What ranking needs per edge, beyond [`Edge`].
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct EdgeExtra {
    /// Merged pair (in [`Graph::pairs`]) carrying the forward weight.
    pub forward: u32,
    /// Merged pair carrying the backward weight.
    pub backward: u32,
    /// The defining file's slot for the name (see `Graph::slot_of`).
    pub slot: u32,
    /// Range in `Graph::use_sites`: the definitions of `from` enclosing each use.
    pub uses: (u32, u32),
}

/// The reference graph of one index.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    files: Vec<String>,
    family: Vec<u8>,
    node: HashMap<String, u32, FxBuild>,
    names: Vec<String>,
    name_id: HashMap<String, u32, FxBuild>,
    defs: Vec<Vec<DefSite>>,
    edges: Vec<Edge>,
    pub(crate) extra: Vec<EdgeExtra>,
    /// (from, to, weight), both directions merged (see `merge_pairs`).
    pub(crate) pairs: Vec<(u32, u32, f64)>,
    /// First global symbol number of each file; one more entry at the end.
    pub(crate) sym_offset: Vec<u32>,
    /// Slot (file × distinct name) of each global symbol.
    pub(crate) sym_slot: Vec<u32>,
    /// Symbols sharing each slot.
    pub(crate) slot_count: Vec<u32>,
    /// Global symbol numbers (or [`NO_SYMBOL`]) enclosing uses; see [`EdgeExtra::uses`].
    pub(crate) use_sites: Vec<u32>,
}

impl Graph {
    /// Builds the graph of every source file in `index`.
    pub fn build(index: &Index) -> Graph {
        let mut g = Graph::default();
        let mut entries = Vec::new();
        for (path, entry) in index.files() {
            if let Some(lang) = entry.lang {
                g.node.insert(path.to_string(), g.files.len() as u32);
                g.files.push(path.to_string());
                g.family.push(family(lang));
                entries.push(entry);
            }
        }
        // Definitions: names interned in file and source order; one slot per
        // file and distinct name.
        let mut definers: Vec<Vec<(u32, u32)>> = Vec::new(); // name → (file, slot)
        for (file, entry) in entries.iter().enumerate() {
            g.sym_offset.push(g.sym_slot.len() as u32);
            let mut local: HashMap<u32, u32, FxBuild> = HashMap::default();
            for (i, s) in entry.symbols.iter().enumerate() {
                let id = g.intern(&s.name, &mut definers);
                g.defs[id as usize].push(DefSite {
                    file: file as u32,
                    symbol: i as u32,
                });
                let slot = *local.entry(id).or_insert_with(|| {
                    g.slot_count.push(0);
                    definers[id as usize].push((file as u32, g.slot_count.len() as u32 - 1));
                    g.slot_count.len() as u32 - 1
                });
                g.slot_count[slot as usize] += 1;
                g.sym_slot.push(slot);
            }
        }
        g.sym_offset.push(g.sym_slot.len() as u32);
        let weights: Vec<f64> = g.names.iter().map(|n| name_weight(n)).collect();
        // References: per file, the enclosing definition of each use, grouped by name.
        let mut used: Vec<(u32, u32)> = Vec::new(); // (name, global symbol)
        for (from, entry) in entries.iter().enumerate() {
            let base = g.sym_offset[from];
            let lines: Vec<u32> = entry.references.iter().map(|r| r.line).collect();
            let around = enclosing_sorted(&entry.symbols, &lines);
            used.clear();
            used.extend(entry.references.iter().zip(&around).filter_map(|(r, at)| {
                let id = *g.name_id.get(r.name.as_str())?;
                Some((id, at.map_or(NO_SYMBOL, |i| base + i as u32)))
            }));
            used.sort_unstable();
            let fam = g.family[from];
            for group in used.chunk_by(|a, b| a.0 == b.0) {
                let name = group[0].0;
                let to_files = &definers[name as usize];
                let k = to_files
                    .iter()
                    .filter(|(t, _)| g.family[*t as usize] == fam)
                    .count();
                let refs = group.len() as u32;
                let weight = (refs as f64).sqrt() * weights[name as usize] / (k as f64).sqrt();
                let start = g.use_sites.len() as u32;
                let mut any = false;
                for &(to, slot) in to_files {
                    if to as usize == from || g.family[to as usize] != fam {
                        continue;
                    }
                    any = true;
                    g.edges.push(Edge {
                        from: from as u32,
                        to,
                        name,
                        refs,
                        weight,
                    });
                    g.extra.push(EdgeExtra {
                        slot,
                        uses: (start, refs),
                        ..EdgeExtra::default()
                    });
                }
                if any {
                    g.use_sites.extend(group.iter().map(|(_, s)| *s));
                }
            }
        }
        g.merge_pairs();
        g
    }

    fn intern(&mut self, name: &str, definers: &mut Vec<Vec<(u32, u32)>>) -> u32 {
        if let Some(id) = self.name_id.get(name) {
            return *id;
        }
        let id = self.names.len() as u32;
        self.name_id.insert(name.to_string(), id);
        self.names.push(name.to_string());
        self.defs.push(Vec::new());
        definers.push(Vec::new());
        id
    }

    /// Both directions of every edge, merged per (from, to) pair: forward
    /// pairs grouped by referencing file, then backward pairs grouped by
    /// defining file, each in order of first appearance (deterministic).
    fn merge_pairs(&mut self) {
        let n = self.files.len();
        let mut at: Vec<u32> = vec![u32::MAX; n];
        let mut touched: Vec<usize> = Vec::new();
        // Forward: edges are already grouped by `from`.
        for group in chunk_ranges(&self.edges, |e| e.from) {
            for i in group {
                let e = self.edges[i];
                let slot = &mut at[e.to as usize];
                if *slot == u32::MAX {
                    *slot = self.pairs.len() as u32;
                    self.pairs.push((e.from, e.to, 0.0));
                    touched.push(e.to as usize);
                }
                self.pairs[*slot as usize].2 += e.weight;
                self.extra[i].forward = *slot;
            }
            touched.drain(..).for_each(|t| at[t] = u32::MAX);
        }
        // Backward: the same edges grouped by `to` (a stable counting sort).
        let mut start = vec![0usize; n + 1];
        for e in &self.edges {
            start[e.to as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut by_to = vec![0usize; self.edges.len()];
        let mut fill = start.clone();
        for (i, e) in self.edges.iter().enumerate() {
            by_to[fill[e.to as usize]] = i;
            fill[e.to as usize] += 1;
        }
        for to in 0..n {
            for &i in &by_to[start[to]..start[to + 1]] {
                let e = self.edges[i];
                let slot = &mut at[e.from as usize];
                if *slot == u32::MAX {
                    *slot = self.pairs.len() as u32;
                    self.pairs.push((e.to, e.from, 0.0));
                    touched.push(e.from as usize);
                }
                self.pairs[*slot as usize].2 += e.weight * BACKWARD;
                self.extra[i].backward = *slot;
            }
            touched.drain(..).for_each(|t| at[t] = u32::MAX);
        }
    }

    /// The source files (nodes), in path order.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// The node number of `path`, if it is a source file in the graph.
    pub fn node(&self, path: &str) -> Option<u32> {
        self.node.get(path).copied()
    }

    /// The name with this number.
    pub fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", String::as_str)
    }

    /// The number of a defined name.
    pub fn name_id(&self, name: &str) -> Option<u32> {
        self.name_id.get(name).copied()
    }

    /// Every definition of `name`, in file and source order.
    pub fn definitions_of(&self, name: &str) -> &[DefSite] {
        self.name_id(name)
            .and_then(|id| self.defs.get(id as usize))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether files `a` and `b` are of one language family (can use each
    /// other's names).
    pub fn same_family(&self, a: u32, b: u32) -> bool {
        self.family.get(a as usize) == self.family.get(b as usize)
    }

    /// How many files of `file`'s language family define `name`.
    pub fn defining_files(&self, name: &str, file: u32) -> usize {
        let mut files: Vec<u32> = self
            .definitions_of(name)
            .iter()
            .map(|d| d.file)
            .filter(|&f| self.same_family(f, file))
            .collect();
        files.dedup();
        files.len()
    }

    /// All edges, ordered by referencing file, then name, then defining file.
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }
}

/// Index ranges of runs of equal keys in `items`.
fn chunk_ranges<T>(items: &[T], key: impl Fn(&T) -> u32) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=items.len() {
        if i == items.len() || key(&items[i]) != key(&items[start]) {
            out.push(start..i);
            start = i;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_names_are_sorted_and_damped() {
        let mut sorted = COMMON_NAMES.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, COMMON_NAMES);
        assert_eq!(name_weight("new"), 0.1);
        assert_eq!(name_weight("main"), 0.1);
        assert_eq!(name_weight("_private"), 0.1);
        assert_eq!(name_weight("price_with_tax"), 1.0);
    }
}
