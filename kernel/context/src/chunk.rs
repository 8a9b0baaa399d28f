//! What one piece of selected context looks like ([`Chunk`], [`Role`]), how
//! its size is estimated ([`tokens`]), and how line spans of a file become a
//! chunk's text within a token limit, cut at a line boundary with a marker
//! when allowed.
//!
//! A chunk's text is exactly what goes into the prompt: a header line naming
//! the file (and lines), then the lines, ending with a line break, so the
//! concatenation of chunks never costs more than the sum of their tokens.

use serde::Serialize;

use crate::sources::Text;

/// The token estimate used for every budget: characters / 4, rounded up.
pub fn tokens(text: &str) -> usize {
    text.chars().count().div_ceil(4)
}

/// Why a chunk is in the selection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A targeted file or symbol.
    Target,
    /// A definition that a targeted symbol uses.
    Callee,
    /// A place that uses a targeted symbol.
    Caller,
    /// Signature lines of a highly ranked file.
    RepoMap,
}

impl Role {
    /// Lowercase name, for explanations.
    pub fn name(self) -> &'static str {
        match self {
            Role::Target => "target",
            Role::Callee => "callee",
            Role::Caller => "caller",
            Role::RepoMap => "repo map",
        }
    }
}

/// One piece of selected context.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Chunk {
    /// File, relative to the root.
    pub path: String,
    /// First and last line shown (1-based); `None` for a whole file or a
    /// repository-map entry.
    pub lines: Option<(u32, u32)>,
    /// Why it is here.
    pub role: Role,
    /// The rank it was chosen by (the file's PageRank, scaled for relations).
    pub score: f64,
    /// The text, header line included.
    pub text: String,
    /// `tokens(&text)`.
    pub tokens: usize,
    /// One line on why it was chosen.
    pub why: String,
}

/// A chunk's text and the lines it ended up showing.
#[derive(Debug)]
pub(crate) struct Rendered {
    pub text: String,
    pub lines: (u32, u32),
    pub cut: bool,
}

/// The whole file as one chunk's text, if it fits in `room` tokens.
pub(crate) fn whole_file(path: &str, text: &Text, room: usize) -> Option<String> {
    let mut out = String::with_capacity(path.len() + 1 + text.all().len() + 1);
    out.push_str(path);
    out.push('\n');
    out.push_str(text.all());
    if !out.ends_with('\n') {
        out.push('\n');
    }
    (tokens(&out) <= room).then_some(out)
}

/// Line ranges of `path` (sorted, 1-based, inclusive) as a chunk's text,
/// with `⋮` between ranges that do not touch. When the whole does not fit
/// in `room` tokens and `cut` is allowed and there is one range, the range
/// is cut after the last line that fits, with a marker saying what was left
/// out; otherwise `None`.
pub(crate) fn render(
    path: &str,
    text: &Text,
    parts: &[(u32, u32)],
    room: usize,
    cut: bool,
) -> Option<Rendered> {
    let count = text.line_count();
    let parts: Vec<(u32, u32)> = parts
        .iter()
        .map(|&(a, b)| (a.max(1), b.min(count)))
        .filter(|(a, b)| a <= b)
        .collect();
    let (first, last) = (parts.first()?.0, parts.last()?.1);
    let full = join(path, text, &parts, first, last, None);
    if tokens(&full) <= room {
        return Some(Rendered {
            text: full,
            lines: (first, last),
            cut: false,
        });
    }
    if !cut || parts.len() != 1 {
        return None;
    }
    // The largest last line that fits (text grows with each line; checked exactly).
    let (mut lo, mut hi) = (first, last - 1);
    let mut best = None;
    while lo <= hi {
        let mid = lo + (hi - lo) / 2;
        let t = join(path, text, &[(first, mid)], first, mid, Some(last));
        if tokens(&t) <= room {
            best = Some((t, mid));
            lo = mid + 1;
        } else if mid == first {
            break;
        } else {
            hi = mid - 1;
        }
    }
    best.map(|(text, end)| Rendered {
        text,
        lines: (first, end),
        cut: true,
    })
}

fn join(
    path: &str,
    text: &Text,
    parts: &[(u32, u32)],
    first: u32,
    last: u32,
    cut_to: Option<u32>,
) -> String {
    let mut out = format!("{path}:{first}-{last}\n");
    let mut prev: Option<u32> = None;
    for &(a, b) in parts {
        if prev.is_some_and(|p| a > p + 1) {
            out.push_str("⋮\n");
        }
        out.push_str(text.lines(a, b));
        if !out.ends_with('\n') {
            out.push('\n');
        }
        prev = Some(b);
    }
    if let Some(to) = cut_to {
        out.push_str(&format!("… lines {}-{to} cut for budget\n", last + 1));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(n: u32) -> Text {
        Text::new((1..=n).map(|i| format!("line number {i}\n")).collect())
    }

    #[test]
    fn token_estimate_rounds_up() {
        assert_eq!(tokens(""), 0);
        assert_eq!(tokens("abcd"), 1);
        assert_eq!(tokens("abcde"), 2);
        assert_eq!(tokens("éééé"), 1);
    }

    #[test]
    fn renders_whole_parts_and_cuts() {
        let t = text(50);
        let r = render("a.py", &t, &[(2, 3)], 1000, false).expect("fits");
        assert_eq!(r.text, "a.py:2-3\nline number 2\nline number 3\n");
        let r = render("a.py", &t, &[(1, 1), (5, 6)], 1000, false).expect("fits");
        assert!(
            r.text.contains("line number 1\n⋮\nline number 5\n"),
            "{}",
            r.text
        );
        assert!(render("a.py", &t, &[(1, 1), (5, 6)], 5, true).is_none());
        let r = render("a.py", &t, &[(1, 50)], 40, true).expect("cut");
        assert!(r.cut && tokens(&r.text) <= 40, "{r:?}");
        assert!(
            r.text
                .ends_with(&format!("… lines {}-50 cut for budget\n", r.lines.1 + 1))
        );
        assert!(render("a.py", &t, &[(1, 50)], 3, true).is_none());
        assert!(whole_file("a.py", &t, 10).is_none());
        assert!(whole_file("a.py", &t, 1000).is_some());
    }
}
