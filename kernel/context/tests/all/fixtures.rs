//! Shared helpers of the ranked-context tests: the fixture projects and
//! short ways to write seeds and run a selection.

use std::path::{Path, PathBuf};

use ralex_context::chunk::{Chunk, Role};
use ralex_context::index::Index;
use ralex_context::select::{Seeds, Selection, SymbolSeed, select};

pub fn fixture(project: &str) -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    match project {
        "inventory" => here.join("../../tests/fixtures/inventory"),
        "shop" => here.join("tests/fixtures/shop"),
        other => panic!("unknown fixture project {other}"),
    }
}

pub fn files(paths: &[&str]) -> Seeds {
    Seeds {
        files: paths.iter().map(|p| p.to_string()).collect(),
        ..Seeds::default()
    }
}

pub fn symbol(path: &str, name: &str) -> Seeds {
    Seeds {
        symbols: vec![SymbolSeed {
            path: path.to_string(),
            name: name.to_string(),
        }],
        ..Seeds::default()
    }
}

pub fn run(project: &str, seeds: &Seeds, budget: usize) -> Selection {
    let root = fixture(project);
    let index = Index::build(&root).expect("index");
    select(&index, seeds, budget, &mut |p: &str| {
        std::fs::read_to_string(root.join(p)).ok()
    })
}

pub fn chunk<'a>(s: &'a Selection, role: Role, path: &str) -> Option<&'a Chunk> {
    s.items.iter().find(|c| c.role == role && c.path == path)
}
