//! What to tell the model when its `replace` did not apply, so it can retry with the
//! right text: for `not-found`, the region of the file most like the first non-blank
//! line of its `search` block (numbered, ±[`CONTEXT_LINES`] lines) and the first line
//! where the block and the file part; for `conflict`, how many times the block occurs
//! and on which lines.
//!
//! Pure text functions over the file's content; the hint quotes only a few lines, never
//! the whole file.

use std::fmt::Write;

/// Lines shown before and after the closest line.
pub const CONTEXT_LINES: usize = 4;

/// Below this similarity no line counts as close.
const MIN_SIMILARITY: f64 = 0.3;

/// Most match lines listed in a conflict hint.
const MAX_LISTED: usize = 10;

/// Explain why `search` was not found in `content` (the file `path`).
pub fn not_found(path: &str, content: &str, search: &str) -> String {
    let file: Vec<&str> = content.lines().collect();
    let wanted: Vec<&str> = search.lines().collect();
    let Some(first) = wanted.iter().position(|l| !l.trim().is_empty()) else {
        return "the search block is blank".to_string();
    };
    if file.is_empty() {
        return format!("{path} is empty; use write_file to give it content");
    }
    let anchor = wanted[first].trim();
    let (best, score) = file
        .iter()
        .enumerate()
        .map(|(i, line)| (i, similarity(anchor, line.trim())))
        .fold((0, -1.0), |acc, cur| if cur.1 > acc.1 { cur } else { acc });
    if score < MIN_SIMILARITY {
        return format!(
            "no line of {path} ({} lines) resembles the first line of your search block \
             (`{anchor}`); read the file again and copy the block exactly",
            file.len()
        );
    }
    let mut text = format!(
        "the search block was not found in {path}. The closest region (line {} is most like \
         your first line) is:\n",
        best + 1
    );
    let from = best.saturating_sub(CONTEXT_LINES);
    let to = (best + CONTEXT_LINES + 1).min(file.len());
    numbered(&mut text, &file, from, to);
    text.push_str(&first_difference(&file, best, &wanted[first..]));
    text.push_str("\nCopy the block exactly from the file (indentation included) and retry.");
    text
}

/// Explain that `search` occurs several times in `content`.
pub fn conflict(content: &str, search: &str) -> String {
    let starts: Vec<usize> = content.match_indices(search).map(|(at, _)| at).collect();
    if starts.len() < 2 {
        return "the search block matches more than once; add surrounding lines so it \
                matches exactly once"
            .to_string();
    }
    let lines: Vec<String> = starts
        .iter()
        .take(MAX_LISTED)
        .map(|&at| (content[..at].matches('\n').count() + 1).to_string())
        .collect();
    let more = if starts.len() > MAX_LISTED {
        format!(" (and {} more)", starts.len() - MAX_LISTED)
    } else {
        String::new()
    };
    format!(
        "the search block occurs {} times, starting at lines {}{more}; include more \
         surrounding lines so it matches exactly once",
        starts.len(),
        lines.join(", ")
    )
}

/// Lines `from..to` of `file`, numbered from 1.
fn numbered(text: &mut String, file: &[&str], from: usize, to: usize) {
    let width = to.to_string().len();
    for (i, line) in file.iter().enumerate().take(to).skip(from) {
        if line.is_empty() {
            let _ = writeln!(text, "{:>width$} |", i + 1);
        } else {
            let _ = writeln!(text, "{:>width$} | {line}", i + 1);
        }
    }
}

/// Where the search block, laid over the file from line `at`, first differs.
fn first_difference(file: &[&str], at: usize, wanted: &[&str]) -> String {
    for (offset, want) in wanted.iter().enumerate() {
        let Some(have) = file.get(at + offset) else {
            return format!(
                "Your block has {} lines from here but the file ends at line {}.",
                wanted.len(),
                file.len()
            );
        };
        if have != want {
            let how = if have.trim() == want.trim() {
                " (they differ only in indentation or spaces)"
            } else {
                ""
            };
            return format!(
                "First difference: line {} of your block is `{want}` but line {} of the file \
                 is `{have}`{how}.",
                offset + 1,
                at + offset + 1
            );
        }
    }
    "Every line matches from there; check trailing spaces and the line endings of your \
     block."
        .to_string()
}

/// Dice coefficient of the two strings' character bigrams, 1.0 for equal strings.
fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let bigrams = |s: &str| -> Vec<(char, char)> {
        let chars: Vec<char> = s.chars().collect();
        chars.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let (x, mut y) = (bigrams(a), bigrams(b));
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    let total = x.len() + y.len();
    let mut shared = 0;
    for pair in x {
        if let Some(i) = y.iter().position(|p| *p == pair) {
            y.swap_remove(i);
            shared += 1;
        }
    }
    2.0 * shared as f64 / total as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "import os\n\nDEBUG = False\n\ndef load(path):\n    with open(path) as f:\n        return f.read()\n\ndef save(path, data):\n    pass\n";

    #[test]
    fn not_found_shows_the_closest_region_and_the_difference() {
        let hint = not_found(
            "config.py",
            FILE,
            "def load(path):\n    with open(path, 'r') as f:\n",
        );
        assert!(hint.contains("line 5 is most like"), "{hint}");
        assert!(hint.contains(":\n1 | import os\n2 |\n3 | DEBUG"), "{hint}");
        assert!(hint.contains("\n9 | def save(path, data):\n"), "{hint}");
        assert!(!hint.contains("10 |"), "{hint}");
        assert!(
            hint.contains("line 2 of your block is `    with open(path, 'r') as f:` but line 6"),
            "{hint}"
        );
    }

    #[test]
    fn not_found_spots_indentation() {
        let hint = not_found("c.py", FILE, "\ndef load(path):\n  with open(path) as f:");
        assert!(hint.contains("only in indentation"), "{hint}");
    }

    #[test]
    fn not_found_without_a_close_line() {
        let hint = not_found("c.py", FILE, "zzzz qqqq");
        assert!(
            hint.contains("no line of c.py (10 lines) resembles"),
            "{hint}"
        );
    }

    #[test]
    fn conflict_lists_the_lines() {
        let hint = conflict("a\nx = 1\nb\nx = 1\n", "x = 1");
        assert!(
            hint.contains("occurs 2 times, starting at lines 2, 4"),
            "{hint}"
        );
    }

    #[test]
    fn similarity_ranks_close_lines_higher() {
        assert!(
            similarity("def load(path):", "def load(p):") > similarity("def load(path):", "pass")
        );
        assert_eq!(similarity("same", "same"), 1.0);
    }
}
