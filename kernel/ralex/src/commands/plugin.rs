//! `ralex plugin list` and `ralex plugin info NAME` (installing, removing,
//! keys and signing are in `plugin_install.rs`).

use anyhow::anyhow;
use ralex_host::Plugin;
use serde_json::json;

use crate::cli::PluginCommand;
use crate::config::Config;
use crate::exit::{self, CliResult};
use crate::home::Home;
use crate::plugins::{Registry, display_path, short_digest};

/// Run `ralex plugin ...`.
pub async fn run(command: PluginCommand, home: &Home, config: &Config) -> CliResult {
    use crate::commands::plugin_install as install;
    match command {
        PluginCommand::List { json } => list(&Registry::open(home, config)?, home, json),
        PluginCommand::Info { name, json } => info(&Registry::open(home, config)?, &name, json),
        // SRC may also be a bundle file or an OCI reference: a bundle's plugins
        // are installed with its policies and workflows.
        PluginCommand::Install { source, yes, trust } => {
            let text = source.to_string_lossy();
            let is_bundle = text.starts_with("oci://")
                || (source.is_file() && source.extension().is_none_or(|e| e != "wasm"));
            if is_bundle {
                crate::commands::bundle::install(home, &text, yes, trust).await
            } else {
                install::install(home, &source, yes, trust)
            }
        }
        PluginCommand::Remove { name } => install::remove(home, &name),
        PluginCommand::Keygen { name } => install::keygen(home, &name),
        PluginCommand::New {
            name,
            world,
            dir,
            publisher,
            sdk,
        } => crate::commands::plugin_new::new(
            &name,
            &world,
            dir.as_deref(),
            &publisher,
            sdk.as_deref(),
        ),
        PluginCommand::Sign { dir, key } => install::sign(home, &dir, &key),
    }
}

fn plugin_json(p: &Plugin) -> serde_json::Value {
    let m = p.manifest();
    json!({
        "name": p.name(),
        "version": m.plugin.version,
        "world": m.plugin.world.to_string(),
        "publisher": m.plugin.publisher,
        "description": m.plugin.description,
        "status": "loaded",
        "sha256": p.digest(),
        "manifest": p.manifest_path(),
        "component": p.component_path(),
        "permissions": {
            "workspace": { "read": m.permissions.workspace.read, "write": m.permissions.workspace.write },
            "git": { "read": m.permissions.git.read, "write": m.permissions.git.write, "remote": m.permissions.git.remote },
            "http": { "hosts": m.permissions.http.hosts },
            "model": m.permissions.model,
            "exec": m.permissions.exec,
            "kv": m.permissions.kv,
            "mcp": { "servers": m.permissions.mcp.servers },
        },
        "limits": { "memory_mb": m.limits.memory_mb, "timeout_ms": m.limits.timeout_ms },
    })
}

fn list(registry: &Registry, home: &Home, json: bool) -> CliResult {
    let grant = |name: &str| {
        let path = home.grants().join(format!("{name}.cedar"));
        path.is_file().then_some(path)
    };
    if json {
        let mut items: Vec<serde_json::Value> = registry
            .loaded
            .iter()
            .map(|p| {
                let mut item = plugin_json(p);
                item["grant"] = json!(grant(p.name()));
                item
            })
            .collect();
        items.extend(registry.refused.iter().map(|r| {
            json!({
                "name": r.name,
                "status": "refused",
                "manifest": r.manifest,
                "error": r.error.to_string(),
            })
        }));
        println!("{}", serde_json::to_string_pretty(&items)?);
        return Ok(exit::OK);
    }
    if registry.loaded.is_empty() && registry.refused.is_empty() {
        println!(
            "no plugins found; build the first-party plugins with `cargo xtask plugins` and see `ralex doctor`"
        );
        return Ok(exit::OK);
    }
    println!(
        "{:<20} {:<9} {:<36} {:<12} {:<13} STATUS",
        "NAME", "VERSION", "WORLD", "PUBLISHER", "SHA256"
    );
    for p in &registry.loaded {
        let m = p.manifest();
        println!(
            "{:<20} {:<9} {:<36} {:<12} {:<13} loaded{}",
            p.name(),
            m.plugin.version,
            m.plugin.world.to_string(),
            m.plugin.publisher,
            short_digest(p.digest()),
            if grant(p.name()).is_some() {
                ", granted by policies/grants"
            } else {
                ""
            },
        );
    }
    for r in &registry.refused {
        println!(
            "{:<20} refused: {}",
            r.name.as_deref().unwrap_or("?"),
            r.error
        );
    }
    for (name, path) in &registry.shadowed {
        println!(
            "{name:<20} shadowed by an earlier plugin of that name: {}",
            display_path(path)
        );
    }
    Ok(exit::OK)
}

fn info(registry: &Registry, name: &str, json: bool) -> CliResult {
    if let Some(p) = registry.get(name) {
        if json {
            println!("{}", serde_json::to_string_pretty(&plugin_json(p))?);
            return Ok(exit::OK);
        }
        let m = p.manifest();
        println!("name         {}", p.name());
        println!("version      {}", m.plugin.version);
        println!("world        {}", m.plugin.world);
        println!("publisher    {}", m.plugin.publisher);
        if !m.plugin.description.is_empty() {
            println!("description  {}", m.plugin.description);
        }
        println!(
            "status       loaded ({:?} from the compiled-component cache)",
            p.cache_outcome()
        );
        println!("sha256       {}", p.digest());
        println!("manifest     {}", display_path(p.manifest_path()));
        println!("component    {}", display_path(p.component_path()));
        println!("permissions");
        let perms = &m.permissions;
        println!(
            "  workspace  read {:?}, write {:?}",
            perms.workspace.read, perms.workspace.write
        );
        println!(
            "  git        read {}, write {}, remote {}",
            perms.git.read, perms.git.write, perms.git.remote
        );
        println!("  http       {:?}", perms.http.hosts);
        println!("  model      {}", perms.model);
        println!("  exec       {:?}", perms.exec);
        println!("  kv         {}", perms.kv);
        println!("  mcp        {:?}", perms.mcp.servers);
        println!(
            "limits       {} MiB, {} ms per call",
            m.limits.memory_mb, m.limits.timeout_ms
        );
        return Ok(exit::OK);
    }
    if let Some(r) = registry.refusal(name) {
        if json {
            println!(
                "{}",
                serde_json::to_string_pretty(&json!({
                    "name": name, "status": "refused", "manifest": r.manifest, "error": r.error.to_string()
                }))?
            );
        } else {
            println!("name         {name}");
            println!("status       refused");
            println!("manifest     {}", display_path(&r.manifest));
            println!("reason       {}", r.error);
        }
        return Ok(exit::FAILURE);
    }
    Err(anyhow!("no plugin named `{name}`; `ralex plugin list` shows the installed ones").into())
}
