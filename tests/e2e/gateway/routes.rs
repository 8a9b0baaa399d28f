//! The smaller routes: `GET/POST /v4/plugins` (install needs an admin token and is
//! not built yet), `/metrics`
//! (Prometheus text, behind a token), `/v4/status`, and the web UI's files at `/`.

use serde_json::json;

use super::*;

#[test]
fn plugins_lists_the_loaded_first_party_plugins() {
    let server = Server::start();
    let body = server.get("/v4/plugins", Some(&server.user)).ok();
    let plugins = body["plugins"].as_array().expect("a plugin list");
    for name in ["command-parser", "model-router", "agent", "prompt-enhancer"] {
        let plugin = plugins
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{name} missing: {body:#}"));
        assert_eq!(plugin["status"], "loaded", "{plugin:#}");
        assert!(
            plugin["sha256"].as_str().is_some_and(|s| s.len() == 64),
            "{plugin:#}"
        );
        assert!(plugin["version"].is_string(), "{plugin:#}");
    }
    server.get("/v4/plugins", None).error(401);
}

#[test]
fn installing_a_plugin_needs_an_admin_token_and_is_not_built_yet() {
    let server = Server::start();
    let body = json!({"source": "oci://example.com/plugin:1"});
    let message = server
        .post("/v4/plugins", Some(&server.user), &body)
        .error(403);
    assert!(message.contains("admin"), "{message}");
    let r = server.post("/v4/plugins", Some(&server.admin), &body);
    let message = r.error(501);
    assert_eq!(r.json()["error"]["code"], "not_implemented");
    assert!(message.contains("ralex plugin install"), "{message}");
    server.post("/v4/plugins", None, &body).error(401);
}

/// The value of the sample `name` in Prometheus text.
fn sample(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.trim().parse().ok())
}

#[test]
fn metrics_count_commands_by_status() {
    let server = Server::start();
    let r = server.get("/metrics", None);
    r.error(401);

    const N: usize = 7;
    for i in 0..N {
        let answer = server
            .dry_run(&server.user, SHOW_CONFIG, &format!("m-{i}"))
            .ok();
        assert_eq!(answer["status"], "completed", "{answer:#}");
    }
    server
        .voice(json!({"command": DELETE_CONFIG, "session_id": "m"}))
        .ok();
    let r = server.get("/metrics", Some(&server.user));
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        r.header("content-type").starts_with("text/plain"),
        "{:?}",
        r.headers
    );
    let text = &r.text;
    let completed = sample(text, "ralex_commands_total{status=\"completed\"}");
    assert_eq!(completed, Some(N as f64), "{text}");
    let waiting = sample(text, "ralex_commands_total{status=\"needs_confirmation\"}");
    assert_eq!(waiting, Some(1.0), "{text}");
    assert_eq!(
        sample(text, "ralex_command_seconds_count"),
        Some(N as f64 + 1.0),
        "{text}"
    );
    assert!(
        text.contains("# TYPE ralex_commands_total counter"),
        "{text}"
    );
    // The 401 above is counted too.
    let unauthorized = sample(text, "ralex_http_responses_total{class=\"401\"}");
    assert!(unauthorized.is_some_and(|n| n >= 1.0), "{text}");
}

#[test]
fn the_openapi_document_names_every_route() {
    let server = Server::start();
    let doc = server.get("/openapi.json", None).ok();
    assert!(
        doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
        "{doc:#}"
    );
    let paths = doc["paths"].as_object().expect("paths");
    for path in [
        "/health",
        "/v4/voice-command",
        "/v4/undo",
        "/v4/context/{session_id}",
        "/v4/plugins",
        "/v4/workflow/{name}",
        "/v4/workflow/runs/{id}",
        "/v4/events",
        "/v4/status",
        "/metrics",
        "/v1/models",
        "/v1/chat/completions",
    ] {
        assert!(
            paths.contains_key(path),
            "{path} missing: {:?}",
            paths.keys()
        );
    }
}

#[test]
fn the_web_ui_is_served_without_a_token_under_a_strict_policy() {
    let server = Server::start();
    let page = server.get("/", None);
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(page.header("content-type").starts_with("text/html"));
    assert!(page.text.contains("<html"), "{}", page.text);
    let csp = page.header("content-security-policy");
    for rule in [
        "default-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(rule), "{csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(page.header("x-content-type-options"), "nosniff");
    // The ETag saves a download when nothing changed.
    let etag = page.header("etag").to_string();
    assert!(etag.starts_with('"'), "{etag}");
    let again = server
        .request("GET", "/", None)
        .header("if-none-match", &etag)
        .send()
        .unwrap();
    assert_eq!(again.status().as_u16(), 304);
    let manifest = server.get("/manifest.webmanifest", None).ok();
    assert_eq!(manifest["start_url"], "/", "{manifest:#}");
    // Not a file, not a route: the JSON 404; a file is only read.
    server.get("/no-such-file.js", None).error(404);
    let posted = server.post("/", None, &json!({}));
    posted.error(405);
}

#[test]
fn status_names_the_caller_projects_and_budgets() {
    let server = Server::start();
    server.get("/v4/status", None).error(401);
    let status = server
        .get("/v4/status?session_id=s-st", Some(&server.user))
        .ok();
    assert_eq!(status["actor"], "token:phone", "{status:#}");
    assert_eq!(status["admin"], false, "{status:#}");
    let name = server.root.file_name().unwrap().to_str().unwrap();
    assert_eq!(status["projects"], json!([{"name": name, "default": true}]));
    assert_eq!(status["speech_to_text"], false, "{status:#}");
    assert_eq!(status["confirmation_seconds"], 120, "{status:#}");
    assert_eq!(status["spent"]["session_usd"], 0.0, "{status:#}");
    assert!(status["limits"]["day_usd"].is_null(), "{status:#}");
    // After a paid command, the session's spending shows it.
    let answer = add_the_docstring(&server, "s-st");
    let cost = answer["cost_usd"].as_f64().unwrap();
    assert!(cost > 0.0, "{answer:#}");
    let status = server
        .get("/v4/status?session_id=s-st", Some(&server.user))
        .ok();
    let spent = status["spent"]["session_usd"].as_f64().unwrap();
    assert!((spent - cost).abs() < 1e-9, "{status:#} vs {cost}");
    assert!(status["spent"]["day_usd"].as_f64().unwrap() >= cost);
    let admin = server.get("/v4/status", Some(&server.admin)).ok();
    assert_eq!(admin["admin"], true);
    assert!(admin["spent"]["session_usd"].is_null(), "{admin:#}");
    server
        .get("/v4/status?session_id=bad%20id", Some(&server.user))
        .error(400);
}
