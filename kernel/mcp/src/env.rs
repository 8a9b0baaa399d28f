//! The environment an MCP server gets: a short allow-list from the kernel's
//! own environment, plus the variables its configuration names explicitly.
//!
//! Owns: the allow-list and the check of configured variables.
//!
//! Must never: start from the kernel's environment (the command's is cleared
//! first); pass a variable whose name looks like a secret
//! ([`ralex_exec::is_secret_name`]), whoever configured it.

use std::ffi::OsString;

/// The variables copied from the kernel's environment when set.
pub const PASSED_VARIABLES: &[&str] = &["PATH", "HOME", "LANG", "TMPDIR"];

/// Why a configured variable cannot be passed, or `None` when it can.
pub(crate) fn refuse(name: &str, value: &str) -> Option<String> {
    let valid = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Some(format!(
            "`{name}` is not a valid environment variable name; use letters, digits and `_`"
        ));
    }
    if value.contains('\0') {
        return Some(format!(
            "the value of `{name}` contains a NUL byte, which no program can receive; remove it"
        ));
    }
    if ralex_exec::is_secret_name(name) {
        return Some(format!(
            "environment variable `{name}` looks like a secret (its name contains KEY, TOKEN, SECRET, PASSWORD or CREDENTIAL, or starts with RALEX_, AWS_, OPENAI or ANTHROPIC) and is never passed to MCP servers; remove it from the server's `env`"
        ));
    }
    None
}

/// The full environment for a server: the allow-listed kernel variables, then
/// `extra` (already checked with [`refuse`]; secret names are dropped again).
pub(crate) fn build(extra: &[(String, String)]) -> Vec<(OsString, OsString)> {
    let mut vars: Vec<(OsString, OsString)> = PASSED_VARIABLES
        .iter()
        .filter_map(|name| std::env::var_os(name).map(|value| (OsString::from(name), value)))
        .collect();
    for (name, value) in extra {
        if ralex_exec::is_secret_name(name) {
            continue;
        }
        vars.retain(|(existing, _)| existing != name.as_str());
        vars.push((name.into(), value.into()));
    }
    vars
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passed_variables_are_not_secret() {
        for name in PASSED_VARIABLES {
            assert!(!ralex_exec::is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn configured_variables_are_checked() {
        assert_eq!(refuse("RUST_LOG", "debug"), None);
        for (name, value) in [
            ("GITHUB_TOKEN", "x"),
            ("OPENAI_API_KEY", "x"),
            ("AWS_REGION", "x"),
            ("A=B", "x"),
            ("1X", "x"),
            ("", "x"),
            ("X", "a\0b"),
        ] {
            assert!(refuse(name, value).is_some(), "{name}");
        }
    }

    #[test]
    fn configured_variables_override_and_secrets_never_pass() {
        let vars = build(&[
            ("PATH".to_owned(), "/only/here".to_owned()),
            ("NPM_TOKEN".to_owned(), "x".to_owned()),
            ("MODE".to_owned(), "test".to_owned()),
        ]);
        let get = |name: &str| {
            vars.iter()
                .filter(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(get("PATH"), vec![OsString::from("/only/here")]);
        assert_eq!(get("MODE"), vec![OsString::from("test")]);
        assert!(get("NPM_TOKEN").is_empty());
    }
}
