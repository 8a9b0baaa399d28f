//! Languages the index understands: which file extensions belong to which
//! tree-sitter grammar, and the queries that find definitions and references
//! in that grammar.
//!
//! Queries name their captures by convention, which `extract` relies on:
//! `@name` is a definition's identifier and `@def.<kind>` the whole definition
//! node (for its line span); `@ref` is an identifier that uses a name. Queries
//! are compiled once per language and shared by all threads.

use std::path::Path;
use std::sync::OnceLock;

use tree_sitter::{Language, Query};

/// A supported source language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    /// `.py`
    Python,
    /// `.rs`
    Rust,
    /// `.js`, `.jsx`, `.mjs`, `.cjs`
    JavaScript,
    /// `.ts`, `.mts`, `.cts`
    TypeScript,
    /// `.tsx`
    Tsx,
    /// `.go`
    Go,
}

/// The compiled queries of one language.
pub struct Queries {
    /// Definitions: `@name` + `@def.<kind>`.
    pub defs: Query,
    /// References: `@ref`.
    pub refs: Query,
}

impl Lang {
    /// All supported languages.
    pub const ALL: [Lang; 6] = [
        Lang::Python,
        Lang::Rust,
        Lang::JavaScript,
        Lang::TypeScript,
        Lang::Tsx,
        Lang::Go,
    ];

    /// The language of a file, by its extension; `None` for anything else.
    pub fn from_path(path: &Path) -> Option<Lang> {
        let ext = path.extension()?.to_str()?;
        Some(match ext {
            "py" | "pyi" => Lang::Python,
            "rs" => Lang::Rust,
            "js" | "jsx" | "mjs" | "cjs" => Lang::JavaScript,
            "ts" | "mts" | "cts" => Lang::TypeScript,
            "tsx" => Lang::Tsx,
            "go" => Lang::Go,
            _ => return None,
        })
    }

    /// Stable short name (stored in the database).
    pub fn name(self) -> &'static str {
        match self {
            Lang::Python => "python",
            Lang::Rust => "rust",
            Lang::JavaScript => "javascript",
            Lang::TypeScript => "typescript",
            Lang::Tsx => "tsx",
            Lang::Go => "go",
        }
    }

    /// The inverse of [`Lang::name`].
    pub fn from_name(name: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.name() == name)
    }

    /// The tree-sitter grammar.
    pub fn grammar(self) -> Language {
        match self {
            Lang::Python => tree_sitter_python::LANGUAGE.into(),
            Lang::Rust => tree_sitter_rust::LANGUAGE.into(),
            Lang::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Lang::Go => tree_sitter_go::LANGUAGE.into(),
        }
    }

    /// The compiled queries, built on first use.
    pub fn queries(self) -> &'static Queries {
        static CELLS: [OnceLock<Queries>; 6] = [const { OnceLock::new() }; 6];
        let i = Lang::ALL
            .iter()
            .position(|l| *l == self)
            .expect("every language is in ALL");
        CELLS[i].get_or_init(|| {
            let (defs, refs) = self.query_sources();
            let grammar = self.grammar();
            Queries {
                defs: Query::new(&grammar, defs)
                    .unwrap_or_else(|e| panic!("definition query for {}: {e}", self.name())),
                refs: Query::new(&grammar, refs)
                    .unwrap_or_else(|e| panic!("reference query for {}: {e}", self.name())),
            }
        })
    }

    fn query_sources(self) -> (&'static str, &'static str) {
        match self {
            Lang::Python => (PYTHON_DEFS, PYTHON_REFS),
            Lang::Rust => (RUST_DEFS, RUST_REFS),
            Lang::JavaScript => (JS_DEFS, JS_REFS),
            Lang::TypeScript | Lang::Tsx => (TS_DEFS, TS_REFS),
            Lang::Go => (GO_DEFS, GO_REFS),
        }
    }
}

const PYTHON_DEFS: &str = r#"
(function_definition name: (identifier) @name) @def.function
(class_definition name: (identifier) @name) @def.class
(module (expression_statement (assignment left: (identifier) @name) @def.constant))
(class_definition body: (block (expression_statement (assignment left: (identifier) @name) @def.field)))
"#;

const PYTHON_REFS: &str = r#"
(call function: (identifier) @ref)
(call function: (attribute attribute: (identifier) @ref))
(import_from_statement name: (dotted_name (identifier) @ref))
(import_from_statement name: (aliased_import name: (dotted_name (identifier) @ref)))
(import_statement name: (dotted_name (identifier) @ref))
(type (identifier) @ref)
(argument_list (identifier) @ref)
(decorator (identifier) @ref)
"#;

const RUST_DEFS: &str = r#"
(function_item name: (identifier) @name) @def.function
(function_signature_item name: (identifier) @name) @def.function
(struct_item name: (type_identifier) @name) @def.struct
(union_item name: (type_identifier) @name) @def.struct
(enum_item name: (type_identifier) @name) @def.enum
(trait_item name: (type_identifier) @name) @def.trait
(type_item name: (type_identifier) @name) @def.type
(const_item name: (identifier) @name) @def.constant
(static_item name: (identifier) @name) @def.constant
(mod_item name: (identifier) @name) @def.module
(macro_definition name: (identifier) @name) @def.macro
(field_declaration name: (field_identifier) @name) @def.field
(enum_variant name: (identifier) @name) @def.variant
"#;

const RUST_REFS: &str = r#"
(call_expression function: (identifier) @ref)
(call_expression function: (field_expression field: (field_identifier) @ref))
(scoped_identifier name: (identifier) @ref)
(use_list (identifier) @ref)
(macro_invocation macro: (identifier) @ref)
(type_identifier) @ref
"#;

const JS_DEFS: &str = r#"
(function_declaration name: (identifier) @name) @def.function
(generator_function_declaration name: (identifier) @name) @def.function
(class_declaration name: (identifier) @name) @def.class
(method_definition name: (property_identifier) @name) @def.method
(field_definition property: (property_identifier) @name) @def.field
(variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression)]) @def.function
(program (lexical_declaration (variable_declarator name: (identifier) @name) @def.constant))
(program (export_statement (lexical_declaration (variable_declarator name: (identifier) @name) @def.constant)))
"#;

const JS_REFS: &str = r#"
(call_expression function: (identifier) @ref)
(call_expression function: (member_expression property: (property_identifier) @ref))
(new_expression constructor: (identifier) @ref)
(import_specifier name: (identifier) @ref)
(jsx_opening_element name: (identifier) @ref)
"#;

const TS_DEFS: &str = r#"
(function_declaration name: (identifier) @name) @def.function
(generator_function_declaration name: (identifier) @name) @def.function
(function_signature name: (identifier) @name) @def.function
(class_declaration name: (type_identifier) @name) @def.class
(abstract_class_declaration name: (type_identifier) @name) @def.class
(interface_declaration name: (type_identifier) @name) @def.interface
(type_alias_declaration name: (type_identifier) @name) @def.type
(enum_declaration name: (identifier) @name) @def.enum
(method_definition name: (property_identifier) @name) @def.method
(method_signature name: (property_identifier) @name) @def.method
(public_field_definition name: (property_identifier) @name) @def.field
(property_signature name: (property_identifier) @name) @def.field
(variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression)]) @def.function
(program (lexical_declaration (variable_declarator name: (identifier) @name) @def.constant))
(program (export_statement (lexical_declaration (variable_declarator name: (identifier) @name) @def.constant)))
"#;

const TS_REFS: &str = r#"
(call_expression function: (identifier) @ref)
(call_expression function: (member_expression property: (property_identifier) @ref))
(new_expression constructor: (identifier) @ref)
(import_specifier name: (identifier) @ref)
(type_identifier) @ref
"#;

const GO_DEFS: &str = r#"
(function_declaration name: (identifier) @name) @def.function
(method_declaration name: (field_identifier) @name) @def.method
(type_spec name: (type_identifier) @name type: (struct_type)) @def.struct
(type_spec name: (type_identifier) @name type: (interface_type)) @def.interface
(type_spec name: (type_identifier) @name) @def.type
(const_spec name: (identifier) @name) @def.constant
(source_file (var_declaration (var_spec name: (identifier) @name) @def.variable))
(field_declaration name: (field_identifier) @name) @def.field
(method_elem name: (field_identifier) @name) @def.method
"#;

const GO_REFS: &str = r#"
(call_expression function: (identifier) @ref)
(call_expression function: (selector_expression field: (field_identifier) @ref))
(composite_literal type: (type_identifier) @ref)
(type_identifier) @ref
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_map_to_languages() {
        assert_eq!(Lang::from_path(Path::new("a/b.py")), Some(Lang::Python));
        assert_eq!(Lang::from_path(Path::new("x.mjs")), Some(Lang::JavaScript));
        assert_eq!(Lang::from_path(Path::new("x.tsx")), Some(Lang::Tsx));
        assert_eq!(Lang::from_path(Path::new("main.go")), Some(Lang::Go));
        assert_eq!(Lang::from_path(Path::new("README.md")), None);
    }

    #[test]
    fn every_query_compiles() {
        for lang in Lang::ALL {
            let q = lang.queries();
            assert!(q.defs.pattern_count() > 0);
            assert_eq!(Lang::from_name(lang.name()), Some(lang));
        }
    }
}
