//! File text for context selection, obtained only through the caller's
//! `read` (the orchestrator passes a policy-checked, audited read), at most
//! once per file per selection, and sliced into lines.
//!
//! This module never touches the file system itself. A `None` from `read`
//! means "not allowed or unreadable": the file is remembered as skipped so
//! the explanation can say so, and it is not asked for again.

use std::collections::HashMap;
use std::rc::Rc;

/// One file's text with its line starts.
#[derive(Debug)]
pub(crate) struct Text {
    text: String,
    /// Byte offset of the start of each line.
    starts: Vec<usize>,
}

impl Text {
    pub(crate) fn new(text: String) -> Text {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1)
                .filter(|&i| i < text.len()),
        );
        if text.is_empty() {
            starts.clear();
        }
        Text { text, starts }
    }

    /// Number of lines.
    pub(crate) fn line_count(&self) -> u32 {
        self.starts.len() as u32
    }

    /// The whole text.
    pub(crate) fn all(&self) -> &str {
        &self.text
    }

    /// 1-based line `n` without its line break (empty when out of range).
    pub(crate) fn line(&self, n: u32) -> &str {
        self.lines(n, n).trim_end_matches(['\n', '\r'])
    }

    /// Lines `from..=to` (1-based, clamped), with their line breaks.
    pub(crate) fn lines(&self, from: u32, to: u32) -> &str {
        let count = self.line_count();
        let from = from.max(1);
        let to = to.min(count);
        if count == 0 || from > to {
            return "";
        }
        let start = self.starts[from as usize - 1];
        let end = self
            .starts
            .get(to as usize)
            .copied()
            .unwrap_or(self.text.len());
        &self.text[start..end]
    }
}

/// The texts read so far, and the files that could not be read.
pub(crate) struct Sources<'r> {
    read: &'r mut dyn FnMut(&str) -> Option<String>,
    texts: HashMap<String, Option<Rc<Text>>>,
    skipped: Vec<String>,
}

impl<'r> Sources<'r> {
    pub(crate) fn new(read: &'r mut dyn FnMut(&str) -> Option<String>) -> Sources<'r> {
        Sources {
            read,
            texts: HashMap::new(),
            skipped: Vec::new(),
        }
    }

    /// The text of `path`, reading it on first use; `None` when refused.
    pub(crate) fn get(&mut self, path: &str) -> Option<Rc<Text>> {
        if let Some(t) = self.texts.get(path) {
            return t.clone();
        }
        let text = (self.read)(path).map(|t| Rc::new(Text::new(t)));
        if text.is_none() {
            self.skipped.push(path.to_string());
        }
        self.texts.insert(path.to_string(), text.clone());
        text
    }

    /// Files whose read returned `None`, in the order they were asked for.
    pub(crate) fn skipped(&self) -> &[String] {
        &self.skipped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_lines() {
        let t = Text::new("a\nbb\nccc".to_string());
        assert_eq!(t.line_count(), 3);
        assert_eq!(t.lines(2, 3), "bb\nccc");
        assert_eq!(t.lines(1, 1), "a\n");
        assert_eq!(t.line(3), "ccc");
        assert_eq!(t.lines(3, 9), "ccc");
        assert_eq!(t.lines(4, 9), "");
        let t = Text::new("x\n".to_string());
        assert_eq!(t.line_count(), 1);
        assert_eq!(Text::new(String::new()).line_count(), 0);
    }

    #[test]
    fn reads_once_and_remembers_refusals() {
        let mut calls = 0;
        let mut read = |p: &str| {
            calls += 1;
            (p != "secret.py").then(|| "text\n".to_string())
        };
        let mut s = Sources::new(&mut read);
        assert!(s.get("a.py").is_some());
        assert!(s.get("a.py").is_some());
        assert!(s.get("secret.py").is_none());
        assert!(s.get("secret.py").is_none());
        assert_eq!(s.skipped(), ["secret.py"]);
        drop(s);
        assert_eq!(calls, 2);
    }
}
