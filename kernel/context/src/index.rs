//! The project index: every file under the root that `.gitignore` (and
//! `.ignore`) lets through, with the definitions and references of each
//! supported source file, kept current incrementally.
//!
//! A file is re-read only when its size or mtime changed, and re-extracted only
//! when its SHA-256 changed too; removed files leave the index. Paths are
//! relative to the root with `/` separators. The index never writes to the
//! project.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::UNIX_EPOCH;

use sha2::{Digest, Sha256};
use tree_sitter::Parser;

use crate::extract::{Reference, Symbol, extract_with};
use crate::graph::Graph;
use crate::lang::Lang;

/// Files larger than this are listed but not parsed (generated or vendored code).
pub const MAX_PARSE_BYTES: u64 = 2 * 1024 * 1024;

/// Why indexing failed.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The root cannot be walked.
    #[error("cannot walk project root {root}: {source}")]
    Walk {
        /// The project root.
        root: PathBuf,
        /// The walker's error.
        source: ignore::Error,
    },
    /// A file cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file, relative to the root.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A path outside the root was given.
    #[error("{path} is not inside the project root {root}")]
    OutsideRoot {
        /// The path given.
        path: PathBuf,
        /// The project root.
        root: PathBuf,
    },
}

/// What the index keeps per file.
#[derive(Clone, Debug, PartialEq)]
pub struct FileEntry {
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the contents, hex.
    pub sha256: String,
    /// The language, when it is a supported source file.
    pub lang: Option<Lang>,
    /// Definitions.
    pub symbols: Vec<Symbol>,
    /// References.
    pub references: Vec<Reference>,
}

/// What an update changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateStats {
    /// Files new to the index.
    pub added: Vec<String>,
    /// Files whose contents changed (re-extracted).
    pub changed: Vec<String>,
    /// Files gone from the project.
    pub removed: Vec<String>,
    /// Files whose size or mtime changed but not their contents.
    pub touched: Vec<String>,
    /// Files left as they were.
    pub unchanged: usize,
}

impl UpdateStats {
    /// Whether anything needs saving.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.changed.is_empty()
            && self.removed.is_empty()
            && self.touched.is_empty()
    }
}

/// A symbol and the file that defines it.
#[derive(Clone, Copy, Debug)]
pub struct Definition<'a> {
    /// File, relative to the root.
    pub path: &'a str,
    /// The definition.
    pub symbol: &'a Symbol,
}

/// The index of one project.
#[derive(Clone, Debug)]
pub struct Index {
    root: PathBuf,
    files: BTreeMap<String, FileEntry>,
    /// The reference graph, built on first use and dropped on any change.
    graph: OnceLock<Arc<Graph>>,
}

impl Index {
    /// An empty index of `root` (call [`Index::update`] to fill it).
    pub fn new(root: impl Into<PathBuf>) -> Index {
        Index {
            root: root.into(),
            files: BTreeMap::new(),
            graph: OnceLock::new(),
        }
    }

    /// Index everything under `root`.
    pub fn build(root: impl Into<PathBuf>) -> Result<Index, IndexError> {
        let mut index = Index::new(root);
        index.update()?;
        Ok(index)
    }

    /// An index made of entries loaded from storage (see `store`).
    pub fn from_entries(root: impl Into<PathBuf>, files: BTreeMap<String, FileEntry>) -> Index {
        Index {
            root: root.into(),
            files,
            graph: OnceLock::new(),
        }
    }

    /// The project root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The reference graph of the index (see `graph`), built on first use
    /// and kept until the index changes.
    pub fn graph(&self) -> Arc<Graph> {
        self.graph
            .get_or_init(|| Arc::new(Graph::build(self)))
            .clone()
    }

    /// Forgets the cached graph when `stats` changed definitions or references.
    fn invalidate(&mut self, stats: &UpdateStats) {
        if !(stats.added.is_empty() && stats.changed.is_empty() && stats.removed.is_empty()) {
            self.graph = OnceLock::new();
        }
    }

    /// All files, in path order.
    pub fn files(&self) -> impl Iterator<Item = (&str, &FileEntry)> {
        self.files.iter().map(|(p, e)| (p.as_str(), e))
    }

    /// One file's entry.
    pub fn file(&self, path: &str) -> Option<&FileEntry> {
        self.files.get(path)
    }

    /// Every definition, file by file.
    pub fn definitions(&self) -> impl Iterator<Item = Definition<'_>> {
        self.files.iter().flat_map(|(path, e)| {
            e.symbols.iter().map(move |symbol| Definition {
                path: path.as_str(),
                symbol,
            })
        })
    }

    /// Definitions of exactly `name`.
    pub fn definitions_of<'a>(&'a self, name: &'a str) -> impl Iterator<Item = Definition<'a>> {
        self.definitions().filter(move |d| d.symbol.name == name)
    }

    /// Where `name` is used: (file, line), in path and line order.
    pub fn references_to<'a>(&'a self, name: &'a str) -> impl Iterator<Item = (&'a str, u32)> {
        self.files.iter().flat_map(move |(path, e)| {
            e.references
                .iter()
                .filter(move |r| r.name == name)
                .map(move |r| (path.as_str(), r.line))
        })
    }

    /// Bring the index up to date with the files on disk.
    pub fn update(&mut self) -> Result<UpdateStats, IndexError> {
        let on_disk = self.walk()?;
        let mut stats = UpdateStats::default();
        let mut work: Vec<(String, Meta)> = Vec::new();
        for (path, meta) in &on_disk {
            match self.files.get(path) {
                Some(e) if e.mtime_ns == meta.mtime_ns && e.size == meta.size => {
                    stats.unchanged += 1;
                }
                _ => work.push((path.clone(), *meta)),
            }
        }
        let removed: Vec<String> = self
            .files
            .keys()
            .filter(|p| !on_disk.contains_key(*p))
            .cloned()
            .collect();
        for path in removed {
            self.files.remove(&path);
            stats.removed.push(path);
        }
        let read = read_all(&self.root, work, &self.files)?;
        for (path, outcome) in read {
            self.apply(path, outcome, &mut stats);
        }
        self.invalidate(&stats);
        Ok(stats)
    }

    /// Bring one file up to date (after an edit, or a watcher event); `path`
    /// is relative to the root or absolute inside it.
    pub fn update_file(&mut self, path: impl AsRef<Path>) -> Result<UpdateStats, IndexError> {
        let path = path.as_ref();
        let rel = if path.is_absolute() {
            path.strip_prefix(&self.root)
                .map_err(|_| IndexError::OutsideRoot {
                    path: path.to_path_buf(),
                    root: self.root.clone(),
                })?
                .to_path_buf()
        } else {
            path.to_path_buf()
        };
        let key = rel_key(&rel);
        let mut stats = UpdateStats::default();
        let full = self.root.join(&rel);
        let meta = match std::fs::metadata(&full) {
            Ok(m) if m.is_file() => Meta::of(&m),
            _ => {
                if self.files.remove(&key).is_some() {
                    stats.removed.push(key);
                }
                self.invalidate(&stats);
                return Ok(stats);
            }
        };
        if let Some(e) = self.files.get(&key)
            && e.mtime_ns == meta.mtime_ns
            && e.size == meta.size
        {
            stats.unchanged = 1;
            return Ok(stats);
        }
        let mut parser = Parser::new();
        let outcome = read_one(&mut parser, &self.root, &key, meta, self.files.get(&key))?;
        self.apply(key, outcome, &mut stats);
        self.invalidate(&stats);
        Ok(stats)
    }

    /// Records what reading `path` found, and counts it in `stats`.
    fn apply(&mut self, path: String, outcome: Outcome, stats: &mut UpdateStats) {
        match outcome {
            Outcome::Touched(mtime_ns, size) => {
                if let Some(e) = self.files.get_mut(&path) {
                    e.mtime_ns = mtime_ns;
                    e.size = size;
                }
                stats.touched.push(path);
            }
            Outcome::Extracted(entry) => {
                if self.files.insert(path.clone(), entry).is_some() {
                    stats.changed.push(path);
                } else {
                    stats.added.push(path);
                }
            }
        }
    }

    /// Files under the root that the ignore rules let through, with their metadata.
    fn walk(&self) -> Result<BTreeMap<String, Meta>, IndexError> {
        let mut out = BTreeMap::new();
        let walker = ignore::WalkBuilder::new(&self.root)
            .hidden(true)
            .require_git(false)
            .build();
        for entry in walker {
            let entry = entry.map_err(|source| IndexError::Walk {
                root: self.root.clone(),
                source,
            })?;
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(&self.root) else {
                continue;
            };
            let Ok(meta) = entry.metadata() else {
                continue;
            };
            out.insert(rel_key(rel), Meta::of(&meta));
        }
        Ok(out)
    }
}

#[derive(Clone, Copy, Debug)]
struct Meta {
    mtime_ns: i64,
    size: u64,
}

impl Meta {
    fn of(m: &std::fs::Metadata) -> Meta {
        let mtime_ns = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_nanos() as i64)
            .unwrap_or(0);
        Meta {
            mtime_ns,
            size: m.len(),
        }
    }
}

enum Outcome {
    /// Same contents, new metadata.
    Touched(i64, u64),
    /// New or changed contents.
    Extracted(FileEntry),
}

fn rel_key(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Read and extract files on all cores.
fn read_all(
    root: &Path,
    work: Vec<(String, Meta)>,
    known: &BTreeMap<String, FileEntry>,
) -> Result<Vec<(String, Outcome)>, IndexError> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(work.len().max(1));
    if threads <= 1 {
        let mut parser = Parser::new();
        return work
            .into_iter()
            .map(|(path, meta)| {
                let out = read_one(&mut parser, root, &path, meta, known.get(&path))?;
                Ok((path, out))
            })
            .collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<Result<Vec<(String, Outcome)>, IndexError>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut parser = Parser::new();
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((path, meta)) = work.get(i) else {
                            break;
                        };
                        let out = read_one(&mut parser, root, path, *meta, known.get(path))?;
                        done.push((path.clone(), out));
                    }
                    Ok(done)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("index worker does not panic"))
            .collect()
    });
    let mut all = Vec::with_capacity(work.len());
    for r in results {
        all.extend(r?);
    }
    Ok(all)
}

fn read_one(
    parser: &mut Parser,
    root: &Path,
    path: &str,
    meta: Meta,
    known: Option<&FileEntry>,
) -> Result<Outcome, IndexError> {
    let bytes = std::fs::read(root.join(path)).map_err(|source| IndexError::Read {
        path: path.to_string(),
        source,
    })?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    if let Some(k) = known
        && k.sha256 == sha256
    {
        return Ok(Outcome::Touched(meta.mtime_ns, meta.size));
    }
    let lang = Lang::from_path(Path::new(path));
    let (symbols, references) = match lang {
        Some(lang) if (bytes.len() as u64) <= MAX_PARSE_BYTES => {
            let text = String::from_utf8_lossy(&bytes);
            let e = extract_with(parser, lang, &text);
            (e.symbols, e.references)
        }
        _ => (Vec::new(), Vec::new()),
    };
    Ok(Outcome::Extracted(FileEntry {
        mtime_ns: meta.mtime_ns,
        size: meta.size,
        sha256,
        lang,
        symbols,
        references,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().expect("has parent")).expect("mkdir");
        fs::write(p, text).expect("write");
    }

    #[test]
    fn builds_updates_and_respects_gitignore() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(root, ".gitignore", "dist/\n");
        write(root, "src/cart.ts", "export function addToCart() {}\n");
        write(
            root,
            "src/util.py",
            "def helper():\n    return addToCart()\n",
        );
        write(root, "dist/bundle.js", "function addToCart() {}\n");
        write(root, "README.md", "# shop\n");

        let mut index = Index::build(root).expect("build");
        // Hidden files (.gitignore itself) and ignored ones (dist/) are left out.
        let paths: Vec<&str> = index.files().map(|(p, _)| p).collect();
        assert_eq!(paths, ["README.md", "src/cart.ts", "src/util.py"]);
        let defs: Vec<_> = index.definitions_of("addToCart").map(|d| d.path).collect();
        assert_eq!(defs, ["src/cart.ts"]);
        let refs: Vec<_> = index.references_to("addToCart").collect();
        assert_eq!(refs, [("src/util.py", 2)]);

        // Nothing changed: nothing re-read.
        let stats = index.update().expect("update");
        assert!(stats.is_empty(), "{stats:?}");
        assert_eq!(stats.unchanged, 3);

        // Change one, add one, remove one.
        write(
            root,
            "src/cart.ts",
            "\n\nexport function removeFromCart() {}\n",
        );
        write(
            root,
            "src/checkout.go",
            "package shop\nfunc Checkout() {}\n",
        );
        fs::remove_file(root.join("src/util.py")).expect("rm");
        let stats = index.update().expect("update");
        assert_eq!(stats.changed, ["src/cart.ts"]);
        assert_eq!(stats.added, ["src/checkout.go"]);
        assert_eq!(stats.removed, ["src/util.py"]);
        assert_eq!(index.definitions_of("addToCart").count(), 0);
        let d = index
            .definitions_of("removeFromCart")
            .next()
            .expect("new def");
        assert_eq!(d.symbol.line, 3);
        assert_eq!(index.references_to("addToCart").count(), 0);
    }

    #[test]
    fn update_file_handles_edit_touch_and_delete() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(root, "a.py", "def one():\n    pass\n");
        let mut index = Index::build(root).expect("build");

        write(root, "a.py", "def two():\n    pass\n");
        let stats = index.update_file("a.py").expect("update");
        assert_eq!(stats.changed, ["a.py"]);
        assert_eq!(index.definitions_of("two").count(), 1);

        // Same contents, new mtime: only metadata changes.
        let f = fs::File::options()
            .write(true)
            .open(root.join("a.py"))
            .expect("open");
        f.set_modified(UNIX_EPOCH + std::time::Duration::from_secs(1_000_000))
            .expect("set mtime");
        let stats = index.update_file(root.join("a.py")).expect("update");
        assert_eq!(stats.touched, ["a.py"]);

        fs::remove_file(root.join("a.py")).expect("rm");
        let stats = index.update_file("a.py").expect("update");
        assert_eq!(stats.removed, ["a.py"]);
        assert_eq!(index.files().count(), 0);

        assert!(matches!(
            index.update_file("/elsewhere/x.py"),
            Err(IndexError::OutsideRoot { .. })
        ));
    }
}
