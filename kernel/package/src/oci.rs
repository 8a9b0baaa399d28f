//! Bundles in an OCI registry (the distribution API every registry speaks):
//! a bundle is pushed as one layer of an OCI image manifest, and pulled back by
//! tag or digest — **verifying the digests pulled**, never trusting the tag:
//! the manifest must hash to the digest asked for (when one was), and the layer
//! must hash to the digest its manifest names.
//!
//! Owns: [`Reference`], [`push`] and [`pull`]. Plain `http://` is used only for
//! registries on loopback (a registry started for tests or a local mirror);
//! anything else is `https://`.

use std::time::Duration;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::error::PackageError;

/// The media type of a bundle layer.
pub const BUNDLE_MEDIA_TYPE: &str = "application/vnd.ralex.bundle.v1.tar";
const MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
const EMPTY_MEDIA_TYPE: &str = "application/vnd.oci.empty.v1+json";
/// Largest manifest read.
const MAX_MANIFEST_BYTES: usize = 1024 * 1024;

/// `oci://HOST[:PORT]/REPO[:TAG|@sha256:DIGEST]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// `host[:port]`.
    pub registry: String,
    /// The repository path.
    pub repository: String,
    /// A tag, if given.
    pub tag: Option<String>,
    /// A manifest digest (`sha256:…`), if given.
    pub digest: Option<String>,
}

fn oci(why: impl Into<String>) -> PackageError {
    PackageError::Registry(why.into())
}

impl Reference {
    /// Parses `text`; the `oci://` prefix is optional.
    pub fn parse(text: &str) -> Result<Reference, PackageError> {
        let bad = |why: &str| {
            oci(format!(
                "`{text}` is not an OCI reference ({why}); write oci://HOST[:PORT]/REPO:TAG"
            ))
        };
        let rest = text.strip_prefix("oci://").unwrap_or(text);
        let (registry, path) = rest.split_once('/').ok_or_else(|| bad("no repository"))?;
        if registry.is_empty() || path.is_empty() {
            return Err(bad("no registry or repository"));
        }
        let (path, digest) = match path.split_once('@') {
            Some((p, d)) => {
                let hex = d
                    .strip_prefix("sha256:")
                    .ok_or_else(|| bad("the digest must be sha256:…"))?;
                if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                    return Err(bad("the digest must be sha256: and 64 hex digits"));
                }
                (p, Some(d.to_lowercase()))
            }
            None => (path, None),
        };
        let (repository, tag) = match path.rsplit_once(':') {
            Some((r, t)) if !t.contains('/') => (r, Some(t.to_string())),
            _ => (path, None),
        };
        if tag.is_none() && digest.is_none() {
            return Err(bad("no tag or digest"));
        }
        let valid_repo = repository.split('/').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
        });
        if !valid_repo {
            return Err(bad(
                "repository names are lowercase letters, digits, `.`, `_`, `-` and `/`",
            ));
        }
        Ok(Reference {
            registry: registry.to_string(),
            repository: repository.to_string(),
            tag,
            digest,
        })
    }

    fn base(&self) -> String {
        let host = self
            .registry
            .rsplit_once(':')
            .map_or(self.registry.as_str(), |(h, _)| h);
        let loopback = host == "localhost"
            || host == "[::1]"
            || host
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback());
        let scheme = if loopback { "http" } else { "https" };
        format!("{scheme}://{}/v2/{}", self.registry, self.repository)
    }

    /// The manifest reference: the digest when given, else the tag.
    fn manifest_ref(&self) -> &str {
        self.digest
            .as_deref()
            .or(self.tag.as_deref())
            .unwrap_or("latest")
    }
}

fn sha(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

fn client() -> Result<reqwest::Client, PackageError> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(300))
        .connect_timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::limited(5))
        .build()
        .map_err(|e| oci(format!("cannot set up HTTP: {e}")))
}

/// Sending a request to a registry, its failure naming the registry.
trait SendTo {
    /// Sends it; "cannot reach the registry …" when that fails.
    fn send_to(
        self,
        reference: &Reference,
    ) -> impl Future<Output = Result<reqwest::Response, PackageError>>;
}

impl SendTo for reqwest::RequestBuilder {
    async fn send_to(self, reference: &Reference) -> Result<reqwest::Response, PackageError> {
        self.send().await.map_err(|e| {
            oci(format!(
                "cannot reach the registry {}: {e}",
                reference.registry
            ))
        })
    }
}

async fn check(response: reqwest::Response, what: &str) -> Result<reqwest::Response, PackageError> {
    if response.status().is_success() {
        return Ok(response);
    }
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    let body: String = body.chars().take(300).collect();
    Err(oci(format!(
        "the registry refused {what}: HTTP {status} {body}"
    )))
}

async fn upload_blob(
    client: &reqwest::Client,
    reference: &Reference,
    bytes: Vec<u8>,
) -> Result<String, PackageError> {
    let digest = sha(&bytes);
    let base = reference.base();
    let head = client
        .head(format!("{base}/blobs/{digest}"))
        .send_to(reference)
        .await?;
    if head.status().is_success() {
        return Ok(digest);
    }
    let started = check(
        client
            .post(format!("{base}/blobs/uploads/"))
            .send_to(reference)
            .await?,
        "starting an upload",
    )
    .await?;
    let location = started
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| oci("the registry gave no upload location"))?
        .to_string();
    let url = if location.starts_with("http") {
        location
    } else {
        let origin = base.split("/v2/").next().unwrap_or(&base);
        format!("{origin}{location}")
    };
    let separator = if url.contains('?') { '&' } else { '?' };
    check(
        client
            .put(format!("{url}{separator}digest={digest}"))
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(bytes)
            .send()
            .await
            .map_err(|e| oci(format!("the upload failed: {e}")))?,
        "the upload",
    )
    .await?;
    Ok(digest)
}

/// Pushes `bundle` (the file's bytes) to `reference`; the manifest's digest.
pub async fn push(
    reference: &Reference,
    bundle: Vec<u8>,
    title: &str,
) -> Result<String, PackageError> {
    let tag = reference
        .tag
        .as_deref()
        .ok_or_else(|| oci("push needs a tag (oci://HOST/REPO:TAG)"))?;
    let client = client()?;
    let size = bundle.len();
    let layer = upload_blob(&client, reference, bundle).await?;
    let config = upload_blob(&client, reference, b"{}".to_vec()).await?;
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": MANIFEST_MEDIA_TYPE,
        "config": {"mediaType": EMPTY_MEDIA_TYPE, "digest": config, "size": 2},
        "layers": [{
            "mediaType": BUNDLE_MEDIA_TYPE,
            "digest": layer,
            "size": size,
            "annotations": {"org.opencontainers.image.title": title},
        }],
    });
    let body = serde_json::to_vec(&manifest).map_err(|e| oci(e.to_string()))?;
    let digest = sha(&body);
    check(
        client
            .put(format!("{}/manifests/{tag}", reference.base()))
            .header(reqwest::header::CONTENT_TYPE, MANIFEST_MEDIA_TYPE)
            .body(body)
            .send_to(reference)
            .await?,
        "the manifest",
    )
    .await?;
    Ok(digest)
}

/// What [`pull`] fetched.
#[derive(Debug, Clone)]
pub struct Pulled {
    /// The bundle file's bytes.
    pub bundle: Vec<u8>,
    /// The manifest's digest (pin it: `oci://…@sha256:…`).
    pub manifest_digest: String,
    /// The layer's digest.
    pub layer_digest: String,
}

/// Pulls the bundle at `reference`, verifying every digest.
pub async fn pull(reference: &Reference) -> Result<Pulled, PackageError> {
    let client = client()?;
    let response = check(
        client
            .get(format!(
                "{}/manifests/{}",
                reference.base(),
                reference.manifest_ref()
            ))
            .header(reqwest::header::ACCEPT, MANIFEST_MEDIA_TYPE)
            .send_to(reference)
            .await?,
        "the manifest",
    )
    .await?;
    if response
        .content_length()
        .is_some_and(|n| n > MAX_MANIFEST_BYTES as u64)
    {
        return Err(oci(
            "the manifest is larger than a bundle's manifest can be",
        ));
    }
    let body = response
        .bytes()
        .await
        .map_err(|e| oci(format!("the manifest did not arrive: {e}")))?;
    if body.len() > MAX_MANIFEST_BYTES {
        return Err(oci(
            "the manifest is larger than a bundle's manifest can be",
        ));
    }
    let manifest_digest = sha(&body);
    if let Some(asked) = &reference.digest
        && *asked != manifest_digest
    {
        return Err(oci(format!(
            "the registry returned a manifest with digest {manifest_digest}, not the {asked} asked for; nothing was used"
        )));
    }
    let manifest: Value =
        serde_json::from_slice(&body).map_err(|e| oci(format!("the manifest is not JSON: {e}")))?;
    let layer = manifest["layers"]
        .as_array()
        .and_then(|layers| layers.iter().find(|l| l["mediaType"] == BUNDLE_MEDIA_TYPE))
        .ok_or_else(|| oci("this OCI artifact holds no Ralex bundle"))?;
    let layer_digest = layer["digest"]
        .as_str()
        .filter(|d| d.starts_with("sha256:") && d.len() == 71)
        .ok_or_else(|| oci("the manifest names no sha256 digest for the bundle"))?
        .to_string();
    let response = check(
        client
            .get(format!("{}/blobs/{layer_digest}", reference.base()))
            .send_to(reference)
            .await?,
        "the bundle",
    )
    .await?;
    let too_big = |n: u64| n > crate::bundle::MAX_BUNDLE_BYTES;
    if layer["size"].as_u64().is_some_and(too_big) || response.content_length().is_some_and(too_big)
    {
        return Err(oci(
            "the bundle is larger than a bundle may be (256 MiB); nothing was used",
        ));
    }
    let bundle = response
        .bytes()
        .await
        .map_err(|e| oci(format!("the bundle did not arrive: {e}")))?
        .to_vec();
    let actual = sha(&bundle);
    if actual != layer_digest {
        return Err(oci(format!(
            "the registry returned a bundle with digest {actual}, not the {layer_digest} its manifest names; nothing was used"
        )));
    }
    Ok(Pulled {
        bundle,
        manifest_digest,
        layer_digest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse_and_bad_ones_say_why() {
        let r = Reference::parse("oci://127.0.0.1:5000/team/tools:1.0").unwrap();
        assert_eq!(r.registry, "127.0.0.1:5000");
        assert_eq!(r.repository, "team/tools");
        assert_eq!(r.tag.as_deref(), Some("1.0"));
        assert_eq!(r.base(), "http://127.0.0.1:5000/v2/team/tools");
        let d = format!("sha256:{}", "a".repeat(64));
        let r = Reference::parse(&format!("registry.example.com/tools@{d}")).unwrap();
        assert_eq!(r.digest.as_deref(), Some(d.as_str()));
        assert_eq!(r.base(), "https://registry.example.com/v2/tools");
        let r = Reference::parse("oci://127.evil.com:5000/tools:1").unwrap();
        assert!(r.base().starts_with("https://"), "{}", r.base());
        for bad in [
            "oci://host",
            "oci://host/Repo:1",
            "oci://host/repo",
            "oci://host/repo@md5:12",
        ] {
            assert!(Reference::parse(bad).is_err(), "{bad}");
        }
    }
}
