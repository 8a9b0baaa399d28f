//! One file's text → its definitions ([`Symbol`]) and references ([`Reference`]),
//! through the language's tree-sitter queries (see `lang`).
//!
//! Extraction is pure: no file system, no state between files. A parse that
//! fails yields nothing rather than an error; tree-sitter recovers from syntax
//! errors, so a half-edited file still gives most of its symbols.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use tree_sitter::{Node, Parser, StreamingIterator};

use crate::lang::Lang;

/// What a definition is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SymbolKind {
    /// A free function.
    Function,
    /// A function inside a class, impl, trait or interface.
    Method,
    /// A class.
    Class,
    /// A struct (Rust, Go).
    Struct,
    /// An enum.
    Enum,
    /// A trait.
    Trait,
    /// An interface (TypeScript, Go).
    Interface,
    /// A type alias or other named type.
    Type,
    /// A module-level constant.
    Constant,
    /// A module-level variable.
    Variable,
    /// A field of a class, struct or interface.
    Field,
    /// A module (Rust `mod`).
    Module,
    /// A macro.
    Macro,
    /// An enum variant.
    Variant,
}

impl SymbolKind {
    /// Stable short name (stored in the database, used in query captures).
    pub fn name(self) -> &'static str {
        match self {
            SymbolKind::Function => "function",
            SymbolKind::Method => "method",
            SymbolKind::Class => "class",
            SymbolKind::Struct => "struct",
            SymbolKind::Enum => "enum",
            SymbolKind::Trait => "trait",
            SymbolKind::Interface => "interface",
            SymbolKind::Type => "type",
            SymbolKind::Constant => "constant",
            SymbolKind::Variable => "variable",
            SymbolKind::Field => "field",
            SymbolKind::Module => "module",
            SymbolKind::Macro => "macro",
            SymbolKind::Variant => "variant",
        }
    }

    /// The inverse of [`SymbolKind::name`].
    pub fn from_name(name: &str) -> Option<SymbolKind> {
        use SymbolKind::*;
        [
            Function, Method, Class, Struct, Enum, Trait, Interface, Type, Constant, Variable,
            Field, Module, Macro, Variant,
        ]
        .into_iter()
        .find(|k| k.name() == name)
    }

    /// When one name is captured by several patterns, the most specific wins.
    fn specificity(self) -> u8 {
        match self {
            SymbolKind::Constant | SymbolKind::Variable => 0,
            SymbolKind::Type => 1,
            _ => 2,
        }
    }
}

/// A definition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Symbol {
    /// The identifier as written.
    pub name: String,
    /// What it is.
    pub kind: SymbolKind,
    /// 1-based first line of the definition.
    pub line: u32,
    /// 1-based last line of the definition.
    pub end_line: u32,
    /// The enclosing class, impl, trait, interface or struct, if any.
    pub container: Option<String>,
}

/// A use of a name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// The identifier used.
    pub name: String,
    /// 1-based line.
    pub line: u32,
}

/// Everything found in one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extracted {
    /// Definitions, in source order.
    pub symbols: Vec<Symbol>,
    /// References, in source order (one per name and line).
    pub references: Vec<Reference>,
}

/// Extract a file's definitions and references.
pub fn extract(lang: Lang, source: &str) -> Extracted {
    let mut parser = Parser::new();
    extract_with(&mut parser, lang, source)
}

/// [`extract`] with a caller-owned parser (reused across files on one thread).
pub fn extract_with(parser: &mut Parser, lang: Lang, source: &str) -> Extracted {
    if parser.set_language(&lang.grammar()).is_err() {
        tracing::warn!(lang = lang.name(), "grammar version mismatch");
        return Extracted::default();
    }
    let Some(tree) = parser.parse(source, None) else {
        return Extracted::default();
    };
    let root = tree.root_node();
    let bytes = source.as_bytes();
    let queries = lang.queries();

    // Definitions, keyed by the name node so overlapping patterns yield one symbol.
    let mut by_name_node: HashMap<usize, Symbol> = HashMap::new();
    let mut cursor = tree_sitter::QueryCursor::new();
    let names = queries.defs.capture_names();
    let mut matches = cursor.matches(&queries.defs, root, bytes);
    while let Some(m) = matches.next() {
        let mut name_node = None;
        let mut def = None;
        for c in m.captures {
            let cname = names[c.index as usize];
            if cname == "name" {
                name_node = Some(c.node);
            } else if let Some(kind) = cname.strip_prefix("def.") {
                def = SymbolKind::from_name(kind).map(|k| (k, c.node));
            }
        }
        let (Some(name_node), Some((mut kind, def_node))) = (name_node, def) else {
            continue;
        };
        let Ok(name) = name_node.utf8_text(bytes) else {
            continue;
        };
        let container = container_of(lang, def_node, bytes);
        if kind == SymbolKind::Function && container.is_some() {
            kind = SymbolKind::Method;
        }
        let symbol = Symbol {
            name: name.to_string(),
            kind,
            line: def_node.start_position().row as u32 + 1,
            end_line: def_node.end_position().row as u32 + 1,
            container,
        };
        by_name_node
            .entry(name_node.start_byte())
            .and_modify(|s| {
                if symbol.kind.specificity() > s.kind.specificity() {
                    *s = symbol.clone();
                }
            })
            .or_insert(symbol);
    }
    let mut symbols: Vec<(usize, Symbol)> = by_name_node.into_iter().collect();
    symbols.sort_by_key(|(at, _)| *at);
    let def_starts: HashSet<usize> = symbols.iter().map(|(at, _)| *at).collect();

    let mut references = Vec::new();
    let mut seen = HashSet::new();
    let mut cursor = tree_sitter::QueryCursor::new();
    let mut captures = cursor.captures(&queries.refs, root, bytes);
    while let Some((m, i)) = captures.next() {
        let node = m.captures[*i].node;
        if def_starts.contains(&node.start_byte()) {
            continue;
        }
        let Ok(name) = node.utf8_text(bytes) else {
            continue;
        };
        let line = node.start_position().row as u32 + 1;
        if seen.insert((name, line)) {
            references.push(Reference {
                name: name.to_string(),
                line,
            });
        }
    }
    references.sort_by(|a, b| a.line.cmp(&b.line).then_with(|| a.name.cmp(&b.name)));

    Extracted {
        symbols: symbols.into_iter().map(|(_, s)| s).collect(),
        references,
    }
}

/// The name of the class/impl/trait/interface/struct enclosing a definition.
fn container_of(lang: Lang, def: Node, bytes: &[u8]) -> Option<String> {
    // Go methods name their receiver type instead of being nested.
    if lang == Lang::Go && def.kind() == "method_declaration" {
        let receiver = def.child_by_field_name("receiver")?;
        return first_of_kind(receiver, "type_identifier")
            .and_then(|n| n.utf8_text(bytes).ok())
            .map(str::to_string);
    }
    let mut node = def.parent();
    while let Some(n) = node {
        let name_field = match n.kind() {
            "class_definition"
            | "class_declaration"
            | "abstract_class_declaration"
            | "class"
            | "interface_declaration"
            | "trait_item"
            | "struct_item"
            | "enum_item"
            | "union_item" => n.child_by_field_name("name"),
            "impl_item" => n.child_by_field_name("type").map(|t| {
                // `impl<T> Foo<T>`: the generic type's base name.
                t.child_by_field_name("type").unwrap_or(t)
            }),
            "type_spec" => n.child_by_field_name("name"),
            // A nested function is not a method of the outer class.
            "function_definition" | "function_item" | "function_declaration" => return None,
            _ => None,
        };
        if let Some(name) = name_field {
            return name.utf8_text(bytes).ok().map(str::to_string);
        }
        node = n.parent();
    }
    None
}

fn first_of_kind<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    if node.kind() == kind {
        return Some(node);
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        if let Some(found) = first_of_kind(child, kind) {
            return Some(found);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find<'a>(e: &'a Extracted, name: &str) -> &'a Symbol {
        e.symbols
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no symbol {name} in {:#?}", e.symbols))
    }

    fn has_ref(e: &Extracted, name: &str, line: u32) -> bool {
        e.references
            .iter()
            .any(|r| r.name == name && r.line == line)
    }

    #[test]
    fn python() {
        let src = "from .pricing import price_with_tax\n\
                   TAX = 0.2\n\
                   \n\
                   @dataclass\n\
                   class Cart:\n    items: list = None\n\n    def total(self, rate):\n        return price_with_tax(1, rate)\n\n\
                   def add_to_cart(cart, item):\n    cart.items.append(item)\n";
        let e = extract(Lang::Python, src);
        assert_eq!(find(&e, "TAX").kind, SymbolKind::Constant);
        let cart = find(&e, "Cart");
        assert_eq!(
            (cart.kind, cart.line, cart.end_line),
            (SymbolKind::Class, 5, 9)
        );
        let total = find(&e, "total");
        assert_eq!(total.kind, SymbolKind::Method);
        assert_eq!(total.container.as_deref(), Some("Cart"));
        assert_eq!(find(&e, "items").kind, SymbolKind::Field);
        let add = find(&e, "add_to_cart");
        assert_eq!(
            (add.kind, add.line, add.container.as_ref()),
            (SymbolKind::Function, 11, None)
        );
        assert!(has_ref(&e, "price_with_tax", 1), "{:?}", e.references);
        assert!(has_ref(&e, "price_with_tax", 9));
        assert!(has_ref(&e, "append", 12));
    }

    #[test]
    fn rust() {
        let src = "use crate::store::{Store, open};\n\
                   pub const MAX_ITEMS: usize = 5;\n\
                   pub struct StockItem { pub sku: String }\n\
                   enum Kind { A, B }\n\
                   pub trait Lookup { fn find(&self, sku: &str) -> Option<StockItem>; }\n\
                   impl<T> Lookup for Wrapper<T> {\n    fn find(&self, sku: &str) -> Option<StockItem> { helper(sku); self.inner.get(sku) }\n}\n\
                   fn helper(s: &str) { println!(\"{s}\"); }\n";
        let e = extract(Lang::Rust, src);
        assert_eq!(find(&e, "MAX_ITEMS").kind, SymbolKind::Constant);
        assert_eq!(find(&e, "StockItem").kind, SymbolKind::Struct);
        assert_eq!(find(&e, "sku").container.as_deref(), Some("StockItem"));
        assert_eq!(find(&e, "Kind").kind, SymbolKind::Enum);
        assert_eq!(find(&e, "A").kind, SymbolKind::Variant);
        assert_eq!(find(&e, "Lookup").kind, SymbolKind::Trait);
        let impl_find = e
            .symbols
            .iter()
            .find(|s| s.name == "find" && s.line == 7)
            .expect("impl method");
        assert_eq!(impl_find.kind, SymbolKind::Method);
        assert_eq!(impl_find.container.as_deref(), Some("Wrapper"));
        assert_eq!(find(&e, "helper").kind, SymbolKind::Function);
        assert!(has_ref(&e, "helper", 7));
        assert!(has_ref(&e, "get", 7));
        assert!(has_ref(&e, "StockItem", 7));
        assert!(has_ref(&e, "Store", 1));
        assert!(has_ref(&e, "println", 9));
        // A definition's own name is not a reference to it.
        assert!(!has_ref(&e, "StockItem", 3));
    }

    #[test]
    fn javascript() {
        let src = "import { formatPrice } from './format.js';\n\
                   export const TAX_RATE = 0.2;\n\
                   export const addToCart = (cart, item) => { cart.push(item); };\n\
                   export function checkout(cart) { return formatPrice(total(cart)); }\n\
                   class Cart {\n  items = [];\n  add(item) { this.items.push(item); }\n}\n\
                   const c = new Cart();\n";
        let e = extract(Lang::JavaScript, src);
        assert_eq!(find(&e, "TAX_RATE").kind, SymbolKind::Constant);
        assert_eq!(find(&e, "addToCart").kind, SymbolKind::Function);
        assert_eq!(find(&e, "checkout").kind, SymbolKind::Function);
        assert_eq!(find(&e, "Cart").kind, SymbolKind::Class);
        let add = find(&e, "add");
        assert_eq!(
            (add.kind, add.container.as_deref()),
            (SymbolKind::Method, Some("Cart"))
        );
        assert_eq!(find(&e, "items").kind, SymbolKind::Field);
        assert!(has_ref(&e, "formatPrice", 1));
        assert!(has_ref(&e, "formatPrice", 4));
        assert!(has_ref(&e, "total", 4));
        assert!(has_ref(&e, "Cart", 9));
    }

    #[test]
    fn typescript() {
        let src = "export interface StockItem {\n  sku: string;\n  quantity: number;\n}\n\
                   export type Sku = string;\n\
                   export enum Status { Open, Closed }\n\
                   export class SkuLookup {\n  private items: Map<Sku, StockItem> = new Map();\n  find(sku: Sku): StockItem | undefined { return this.items.get(sku); }\n}\n\
                   export function addToCart(item: StockItem): void {}\n";
        let e = extract(Lang::TypeScript, src);
        let stock = find(&e, "StockItem");
        assert_eq!(
            (stock.kind, stock.line, stock.end_line),
            (SymbolKind::Interface, 1, 4)
        );
        let sku = find(&e, "sku");
        assert_eq!(
            (sku.kind, sku.container.as_deref()),
            (SymbolKind::Field, Some("StockItem"))
        );
        assert_eq!(find(&e, "Sku").kind, SymbolKind::Type);
        assert_eq!(find(&e, "Status").kind, SymbolKind::Enum);
        assert_eq!(find(&e, "SkuLookup").kind, SymbolKind::Class);
        let f = find(&e, "find");
        assert_eq!(
            (f.kind, f.container.as_deref()),
            (SymbolKind::Method, Some("SkuLookup"))
        );
        assert_eq!(find(&e, "addToCart").kind, SymbolKind::Function);
        assert!(has_ref(&e, "StockItem", 8));
        assert!(has_ref(&e, "get", 9));
        assert!(!has_ref(&e, "StockItem", 1));
        // TSX parses with its own grammar and the same queries.
        let e = extract(
            Lang::Tsx,
            "export function Badge(): JSX.Element { return <b/>; }\n",
        );
        assert_eq!(find(&e, "Badge").kind, SymbolKind::Function);
    }

    #[test]
    fn go() {
        let src = "package inventory\n\n\
                   const MaxItems = 5\n\
                   var registry = map[string]StockItem{}\n\
                   type StockItem struct {\n\tSku string\n\tQuantity int\n}\n\
                   type Lookup interface {\n\tFind(sku string) (StockItem, bool)\n}\n\
                   type Sku string\n\
                   func (s *SkuLookup) Find(sku string) (StockItem, bool) {\n\tit, ok := s.items[sku]\n\treturn it, ok\n}\n\
                   func NewSkuLookup() *SkuLookup { return &SkuLookup{} }\n";
        let e = extract(Lang::Go, src);
        assert_eq!(find(&e, "MaxItems").kind, SymbolKind::Constant);
        assert_eq!(find(&e, "registry").kind, SymbolKind::Variable);
        assert_eq!(find(&e, "StockItem").kind, SymbolKind::Struct);
        let sku = find(&e, "Sku");
        assert_eq!(
            (sku.kind, sku.container.as_deref()),
            (SymbolKind::Field, Some("StockItem"))
        );
        assert_eq!(find(&e, "Lookup").kind, SymbolKind::Interface);
        let m = e
            .symbols
            .iter()
            .find(|s| s.name == "Find" && s.line == 13)
            .expect("method");
        assert_eq!(
            (m.kind, m.container.as_deref()),
            (SymbolKind::Method, Some("SkuLookup"))
        );
        assert_eq!(find(&e, "NewSkuLookup").kind, SymbolKind::Function);
        assert!(has_ref(&e, "SkuLookup", 17));
        assert!(has_ref(&e, "StockItem", 13));
    }
}
