//! HTTP: SSRF to internal addresses refused before connecting; private hosts only by name.

use super::*;

#[tokio::test]
async fn ssrf_to_internal_addresses_is_refused_before_connecting() {
    let lab = Lab::new();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    for url in [
        format!("http://127.0.0.1:{port}/"),
        format!("http://localhost:{port}/"),
        format!("http://[::1]:{port}/"),
        "http://10.0.0.1/".to_string(),
    ] {
        refused(&lab, json!({"op": "http", "url": url}), "Denied", "").await;
        if listener.accept().is_ok() {
            hits.fetch_add(1, Ordering::SeqCst);
        }
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "a request reached the loopback server"
    );
    refused(
        &lab,
        json!({"op": "http", "url": "http://169.254.169.254/latest/meta-data/"}),
        "Denied",
        "no-cloud-metadata",
    )
    .await;
}

#[tokio::test]
async fn a_private_host_is_reachable_only_when_granted_by_name() {
    // A real loopback server, on the port the intruder's manifest names.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:18931")
        .await
        .unwrap();
    let port = 18931;
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = [0u8; 1024];
            let _ = socket.read(&mut buf).await;
            let _ = socket
                .write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\nlocal",
                )
                .await;
        }
    });
    let url = format!("http://127.0.0.1:{port}/");
    // Without `private_network` the manifest's exact host is still refused.
    refused(
        &Lab::new(),
        json!({"op": "http", "url": url}),
        "Denied",
        "loopback",
    )
    .await;
    // With it, the exact host the manifest names is reachable...
    let lab = Lab::build(GRANT, true);
    let out = lab.call(json!({"op": "http", "url": url})).await;
    assert_eq!(out["ok"]["body"], "local", "{out}");
    // ...but the metadata endpoint stays forbidden by policy.
    refused(
        &lab,
        json!({"op": "http", "url": "http://169.254.169.254/"}),
        "Denied",
        "no-cloud-metadata",
    )
    .await;
}
