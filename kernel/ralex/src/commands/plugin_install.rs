//! `ralex plugin install SRC / remove NAME / keygen NAME / sign DIR --key K`:
//! installing plugins from other people without trusting strangers' code, and
//! signing plugins you publish. The checks and the installing are
//! `ralex-package`'s; this file asks the person and prints.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use ralex_host::World;
use ralex_package::{
    Consent, Installer, KeyPair, PackageError, SignatureStatus, TrustedKeys, Worlds,
};

use crate::exit::{self, CliError, CliResult};
use crate::home::Home;

/// Where this installation keeps plugins, grants and trusted keys.
pub(crate) fn installer(home: &Home) -> Installer {
    Installer {
        plugins_dir: home.plugins(),
        grants_dir: home.grants(),
        trusted: TrustedKeys::in_dir(home.publishers()),
    }
}

/// A refusal as the CLI reports it: trust and consent are "denied" (3), a
/// failed check is a failure (1), a missing source a usage error (2).
pub(crate) fn refusal(e: PackageError) -> CliError {
    match e {
        PackageError::Untrusted(_) | PackageError::Widened(_) => CliError::denied(e),
        PackageError::Source(_) | PackageError::NotInstalled(_) => CliError::usage(e),
        other => CliError::from(anyhow::anyhow!("{other}")),
    }
}

/// Asks `question` on the terminal; false when there is none.
pub(crate) fn ask(question: &str) -> bool {
    if !std::io::stdin().is_terminal() {
        return false;
    }
    print!("{question} [y/N] ");
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    matches!(line.trim().to_lowercase().as_str(), "y" | "yes")
}

/// Run `ralex plugin install`.
pub fn install(home: &Home, source: &Path, yes: bool, trust: bool) -> CliResult {
    let known = |w: &ralex_manifest::WorldRef| World::from_ref(w).is_some();
    let worlds = Worlds {
        known: &known,
        supported: World::supported_list(),
    };
    let installer = installer(home);
    if source.is_dir()
        && source.join("Cargo.toml").is_file()
        && source.join("plugin.toml").is_file()
    {
        // Building runs the project's build scripts and macros on this machine:
        // only for code the person says is theirs (or trusted).
        if !trust {
            return Err(CliError::denied(format!(
                "{} is a plugin project; building it runs its code (build scripts, macros) on this machine, so it is built only with --trust. Nothing was built or installed",
                source.display()
            )));
        }
        crate::commands::plugin_new::build(source)?;
    }
    let package = ralex_package::open(source, &worlds, &installer.trusted).map_err(refusal)?;
    let plan = installer.plan(package);
    let m = &plan.package.manifest;
    println!("plugin     {} {}", m.plugin.name, m.plugin.version);
    println!("publisher  {}", m.plugin.publisher);
    println!("world      {}", m.plugin.world);
    println!("sha256     {}", plan.package.component_sha256);
    println!(
        "signature  {}",
        match &plan.package.signature {
            SignatureStatus::Trusted { key } => format!("valid, by trusted key {key}"),
            SignatureStatus::UnknownKey { key } =>
                format!("valid, by key {key} — which you do not trust yet"),
            SignatureStatus::Unsigned => "none".to_string(),
        }
    );
    match &plan.previous {
        None => {
            println!("asks for");
            for line in &plan.diff.added {
                println!("  {line}");
            }
            if plan.diff.added.is_empty() {
                println!("  nothing");
            }
        }
        Some(previous) => {
            println!(
                "updates    {} {} → {}",
                m.plugin.name, previous.plugin.version, m.plugin.version
            );
            println!("permission diff");
            print_diff(&plan.diff);
        }
    }
    println!(
        "limits     {} MiB, {} ms per call",
        m.limits.memory_mb, m.limits.timeout_ms
    );
    let question = if plan.previous.is_some() && plan.diff.widens() {
        "It asks for more than the installed version. Grant it?"
    } else {
        "Install it and grant what it asks for?"
    };
    // Trust is never implied by --yes: an unknown signer or an unsigned build
    // needs --trust, and is refused (by the installer, before any question)
    // without it.
    let refused_anyway =
        !trust && !matches!(plan.package.signature, SignatureStatus::Trusted { .. });
    let accept = refused_anyway || yes || ask(question);
    let dir = installer
        .install(
            &plan,
            Consent {
                trust,
                accept,
                remember: true,
            },
        )
        .map_err(refusal)?;
    println!(
        "installed {} in {}; its grant is {}",
        m.plugin.name,
        dir.display(),
        installer.grant_path(&m.plugin.name).display()
    );
    Ok(exit::OK)
}

/// Run `ralex plugin remove`.
pub fn remove(home: &Home, name: &str) -> CliResult {
    let installer = installer(home);
    let dir = installer.remove(name).map_err(refusal)?;
    println!("removed {name} ({}) and its grant", dir.display());
    Ok(exit::OK)
}

/// Run `ralex plugin keygen`.
pub fn keygen(home: &Home, name: &str) -> CliResult {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(CliError::usage(format!(
            "`{name}` is not a key name: use letters, digits, `-` and `_`"
        )));
    }
    let pair = KeyPair::generate().map_err(refusal)?;
    let path = home.keys().join(format!("{name}.key"));
    let public = pair.save(&path).map_err(refusal)?;
    println!("secret key  {} (keep it private)", path.display());
    println!("public key  {}", public.display());
    println!(
        "give your users the public key; they trust it by putting it in $RALEX_HOME/policies/publishers/<publisher>.pub"
    );
    println!("{}", pair.public_hex());
    Ok(exit::OK)
}

/// Prints a permission diff: `+` asked for now, `-` no longer, the rest kept.
pub(crate) fn print_diff(diff: &ralex_package::permissions::Diff) {
    for line in &diff.added {
        println!("  + {line}");
    }
    for line in &diff.removed {
        println!("  - {line}");
    }
    for line in &diff.kept {
        println!("    {line}");
    }
}

/// A signing key given as a name from `ralex plugin keygen`, or a key file.
pub(crate) fn key_path(home: &Home, key: &str) -> PathBuf {
    if key.contains('/') || key.ends_with(".key") {
        PathBuf::from(key)
    } else {
        home.keys().join(format!("{key}.key"))
    }
}

/// Run `ralex plugin sign`.
pub fn sign(home: &Home, dir: &Path, key: &str) -> CliResult {
    let pair = KeyPair::load(&key_path(home, key)).map_err(refusal)?;
    let manifest = if dir.is_dir() {
        dir.join("plugin.toml")
    } else {
        dir.to_path_buf()
    };
    let signed = ralex_package::sign(&manifest, &pair).map_err(refusal)?;
    println!(
        "signed {} for publisher `{}` with key {}",
        manifest.display(),
        signed.publisher,
        signed.public_key
    );
    Ok(exit::OK)
}
