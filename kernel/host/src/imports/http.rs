//! `http`: outbound requests through `ralex-net`, only to hosts the manifest lists
//! (`[permissions] http.hosts`) and the policy grants (`http:fetch` on the host);
//! loopback, private, link-local and metadata addresses are refused after DNS and
//! on every redirect by the provider. Each request is audited.

use std::time::Duration;

use ralex_policy::{Action, Resource};

use super::error;
use super::wit::http::{Header, Host, Request, Response};
use crate::bindings::{ErrorCode, WitError};
use crate::state::CallState;

impl Host for CallState {
    async fn fetch(&mut self, request: Request) -> Result<Response, WitError> {
        let url = url::Url::parse(&request.url).map_err(|e| {
            error(
                ErrorCode::InvalidInput,
                format!("`{}` is not an absolute http(s) URL: {e}", request.url),
            )
        })?;
        let host = url
            .host_str()
            .unwrap_or("")
            .trim_matches(['[', ']'])
            .to_string();
        let resource = Resource::Host {
            scheme: url.scheme().to_string(),
            port: url.port_or_known_default().unwrap_or(0),
            host,
        };
        let args: [&[u8]; 2] = [request.method.as_bytes(), request.url.as_bytes()];
        if self.plugin.http.hosts.is_empty() {
            return Err(self.refuse_by_manifest(
                Action::HttpFetch,
                &resource,
                &args,
                "its manifest lists no hosts (add them to `http = { hosts = [...] }` under [permissions])",
            ));
        }
        let egress = self.context.egress.clone().ok_or_else(|| {
            error(
                ErrorCode::Unavailable,
                "outbound HTTP is not available to this call",
            )
        })?;
        self.authorize(Action::HttpFetch, &resource, &args)?;
        let response = egress
            .fetch(
                &self.plugin.http,
                ralex_net::Request {
                    method: request.method,
                    url: request.url,
                    headers: request
                        .headers
                        .into_iter()
                        .map(|h| (h.name, h.value))
                        .collect(),
                    body: request.body,
                    timeout: request
                        .timeout_ms
                        .map(|ms| Duration::from_millis(u64::from(ms))),
                },
            )
            .await
            .map_err(|e| self.provider_error(e.kind(), e.to_string(), None))?;
        Ok(Response {
            status: response.status,
            headers: response
                .headers
                .into_iter()
                .map(|(name, value)| Header { name, value })
                .collect(),
            body: response.body,
        })
    }
}
