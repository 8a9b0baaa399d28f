//! `ralex bundle pack / verify / install / push / pull`: a team's plugins,
//! policies and workflows in one signed file, shared through any OCI registry.
//! The checks are `ralex-package`'s; this file adds what needs the kernel's
//! other parts (the policy loads with the bundle's files, the workflows parse)
//! and asks the person.

use std::path::Path;

use anyhow::Context;
use ralex_host::World;
use ralex_package::oci::{self, Reference};
use ralex_package::{Bundle, Consent, KeyPair, Plan, TrustedKeys, Worlds};
use ralex_policy::{Policy, PolicyFile};
use serde_json::json;

use crate::cli::BundleCommand;
use crate::commands::plugin_install::{ask, installer, key_path, print_diff, refusal as failure};
use crate::exit::{self, CliError, CliResult};
use crate::home::Home;

/// Run `ralex bundle ...`.
pub async fn run(cmd: BundleCommand, home: &Home) -> CliResult {
    match cmd {
        BundleCommand::Pack { dir, output, key } => {
            let pair = KeyPair::load(&key_path(home, &key)).map_err(failure)?;
            let lock = ralex_package::pack(&dir, &output, &pair).map_err(failure)?;
            println!(
                "packed {} ({} plugin{}, {} files), signed with key {}",
                output.display(),
                lock.plugins.len(),
                if lock.plugins.len() == 1 { "" } else { "s" },
                lock.files.len(),
                pair.public_hex()
            );
            Ok(exit::OK)
        }
        BundleCommand::Verify { source, json } => {
            let bundle = open(home, &source).await?;
            let checked = check_contents(home, &bundle)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&json!({
                        "name": bundle.info.name,
                        "version": bundle.info.version,
                        "publisher": bundle.info.publisher,
                        "signer": bundle.signer,
                        "trusted": bundle.trusted,
                        "sha256": bundle.sha256,
                        "wit": bundle.lock.wit,
                        "plugins": bundle.lock.plugins.iter().map(|p| json!({
                            "name": p.name, "version": p.version, "world": p.world,
                            "component_sha256": p.component_sha256, "signer": p.signer,
                        })).collect::<Vec<_>>(),
                        "files": bundle.lock.files,
                        "changes": checked.plans.iter().map(|plan| json!({
                            "plugin": plan.package.manifest.plugin.name,
                            "update": plan.previous.is_some(),
                            "added": plan.diff.added,
                            "removed": plan.diff.removed,
                        })).collect::<Vec<_>>(),
                    }))
                    .context("cannot serialise the report")?
                );
            } else {
                describe(&bundle, &checked);
                println!("valid: the signature, the lockfile and every digest check out");
            }
            Ok(exit::OK)
        }
        BundleCommand::Install { source, yes, trust } => install(home, &source, yes, trust).await,
        BundleCommand::Push { reference, file } => {
            let reference =
                Reference::parse(&reference).map_err(|e| CliError::usage(e.to_string()))?;
            // Only a bundle that verifies is pushed.
            let bundle =
                Bundle::read(&file, &TrustedKeys::in_dir(home.publishers())).map_err(failure)?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let title = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let digest = oci::push(&reference, bytes, &title)
                .await
                .map_err(failure)?;
            println!(
                "pushed {} {} to oci://{}/{}@{digest}",
                bundle.info.name, bundle.info.version, reference.registry, reference.repository
            );
            Ok(exit::OK)
        }
        BundleCommand::Pull { reference, output } => {
            let reference =
                Reference::parse(&reference).map_err(|e| CliError::usage(e.to_string()))?;
            let pulled = oci::pull(&reference).await.map_err(failure)?;
            let bundle =
                Bundle::from_bytes(&pulled.bundle, &TrustedKeys::in_dir(home.publishers()))
                    .map_err(failure)?;
            std::fs::write(&output, &pulled.bundle)
                .with_context(|| format!("cannot write {}", output.display()))?;
            println!(
                "pulled {} {} into {} (manifest {}, bundle {}); pin it with oci://{}/{}@{}",
                bundle.info.name,
                bundle.info.version,
                output.display(),
                pulled.manifest_digest,
                pulled.layer_digest,
                reference.registry,
                reference.repository,
                pulled.manifest_digest
            );
            Ok(exit::OK)
        }
    }
}

/// Reads a bundle from a file or an OCI reference.
async fn open(home: &Home, source: &str) -> Result<Bundle, CliError> {
    let trusted = TrustedKeys::in_dir(home.publishers());
    if !source.starts_with("oci://") {
        return Bundle::read(Path::new(source), &trusted).map_err(failure);
    }
    let reference = Reference::parse(source).map_err(|e| CliError::usage(e.to_string()))?;
    let pulled = oci::pull(&reference).await.map_err(failure)?;
    Bundle::from_bytes(&pulled.bundle, &trusted).map_err(failure)
}

/// What a bundle would change, checked.
struct Checked {
    _staging: tempfile::TempDir,
    plans: Vec<Plan>,
}

/// Checks everything a bundle holds against this kernel: plugins (world,
/// digest), the policy with its files added, its workflows.
fn check_contents(home: &Home, bundle: &Bundle) -> Result<Checked, CliError> {
    let staging = tempfile::tempdir().context("cannot make a staging folder")?;
    bundle.extract(staging.path()).map_err(failure)?;
    let known = |w: &ralex_manifest::WorldRef| World::from_ref(w).is_some();
    let worlds = Worlds {
        known: &known,
        supported: World::supported_list(),
    };
    let installer = installer(home);
    let mut plans = Vec::new();
    for p in &bundle.lock.plugins {
        let dir = staging.path().join("plugins").join(
            Path::new(&p.manifest)
                .parent()
                .and_then(|d| d.file_name())
                .unwrap_or_default(),
        );
        // A plugin's own signature, if any, must verify; whether its key is
        // known does not matter: the bundle's signature vouches for it.
        let package = ralex_package::open(&dir, &worlds, &installer.trusted).map_err(failure)?;
        plans.push(installer.plan(package));
    }
    // An update replaces the bundle's own policy files.
    let own = format!("bundles/{}/", bundle.info.name);
    let mut files = crate::policy::files(home)?;
    files.retain(|f| !f.name.starts_with(&own));
    for (path, bytes) in bundle.files_under("policies/") {
        files.push(PolicyFile {
            name: format!(
                "bundles/{}/{}",
                bundle.info.name,
                path.trim_start_matches("policies/")
            ),
            origin: format!("{path} (in bundle {})", bundle.info.name),
            text: String::from_utf8_lossy(bytes).into_owned(),
        });
    }
    if let Err(e) = Policy::load(&files) {
        return Err(anyhow::anyhow!(
            "the bundle's policies do not load with yours: {e}; nothing was installed"
        )
        .into());
    }
    for (path, bytes) in bundle.files_under("workflows/") {
        if let Err(problems) = ralex_workflow::parse(path, &String::from_utf8_lossy(bytes)) {
            return Err(anyhow::anyhow!("a workflow of the bundle is broken:\n{problems}").into());
        }
    }
    Ok(Checked {
        _staging: staging,
        plans,
    })
}

fn describe(bundle: &Bundle, checked: &Checked) {
    println!("bundle     {} {}", bundle.info.name, bundle.info.version);
    println!("publisher  {}", bundle.info.publisher);
    println!(
        "signed by  {}{}",
        bundle.signer,
        if bundle.trusted {
            " (trusted)"
        } else {
            " (not trusted by you)"
        }
    );
    println!("sha256     {}", bundle.sha256);
    for plan in &checked.plans {
        let m = &plan.package.manifest;
        match &plan.previous {
            None => println!(
                "plugin     {} {} ({}) asks for:",
                m.plugin.name, m.plugin.version, m.plugin.world
            ),
            Some(old) => println!(
                "plugin     {} {} → {} ({}), permission diff:",
                m.plugin.name, old.plugin.version, m.plugin.version, m.plugin.world
            ),
        }
        print_diff(&plan.diff);
    }
    for (path, _) in bundle.files_under("policies/") {
        println!("policy     {path}");
    }
    for (path, _) in bundle.files_under("workflows/") {
        println!("workflow   {path}");
    }
}

/// Installs the bundle at `source` (a file or an OCI reference).
pub async fn install(home: &Home, source: &str, yes: bool, trust: bool) -> CliResult {
    let bundle = open(home, source).await?;
    let checked = check_contents(home, &bundle)?;
    describe(&bundle, &checked);
    if !bundle.trusted && !trust {
        return Err(CliError::denied(format!(
            "bundle `{}` is signed by key {} of `{}`, which you do not trust; nothing was installed. If that is really the team's key, install with --trust",
            bundle.info.name, bundle.signer, bundle.info.publisher
        )));
    }
    let widens = checked
        .plans
        .iter()
        .any(|p| p.previous.is_some() && p.diff.widens());
    let question = if widens {
        "Some plugins ask for more than the installed versions. Install the bundle and grant it all?"
    } else {
        "Install the bundle and grant what its plugins ask for?"
    };
    if !(yes || ask(question)) {
        return Err(CliError::denied(format!(
            "nothing was installed; to install bundle `{}`, confirm after reading what it grants (or pass --yes){}",
            bundle.info.name,
            if widens {
                " — some plugins ask for more than before, so their grants are not carried over"
            } else {
                ""
            }
        )));
    }
    let installer = installer(home);
    if trust && !bundle.trusted {
        installer
            .trusted
            .trust(&bundle.info.publisher, &bundle.signer)
            .map_err(failure)?;
    }
    // The bundle's signature vouches for its plugins.
    // Not remembered: trusting this bundle does not make its plugins' own
    // signing keys trusted for later installs.
    let consent = Consent {
        trust: true,
        accept: true,
        remember: false,
    };
    for plan in &checked.plans {
        installer.install(plan, consent).map_err(failure)?;
    }
    let policies = home.policies().join("bundles").join(&bundle.info.name);
    let _ = std::fs::remove_dir_all(&policies);
    for (path, bytes) in bundle.files_under("policies/") {
        write(&policies.join(path.trim_start_matches("policies/")), bytes)?;
    }
    for (path, bytes) in bundle.files_under("workflows/") {
        write(
            &home.workflows().join(path.trim_start_matches("workflows/")),
            bytes,
        )?;
    }
    let lock = toml::to_string(&bundle.lock).context("cannot write the bundle's lockfile")?;
    write(
        &home
            .root
            .join("bundles")
            .join(format!("{}.lock", bundle.info.name)),
        lock.as_bytes(),
    )?;
    println!(
        "installed bundle {} {}: {} plugin{}, {} polic{}, {} workflow{}",
        bundle.info.name,
        bundle.info.version,
        checked.plans.len(),
        if checked.plans.len() == 1 { "" } else { "s" },
        bundle.files_under("policies/").len(),
        if bundle.files_under("policies/").len() == 1 {
            "y"
        } else {
            "ies"
        },
        bundle.files_under("workflows/").len(),
        if bundle.files_under("workflows/").len() == 1 {
            ""
        } else {
            "s"
        },
    );
    Ok(exit::OK)
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
