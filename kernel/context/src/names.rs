//! Names as words: identifiers split into lowercase words (snake, camel,
//! Pascal, kebab, SCREAMING, digits), and spoken target phrases normalised into
//! the same words plus what the phrase says about the target's shape — a kind
//! hint ("class", "module"), a file extension ("dot py"), directories ("slash"),
//! a scope ("total in cart").
//!
//! Nothing here knows the project; the resolver compares the two sides.

use serde::{Deserialize, Serialize};

use crate::extract::SymbolKind;

/// What kind of target a phrase names, when it says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Hint {
    /// "function", "func", "fn".
    Function,
    /// "method".
    Method,
    /// "class", "struct".
    Class,
    /// "interface", "trait", "protocol".
    Interface,
    /// "type", "enum": any named type.
    Type,
    /// "constant", "const".
    Constant,
    /// "variable", "var".
    Variable,
    /// "field", "property", "attribute", "member".
    Field,
    /// "module", "file", "package", "script": a file or a directory.
    Module,
    /// "folder", "directory", "dir".
    Directory,
}

impl Hint {
    /// The hint a single word gives, if any.
    pub fn from_word(word: &str) -> Option<Hint> {
        Some(match word {
            "function" | "func" | "fn" | "functions" => Hint::Function,
            "method" | "methods" => Hint::Method,
            "class" | "struct" | "structure" | "record" => Hint::Class,
            "interface" | "trait" | "protocol" => Hint::Interface,
            "type" | "enum" | "enumeration" => Hint::Type,
            "constant" | "const" => Hint::Constant,
            "variable" | "var" => Hint::Variable,
            "field" | "property" | "attribute" | "member" => Hint::Field,
            "module" | "file" | "package" | "script" => Hint::Module,
            "folder" | "directory" | "dir" => Hint::Directory,
            _ => return None,
        })
    }

    /// How well a symbol kind fits the hint: 1.0 exactly, 0.9 close (another
    /// kind of type, a method for a function), 0.0 not at all.
    pub fn fit(self, kind: SymbolKind) -> f64 {
        use SymbolKind as K;
        let typeish = matches!(
            kind,
            K::Class | K::Struct | K::Interface | K::Trait | K::Enum | K::Type
        );
        match self {
            Hint::Function => match kind {
                K::Function => 1.0,
                K::Method | K::Macro => 0.9,
                _ => 0.0,
            },
            Hint::Method => match kind {
                K::Method => 1.0,
                K::Function => 0.9,
                _ => 0.0,
            },
            Hint::Class => match kind {
                K::Class | K::Struct => 1.0,
                _ if typeish => 0.9,
                _ => 0.0,
            },
            Hint::Interface => match kind {
                K::Interface | K::Trait => 1.0,
                _ if typeish => 0.9,
                _ => 0.0,
            },
            Hint::Type => {
                if typeish {
                    1.0
                } else {
                    0.0
                }
            }
            Hint::Constant => match kind {
                K::Constant => 1.0,
                K::Variable | K::Variant => 0.9,
                _ => 0.0,
            },
            Hint::Variable => match kind {
                K::Variable => 1.0,
                K::Constant | K::Field => 0.9,
                _ => 0.0,
            },
            Hint::Field => match kind {
                K::Field => 1.0,
                K::Variable | K::Constant => 0.9,
                _ => 0.0,
            },
            Hint::Module => match kind {
                K::Module => 1.0,
                _ => 0.0,
            },
            Hint::Directory => match kind {
                K::Module => 0.9,
                _ => 0.0,
            },
        }
    }
}

/// An identifier's words, lowercase: `parseConfig`, `parse_config`,
/// `parse-config` and `PARSE_CONFIG` all give `["parse", "config"]`;
/// `HTTPServer` gives `["http", "server"]`, `sha256sum` `["sha", "256", "sum"]`.
pub fn identifier_words(ident: &str) -> Vec<String> {
    let mut words = Vec::new();
    for run in ident.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<char> = run.chars().collect();
        let mut start = 0;
        for i in 1..chars.len() {
            let (p, c) = (chars[i - 1], chars[i]);
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let boundary = (p.is_lowercase() && c.is_uppercase())
                || (p.is_alphabetic() && c.is_ascii_digit())
                || (p.is_ascii_digit() && c.is_alphabetic())
                || (p.is_uppercase() && c.is_uppercase() && next_lower);
            if boundary {
                words.push(chars[start..i].iter().collect::<String>().to_lowercase());
                start = i;
            }
        }
        if start < chars.len() {
            words.push(chars[start..].iter().collect::<String>().to_lowercase());
        }
    }
    words
}

/// A spoken (or typed) target phrase, normalised.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Spoken {
    /// The words of the name itself (the last path segment, without extension).
    pub words: Vec<String>,
    /// Directory segments before it ("inventory slash api" → `["inventory"]`),
    /// each squashed to one lowercase word.
    pub dirs: Vec<String>,
    /// A file extension ("dot py" → `py`).
    pub ext: Option<String>,
    /// A kind the phrase names ("class", "module").
    pub hint: Option<Hint>,
    /// Words of an enclosing scope: "total in cart", "cart dot total" → `["cart"]`.
    pub scope: Vec<String>,
}

impl Spoken {
    /// Whether the phrase has the shape of a path (an extension or directories).
    pub fn is_path(&self) -> bool {
        self.ext.is_some() || !self.dirs.is_empty()
    }
}

/// Extensions a phrase may name after "dot".
const EXTENSIONS: &[&str] = &[
    "py", "pyi", "rs", "ts", "tsx", "js", "jsx", "mjs", "cjs", "go", "md", "json", "toml", "yaml",
    "yml", "txt", "sh", "html", "css", "sql", "lock", "cfg", "ini",
];

/// Words that carry no meaning in a target phrase.
const FILLERS: &[&str] = &[
    "the", "a", "an", "this", "that", "please", "um", "uh", "er", "my", "our", "called", "named",
    "thing", "one",
];

/// Words that open a scope: "total in cart".
const SCOPE_WORDS: &[&str] = &["in", "inside", "within", "from"];

/// Normalise a spoken or typed target phrase.
pub fn parse_phrase(phrase: &str) -> Spoken {
    parse_phrase_with(phrase, true)
}

/// [`parse_phrase`], optionally keeping kind words as name words: "payment
/// method" may be the method `payment` or the type `PaymentMethod`, so the
/// resolver tries both readings.
pub fn parse_phrase_with(phrase: &str, kind_words_are_hints: bool) -> Spoken {
    let mut tokens: Vec<String> = Vec::new();
    let lowered = phrase
        .to_lowercase()
        .replace("'s ", " ")
        .replace("’s ", " ");
    for raw in lowered.split_whitespace() {
        // A typed path or identifier: keep '/' and '.' as their spoken words.
        let mut word = String::new();
        let flush = |word: &mut String, tokens: &mut Vec<String>| {
            if !word.is_empty() {
                tokens.push(std::mem::take(word));
            }
        };
        for c in raw.chars() {
            match c {
                '/' | '\\' => {
                    flush(&mut word, &mut tokens);
                    tokens.push("slash".into());
                }
                '.' => {
                    flush(&mut word, &mut tokens);
                    tokens.push("dot".into());
                }
                c if c.is_alphanumeric() => word.push(c),
                _ => flush(&mut word, &mut tokens),
            }
        }
        flush(&mut word, &mut tokens);
    }
    // Typed identifiers ("parseConfig", "parse_config") were lowercased above, but
    // their separators split them already; camel case is lost to lowercasing,
    // which is fine: the resolver also compares squashed forms.
    let tokens: Vec<String> = tokens
        .into_iter()
        .map(|t| number_word(&t).map(str::to_string).unwrap_or(t))
        .filter(|t| !FILLERS.contains(&t.as_str()))
        .filter(|t| !matches!(t.as_str(), "underscore" | "dash" | "hyphen"))
        .collect();

    let mut spoken = Spoken::default();
    // Kind words at either edge of the phrase are hints, not name words.
    let mut body: &[String] = &tokens;
    if kind_words_are_hints
        && body.len() > 1
        && let Some(h) = Hint::from_word(&body[body.len() - 1])
    {
        spoken.hint = Some(h);
        body = &body[..body.len() - 1];
    }
    if kind_words_are_hints
        && body.len() > 1
        && let Some(h) = Hint::from_word(&body[0])
    {
        spoken.hint = spoken.hint.or(Some(h));
        body = &body[1..];
    }

    // Scope: "X in Y" (Y is a container or file).
    if let Some(at) = body
        .iter()
        .position(|t| SCOPE_WORDS.contains(&t.as_str()))
        .filter(|&at| at > 0 && at + 1 < body.len())
    {
        let scope: Vec<String> = body[at + 1..]
            .iter()
            .filter(|t| Hint::from_word(t).is_none())
            .cloned()
            .collect();
        spoken.scope = scope;
        body = &body[..at];
        if kind_words_are_hints
            && body.len() > 1
            && let Some(h) = Hint::from_word(&body[body.len() - 1])
        {
            spoken.hint = spoken.hint.or(Some(h));
            body = &body[..body.len() - 1];
        }
    }

    let mut segment: Vec<String> = Vec::new();
    let mut i = 0;
    while i < body.len() {
        let t = body[i].as_str();
        match t {
            "slash" => {
                if !segment.is_empty() {
                    spoken.dirs.push(segment.concat());
                    segment.clear();
                }
            }
            "dot" => {
                let next = body.get(i + 1).map(String::as_str);
                match next {
                    Some(ext) if EXTENSIONS.contains(&ext) && i + 2 == body.len() => {
                        spoken.ext = Some(ext.to_string());
                        i += 1;
                    }
                    Some(_) if !segment.is_empty() => {
                        // "cart dot total": a member of cart.
                        spoken.scope = std::mem::take(&mut segment);
                    }
                    _ => {}
                }
            }
            _ => {
                let word = merge_digits(&mut segment, t);
                if !word.is_empty() {
                    segment.push(word);
                }
            }
        }
        i += 1;
    }
    spoken.words = segment;
    if spoken.ext.is_some() || !spoken.dirs.is_empty() {
        spoken.hint = spoken.hint.or(Some(Hint::Module));
    }
    spoken
}

/// Spoken digits join the digits before them: "sha two five six" → `sha 256`.
fn merge_digits(segment: &mut [String], t: &str) -> String {
    if t.chars().all(|c| c.is_ascii_digit())
        && let Some(last) = segment.last_mut()
        && !last.is_empty()
        && last.chars().all(|c| c.is_ascii_digit())
    {
        last.push_str(t);
        return String::new();
    }
    t.to_string()
}

fn number_word(t: &str) -> Option<&'static str> {
    Some(match t {
        "zero" => "0",
        "two" => "2",
        "three" => "3",
        "four" => "4",
        "five" => "5",
        "six" => "6",
        "seven" => "7",
        "eight" => "8",
        "nine" => "9",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        identifier_words(s)
    }

    #[test]
    fn identifiers_split_into_words() {
        assert_eq!(w("parseConfig"), ["parse", "config"]);
        assert_eq!(w("parse_config"), ["parse", "config"]);
        assert_eq!(w("parse-config"), ["parse", "config"]);
        assert_eq!(w("PARSE_CONFIG"), ["parse", "config"]);
        assert_eq!(w("ParseConfig"), ["parse", "config"]);
        assert_eq!(w("HTTPServer"), ["http", "server"]);
        assert_eq!(w("addToCart"), ["add", "to", "cart"]);
        assert_eq!(w("sha256sum"), ["sha", "256", "sum"]);
        assert_eq!(w("parseSKU"), ["parse", "sku"]);
        assert_eq!(w("__init__"), ["init"]);
        assert_eq!(w("x"), ["x"]);
        assert!(w("__").is_empty());
    }

    #[test]
    fn phrases_normalise() {
        let s = parse_phrase("parse config");
        assert_eq!(
            (s.words.clone(), s.hint),
            (vec!["parse".into(), "config".into()], None)
        );

        let s = parse_phrase("the stock item class");
        assert_eq!(s.words, ["stock", "item"]);
        assert_eq!(s.hint, Some(Hint::Class));

        let s = parse_phrase("config dot py");
        assert_eq!(
            (s.words.clone(), s.ext.as_deref()),
            (vec!["config".to_string()], Some("py"))
        );
        assert_eq!(s.hint, Some(Hint::Module));

        let s = parse_phrase("the api module");
        assert_eq!(
            (s.words.clone(), s.hint),
            (vec!["api".to_string()], Some(Hint::Module))
        );

        let s = parse_phrase("inventory slash api dot py");
        assert_eq!(s.dirs, ["inventory"]);
        assert_eq!(s.words, ["api"]);
        assert_eq!(s.ext.as_deref(), Some("py"));

        let s = parse_phrase("inventory/parse_config.py");
        assert_eq!(s.dirs, ["inventory"]);
        assert_eq!(s.words, ["parse", "config"]);

        let s = parse_phrase("function add to cart");
        assert_eq!(s.words, ["add", "to", "cart"]);
        assert_eq!(s.hint, Some(Hint::Function));

        let s = parse_phrase_with("payment method", false);
        assert_eq!(
            (s.words.clone(), s.hint),
            (vec!["payment".into(), "method".into()], None)
        );
        assert_eq!(parse_phrase("scripts folder").hint, Some(Hint::Directory));

        let s = parse_phrase("the total method in cart");
        assert_eq!(s.words, ["total"]);
        assert_eq!(s.scope, ["cart"]);
        assert_eq!(s.hint, Some(Hint::Method));

        let s = parse_phrase("cart dot total");
        assert_eq!(
            (s.words.clone(), s.scope.clone()),
            (vec!["total".into()], vec!["cart".into()])
        );

        let s = parse_phrase("sha two five six");
        assert_eq!(s.words, ["sha", "256"]);

        // A kind word alone is a name, not a hint.
        assert_eq!(parse_phrase("type").words, ["type"]);
    }

    #[test]
    fn hints_fit_kinds() {
        assert_eq!(Hint::Class.fit(SymbolKind::Struct), 1.0);
        assert_eq!(Hint::Class.fit(SymbolKind::Interface), 0.9);
        assert_eq!(Hint::Class.fit(SymbolKind::Function), 0.0);
        assert_eq!(Hint::Function.fit(SymbolKind::Method), 0.9);
    }
}
