//! What a plugin asks for, as lines a person can read ("http api.github.com",
//! "exec cargo test"), and the difference between two versions — the
//! permission diff an update shows before anything is carried over.

use std::collections::BTreeSet;

use ralex_manifest::Permissions;

/// Every permission of `p`, one line each, sorted.
pub fn lines(p: &Permissions) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for glob in &p.workspace.read {
        out.insert(format!("workspace read {glob}"));
    }
    for glob in &p.workspace.write {
        out.insert(format!("workspace write {glob}"));
    }
    for (on, what) in [
        (p.git.read, "read"),
        (p.git.write, "write"),
        (p.git.remote, "remote"),
    ] {
        if on {
            out.insert(format!("git {what}"));
        }
    }
    for host in &p.http.hosts {
        out.insert(format!("http {host}"));
    }
    if p.model {
        out.insert("model calls".into());
    }
    for program in &p.exec {
        out.insert(format!("exec {program}"));
    }
    if p.kv {
        out.insert("kv store".into());
    }
    for server in &p.mcp.servers {
        out.insert(format!("mcp {server}"));
    }
    out
}

/// What changed between two versions' permissions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// Asked for now, not before.
    pub added: Vec<String>,
    /// Asked for before, not now.
    pub removed: Vec<String>,
    /// Asked for by both.
    pub kept: Vec<String>,
}

impl Diff {
    /// The new version asks for more than the old one.
    pub fn widens(&self) -> bool {
        !self.added.is_empty()
    }
}

/// The diff from `old` to `new`.
pub fn diff(old: &Permissions, new: &Permissions) -> Diff {
    let (old, new) = (lines(old), lines(new));
    Diff {
        added: new.difference(&old).cloned().collect(),
        removed: old.difference(&new).cloned().collect(),
        kept: new.intersection(&old).cloned().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_shows_added_and_removed() {
        let mut old = Permissions::default();
        old.workspace.read = vec!["**".into()];
        old.exec = vec!["cargo test".into()];
        let mut new = old.clone();
        new.http.hosts = vec!["api.example.com".into()];
        new.exec = vec![];
        new.model = true;
        let d = diff(&old, &new);
        assert_eq!(d.added, ["http api.example.com", "model calls"]);
        assert_eq!(d.removed, ["exec cargo test"]);
        assert_eq!(d.kept, ["workspace read **"]);
        assert!(d.widens());
        assert!(!diff(&new, &new).widens());
    }
}
