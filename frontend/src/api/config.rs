//! The configuration page's calls (SPEC CFG-1..8): the YAML export, its check and diff
//! against the hub, the apply, and the snapshots with their diffs and rollbacks.

use gloo_net::http::Method;
use omni_types::config::{
    ApplyOutcome, ApplyRequest, ConfigStatus, Diff, DocumentRequest, RollbackRequest, Snapshot, SnapshotSummary,
    Validation,
};
use omni_types::{Page, paths};
use uuid::Uuid;

use super::{Api, ApiError, Call, body_text, decode, download, encode, page_params};

/// What the export is, and what the download is saved as.
const YAML: &str = "application/yaml";
const EXPORT_FILE: &str = "omni-config.yaml";

impl Api {
    /// The whole configuration as YAML text (secrets as references).
    pub async fn config_export(&self) -> Result<String, ApiError> {
        let call = Call::new(Method::GET, paths::CONFIG_EXPORT).accept(YAML);
        body_text(self.authorized(&call).await?).await
    }

    /// Saves the export as a file; returns the file's name.
    pub async fn config_download(&self) -> Result<String, ApiError> {
        let call = Call::new(Method::GET, paths::CONFIG_EXPORT).accept(YAML);
        download::save(self.authorized(&call).await?, EXPORT_FILE).await
    }

    /// Where the live configuration came from, and whether it drifted since.
    pub async fn config_status(&self) -> Result<ConfigStatus, ApiError> {
        decode(self.authorized(&Call::new(Method::GET, paths::CONFIG_STATUS)).await?).await
    }

    /// Every problem of a document, with its line and column.
    pub async fn config_validate(&self, document: &str) -> Result<Validation, ApiError> {
        let body = encode(&request(document))?;
        decode(
            self.authorized(&Call::new(Method::POST, paths::CONFIG_VALIDATE).body(&body))
                .await?,
        )
        .await
    }

    /// What applying `document` would change; 422 when it does not validate.
    pub async fn config_diff(&self, document: &str) -> Result<Diff, ApiError> {
        let body = encode(&request(document))?;
        decode(
            self.authorized(&Call::new(Method::POST, paths::CONFIG_DIFF).body(&body))
                .await?,
        )
        .await
    }

    /// Applies a document whose diff was reviewed against `apply.base_state`; 409 when the
    /// hub changed since.
    pub async fn config_apply(&self, apply: &ApplyRequest) -> Result<ApplyOutcome, ApiError> {
        let body = encode(apply)?;
        decode(
            self.authorized(&Call::new(Method::POST, paths::CONFIG_APPLY).body(&body))
                .await?,
        )
        .await
    }

    /// Snapshots, newest first.
    pub async fn config_snapshots(&self, cursor: Option<String>) -> Result<Page<SnapshotSummary>, ApiError> {
        let params = page_params(Vec::new(), cursor);
        decode(
            self.authorized(&Call::new(Method::GET, paths::CONFIG_SNAPSHOTS).query(&params))
                .await?,
        )
        .await
    }

    /// One snapshot with the document it stored.
    pub async fn config_snapshot(&self, id: Uuid) -> Result<Snapshot, ApiError> {
        decode(
            self.authorized(&Call::new(Method::GET, &paths::config_snapshot(id)))
                .await?,
        )
        .await
    }

    /// From snapshot `from` to snapshot `to`, or to the current state.
    pub async fn config_snapshot_diff(&self, from: Uuid, to: Option<Uuid>) -> Result<Diff, ApiError> {
        let params: Vec<(String, String)> = to.map(|to| ("to".to_owned(), to.to_string())).into_iter().collect();
        let path = paths::config_snapshot_diff(from);
        decode(self.authorized(&Call::new(Method::GET, &path).query(&params)).await?).await
    }

    /// Rolls back to a snapshot (its preview with `dry_run`).
    pub async fn config_rollback(&self, id: Uuid, rollback: &RollbackRequest) -> Result<ApplyOutcome, ApiError> {
        let body = encode(rollback)?;
        let path = paths::config_snapshot_rollback(id);
        decode(self.authorized(&Call::new(Method::POST, &path).body(&body)).await?).await
    }
}

/// The console never holds secret values: references keep the ones the hub has.
fn request(document: &str) -> DocumentRequest {
    DocumentRequest {
        document: document.to_owned(),
        secrets: Default::default(),
    }
}
