//! Compressing old session notes: `.ralex/sessions/<date>-<id>.md` files older than
//! a number of days become one section of `.ralex/sessions/archive.md` — a summary
//! written through the `context-compressor` plugin and every decision and
//! preference kept word for word — and are then removed.
//!
//! Owns [`compress_sessions`], its [`CompressReport`] and [`CompressError`]; the
//! file names and dates are `sessions`, the archive's markdown `archive`.
//!
//! Every read, write and delete goes through the workspace capability
//! (`ralex_caps::workspace::Workspace`): no path leaves the project, no symlink is
//! followed, and the archive is written atomically (temp file, fsync, rename).
//! Only the names of `.ralex/sessions/` are listed with `std::fs`, so a
//! `.gitignore`d sessions folder is still found.
//!
//! Must never: remove a session file before the archive holding its summary is
//! on disk; remove anything when the plugin, the model or a write failed; archive a
//! file that changed while the model was summarising it; or write a summary the
//! plugin did not return.

mod archive;
pub(crate) mod sessions;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use ralex_caps::ErrorKind;
use ralex_caps::workspace::{Workspace, WorkspaceError, WorkspaceLimits};
use ralex_host::calls::compressor::CompressRequest;
use ralex_host::model::{CommandSpend, ModelAccess};
use ralex_host::{CallContext, CallError, Host, Plugin};
use ralex_models::tokens::text_tokens;
use ralex_models::{Latency, Models};

pub use archive::ARCHIVE;
pub use sessions::{SESSIONS_DIR, SessionDate};

use archive::Section;

/// The plugin the `[pipeline] compressor` role names unless configured otherwise.
pub const DEFAULT_COMPRESSOR: &str = "context-compressor";

/// What one compression did.
#[derive(Debug, Clone, PartialEq)]
pub struct CompressReport {
    /// The session files compressed and removed, relative to the project root,
    /// oldest first; empty when none was old enough.
    pub sessions: Vec<String>,
    /// The archive, relative to the project root (`.ralex/sessions/archive.md`).
    pub archive: String,
    /// Estimated tokens of the compressed session files.
    pub tokens_before: u64,
    /// Estimated tokens of the section appended to the archive.
    pub tokens_after: u64,
    /// Lines kept word for word (decisions and preferences).
    pub kept_verbatim: usize,
    /// The model that wrote the summary, if one was called.
    pub model: Option<String>,
    /// What the model call cost, in USD.
    pub cost_usd: f64,
    /// One line for people: what was done, or why nothing was.
    pub message: String,
}

/// Why a compression did not happen. In every case but [`CompressError::Remove`]
/// no file was changed.
#[derive(Debug, thiserror::Error)]
pub enum CompressError {
    /// The project folder cannot be opened.
    #[error("cannot open the project {} to compress its session notes: {source}", root.display())]
    Project {
        /// The folder asked for.
        root: PathBuf,
        /// Why.
        source: WorkspaceError,
    },
    /// The sessions folder cannot be listed.
    #[error("cannot list {}: {source}; check the folder's permissions", dir.display())]
    List {
        /// The folder.
        dir: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Another compression of the same project is running in this process.
    #[error("the session notes of {} are being compressed already; try again when that has finished", root.display())]
    Busy {
        /// The project.
        root: PathBuf,
    },
    /// A session file (or the archive) cannot be read.
    #[error("cannot read {path}: {source}; no session file was changed")]
    Read {
        /// Relative path.
        path: String,
        /// Why.
        source: WorkspaceError,
    },
    /// No model layer, or no usable model in it.
    #[error(
        "compressing session notes needs a model and none is configured: add [[providers]] and [[models]] to ralex.toml, set a provider key such as OPENAI_API_KEY, or set RALEX_OPENAI_BASE_URL and RALEX_MODEL; no session file was changed"
    )]
    NoModel,
    /// The plugin failed, or reported an error (e.g. the model failed or was refused).
    #[error("compressing the session notes failed: {source}; no session file was changed")]
    Plugin {
        /// What the host said.
        #[source]
        source: CallError,
    },
    /// A session file changed while it was being summarised.
    #[error(
        "{path} changed while it was being compressed; nothing was archived or removed — run the compression again"
    )]
    Changed {
        /// Relative path.
        path: String,
    },
    /// The archive cannot be written.
    #[error("cannot write {path}: {source}; no session file was removed")]
    Write {
        /// Relative path.
        path: String,
        /// Why.
        source: WorkspaceError,
    },
    /// The archive was written but a compressed session file could not be removed.
    #[error(
        "{ARCHIVE} holds the new summary, but {path} could not be removed ({source}); remove {} by hand so they are not compressed twice",
        remaining.join(", ")
    )]
    Remove {
        /// The file that could not be removed.
        path: String,
        /// Every compressed file still there (this one included).
        remaining: Vec<String>,
        /// Why.
        source: WorkspaceError,
    },
}

/// Compresses the session notes of the project at `root` dated (by file name)
/// more than `older_than_days` days before `today`.
///
/// Sends their text, oldest first, to `plugin` (a `context-compressor`) with a
/// summary budget of `budget_tokens`; the plugin's model calls go through `models`
/// (routed as a read-only `docs` task, so the router picks a cheap model; at most
/// one call). Then appends a section `## <from> – <to> (N sessions, compressed
/// <today>)` with the summary and a `### Kept word for word` list to
/// [`ARCHIVE`] (created with a short header), written atomically, and only then
/// removes the compressed files.
///
/// Nothing old enough: an empty report and no plugin call. Any failure before the
/// archive is written leaves every file as it was.
pub async fn compress_sessions(
    host: &Host,
    plugin: &Plugin,
    models: Option<Arc<Models>>,
    root: &Path,
    older_than_days: u32,
    budget_tokens: u32,
    today: SessionDate,
) -> Result<CompressReport, CompressError> {
    let workspace = Workspace::open(root, WorkspaceLimits::default()).map_err(|source| {
        CompressError::Project {
            root: root.to_path_buf(),
            source,
        }
    })?;
    let _turn = Turn::take(workspace.root())?;
    let cutoff = today.days() - i64::from(older_than_days);
    let old: Vec<_> = sessions::session_files(workspace.root())
        .map_err(|source| CompressError::List {
            dir: workspace.root().join(SESSIONS_DIR),
            source,
        })?
        .into_iter()
        .filter(|f| f.date.days() < cutoff)
        .collect();
    if old.is_empty() {
        return Ok(CompressReport {
            message: format!(
                "No session notes are older than {older_than_days} days; nothing was compressed."
            ),
            ..CompressReport::empty()
        });
    }
    let Some(models) = models.filter(|m| !m.candidates().is_empty()) else {
        return Err(CompressError::NoModel);
    };

    let mut notes = Vec::with_capacity(old.len());
    for file in old {
        let text = read(&workspace, &file.path)?;
        notes.push((file, text));
    }
    notes.sort_by(|(a, ta), (b, tb)| {
        let key_a = (a.date, sessions::first_entry_time(ta), &a.path);
        key_a.cmp(&(b.date, sessions::first_entry_time(tb), &b.path))
    });
    let tokens_before: u64 = notes.iter().map(|(_, t)| text_tokens(t.len())).sum();

    let spend = Arc::new(CommandSpend::new(1, i64::MAX));
    let context = CallContext {
        model: Some(Arc::new(ModelAccess {
            kind: "docs".into(),
            risk: "read_only".into(),
            latency: Latency::Balanced,
            spend: Some(Arc::clone(&spend)),
            ..ModelAccess::new(models)
        })),
        ..CallContext::default()
    };
    let request = CompressRequest {
        notes: notes.iter().map(|(_, t)| t.clone()).collect(),
        budget_tokens,
    };
    let compressed = host
        .compress(plugin, context, request)
        .await
        .map_err(|source| CompressError::Plugin { source })?
        .value;
    let spent = spend.spent();

    // The model may take minutes: archive nothing that changed meanwhile.
    for (file, text) in &notes {
        if read(&workspace, &file.path)? != *text {
            return Err(CompressError::Changed {
                path: file.path.clone(),
            });
        }
    }
    let (Some((first, _)), Some((last, _))) = (notes.first(), notes.last()) else {
        return Ok(CompressReport::empty());
    };
    let (first, last) = (first.date, last.date);
    let section = Section {
        from: first,
        to: last,
        sessions: notes.len(),
        today,
        summary: &compressed.summary,
        kept: &compressed.kept_verbatim,
    }
    .render();
    let existing = match workspace.read(ARCHIVE) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == ErrorKind::NotFound => None,
        Err(source) => {
            return Err(CompressError::Read {
                path: ARCHIVE.into(),
                source,
            });
        }
    };
    workspace
        .write(ARCHIVE, &archive::appended(existing.as_deref(), &section))
        .map_err(|source| CompressError::Write {
            path: ARCHIVE.into(),
            source,
        })?;

    let paths: Vec<String> = notes.into_iter().map(|(f, _)| f.path).collect();
    for (i, path) in paths.iter().enumerate() {
        if let Err(source) = workspace.delete(path) {
            return Err(CompressError::Remove {
                path: path.clone(),
                remaining: paths[i..].to_vec(),
                source,
            });
        }
    }
    let tokens_after = text_tokens(section.len());
    tracing::info!(
        sessions = paths.len(),
        tokens_before,
        tokens_after,
        kept = compressed.kept_verbatim.len(),
        model = spent.model.as_deref().unwrap_or("none"),
        "session notes compressed"
    );
    Ok(CompressReport {
        message: format!(
            "Compressed {} session file{} ({first} – {last}) from about {tokens_before} to {tokens_after} tokens into {ARCHIVE}, keeping {} line{} word for word.",
            paths.len(),
            if paths.len() == 1 { "" } else { "s" },
            compressed.kept_verbatim.len(),
            if compressed.kept_verbatim.len() == 1 {
                ""
            } else {
                "s"
            },
        ),
        sessions: paths,
        tokens_before,
        tokens_after,
        kept_verbatim: compressed.kept_verbatim.len(),
        model: spent.model,
        cost_usd: spent.cost_nusd as f64 / 1e9,
        ..CompressReport::empty()
    })
}

impl CompressReport {
    /// A report of nothing done.
    fn empty() -> CompressReport {
        CompressReport {
            sessions: Vec::new(),
            archive: ARCHIVE.to_string(),
            tokens_before: 0,
            tokens_after: 0,
            kept_verbatim: 0,
            model: None,
            cost_usd: 0.0,
            message: String::new(),
        }
    }
}

fn read(workspace: &Workspace, path: &str) -> Result<String, CompressError> {
    workspace.read(path).map_err(|source| CompressError::Read {
        path: path.to_string(),
        source,
    })
}

/// Projects being compressed in this process.
static RUNNING: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);

/// One compression's hold on its project; released on drop.
struct Turn(PathBuf);

impl Turn {
    fn take(root: &Path) -> Result<Turn, CompressError> {
        let mut running = RUNNING.lock().unwrap_or_else(PoisonError::into_inner);
        if !running
            .get_or_insert_with(HashSet::new)
            .insert(root.to_path_buf())
        {
            return Err(CompressError::Busy {
                root: root.to_path_buf(),
            });
        }
        Ok(Turn(root.to_path_buf()))
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        let mut running = RUNNING.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(set) = running.as_mut() {
            set.remove(&self.0);
        }
    }
}
