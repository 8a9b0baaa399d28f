//! Languages: which ones a command's targets are written in, and which one a
//! standards file is named for.
//!
//! Owns the table of languages with their file extensions and the names a standards
//! file may carry ("python.md", "py-style.md", "rust.md", "typescript.md", ...).
//! JavaScript and TypeScript are one family: their standards usually apply to both.

use std::collections::BTreeSet;

/// One language (or family) the enhancer knows.
struct Language {
    /// Its name, as reported.
    name: &'static str,
    /// File extensions, lowercase, without the dot.
    extensions: &'static [&'static str],
    /// Words that name it in a standards file's name.
    file_words: &'static [&'static str],
    /// Words that name it in a command (no short ones like "go" or "c": too common).
    command_words: &'static [&'static str],
}

const LANGUAGES: &[Language] = &[
    Language {
        name: "python",
        extensions: &["py", "pyi", "pyw"],
        file_words: &["python", "py"],
        command_words: &["python"],
    },
    Language {
        name: "rust",
        extensions: &["rs"],
        file_words: &["rust", "rs"],
        command_words: &["rust"],
    },
    Language {
        name: "javascript",
        extensions: &["js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts"],
        file_words: &["javascript", "typescript", "js", "ts", "jsx", "tsx", "node"],
        command_words: &["javascript", "typescript", "node"],
    },
    Language {
        name: "go",
        extensions: &["go"],
        file_words: &["go", "golang"],
        command_words: &["golang"],
    },
    Language {
        name: "java",
        extensions: &["java"],
        file_words: &["java"],
        command_words: &["java"],
    },
    Language {
        name: "kotlin",
        extensions: &["kt", "kts"],
        file_words: &["kotlin", "kt"],
        command_words: &["kotlin"],
    },
    Language {
        name: "c",
        extensions: &["c", "h"],
        file_words: &["c"],
        command_words: &[],
    },
    Language {
        name: "c++",
        extensions: &["cc", "cpp", "cxx", "hpp", "hh", "hxx"],
        file_words: &["cpp", "cxx", "cplusplus"],
        command_words: &["cpp"],
    },
    Language {
        name: "c#",
        extensions: &["cs"],
        file_words: &["csharp", "cs", "dotnet"],
        command_words: &["csharp", "dotnet"],
    },
    Language {
        name: "ruby",
        extensions: &["rb"],
        file_words: &["ruby", "rb"],
        command_words: &["ruby"],
    },
    Language {
        name: "php",
        extensions: &["php"],
        file_words: &["php"],
        command_words: &["php"],
    },
    Language {
        name: "swift",
        extensions: &["swift"],
        file_words: &["swift"],
        command_words: &["swift"],
    },
    Language {
        name: "shell",
        extensions: &["sh", "bash", "zsh"],
        file_words: &["shell", "sh", "bash", "zsh"],
        command_words: &["bash", "shell"],
    },
    Language {
        name: "sql",
        extensions: &["sql"],
        file_words: &["sql"],
        command_words: &["sql"],
    },
    Language {
        name: "css",
        extensions: &["css", "scss", "sass", "less"],
        file_words: &["css", "scss", "sass"],
        command_words: &["css", "scss"],
    },
    Language {
        name: "html",
        extensions: &["html", "htm"],
        file_words: &["html"],
        command_words: &["html"],
    },
];

/// Names of languages, as a sorted set.
pub type Languages = BTreeSet<&'static str>;

/// The languages of the given paths, by extension ("inventory/api.py" gives python).
pub fn of_paths<'a>(paths: impl IntoIterator<Item = &'a str>) -> Languages {
    paths
        .into_iter()
        .filter_map(extension)
        .filter_map(|ext| {
            LANGUAGES
                .iter()
                .find(|l| l.extensions.contains(&ext.as_str()))
        })
        .map(|l| l.name)
        .collect()
}

/// The languages a command names outright ("write a python script" gives python).
pub fn named_in(command: &str) -> Languages {
    let said: Vec<String> = command
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .collect();
    LANGUAGES
        .iter()
        .filter(|l| l.command_words.iter().any(|w| said.iter().any(|s| s == w)))
        .map(|l| l.name)
        .collect()
}

/// The languages a standards file is named for: its name without ".md", split at
/// `-`, `_`, `.` and spaces ("python.md", "py-testing.md" → python; "style.md" → none).
pub fn of_standard(path: &str) -> Languages {
    let name = path.rsplit('/').next().unwrap_or(path).to_lowercase();
    let stem = name.strip_suffix(".md").unwrap_or(&name);
    let parts: Vec<&str> = stem.split(['-', '_', '.', ' ']).collect();
    LANGUAGES
        .iter()
        .filter(|l| l.file_words.iter().any(|w| parts.contains(w)))
        .map(|l| l.name)
        .collect()
}

/// A path's file extension, lowercase ("src/Main.RS" gives "rs").
fn extension(path: &str) -> Option<String> {
    let name = path.rsplit('/').next()?;
    let dot = name.rfind('.')?;
    (dot > 0).then(|| name[dot + 1..].to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_give_languages_by_extension() {
        assert_eq!(of_paths(["inventory/api.py"]), Languages::from(["python"]));
        assert_eq!(
            of_paths(["src/Main.RS", "web/app.tsx"]),
            Languages::from(["javascript", "rust"])
        );
        assert_eq!(of_paths(["Makefile", ".env", "README"]), Languages::new());
    }

    #[test]
    fn standards_are_named_for_languages() {
        assert_eq!(
            of_standard(".ralex/standards/python.md"),
            Languages::from(["python"])
        );
        assert_eq!(
            of_standard(".ralex/standards/py.md"),
            Languages::from(["python"])
        );
        assert_eq!(
            of_standard(".ralex/standards/py-testing.md"),
            Languages::from(["python"])
        );
        assert_eq!(
            of_standard(".ralex/standards/TypeScript.md"),
            Languages::from(["javascript"])
        );
        assert_eq!(
            of_standard(".ralex/standards/go.md"),
            Languages::from(["go"])
        );
        assert_eq!(of_standard(".ralex/standards/style.md"), Languages::new());
        assert_eq!(of_standard(".ralex/standards/general.md"), Languages::new());
    }

    #[test]
    fn commands_name_languages_only_by_unambiguous_words() {
        assert_eq!(
            named_in("write a Python script"),
            Languages::from(["python"])
        );
        assert_eq!(named_in("go ahead and fix it"), Languages::new());
    }
}
