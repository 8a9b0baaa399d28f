//! Finding lines in a workflow file for errors found after parsing (a step that
//! reads an unknown parameter, two steps with one name): the YAML parser gives
//! positions only for its own errors.
//!
//! Owns: [`Lines`] — where each top-level key, each item of `steps:` and each
//! key inside an item begins. It reads block-style YAML as people write it;
//! when it cannot tell, it answers `None` and the error names the field only.

/// Line numbers of a workflow file.
pub struct Lines<'a> {
    lines: Vec<&'a str>,
    /// 0-based line index of each item under `steps:`.
    step_starts: Vec<usize>,
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn is_blank(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

impl<'a> Lines<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a str) -> Lines<'a> {
        let lines: Vec<&str> = text.lines().collect();
        let mut step_starts = Vec::new();
        if let Some(steps) = lines.iter().position(|l| l.starts_with("steps:")) {
            let mut item_indent = None;
            for (i, line) in lines.iter().enumerate().skip(steps + 1) {
                if is_blank(line) {
                    continue;
                }
                if indent(line) == 0 && !line.starts_with('-') {
                    break;
                }
                let trimmed = line.trim_start();
                if trimmed.starts_with("- ") || trimmed == "-" {
                    let at = indent(line);
                    match item_indent {
                        None => {
                            item_indent = Some(at);
                            step_starts.push(i);
                        }
                        Some(first) if first == at => step_starts.push(i),
                        Some(_) => {}
                    }
                }
            }
        }
        Lines { lines, step_starts }
    }

    /// The 1-based line of top-level `key:`.
    pub fn top(&self, key: &str) -> Option<usize> {
        let prefix = format!("{key}:");
        self.lines
            .iter()
            .position(|l| l.starts_with(&prefix))
            .map(|i| i + 1)
    }

    /// The 1-based line where step `index` (0-based) begins.
    pub fn step(&self, index: usize) -> Option<usize> {
        self.step_starts.get(index).map(|i| i + 1)
    }

    /// The 1-based line of `key:` inside step `index`, else the step's line.
    pub fn step_field(&self, index: usize, key: &str) -> Option<usize> {
        let start = *self.step_starts.get(index)?;
        let end = self
            .step_starts
            .get(index + 1)
            .copied()
            .unwrap_or(self.lines.len());
        let prefix = format!("{key}:");
        (start..end)
            .find(|&i| {
                let t = self.lines[i].trim_start();
                let t = t.strip_prefix("- ").unwrap_or(t).trim_start();
                t.starts_with(&prefix)
            })
            .or(Some(start))
            .map(|i| i + 1)
    }

    /// The 1-based line of parameter `name` under `params:`.
    pub fn param(&self, name: &str) -> Option<usize> {
        let params = self.top("params")?;
        let prefix = format!("{name}:");
        self.lines
            .iter()
            .enumerate()
            .skip(params)
            .take_while(|(_, l)| is_blank(l) || indent(l) > 0)
            .find(|(_, l)| l.trim_start().starts_with(&prefix))
            .map(|(i, _)| i + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "name: x\nparams:\n  issue:\n    required: true\nsteps:\n  - name: a\n    test: {}\n\n  # comment\n  - name: b\n    if: steps.a.failed\n    run: make\n";

    #[test]
    fn finds_steps_fields_and_params() {
        let lines = Lines::new(FILE);
        assert_eq!(lines.top("steps"), Some(5));
        assert_eq!(lines.step(0), Some(6));
        assert_eq!(lines.step(1), Some(10));
        assert_eq!(lines.step(2), None);
        assert_eq!(lines.step_field(1, "if"), Some(11));
        assert_eq!(lines.step_field(1, "name"), Some(10));
        assert_eq!(lines.step_field(0, "retry"), Some(6));
        assert_eq!(lines.param("issue"), Some(3));
    }
}
