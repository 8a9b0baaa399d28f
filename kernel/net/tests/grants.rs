//! Hosts outside the grant are refused before anything is sent; wildcards grant
//! subdomains only.

mod support;

use std::time::Duration;

use ralex_caps::ErrorKind;
use ralex_net::{Egress, Grant, Limits, Request};
use support::{assert_no_connection, grant, ok, serve};

#[tokio::test]
async fn host_not_granted_is_refused_with_the_grant_listed() {
    let egress = Egress::new(Limits::default()).unwrap();
    let grant = Grant::parse(&["https://api.github.com", "*.example.com"]).unwrap();
    let err = egress
        .fetch(&grant, Request::get("https://evil.com/steal"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Denied);
    assert_eq!(
        err.to_string(),
        "host evil.com (https, port 443) is not in this plugin's http grant (granted: \
         https://api.github.com:443, https://*.example.com:443); add it to the plugin's policy grant"
    );
}

#[tokio::test]
async fn port_and_scheme_are_part_of_the_grant() {
    let server = serve(|_| ok("no")).await;
    let egress = Egress::new(Limits::default()).unwrap();
    // Granted on another port: the live server on this port is never contacted.
    let grant = grant(&[format!("http://127.0.0.1:{}", server.port() ^ 1)], true);
    let err = egress
        .fetch(
            &grant,
            Request::get(format!("http://127.0.0.1:{}/", server.port())),
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("is not in this plugin's http grant"),
        "{err}"
    );
    let https = egress
        .fetch(
            &grant,
            Request::get(format!("https://127.0.0.1:{}/", server.port() ^ 1)),
        )
        .await
        .unwrap_err();
    assert!(https.to_string().contains("(https, port"), "{https}");
    assert_no_connection(&server).await;
}

#[tokio::test]
async fn wildcards_grant_subdomains_but_not_the_domain() {
    let egress = Egress::new(Limits::default()).unwrap();
    let grant = Grant::parse(&["http://*.example.com"]).unwrap();
    for url in [
        "http://example.com/",
        "http://evilexample.com/",
        "http://example.com.evil.org/",
    ] {
        let err = egress.fetch(&grant, Request::get(url)).await.unwrap_err();
        assert!(
            err.to_string().contains("not in this plugin's http grant"),
            "{url}: {err}"
        );
    }
    // A subdomain passes the grant; offline it then fails to resolve or connect
    // (or times out), which is anything but a grant refusal.
    let mut request = Request::get("http://api.example.com/");
    request.timeout = Some(Duration::from_secs(3));
    if let Err(err) = egress.fetch(&grant, request).await {
        assert!(!err.to_string().contains("grant"), "{err}");
    }
}

#[tokio::test]
async fn bad_methods_urls_and_headers_are_refused() {
    let egress = Egress::new(Limits::default()).unwrap();
    let grant = Grant::parse(&["https://api.github.com"]).unwrap();
    let mut connect = Request::get("https://api.github.com/");
    connect.method = "CONNECT".to_owned();
    assert_eq!(
        egress.fetch(&grant, connect).await.unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    let err = egress
        .fetch(&grant, Request::get("api.github.com/x"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let mut host = Request::get("https://api.github.com/");
    host.headers = vec![("Host".to_owned(), "169.254.169.254".to_owned())];
    assert_eq!(
        egress.fetch(&grant, host).await.unwrap_err().kind(),
        ErrorKind::Denied
    );
}
