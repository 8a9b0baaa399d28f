//! A text file's line endings, as `replace` and `apply_patch` keep them.
//!
//! Owns: detecting a file's line-ending style (LF or CRLF, from its first line
//! ending) and whether it ends with one, splitting text into lines that keep
//! their endings, and converting inserted text to the file's style.
//!
//! Must never: touch lines an edit did not insert — a mixed file keeps each
//! untouched line's own ending.

/// How a file ends its lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LineStyle {
    /// `"\n"` or `"\r\n"`: the file's first line ending (`"\n"` if it has none).
    pub(crate) eol: &'static str,
    /// Whether the file ends with a line ending.
    pub(crate) final_newline: bool,
}

impl LineStyle {
    /// The style of `text`.
    pub(crate) fn of(text: &str) -> LineStyle {
        let eol = match text.find('\n') {
            Some(at) if text[..at].ends_with('\r') => "\r\n",
            _ => "\n",
        };
        LineStyle {
            eol,
            final_newline: text.ends_with('\n'),
        }
    }

    /// `text` with every line ending (LF or CRLF) in this style.
    pub(crate) fn convert(self, text: &str) -> String {
        let lf = text.replace("\r\n", "\n");
        if self.eol == "\n" {
            lf
        } else {
            lf.replace('\n', self.eol)
        }
    }

    /// `text` ending with a line ending if `final_newline`, without one otherwise
    /// (an empty text stays empty).
    pub(crate) fn finish(self, mut text: String, final_newline: bool) -> String {
        if text.is_empty() {
            return text;
        }
        if final_newline && !text.ends_with('\n') {
            text.push_str(self.eol);
        } else if !final_newline && text.ends_with('\n') {
            text.pop();
            if text.ends_with('\r') {
                text.pop();
            }
        }
        text
    }
}

/// One line of a text and its ending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Line<'a> {
    /// The line without its ending.
    pub(crate) text: &'a str,
    /// `"\n"`, `"\r\n"`, or `""` for a last line without one.
    pub(crate) eol: &'a str,
}

/// Splits `text` into lines that keep their endings (`""` has no lines).
pub(crate) fn lines(text: &str) -> Vec<Line<'_>> {
    text.split_inclusive('\n')
        .map(|line| {
            if let Some(text) = line.strip_suffix("\r\n") {
                Line { text, eol: "\r\n" }
            } else if let Some(text) = line.strip_suffix('\n') {
                Line { text, eol: "\n" }
            } else {
                Line {
                    text: line,
                    eol: "",
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn style_comes_from_the_first_line_ending() {
        assert_eq!(
            LineStyle::of("a\r\nb\n"),
            LineStyle {
                eol: "\r\n",
                final_newline: true
            }
        );
        assert_eq!(
            LineStyle::of("a\nb"),
            LineStyle {
                eol: "\n",
                final_newline: false
            }
        );
        assert_eq!(LineStyle::of("").eol, "\n");
    }

    #[test]
    fn convert_and_finish() {
        let crlf = LineStyle::of("x\r\n");
        assert_eq!(crlf.convert("a\nb\r\nc"), "a\r\nb\r\nc");
        assert_eq!(LineStyle::of("x\n").convert("a\r\nb"), "a\nb");
        assert_eq!(crlf.finish("a".into(), true), "a\r\n");
        assert_eq!(crlf.finish("a\r\n".into(), false), "a");
        assert_eq!(crlf.finish(String::new(), true), "");
    }

    #[test]
    fn lines_keep_their_endings() {
        let got = lines("a\r\nb\nc");
        assert_eq!(
            got,
            vec![
                Line {
                    text: "a",
                    eol: "\r\n"
                },
                Line {
                    text: "b",
                    eol: "\n"
                },
                Line { text: "c", eol: "" },
            ]
        );
        assert!(lines("").is_empty());
    }
}
