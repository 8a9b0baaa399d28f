//! The security suite: an untrusted workflow step (`intruder`) tries to get out of
//! its grant through every capability. Each case asserts the exact denial (code,
//! deciding rule) and that nothing changed on disk; the audit trail records every
//! decision and stays intact.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use ralex_caps::workspace::{Workspace, WorkspaceLimits};
use ralex_host::calls::step::StepInput;
use ralex_host::{CallContext, Host, Plugin, WriteJournal};
use ralex_store::{AuditFilter, Store};
use serde_json::{Value, json};

use crate::support::staged;

/// The grant a team would write for this workflow step: everything, so what is
/// refused is refused by the manifest, the default forbids or the providers.
const GRANT: &str = "permit (principal == Ralex::Plugin::\"intruder\", action, resource);";

/// Replaces the shipped exec.cedar for these tests: `echo`, `env` and `ls` are
/// listed (so metacharacter and environment cases reach the runner).
const EXEC_POLICY: &str = "@id(\"exec-only-listed-programs\")\n\
@reason(\"test list\")\n\
forbid (principal, action == Ralex::Action::\"exec:run\", resource is Ralex::Program)\n\
unless { [\"cargo\", \"echo\", \"env\", \"ls\"].contains(resource.name) };\n\
@id(\"no-shells\")\n\
@reason(\"shells never run\")\n\
forbid (principal, action == Ralex::Action::\"exec:run\", resource is Ralex::Program)\n\
when { [\"sh\", \"bash\"].contains(resource.name) };\n";

struct Lab {
    host: Host,
    plugin: Plugin,
    store: Arc<Store>,
    _dir: tempfile::TempDir,
    sandbox: tempfile::TempDir,
    root: PathBuf,
    journal: Arc<WriteJournal>,
    context: CallContext,
}

fn git(root: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .args(args)
        .current_dir(root)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@t")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@t")
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

impl Lab {
    fn new() -> Lab {
        Lab::with_grant(GRANT)
    }

    fn with_grant(grant: &str) -> Lab {
        Lab::build(grant, false)
    }

    fn build(grant: &str, private_network: bool) -> Lab {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = tempfile::tempdir().unwrap();
        let root = sandbox.path().join("proj");
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::create_dir_all(root.join("keys")).unwrap();
        std::fs::write(root.join("src/app.py"), "def app():\n    return 1\n").unwrap();
        std::fs::write(root.join(".env"), "API_KEY=sk-live-123\n").unwrap();
        std::fs::write(root.join("keys/id_rsa"), "PRIVATE KEY\n").unwrap();
        std::fs::write(root.join("README.md"), "# proj\nAPI_KEY lives in .env\n").unwrap();
        std::fs::write(sandbox.path().join("outside.txt"), "OUTSIDE-SECRET").unwrap();
        std::fs::create_dir_all(sandbox.path().join("outdir")).unwrap();
        std::os::unix::fs::symlink(sandbox.path().join("outdir"), root.join("src/linkout"))
            .unwrap();
        std::os::unix::fs::symlink(sandbox.path().join("outside.txt"), root.join("link-file"))
            .unwrap();
        std::fs::hard_link(
            sandbox.path().join("outside.txt"),
            root.join("src/hard.txt"),
        )
        .unwrap();
        git(&root, &["init", "-q", "-b", "main"]);
        std::fs::write(root.join(".gitignore"), "").unwrap();
        git(&root, &["add", "src/app.py", "README.md", ".gitignore"]);
        git(&root, &["commit", "-q", "-m", "init"]);

        let policy_files = ralex_policy::merge_files(
            ralex_policy::default_files(),
            vec![
                ralex_policy::PolicyFile {
                    name: "grants/intruder.cedar".into(),
                    origin: "grants/intruder.cedar".into(),
                    text: grant.into(),
                },
                ralex_policy::PolicyFile {
                    name: "exec.cedar".into(),
                    origin: "exec.cedar".into(),
                    text: EXEC_POLICY.into(),
                },
            ],
        );
        let store = Arc::new(Store::open(&dir.path().join("ralex.db")).unwrap());
        let config = ralex_host::HostConfig {
            policy: Arc::new(ralex_policy::Policy::load(&policy_files).unwrap()),
            private_network: if private_network {
                vec!["intruder".to_string()]
            } else {
                Vec::new()
            },
            ..ralex_host::HostConfig::new(dir.path().join("cache"))
        };
        let host = Host::new(config, Arc::clone(&store)).unwrap();
        let plugin = host
            .load(&staged("test-plugins", "intruder").join("plugin.toml"))
            .unwrap();
        let workspace = Arc::new(Workspace::open(&root, WorkspaceLimits::default()).unwrap());
        let journal = Arc::new(WriteJournal::new());
        let context = CallContext {
            workspace: Some(workspace),
            journal: Some(Arc::clone(&journal)),
            git: Some(Arc::new(Mutex::new(ralex_git::Repo::open(&root).unwrap()))),
            egress: Some(Arc::new(
                ralex_net::Egress::new(ralex_net::Limits::default()).unwrap(),
            )),
            runner: Some(Arc::new(ralex_exec::Runner::new(
                root.clone(),
                ralex_exec::Limits::default(),
                ralex_exec::Sandbox::None,
            ))),
            ..CallContext::default()
        };
        Lab {
            host,
            plugin,
            store,
            _dir: dir,
            sandbox,
            root,
            journal,
            context,
        }
    }

    async fn call_with(&self, context: CallContext, params: Value) -> Value {
        let out = self
            .host
            .run_step(
                &self.plugin,
                context,
                StepInput {
                    name: "probe".into(),
                    params_json: params.to_string(),
                    previous_json: "{}".into(),
                },
            )
            .await
            .expect("the step reports")
            .value;
        serde_json::from_str(&out.output_json).unwrap()
    }

    async fn call(&self, params: Value) -> Value {
        self.call_with(self.context.clone(), params).await
    }

    /// Every file under the sandbox (project and outside), with content and
    /// mode — `.git/objects` and `.git/logs` excluded (reads may pack them).
    fn tree(&self) -> BTreeMap<String, (Vec<u8>, u32)> {
        let mut out = BTreeMap::new();
        walk(self.sandbox.path(), self.sandbox.path(), &mut out);
        out
    }

    fn last_audit(&self) -> ralex_store::AuditEntry {
        self.store
            .audit_entries(&AuditFilter {
                limit: Some(1),
                ..AuditFilter::default()
            })
            .unwrap()
            .pop()
            .expect("an audit entry")
    }
}

fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, (Vec<u8>, u32)>) {
    use std::os::unix::fs::PermissionsExt;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let rel = path
            .strip_prefix(base)
            .unwrap()
            .to_string_lossy()
            .to_string();
        if rel.ends_with(".git/objects")
            || rel.ends_with(".git/logs")
            || rel.ends_with(".git/index")
        {
            continue;
        }
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&path).unwrap();
            out.insert(rel, (target.to_string_lossy().as_bytes().to_vec(), 0));
        } else if meta.is_dir() {
            out.insert(rel.clone(), (Vec::new(), meta.permissions().mode()));
            walk(base, &path, out);
        } else {
            out.insert(
                rel,
                (std::fs::read(&path).unwrap(), meta.permissions().mode()),
            );
        }
    }
}

/// Asserts a denial with `code` whose message contains `needle`, that the disk is
/// unchanged, and that nothing from outside the root leaked into the answer.
async fn refused(lab: &Lab, params: Value, code: &str, needle: &str) -> Value {
    let before = lab.tree();
    let out = lab.call(params.clone()).await;
    let error = out
        .get("error")
        .unwrap_or_else(|| panic!("{params} was allowed: {out}"));
    assert_eq!(error["code"], code, "{params}: {out}");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains(needle),
        "{params}: `{message}` lacks `{needle}`"
    );
    assert!(!out.to_string().contains("OUTSIDE-SECRET"), "{out}");
    assert!(!out.to_string().contains("sk-live-123"), "{out}");
    assert!(
        !message.contains(lab.root.to_str().unwrap()),
        "host path leaked: {message}"
    );
    assert_eq!(before, lab.tree(), "{params} changed the disk");
    assert!(lab.journal.changes().is_empty(), "{params} was journaled");
    out
}

mod exec;
mod http;
mod mcp;
mod others;
mod reads;
mod writes;
