//! Word lists shared by the parser stages: articles, prepositions, stop words, and the
//! nouns that hint at an intent (documentation, analysis, tests, trouble, files).
//! Only lists and tiny lookups live here; no parsing logic.
//!
//! Lists are written as one space-separated string (`Words`), which keeps them compact
//! and readable; lookups split on the fly, which costs nothing at these sizes.

/// A list of words written as one space-separated string.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Words(pub &'static str);

/// Something that can say whether it holds a word.
pub(crate) trait WordSet {
    fn has(&self, w: &str) -> bool;
}

impl WordSet for Words {
    fn has(&self, w: &str) -> bool {
        !w.is_empty() && self.0.split_ascii_whitespace().any(|x| x == w)
    }
}

impl WordSet for &[&str] {
    fn has(&self, w: &str) -> bool {
        self.contains(&w)
    }
}

impl<const N: usize> WordSet for &[&str; N] {
    fn has(&self, w: &str) -> bool {
        self.contains(&w)
    }
}

/// Phrases written as one string, separated by commas ("thank you, you know").
#[derive(Clone, Copy, Debug)]
pub(crate) struct Phrases(pub &'static str);

impl Phrases {
    /// Each phrase, as space-separated words.
    pub(crate) fn each(self) -> impl Iterator<Item = &'static str> {
        self.0.split(',').map(str::trim).filter(|p| !p.is_empty())
    }
}

/// Words that open a noun phrase ("the parse config function").
pub(crate) const ARTICLES: Words =
    Words("the a an this that these those my our your its their his her some any");

/// Prepositions and conjunctions that end a name.
pub(crate) const PREPOSITIONS: Words = Words(
    "to in of from into on at for with by about inside within under over and or but so then \
     than as via onto through thru until till after before because without instead between",
);

/// Auxiliaries, pronouns, question words and fillers: never part of a spoken name.
pub(crate) const FUNCTION_WORDS: Words = Words(
    "is are was were be been being do does did done can could will would should shall may \
     might must has have had it i me we us you he she they them what where when why how which \
     who whom whose that's there's it's what's where's not don't doesn't isn't called named \
     titled up all every each there here line lines file files folder directory dir also just \
     please now again still only really very out down off back same everywhere anywhere \
     globally throughout instead too either yet",
);

/// Verbs that start a command; they end a spoken name when walking backwards.
pub(crate) const COMMAND_VERBS: Words = Words(
    "show open display print cat view go find search grep look locate list explain describe \
     walk tell summarize summarise change update modify replace tweak adjust edit set insert \
     append prepend increase decrease rewrite swap add put make create scaffold generate write \
     rename extract move split inline refactor clean simplify restructure reorganize tidy \
     deduplicate dedupe convert delete remove erase wipe rm nuke trash purge drop overwrite fix \
     debug repair patch resolve solve troubleshoot diagnose test tests run execute rerun check \
     document analyze analyse review audit lint scan profile inspect undo revert commit push \
     pull stash deploy ship start launch begin trigger kick see read help let bring jump \
     navigate take",
);

/// Adjectives that describe rather than name ("a new class", "its own function").
pub(crate) const DESCRIPTIVE: Words = Words(
    "new another own helper separate private public static async small smaller single generic \
     whole entire following given current other empty simple basic little big",
);

/// Words too generic to be a symbol on their own ("the project", "the code").
pub(crate) const GENERIC: Words = Words(
    "project code codebase repo repository app application everything it this that all them \
     thing things stuff changes change file files tests test bug bugs logic layer flow system \
     word module function class method",
);

/// Nouns that name a symbol, with the casing convention they imply.
pub(crate) const PASCAL_NOUNS: Words =
    Words("class struct type interface enum trait component record protocol widget dataclass");
pub(crate) const SNAKE_NOUNS: Words = Words(
    "function func fn method decorator variable var field property attribute macro hook \
     callback closure lambda def routine procedure",
);
pub(crate) const SCREAMING_NOUNS: Words = Words("constant const");

/// Nouns that name a folder-like path.
pub(crate) const FOLDER_NOUNS: Words = Words("folder directory dir package module crate");

/// Things "add"/"make"/"create" can bring into existence.
pub(crate) const CREATABLE: Words = Words(
    "file files folder directory dir module package class struct enum interface trait function \
     method endpoint endpoints route routes component page test tests script service model view \
     controller handler migration fixture schema hook template dockerfile makefile gitignore \
     crate project app cli subcommand command api widget record macro decorator unit spec specs \
     workflow",
);

/// Documentation nouns.
pub(crate) const DOC_NOUNS: Words = Words(
    "docstring docstrings docs doc documentation readme changelog comment comments jsdoc javadoc \
     rustdoc docblock docblocks annotations tsdoc guide manual wiki tutorial contributing",
);

/// Documentation files: an edit anywhere near them is documentation work.
pub(crate) const DOC_FILES: Words = Words(
    "readme changelog docs documentation docstring docstrings guide manual wiki tutorial \
     contributing",
);

/// Analysis nouns.
pub(crate) const ANALYZE_NOUNS: Words = Words(
    "security vulnerability vulnerabilities vulnerable smell smells complexity complex lint \
     linter linting quality performance perf coverage analysis analyzer analyser audit profiler \
     bottleneck bottlenecks clippy eslint pylint flake8 ruff mypy dead injection xss csrf \
     insecure unsafe secure risk risks risky cyclomatic maintainability maintainable readability \
     testability coupling cohesion duplication",
);

/// Test nouns.
pub(crate) const TEST_NOUNS: Words = Words("test tests suite specs spec unittests testsuite");

/// Words that describe something going wrong.
pub(crate) const TROUBLE: Words = Words(
    "bug bugs broken crash crashes crashing crashed error errors exception exceptions failing \
     fails failed fail failure wrong issue panic panics panicking hangs hanging throws throwing \
     raises raising segfault leak leaks regression typo",
);

/// Nouns naming a database object (for "drop the users table").
pub(crate) const DB_NOUNS: Words =
    Words("table tables database databases db schema collection column index");

/// Nouns that make a "delete" about a file or folder.
pub(crate) const FILE_NOUNS: Words =
    Words("file files folder folders directory directories dir dirs");

/// Is `w` in `list`?
pub(crate) fn is_in(list: impl WordSet, w: &str) -> bool {
    list.has(w)
}

/// A word that can never be part of a spoken name.
pub(crate) fn is_stop(w: &str) -> bool {
    ARTICLES.has(w) || PREPOSITIONS.has(w) || FUNCTION_WORDS.has(w) || COMMAND_VERBS.has(w)
}

/// A word that ends a name even inside a bounded phrase ("where is X used").
pub(crate) fn is_hard_stop(w: &str) -> bool {
    ARTICLES.has(w) || PREPOSITIONS.has(w) || FUNCTION_WORDS.has(w)
}

/// The casing a symbol noun implies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Casing {
    Snake,
    Pascal,
    Screaming,
}

/// If `w` is a symbol noun, the casing it implies.
pub(crate) fn symbol_noun(w: &str) -> Option<Casing> {
    if PASCAL_NOUNS.has(w) {
        Some(Casing::Pascal)
    } else if SNAKE_NOUNS.has(w) {
        Some(Casing::Snake)
    } else if SCREAMING_NOUNS.has(w) {
        Some(Casing::Screaming)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_cover_articles_verbs_and_prepositions() {
        assert!(is_stop("the"));
        assert!(is_stop("into"));
        assert!(is_stop("explain"));
        assert!(!is_stop("config"));
        assert!(!is_stop(""));
        assert!(!is_hard_stop("explain"));
    }

    #[test]
    fn symbol_nouns_imply_casing() {
        assert_eq!(symbol_noun("class"), Some(Casing::Pascal));
        assert_eq!(symbol_noun("function"), Some(Casing::Snake));
        assert_eq!(symbol_noun("constant"), Some(Casing::Screaming));
        assert_eq!(symbol_noun("banana"), None);
    }

    #[test]
    fn word_sets() {
        assert!(Words("a b c").has("b"));
        assert!(!Words("a b c").has("ab"));
        assert!((&["x", "y"]).has("y"));
        assert!(is_in(DOC_NOUNS, "readme"));
        let p: Vec<_> = Phrases("thank you, you know,").each().collect();
        assert_eq!(p, ["thank you", "you know"]);
    }
}
