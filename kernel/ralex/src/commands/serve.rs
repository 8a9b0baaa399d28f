//! `ralex serve`: the kernel and its HTTP gateway for one or more projects, until
//! Ctrl-C or SIGTERM (requests in flight finish first).

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{Context, anyhow};
use ralex_gateway::{AppState, Limiter, PluginInfo, Project};
use ralex_orchestrator::Event;
use tokio::sync::broadcast;

use crate::cli::ServeArgs;
use crate::config::Config;
use crate::exit::{self, CliError, CliResult};
use crate::home::Home;
use crate::plugins::Registry;

/// Events buffered per listener before a slow one misses some.
const EVENT_BUFFER: usize = 1024;

/// Run `ralex serve`.
pub async fn run(args: ServeArgs, home: &Home, config: &Config) -> CliResult {
    let listen: SocketAddr = args.listen.parse().map_err(|_| {
        CliError::usage(format!(
            "--listen {}: not an address; give IP:PORT, e.g. 127.0.0.1:8000",
            args.listen
        ))
    })?;
    let projects = projects(&args)?;
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => {
            Some(ralex_gateway::tls::server_config(cert, key).map_err(CliError::usage)?)
        }
        _ => None,
    };
    let registry = Registry::open(home, config)?;
    let (events, _) = broadcast::channel::<Event>(EVENT_BUFFER);
    let sender = events.clone();
    let orchestrator = crate::pipeline::open(config, &registry)?
        .with_index_cache(home.index_cache())
        .with_events(Arc::new(move |event: Event| {
            // No listener is fine: events are for whoever watches.
            let _ = sender.send(event);
        }));
    let orchestrator = Arc::new(crate::pipeline::with_workflows(
        orchestrator,
        home,
        &registry,
    ));
    resume_runs(&orchestrator, &registry.store);
    let roots: Vec<std::path::PathBuf> = projects.iter().map(|p| p.root.clone()).collect();
    orchestrator.watch_projects(&roots);
    orchestrator.sync_notes_in_background(roots);
    let state = AppState {
        orchestrator,
        store: Arc::clone(&registry.store),
        projects: Arc::new(projects),
        events,
        metrics: Arc::default(),
        limiter: Arc::new(Limiter::default()),
        plugins: Arc::new(plugin_infos(&registry)),
        allowed_origins: Arc::new(Vec::new()),
    };
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let bound = listener
        .local_addr()
        .context("cannot read the bound address")?;
    if !bound.ip().is_loopback() && tls.is_none() {
        eprintln!(
            "warning: listening on {bound}, reachable from other machines without TLS; prefer Tailscale HTTPS or a loopback address (see docs/DEPLOYMENT_GUIDE.md)"
        );
    }
    let served: Vec<String> = state
        .projects
        .iter()
        .map(|p| format!("{} ({})", p.name, p.root.display()))
        .collect();
    let scheme = if tls.is_some() { "https" } else { "http" };
    println!("listening on {scheme}://{bound}");
    eprintln!("serving {}", served.join(", "));
    ralex_gateway::serve(listener, tls, ralex_gateway::router(state), shutdown())
        .await
        .context("the gateway stopped with an error")?;
    eprintln!("stopped");
    Ok(exit::OK)
}

fn projects(args: &ServeArgs) -> Result<Vec<Project>, CliError> {
    let dirs = if args.project.is_empty() {
        vec![std::env::current_dir().context("cannot read the current directory")?]
    } else {
        args.project.clone()
    };
    let mut projects: Vec<Project> = Vec::new();
    for dir in dirs {
        let root = dir.canonicalize().map_err(|e| {
            CliError::usage(format!(
                "--project {}: {e}; give the folder of a project",
                dir.display()
            ))
        })?;
        if !root.is_dir() {
            return Err(CliError::usage(format!(
                "--project {}: not a folder",
                dir.display()
            )));
        }
        let name = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| anyhow!("{} has no folder name", root.display()))?;
        if projects.iter().any(|p| p.name == name) {
            return Err(CliError::usage(format!(
                "two projects are named `{name}`; requests pick a project by its folder name, so serve folders with different names"
            )));
        }
        projects.push(Project { name, root });
    }
    Ok(projects)
}

fn plugin_infos(registry: &Registry) -> Vec<PluginInfo> {
    let mut infos: Vec<PluginInfo> = registry
        .loaded
        .iter()
        .map(|p| {
            let m = p.manifest();
            PluginInfo {
                name: p.name().to_owned(),
                version: m.plugin.version.clone(),
                world: p.world().name().to_owned(),
                publisher: m.plugin.publisher.clone(),
                sha256: p.digest().to_owned(),
                status: "loaded".into(),
                error: None,
            }
        })
        .collect();
    infos.extend(registry.refused.iter().map(|r| PluginInfo {
        name: r.name.clone().unwrap_or_default(),
        version: String::new(),
        world: String::new(),
        publisher: String::new(),
        sha256: String::new(),
        status: "refused".into(),
        error: Some(r.error.to_string()),
    }));
    infos
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    eprintln!("shutting down: finishing the requests in flight");
}

/// Resumes, in the background, the workflow runs a stopped kernel left
/// unfinished, each as the person who started it.
fn resume_runs(
    orchestrator: &Arc<ralex_orchestrator::Orchestrator>,
    store: &Arc<ralex_store::Store>,
) {
    let orchestrator = Arc::clone(orchestrator);
    let store = Arc::clone(store);
    tokio::spawn(async move {
        let who_of = move |actor: &str| -> Option<ralex_orchestrator::Who> {
            if actor == "user:cli" {
                return Some(crate::commands::answer::cli_user());
            }
            let name = actor.strip_prefix("token:")?;
            let token = store
                .tokens()
                .ok()?
                .into_iter()
                .find(|t| t.name == name && t.revoked_ms.is_none())?;
            let scope = if token.scope == "admin" {
                ralex_policy::Scope::Admin
            } else {
                ralex_policy::Scope::Normal
            };
            Some(ralex_orchestrator::Who {
                principal: ralex_policy::Principal::user(name, scope, &[]),
                actor: actor.to_string(),
                label: format!("token `{name}`"),
            })
        };
        let resumed = orchestrator.resume_unfinished(&who_of).await;
        for view in resumed {
            tracing::info!(run = %view.run.id, state = %view.run.state, "workflow run resumed");
        }
    });
}
