//! `.gitignore` rules, root and nested, read through the root `Dir`.
//!
//! Owns: loading `.gitignore` files and deciding whether a path is ignored.
//! Only `ignore::gitignore`'s matcher is used, never its directory walker, so all
//! filesystem access stays in cap-std. A deeper `.gitignore` wins over a
//! shallower one, and within a file the last matching line wins (as in git).
//! Not read: `.git/info/exclude`, the user's global excludes, and `.gitignore`
//! files above the project root.
//!
//! Must never: fail a listing or search because a `.gitignore` is unreadable or
//! malformed (bad lines are skipped, as git does), or read one that is not a
//! regular file or is unreasonably large.

use std::path::Path;
use std::rc::Rc;

use cap_fs_ext::FollowSymlinks;
use cap_std::fs::Dir;
use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::file::RegularFile;

/// A `.gitignore` larger than this is not read.
const MAX_GITIGNORE_BYTES: u64 = 1024 * 1024;

/// The `.gitignore` rules in force in one directory: its own and its ancestors'.
#[derive(Clone, Default)]
pub(crate) struct IgnoreRules {
    innermost: Option<Rc<Level>>,
}

/// One directory's `.gitignore`.
struct Level {
    /// The directory, relative to the root (`""` for the root).
    base: String,
    matcher: Gitignore,
    parent: Option<Rc<Level>>,
}

impl IgnoreRules {
    /// The rules in force for the *entries* of `rel`'s parent chain: the
    /// `.gitignore` files of the root and of every proper ancestor of `rel`
    /// (`rel`'s own is added by the walker when it reads `rel`).
    pub(crate) fn for_ancestors_of(root: &Dir, rel: &str) -> IgnoreRules {
        let mut rules = IgnoreRules::default();
        if rel.is_empty() {
            return rules;
        }
        rules = rules.with_gitignore_of(root, "");
        let mut base = String::new();
        let parts: Vec<&str> = rel.split('/').collect();
        for part in &parts[..parts.len() - 1] {
            if !base.is_empty() {
                base.push('/');
            }
            base.push_str(part);
            rules = rules.with_gitignore_of(root, &base);
        }
        rules
    }

    /// These rules plus `base/.gitignore` (if there is one), read through `root`.
    pub(crate) fn with_gitignore_of(&self, root: &Dir, base: &str) -> IgnoreRules {
        let rel = if base.is_empty() {
            ".gitignore".to_owned()
        } else {
            format!("{base}/.gitignore")
        };
        let file = RegularFile {
            dir: root,
            rel: &rel,
            follow: FollowSymlinks::Yes,
            stat_first: true,
        };
        match file.read(MAX_GITIGNORE_BYTES, &rel, Path::new("")) {
            Ok(bytes) => self.with_contents(base, &String::from_utf8_lossy(&bytes)),
            Err(err) => {
                if err.kind() != crate::ErrorKind::NotFound {
                    tracing::debug!(path = %rel, error = %err, "skipping unreadable .gitignore");
                }
                self.clone()
            }
        }
    }

    /// These rules plus the lines of a `.gitignore` found in `base`.
    pub(crate) fn with_contents(&self, base: &str, contents: &str) -> IgnoreRules {
        // Paths are matched relative to `base`, so the matcher's own root is ".":
        // it then strips nothing from the candidates we give it.
        let mut builder = GitignoreBuilder::new(".");
        for line in contents.lines() {
            if let Err(err) = builder.add_line(None, line) {
                tracing::debug!(base, error = %err, "skipping a bad .gitignore line");
            }
        }
        match builder.build() {
            Ok(matcher) if !matcher.is_empty() => IgnoreRules {
                innermost: Some(Rc::new(Level {
                    base: base.to_owned(),
                    matcher,
                    parent: self.innermost.clone(),
                })),
            },
            Ok(_) => self.clone(),
            Err(err) => {
                tracing::debug!(base, error = %err, "skipping a .gitignore that does not build");
                self.clone()
            }
        }
    }

    /// Whether `rel` (relative to the root) is ignored. Ancestors of `rel` are not
    /// checked: the walker never descends into an ignored directory.
    pub(crate) fn is_ignored(&self, rel: &str, is_dir: bool) -> bool {
        let mut level = self.innermost.as_deref();
        while let Some(current) = level {
            let candidate = if current.base.is_empty() {
                Some(rel)
            } else {
                rel.strip_prefix(current.base.as_str())
                    .and_then(|rest| rest.strip_prefix('/'))
            };
            if let Some(candidate) = candidate {
                match current.matcher.matched(candidate, is_dir) {
                    Match::Ignore(_) => return true,
                    Match::Whitelist(_) => return false,
                    Match::None => {}
                }
            }
            level = current.parent.as_deref();
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(levels: &[(&str, &str)]) -> IgnoreRules {
        levels
            .iter()
            .fold(IgnoreRules::default(), |rules, (base, text)| {
                rules.with_contents(base, text)
            })
    }

    #[test]
    fn root_patterns() {
        let r = rules(&[("", "*.log\n/build\ntarget/\n# comment\n\n!keep.log\n")]);
        assert!(r.is_ignored("debug.log", false));
        assert!(r.is_ignored("src/deep/trace.log", false));
        assert!(!r.is_ignored("keep.log", false));
        assert!(r.is_ignored("build", true));
        assert!(!r.is_ignored("src/build", true), "anchored to the root");
        assert!(r.is_ignored("target", true));
        assert!(!r.is_ignored("target", false), "dir-only pattern");
        assert!(!r.is_ignored("src/main.rs", false));
    }

    #[test]
    fn nested_rules_apply_below_their_folder_and_win() {
        let r = rules(&[("", "*.tmp\n"), ("web", "/dist\n!important.tmp\n")]);
        assert!(r.is_ignored("web/dist", true));
        assert!(
            !r.is_ignored("dist", true),
            "web's /dist is anchored to web"
        );
        assert!(r.is_ignored("web/a.tmp", false));
        assert!(
            !r.is_ignored("web/important.tmp", false),
            "deeper whitelist wins"
        );
        assert!(
            r.is_ignored("important.tmp", false),
            "whitelist only below web"
        );
        assert!(
            !r.is_ignored("website/dist", true),
            "prefix of a name is not a folder"
        );
    }

    #[test]
    fn malformed_lines_are_skipped() {
        let r = rules(&[("", "a{b\n*.o\n")]);
        assert!(r.is_ignored("x.o", false));
    }
}
