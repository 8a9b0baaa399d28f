//! What every route shares: the orchestrator, the store, the projects served, the
//! event bus, metrics and the failed-login limiter.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use ralex_orchestrator::{Event, Orchestrator};
use ralex_store::Store;
use serde::Serialize;
use tokio::sync::broadcast;

use crate::metrics::Metrics;

/// A plugin as `GET /v4/plugins` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PluginInfo {
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// World.
    pub world: String,
    /// Publisher.
    pub publisher: String,
    /// Component digest.
    pub sha256: String,
    /// `loaded` or `refused`.
    pub status: String,
    /// Why it was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A project the gateway serves, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// Its folder name (what requests name it by).
    pub name: String,
    /// Its folder.
    pub root: PathBuf,
}

/// Failed authentications per client address, in a sliding minute.
#[derive(Debug, Default)]
pub struct Limiter {
    failures: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

/// Failed attempts one address may make per window before it gets 429.
pub const MAX_FAILURES: u32 = 20;
/// The window.
pub const FAILURE_WINDOW: Duration = Duration::from_secs(60);

impl Limiter {
    /// Whether `ip` is locked out now.
    pub fn locked(&self, ip: IpAddr) -> bool {
        let failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        failures
            .get(&ip)
            .is_some_and(|(since, n)| since.elapsed() < FAILURE_WINDOW && *n >= MAX_FAILURES)
    }

    /// Counts a failed attempt from `ip`.
    pub fn fail(&self, ip: IpAddr) {
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        if failures.len() > 10_000 {
            failures.retain(|_, (since, _)| since.elapsed() < FAILURE_WINDOW);
        }
        let entry = failures.entry(ip).or_insert((Instant::now(), 0));
        if entry.0.elapsed() >= FAILURE_WINDOW {
            *entry = (Instant::now(), 0);
        }
        entry.1 += 1;
    }
}

/// The gateway's shared state.
#[derive(Clone)]
pub struct AppState {
    /// The pipeline.
    pub orchestrator: Arc<Orchestrator>,
    /// The kernel store (tokens, history).
    pub store: Arc<Store>,
    /// Projects served; the first is the default.
    pub projects: Arc<Vec<Project>>,
    /// Every command's progress events.
    pub events: broadcast::Sender<Event>,
    /// Counters and histograms for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// Failed-login limiter.
    pub limiter: Arc<Limiter>,
    /// Plugins, as loaded at start.
    pub plugins: Arc<Vec<PluginInfo>>,
    /// Origins allowed for browsers (CORS and WebSocket); empty: same origin only.
    pub allowed_origins: Arc<Vec<String>>,
}

impl AppState {
    /// The project named `name`, or the default one.
    pub fn project(&self, name: Option<&str>) -> Option<&Project> {
        match name {
            None | Some("") => self.projects.first(),
            Some(name) => self.projects.iter().find(|p| p.name == name),
        }
    }
}
