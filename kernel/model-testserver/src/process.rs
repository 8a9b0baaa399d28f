//! [`ServerProcess`]: the `ralex-model-testserver` binary started as a child
//! process on a random loopback port and driven through its control endpoints —
//! for black-box tests that need the server outside their own runtime. Plain std
//! (blocking), so synchronous tests can use it too.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// The running binary; killed on drop.
pub struct ServerProcess {
    child: Child,
    /// `127.0.0.1:PORT`.
    addr: String,
}

impl ServerProcess {
    /// Starts the binary at `binary` and waits for its `listening on` line.
    /// Panics with a how-to-fix message when the binary is missing (a test helper).
    pub fn start(binary: &Path) -> ServerProcess {
        assert!(
            binary.is_file(),
            "{} is missing: build it with `cargo build -p ralex-model-testserver --bins` (`make setup` does)",
            binary.display()
        );
        let mut child = Command::new(binary)
            .args(["--listen", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the test server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout"))
            .read_line(&mut line)
            .expect("the test server prints its address");
        let addr = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        ServerProcess { child, addr }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The OpenAI-compatible API base, `http://127.0.0.1:PORT/v1`.
    pub fn base(&self) -> String {
        format!("{}/v1", self.url())
    }

    /// One HTTP/1.0 exchange with a control endpoint (the server closes the
    /// connection after it); the JSON answer.
    fn exchange(&self, method: &str, path: &str, body: &str) -> Value {
        let mut stream = TcpStream::connect(&self.addr).expect("connect to the test server");
        write!(
            stream,
            "{method} {path} HTTP/1.0\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .expect("send a control request");
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .expect("read the control answer");
        let (head, body) = response.split_once("\r\n\r\n").expect("an HTTP response");
        assert!(
            head.starts_with("HTTP/1.") && head.contains(" 200 "),
            "{head}"
        );
        serde_json::from_str(body).expect("a JSON answer")
    }

    /// Queues replies (the binary's script format, see the crate docs).
    pub fn push(&self, script: Value) {
        self.exchange("POST", "/_testserver/replies", &script.to_string());
    }

    /// The model requests received so far, as JSON.
    pub fn requests(&self) -> Vec<Value> {
        match self.exchange("GET", "/_testserver/requests", "") {
            Value::Array(list) => list,
            other => panic!("not a list: {other}"),
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
