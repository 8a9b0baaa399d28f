//! Risk: how much a command can change. Reading kinds are `read_only`; changing kinds are
//! `modify`; deleting files, dropping tables, overwriting, hard resets, force pushes and
//! deploys are `destructive`.

use super::workflow::is_deployish;
use super::{Kind, Risk};

fn param<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// The risk of an intent.
pub(crate) fn of(kind: Kind, params: &[(String, String)], destructive: bool) -> Risk {
    if destructive {
        return Risk::Destructive;
    }
    match kind {
        Kind::Read
        | Kind::Search
        | Kind::Explain
        | Kind::Test
        | Kind::Analyze
        | Kind::Chat
        | Kind::Unknown => Risk::ReadOnly,
        Kind::Git => {
            let forced =
                param(params, "force") == Some("true") || param(params, "delete") == Some("true");
            if forced || matches!(param(params, "action"), Some("reset" | "clean")) {
                Risk::Destructive
            } else if matches!(
                param(params, "action"),
                Some("status" | "diff" | "log" | "show" | "blame" | "fetch")
            ) {
                Risk::ReadOnly
            } else {
                Risk::Modify
            }
        }
        Kind::Edit
            if matches!(
                param(params, "action"),
                Some("delete" | "drop" | "overwrite")
            ) =>
        {
            Risk::Destructive
        }
        Kind::Workflow if param(params, "name").is_some_and(is_deployish) => Risk::Destructive,
        _ => Risk::Modify,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn risks() {
        assert_eq!(
            of(Kind::Git, &p(&[("action", "status")]), false),
            Risk::ReadOnly
        );
        assert_eq!(
            of(
                Kind::Git,
                &p(&[("action", "push"), ("force", "true")]),
                false
            ),
            Risk::Destructive
        );
        assert_eq!(
            of(Kind::Git, &p(&[("action", "commit")]), false),
            Risk::Modify
        );
        assert_eq!(
            of(Kind::Edit, &p(&[("action", "delete")]), false),
            Risk::Destructive
        );
        assert_eq!(
            of(Kind::Workflow, &p(&[("name", "deploy")]), false),
            Risk::Destructive
        );
        assert_eq!(of(Kind::Undo, &[], false), Risk::Modify);
        assert_eq!(of(Kind::Explain, &[], false), Risk::ReadOnly);
    }
}
