//! Resolver accuracy on the labelled spoken targets in `tests/labelled.tsv`
//! over two fixture projects: the Python `inventory` sample (read-only, in the
//! workspace's `tests/fixtures`) and the TypeScript + Go `shop` (here).
//!
//! A row is right when the verdict is `One` with the expected path and symbol,
//! `Ambiguous` listing every expected path (for `AMBIGUOUS`), or `None` (for
//! `NONE`). Misses are printed; the test fails below the floor.

use std::path::{Path, PathBuf};

use ralex_context::index::Index;
use ralex_context::names::{Hint, parse_phrase};
use ralex_context::resolve::{Request, Resolved, resolve};

/// Floors a little under the accuracy reached when this was written (see
/// docs/CONTEXT.md); the tests fail if a change makes the resolver worse.
const FLOOR: f64 = 0.95;
/// The held-out set (not tuned on) is smaller and less forgiving.
const HELD_OUT_FLOOR: f64 = 0.9;

fn fixture(project: &str) -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    match project {
        "inventory" => here.join("../../tests/fixtures/inventory"),
        "shop" => here.join("tests/fixtures/shop"),
        other => panic!("unknown fixture project {other}"),
    }
}

fn hint(word: &str) -> Option<Hint> {
    if word.is_empty() {
        None
    } else {
        Some(Hint::from_word(word).unwrap_or_else(|| panic!("unknown hint {word}")))
    }
}

#[test]
fn labelled_spoken_targets() {
    let (right, total, misses) = evaluate("labelled.tsv");
    assert!(total >= 100, "at least 100 labelled targets, found {total}");
    let accuracy = right as f64 / total as f64;
    assert!(
        accuracy >= FLOOR,
        "accuracy {accuracy:.3} below the floor {FLOOR}; misses:\n{}",
        misses.join("\n")
    );
}

#[test]
fn held_out_spoken_targets() {
    let (right, total, misses) = evaluate("labelled_heldout.tsv");
    let accuracy = right as f64 / total as f64;
    assert!(
        accuracy >= HELD_OUT_FLOOR,
        "held-out accuracy {accuracy:.3} below the floor {HELD_OUT_FLOOR}; misses:\n{}",
        misses.join("\n")
    );
}

/// Resolve every row of a labelled file: (right, total, misses).
fn evaluate(file: &str) -> (usize, usize, Vec<String>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    let inventory = Index::build(fixture("inventory")).expect("index inventory");
    let shop = Index::build(fixture("shop")).expect("index shop");
    let (mut total, mut right) = (0usize, 0usize);
    let mut misses = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 6, "{}:{}: six columns", file, n + 1);
        let [project, phrase, hint_word, recent, want_path, want_symbol] = cols[..] else {
            unreachable!()
        };
        let index = if project == "shop" { &shop } else { &inventory };
        let recent: Vec<String> = recent
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let req = Request {
            phrase,
            hint: hint(hint_word),
            recent: &recent,
        };
        let got = resolve(index, &req);
        let ok = match (&got, want_path) {
            (Resolved::None, "NONE") => true,
            (Resolved::Ambiguous(c), "AMBIGUOUS") => want_symbol
                .split(',')
                .all(|p| c.iter().any(|c| c.path == p)),
            (Resolved::One(c), path) => {
                c.path == path && c.symbol.as_deref().unwrap_or("") == want_symbol
            }
            _ => false,
        };
        total += 1;
        if ok {
            right += 1;
        } else {
            let got = match &got {
                Resolved::One(c) => format!(
                    "One({} {} score {:.2}: {})",
                    c.path,
                    c.symbol.as_deref().unwrap_or("-"),
                    c.score,
                    c.why
                ),
                Resolved::Ambiguous(c) => format!(
                    "Ambiguous[{}]",
                    c.iter()
                        .map(|c| format!(
                            "{} {} {:.2}",
                            c.path,
                            c.symbol.as_deref().unwrap_or("-"),
                            c.score
                        ))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                Resolved::None => "None".into(),
            };
            misses.push(format!(
                "  {project}: {phrase:?} ({:?}) want {want_path} {want_symbol}, got {got}",
                parse_phrase(phrase)
            ));
        }
    }
    let accuracy = right as f64 / total as f64;
    println!(
        "{}: resolver accuracy {right}/{total} = {:.1}%",
        file,
        accuracy * 100.0
    );
    for m in &misses {
        println!("{m}");
    }
    (right, total, misses)
}
