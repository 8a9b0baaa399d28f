//! Reading a response body within the size limit.
//!
//! Owns: the only code that reads response bodies. A declared `Content-Length`
//! over the limit fails before reading; otherwise the body is read chunk by
//! chunk and the read stops as soon as the total passes the limit.
//!
//! Must never: buffer more than `limit` bytes plus one network chunk.

use crate::NetError;

/// Reads `response`'s body, failing with `TooLarge` past `limit` bytes.
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, NetError> {
    let url = response.url().clone();
    let too_large = || NetError::ResponseTooLarge {
        url: url.to_string(),
        limit,
    };
    if let Some(declared) = response.content_length()
        && declared > limit as u64
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|err| crate::send::classify(&err, &url))?
    {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
