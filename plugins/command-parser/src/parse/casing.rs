//! Identifier casing: turns spoken words into `snake_case`, `PascalCase`, `camelCase`,
//! `SCREAMING_SNAKE` or `kebab-case`. Words already typed as identifiers keep their form.

/// True when a word already looks like a typed identifier (has `_`, or inner capitals).
pub(crate) fn looks_typed(w: &str) -> bool {
    w.contains('_') || w.chars().skip(1).any(char::is_uppercase)
}

fn capitalize(w: &str) -> String {
    let mut chars = w.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `parse config` → `parse_config`.
pub(crate) fn snake(words: &[&str]) -> String {
    if let [only] = words
        && looks_typed(only)
    {
        return (*only).to_string();
    }
    words
        .iter()
        .map(|w| {
            if looks_typed(w) {
                (*w).to_string()
            } else {
                w.to_lowercase()
            }
        })
        .collect::<Vec<_>>()
        .join("_")
}

/// `stock item` → `StockItem`.
pub(crate) fn pascal(words: &[&str]) -> String {
    if let [only] = words
        && looks_typed(only)
    {
        return (*only).to_string();
    }
    words
        .iter()
        .map(|w| capitalize(&w.to_lowercase()))
        .collect()
}

/// `user name` → `userName`.
pub(crate) fn camel(words: &[&str]) -> String {
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i == 0 {
            out.push_str(&w.to_lowercase());
        } else {
            out.push_str(&capitalize(&w.to_lowercase()));
        }
    }
    out
}

/// `max retries` → `MAX_RETRIES`.
pub(crate) fn screaming(words: &[&str]) -> String {
    if let [only] = words
        && only.contains('_')
    {
        return only.to_uppercase();
    }
    words
        .iter()
        .map(|w| w.to_uppercase())
        .collect::<Vec<_>>()
        .join("_")
}

/// `feature login` → `feature-login`.
pub(crate) fn kebab(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casings() {
        assert_eq!(snake(&["parse", "config"]), "parse_config");
        assert_eq!(pascal(&["stock", "item"]), "StockItem");
        assert_eq!(camel(&["add", "to", "cart"]), "addToCart");
        assert_eq!(screaming(&["max", "retries"]), "MAX_RETRIES");
        assert_eq!(kebab(&["feature", "login"]), "feature-login");
    }

    #[test]
    fn typed_identifiers_pass_through() {
        assert_eq!(snake(&["parse_config"]), "parse_config");
        assert_eq!(pascal(&["StockItem"]), "StockItem");
        assert_eq!(screaming(&["max_retries"]), "MAX_RETRIES");
        assert_eq!(pascal(&[]), "");
        assert_eq!(snake(&["émile", "zola"]), "émile_zola");
    }
}
