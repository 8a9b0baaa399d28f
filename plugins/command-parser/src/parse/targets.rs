//! Target extraction: finds what a command is about (files, folders, symbols, lines) in
//! the cleaned tokens, in the order spoken. The finders live in `paths`, `symbols` and
//! `lines`; this file holds the shared scanner state and assembles the result.

use super::SpokenTarget;
use super::token::Token;

/// What kind of thing a found span names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Path,
    Symbol,
    Line,
}

/// One target and the tokens that named it.
#[derive(Clone, Debug)]
pub(crate) struct Found {
    pub start: usize,
    pub end: usize,
    pub role: Role,
    pub target: SpokenTarget,
}

/// Scanner state shared by the finders: tokens, which are used up, what was found.
pub(crate) struct Scan<'a> {
    pub tokens: &'a [Token],
    pub used: Vec<bool>,
    pub found: Vec<Found>,
    pub params: Vec<(String, String)>,
}

impl<'a> Scan<'a> {
    pub(crate) fn new(tokens: &'a [Token]) -> Scan<'a> {
        Scan {
            tokens,
            used: vec![false; tokens.len()],
            found: Vec::new(),
            params: Vec::new(),
        }
    }

    /// The token's text if it is a plain word, else "".
    pub(crate) fn word(&self, i: usize) -> &'a str {
        self.tokens
            .get(i)
            .filter(|t| t.is_plain())
            .map_or("", |t| t.text.as_str())
    }

    pub(crate) fn token(&self, i: usize) -> Option<&'a Token> {
        self.tokens.get(i)
    }

    /// Not yet part of a target.
    pub(crate) fn free(&self, i: usize) -> bool {
        i < self.tokens.len() && !self.used.get(i).copied().unwrap_or(true)
    }

    /// The spoken words of `start..end`.
    pub(crate) fn phrase(&self, start: usize, end: usize) -> String {
        let end = end.min(self.tokens.len());
        let start = start.min(end);
        self.tokens
            .get(start..end)
            .unwrap_or(&[])
            .iter()
            .map(|t| t.phrase.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub(crate) fn mark(&mut self, start: usize, end: usize) {
        for u in self.used.iter_mut().take(end).skip(start) {
            *u = true;
        }
    }

    /// Records a path or symbol found at `start..end` and uses its tokens up.
    pub(crate) fn add(&mut self, start: usize, end: usize, role: Role, value: String) {
        let mut target = SpokenTarget {
            phrase: self.phrase(start, end),
            ..SpokenTarget::default()
        };
        match role {
            Role::Path => target.path = Some(value),
            Role::Symbol => target.symbol = Some(value),
            Role::Line => target.line = value.parse().ok(),
        }
        self.mark(start, end);
        self.found.push(Found {
            start,
            end,
            role,
            target,
        });
    }

    /// The found target covering token `i`, if any.
    pub(crate) fn found_at(&self, i: usize) -> Option<&Found> {
        self.found.iter().find(|f| f.start <= i && i < f.end)
    }

    pub(crate) fn param(&mut self, key: &str, value: String) {
        if !self.params.iter().any(|(k, _)| k == key) {
            self.params.push((key.to_string(), value));
        }
    }
}

/// Targets of a command, plus the params that came with them (`end_line`, `new_name`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Targets {
    pub found: Vec<Found>,
    pub params: Vec<(String, String)>,
}

impl Targets {
    /// The role of the target spanning token `i` (paths and symbols only).
    pub(crate) fn role_at(&self, i: usize) -> Option<Role> {
        self.found
            .iter()
            .find(|f| f.start <= i && i < f.end && f.role != Role::Line)
            .map(|f| f.role)
    }

    pub(crate) fn has(&self, role: Role) -> bool {
        self.found
            .iter()
            .any(|f| f.role == role || (role == Role::Line && f.target.line.is_some()))
    }

    pub(crate) fn list(&self) -> Vec<SpokenTarget> {
        self.found.iter().map(|f| f.target.clone()).collect()
    }
}

/// Finds every target in the tokens.
pub(crate) fn extract(tokens: &[Token]) -> Targets {
    let mut scan = Scan::new(tokens);
    super::paths::find_paths(&mut scan);
    super::symbols::find_nouns(&mut scan);
    super::paths::find_folders(&mut scan);
    super::symbols::find_typed(&mut scan);
    super::symbols::find_rename(&mut scan);
    super::frames::find_frames(&mut scan);
    super::lines::find_lines(&mut scan);
    let Scan {
        mut found, params, ..
    } = scan;
    found.sort_by_key(|f| f.start);
    // A line spoken with exactly one file belongs to that file ("line 42 of server.js").
    let paths = found.iter().filter(|f| f.role == Role::Path).count();
    if paths == 1
        && let Some(line) = found
            .iter()
            .find(|f| f.role == Role::Line)
            .and_then(|f| f.target.line)
    {
        found.retain(|f| f.role != Role::Line || f.target.line != Some(line));
        if let Some(p) = found.iter_mut().find(|f| f.role == Role::Path) {
            p.target.line = Some(line);
        }
    }
    let mut unique: Vec<Found> = Vec::new();
    for f in found {
        let dup = unique.iter().any(|u| {
            u.target.path == f.target.path
                && u.target.symbol == f.target.symbol
                && u.target.line == f.target.line
        });
        if !dup {
            unique.push(f);
        }
    }
    Targets {
        found: unique,
        params,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::normalize;

    fn targets(s: &str) -> Vec<SpokenTarget> {
        extract(&normalize::clean(s).tokens).list()
    }

    fn paths(s: &str) -> Vec<String> {
        targets(s).into_iter().filter_map(|t| t.path).collect()
    }

    fn symbols(s: &str) -> Vec<String> {
        targets(s).into_iter().filter_map(|t| t.symbol).collect()
    }

    #[test]
    fn spoken_file_names() {
        assert_eq!(
            paths("add a docstring to parse config dot py"),
            ["parse_config.py"]
        );
        assert_eq!(
            paths("show inventory slash pricing dot py"),
            ["inventory/pricing.py"]
        );
        assert_eq!(
            paths("run the tests in tests slash test api dot py"),
            ["tests/test_api.py"]
        );
        assert_eq!(
            paths("display the header file math utils dot h"),
            ["math_utils.h"]
        );
        assert_eq!(paths("open src/main.rs"), ["src/main.rs"]);
        assert_eq!(paths("delete the build folder"), ["build"]);
        assert_eq!(
            paths("rename the file old name dot js to new name dot js"),
            ["old_name.js", "new_name.js"]
        );
        let t = targets("add a docstring to parse config dot py");
        assert_eq!(
            t.first().map(|t| t.phrase.as_str()),
            Some("parse config dot py")
        );
    }

    #[test]
    fn symbol_casing() {
        assert_eq!(
            symbols("explain the parse config function"),
            ["parse_config"]
        );
        assert_eq!(symbols("show the stock item class"), ["StockItem"]);
        assert_eq!(symbols("test the add to cart function"), ["add_to_cart"]);
        assert_eq!(
            symbols("set the max retries constant to 5"),
            ["MAX_RETRIES"]
        );
        assert_eq!(
            symbols("create a class called invoice generator"),
            ["InvoiceGenerator"]
        );
        assert_eq!(symbols("explain parse underscore config"), ["parse_config"]);
        assert_eq!(symbols("explain StockItem"), ["StockItem"]);
        assert_eq!(symbols("where is get user used"), ["get_user"]);
        assert_eq!(symbols("make get price return a decimal"), ["get_price"]);
        assert!(symbols("extract this into its own function").is_empty());
    }

    #[test]
    fn lines_attach_to_the_file() {
        let t = targets("go to line forty two of server dot js");
        assert_eq!(t.len(), 1);
        assert_eq!(t.first().and_then(|t| t.line), Some(42));
        let params =
            extract(&normalize::clean("show lines ten to twenty of a dot py").tokens).params;
        assert_eq!(params, [("end_line".to_string(), "20".to_string())]);
    }

    #[test]
    fn rename_gives_new_name() {
        let tg = extract(&normalize::clean("rename get data to fetch data").tokens);
        assert_eq!(
            tg.params,
            [("new_name".to_string(), "fetch_data".to_string())]
        );
        assert_eq!(
            tg.list().first().and_then(|t| t.symbol.clone()).as_deref(),
            Some("get_data")
        );
    }
}
