//! The `ralex-model-testserver` binary: runs a [`ScriptedServer`] until killed.
//!
//! Owns the command line (`[--listen ADDR] [--script FILE.json]`) and the
//! `listening on http://...` first line of stdout that black-box tests wait for. The
//! script format is documented in the library's crate header.

use std::io::Write;

use anyhow::{Context, bail};
use ralex_model_testserver::{ScriptedServer, parse_script};

const USAGE: &str = "usage: ralex-model-testserver [--listen 127.0.0.1:0] [--script FILE.json]";

/// Parsed command line.
struct Args {
    listen: String,
    script: Option<String>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> anyhow::Result<Option<Args>> {
    let mut parsed = Args {
        listen: "127.0.0.1:0".to_string(),
        script: None,
    };
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--listen" | "--script" => {
                let value = match inline {
                    Some(v) => v,
                    None => args
                        .next()
                        .with_context(|| format!("{flag} needs a value\n{USAGE}"))?,
                };
                if flag == "--listen" {
                    parsed.listen = value;
                } else {
                    parsed.script = Some(value);
                }
            }
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    Ok(Some(parsed))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Some(args) = parse_args(std::env::args().skip(1))? else {
        println!("{USAGE}");
        return Ok(());
    };
    let replies = match &args.script {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("reading script {path}"))?;
            parse_script(&text).with_context(|| format!("parsing script {path}"))?
        }
        None => Vec::new(),
    };
    let server = ScriptedServer::bind(args.listen.as_str()).await?;
    server.push_all(replies);
    let mut stdout = std::io::stdout();
    writeln!(stdout, "listening on {}", server.url())?;
    stdout.flush()?;
    std::future::pending::<()>().await;
    Ok(())
}
