//! Serves the built SPA (`frontend/dist`): hashed assets with long caching, gzipped for
//! browsers that accept it (the build writes the `.gz` copies), and
//! `index.html` for every other non-API path so deep links work after a reload.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// The SPA's `index.html`, read once, with a CSP that allows exactly its inline scripts.
#[derive(Clone)]
pub struct Spa {
    dir: PathBuf,
    index: Option<Arc<Index>>,
}

struct Index {
    html: String,
    csp: HeaderValue,
}

impl Spa {
    pub fn load(dir: &Path) -> Self {
        let index = std::fs::read_to_string(dir.join("index.html")).ok().map(|html| {
            let csp = HeaderValue::from_str(&spa_csp(&html)).expect("CSP is ASCII");
            Arc::new(Index { html, csp })
        });
        if index.is_none() {
            tracing::warn!(dir = %dir.display(), "SPA not built: `/` will answer 503 (run `make run` or `make spa`)");
        }
        Spa {
            dir: dir.to_owned(),
            index,
        }
    }

    pub fn is_built(&self) -> bool {
        self.index.is_some()
    }

    /// Fallback service for every path that is not an API route.
    pub async fn serve(self, req: Request) -> Response {
        let Some(index) = self.index.clone() else {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "The admin app is not built. Run `make run`.",
            )
                .into_response();
        };
        let path = req.uri().path().to_owned();
        if path != "/" && path != "/index.html" {
            // The build writes a gzipped copy of each asset (scripts/build-spa.sh).
            let served = ServeDir::new(&self.dir).precompressed_gzip().oneshot(req).await;
            if let Ok(response) = served
                && response.status() == StatusCode::OK
            {
                let mut response = response.map(Body::new);
                // Every asset has a content hash in its name or its directory's
                // (scripts/build-spa.sh): cache them for good.
                response.headers_mut().insert(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                );
                return response;
            }
            // A file-like path that does not exist is a real 404, not the app.
            if Path::new(&path).extension().is_some() {
                return StatusCode::NOT_FOUND.into_response();
            }
        }
        let mut response = (StatusCode::OK, axum::response::Html(index.html.clone())).into_response();
        let h = response.headers_mut();
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        h.insert(header::CONTENT_SECURITY_POLICY, index.csp.clone());
        response
    }
}

/// A CSP for the SPA page: our own origin only, WASM compilation, and the SHA-256 of each
/// inline `<script>` of the page, the one that starts the WASM (so no `'unsafe-inline'`
/// for scripts).
fn spa_csp(html: &str) -> String {
    let mut hashes = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after_tag = &rest[start..];
        let Some(open_end) = after_tag.find('>') else {
            break;
        };
        let body_and_rest = &after_tag[open_end + 1..];
        let Some(close) = body_and_rest.find("</script>") else {
            break;
        };
        let body = &body_and_rest[..close];
        if !after_tag[..open_end].contains("src=") && !body.trim().is_empty() {
            let digest = Sha256::digest(body.as_bytes());
            hashes.push_str(&format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        rest = &body_and_rest[close..];
    }
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; \
         object-src 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csp_hashes_inline_scripts_only() {
        let html = r#"<script src="/a.js"></script><script type="module">init()</script>"#;
        let csp = spa_csp(html);
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"init()"));
        assert!(csp.contains(&format!("'sha256-{expected}'")), "{csp}");
        assert_eq!(csp.matches("sha256-").count(), 1);
    }
}
