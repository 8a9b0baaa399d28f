//! Byte offsets to line numbers, and Cedar diagnostics to located messages.
//!
//! Owns: turning a miette label offset inside a policy file into a 1-based line,
//! so every policy error names its file and line.

use miette::Diagnostic;

/// The 1-based line of `offset` in `text` (clamped to the text).
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The first labelled offset of a diagnostic, if it has one.
pub(crate) fn first_offset(diag: &dyn Diagnostic) -> Option<usize> {
    diag.labels()
        .and_then(|mut labels| labels.next())
        .map(|label| label.offset())
}

/// The diagnostic's message with its help, on one line.
pub(crate) fn message(diag: &dyn Diagnostic) -> String {
    let mut text = diag.to_string();
    if let Some(help) = diag.help() {
        text.push_str(&format!(" (help: {help})"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_count_from_one() {
        let text = "a\nb\nc";
        assert_eq!(line_of(text, 0), 1);
        assert_eq!(line_of(text, 2), 2);
        assert_eq!(line_of(text, 4), 3);
        assert_eq!(line_of(text, 100), 3);
    }
}
