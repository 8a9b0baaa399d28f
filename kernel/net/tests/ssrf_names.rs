//! Names that resolve to internal addresses are refused after resolution, by the
//! resolver the connection goes through.

mod support;

use ralex_caps::ErrorKind;
use ralex_net::{Egress, Limits, Request};
use support::{assert_no_connection, grant, loopback_alias_from_etc_hosts, ok, serve};

#[tokio::test]
async fn localhost_is_refused_without_allow_private() {
    let server = serve(|_| ok("no")).await;
    let egress = Egress::new(Limits::default()).unwrap();
    let rule = format!("http://localhost:{}", server.port());
    let err = egress
        .fetch(
            &grant(&[rule], false),
            Request::get(format!("http://localhost:{}/", server.port())),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Denied);
    assert!(
        err.to_string()
            .starts_with("localhost is a name for this machine"),
        "{err}"
    );
    assert_no_connection(&server).await;
}

#[tokio::test]
async fn a_name_resolving_to_loopback_is_refused_after_resolution() {
    let Some(alias) = loopback_alias_from_etc_hosts() else {
        eprintln!("skipped: /etc/hosts has no loopback name besides localhost");
        return;
    };
    let server = serve(|_| ok("no")).await;
    let egress = Egress::new(Limits::default()).unwrap();
    let rule = format!("http://{alias}:{}", server.port());
    let url = format!("http://{alias}:{}/", server.port());

    let err = egress
        .fetch(
            &grant(std::slice::from_ref(&rule), false),
            Request::get(&url),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Denied, "{err}");
    let message = err.to_string();
    assert!(
        message.starts_with(&format!("{alias} resolves to 127.")),
        "{message}"
    );
    assert!(message.contains("a loopback address"), "{message}");
    assert_no_connection(&server).await;

    // The same name, granted exactly with allow_private, connects to the checked address.
    let response = egress
        .fetch(&grant(&[rule], true), Request::get(&url))
        .await
        .unwrap();
    assert_eq!(response.body, b"no");
    assert_eq!(server.connections(), 1);
}
