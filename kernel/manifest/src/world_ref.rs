//! World references such as `ralex:plugin/command-parser@0.1.0`.

use std::fmt;

/// A parsed world reference: `namespace:package/world@version`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct WorldRef {
    /// `ralex:plugin`.
    pub package: String,
    /// `command-parser`.
    pub world: String,
    /// `0.1.0`.
    pub version: String,
}

impl WorldRef {
    /// Parse `namespace:package/world@version`; the error says what was expected.
    pub fn parse(s: &str) -> Result<WorldRef, String> {
        let expected =
            "expected `namespace:package/world@version`, e.g. `ralex:plugin/command-parser@0.1.0`";
        let (path, version) = s
            .split_once('@')
            .ok_or_else(|| format!("has no version; {expected}"))?;
        let (package, world) = path
            .split_once('/')
            .ok_or_else(|| format!("has no world name; {expected}"))?;
        let (namespace, name) = package
            .split_once(':')
            .ok_or_else(|| format!("has no namespace; {expected}"))?;
        for (part, what) in [
            (namespace, "namespace"),
            (name, "package"),
            (world, "world"),
        ] {
            if !crate::fields::is_kebab(part) {
                return Err(format!(
                    "has an invalid {what} `{part}` (kebab-case); {expected}"
                ));
            }
        }
        if !crate::fields::is_semver(version) {
            return Err(format!("has an invalid version `{version}`; {expected}"));
        }
        Ok(WorldRef {
            package: package.to_string(),
            world: world.to_string(),
            version: version.to_string(),
        })
    }
}

impl fmt::Display for WorldRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}@{}", self.package, self.world, self.version)
    }
}
