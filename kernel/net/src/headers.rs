//! The request headers a plugin may set.
//!
//! Owns: validating header names and values, refusing the headers the kernel
//! controls, and dropping credentials when a redirect changes origin.
//!
//! Must never: let a plugin set `Host` (it would reach a different virtual host
//! than the one that was granted), hop-by-hop or framing headers (request
//! smuggling), or proxy credentials; never copy a header value into a message.

use reqwest::header::{
    AUTHORIZATION, COOKIE, HeaderMap, HeaderName, HeaderValue, PROXY_AUTHORIZATION,
};

use crate::NetError;

/// The headers the kernel owns, with the reason.
fn forbidden(name: &HeaderName) -> Option<&'static str> {
    match name.as_str() {
        "host" => Some("the host comes from the URL, which is what the grant checks"),
        "connection" | "keep-alive" | "proxy-connection" | "te" | "trailer" | "upgrade" => {
            Some("hop-by-hop headers belong to the connection, which the kernel manages")
        }
        "transfer-encoding" | "content-length" | "expect" => {
            Some("the kernel frames the request body itself")
        }
        "proxy-authorization" | "proxy-authenticate" => Some("the kernel never uses a proxy"),
        _ => None,
    }
}

/// Parses and checks the plugin's headers.
pub(crate) fn build(headers: &[(String, String)]) -> Result<HeaderMap, NetError> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let parsed =
            HeaderName::from_bytes(name.as_bytes()).map_err(|_| NetError::InvalidHeader {
                name: name.clone(),
                reason: "not a valid header name (letters, digits and `-`)".to_owned(),
            })?;
        if let Some(reason) = forbidden(&parsed) {
            return Err(NetError::ForbiddenHeader {
                name: name.clone(),
                reason,
            });
        }
        let value = HeaderValue::from_str(value).map_err(|_| NetError::InvalidHeader {
            name: name.clone(),
            reason: "the value contains control characters or line breaks".to_owned(),
        })?;
        map.append(parsed, value);
    }
    Ok(map)
}

/// Drops the headers that carry credentials (before following a redirect to
/// another origin).
pub(crate) fn strip_credentials(map: &mut HeaderMap) {
    map.remove(AUTHORIZATION);
    map.remove(COOKIE);
    map.remove(PROXY_AUTHORIZATION);
}

/// The response headers as plain pairs; non-UTF-8 values are decoded lossily.
pub(crate) fn to_pairs(map: &HeaderMap) -> Vec<(String, String)> {
    map.iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ralex_caps::ErrorKind;

    fn pair(name: &str, value: &str) -> Vec<(String, String)> {
        vec![(name.to_owned(), value.to_owned())]
    }

    #[test]
    fn refuses_host_and_hop_by_hop_headers() {
        for name in [
            "Host",
            "HOST",
            "Connection",
            "Transfer-Encoding",
            "Content-Length",
            "Upgrade",
            "TE",
            "Proxy-Authorization",
        ] {
            let err = build(&pair(name, "x")).expect_err(name);
            assert_eq!(err.kind(), ErrorKind::Denied, "{name}");
        }
    }

    #[test]
    fn refuses_malformed_headers_without_echoing_values() {
        let err = build(&pair("X-Token", "secret\r\nHost: evil")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(!err.to_string().contains("secret"));
        assert!(build(&pair("bad name", "x")).is_err());
    }

    #[test]
    fn keeps_ordinary_headers_and_strips_credentials() {
        let mut map = build(&[
            ("Accept".to_owned(), "application/json".to_owned()),
            ("Authorization".to_owned(), "Bearer t".to_owned()),
            ("Cookie".to_owned(), "a=b".to_owned()),
        ])
        .unwrap();
        assert_eq!(map.len(), 3);
        strip_credentials(&mut map);
        assert_eq!(map.len(), 1);
        assert!(map.contains_key("accept"));
    }
}
