//! Deciding whether a response is a redirect to follow, and how.
//!
//! Owns: the redirect rules (which statuses, resolving `Location`, the method
//! and body changes). It does not check the target: the caller runs the full
//! grant and address checks on every hop.

use reqwest::header::LOCATION;
use reqwest::{Method, StatusCode};
use url::Url;

use crate::NetError;

/// The next hop of a redirect.
#[derive(Debug)]
pub(crate) struct Hop {
    /// The absolute target, not yet checked.
    pub(crate) url: Url,
    /// The method for the next request.
    pub(crate) method: Method,
    /// Whether the body (and its `Content-Type`) is dropped: 303, and 301/302
    /// after a POST, turn into a body-less GET, as browsers do.
    pub(crate) drop_body: bool,
}

/// The hop `response` redirects to, or `None` when it is the final response
/// (not a redirect status, or a redirect without `Location`).
pub(crate) fn next(response: &reqwest::Response, method: &Method) -> Result<Option<Hop>, NetError> {
    let status = response.status();
    let keeps_method = match status {
        StatusCode::TEMPORARY_REDIRECT | StatusCode::PERMANENT_REDIRECT => true,
        StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND => *method != Method::POST,
        StatusCode::SEE_OTHER => *method == Method::HEAD,
        _ => return Ok(None),
    };
    let Some(location) = response.headers().get(LOCATION) else {
        return Ok(None);
    };
    let bad = |reason: String| NetError::BadRedirect {
        url: response.url().to_string(),
        reason,
    };
    let location = location
        .to_str()
        .map_err(|_| bad("the Location header is not text".to_owned()))?;
    let url = response
        .url()
        .join(location)
        .map_err(|err| bad(format!("the Location `{location}` does not parse ({err})")))?;
    Ok(Some(Hop {
        url,
        method: if keeps_method {
            method.clone()
        } else {
            Method::GET
        },
        drop_body: !keeps_method,
    }))
}
