//! Merging an append-only log (session logs, decisions, patterns) edited on
//! two devices: everything either device wrote is kept.
//!
//! Owns: [`union`]. When both devices only appended (the usual case), the
//! result is the common text, this device's new text, then the other device's
//! new text — each as a whole block. When someone also edited older text, the
//! files are split into entries (markdown headings, else lines) and the other
//! device's new entries are inserted after the entry they followed there.
//!
//! Why not libgit2's union merge (xdiff's, as `git merge-file --union`): it
//! works line by line, so a line both new entries share (`- tests pass`, a
//! blank line) is kept once and one device's entry comes out without it. Here
//! entries stay whole.
//!
//! Must never: drop a line that only one side has, or reorder this device's
//! text.

use std::collections::HashSet;

/// The union of `ours` and `theirs`, two versions of an append-only file that
/// both started from `ancestor` (empty when both created the file).
pub(crate) fn union(ancestor: &str, ours: &str, theirs: &str) -> String {
    let (base, mine, other) = (terminated(ancestor), terminated(ours), terminated(theirs));
    if mine == other || other == base {
        return ours.to_owned();
    }
    if mine == base {
        return theirs.to_owned();
    }
    appended(&base, &mine, &other).unwrap_or_else(|| entry_union(&base, &mine, &other))
}

/// `text` ending with a newline (unless empty), so lines compare equal.
fn terminated(text: &str) -> String {
    let mut text = text.to_owned();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// The merge when both sides only appended to `ancestor`; `None` otherwise.
fn appended(ancestor: &str, ours: &str, theirs: &str) -> Option<String> {
    if !ours.starts_with(ancestor) || !theirs.starts_with(ancestor) {
        return None;
    }
    let common = common_line_prefix(ours, theirs);
    let (ours_tail, theirs_tail) = (&ours[common..], &theirs[common..]);
    if theirs_tail.is_empty() || contains_lines(ours_tail, theirs_tail) {
        return Some(ours.to_owned());
    }
    if ours_tail.is_empty() || contains_lines(theirs_tail, ours_tail) {
        return Some(theirs.to_owned());
    }
    let mut merged = ours.to_owned();
    // The other device's text followed a blank line; keep it that way.
    let after_blank = ours[..common].ends_with("\n\n") || &ours[..common] == "\n";
    if after_blank && !ends_with_blank_line(ours_tail) && !theirs_tail.starts_with('\n') {
        merged.push('\n');
    }
    merged.push_str(theirs_tail);
    Some(merged)
}

/// The length in bytes of the longest run of whole lines both texts start with.
fn common_line_prefix(a: &str, b: &str) -> usize {
    a.split_inclusive('\n')
        .zip(b.split_inclusive('\n'))
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len())
        .sum()
}

/// Whether `haystack` holds `lines` (whole, newline-terminated lines) as a block.
fn contains_lines(haystack: &str, lines: &str) -> bool {
    haystack.starts_with(lines) || haystack.contains(&format!("\n{lines}"))
}

fn ends_with_blank_line(text: &str) -> bool {
    text.ends_with("\n\n") || text == "\n"
}

/// The merge by entries, for files where someone edited older text.
fn entry_union(ancestor: &str, ours: &str, theirs: &str) -> String {
    let by_heading = has_heading(ours) || has_heading(theirs);
    let ancestor_keys: HashSet<&str> = entries(ancestor, by_heading).into_iter().map(key).collect();
    let theirs_blocks = entries(theirs, by_heading);
    let theirs_keys: HashSet<&str> = theirs_blocks.iter().map(|b| key(b)).collect();
    let blank_style = by_heading
        && [ours, theirs].iter().any(|text| {
            let blocks = heading_blocks(text);
            blocks.len() > 1
                && blocks[..blocks.len() - 1]
                    .iter()
                    .all(|b| b.ends_with("\n\n"))
        });

    // (block, inserted from their side)
    let mut result: Vec<(String, bool)> = entries(ours, by_heading)
        .into_iter()
        .map(|b| (b.to_owned(), false))
        .collect();
    let mut anchor: Option<usize> = None;
    for block in theirs_blocks {
        let wanted = key(block);
        let from = anchor.map_or(0, |at| at + 1);
        let position = |start: usize| {
            result
                .iter()
                .skip(start)
                .position(|(b, _)| key(b) == wanted)
                .map(|p| p + start)
        };
        if let Some(found) = position(from).or_else(|| position(0)) {
            anchor = Some(found);
            continue;
        }
        if ancestor_keys.contains(wanted) {
            // This device changed or removed it; its version is in `result`.
            continue;
        }
        // Ours first: step over this device's own new entries at that place.
        let mut at = from;
        while at < result.len() {
            let existing = key(&result[at].0);
            if ancestor_keys.contains(existing) || theirs_keys.contains(existing) {
                break;
            }
            at += 1;
        }
        result.insert(at, (block.to_owned(), true));
        anchor = Some(at);
    }

    let mut merged = String::new();
    for (i, (block, inserted)) in result.iter().enumerate() {
        merged.push_str(block);
        let next_inserted = result.get(i + 1).map(|(_, inserted)| *inserted);
        if blank_style
            && next_inserted.is_some()
            && (*inserted || next_inserted == Some(true))
            && !block.ends_with("\n\n")
        {
            merged.push('\n');
        }
    }
    merged
}

/// `text` as entries: heading blocks, or lines.
fn entries(text: &str, by_heading: bool) -> Vec<&str> {
    if by_heading {
        heading_blocks(text)
    } else {
        text.split_inclusive('\n').collect()
    }
}

/// What two entries are compared by: their text without trailing blanks.
fn key(block: &str) -> &str {
    block.trim_end()
}

/// Whether `line` is a markdown ATX heading (`# Title`, `## 2024-06-01`).
fn is_heading(line: &str) -> bool {
    let hashes = line.bytes().take_while(|b| *b == b'#').count();
    (1..=6).contains(&hashes)
        && matches!(
            line.as_bytes().get(hashes),
            None | Some(b' ' | b'\t' | b'\n' | b'\r')
        )
}

/// Whether a line starts or ends a fenced code block.
fn is_fence(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with("```") || line.starts_with("~~~")
}

/// The lines of `text` that are headings (outside fenced code), as a filter.
fn heading_lines(text: &str) -> impl Iterator<Item = (usize, bool)> + '_ {
    let mut in_fence = false;
    let mut offset = 0;
    text.split_inclusive('\n').map(move |line| {
        let start = offset;
        offset += line.len();
        if is_fence(line) {
            in_fence = !in_fence;
            return (start, false);
        }
        (start, !in_fence && is_heading(line))
    })
}

fn has_heading(text: &str) -> bool {
    heading_lines(text).any(|(_, heading)| heading)
}

/// `text` cut before every heading: the preamble (if any), then one block per
/// heading with everything up to the next heading.
fn heading_blocks(text: &str) -> Vec<&str> {
    let mut cuts: Vec<usize> = heading_lines(text)
        .filter(|(start, heading)| *heading && *start > 0)
        .map(|(start, _)| start)
        .collect();
    cuts.insert(0, 0);
    cuts.push(text.len());
    cuts.windows(2)
        .map(|w| &text[w[0]..w[1]])
        .filter(|block| !block.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_of_both_devices_are_kept_whole_ours_first() {
        let base = "# Decisions\n\n## 2024-06-01 SQLite\n\nBecause.\n";
        let ours = format!("{base}\n## 2024-06-02 Axum\n\nStatus: accepted\n");
        let theirs = format!("{base}\n## 2024-06-02 Tokio\n\nStatus: accepted\n");
        assert_eq!(
            union(base, &ours, &theirs),
            format!(
                "{base}\n## 2024-06-02 Axum\n\nStatus: accepted\n\n## 2024-06-02 Tokio\n\nStatus: accepted\n"
            )
        );
    }

    #[test]
    fn lines_shared_by_two_new_entries_stay_in_both() {
        // `git merge-file --union` keeps `- tests pass` once, under b1 only.
        let ours = "# S\n\n## a1\n\n- renamed x\n\n- tests pass\n";
        let theirs = "# S\n\n## b1\n\n- added y\n\n- tests pass\n";
        assert_eq!(
            union("# S\n", ours, theirs),
            "# S\n\n## a1\n\n- renamed x\n\n- tests pass\n\n## b1\n\n- added y\n\n- tests pass\n"
        );
    }

    #[test]
    fn a_blank_line_separates_appended_blocks_like_the_file_does() {
        let base = "# Decisions\n\n";
        let ours = "# Decisions\n\n## A\n\nx\n";
        let theirs = "# Decisions\n\n## B\n\ny\n";
        assert_eq!(
            union(base, ours, theirs),
            "# Decisions\n\n## A\n\nx\n\n## B\n\ny\n"
        );
    }

    #[test]
    fn identical_or_one_sided_changes_are_taken_as_they_are() {
        assert_eq!(union("a\n", "a\nb\n", "a\nb\n"), "a\nb\n");
        assert_eq!(union("a\n", "a\nb\n", "a\n"), "a\nb\n");
        assert_eq!(union("a\n", "a\n", "a\nc\n"), "a\nc\n");
        // Theirs already contains our appended text (after an earlier merge).
        assert_eq!(union("a\n", "a\nb\n", "a\nb\nc\n"), "a\nb\nc\n");
        assert_eq!(union("a\n", "a\nb\nc\n", "a\nc\n"), "a\nb\nc\n");
    }

    #[test]
    fn a_missing_final_newline_does_not_duplicate_a_line() {
        assert_eq!(union("a", "a\nb\n", "a\nc"), "a\nb\nc\n");
    }

    #[test]
    fn files_created_on_both_devices_share_their_common_start() {
        let ours = "# Patterns\n- builder for configs\n";
        let theirs = "# Patterns\n- newtype ids\n";
        assert_eq!(
            union("", ours, theirs),
            "# Patterns\n- builder for configs\n- newtype ids\n"
        );
    }

    #[test]
    fn an_edited_entry_and_a_new_entry_are_both_kept() {
        let base = "# S\n\n## one\nfirst\n";
        let ours = "# S\n\n## one\nfirst, corrected\n";
        let theirs = "# S\n\n## one\nfirst\n\n## two\nsecond\n";
        assert_eq!(
            union(base, ours, theirs),
            "# S\n\n## one\nfirst, corrected\n\n## two\nsecond\n"
        );
    }

    #[test]
    fn entries_inserted_at_the_top_stay_at_the_top_ours_first() {
        let base = "# D\n\n## 1\nold\n";
        let ours = "# D\n\n## 2\nmine\n\n## 1\nold\n";
        let theirs = "# D\n\n## 3\ntheirs\n\n## 1\nold\n";
        assert_eq!(
            union(base, ours, theirs),
            "# D\n\n## 2\nmine\n\n## 3\ntheirs\n\n## 1\nold\n"
        );
    }

    #[test]
    fn both_edits_of_the_same_entry_are_kept() {
        let base = "# D\n\n## 1\nold\n";
        let ours = "# D\n\n## 1\nmine\n";
        let theirs = "# D\n\n## 1\ntheirs\n";
        let merged = union(base, ours, theirs);
        assert_eq!(merged, "# D\n\n## 1\nmine\n\n## 1\ntheirs\n");
    }

    #[test]
    fn plain_lists_are_merged_line_by_line() {
        let merged = union("- a\n- b\n", "- a\n- b2\n- c\n", "- a\n- b\n- d\n");
        assert_eq!(merged, "- a\n- b2\n- c\n- d\n");
    }

    #[test]
    fn hashes_inside_code_fences_are_not_headings() {
        let text = "# T\n```sh\n# not a heading\n```\n## real\n";
        assert_eq!(
            heading_blocks(text),
            vec!["# T\n```sh\n# not a heading\n```\n", "## real\n"]
        );
        assert!(!has_heading("```\n# x\n```\n"));
        assert!(!is_heading("#hashtag\n"));
        assert!(is_heading("###\n"));
    }
}
