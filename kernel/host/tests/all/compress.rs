//! Compressing old session notes end to end: the orchestrator's
//! `compress_sessions` with the real `context-compressor` component (staged by
//! `cargo xtask plugins`), loaded first-party, calling the scripted model server
//! (the real `ralex-model-testserver` binary) through the `model` capability.
//!
//! Checks that the archive holds the model's summary and every decision and
//! preference word for word, that only the old session files are removed, and that
//! a failing model, a missing model or nothing old enough changes no file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ralex_host::{Host, HostConfig, Plugin};
use ralex_model_testserver::ServerProcess as ModelServer;
use ralex_models::{CallConfig, ModelConfig, Models, ModelsConfig, ProviderConfig};
use ralex_orchestrator::compress::{
    ARCHIVE, CompressError, CompressReport, SessionDate, compress_sessions,
};
use ralex_policy::Trust;
use ralex_store::Store;
use serde_json::json;

use crate::support::{staged, target_debug};

const OLD_1: &str = "# Session 2026-11-01 · aaa111\n\n\
## 17:05:12 · add a docstring to parse config\n\
- Kind: docs · Status: completed · Model: lab-small · Cost: $0.0012\n\
- Changed: inventory/parse_config.py\n\
- Decision: use Google-style docstrings\n\
- Preference: always run the tests after an edit\n";

const OLD_2: &str = "# Session 2026-11-03 · bbb222\n\n\
## 09:12:40 · rename the stock item class to inventory item\n\
- Kind: refactor · Status: completed · Model: lab-small · Cost: $0.0040\n\
- Changed: inventory/models.py, inventory/views.py\n\
- Decision: keep one model class per file\n\
- Preference: always run the tests after an edit\n\n\
## Decisions\n\
- Public names stay in English\n";

const RECENT: &str = "# Session 2026-12-04 · ccc333\n\n\
## 08:00:00 · fix the login test\n\
- Kind: fix · Status: completed · Model: lab-small · Cost: $0.0020\n\
- Changed: tests/test_login.py\n\
- Decision: mock the clock in tests\n";

const SUMMARY: &str = "**2026-11-01**\n- Added a Google-style docstring to `parse_config` (inventory/parse_config.py).\n**2026-11-03**\n- Renamed `StockItem` to `InventoryItem` (inventory/models.py, inventory/views.py).";

/// Every line the archive must carry word for word.
const KEPT: [&str; 4] = [
    "- Decision: use Google-style docstrings",
    "- Preference: always run the tests after an edit",
    "- Decision: keep one model class per file",
    "- Public names stay in English",
];

/// A host whose first-party folder is where the shipped plugins are staged, the
/// compressor loaded from there, a project with three session files, and the
/// scripted model server.
struct Lab {
    host: Host,
    compressor: Plugin,
    store: Arc<Store>,
    server: ModelServer,
    project: tempfile::TempDir,
    _dir: tempfile::TempDir,
}

impl Lab {
    fn new() -> Lab {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open(&dir.path().join("ralex.db")).unwrap());
        let staged_dir = staged("plugins", "context-compressor");
        let config = HostConfig {
            first_party_dirs: vec![staged_dir.parent().unwrap().to_path_buf()],
            ..HostConfig::new(dir.path().join("cache"))
        };
        let host = Host::new(config, Arc::clone(&store)).unwrap();
        let compressor = host.load(&staged_dir.join("plugin.toml")).unwrap();
        assert_eq!(compressor.trust(), Trust::FirstParty);
        let project = tempfile::tempdir().unwrap();
        let sessions = project.path().join(".ralex/sessions");
        std::fs::create_dir_all(&sessions).unwrap();
        // Written newest first: the order sent must come from the dates.
        for (name, text) in [
            ("2026-12-04-ccc333.md", RECENT),
            ("2026-11-03-bbb222.md", OLD_2),
            ("2026-11-01-aaa111.md", OLD_1),
        ] {
            std::fs::write(sessions.join(name), text).unwrap();
        }
        Lab {
            host,
            compressor,
            store,
            server: ModelServer::start(&target_debug().join("ralex-model-testserver")),
            project,
            _dir: dir,
        }
    }

    /// One model, `lab-small`, at the scripted server; one attempt per call so a
    /// scripted 500 is the model's final answer.
    fn models(&self) -> Arc<Models> {
        let provider: ProviderConfig = toml::from_str(&format!(
            "name = \"lab\"\nkind = \"openai\"\nbase_url = \"{}\"\napi_key_env = \"LAB_API_KEY\"\n",
            self.server.base()
        ))
        .unwrap();
        let model: ModelConfig = toml::from_str(
            "name = \"lab-small\"\nprovider = \"lab\"\ncontext_window = 32000\ninput_per_mtok = 0.5\noutput_per_mtok = 1.5\ntier = 1\n",
        )
        .unwrap();
        let config = ModelsConfig {
            providers: vec![provider],
            models: vec![model],
            calls: CallConfig {
                max_attempts: 1,
                ..CallConfig::default()
            },
            ..ModelsConfig::default()
        };
        let env = |name: &str| (name == "LAB_API_KEY").then(|| "sk-lab".to_string());
        Arc::new(Models::new(&config, Arc::clone(&self.store), &env).unwrap())
    }

    fn root(&self) -> &Path {
        self.project.path()
    }

    fn session(&self, name: &str) -> PathBuf {
        self.root().join(".ralex/sessions").join(name)
    }

    /// Every file of `.ralex/sessions` with its content, sorted by name.
    fn files(&self) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> =
            std::fs::read_dir(self.root().join(".ralex/sessions"))
                .unwrap()
                .map(|e| {
                    let e = e.unwrap();
                    let text = std::fs::read_to_string(e.path()).unwrap();
                    (e.file_name().to_string_lossy().into_owned(), text)
                })
                .collect();
        files.sort();
        files
    }

    async fn compress(&self, models: Option<Arc<Models>>) -> Result<CompressReport, CompressError> {
        compress_sessions(
            &self.host,
            &self.compressor,
            models,
            self.root(),
            7,
            600,
            SessionDate::parse("2026-12-05").unwrap(),
        )
        .await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn old_sessions_become_an_archive_section_with_every_decision_kept() {
    let lab = Lab::new();
    lab.server
        .push(json!([{"kind": "chat", "text": SUMMARY, "input_tokens": 400, "output_tokens": 60}]));

    let report = lab.compress(Some(lab.models())).await.unwrap();

    assert_eq!(
        report.sessions,
        [
            ".ralex/sessions/2026-11-01-aaa111.md",
            ".ralex/sessions/2026-11-03-bbb222.md"
        ]
    );
    assert_eq!(report.archive, ARCHIVE);
    assert_eq!(report.kept_verbatim, KEPT.len());
    assert_eq!(report.model.as_deref(), Some("lab-small"));
    assert!(
        report.tokens_before > 0 && report.tokens_after > 0,
        "{report:?}"
    );

    let archive = std::fs::read_to_string(lab.root().join(ARCHIVE)).unwrap();
    assert!(archive.starts_with("# Session archive\n"), "{archive}");
    assert!(
        archive.contains("\n## 2026-11-01 – 2026-11-03 (2 sessions, compressed 2026-12-05)\n"),
        "{archive}"
    );
    assert!(archive.contains(SUMMARY), "{archive}");
    let kept_part = archive.split("### Kept word for word").nth(1).unwrap();
    for line in KEPT {
        assert_eq!(
            kept_part.lines().filter(|l| *l == line).count(),
            1,
            "{line:?} once, word for word, in:\n{archive}"
        );
    }
    assert!(
        !archive.contains("mock the clock"),
        "the recent session stays out"
    );

    // The old files are gone, the recent one is as it was.
    assert!(!lab.session("2026-11-01-aaa111.md").exists());
    assert!(!lab.session("2026-11-03-bbb222.md").exists());
    assert_eq!(
        std::fs::read_to_string(lab.session("2026-12-04-ccc333.md")).unwrap(),
        RECENT
    );

    // One model call: the notes oldest first, without the kept lines.
    let requests = lab.server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0]["body"]["model"], "lab-small");
    let user = requests[0]["body"]["messages"][1]["content"]
        .as_str()
        .unwrap();
    let first = user.find("add a docstring to parse config").unwrap();
    let second = user.find("rename the stock item class").unwrap();
    assert!(first < second, "oldest first:\n{user}");
    assert!(!user.contains("Google-style docstrings"), "{user}");
    assert!(!user.contains("ccc333"), "{user}");

    // A second run appends below the first and keeps what is there.
    std::fs::write(
        lab.session("2026-11-20-ddd444.md"),
        "## 10:00:00 · show the readme\n- Decision: keep the readme short\n",
    )
    .unwrap();
    lab.server
        .push(json!([{"kind": "text", "text": "**2026-11-20**\n- Showed README.md."}]));
    let again = lab.compress(Some(lab.models())).await.unwrap();
    assert_eq!(again.sessions, [".ralex/sessions/2026-11-20-ddd444.md"]);
    let grown = std::fs::read_to_string(lab.root().join(ARCHIVE)).unwrap();
    assert!(grown.starts_with(archive.trim_end()), "{grown}");
    assert!(grown.contains("## 2026-11-20 – 2026-11-20 (1 session, compressed 2026-12-05)"));
    assert!(
        grown.contains("\n- Decision: keep the readme short\n"),
        "{grown}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_failure_leaves_every_file_as_it_was() {
    let lab = Lab::new();
    std::fs::write(lab.root().join(ARCHIVE), "# Session archive\n\nby hand\n").unwrap();
    let before = lab.files();
    lab.server.push(json!([{"kind": "server_error"}]));

    let err = lab.compress(Some(lab.models())).await.unwrap_err();

    let CompressError::Plugin { source } = &err else {
        panic!("expected the plugin's error, got {err:?}");
    };
    let text = err.to_string();
    assert!(
        text.contains("no model could summarise the session notes"),
        "{text}"
    );
    assert!(text.contains("no session file was changed"), "{text}");
    assert!(
        matches!(source, ralex_host::CallError::Plugin { .. }),
        "{source:?}"
    );
    assert_eq!(lab.files(), before);
    assert_eq!(lab.server.requests().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_model_or_anything_old_nothing_is_called_or_changed() {
    let lab = Lab::new();
    let before = lab.files();

    let err = lab.compress(None).await.unwrap_err();
    assert!(matches!(err, CompressError::NoModel), "{err:?}");
    assert!(err.to_string().contains("[[providers]]"));

    std::fs::remove_file(lab.session("2026-11-01-aaa111.md")).unwrap();
    std::fs::remove_file(lab.session("2026-11-03-bbb222.md")).unwrap();
    let report = lab.compress(Some(lab.models())).await.unwrap();
    assert!(report.sessions.is_empty(), "{report:?}");
    assert!(
        report.message.contains("older than 7 days"),
        "{}",
        report.message
    );
    assert!(!lab.root().join(ARCHIVE).exists());
    assert_eq!(lab.files(), before[2..].to_vec());
    assert!(lab.server.requests().is_empty());
}
