//! The HTTP gateway from the outside: each test starts the real `ralex serve` on a
//! free loopback port over a git copy of the sample project, with a user token and
//! an admin token made by `ralex token create`, and the scripted model server as
//! the only provider. Requests go through a real HTTP client (reqwest), events
//! through a real WebSocket client (tungstenite), and the façade through the
//! official `openai` Python SDK.
//!
//! This file is the shared harness ([`Server`]); the tests are in one file per
//! theme.

mod auth;
mod events;
mod events_confirm;
mod openai;
mod robust;
mod routes;
mod script;
mod shutdown;
mod slow;
mod ui;
mod undo;
mod voice;
mod workflows;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Stdio};
use std::time::Duration;

use reqwest::blocking::{Client, RequestBuilder};
use serde_json::{Value, json};

use crate::support::*;
use script::*;

/// The destructive command the parser resolves to one file, and that file.
const DELETE_CONFIG: &str = "delete inventory slash config dot py";
const CONFIG: &str = "inventory/config.py";
/// A read the pipeline answers without a model.
const SHOW_CONFIG: &str = "show me inventory slash config dot py";

/// A running `ralex serve` and its world; the server is killed on drop.
struct Server {
    env: Env,
    models: ModelServer,
    _dir: tempfile::TempDir,
    root: PathBuf,
    child: Child,
    _stdout: BufReader<ChildStdout>,
    /// `http://127.0.0.1:PORT`.
    base: String,
    /// `127.0.0.1:PORT`.
    addr: String,
    /// A user-scope token (`phone`).
    user: String,
    /// An admin-scope token (`laptop`).
    admin: String,
    http: Client,
}

impl Server {
    fn start() -> Server {
        let models = model_server();
        let env = Env::new();
        let base = models.base();
        std::fs::write(env.home.path().join("ralex.toml"), lab_provider(&base)).unwrap();
        let (dir, root) = project(true);
        let user = token(&env, "phone", false);
        let admin = token(&env, "laptop", true);
        let mut cmd = env.command();
        for var in MODEL_VARS {
            cmd.env_remove(var);
        }
        let log = std::fs::File::create(env.home.path().join("serve.log")).unwrap();
        let mut child = cmd
            .env("LAB_API_KEY", "sk-e2e-gateway")
            .args(["serve", "--project", root.to_str().unwrap()])
            .args(["--listen", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("ralex serve starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        let Some(base_url) = first.trim().strip_prefix("listening on ") else {
            let _ = child.kill();
            let status = child.wait();
            let log = std::fs::read_to_string(env.home.path().join("serve.log"));
            panic!("ralex serve printed {first:?} first ({status:?}); log: {log:?}");
        };
        let base_url = base_url.to_string();
        let addr = base_url.trim_start_matches("http://").to_string();
        Server {
            http: client(),
            env,
            models,
            _dir: dir,
            root,
            child,
            _stdout: stdout,
            base: base_url,
            addr,
            user,
            admin,
        }
    }

    /// Another token, made while the server runs.
    fn token(&self, name: &str, admin: bool) -> String {
        token(&self.env, name, admin)
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request with `token` as the bearer, if any.
    fn request(&self, method: &str, path: &str, token: Option<&str>) -> RequestBuilder {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let builder = self.http.request(method, self.url(path));
        match token {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    fn get(&self, path: &str, token: Option<&str>) -> Reply {
        Reply::from(self.request("GET", path, token).send().unwrap())
    }

    fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        Reply::from(self.request("POST", path, token).json(body).send().unwrap())
    }

    /// A POST of raw bytes with `content_type`, if any.
    fn post_raw(
        &self,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Reply {
        let mut builder = self.request("POST", path, token).body(body);
        if let Some(ct) = content_type {
            builder = builder.header("content-type", ct);
        }
        Reply::from(builder.send().unwrap())
    }

    /// `POST /v4/voice-command` as the user token.
    fn voice(&self, body: Value) -> Reply {
        self.post("/v4/voice-command", Some(&self.user), &body)
    }

    /// A dry run of `command` in `session` as `token`.
    fn dry_run(&self, token: &str, command: &str, session: &str) -> Reply {
        let body = json!({"command": command, "session_id": session, "dry_run": true});
        self.post("/v4/voice-command", Some(token), &body)
    }

    /// Scripts the model's next replies.
    fn script(&self, replies: Value) {
        self.models.push(replies);
    }

    fn chats(&self) -> usize {
        chat_requests(&self.models).len()
    }

    fn read(&self, path: &str) -> Vec<u8> {
        std::fs::read(self.root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The server's stderr so far, for failure messages.
    fn log(&self) -> String {
        std::fs::read_to_string(self.env.home.path().join("serve.log")).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A keep-alive HTTP client with a generous timeout.
fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

/// `ralex token create --name NAME [--admin]`: the token on the last line.
fn token(env: &Env, name: &str, admin: bool) -> String {
    let mut args = vec!["token", "create", "--name", name];
    if admin {
        args.push("--admin");
    }
    let r = env.run(&args);
    r.ok();
    let token = r
        .stdout
        .lines()
        .last()
        .unwrap_or_default()
        .trim()
        .to_string();
    assert!(token.starts_with("rlx_"), "{}", r.stdout);
    token
}

/// An HTTP answer.
struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    text: String,
}

impl From<reqwest::blocking::Response> for Reply {
    fn from(r: reqwest::blocking::Response) -> Reply {
        Reply {
            status: r.status().as_u16(),
            headers: r.headers().clone(),
            text: r.text().unwrap_or_default(),
        }
    }
}

impl Reply {
    #[track_caller]
    fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}), status {}: {}", self.status, self.text))
    }

    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts `status` and the error shape; the error's message.
    #[track_caller]
    fn error(&self, status: u16) -> String {
        assert_eq!(self.status, status, "{}", self.text);
        let body = self.json();
        let code = body["error"]["code"].as_str();
        let message = body["error"]["message"].as_str();
        assert!(
            code.is_some_and(|c| !c.is_empty()) && message.is_some_and(|m| !m.is_empty()),
            "not the error shape: {body:#}"
        );
        message.unwrap().to_string()
    }

    /// Asserts 200; the JSON body.
    #[track_caller]
    fn ok(&self) -> Value {
        assert_eq!(self.status, 200, "{}", self.text);
        self.json()
    }
}
