//! What must survive compression word for word, and what is left for the summary.
//!
//! Owns [`extract`]: every `- Decision:` and `- Preference:` line of the session
//! notes, and every item under a `## Decisions` heading, taken out of the notes as
//! written (deduplicated, first occurrence first); the rest of each note is what
//! the model summarises.
//!
//! Must never: change a kept line's words (only surrounding whitespace is trimmed),
//! or read a decision out of a fenced code block (a command's quoted output is not
//! a decision).

/// The labels of lines kept word for word (compared without ASCII case).
const LABELS: [&str; 2] = ["decision:", "preference:"];

/// The notes split in two.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    /// Decisions and preferences, word for word, deduplicated, in note order.
    pub kept: Vec<String>,
    /// Each note without the kept lines (and without emptied `Decisions`
    /// headings), in the order given.
    pub rest: Vec<String>,
}

/// Where a line is, for the one being read.
#[derive(Debug, Default)]
struct Cursor {
    /// Inside a ``` or ~~~ fence.
    in_fence: bool,
    /// Level of the `Decisions` heading whose section this is, if any.
    decisions_level: Option<usize>,
    /// The last kept item may still get continuation lines.
    open_item: bool,
}

/// Splits `notes` (markdown, oldest first) into what is kept word for word and
/// what is left to summarise.
pub fn extract(notes: &[String]) -> Extracted {
    let mut items: Vec<String> = Vec::new();
    let mut rest = Vec::with_capacity(notes.len());
    for note in notes {
        let mut cursor = Cursor::default();
        let mut left: Vec<&str> = Vec::new();
        for line in note.lines() {
            if let Some(kept) = take_line(&mut cursor, line, &mut items) {
                left.push(kept);
            }
        }
        rest.push(left.join("\n").trim_end().to_string());
    }
    Extracted {
        kept: dedup(items),
        rest,
    }
}

/// Reads one line: kept lines go to `items` (`None`), the others are returned.
fn take_line<'a>(cursor: &mut Cursor, line: &'a str, items: &mut Vec<String>) -> Option<&'a str> {
    let trimmed = line.trim();
    if is_fence(trimmed) {
        cursor.in_fence = !cursor.in_fence;
        cursor.open_item = false;
        return Some(line);
    }
    if cursor.in_fence {
        return Some(line);
    }
    if let Some((level, title)) = heading(trimmed) {
        cursor.open_item = false;
        if cursor.decisions_level.is_some_and(|open| level <= open) {
            cursor.decisions_level = None;
        }
        if title.eq_ignore_ascii_case("decisions") {
            cursor.decisions_level = Some(level);
            return None;
        }
        if cursor.decisions_level.is_some() {
            // A sub-heading of the decisions is one of them.
            items.push(trimmed.to_string());
            return None;
        }
        return Some(line);
    }
    if trimmed.is_empty() {
        cursor.open_item = false;
        return Some(line);
    }
    let indented = line.starts_with([' ', '\t']);
    if cursor.open_item
        && indented
        && !is_list_item(trimmed)
        && let Some(last) = items.last_mut()
    {
        last.push('\n');
        last.push_str(line.trim_end());
        return None;
    }
    if cursor.decisions_level.is_some() || is_labelled(trimmed) {
        items.push(trimmed.to_string());
        cursor.open_item = true;
        return None;
    }
    cursor.open_item = false;
    Some(line)
}

/// `- Decision: …`, `- Preference: …` (also with `*` bullets, any ASCII case).
fn is_labelled(trimmed: &str) -> bool {
    let Some(body) = trimmed
        .strip_prefix("- ")
        .or_else(|| trimmed.strip_prefix("* "))
    else {
        return false;
    };
    let body = body.trim_start().as_bytes();
    LABELS.iter().any(|label| {
        body.len() >= label.len() && body[..label.len()].eq_ignore_ascii_case(label.as_bytes())
    })
}

/// A markdown list item (`-`, `*`, `+` or `1.` followed by a space).
fn is_list_item(trimmed: &str) -> bool {
    if trimmed.starts_with("- ") || trimmed.starts_with("* ") || trimmed.starts_with("+ ") {
        return true;
    }
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && trimmed[digits..].starts_with(". ")
}

/// A code fence opening or closing.
fn is_fence(trimmed: &str) -> bool {
    trimmed.starts_with("```") || trimmed.starts_with("~~~")
}

/// An ATX heading: its level and its title.
fn heading(trimmed: &str) -> Option<(usize, &str)> {
    let level = trimmed.bytes().take_while(|b| *b == b'#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let title = &trimmed[level..];
    if !title.is_empty() && !title.starts_with([' ', '\t']) {
        return None;
    }
    Some((level, title.trim().trim_end_matches('#').trim()))
}

/// `items` without repeats (whitespace runs compared as one space), first kept.
fn dedup(items: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    items
        .into_iter()
        .filter(|item| seen.insert(item.split_whitespace().collect::<Vec<_>>().join(" ")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notes(texts: &[&str]) -> Vec<String> {
        texts.iter().map(|t| t.to_string()).collect()
    }

    const SESSION: &str = "# Session 2026-12-05 · abc123\n\
        \n\
        ## 17:05:12 · add a docstring to parse config\n\
        - Kind: docs · Status: completed · Model: gpt-x · Cost: $0.0012\n\
        - Changed: inventory/parse_config.py\n\
        - Decision: use Google-style docstrings\n\
        - Preference: always run the tests after an edit\n";

    #[test]
    fn decision_and_preference_lines_are_kept_word_for_word() {
        let out = extract(&notes(&[SESSION]));
        assert_eq!(
            out.kept,
            [
                "- Decision: use Google-style docstrings",
                "- Preference: always run the tests after an edit",
            ]
        );
        assert_eq!(
            out.rest,
            [
                "# Session 2026-12-05 · abc123\n\n## 17:05:12 · add a docstring to parse config\n- Kind: docs · Status: completed · Model: gpt-x · Cost: $0.0012\n- Changed: inventory/parse_config.py"
            ]
        );
    }

    #[test]
    fn repeats_are_dropped_and_order_is_kept_across_notes() {
        let second = "## 09:00:00 · rename the stock item class\n\
            - Preference: always run the tests after an edit\n\
            - Decision: keep StockItem in models.py\n\
            -   Decision:   use Google-style   docstrings\n";
        let out = extract(&notes(&[SESSION, second]));
        assert_eq!(
            out.kept,
            [
                "- Decision: use Google-style docstrings",
                "- Preference: always run the tests after an edit",
                "- Decision: keep StockItem in models.py",
            ]
        );
        assert_eq!(out.rest.len(), 2);
        assert_eq!(out.rest[1], "## 09:00:00 · rename the stock item class");
    }

    #[test]
    fn everything_under_a_decisions_heading_is_kept_until_the_next_heading() {
        let note = "# Session 2026-11-02 · s2\n\
            ## Decisions\n\
            - The API stays JSON over HTTP\n\
            \n\
            Tabs are never used for indentation.\n\
            ### Why\n\
            - the phone client\n\
            ## 10:00:00 · fix the login test\n\
            - Changed: tests/test_login.py\n";
        let out = extract(&notes(&[note]));
        assert_eq!(
            out.kept,
            [
                "- The API stays JSON over HTTP",
                "Tabs are never used for indentation.",
                "### Why",
                "- the phone client",
            ]
        );
        assert_eq!(
            out.rest,
            [
                "# Session 2026-11-02 · s2\n\n## 10:00:00 · fix the login test\n- Changed: tests/test_login.py"
            ]
        );
    }

    #[test]
    fn continuation_lines_stay_with_their_item() {
        let note = "- Decision: errors name the file,\n  the field and how to fix it\n- Changed: src/error.rs\n";
        let out = extract(&notes(&[note]));
        assert_eq!(
            out.kept,
            ["- Decision: errors name the file,\n  the field and how to fix it"]
        );
        assert_eq!(out.rest, ["- Changed: src/error.rs"]);
    }

    #[test]
    fn fenced_code_is_never_read_as_a_decision() {
        let note =
            "```\n- Decision: this is program output\n## Decisions\n```\n- Decision: real one\n";
        let out = extract(&notes(&[note]));
        assert_eq!(out.kept, ["- Decision: real one"]);
        assert!(out.rest[0].contains("this is program output"));
    }

    #[test]
    fn labels_match_any_case_and_star_bullets_but_not_prose() {
        let note = "* preference: short answers\n- DECISION: ship on fridays\nThe Decision: was made\n- Decisions were discussed\n";
        let out = extract(&notes(&[note]));
        assert_eq!(
            out.kept,
            ["* preference: short answers", "- DECISION: ship on fridays"]
        );
        assert_eq!(
            out.rest,
            ["The Decision: was made\n- Decisions were discussed"]
        );
    }

    #[test]
    fn windows_line_endings_and_indentation_are_trimmed_around_the_words() {
        let note = "  - Decision: use CRLF-safe parsing  \r\n- Changed: a.py\r\n";
        let out = extract(&notes(&[note]));
        assert_eq!(out.kept, ["- Decision: use CRLF-safe parsing"]);
        assert_eq!(out.rest, ["- Changed: a.py"]);
    }

    #[test]
    fn no_notes_no_items() {
        assert_eq!(extract(&[]), Extracted::default());
        let out = extract(&notes(&["", "# nothing decided\n"]));
        assert!(out.kept.is_empty());
        assert_eq!(out.rest, ["", "# nothing decided"]);
    }
}
