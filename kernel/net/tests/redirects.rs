//! Redirects are followed by the kernel, and every hop is checked again.

mod support;

use std::time::Duration;

use ralex_caps::ErrorKind;
use ralex_net::{Egress, Limits, Request};
use support::{assert_no_connection, grant, ok, redirect, serve};

#[tokio::test]
async fn redirect_to_a_host_outside_the_grant_is_refused() {
    let target = serve(|_| ok("secret")).await;
    let location = format!("http://127.0.0.1:{}/admin", target.port());
    let start = serve(move |_| redirect(302, &location)).await;
    let egress = Egress::new(Limits::default()).unwrap();
    let grant = grant(&[format!("http://127.0.0.1:{}", start.port())], true);
    let err = egress
        .fetch(
            &grant,
            Request::get(format!("http://127.0.0.1:{}/", start.port())),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Denied);
    assert!(
        err.to_string()
            .contains("is not in this plugin's http grant"),
        "{err}"
    );
    assert_eq!(start.connections(), 1);
    assert_no_connection(&target).await;
}

#[tokio::test]
async fn redirect_to_loopback_through_a_wildcard_is_refused() {
    let target = serve(|_| ok("secret")).await;
    let location = format!("http://internal.localhost:{}/", target.port());
    let start = serve(move |_| redirect(307, &location)).await;
    let egress = Egress::new(Limits::default()).unwrap();
    let grant = grant(
        &[
            format!("http://127.0.0.1:{}", start.port()),
            format!("http://*.localhost:{}", target.port()),
        ],
        true,
    );
    let err = egress
        .fetch(
            &grant,
            Request::get(format!("http://127.0.0.1:{}/", start.port())),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Denied);
    assert!(err.to_string().contains("a name for this machine"), "{err}");
    assert_no_connection(&target).await;
}

#[tokio::test]
async fn redirects_within_the_grant_are_followed_and_credentials_dropped_across_hosts() {
    let target = serve(|_| ok("landed")).await;
    // 127.0.0.1 -> localhost is a different host: credentials must not follow.
    let location = format!("http://localhost:{}/final", target.port());
    let start = serve(move |_| redirect(303, &location)).await;
    let egress = Egress::new(Limits::default()).unwrap();
    let grant = grant(
        &[
            format!("http://127.0.0.1:{}", start.port()),
            format!("http://localhost:{}", target.port()),
        ],
        true,
    );
    let request = Request {
        method: "POST".to_owned(),
        url: format!("http://127.0.0.1:{}/start", start.port()),
        headers: vec![
            ("Authorization".to_owned(), "Bearer hunter2".to_owned()),
            ("Cookie".to_owned(), "session=abc".to_owned()),
            ("Accept".to_owned(), "text/plain".to_owned()),
        ],
        body: Some(b"payload".to_vec()),
        timeout: Some(Duration::from_secs(5)),
    };
    let response = egress.fetch(&grant, request).await.unwrap();
    assert_eq!(response.body, b"landed");
    assert_eq!(
        response.final_url,
        format!("http://localhost:{}/final", target.port())
    );
    let first = &start.requests()[0];
    assert!(first.contains("authorization: bearer hunter2"), "{first}");
    let second = &target.requests()[0];
    assert!(
        second.starts_with("get /final"),
        "303 turns POST into GET: {second}"
    );
    assert!(!second.contains("authorization"), "{second}");
    assert!(!second.contains("cookie"), "{second}");
    assert!(!second.contains("payload"), "{second}");
    assert!(second.contains("accept: text/plain"), "{second}");
}

#[tokio::test]
async fn redirect_loops_stop_at_the_limit() {
    let server = serve(|head| {
        // /hop/N redirects to /hop/N+1, forever.
        let n: u32 = head
            .split_whitespace()
            .nth(1)
            .and_then(|path| path.strip_prefix("/hop/"))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        redirect(301, &format!("/hop/{}", n + 1))
    })
    .await;
    let limits = Limits {
        max_redirects: 3,
        ..Limits::default()
    };
    let egress = Egress::new(limits).unwrap();
    let grant = grant(&[format!("http://127.0.0.1:{}", server.port())], true);
    let err = egress
        .fetch(
            &grant,
            Request::get(format!("http://127.0.0.1:{}/hop/0", server.port())),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::LimitExceeded);
    assert!(
        err.to_string().contains("redirected more than 3 times"),
        "{err}"
    );
    assert_eq!(
        server.requests().len(),
        4,
        "the first request and three redirects"
    );
}
