//! The CLI's side of `omni-admin config …`: it talks to a running API over HTTP with an
//! API token, as a CI pipeline would.

use std::collections::BTreeMap;

use anyhow::Context;
use omni_types::config::{
    ApplyOutcome, ApplyRequest, Change, ChangeAction, Diff, DocumentRequest, SnapshotSource, Validation,
};
use reqwest::header::ETAG;
use serde::Serialize;
use serde::de::DeserializeOwned;

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

/// Why a call failed: the document (exit code 3), the state moved on since the diff (4:
/// run again), or anything else (1).
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("the document is invalid:\n{}", .0.join("\n"))]
    Invalid(Vec<String>),
    #[error("{0}")]
    Stale(String),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl Failure {
    /// The process exit code a pipeline can branch on.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Invalid(_) => 3,
            Failure::Stale(_) => 4,
            Failure::Other(_) => 1,
        }
    }
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
            anyhow::bail!("{}", problem(status, &res.text().await.unwrap_or_default()));
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

    async fn post<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T, Failure> {
        let res = reqwest::Client::new()
            .post(self.url(path))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .with_context(|| format!("cannot reach {}", self.server))?;
        let status = res.status();
        let text = res.text().await.map_err(anyhow::Error::from)?;
        if status.is_success() {
            return Ok(serde_json::from_str(&text).context("unexpected answer from the API")?);
        }
        if status == reqwest::StatusCode::UNPROCESSABLE_ENTITY
            && let Ok(p) = serde_json::from_str::<omni_types::Problem>(&text)
            && !p.errors.is_empty()
        {
            let lines = p
                .errors
                .iter()
                .flat_map(|(path, messages)| messages.iter().map(move |m| format!("  {path}: {m}")))
                .collect();
            return Err(Failure::Invalid(lines));
        }
        if status == reqwest::StatusCode::CONFLICT {
            return Err(Failure::Stale(problem(status, &text)));
        }
        Err(Failure::Other(anyhow::anyhow!("{}", problem(status, &text))))
    }

    /// `POST /api/v1/config/validate`.
    pub async fn validate(&self, document: &str) -> Result<Validation, Failure> {
        self.post(omni_types::paths::CONFIG_VALIDATE, &request(document)).await
    }

    /// `POST /api/v1/config/diff`.
    pub async fn diff(&self, document: &str) -> Result<Diff, Failure> {
        self.post(omni_types::paths::CONFIG_DIFF, &request(document)).await
    }

    /// `POST /api/v1/config/apply` of a file, against the state its diff was computed on.
    pub async fn apply(
        &self,
        document: &str,
        base_state: &str,
        message: Option<String>,
    ) -> Result<ApplyOutcome, Failure> {
        let DocumentRequest { document, secrets } = request(document);
        let body = ApplyRequest {
            document,
            secrets,
            base_state: Some(base_state.to_owned()),
            dry_run: false,
            source: Some(SnapshotSource::File),
            message,
        };
        self.post(omni_types::paths::CONFIG_APPLY, &body).await
    }
}

/// The document, with the values of the `${OMNI_SECRET_*}` references it makes that this
/// process's environment has (the applying side resolves them). No other variable is
/// ever read: a document can't ask for the pipeline's own credentials.
fn request(document: &str) -> DocumentRequest {
    let mut secrets = BTreeMap::new();
    for name in references(document)
        .into_iter()
        .filter(|n| n.starts_with(crate::config_doc::check::SECRET_PREFIX))
    {
        if let Ok(value) = std::env::var(name) {
            secrets.insert(name.to_owned(), value);
        }
    }
    DocumentRequest {
        document: document.to_owned(),
        secrets,
    }
}

/// Every `${NAME}` in a text.
fn references(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start..];
        match after.find('}') {
            Some(end) => {
                if let Some(name) = omni_types::config::reference(&after[..=end]) {
                    out.push(name);
                }
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// A diff for a person: a summary, then one line per entity and per field.
pub fn render(diff: &Diff) -> String {
    let mut out = String::new();
    let s = diff.summary;
    if s.is_empty() {
        out.push_str("No changes.\n");
    } else {
        out.push_str(&format!(
            "{} to create, {} to update, {} to delete.\n",
            s.created, s.updated, s.deleted
        ));
        render_changes(&mut out, &diff.changes, "");
    }
    for w in &diff.warnings {
        out.push_str(&format!(
            "warning: line {}, column {}: {}: {}\n",
            w.line, w.column, w.path, w.message
        ));
    }
    if !diff.console_changes.is_empty() {
        out.push_str(&format!(
            "\nChanged in the console since the last apply ({}), and overwritten by this one:\n",
            diff.console_changes.len()
        ));
        render_changes(&mut out, &diff.console_changes, "  ");
    }
    out
}

fn render_changes(out: &mut String, changes: &[Change], indent: &str) {
    for c in changes {
        let (sign, verb) = match c.action {
            ChangeAction::Created => ('+', "create"),
            ChangeAction::Updated => ('~', "update"),
            ChangeAction::Deleted => ('-', "delete"),
        };
        let renamed = c
            .renamed_from
            .as_ref()
            .map(|from| format!(" (renamed from {from})"))
            .unwrap_or_default();
        out.push_str(&format!("{indent}{sign} {verb} {} {}{renamed}\n", c.kind, c.key));
        if c.action != ChangeAction::Updated {
            continue;
        }
        for f in &c.fields {
            if f.secret {
                let what = match (f.old.as_bool(), f.new.as_bool()) {
                    (Some(false), Some(true)) => "set",
                    (Some(true), Some(false)) => "removed",
                    _ => "changed",
                };
                out.push_str(&format!("{indent}    {}: {what} (secret)\n", f.field));
            } else {
                out.push_str(&format!("{indent}    {}: {} → {}\n", f.field, f.old, f.new));
            }
        }
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

#[cfg(test)]
mod tests {
    use super::references;

    #[test]
    fn references_are_found_once() {
        let text = "a: \"${OMNI_SECRET_A}\"\nb: \"${OMNI_SECRET_A}\"\nc: \"${lower}\" ${B_2}";
        assert_eq!(references(text), ["B_2", "OMNI_SECRET_A"]);
    }
}
