//! Small validators for manifest field values.

/// `kebab-case`: lowercase ASCII letters and digits separated by single hyphens,
/// starting with a letter.
pub(crate) fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// `MAJOR.MINOR.PATCH` with an optional `-pre` suffix.
pub(crate) fn is_semver(s: &str) -> bool {
    let core = s
        .split_once('-')
        .map_or(s, |(core, pre)| if pre.is_empty() { "" } else { core });
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// A bare file name ending in `.wasm`: no directories, no `..`.
pub(crate) fn is_component_file(s: &str) -> bool {
    s.ends_with(".wasm") && s.len() > 5 && !s.contains(['/', '\\', '\0']) && !s.starts_with('.')
}

/// 64 lowercase hex digits.
pub(crate) fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f'))
}
