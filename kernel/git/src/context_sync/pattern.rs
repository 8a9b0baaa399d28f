//! Which paths a sync treats how.
//!
//! Owns: "is this path inside the notes' folder" and the small glob dialect
//! of [`crate::SyncOptions::append_only`] (`*`, `?`, `**`, folder patterns).
//!
//! Must never: touch the file system; paths are compared as `/`-separated
//! strings relative to the work-tree root.

/// Whether `path` lies inside the folder `prefix` (not the folder itself).
pub(crate) fn is_under(prefix: &str, path: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.starts_with('/') && rest.len() > 1)
}

/// Whether any of `patterns` matches `path`.
pub(crate) fn matches_any(patterns: &[String], path: &str) -> bool {
    patterns.iter().any(|pattern| matches(pattern, path))
}

/// Whether `pattern` matches `path` or one of its folders (so `.ralex/sessions`
/// covers `.ralex/sessions/2024-06-01-a.md`).
pub(crate) fn matches(pattern: &str, path: &str) -> bool {
    let pattern: Vec<&str> = segments(pattern);
    let path: Vec<&str> = segments(path);
    if pattern.is_empty() {
        return false;
    }
    (1..=path.len()).any(|len| match_segments(&pattern, &path[..len]))
}

/// The non-empty, non-`.` segments of a `/`-separated path.
fn segments(text: &str) -> Vec<&str> {
    text.split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect()
}

/// Segment-wise match where `**` stands for any number of segments.
fn match_segments(pattern: &[&str], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((&"**", rest)) => (0..=path.len()).any(|skip| match_segments(rest, &path[skip..])),
        Some((first, rest)) => path
            .split_first()
            .is_some_and(|(name, tail)| match_name(first, name) && match_segments(rest, tail)),
    }
}

/// One segment against a pattern with `*` (any run) and `?` (one character).
fn match_name(pattern: &str, name: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    // Classic two-pointer wildcard match with backtracking to the last `*`.
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, n));
                p += 1;
            }
            Some(c) if *c == '?' || *c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                Some((star_p, star_n)) => {
                    p = star_p + 1;
                    n = star_n + 1;
                    star = Some((star_p, star_n + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn under_means_strictly_inside_the_folder() {
        assert!(is_under(".ralex", ".ralex/project.md"));
        assert!(is_under(".ralex", ".ralex/sessions/a.md"));
        assert!(!is_under(".ralex", ".ralex"));
        assert!(!is_under(".ralex", ".ralexx/a.md"));
        assert!(!is_under(".ralex", "src/.ralex/a.md"));
    }

    #[test]
    fn globs_match_like_gitignore_anchored_at_the_root() {
        let yes = [
            (".ralex/sessions/**", ".ralex/sessions/2024-06-01-a.md"),
            (".ralex/sessions/**", ".ralex/sessions/archive.md"),
            (".ralex/sessions/**", ".ralex/sessions/deep/x.md"),
            (".ralex/sessions", ".ralex/sessions/x.md"),
            (".ralex/decisions.md", ".ralex/decisions.md"),
            (".ralex/*.md", ".ralex/patterns.md"),
            (".ralex/standards/?.md", ".ralex/standards/a.md"),
            ("**/decisions.md", ".ralex/decisions.md"),
            (".ralex/**/archive.md", ".ralex/sessions/archive.md"),
            ("./.ralex//decisions.md", ".ralex/decisions.md"),
        ];
        for (pattern, path) in yes {
            assert!(matches(pattern, path), "{pattern} should match {path}");
        }
        let no = [
            (".ralex/sessions/**", ".ralex/project.md"),
            (".ralex/decisions.md", ".ralex/decisions.md.bak"),
            (".ralex/*.md", ".ralex/standards/rust.md"),
            (".ralex/standards/?.md", ".ralex/standards/ab.md"),
            ("decisions.md", ".ralex/decisions.md"),
            ("", ".ralex/decisions.md"),
        ];
        for (pattern, path) in no {
            assert!(!matches(pattern, path), "{pattern} must not match {path}");
        }
    }

    #[test]
    fn stars_backtrack() {
        assert!(match_name("*-*.md", "2024-06-01-abc.md"));
        assert!(match_name("a*b*c", "aXbYbZc"));
        assert!(!match_name("a*b*c", "aXbYbZ"));
        assert!(match_name("*", ""));
    }
}
