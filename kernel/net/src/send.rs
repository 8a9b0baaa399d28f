//! Sending one hop and translating transport failures.
//!
//! Owns: recognising the resolver's refusals inside reqwest's error chain, so a
//! refused name is reported as `denied` (not as a connection failure), and
//! turning everything else into `unavailable` with its causes spelled out.

use std::error::Error;

use crate::NetError;
use crate::resolver::{Blocked, LookupFailed};

/// Sends `request`, mapping failures for the hop to `url`.
pub(crate) async fn send(
    request: reqwest::RequestBuilder,
    url: &url::Url,
) -> Result<reqwest::Response, NetError> {
    request.send().await.map_err(|err| classify(&err, url))
}

/// The capability error for a failed send.
pub(crate) fn classify(err: &reqwest::Error, url: &url::Url) -> NetError {
    if let Some(blocked) = find::<Blocked>(err) {
        return NetError::PrivateAddress {
            host: blocked.host.clone(),
            what: blocked.to_string(),
        };
    }
    if let Some(failed) = find::<LookupFailed>(err) {
        return NetError::Resolve {
            host: failed.host.clone(),
            detail: failed.detail.clone(),
        };
    }
    NetError::Connection {
        url: url.to_string(),
        detail: crate::error::with_causes(err),
    }
}

/// The first error of type `T` in `err`'s source chain.
fn find<'a, T: Error + 'static>(err: &'a (dyn Error + 'static)) -> Option<&'a T> {
    let mut current = Some(err);
    while let Some(error) = current {
        if let Some(found) = error.downcast_ref::<T>() {
            return Some(found);
        }
        current = error.source();
    }
    None
}
