//! Keeping what is sent back to the model small: tool output is capped at
//! [`MAX_TOOL_OUTPUT`] characters with a note saying it was cut, and test output is
//! reduced to its last lines, where the failures are reported.

/// Most characters of one tool result sent to the model.
pub const MAX_TOOL_OUTPUT: usize = 16_000;

/// `text` cut to at most `max` characters (on a character boundary), with a note that
/// says how much was left out.
pub fn cap(text: &str, max: usize) -> String {
    let total = text.chars().count();
    if total <= max {
        return text.to_string();
    }
    let end = text
        .char_indices()
        .nth(max)
        .map_or(text.len(), |(at, _)| at);
    format!(
        "{}\n[output cut: showing the first {max} of {total} characters]",
        &text[..end]
    )
}

/// The last `n` lines of `text`, with a first line saying how many were left out.
pub fn tail_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.trim_end().lines().collect();
    if lines.len() <= n {
        return lines.join("\n");
    }
    format!(
        "[{} earlier lines left out]\n{}",
        lines.len() - n,
        lines[lines.len() - n..].join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_keeps_short_text_and_cuts_long_text() {
        assert_eq!(cap("héllo", 5), "héllo");
        let cut = cap("héllo world", 5);
        assert!(cut.starts_with("héllo\n[output cut"), "{cut}");
        assert!(cut.contains("first 5 of 11 characters"), "{cut}");
    }

    #[test]
    fn tail_keeps_the_last_lines() {
        assert_eq!(tail_lines("a\nb\n", 5), "a\nb");
        assert_eq!(
            tail_lines("a\nb\nc\nd\n", 2),
            "[2 earlier lines left out]\nc\nd"
        );
    }
}
