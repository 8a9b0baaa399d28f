//! Real loopback HTTP/1.1 servers for the integration tests (tokio's
//! `TcpListener` and hand-written responses), and grant helpers.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ralex_net::{Grant, HostRule};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with a request.
pub enum Reply {
    /// Write these bytes and close.
    Raw(Vec<u8>),
    /// Send headers, then body bytes forever (until the client goes away).
    Endless,
    /// Accept, read the request, and never answer.
    Silent,
}

/// A running server on 127.0.0.1.
pub struct Server {
    pub addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// How many TCP connections were accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// The request heads received, lower-cased.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }
}

/// Starts a server answering every request with `respond(head)`.
pub async fn serve<F>(respond: F) -> Server
where
    F: Fn(&str) -> Reply + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(Mutex::new(Vec::new()));
    let respond = Arc::new(respond);
    let (count, log) = (connections.clone(), requests.clone());
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            count.fetch_add(1, Ordering::SeqCst);
            let (respond, log) = (respond.clone(), log.clone());
            tokio::spawn(async move { handle(stream, &*respond, &log).await });
        }
    });
    Server {
        addr,
        connections,
        requests,
    }
}

async fn handle(
    mut stream: TcpStream,
    respond: &(dyn Fn(&str) -> Reply + Send + Sync),
    log: &Mutex<Vec<String>>,
) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
    let body = String::from_utf8_lossy(&buffer[head_end..head_end + length]).into_owned();
    log.lock().unwrap().push(format!("{head}{body}"));
    match respond(&head) {
        Reply::Raw(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Reply::Endless => {
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
                .await;
            let block = vec![b'x'; 64 * 1024];
            while stream.write_all(&block).await.is_ok() {}
        }
        Reply::Silent => tokio::time::sleep(Duration::from_secs(3600)).await,
    }
}

/// A `200 OK` with `body`.
pub fn ok(body: &str) -> Reply {
    Reply::Raw(
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

/// A redirect with `status` to `location`.
pub fn redirect(status: u16, location: &str) -> Reply {
    Reply::Raw(
        format!("HTTP/1.1 {status} Redirect\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .into_bytes(),
    )
}

/// A grant of `rules` with `allow_private` as given.
pub fn grant(rules: &[String], allow_private: bool) -> Grant {
    Grant {
        hosts: rules
            .iter()
            .map(|rule| HostRule::parse(rule).unwrap())
            .collect(),
        allow_private,
    }
}

/// A name from /etc/hosts (other than the `localhost` family) that maps to a
/// loopback address, if the machine has one.
pub fn loopback_alias_from_etc_hosts() -> Option<String> {
    let hosts = std::fs::read_to_string("/etc/hosts").ok()?;
    hosts.lines().find_map(|line| {
        let line = line.split('#').next()?;
        let mut fields = line.split_whitespace();
        let ip: std::net::IpAddr = fields.next()?.parse().ok()?;
        if !ip.is_loopback() || !ip.is_ipv4() {
            return None;
        }
        fields
            .find(|name| !name.contains("localhost") && !name.starts_with("ip6-"))
            .map(str::to_owned)
    })
}

/// Waits a moment and asserts that `server` never saw a connection.
pub async fn assert_no_connection(server: &Server) {
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(server.connections(), 0, "the server was contacted");
}
