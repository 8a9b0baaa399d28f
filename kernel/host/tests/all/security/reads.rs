//! Reads: no path out of the root, no secrets, filtered listings and searches.

use super::*;

#[tokio::test]
async fn reads_cannot_leave_the_root_or_reach_secrets() {
    let lab = Lab::new();
    refused(
        &lab,
        json!({"op": "read", "path": "../outside.txt"}),
        "Denied",
        "",
    )
    .await;
    refused(
        &lab,
        json!({"op": "read", "path": "/etc/passwd"}),
        "Denied",
        "",
    )
    .await;
    refused(
        &lab,
        json!({"op": "read", "path": "link-file"}),
        "Denied",
        "",
    )
    .await;
    // `..` is resolved inside the root: this names `<root>/outside.txt`, which is not there.
    refused(
        &lab,
        json!({"op": "read", "path": "src/linkout/../../outside.txt"}),
        "NotFound",
        "does not exist in the project",
    )
    .await;
    refused(
        &lab,
        json!({"op": "read", "path": ".env"}),
        "Denied",
        "no-secret-reads",
    )
    .await;
    refused(
        &lab,
        json!({"op": "read", "path": "keys/id_rsa"}),
        "Denied",
        "no-secret-reads",
    )
    .await;
    refused(
        &lab,
        json!({"op": "read", "path": "./keys/../.env"}),
        "Denied",
        "no-secret-reads",
    )
    .await;
    let ok = lab.call(json!({"op": "read", "path": "src/app.py"})).await;
    assert_eq!(ok["ok"], "def app():\n    return 1\n");
}

#[tokio::test]
async fn listings_and_searches_never_show_secrets() {
    let lab = Lab::new();
    let listed = lab.call(json!({"op": "list", "path": ""})).await;
    let names: Vec<&str> = listed["ok"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(names.contains(&"src/app.py"), "{names:?}");
    assert!(
        !names
            .iter()
            .any(|n| n.contains(".env") || n.contains("id_rsa")),
        "{names:?}"
    );
    let found = lab.call(json!({"op": "search", "query": "API_KEY"})).await;
    let paths: Vec<&str> = found["ok"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(paths, ["README.md"], "the .env match is filtered out");
}
