//! Spoken punctuation and casing: "config dot py" → `config.py`, "inventory slash
//! pricing" → `inventory/pricing`, "parse underscore config" → `parse_config`, "feature
//! dash login" → `feature-login`, "camel case user name" → `userName`, and file
//! extensions spoken as words or letters ("dot pie", "dot jason", "dot r s", "dot c p p").

use super::casing;
use super::lexicon::{ARTICLES, PREPOSITIONS, WordSet, Words};
use super::token::Token;

/// Spoken extension → written extension; longest spellings first.
const EXTENSIONS: &[(&[&str], &str)] = &[
    (&["c", "plus", "plus"], "cpp"),
    (&["t", "s", "x"], "tsx"),
    (&["j", "s", "x"], "jsx"),
    (&["c", "p", "p"], "cpp"),
    (&["h", "p", "p"], "hpp"),
    (&["h", "t", "m", "l"], "html"),
    (&["c", "s", "s"], "css"),
    (&["t", "x", "t"], "txt"),
    (&["y", "m", "l"], "yml"),
    (&["s", "q", "l"], "sql"),
    (&["p", "y"], "py"),
    (&["r", "s"], "rs"),
    (&["t", "s"], "ts"),
    (&["j", "s"], "js"),
    (&["m", "d"], "md"),
    (&["r", "b"], "rb"),
    (&["s", "h"], "sh"),
    (&["c", "s"], "cs"),
    (&["c", "sharp"], "cs"),
    (&["j", "son"], "json"),
    (&["tom", "l"], "toml"),
    (&["mark", "down"], "md"),
    (&["py"], "py"),
    (&["pie"], "py"),
    (&["pi"], "py"),
    (&["pye"], "py"),
    (&["python"], "py"),
    (&["rs"], "rs"),
    (&["rust"], "rs"),
    (&["ts"], "ts"),
    (&["tsx"], "tsx"),
    (&["js"], "js"),
    (&["jsx"], "jsx"),
    (&["json"], "json"),
    (&["jason"], "json"),
    (&["jayson"], "json"),
    (&["yaml"], "yaml"),
    (&["yammel"], "yaml"),
    (&["yamel"], "yaml"),
    (&["yml"], "yml"),
    (&["toml"], "toml"),
    (&["tommel"], "toml"),
    (&["md"], "md"),
    (&["markdown"], "md"),
    (&["txt"], "txt"),
    (&["text"], "txt"),
    (&["html"], "html"),
    (&["htm"], "htm"),
    (&["css"], "css"),
    (&["scss"], "scss"),
    (&["sh"], "sh"),
    (&["bash"], "sh"),
    (&["cpp"], "cpp"),
    (&["hpp"], "hpp"),
    (&["c"], "c"),
    (&["h"], "h"),
    (&["go"], "go"),
    (&["java"], "java"),
    (&["kt"], "kt"),
    (&["kotlin"], "kt"),
    (&["rb"], "rb"),
    (&["ruby"], "rb"),
    (&["php"], "php"),
    (&["sql"], "sql"),
    (&["xml"], "xml"),
    (&["csv"], "csv"),
    (&["lock"], "lock"),
    (&["env"], "env"),
    (&["ini"], "ini"),
    (&["cfg"], "cfg"),
    (&["vue"], "vue"),
    (&["svelte"], "svelte"),
    (&["swift"], "swift"),
    (&["cs"], "cs"),
    (&["lua"], "lua"),
    (&["dart"], "dart"),
    (&["scala"], "scala"),
    (&["ex"], "ex"),
    (&["exs"], "exs"),
    (&["zig"], "zig"),
    (&["proto"], "proto"),
    (&["wit"], "wit"),
    (&["gradle"], "gradle"),
    (&["lockfile"], "lock"),
    (&["gitignore"], "gitignore"),
];

/// Is `ext` (without the dot, any case) a file extension the parser knows?
pub(crate) fn is_known_extension(ext: &str) -> bool {
    let ext = ext.to_ascii_lowercase();
    EXTENSIONS.iter().any(|(_, e)| *e == ext)
        || matches!(
            ext.as_str(),
            "yml" | "mjs" | "cjs" | "pyi" | "ipynb" | "lock" | "tf" | "r"
        )
}

fn plain(tokens: &[Token], i: usize) -> Option<&str> {
    tokens
        .get(i)
        .filter(|t| t.is_plain())
        .map(|t| t.text.as_str())
}

/// The extension spoken at `tokens[i..]`: (extension, words used).
fn extension_at(tokens: &[Token], i: usize) -> Option<(&'static str, usize)> {
    EXTENSIONS.iter().find_map(|(spoken, ext)| {
        let all = spoken
            .iter()
            .enumerate()
            .all(|(k, w)| plain(tokens, i + k) == Some(*w));
        all.then_some((*ext, spoken.len()))
    })
}

/// Can `t` be the left side of a spoken separator?
fn joinable_left(t: &Token) -> bool {
    !t.text.is_empty()
        && t.text.chars().any(char::is_alphanumeric)
        && !(t.is_plain() && (ARTICLES.has(&t.text) || PREPOSITIONS.has(&t.text)))
}

/// Can `t` be the right side of a spoken separator?
fn joinable_right(t: Option<&Token>) -> bool {
    t.is_some_and(|t| {
        t.text.chars().any(char::is_alphanumeric)
            && !(t.is_plain()
                && (ARTICLES.has(&t.text) || SEPARATORS.iter().any(|(w, _)| *w == t.text)))
    })
}

const SEPARATORS: &[(&str, char)] = &[
    ("dot", '.'),
    ("slash", '/'),
    ("backslash", '/'),
    ("underscore", '_'),
    ("dash", '-'),
    ("hyphen", '-'),
];

/// Commands whose spoken "dash" starts a flag.
const SHELL_COMMANDS: Words = Words("rm git push commit ls npm cargo mkdir cp mv pytest");

/// Turns words into one identifier.
type Style = fn(&[&str]) -> String;

/// Spoken casing instructions: "camel case user name" → `userName`.
const CASE_STYLES: &[(&str, Style)] = &[
    ("camel case", casing::camel),
    ("camelcase", casing::camel),
    ("pascal case", casing::pascal),
    ("upper camel case", casing::pascal),
    ("snake case", casing::snake),
    ("kebab case", casing::kebab),
    ("screaming snake case", casing::screaming),
    ("all caps", casing::screaming),
];

/// Joins spoken separators and casing instructions into written identifiers and paths.
pub(crate) fn join(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    'outer: while i < tokens.len() {
        let Some(tok) = tokens.get(i) else { break };
        // "camel case user name" → userName
        for (style, apply) in CASE_STYLES {
            if let Some(n) = super::mishear::phrase_at(&tokens, i, style) {
                let start = i + n;
                let words: Vec<&str> = tokens
                    .iter()
                    .skip(start)
                    .take(4)
                    .take_while(|t| {
                        t.is_plain()
                            && !super::lexicon::is_stop(&t.text)
                            && super::lexicon::symbol_noun(&t.text).is_none()
                    })
                    .map(|t| t.text.as_str())
                    .collect();
                if !words.is_empty() {
                    let phrase = tokens
                        .iter()
                        .skip(i)
                        .take(n + words.len())
                        .map(|t| t.phrase.as_str())
                        .collect::<Vec<_>>()
                        .join(" ");
                    out.push(Token {
                        text: apply(&words),
                        phrase,
                        explicit: true,
                        ..Token::default()
                    });
                    i = start + words.len();
                    continue 'outer;
                }
            }
        }
        let sep = if tok.is_plain() {
            SEPARATORS
                .iter()
                .find(|(w, _)| *w == tok.text)
                .map(|(_, c)| *c)
        } else {
            None
        };
        let Some(sep) = sep else {
            out.push(tok.clone());
            i += 1;
            continue;
        };
        let left_ok = out.last().is_some_and(joinable_left);
        // "dash dash force" → --force
        if sep == '-'
            && matches!(plain(&tokens, i + 1), Some("dash" | "hyphen"))
            && let Some(flag) = tokens
                .get(i + 2)
                .filter(|t| t.is_plain() && t.text.chars().all(char::is_alphanumeric))
        {
            let phrase = format!(
                "{} {} {}",
                tok.phrase,
                tokens.get(i + 1).map_or("", |t| t.phrase.as_str()),
                flag.phrase
            );
            out.push(Token {
                text: format!("--{}", flag.text),
                phrase,
                explicit: true,
                ..Token::default()
            });
            i += 3;
            continue;
        }
        // "dot" + extension: config dot py, dot r s, dot jason.
        if sep == '.'
            && let Some((ext, n)) = extension_at(&tokens, i + 1)
        {
            let spoken = tokens
                .iter()
                .skip(i + 1)
                .take(n)
                .map(|t| t.phrase.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            match out.last_mut().filter(|_| left_ok) {
                Some(left) => {
                    left.text = format!("{}.{}", left.text, ext);
                    left.phrase = format!("{} {} {}", left.phrase, tok.phrase, spoken);
                    left.joined = true;
                }
                None => out.push(Token {
                    text: format!(".{ext}"),
                    phrase: format!("{} {}", tok.phrase, spoken),
                    joined: true,
                    ..Token::default()
                }),
            }
            i += 1 + n;
            continue;
        }
        let right = tokens.get(i + 1);
        if !joinable_right(right) {
            out.push(tok.clone());
            i += 1;
            continue;
        }
        let Some(right) = right else { break };
        let explicit = matches!(sep, '_' | '-');
        // "rm dash rf", "git push dash dash force": a flag for a command, not a name.
        let command = out
            .last()
            .is_some_and(|l| l.is_plain() && SHELL_COMMANDS.has(&l.text));
        let left_ok = left_ok && !(sep == '-' && command);
        match out.last_mut().filter(|_| left_ok) {
            Some(left) => {
                left.text = format!("{}{}{}", left.text, sep, right.text);
                left.phrase = format!("{} {} {}", left.phrase, tok.phrase, right.phrase);
                left.joined |= !explicit || right.joined;
                left.explicit |= explicit;
            }
            None => out.push(Token {
                text: format!("{}{}", sep, right.text),
                phrase: format!("{} {}", tok.phrase, right.phrase),
                joined: !explicit,
                explicit,
                ..Token::default()
            }),
        }
        i += 2;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::token::split;

    fn joined(s: &str) -> Vec<String> {
        join(split(s)).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn spoken_paths() {
        assert_eq!(joined("config dot py"), ["config.py"]);
        assert_eq!(
            joined("inventory slash pricing dot py"),
            ["inventory/pricing.py"]
        );
        assert_eq!(joined("open main dot r s"), ["open", "main.rs"]);
        assert_eq!(joined("settings dot jason"), ["settings.json"]);
        assert_eq!(joined("user model dot pie"), ["user", "model.py"]);
        assert_eq!(joined("engine dot c p p"), ["engine.cpp"]);
        assert_eq!(joined("app dot t s x"), ["app.tsx"]);
        assert_eq!(
            joined("open the dot env file"),
            ["open", "the", ".env", "file"]
        );
        assert_eq!(joined("os dot path"), ["os.path"]);
    }

    #[test]
    fn spoken_identifiers() {
        assert_eq!(joined("parse underscore config"), ["parse_config"]);
        assert_eq!(joined("feature dash login"), ["feature-login"]);
        assert_eq!(joined("rm dash rf build"), ["rm", "-rf", "build"]);
        assert_eq!(
            joined("git push dash dash force"),
            ["git", "push", "--force"]
        );
        assert_eq!(
            joined("the camel case user name field"),
            ["the", "userName", "field"]
        );
        let toks = join(split("parse underscore config"));
        assert!(
            toks.first()
                .is_some_and(|t| t.explicit && t.phrase == "parse underscore config")
        );
    }

    #[test]
    fn stray_separators_stay_words() {
        assert_eq!(joined("dot"), ["dot"]);
        assert_eq!(joined("slash the"), ["slash", "the"]);
        assert_eq!(joined("connect the dots"), ["connect", "the", "dots"]);
    }

    #[test]
    fn extensions_are_known() {
        assert!(is_known_extension("py"));
        assert!(is_known_extension("RS"));
        assert!(!is_known_extension("banana"));
    }
}
