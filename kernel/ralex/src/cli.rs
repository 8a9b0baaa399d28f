//! The command line, as clap derive definitions. Implementations live in `commands/`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Ralex: drive work on your code by voice, safely.
#[derive(Debug, Parser)]
#[command(name = "ralex", version, about, propagate_version = true)]
pub struct Cli {
    /// Configuration file (default: $RALEX_CONFIG, else $RALEX_HOME/ralex.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one command through the pipeline, without a server.
    Run(RunArgs),
    /// Start the kernel and its HTTP gateway.
    Serve(ServeArgs),
    /// API tokens for the gateway.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Put back exactly what one command changed.
    Undo(UndoArgs),
    /// Inspect plugins.
    #[command(subcommand)]
    Plugin(PluginCommand),
    /// Validate the policies and explain decisions.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Read and verify the hash-chained audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Check that this machine and installation can run Ralex.
    Doctor(DoctorArgs),
    /// Model spending from the cost ledger.
    Costs(CostsArgs),
    /// The model catalogue: list models, ask the router, send a prompt.
    #[command(subcommand)]
    Models(ModelsCommand),
    /// The project's `.ralex` notes: show, sync through git, compress, restore.
    #[command(subcommand)]
    Context(ContextCommand),
    /// Multi-step workflows: list, check, run, resume, follow their runs.
    #[command(subcommand)]
    Workflow(WorkflowCommand),
    /// Team bundles: plugins, policies and workflows in one signed file.
    #[command(subcommand)]
    Bundle(BundleCommand),
}

/// `ralex bundle ...`.
#[derive(Debug, Subcommand)]
pub enum BundleCommand {
    /// Pack a bundle folder (bundle.toml, plugins/, policies/, workflows/) into
    /// one file with a lockfile, signed with your key.
    Pack {
        /// The bundle folder.
        dir: PathBuf,
        /// The bundle file to write.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// The signing key: a name from `ralex plugin keygen`, or a key file.
        #[arg(long, value_name = "NAME|FILE")]
        key: String,
    },
    /// Check a bundle (a file, or an OCI reference): signature, lockfile,
    /// every digest, and what it would change.
    #[command(after_help = "Exit codes: 0 valid, 1 broken or tampered with.")]
    Verify {
        /// The bundle file or OCI reference (`oci://HOST/REPO:TAG`).
        source: String,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Install a bundle: its plugins (with their permission diffs), policies
    /// and workflows — all checked before anything is written.
    #[command(after_help = "\
Exit codes: 0 installed, 1 broken or tampered with, 3 not trusted or not
confirmed. Nothing is installed unless every check passed.")]
    Install {
        /// The bundle file or OCI reference (`oci://HOST/REPO:TAG`).
        source: String,
        /// Confirm what it grants (and permission diffs) without a prompt.
        #[arg(long)]
        yes: bool,
        /// Trust its signer although you did not before (the key is then added
        /// to your trusted publishers).
        #[arg(long)]
        trust: bool,
    },
    /// Push a bundle file to an OCI registry.
    Push {
        /// Where: `oci://HOST[:PORT]/REPO:TAG` (`http://` registries on loopback only).
        reference: String,
        /// The bundle file.
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
    },
    /// Pull a bundle from an OCI registry, verifying the digest pulled.
    Pull {
        /// `oci://HOST[:PORT]/REPO:TAG` or `…@sha256:DIGEST`.
        reference: String,
        /// Where to write it.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
}

/// `ralex workflow ...`.
#[derive(Debug, Subcommand)]
pub enum WorkflowCommand {
    /// The workflows of the project: built-in, yours ($RALEX_HOME/workflows) and
    /// the project's (.ralex/workflows), broken files with their first problem.
    List {
        /// The project (default: the current directory).
        #[arg(long, value_name = "DIR")]
        project: Option<PathBuf>,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Print a workflow's file.
    Show {
        /// The workflow.
        name: String,
        /// The project (default: the current directory).
        #[arg(long, value_name = "DIR")]
        project: Option<PathBuf>,
    },
    /// Check workflow files; every problem with its file, line and field.
    #[command(
        after_help = "Exit codes: 0 every file is valid, 1 problems found, 2 a file cannot be read."
    )]
    Check {
        /// The files.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Run a workflow until it ends or waits for a confirmation.
    #[command(after_help = "\
Examples:
  ralex workflow run bugfix --param bug=\"the total is wrong for an empty cart\"
  ralex workflow run deploy --param environment=staging --yes

Exit codes: 0 completed, 1 failed, rolled back or interrupted, 2 usage,
3 denied by policy or waiting for a confirmation (`ralex workflow resume ID --yes`).")]
    Run {
        /// The workflow.
        name: String,
        /// A parameter, `name=value` (repeat for several).
        #[arg(long = "param", short = 'p', value_name = "NAME=VALUE")]
        params: Vec<String>,
        /// The project (default: the current directory).
        #[arg(long, value_name = "DIR")]
        project: Option<PathBuf>,
        /// The session its commands belong to.
        #[arg(long, value_name = "ID", default_value = "cli")]
        session: String,
        /// Confirm up front: confirmation steps pass.
        #[arg(long)]
        yes: bool,
        /// Print the run as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Go on with a run that waits for a confirmation, or that a stopped kernel
    /// left unfinished.
    Resume {
        /// The run id.
        id: String,
        /// Give the confirmation the run waits for.
        #[arg(long)]
        yes: bool,
        /// Print the run as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Apply the changes a transactional run made in its worktree to your
    /// checkout (one undoable change: `ralex undo` takes it back).
    Apply {
        /// The run id.
        id: String,
        /// Print the answer as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Drop the changes a transactional run made; your checkout stays as it is.
    Discard {
        /// The run id.
        id: String,
    },
    /// Recent runs, or one run's step log (and the diff a transactional run
    /// waits with).
    Runs {
        /// One run.
        id: Option<String>,
        /// Only runs in this project.
        #[arg(long, value_name = "DIR")]
        project: Option<PathBuf>,
        /// How many runs to list.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Create `.ralex/workflows/NAME.yaml` in the project, from a workflow to
    /// copy (`--from bugfix`) or a small commented example.
    New {
        /// The new workflow's name (lowercase letters, digits, dashes).
        name: String,
        /// The workflow to copy.
        #[arg(long, value_name = "WORKFLOW")]
        from: Option<String>,
        /// The project (default: the current directory).
        #[arg(long, value_name = "DIR")]
        project: Option<PathBuf>,
    },
}

/// `ralex context ...`.
#[derive(Debug, Subcommand)]
pub enum ContextCommand {
    /// The notes, damaged ones with how to fix them, the latest session and the
    /// newest decisions.
    Show {
        /// The project (default: the current directory).
        #[arg(long, value_name = "DIR")]
        project: Option<PathBuf>,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Commit pending note changes and sync them with the configured remote now.
    #[command(after_help = "\
Exit codes: 0 synced, 1 offline (commits stay queued), blocked, or conflicts kept
with both versions in the note (edit it, then sync again).")]
    Sync {
        /// The project (default: the current directory).
        #[arg(long, value_name = "DIR")]
        project: Option<PathBuf>,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Summarise old session notes into `.ralex/sessions/archive.md`, keeping
    /// decisions and preferences word for word.
    Compress {
        /// Sessions older than this many days (default: `[context]
        /// compress_after_days`, else 14).
        #[arg(long, value_name = "DAYS")]
        older_than: Option<u32>,
        /// Most tokens the summary may take.
        #[arg(long, value_name = "TOKENS", default_value_t = ralex_orchestrator::notes::COMPRESS_BUDGET_TOKENS)]
        budget: u32,
        /// The project (default: the current directory).
        #[arg(long, value_name = "DIR")]
        project: Option<PathBuf>,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Bring back the newest healthy version of a damaged note from git history
    /// (the damaged file is kept beside it as `<name>.damaged`).
    Restore {
        /// The note, e.g. `decisions.md` or `.ralex/sessions/2026-12-05-cli.md`.
        note: String,
        /// The project (default: the current directory).
        #[arg(long, value_name = "DIR")]
        project: Option<PathBuf>,
    },
}

/// `ralex costs`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  ralex costs                      spending by model, all time
  ralex costs --since 7d --by day  the last week, one row per day (UTC)
  ralex costs --by plugin --json")]
pub struct CostsArgs {
    /// Only attempts since T: 2026-11-01, 2026-11-01T09:00:00Z, 90m, 12h or 7d.
    #[arg(long, value_name = "T")]
    pub since: Option<String>,
    /// Group rows by model, day or plugin.
    #[arg(long, value_enum, default_value_t = CostsBy::Model)]
    pub by: CostsBy,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

/// How `ralex costs` groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CostsBy {
    /// One row per model.
    Model,
    /// One row per UTC day.
    Day,
    /// One row per plugin.
    Plugin,
}

/// `ralex models ...`.
#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// Every catalogue model: provider, prices, tier, whether usable here.
    List {
        /// Include models whose provider is not enabled.
        #[arg(long)]
        all: bool,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Ask the router which model it would choose.
    Route(RouteArgs),
    /// Send one prompt through the whole model path (routing, policy, budget,
    /// retries, ledger) and print the answer.
    Ask(AskArgs),
}

/// `ralex models route`.
#[derive(Debug, clap::Args)]
pub struct RouteArgs {
    /// Intent kind: read, search, explain, edit, create, refactor, fix, test, git, chat, ...
    #[arg(long, default_value = "chat")]
    pub kind: String,
    /// Risk: read_only, modify or destructive.
    #[arg(long, default_value = "read_only")]
    pub risk: String,
    /// Prompt size in tokens.
    #[arg(long, default_value_t = 2000)]
    pub tokens: u32,
    /// Needed capabilities (repeat): tools, vision.
    #[arg(long = "needs", value_name = "CAPABILITY")]
    pub needs: Vec<String>,
    /// fast, balanced or thorough.
    #[arg(long, default_value = "balanced")]
    pub latency: String,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

/// `ralex models ask`.
#[derive(Debug, clap::Args)]
pub struct AskArgs {
    /// The prompt.
    pub prompt: String,
    /// Use this model (default: the router's choice).
    #[arg(long)]
    pub model: Option<String>,
    /// Intent kind for routing.
    #[arg(long, default_value = "chat")]
    pub kind: String,
    /// Session, for the session budget.
    #[arg(long)]
    pub session: Option<String>,
    /// Largest answer, in tokens.
    #[arg(long)]
    pub max_tokens: Option<u32>,
    /// Print the answer as it streams.
    #[arg(long)]
    pub stream: bool,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

/// `ralex run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The command, as you would say it: "add a docstring to parse config dot py".
    pub command: String,
    /// The project to work on (default: the current directory).
    #[arg(long, value_name = "DIR")]
    pub project: Option<PathBuf>,
    /// Only show how the command is understood; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Confirm destructive intents without asking.
    #[arg(long)]
    pub yes: bool,
    /// Confirm an earlier `needs_confirmation` answer by its confirmation id (the
    /// same command must be given again).
    #[arg(long, value_name = "ID", conflicts_with = "yes")]
    pub confirm: Option<String>,
    /// The session the command belongs to ("undo that" works within it).
    #[arg(long, value_name = "ID", default_value = "cli")]
    pub session: String,
    /// Print the answer as JSON for scripts.
    #[arg(long)]
    pub json: bool,
}

/// `ralex serve`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  ralex serve --project ~/code/inventory
  ralex serve --project ~/code/a --project ~/code/b --listen 127.0.0.1:8080")]
pub struct ServeArgs {
    /// A project to serve (repeat for several; default: the current directory).
    /// Requests name a project by its folder name; the first is the default.
    #[arg(long, value_name = "DIR")]
    pub project: Vec<PathBuf>,
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8000")]
    pub listen: String,
    /// Serve HTTPS with this PEM certificate chain (needs --tls-key).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

/// `ralex token ...`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make a token; it is printed once, alone on the last line.
    Create {
        /// Its name, e.g. "phone".
        #[arg(long)]
        name: String,
        /// Admin scope: may also install plugins.
        #[arg(long)]
        admin: bool,
    },
    /// The tokens, live and revoked (never their secrets).
    List {
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Revoke the live token of this name.
    Revoke {
        /// Its name.
        name: String,
    },
}

/// `ralex undo`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  ralex undo                      undo the latest change in this project
  ralex undo c-1764093000000-3f2a1b --project ~/code/inventory
  ralex undo --session phone      the latest change of that session")]
pub struct UndoArgs {
    /// The undo id a command answered with (default: the latest change).
    pub id: Option<String>,
    /// The project (default: the current directory).
    #[arg(long, value_name = "DIR")]
    pub project: Option<PathBuf>,
    /// Undo the latest change of this session only.
    #[arg(long, value_name = "ID", conflicts_with = "id")]
    pub session: Option<String>,
    /// Print the answer as JSON for scripts.
    #[arg(long)]
    pub json: bool,
}

/// `ralex plugin ...`.
#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// List plugins, their worlds, digests and whether they load.
    List {
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Show one plugin's manifest, permissions, limits and status.
    Info {
        /// The plugin's name.
        name: String,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Install a plugin from its folder (or a `.wasm` with its plugin.toml
    /// beside it): shows what it asks for, checks its digest, world and
    /// signature, and writes the grant as policy, pinned to its digest. A folder
    /// with a Cargo.toml (a project from `ralex plugin new`) is built first.
    #[command(after_help = "\
Exit codes: 0 installed, 1 the plugin failed a check (digest, manifest, world,
signature), 2 usage, 3 not trusted or not confirmed. Nothing is installed unless
every check passed.")]
    Install {
        /// The plugin folder, or its `.wasm`.
        source: PathBuf,
        /// Confirm what it asks for (and a permission diff) without a prompt.
        #[arg(long)]
        yes: bool,
        /// Trust it although its signer is unknown to you (the key is then
        /// added to your trusted publishers), or although it is unsigned.
        #[arg(long)]
        trust: bool,
    },
    /// Remove an installed plugin and its grant.
    Remove {
        /// The plugin's name.
        name: String,
    },
    /// Create a ready-to-build plugin project from the SDK template.
    #[command(after_help = "\
Then: cd NAME && ralex plugin install . --trust --yes   (builds and installs it)")]
    New {
        /// The plugin's name (kebab-case); also the project folder.
        name: String,
        /// Its world: workflow-step, code-analyzer or command-parser.
        #[arg(long, default_value = "workflow-step")]
        world: String,
        /// Where to create the folder (default: the current directory).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// The publisher recorded in plugin.toml.
        #[arg(long, default_value = "me")]
        publisher: String,
        /// The Ralex SDK folder (default: $RALEX_SDK, else the one beside this binary).
        #[arg(long, value_name = "DIR")]
        sdk: Option<PathBuf>,
    },
    /// Make a signing key for plugins you publish ($RALEX_HOME/keys/NAME.key).
    Keygen {
        /// The key's name, e.g. your publisher name.
        name: String,
    },
    /// Sign a plugin folder: writes plugin.sig over the digests of its
    /// component and plugin.toml.
    Sign {
        /// The plugin folder.
        dir: PathBuf,
        /// The key: a name from `ralex plugin keygen`, or a key file.
        #[arg(long, value_name = "NAME|FILE")]
        key: String,
    },
}

/// `ralex doctor`.
#[derive(Debug, clap::Args)]
pub struct DoctorArgs {
    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
}

/// `ralex policy ...`.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Load and validate the effective policy: the shipped defaults plus
    /// $RALEX_HOME/policies/**/*.cedar (a file named like a default replaces it).
    ///
    /// Exit status: 0 when the policy is valid, 1 when it is broken (every problem
    /// is printed as `file:line: message`).
    Check {
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Explain what the policy decides for one request, and by which rule.
    Explain(ExplainArgs),
}

/// `ralex policy explain`.
#[derive(Debug, clap::Args)]
#[command(
    group(clap::ArgGroup::new("principal").required(true).args(["plugin", "user"])),
    after_help = "\
RESOURCE, by the action's resource kind:
  path      workspace:*     a path relative to the project root: src/app.py, .env
  repo      git:*           a remote name (origin), or \"\" for the repository itself; --force for a force push
  host      http:fetch      a URL (https://api.github.com) or host:port; scheme defaults to https
  program   exec:run        the command line, quoted: \"cargo test --lib\"
  model     model:call      a model name; --provider NAME and --local describe it
  mcp-tool  mcp:call        server/tool
  kv        kv:use          a key-value namespace (plugins only)
  intent    command:run     kind:risk, e.g. delete:destructive (users only; --confirmed once confirmed)

Exit status: 0 when the request is allowed; 3 when it is denied or needs
confirmation; 2 for a usage error (unknown action, plugin or malformed resource);
1 when the policy itself is broken.

Examples:
  ralex policy explain workspace:write .git/config --plugin command-parser
  ralex policy explain exec:run \"cargo test --lib\" --plugin my-agent
  ralex policy explain command:run delete:destructive --user cli --confirmed"
)]
pub struct ExplainArgs {
    /// The action, e.g. `workspace:write`, `exec:run`, `http:fetch`.
    pub action: String,
    /// What the action touches (see below for the form each action takes).
    pub resource: String,
    /// Ask as this installed plugin (its manifest gives publisher, world and digest).
    #[arg(long, value_name = "NAME")]
    pub plugin: Option<String>,
    /// Ask as this person: `cli` (the local user) or an API token's name.
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,
    /// The person has confirmed this command (`command:run` only).
    #[arg(long)]
    pub confirmed: bool,
    /// A force push (`git:*` actions only).
    #[arg(long)]
    pub force: bool,
    /// The model's provider (`model:call` only).
    #[arg(long, value_name = "NAME")]
    pub provider: Option<String>,
    /// The model is served locally (`model:call` only).
    #[arg(long)]
    pub local: bool,
    /// Print JSON for scripts.
    #[arg(long)]
    pub json: bool,
}

/// `ralex audit ...`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Show audit entries, oldest first (the newest --limit of them).
    Show(AuditShowArgs),
    /// Walk the hash chain and report every edited, deleted or reordered entry.
    ///
    /// Exit status: 0 when the chain is intact, 1 when it is broken.
    Verify {
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
}

/// `ralex audit show`.
#[derive(Debug, clap::Args)]
pub struct AuditShowArgs {
    /// Only entries of this plugin (the same as `--actor plugin:NAME`).
    #[arg(long, value_name = "NAME", conflicts_with = "actor")]
    pub plugin: Option<String>,
    /// Only entries of this actor, e.g. `plugin:command-parser` or `user:cli`.
    #[arg(long, value_name = "ACTOR")]
    pub actor: Option<String>,
    /// Only entries at or after T: RFC 3339 (2026-11-25T10:00:00Z), a date
    /// (2026-11-25, midnight UTC) or a time ago (90s, 10m, 2h, 3d, 1w).
    #[arg(long, value_name = "T")]
    pub since: Option<String>,
    /// At most this many entries (the newest); 0 shows all.
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: usize,
    /// Print a JSON array for scripts.
    #[arg(long)]
    pub json: bool,
}
