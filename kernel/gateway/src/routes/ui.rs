//! The web UI's static files (`kernel/gateway/web/`, embedded at build time),
//! served without a token: the page must load before it has one. `/` is
//! `index.html`. Every response carries a strict Content-Security-Policy (only
//! this server's own scripts, styles and connections), `no-cache` with an ETag so
//! a new version shows on the next load, and `nosniff`.

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, IF_NONE_MATCH, REFERRER_POLICY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::error::ApiError;

include!(concat!(env!("OUT_DIR"), "/web_files.rs"));

/// What the page may load and connect to: this server only.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; worker-src 'self'; \
manifest-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// One embedded file, ready to serve.
struct Asset {
    body: &'static [u8],
    content_type: &'static str,
    etag: HeaderValue,
}

fn assets() -> &'static HashMap<&'static str, Asset> {
    static ASSETS: OnceLock<HashMap<&'static str, Asset>> = OnceLock::new();
    ASSETS.get_or_init(|| {
        WEB_FILES
            .iter()
            .map(|(path, body)| {
                let digest = hex::encode(&Sha256::digest(body)[..12]);
                let etag = HeaderValue::from_str(&format!("\"{digest}\""))
                    .unwrap_or_else(|_| HeaderValue::from_static("\"0\""));
                let asset = Asset {
                    body,
                    content_type: content_type(path),
                    etag,
                };
                (*path, asset)
            })
            .collect()
    })
}

/// The content type of a file, by its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Whether the UI has a file at `path` (`/` being `/index.html`).
pub fn has(path: &str) -> bool {
    assets().contains_key(if path == "/" { "/index.html" } else { path })
}

/// Serves the file at the request's path; anything else is the JSON 404 (or
/// 405 for a method other than GET/HEAD on a file).
pub async fn serve(method: Method, uri: Uri, headers: HeaderMap) -> Response {
    let path = match uri.path() {
        "/" => "/index.html",
        other => other,
    };
    let Some(asset) = assets().get(path) else {
        return ApiError::not_found("no such route; see /openapi.json").into_response();
    };
    if method != Method::GET && method != Method::HEAD {
        return ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "the web UI's files are only read (GET)",
        )
        .into_response();
    }
    let fresh = headers
        .get(IF_NONE_MATCH)
        .is_some_and(|tags| tags.as_bytes() == asset.etag.as_bytes());
    let status = if fresh {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::OK
    };
    let mut response = if fresh || method == Method::HEAD {
        status.into_response()
    } else {
        asset.body.into_response()
    };
    *response.status_mut() = status;
    let h = response.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    h.insert(ETAG, asset.etag.clone());
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_by_extension() {
        assert_eq!(content_type("/app.js"), "text/javascript; charset=utf-8");
        assert_eq!(
            content_type("/manifest.webmanifest"),
            "application/manifest+json"
        );
        assert_eq!(content_type("/icons/icon-192.png"), "image/png");
        assert_eq!(content_type("/noext"), "application/octet-stream");
    }

    #[test]
    fn every_embedded_file_is_served_by_its_path() {
        for (path, body) in WEB_FILES {
            assert!(path.starts_with('/'), "{path}");
            assert!(has(path), "{path}");
            assert_eq!(assets()[path].body.len(), body.len());
        }
    }
}
