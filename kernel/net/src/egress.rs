//! The `http` capability's entry point: one call, every hop checked.
//!
//! Owns: [`Egress`] and the request loop — validate the request, check the URL,
//! send, and for each redirect check the new URL again (grant and addresses),
//! dropping credentials when the origin changes — all under one deadline.
//!
//! Must never: send a hop that did not pass [`crate::target::check`], or read a
//! body without [`crate::body::read_capped`].

use reqwest::Method;
use reqwest::header::CONTENT_TYPE;

use crate::target::{self, Target};
use crate::{Grant, Limits, NetError, Request, Response, body, client, headers, redirect, send};

/// Sends plugins' requests within their grants and the kernel's limits.
#[derive(Debug, Clone)]
pub struct Egress {
    limits: Limits,
    /// Shared by every grant that does not open private addresses; its resolver
    /// refuses every internal address.
    strict: reqwest::Client,
}

impl Egress {
    /// An egress with these limits (the timeout is clamped to [`crate::MAX_TIMEOUT`]).
    ///
    /// Fails only if the TLS client cannot be set up.
    pub fn new(mut limits: Limits) -> Result<Egress, NetError> {
        limits.timeout = limits.timeout.min(crate::MAX_TIMEOUT);
        Ok(Egress {
            limits,
            strict: client::build(Vec::new())?,
        })
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Sends `request` if `grant` allows it, following redirects that it also
    /// allows, and returns the final response.
    ///
    /// The timeout (the request's, or the limits' default, at most
    /// [`crate::MAX_TIMEOUT`]) covers every hop and reading the body.
    pub async fn fetch(&self, grant: &Grant, request: Request) -> Result<Response, NetError> {
        let timeout = self.limits.timeout_for(request.timeout)?;
        let url = request.url.clone();
        match tokio::time::timeout(timeout, self.fetch_within(grant, request)).await {
            Ok(result) => result,
            Err(_) => Err(NetError::Timeout { url, timeout }),
        }
    }

    async fn fetch_within(&self, grant: &Grant, request: Request) -> Result<Response, NetError> {
        let mut method = parse_method(&request.method)?;
        let mut header_map = headers::build(&request.headers)?;
        let mut payload = request.body;
        if let Some(bytes) = &payload
            && bytes.len() > self.limits.max_request_bytes
        {
            return Err(NetError::RequestTooLarge {
                size: bytes.len(),
                limit: self.limits.max_request_bytes,
            });
        }
        let mut target: Target = target::check_str(&request.url, grant)?;

        // A grant that opens private addresses for some names gets a client
        // whose resolver knows those names; it is never shared with other grants.
        let private_names = grant.private_names();
        let private_client;
        let client = if private_names.is_empty() {
            &self.strict
        } else {
            private_client = client::build(private_names)?;
            &private_client
        };

        let mut redirects = 0;
        loop {
            let mut builder = client
                .request(method.clone(), target.url.clone())
                .headers(header_map.clone());
            if let Some(bytes) = &payload {
                builder = builder.body(bytes.clone());
            }
            let response = send::send(builder, &target.url).await?;
            let Some(hop) = redirect::next(&response, &method)? else {
                return finish(response, self.limits.max_response_bytes).await;
            };
            if redirects == self.limits.max_redirects {
                return Err(NetError::TooManyRedirects {
                    url: target.url.to_string(),
                    limit: self.limits.max_redirects,
                });
            }
            redirects += 1;
            drop(response);

            let next = target::check(hop.url, grant)?;
            tracing::debug!(from = %target.url, to = %next.url, "following a redirect");
            if next.origin != target.origin {
                headers::strip_credentials(&mut header_map);
            }
            if hop.drop_body {
                payload = None;
                header_map.remove(CONTENT_TYPE);
            }
            method = hop.method;
            target = next;
        }
    }
}

/// Reads the final response within the body limit.
async fn finish(response: reqwest::Response, limit: usize) -> Result<Response, NetError> {
    let status = response.status().as_u16();
    let final_url = response.url().to_string();
    let headers = headers::to_pairs(response.headers());
    let body = body::read_capped(response, limit).await?;
    Ok(Response {
        status,
        headers,
        body,
        final_url,
    })
}

/// The methods a plugin may use (no `CONNECT` tunnels, no `TRACE`).
fn parse_method(method: &str) -> Result<Method, NetError> {
    let upper = method.to_ascii_uppercase();
    match upper.as_str() {
        "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS" => {
            Method::from_bytes(upper.as_bytes()).map_err(|_| NetError::InvalidMethod {
                method: method.to_owned(),
            })
        }
        _ => Err(NetError::InvalidMethod {
            method: method.to_owned(),
        }),
    }
}
