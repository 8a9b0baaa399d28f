//! Allow-list entries: a program name and the arguments a call must start with.
//!
//! Owns: parsing entries from the manifest (`"cargo test"`, `"pytest"`,
//! `"npm run lint"`) and matching a call against them.
//!
//! Must never: match a program by anything but its exact bare name, or treat an
//! entry as shell syntax (entries are split on whitespace; quoting is refused).
//! Note that an entry for a shell or interpreter allows everything: see the
//! crate documentation.

use std::fmt;

use crate::ExecError;

/// One allowed command: `program` followed by at least `prefix`.
///
/// `Allowed::parse("cargo test")` allows `cargo test` and `cargo test --lib`,
/// not `cargo publish` or `cargo` alone. An entry with no prefix (`"pytest"`)
/// allows the program with any arguments.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Allowed {
    /// The bare program name, found on the kernel's PATH at run time.
    pub program: String,
    /// The arguments every call must start with.
    pub prefix: Vec<String>,
}

impl Allowed {
    /// Parses a manifest entry: words separated by whitespace, the first being
    /// the program's bare name.
    pub fn parse(entry: &str) -> Result<Allowed, ExecError> {
        let invalid = |reason: &str| ExecError::InvalidEntry {
            entry: entry.to_owned(),
            reason: reason.to_owned(),
        };
        if entry.contains(['\'', '"', '\\', '\0']) {
            return Err(invalid(
                "entries are split on spaces; quotes, backslashes and NUL bytes are not supported",
            ));
        }
        let mut words = entry.split_whitespace().map(str::to_owned);
        let program = words.next().ok_or_else(|| invalid("the entry is empty"))?;
        if program.contains('/') {
            return Err(invalid(
                "name the program, not a path (`cargo`, not `/usr/bin/cargo`)",
            ));
        }
        Ok(Allowed {
            program,
            prefix: words.collect(),
        })
    }

    /// Whether this entry allows running `program` with `args`.
    pub fn permits(&self, program: &str, args: &[String]) -> bool {
        self.program == program && args.starts_with(&self.prefix)
    }
}

impl fmt::Display for Allowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.program)?;
        for word in &self.prefix {
            write!(f, " {word}")?;
        }
        Ok(())
    }
}

/// The allow-list for messages: `` `cargo test`, `pytest` `` or `nothing`.
pub(crate) fn describe(allowed: &[Allowed]) -> String {
    if allowed.is_empty() {
        return "nothing".to_owned();
    }
    allowed
        .iter()
        .map(|entry| format!("`{entry}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn parses_program_and_prefix() {
        let npm = Allowed::parse("  npm   run lint ").unwrap();
        assert_eq!(npm.program, "npm");
        assert_eq!(npm.prefix, args(&["run", "lint"]));
        assert_eq!(npm.to_string(), "npm run lint");
        assert!(Allowed::parse("pytest").unwrap().prefix.is_empty());
    }

    #[test]
    fn refuses_paths_quotes_and_empty_entries() {
        for bad in [
            "",
            "   ",
            "/usr/bin/cargo test",
            "./cargo",
            "echo 'a b'",
            "sh -c \"x\"",
        ] {
            assert_eq!(
                Allowed::parse(bad).expect_err(bad).kind(),
                ralex_caps::ErrorKind::InvalidInput,
                "{bad}"
            );
        }
    }

    #[test]
    fn prefix_must_lead_the_arguments() {
        let cargo = Allowed::parse("cargo test").unwrap();
        assert!(cargo.permits("cargo", &args(&["test"])));
        assert!(cargo.permits("cargo", &args(&["test", "--lib"])));
        assert!(!cargo.permits("cargo", &args(&["publish"])));
        assert!(!cargo.permits("cargo", &args(&[])));
        assert!(!cargo.permits("cargo", &args(&["--lib", "test"])));
        assert!(!cargo.permits("cargo-test", &args(&["test"])));
    }
}
