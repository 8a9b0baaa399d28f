//! Internal IP literals are refused before any connection, even when the grant
//! names them, unless the grant also sets `allow_private`.

mod support;

use ralex_caps::ErrorKind;
use ralex_net::{Egress, Limits, Request};
use support::{assert_no_connection, grant, ok, serve};

/// Fetches `url` with a grant naming `rule` (without `allow_private`) and
/// returns the error message.
async fn refused(rule: String, url: String) -> String {
    let egress = Egress::new(Limits::default()).unwrap();
    let err = egress
        .fetch(&grant(&[rule], false), Request::get(&url))
        .await
        .expect_err(&url);
    assert_eq!(err.kind(), ErrorKind::Denied, "{url}: {err}");
    err.to_string()
}

#[tokio::test]
async fn loopback_literals_never_connect() {
    let server = serve(|_| ok("should not be reached")).await;
    let port = server.port();
    let v4_rule = format!("http://127.0.0.1:{port}");
    for url in [
        format!("http://127.0.0.1:{port}/"),
        format!("http://2130706433:{port}/"),
        format!("http://0x7f.1:{port}/"),
        format!("http://127.1:{port}/"),
    ] {
        let message = refused(v4_rule.clone(), url.clone()).await;
        assert!(
            message.starts_with("127.0.0.1 is a loopback address"),
            "{url}: {message}"
        );
    }
    let message = refused(
        format!("http://[::1]:{port}"),
        format!("http://[::1]:{port}/"),
    )
    .await;
    assert!(
        message.starts_with("::1 is a loopback address"),
        "{message}"
    );
    let message = refused(
        format!("http://[::ffff:127.0.0.1]:{port}"),
        format!("http://[::ffff:127.0.0.1]:{port}/"),
    )
    .await;
    assert!(message.contains("loopback"), "{message}");
    assert!(message.contains("127.0.0.1"), "{message}");
    // On Linux, connecting to 0.0.0.0 reaches this machine: it must be refused too.
    let message = refused(
        format!("http://0.0.0.0:{port}"),
        format!("http://0.0.0.0:{port}/"),
    )
    .await;
    assert!(
        message.starts_with("0.0.0.0 is an unspecified"),
        "{message}"
    );
    assert_no_connection(&server).await;
}

#[tokio::test]
async fn metadata_private_and_link_local_literals_are_refused() {
    for (host, class) in [
        ("169.254.169.254", "the cloud metadata service address"),
        ("10.0.0.1", "a private-network address"),
        ("192.168.1.1", "a private-network address"),
        ("100.64.0.1", "a carrier-grade NAT"),
        ("[fe80::1]", "a link-local address"),
        ("[fd00::1]", "a private-network address"),
    ] {
        let message = refused(
            format!("http://{host}"),
            format!("http://{host}/latest/meta-data/"),
        )
        .await;
        assert!(message.contains(class), "{host}: {message}");
    }
}

#[tokio::test]
async fn metadata_name_is_refused_without_a_lookup() {
    let message = refused(
        "http://metadata.google.internal".to_owned(),
        "http://metadata.google.internal/computeMetadata/v1/".to_owned(),
    )
    .await;
    assert!(
        message.starts_with("metadata.google.internal is the cloud metadata service"),
        "{message}"
    );
}
