//! Failed-attempt limiting: an address that presents bad tokens too often in a
//! minute gets 429 for further bad tokens for the rest of the window, while a
//! valid token still gets through (so nobody can lock a person out by guessing
//! from the same address); tokens are checked against the live store, so one
//! revoked while the server runs stops working at once.

use serde_json::json;

use super::*;

/// Failed attempts the gateway allows an address per minute.
const ALLOWED_FAILURES: usize = 20;

fn bad_token() -> String {
    "rlx_000000000000_".to_string() + &"0".repeat(64)
}

#[test]
fn too_many_bad_tokens_get_429_within_the_window() {
    let server = Server::start();
    let body = json!({"command": SHOW_CONFIG, "session_id": "s", "dry_run": true});
    let bad = bad_token();
    for attempt in 1..=ALLOWED_FAILURES {
        let r = server.post("/v4/voice-command", Some(&bad), &body);
        assert_eq!(r.status, 401, "attempt {attempt}: {}", r.text);
    }
    let r = server.post("/v4/voice-command", Some(&bad), &body);
    let message = r.error(429);
    assert!(message.contains("too many"), "{message}");
    assert_eq!(r.json()["error"]["code"], "rate_limited");
    // Any bad token, on any authed route, from this address.
    server.get("/v1/models", Some("nonsense")).error(429);
    server.get("/metrics", Some(&bad)).error(429);
    let query = format!("/v4/events?token={bad}");
    server.get(&query, None).error(429);

    // A valid token is not locked out by someone else's guessing.
    let answer = server
        .post("/v4/voice-command", Some(&server.user), &body)
        .ok();
    assert_eq!(answer["status"], "completed", "{answer:#}");
    assert_eq!(server.get("/v1/models", Some(&server.admin)).status, 200);
    assert_eq!(server.get("/health", None).ok()["status"], "ok");
    // The refusals are counted.
    let metrics = server.get("/metrics", Some(&server.admin)).text;
    assert!(
        metrics.contains("ralex_http_responses_total{class=\"429\"} 4\n"),
        "{metrics}"
    );
}

#[test]
fn a_missing_token_is_401_but_guesses_nothing() {
    let server = Server::start();
    for _ in 0..=ALLOWED_FAILURES {
        server.get("/v4/plugins", None).error(401);
    }
    // Not counted as failed attempts: a bad token is still only 401.
    server.get("/v4/plugins", Some(&bad_token())).error(401);
    assert_eq!(server.get("/v4/plugins", Some(&server.user)).status, 200);
}

#[test]
fn good_tokens_are_never_limited() {
    let server = Server::start();
    for _ in 0..(ALLOWED_FAILURES * 2) {
        assert_eq!(server.get("/v1/models", Some(&server.user)).status, 200);
    }
    // Failures under the limit stay 401.
    for _ in 0..ALLOWED_FAILURES {
        server.get("/v1/models", Some("wrong")).error(401);
    }
    assert_eq!(server.get("/v1/models", Some(&server.user)).status, 200);
}

#[test]
fn a_token_revoked_while_serving_stops_working() {
    let server = Server::start();
    let spare = server.token("spare", false);
    assert_eq!(server.get("/v4/plugins", Some(&spare)).status, 200);
    server.env.run(&["token", "revoke", "spare"]).ok();
    server.get("/v4/plugins", Some(&spare)).error(401);
    assert_eq!(server.get("/v4/plugins", Some(&server.user)).status, 200);
}
