//! The benchmark tree shared by the crate's benches: the `wasmtime-48.0.8`
//! sources from the cargo registry (about 120k lines of Rust), copied to a
//! temp dir, or the tree named by `RALEX_BENCH_TREE`.

use std::path::{Path, PathBuf};

/// The tree to copy: `RALEX_BENCH_TREE`, else wasmtime's sources.
pub fn source_tree() -> PathBuf {
    if let Ok(p) = std::env::var("RALEX_BENCH_TREE") {
        return PathBuf::from(p);
    }
    let home = std::env::var("HOME").expect("HOME is set");
    let registry = Path::new(&home).join(".cargo/registry/src");
    for entry in std::fs::read_dir(&registry).expect("cargo registry sources") {
        let candidate = entry
            .expect("registry entry")
            .path()
            .join("wasmtime-48.0.8");
        if candidate.is_dir() {
            return candidate;
        }
    }
    panic!(
        "wasmtime-48.0.8 not in {}; set RALEX_BENCH_TREE",
        registry.display()
    );
}

/// Copies `from` into `to`; returns the Rust files and lines copied.
pub fn copy_tree(from: &Path, to: &Path) -> (usize, usize) {
    let (mut files, mut lines) = (0, 0);
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type().expect("file type").is_dir() {
            let (f, l) = copy_tree(&src, &dst);
            files += f;
            lines += l;
        } else {
            std::fs::copy(&src, &dst).expect("copy");
            if src.extension().is_some_and(|e| e == "rs") {
                files += 1;
                lines += std::fs::read_to_string(&src)
                    .map(|t| t.lines().count())
                    .unwrap_or(0);
            }
        }
    }
    (files, lines)
}
