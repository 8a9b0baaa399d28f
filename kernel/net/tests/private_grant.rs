//! The only way to reach a private address: a grant that sets `allow_private`
//! and names the host exactly.

mod support;

use std::time::Duration;

use ralex_caps::ErrorKind;
use ralex_net::{Egress, Limits, Request};
use support::{grant, ok, serve};

#[tokio::test]
async fn explicit_private_grant_reaches_a_loopback_literal() {
    let server = serve(|_| ok("hello")).await;
    let egress = Egress::new(Limits::default()).unwrap();
    let url = format!("http://127.0.0.1:{}/greeting", server.port());
    let grant = grant(&[format!("http://127.0.0.1:{}", server.port())], true);
    let response = egress.fetch(&grant, Request::get(&url)).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.body, b"hello");
    assert_eq!(response.final_url, url);
    assert!(server.requests()[0].starts_with("get /greeting http/1.1"));
}

#[tokio::test]
async fn explicit_private_grant_reaches_localhost_through_the_resolver() {
    let server = serve(|_| ok("by name")).await;
    let egress = Egress::new(Limits::default()).unwrap();
    let grant = grant(&[format!("http://localhost:{}", server.port())], true);
    let url = format!("http://localhost:{}/", server.port());
    let response = egress.fetch(&grant, Request::get(url)).await.unwrap();
    assert_eq!(response.body, b"by name");
}

#[tokio::test]
async fn post_body_and_headers_are_sent() {
    let server = serve(|_| ok("created")).await;
    let egress = Egress::new(Limits::default()).unwrap();
    let grant = grant(&[format!("http://127.0.0.1:{}", server.port())], true);
    let request = Request {
        method: "post".to_owned(),
        url: format!("http://127.0.0.1:{}/items", server.port()),
        headers: vec![("X-Ralex-Test".to_owned(), "yes".to_owned())],
        body: Some(b"{\"a\":1}".to_vec()),
        timeout: Some(Duration::from_secs(5)),
    };
    let response = egress.fetch(&grant, request).await.unwrap();
    assert_eq!(response.body, b"created");
    let seen = &server.requests()[0];
    assert!(seen.starts_with("post /items"), "{seen}");
    assert!(seen.contains("x-ralex-test: yes"), "{seen}");
    assert!(seen.ends_with("{\"a\":1}"), "{seen}");
}

#[tokio::test]
async fn allow_private_without_naming_the_host_stays_closed() {
    let server = serve(|_| ok("nope")).await;
    let egress = Egress::new(Limits::default()).unwrap();
    // The wildcard grants app.localhost's origin, but only exact rules open private addresses.
    let grant = grant(&[format!("http://*.localhost:{}", server.port())], true);
    let url = format!("http://app.localhost:{}/", server.port());
    let err = egress.fetch(&grant, Request::get(url)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Denied);
    assert!(
        err.to_string()
            .contains("app.localhost is a name for this machine"),
        "{err}"
    );
    support::assert_no_connection(&server).await;
}
