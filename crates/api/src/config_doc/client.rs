//! The CLI's side of `omni-admin config …`: it talks to a running API over HTTP with an
//! API token, as a CI pipeline would.

use anyhow::{Context, bail};
use reqwest::header::ETAG;

/// Where the API is and who is asking.
pub struct Remote {
    pub server: String,
    pub token: String,
}

/// An exported document and the id of the state it describes.
pub struct Exported {
    pub yaml: String,
    pub state: String,
}

impl Remote {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.trim_end_matches('/'))
    }

    /// `GET /api/v1/config/export`.
    pub async fn export(&self) -> anyhow::Result<Exported> {
        let res = reqwest::Client::new()
            .get(self.url(omni_types::paths::CONFIG_EXPORT))
            .bearer_auth(&self.token)
            .send()
            .await
            .with_context(|| format!("cannot reach {}", self.server))?;
        let status = res.status();
        if !status.is_success() {
            bail!("{}", problem(status, &res.text().await.unwrap_or_default()));
        }
        let state = res
            .headers()
            .get(ETAG)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .trim_matches('"')
            .to_owned();
        Ok(Exported {
            yaml: res.text().await?,
            state,
        })
    }
}

/// A problem+json answer, as one line a person can act on.
fn problem(status: reqwest::StatusCode, body: &str) -> String {
    let parsed: Option<omni_types::Problem> = serde_json::from_str(body).ok();
    match parsed {
        Some(p) => format!("{status}: {} {}", p.title, p.detail.unwrap_or_default())
            .trim_end()
            .to_owned(),
        None => format!("{status}: {}", body.chars().take(300).collect::<String>()),
    }
}
