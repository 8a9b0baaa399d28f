//! Splitting `decisions.md` and `patterns.md` into sections that are ranked and
//! added one by one.
//!
//! Owns the split rules: at `## ` headings when the file has any (a section runs to
//! the next `## ` or `# ` heading), else at top-level bullet items (`- `, `* `, `+ `,
//! `1. `; a bullet's indented or wrapped lines stay with it), else the whole file is
//! one section. Text before the first section (a title, an intro) is left out.
//! Headings and bullets inside fenced code blocks do not split.

use std::collections::BTreeSet;

use crate::notes::Doc;

/// One section of a notes file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// `<path>#<heading slug>` or `<path>#item-<n>`; the bare path when the file is
    /// one section.
    pub source: String,
    /// The section's text, heading or bullet included, trailing blank lines trimmed.
    pub text: String,
    /// 0-based place in the file: later sections are more recent.
    pub position: usize,
}

/// The sections of `doc`, in file order.
pub fn split(doc: &Doc) -> Vec<Section> {
    let lines: Vec<&str> = doc.text.lines().collect();
    let fenced = fence_mask(&lines);
    let plain = |i: usize| !fenced[i];
    let has_headings = (0..lines.len()).any(|i| plain(i) && is_h2(lines[i]));
    let has_bullets = (0..lines.len()).any(|i| plain(i) && is_bullet(lines[i]));

    let (starts, ends): (Vec<bool>, Vec<bool>) = if has_headings {
        (0..lines.len())
            .map(|i| (plain(i) && is_h2(lines[i]), plain(i) && is_h1(lines[i])))
            .unzip()
    } else if has_bullets {
        (0..lines.len())
            .map(|i| {
                let heading = plain(i) && lines[i].starts_with('#');
                (plain(i) && is_bullet(lines[i]), heading)
            })
            .unzip()
    } else {
        let text = doc.text.trim_end().to_string();
        return vec![Section {
            source: doc.path.clone(),
            text,
            position: 0,
        }];
    };

    let mut sections = Vec::new();
    let mut slugs = BTreeSet::new();
    let mut i = 0;
    while i < lines.len() {
        if !starts[i] {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < lines.len() && !starts[end] && !ends[end] {
            end += 1;
        }
        let position = sections.len();
        let anchor = if has_headings {
            unique(slug(lines[i].trim_start_matches('#')), &mut slugs, position)
        } else {
            format!("item-{}", position + 1)
        };
        sections.push(Section {
            source: format!("{}#{anchor}", doc.path),
            text: lines[i..end].join("\n").trim_end().to_string(),
            position,
        });
        i = end;
    }
    sections
}

/// Which lines are inside (or open/close) a fenced code block.
fn fence_mask(lines: &[&str]) -> Vec<bool> {
    let mut inside = false;
    lines
        .iter()
        .map(|line| {
            let t = line.trim_start();
            if t.starts_with("```") || t.starts_with("~~~") {
                inside = !inside;
                true
            } else {
                inside
            }
        })
        .collect()
}

fn is_h1(line: &str) -> bool {
    line.starts_with("# ") || line == "#"
}

fn is_h2(line: &str) -> bool {
    line.starts_with("## ")
}

/// A bullet at the start of the line: `- `, `* `, `+ `, `1. ` or `1) `.
fn is_bullet(line: &str) -> bool {
    if ["- ", "* ", "+ "].iter().any(|b| line.starts_with(b)) {
        return true;
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && (line[digits..].starts_with(". ") || line[digits..].starts_with(") "))
}

/// A GitHub-style anchor: lowercase, alphanumerics kept, spaces and dashes to `-`.
fn slug(heading: &str) -> String {
    let mut out = String::new();
    for c in heading.trim().trim_end_matches('#').trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if (c == ' ' || c == '-' || c == '_') && !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// `slug` made unique in the file (`-1`, `-2`, ... as GitHub does), or
/// `section-<n>` when the heading has no letters.
fn unique(slug: String, seen: &mut BTreeSet<String>, position: usize) -> String {
    let base = if slug.is_empty() {
        format!("section-{}", position + 1)
    } else {
        slug
    };
    let mut candidate = base.clone();
    let mut n = 1;
    while !seen.insert(candidate.clone()) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Doc {
        Doc {
            path: ".ralex/decisions.md".to_string(),
            text: text.to_string(),
        }
    }

    fn sources(sections: &[Section]) -> Vec<&str> {
        sections.iter().map(|s| s.source.as_str()).collect()
    }

    #[test]
    fn headings_split_and_get_unique_anchors() {
        let text = "# Decisions\nIntro.\n\n## Use Decimal for prices\nFloats round badly.\n\n\
                    ## Logging\nUse structlog.\n### Detail\nstays\n## Logging\nAgain.\n";
        let sections = split(&doc(text));
        assert_eq!(
            sources(&sections),
            [
                ".ralex/decisions.md#use-decimal-for-prices",
                ".ralex/decisions.md#logging",
                ".ralex/decisions.md#logging-1",
            ]
        );
        assert_eq!(
            sections[0].text,
            "## Use Decimal for prices\nFloats round badly."
        );
        assert!(sections[1].text.ends_with("### Detail\nstays"));
        assert_eq!(sections[2].position, 2);
    }

    #[test]
    fn bullets_split_when_there_are_no_headings() {
        let text =
            "# Patterns\n\n- Prefers pytest\n  with fixtures\n* Short commits\n1. Numbered\n";
        let sections = split(&doc(text));
        assert_eq!(sources(&sections).len(), 3);
        assert_eq!(sections[0].text, "- Prefers pytest\n  with fixtures");
        assert_eq!(sections[2].source, ".ralex/decisions.md#item-3");
    }

    #[test]
    fn fenced_code_does_not_split_and_plain_text_is_one_section() {
        let text = "## Real\n```\n## not a heading\n- not a bullet\n```\n";
        assert_eq!(split(&doc(text)).len(), 1);
        let plain = split(&doc("We always use tabs.\n"));
        assert_eq!(sources(&plain), [".ralex/decisions.md"]);
    }
}
