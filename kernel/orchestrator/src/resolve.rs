//! The interim target resolver: the parser's literal reading of a spoken target
//! checked against the project's files — exact paths and file-name matches only.
//! (Symbols, fuzzy and phonetic matching come with the project-context resolver.)
//!
//! File names compare without case and without separators, so "parse config.py",
//! "parse_config.py" and "parse-config.py" all find `src/parse_config.py`. Several
//! matches are reported as candidates, never guessed between.

use ralex_caps::workspace::Workspace;
use ralex_intent::{Intent, Target};

/// Most candidates listed for an ambiguous target.
const MAX_CANDIDATES: usize = 5;

/// Resolve the intent's path targets against the project's files.
pub fn resolve(intent: &mut Intent, workspace: &Workspace) {
    if !intent.targets.iter().any(|t| t.path.is_some()) {
        return;
    }
    let files = match workspace.files() {
        Ok(files) => files,
        Err(e) => {
            tracing::warn!(error = %e, "cannot list project files; targets stay unresolved");
            return;
        }
    };
    for target in &mut intent.targets {
        resolve_target(target, &files);
    }
}

fn resolve_target(target: &mut Target, files: &[String]) {
    let Some(spoken) = target.path.clone() else {
        return;
    };
    let spoken = spoken.trim_start_matches("./").to_string();
    if files.contains(&spoken) {
        target.path = Some(spoken);
        target.resolved = true;
        return;
    }
    let want = squash(&spoken);
    let want_name = squash(spoken.rsplit('/').next().unwrap_or(&spoken));
    let spoken_has_dir = spoken.contains('/');
    let mut matches: Vec<&String> = files
        .iter()
        .filter(|f| {
            if spoken_has_dir {
                // "inventory/pricing.py" matches ".../inventory/pricing.py".
                let sq = squash(f);
                sq == want || sq.ends_with(&format!("/{want}"))
            } else {
                squash(f.rsplit('/').next().unwrap_or(f)) == want_name
            }
        })
        .collect();
    // Shallow paths first, then alphabetical: a stable order a person can pick from.
    matches.sort_by_key(|f| (f.matches('/').count(), f.as_str()));
    match matches.as_slice() {
        [] => {}
        [one] => {
            target.path = Some((*one).clone());
            target.resolved = true;
        }
        many => {
            target.candidates = many
                .iter()
                .take(MAX_CANDIDATES)
                .map(|s| (*s).clone())
                .collect();
        }
    }
}

/// Lowercase, without `_`, `-` and spaces: the spoken form of a file name.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(path: &str) -> Target {
        Target {
            path: Some(path.to_string()),
            ..Target::default()
        }
    }

    fn files() -> Vec<String> {
        [
            "README.md",
            "inventory/api.py",
            "inventory/parse_config.py",
            "src/config.py",
            "tests/config.py",
            "inventory/pricing.py",
        ]
        .map(String::from)
        .to_vec()
    }

    #[test]
    fn exact_paths_and_file_names_resolve() {
        let mut t = target("inventory/api.py");
        resolve_target(&mut t, &files());
        assert!(t.resolved);

        let mut t = target("parse_config.py");
        resolve_target(&mut t, &files());
        assert_eq!(t.path.as_deref(), Some("inventory/parse_config.py"));
        assert!(t.resolved);

        let mut t = target("parse config.py");
        resolve_target(&mut t, &files());
        assert_eq!(t.path.as_deref(), Some("inventory/parse_config.py"));

        let mut t = target("Inventory/Pricing.py");
        resolve_target(&mut t, &files());
        assert_eq!(t.path.as_deref(), Some("inventory/pricing.py"));
    }

    #[test]
    fn ambiguity_lists_candidates_and_misses_stay_literal() {
        let mut t = target("config.py");
        resolve_target(&mut t, &files());
        assert!(!t.resolved);
        assert_eq!(t.candidates, vec!["src/config.py", "tests/config.py"]);

        let mut t = target("nothing.py");
        resolve_target(&mut t, &files());
        assert!(!t.resolved);
        assert_eq!(t.path.as_deref(), Some("nothing.py"));
        assert!(t.candidates.is_empty());
    }
}
