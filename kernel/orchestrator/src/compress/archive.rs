//! The archive of compressed sessions, `.ralex/sessions/archive.md`: its header
//! and the section one compression appends.
//!
//! Owns the archive's markdown. Must never: let a plugin's summary break the
//! archive's structure (its headings are pushed below the section's), or drop or
//! reword a line the plugin kept word for word.

use super::sessions::SessionDate;

/// The archive, relative to the project root.
pub const ARCHIVE: &str = ".ralex/sessions/archive.md";

/// The start of a new archive: what it is and how it grows.
pub(crate) const HEADER: &str = "# Session archive\n\
\n\
Older session notes, compressed by `ralex context compress`. Each section below replaces\n\
the session files of its dates: a summary written by a model (what was asked, what changed,\n\
where), then every decision and preference of those sessions, kept word for word. Ralex only\n\
appends to this file; you may edit it.\n";

/// What one compression appends.
pub(crate) struct Section<'a> {
    /// Oldest session date.
    pub from: SessionDate,
    /// Newest session date.
    pub to: SessionDate,
    /// How many session files.
    pub sessions: usize,
    /// The day of the compression.
    pub today: SessionDate,
    /// The plugin's summary.
    pub summary: &'a str,
    /// The plugin's word-for-word lines.
    pub kept: &'a [String],
}

impl Section<'_> {
    /// The section's markdown, ending with a newline.
    pub(crate) fn render(&self) -> String {
        let plural = if self.sessions == 1 { "" } else { "s" };
        let mut out = format!(
            "## {} – {} ({} session{plural}, compressed {})\n\n",
            self.from, self.to, self.sessions, self.today
        );
        let summary = demote_headings(self.summary.trim());
        if summary.is_empty() {
            out.push_str("_Nothing beyond the decisions and preferences below._\n");
        } else {
            out.push_str(&summary);
            out.push('\n');
        }
        out.push_str("\n### Kept word for word\n\n");
        if self.kept.is_empty() {
            out.push_str("_No decisions or preferences were recorded._\n");
        }
        for line in self.kept {
            out.push_str(&as_list_item(line));
            out.push('\n');
        }
        out
    }
}

/// The archive with `section` appended (a new archive starts with [`HEADER`]).
pub(crate) fn appended(existing: Option<&str>, section: &str) -> String {
    let mut out = match existing {
        Some(text) if !text.trim().is_empty() => text.trim_end().to_string(),
        _ => HEADER.trim_end().to_string(),
    };
    out.push_str("\n\n");
    out.push_str(section);
    out
}

/// A kept line as a list item: list items stay as written, other lines (a
/// paragraph under a `## Decisions` heading) get a `- ` in front; continuation
/// lines are indented under their item.
fn as_list_item(kept: &str) -> String {
    let trimmed = kept.trim();
    let is_item = ["- ", "* ", "+ "].iter().any(|b| trimmed.starts_with(b))
        || trimmed
            .split_once(". ")
            .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()));
    let mut lines = trimmed.lines();
    let first = lines.next().unwrap_or_default();
    let mut out = if is_item {
        first.to_string()
    } else {
        format!("- {first}")
    };
    for line in lines {
        let line = line.trim();
        if !line.is_empty() {
            out.push_str("\n  ");
            out.push_str(line);
        }
    }
    out
}

/// Headings of levels 1–3 in `summary` made level 4, outside code fences, so the
/// summary stays inside its `##` section and above `### Kept word for word`.
fn demote_headings(summary: &str) -> String {
    let mut in_fence = false;
    let lines: Vec<String> = summary
        .lines()
        .map(|line| {
            let trimmed = line.trim_start();
            if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
                in_fence = !in_fence;
                return line.to_string();
            }
            let level = trimmed.bytes().take_while(|b| *b == b'#').count();
            let rest = &trimmed[level..];
            let heading =
                (1..=3).contains(&level) && (rest.is_empty() || rest.starts_with([' ', '\t']));
            if in_fence || !heading {
                return line.to_string();
            }
            format!("####{}", &trimmed[level..])
        })
        .collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> SessionDate {
        SessionDate::parse(s).unwrap()
    }

    #[test]
    fn a_section_has_the_range_the_summary_and_the_kept_lines() {
        let kept = vec![
            "- Decision: use Google-style docstrings".to_string(),
            "Tabs are never used.".to_string(),
            "- Decision: errors name the file,\n  the field".to_string(),
        ];
        let section = Section {
            from: date("2026-11-01"),
            to: date("2026-11-03"),
            sessions: 2,
            today: date("2026-12-05"),
            summary: "\n# Work\n**2026-11-01**\n- docstring added\n```\n# not a heading\n```\n",
            kept: &kept,
        };
        assert_eq!(
            section.render(),
            "## 2026-11-01 – 2026-11-03 (2 sessions, compressed 2026-12-05)\n\n\
             #### Work\n**2026-11-01**\n- docstring added\n```\n# not a heading\n```\n\n\
             ### Kept word for word\n\n\
             - Decision: use Google-style docstrings\n\
             - Tabs are never used.\n\
             - Decision: errors name the file,\n  the field\n"
        );
    }

    #[test]
    fn empty_parts_are_said_not_left_blank() {
        let section = Section {
            from: date("2026-11-01"),
            to: date("2026-11-01"),
            sessions: 1,
            today: date("2026-12-05"),
            summary: " ",
            kept: &[],
        };
        let text = section.render();
        assert!(text.starts_with("## 2026-11-01 – 2026-11-01 (1 session, compressed 2026-12-05)"));
        assert!(text.contains("_Nothing beyond"));
        assert!(text.contains("_No decisions or preferences were recorded._"));
    }

    #[test]
    fn a_new_archive_gets_the_header_and_an_old_one_keeps_its_text() {
        let new = appended(None, "## s\n");
        assert!(new.starts_with("# Session archive\n\nOlder session notes"));
        assert!(new.ends_with(".\n\n## s\n"));
        let old = appended(Some("# Mine\n\nhand-written\n\n\n"), "## t\n");
        assert_eq!(old, "# Mine\n\nhand-written\n\n## t\n");
    }
}
