//! The environment a program gets: a short allow-list from the kernel's own
//! environment, plus variables the kernel configured explicitly.
//!
//! Owns: the allow-list and the secret-name filter.
//!
//! Must never: pass a variable whose name looks like a secret, whoever asks;
//! start from the kernel's environment (the command's is cleared first).

use std::ffi::OsString;

use crate::ExecError;

/// The variables copied from the kernel's environment when set.
pub const PASSED_VARIABLES: &[&str] = &[
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "TERM",
    "TMPDIR",
    "USER",
    "CARGO_HOME",
    "RUSTUP_HOME",
];

/// Whether a variable name looks like it holds a secret: it contains `KEY`,
/// `TOKEN`, `SECRET`, `PASSWORD` or `CREDENTIAL`, or starts with `RALEX_`,
/// `AWS_`, `OPENAI` or `ANTHROPIC` (case-insensitively).
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["KEY", "TOKEN", "SECRET", "PASSWORD", "CREDENTIAL"]
        .iter()
        .any(|word| upper.contains(word))
        || ["RALEX_", "AWS_", "OPENAI", "ANTHROPIC"]
            .iter()
            .any(|prefix| upper.starts_with(prefix))
}

/// Checks an extra variable the kernel wants to pass.
pub(crate) fn check_extra(name: &str, value: &str) -> Result<(), ExecError> {
    let valid = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(ExecError::InvalidVariable {
            name: name.to_owned(),
        });
    }
    if value.contains('\0') {
        return Err(ExecError::NulByte {
            what: format!("value of {name}"),
        });
    }
    if is_secret_name(name) {
        return Err(ExecError::SecretVariable {
            name: name.to_owned(),
        });
    }
    Ok(())
}

/// The full environment for a program: the allow-listed kernel variables, then
/// `extra` (already checked), then `overrides` (the sandbox's `TMPDIR`).
pub(crate) fn build(
    extra: &[(String, String)],
    overrides: &[(&str, &str)],
) -> Vec<(OsString, OsString)> {
    let mut vars: Vec<(OsString, OsString)> = PASSED_VARIABLES
        .iter()
        .filter(|name| !is_secret_name(name))
        .filter_map(|name| std::env::var_os(name).map(|value| (OsString::from(name), value)))
        .collect();
    let mut set = |name: &str, value: &str| {
        vars.retain(|(existing, _)| existing != name);
        vars.push((name.into(), value.into()));
    };
    for (name, value) in extra {
        if !is_secret_name(name) {
            set(name, value);
        }
    }
    for (name, value) in overrides {
        set(name, value);
    }
    vars
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_are_recognised() {
        for name in [
            "GITHUB_TOKEN",
            "api_key",
            "MY_SECRET",
            "DB_PASSWORD",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "RALEX_STORE",
            "AWS_REGION",
            "OPENAI_ORG",
            "ANTHROPIC_BASE_URL",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in PASSED_VARIABLES
            .iter()
            .chain(&["RUST_LOG", "CI", "NODE_ENV"])
        {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn extra_variables_are_checked() {
        assert!(check_extra("RUST_BACKTRACE", "1").is_ok());
        assert_eq!(
            check_extra("NPM_TOKEN", "x").unwrap_err().kind(),
            ralex_caps::ErrorKind::Denied
        );
        assert!(check_extra("A=B", "x").is_err());
        assert!(check_extra("1X", "x").is_err());
        assert!(check_extra("X", "a\0b").is_err());
    }
}
