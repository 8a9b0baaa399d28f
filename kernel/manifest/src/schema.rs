//! The manifest's schema: the raw TOML shape (with spans, unknown fields refused)
//! and the validated [`Manifest`] the kernel uses.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::error::ManifestError;
use crate::fields::{is_component_file, is_kebab, is_semver, is_sha256_hex};
use crate::world_ref::WorldRef;
use crate::{MAX_MEMORY_MB, MAX_TIMEOUT_MS};

/// A validated plugin manifest.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    /// The `[plugin]` table.
    pub plugin: PluginInfo,
    /// What the plugin asks for.
    pub permissions: Permissions,
    /// Limits of every call.
    pub limits: Limits,
}

/// The `[plugin]` table.
#[derive(Clone, Debug, PartialEq)]
pub struct PluginInfo {
    /// Unique kebab-case name.
    pub name: String,
    /// The plugin's own version.
    pub version: String,
    /// The world it targets.
    pub world: WorldRef,
    /// The component's file name, beside the manifest.
    pub component: String,
    /// Who publishes it.
    pub publisher: String,
    /// What it does.
    pub description: String,
    /// Lowercase hex sha256 of the component, recorded when it was built or installed.
    pub sha256: Option<String>,
}

/// The `[permissions]` table: what the plugin asks for. Nothing is granted that is
/// not asked for here.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Permissions {
    /// Workspace paths (globs) to read and write.
    pub workspace: WorkspacePermission,
    /// Git operations.
    pub git: GitPermission,
    /// Outbound HTTP hosts.
    pub http: HttpPermission,
    /// Model calls.
    pub model: bool,
    /// Programs to run, e.g. `"cargo test"`.
    pub exec: Vec<String>,
    /// The plugin's private key-value store.
    pub kv: bool,
    /// MCP servers whose tools it may call.
    pub mcp: McpPermission,
}

/// Workspace globs.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkspacePermission {
    /// Globs of paths the plugin may read, e.g. `["**"]`.
    #[serde(default)]
    pub read: Vec<String>,
    /// Globs of paths the plugin may change.
    #[serde(default)]
    pub write: Vec<String>,
}

/// Git operations.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GitPermission {
    /// status, diff, log.
    #[serde(default)]
    pub read: bool,
    /// commit, branch.
    #[serde(default)]
    pub write: bool,
    /// push, pull.
    #[serde(default)]
    pub remote: bool,
}

/// Outbound HTTP.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpPermission {
    /// Hosts, e.g. `"api.github.com"` or `"https://docs.rs:443"`.
    #[serde(default)]
    pub hosts: Vec<String>,
}

/// MCP servers.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct McpPermission {
    /// Names of configured MCP servers.
    #[serde(default)]
    pub servers: Vec<String>,
}

/// The `[limits]` table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Memory cap of one call, in MiB.
    pub memory_mb: u32,
    /// Wall-clock timeout of one call, in milliseconds.
    pub timeout_ms: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_mb: 64,
            timeout_ms: 2000,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawManifest {
    plugin: RawPlugin,
    #[serde(default)]
    permissions: RawPermissions,
    #[serde(default)]
    limits: RawLimits,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlugin {
    name: Spanned<String>,
    version: Spanned<String>,
    world: Spanned<String>,
    component: Spanned<String>,
    publisher: Spanned<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    sha256: Option<Spanned<String>>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPermissions {
    workspace: Option<Spanned<WorkspacePermission>>,
    #[serde(default)]
    git: GitPermission,
    http: Option<Spanned<HttpPermission>>,
    #[serde(default)]
    model: bool,
    exec: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    kv: bool,
    #[serde(default)]
    mcp: McpPermission,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    memory_mb: Option<Spanned<i64>>,
    timeout_ms: Option<Spanned<i64>>,
}

/// Check every field of a parsed manifest.
pub(crate) fn validate(
    raw: RawManifest,
    text: &str,
    file: &Path,
) -> Result<Manifest, ManifestError> {
    let invalid = |span: Option<usize>, field: &str, message: String| {
        ManifestError::invalid(file, text, span, field, message)
    };
    let p = raw.plugin;

    if !is_kebab(p.name.get_ref()) {
        return Err(invalid(
            Some(p.name.span().start),
            "plugin.name",
            format!(
                "is `{}`; expected kebab-case (lowercase letters, digits and single hyphens, starting with a letter), e.g. `code-analyzer`",
                p.name.get_ref()
            ),
        ));
    }
    if !is_semver(p.version.get_ref()) {
        return Err(invalid(
            Some(p.version.span().start),
            "plugin.version",
            format!(
                "is `{}`; expected a version like `0.1.0`",
                p.version.get_ref()
            ),
        ));
    }
    let world = WorldRef::parse(p.world.get_ref()).map_err(|why| {
        invalid(
            Some(p.world.span().start),
            "plugin.world",
            format!("`{}` {why}", p.world.get_ref()),
        )
    })?;
    if !is_component_file(p.component.get_ref()) {
        return Err(invalid(
            Some(p.component.span().start),
            "plugin.component",
            format!(
                "is `{}`; expected the file name of a `.wasm` component beside the manifest (no folders, no `..`)",
                p.component.get_ref()
            ),
        ));
    }
    if p.publisher.get_ref().trim().is_empty() {
        return Err(invalid(
            Some(p.publisher.span().start),
            "plugin.publisher",
            "is empty; name who publishes the plugin".to_string(),
        ));
    }
    let sha256 = match p.sha256 {
        Some(s) if !is_sha256_hex(s.get_ref()) => {
            return Err(invalid(
                Some(s.span().start),
                "plugin.sha256",
                format!("is `{}`; expected 64 lowercase hex digits", s.get_ref()),
            ));
        }
        Some(s) => Some(s.into_inner()),
        None => None,
    };

    let perms = raw.permissions;
    let (workspace, workspace_at) = split(perms.workspace);
    let (http, http_at) = split(perms.http);
    let (exec, exec_at) = split(perms.exec);
    for (field, globs) in [
        ("permissions.workspace.read", &workspace.read),
        ("permissions.workspace.write", &workspace.write),
    ] {
        if let Some(bad) = globs.iter().find(|g| !is_relative_glob(g)) {
            return Err(invalid(
                workspace_at,
                field,
                format!("has `{bad}`; expected globs relative to the project root, e.g. `src/**`"),
            ));
        }
    }
    if let Some(bad) = http.hosts.iter().find(|h| !is_host(h)) {
        return Err(invalid(
            http_at,
            "permissions.http.hosts",
            format!(
                "has `{bad}`; expected a host such as `api.github.com` or `https://docs.rs:443`"
            ),
        ));
    }
    if let Some(bad) = exec
        .iter()
        .find(|c| c.trim().is_empty() || c.contains('\0'))
    {
        return Err(invalid(
            exec_at,
            "permissions.exec",
            format!(
                "has `{bad}`; expected a program with optional fixed arguments, e.g. `cargo test`"
            ),
        ));
    }

    let limits = validate_limits(raw.limits, &invalid)?;

    Ok(Manifest {
        plugin: PluginInfo {
            name: p.name.into_inner(),
            version: p.version.into_inner(),
            world,
            component: p.component.into_inner(),
            publisher: p.publisher.into_inner(),
            description: p.description,
            sha256,
        },
        permissions: Permissions {
            workspace,
            git: perms.git,
            http,
            model: perms.model,
            exec,
            kv: perms.kv,
            mcp: perms.mcp,
        },
        limits,
    })
}

fn validate_limits(
    raw: RawLimits,
    invalid: &dyn Fn(Option<usize>, &str, String) -> ManifestError,
) -> Result<Limits, ManifestError> {
    let mut limits = Limits::default();
    if let Some(m) = raw.memory_mb {
        let v = *m.get_ref();
        if !(1..=i64::from(MAX_MEMORY_MB)).contains(&v) {
            return Err(invalid(
                Some(m.span().start),
                "limits.memory_mb",
                format!("is {v}; expected 1 to {MAX_MEMORY_MB} (MiB)"),
            ));
        }
        limits.memory_mb = v as u32;
    }
    if let Some(t) = raw.timeout_ms {
        let v = *t.get_ref();
        if !(1..=MAX_TIMEOUT_MS as i64).contains(&v) {
            return Err(invalid(
                Some(t.span().start),
                "limits.timeout_ms",
                format!("is {v}; expected 1 to {MAX_TIMEOUT_MS} (milliseconds)"),
            ));
        }
        limits.timeout_ms = v as u64;
    }
    Ok(limits)
}

/// The value (or its default) and where it starts in the file.
fn split<T: Default>(field: Option<Spanned<T>>) -> (T, Option<usize>) {
    match field {
        Some(s) => {
            let at = s.span().start;
            (s.into_inner(), Some(at))
        }
        None => (T::default(), None),
    }
}

fn is_relative_glob(g: &str) -> bool {
    !g.is_empty()
        && !g.starts_with('/')
        && !g.split('/').any(|part| part == "..")
        && !g.contains('\0')
        && crate::workspace_glob(g).is_ok()
}

fn is_host(h: &str) -> bool {
    let rest = h
        .strip_prefix("https://")
        .or_else(|| h.strip_prefix("http://"))
        .unwrap_or(h);
    !rest.is_empty()
        && !rest.contains(['/', '?', '#', '@', ' '])
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']' | '*'))
}
