//! Principals and resources, and their Cedar entities.
//!
//! Owns: turning "plugin X" / "user Y" and "path a/b.py" / "host api.x.com:443"
//! into the entities and attributes the schema declares. A principal builds its
//! entity once (it is reused for every decision of that plugin or user); a
//! resource builds one per decision.
//!
//! Must never: put secrets into an entity (entity ids and attributes appear in
//! explanations and the audit trail).

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use cedar_policy::{Entity, EntityId, EntityTypeName, EntityUid, RestrictedExpression};

/// How far a plugin is trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// Built and shipped with this kernel.
    FirstParty,
    /// From a publisher the user trusts.
    Trusted,
    /// Anything else.
    Untrusted,
}

impl Trust {
    /// The policy attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Trust::FirstParty => "first-party",
            Trust::Trusted => "trusted",
            Trust::Untrusted => "untrusted",
        }
    }
}

/// What a user (token) may administer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// May manage tokens, plugins and policies.
    Admin,
    /// May run commands.
    Normal,
}

impl Scope {
    /// The policy attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Admin => "admin",
            Scope::Normal => "normal",
        }
    }
}

/// Who asks: a plugin or a person.
#[derive(Debug, Clone)]
pub struct Principal {
    label: String,
    entity: Entity,
}

impl Principal {
    /// A plugin principal.
    pub fn plugin(
        name: &str,
        publisher: &str,
        trust: Trust,
        world: &str,
        digest: &str,
        secret_reads: &[String],
    ) -> Principal {
        let attrs = HashMap::from([
            ("publisher".to_string(), string(publisher)),
            ("trust".to_string(), string(trust.as_str())),
            ("world".to_string(), string(world)),
            ("digest".to_string(), string(digest)),
            ("secret_reads".to_string(), string_set(secret_reads)),
        ]);
        Principal {
            label: format!("plugin `{name}`"),
            entity: entity(&types().plugin, name, attrs),
        }
    }

    /// A person: the local CLI user (`"cli"`) or a token by name.
    pub fn user(name: &str, scope: Scope, secret_reads: &[String]) -> Principal {
        let attrs = HashMap::from([
            ("scope".to_string(), string(scope.as_str())),
            ("secret_reads".to_string(), string_set(secret_reads)),
        ]);
        Principal {
            label: format!("user `{name}`"),
            entity: entity(&types().user, name, attrs),
        }
    }

    /// "plugin `x`" or "user `y`", for messages.
    pub fn label(&self) -> &str {
        &self.label
    }

    pub(crate) fn entity(&self) -> &Entity {
        &self.entity
    }
}

/// What is touched.
#[derive(Debug, Clone, PartialEq)]
pub enum Resource {
    /// A path relative to the project root, normalised ("src/a.py"; "" is the root).
    Path(String),
    /// The project's repository; `remote` for push/pull, `force` for force pushes.
    Repo {
        /// The remote ("" when none).
        remote: String,
        /// A force push.
        force: bool,
    },
    /// An HTTP destination.
    Host {
        /// "https" or "http".
        scheme: String,
        /// Host name or IP literal.
        host: String,
        /// Port.
        port: u16,
    },
    /// A program with its arguments.
    Program {
        /// Program name ("cargo").
        name: String,
        /// Arguments.
        args: Vec<String>,
    },
    /// A model of the catalogue.
    Model {
        /// Model name.
        name: String,
        /// Provider name.
        provider: String,
        /// Served locally.
        local: bool,
    },
    /// A tool of an MCP server.
    McpTool {
        /// Server name.
        server: String,
        /// Tool name.
        tool: String,
    },
    /// A plugin's key-value namespace.
    Kv(String),
    /// A parsed command.
    Intent {
        /// Intent kind.
        kind: String,
        /// "read_only", "modify" or "destructive" (the intent's risk).
        risk: String,
    },
}

impl Resource {
    /// The resource as a person reads it: `path src/a.py`, `host https://x:443`.
    pub fn describe(&self) -> String {
        match self {
            Resource::Path(p) if p.is_empty() => "the project root".to_string(),
            Resource::Path(p) => format!("path `{p}`"),
            Resource::Repo { remote, force } => match (remote.is_empty(), force) {
                (true, _) => "the repository".to_string(),
                (false, false) => format!("remote `{remote}`"),
                (false, true) => format!("remote `{remote}` (force)"),
            },
            Resource::Host { .. } => format!("host `{}`", self.id()),
            Resource::Program { name, args } if args.is_empty() => format!("program `{name}`"),
            Resource::Program { name, args } => format!("program `{name} {}`", args.join(" ")),
            Resource::Model { name, .. } => format!("model `{name}`"),
            Resource::McpTool { server, tool } => format!("MCP tool `{server}/{tool}`"),
            Resource::Kv(ns) => format!("kv namespace `{ns}`"),
            Resource::Intent { kind, risk } => format!("a {risk} `{kind}` command"),
        }
    }

    /// The Cedar entity id of the resource.
    pub fn id(&self) -> String {
        match self {
            Resource::Path(p) => p.clone(),
            Resource::Repo { remote, .. } => remote.clone(),
            Resource::Host { scheme, host, port } => format!("{scheme}://{host}:{port}"),
            Resource::Program { name, .. } => name.clone(),
            Resource::Model { name, .. } => name.clone(),
            Resource::McpTool { server, tool } => format!("{server}/{tool}"),
            Resource::Kv(ns) => ns.clone(),
            Resource::Intent { kind, .. } => kind.clone(),
        }
    }

    pub(crate) fn entity(&self) -> Entity {
        let t = types();
        match self {
            Resource::Path(p) => {
                let lower = p.to_lowercase();
                let name = lower.rsplit('/').next().unwrap_or("").to_string();
                entity(
                    &t.path,
                    p,
                    HashMap::from([
                        ("path".to_string(), string(p)),
                        ("lower".to_string(), string(&lower)),
                        ("name".to_string(), string(&name)),
                    ]),
                )
            }
            Resource::Repo { remote, force } => entity(
                &t.repo,
                remote,
                HashMap::from([
                    ("remote".to_string(), string(remote)),
                    ("force".to_string(), RestrictedExpression::new_bool(*force)),
                ]),
            ),
            Resource::Host { scheme, host, port } => entity(
                &t.host,
                &self.id(),
                HashMap::from([
                    ("scheme".to_string(), string(scheme)),
                    ("host".to_string(), string(&host.to_lowercase())),
                    (
                        "port".to_string(),
                        RestrictedExpression::new_long(i64::from(*port)),
                    ),
                ]),
            ),
            Resource::Program { name, args } => entity(
                &t.program,
                name,
                HashMap::from([
                    ("name".to_string(), string(name)),
                    ("args".to_string(), string(&args.join(" "))),
                ]),
            ),
            Resource::Model {
                name,
                provider,
                local,
            } => entity(
                &t.model,
                name,
                HashMap::from([
                    ("provider".to_string(), string(provider)),
                    ("local".to_string(), RestrictedExpression::new_bool(*local)),
                ]),
            ),
            Resource::McpTool { server, tool } => entity(
                &t.mcp_tool,
                &self.id(),
                HashMap::from([
                    ("server".to_string(), string(server)),
                    ("tool".to_string(), string(tool)),
                ]),
            ),
            Resource::Kv(ns) => entity(&t.kv, ns, HashMap::new()),
            Resource::Intent { kind, risk } => entity(
                &t.intent,
                kind,
                HashMap::from([
                    ("kind".to_string(), string(kind)),
                    ("risk".to_string(), string(risk)),
                ]),
            ),
        }
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

/// The entity type names of the schema, parsed once.
struct Types {
    plugin: EntityTypeName,
    user: EntityTypeName,
    path: EntityTypeName,
    repo: EntityTypeName,
    host: EntityTypeName,
    program: EntityTypeName,
    model: EntityTypeName,
    mcp_tool: EntityTypeName,
    kv: EntityTypeName,
    intent: EntityTypeName,
}

fn types() -> &'static Types {
    static TYPES: OnceLock<Types> = OnceLock::new();
    TYPES.get_or_init(|| {
        let name = |n: &str| {
            EntityTypeName::from_str(&format!("Ralex::{n}")).expect("schema type names parse")
        };
        Types {
            plugin: name("Plugin"),
            user: name("User"),
            path: name("Path"),
            repo: name("Repo"),
            host: name("Host"),
            program: name("Program"),
            model: name("Model"),
            mcp_tool: name("McpTool"),
            kv: name("KvStore"),
            intent: name("Intent"),
        }
    })
}

fn entity(
    type_name: &EntityTypeName,
    id: &str,
    attrs: HashMap<String, RestrictedExpression>,
) -> Entity {
    let uid = EntityUid::from_type_name_and_id(type_name.clone(), EntityId::new(id));
    // Attributes built from strings, booleans and longs cannot fail to evaluate.
    Entity::new(uid, attrs, HashSet::new()).expect("literal attributes evaluate")
}

fn string(value: &str) -> RestrictedExpression {
    RestrictedExpression::new_string(value.to_string())
}

fn string_set(values: &[String]) -> RestrictedExpression {
    RestrictedExpression::new_set(values.iter().map(|v| string(v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_entities_carry_lower_case_name() {
        let e = Resource::Path("Src/.ENV.local".into()).entity();
        assert_eq!(e.uid().id().unescaped(), "Src/.ENV.local");
        let name = e.attr("name").expect("name").expect("value");
        assert_eq!(name.to_string(), "\".env.local\"");
    }

    #[test]
    fn descriptions_read_naturally() {
        assert_eq!(Resource::Path("a.py".into()).describe(), "path `a.py`");
        assert_eq!(
            Resource::Host {
                scheme: "https".into(),
                host: "api.github.com".into(),
                port: 443
            }
            .describe(),
            "host `https://api.github.com:443`"
        );
        assert_eq!(
            Resource::Program {
                name: "cargo".into(),
                args: vec!["test".into()]
            }
            .describe(),
            "program `cargo test`"
        );
    }
}
