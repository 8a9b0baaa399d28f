//! Size and time limits, against real servers.

mod support;

use std::time::{Duration, Instant};

use ralex_caps::ErrorKind;
use ralex_net::{Egress, Limits, Request};
use support::{Reply, grant, ok, serve};

fn small_limits() -> Limits {
    Limits {
        max_response_bytes: 1024,
        max_request_bytes: 16,
        ..Limits::default()
    }
}

#[tokio::test]
async fn declared_length_over_the_cap_is_refused() {
    let big = "y".repeat(4096);
    let server = serve(move |_| ok(&big)).await;
    let egress = Egress::new(small_limits()).unwrap();
    let grant = grant(&[format!("http://127.0.0.1:{}", server.port())], true);
    let err = egress
        .fetch(
            &grant,
            Request::get(format!("http://127.0.0.1:{}/", server.port())),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge);
    assert!(
        err.to_string()
            .contains("larger than the limit of 1024 bytes"),
        "{err}"
    );
}

#[tokio::test]
async fn endless_body_is_cut_off_at_the_cap() {
    let server = serve(|_| Reply::Endless).await;
    let egress = Egress::new(small_limits()).unwrap();
    let grant = grant(&[format!("http://127.0.0.1:{}", server.port())], true);
    let mut request = Request::get(format!("http://127.0.0.1:{}/", server.port()));
    request.timeout = Some(Duration::from_secs(10));
    let started = Instant::now();
    let err = egress.fetch(&grant, request).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn silent_server_times_out_with_the_timeout_named() {
    let server = serve(|_| Reply::Silent).await;
    let egress = Egress::new(Limits::default()).unwrap();
    let grant = grant(&[format!("http://127.0.0.1:{}", server.port())], true);
    let mut request = Request::get(format!("http://127.0.0.1:{}/", server.port()));
    request.timeout = Some(Duration::from_millis(300));
    let started = Instant::now();
    let err = egress.fetch(&grant, request).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LimitExceeded);
    assert!(
        err.to_string().contains("within the timeout of 300 ms"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn request_body_over_the_cap_is_refused_before_sending() {
    let server = serve(|_| ok("no")).await;
    let egress = Egress::new(small_limits()).unwrap();
    let grant = grant(&[format!("http://127.0.0.1:{}", server.port())], true);
    let mut request = Request::get(format!("http://127.0.0.1:{}/", server.port()));
    request.method = "PUT".to_owned();
    request.body = Some(vec![0; 17]);
    let err = egress.fetch(&grant, request).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge);
    support::assert_no_connection(&server).await;
}

#[tokio::test]
async fn closed_port_is_unavailable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let egress = Egress::new(Limits::default()).unwrap();
    let grant = grant(&[format!("http://127.0.0.1:{port}")], true);
    let err = egress
        .fetch(&grant, Request::get(format!("http://127.0.0.1:{port}/")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
}
