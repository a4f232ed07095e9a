//! `/api/v1/config/snapshots`: what each apply and rollback left (SPEC CFG-5).

use std::collections::{BTreeMap, HashSet};

use axum::extract::{Query, State};
use chrono::{DateTime, Utc};
use omni_types::Page;
use omni_types::config::{
    ApplyOutcome, ChangeSummary, Diff, RollbackRequest, Snapshot, SnapshotSource, SnapshotSummary,
};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::Principal;
use crate::config_doc::apply::{Author, Secrets};
use crate::config_doc::{diff as text_diff, export, parse, state_id, yaml};
use crate::db::config_snapshots;
use crate::error::{ApiError, ApiResult};
use crate::http::client::ClientMeta;
use crate::http::json::{ApiJson, ApiPath};
use crate::http::pagination::{PageParams, page};
use crate::openapi::responses::{Conflict, Forbidden, NotFound, ValidationFailed};

fn not_found(id: Uuid) -> ApiError {
    ApiError::NotFound(format!("No configuration snapshot {id}."))
}

/// Snapshots, newest first: who applied what, when, from where.
#[utoipa::path(
    get,
    path = "/api/v1/config/snapshots",
    tag = "config",
    params(PageParams),
    responses(
        (status = 200, description = "One page of snapshots", body = Page<SnapshotSummary>),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Query(params): Query<PageParams>,
) -> ApiResult<ApiJson<Page<SnapshotSummary>>> {
    let limit = params.limit()?;
    let after: Option<(DateTime<Utc>, Uuid)> = params.after()?;
    let rows = config_snapshots::list(&state.db, after, i64::from(limit) + 1).await?;
    Ok(ApiJson(page(rows, limit, |s| (s.created_at, s.id))))
}

/// One snapshot with the document it stored (secrets as references).
#[utoipa::path(
    get,
    path = "/api/v1/config/snapshots/{id}",
    tag = "config",
    params(("id" = Uuid, Path, description = "Snapshot id")),
    responses(
        (status = 200, description = "The snapshot", body = Snapshot),
        (status = 404, response = NotFound),
    )
)]
pub async fn get(State(state): State<AppState>, ApiPath(id): ApiPath<Uuid>) -> ApiResult<ApiJson<Snapshot>> {
    config_snapshots::get(&state.db, id)
        .await?
        .map(ApiJson)
        .ok_or_else(|| not_found(id))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareParams {
    /// The snapshot to compare with; the current state when absent.
    pub to: Option<Uuid>,
}

/// What changed from one snapshot to another (or to the current state): entity by
/// entity, and side by side.
#[utoipa::path(
    get,
    path = "/api/v1/config/snapshots/{id}/diff",
    tag = "config",
    params(("id" = Uuid, Path, description = "Snapshot id"), CompareParams),
    responses(
        (status = 200, description = "The changes from `id` to `to`", body = Diff),
        (status = 404, response = NotFound),
    )
)]
pub async fn compare(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    Query(params): Query<CompareParams>,
) -> ApiResult<ApiJson<Diff>> {
    let mut tx = crate::db::read_snapshot(&state.db).await?;
    let from = config_snapshots::get(&mut *tx, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    let from_secrets = config_snapshots::secrets(&mut *tx, id).await?;
    let (to_text, to_secrets) = match params.to {
        Some(to) => {
            let snapshot = config_snapshots::get(&mut *tx, to)
                .await?
                .ok_or_else(|| not_found(to))?;
            (snapshot.document, config_snapshots::secrets(&mut *tx, to).await?)
        }
        None => {
            let current = export::read(&mut tx).await?;
            let text = yaml::to_string(&current.document).map_err(|e| ApiError::Internal(e.into()))?;
            (text, current.sealed.into_iter().collect())
        }
    };
    tx.commit().await?;
    let read = |text: &str| {
        parse::parse(text)
            .map(|p| p.document)
            .map_err(|_| ApiError::Internal(anyhow::anyhow!("a stored snapshot does not parse")))
    };
    let (old, new) = (read(&from.document)?, read(&to_text)?);
    // A secret changed when the values behind one reference differ.
    let open = |list: &[(String, Vec<u8>)]| -> BTreeMap<String, Option<Vec<u8>>> {
        list.iter().map(|(n, s)| (n.clone(), state.sealer.open(s))).collect()
    };
    let (before, after) = (open(&from_secrets), open(&to_secrets));
    let changed: HashSet<String> = new
        .mcp_servers
        .iter()
        .filter(|s| matches!((before.get(&s.name), after.get(&s.name)), (Some(a), Some(b)) if a != b))
        .map(|s| s.name.clone())
        .collect();
    let changes = text_diff::changes(&old, &new, &changed);
    Ok(ApiJson(Diff {
        base_state: from.summary.state.clone(),
        target_state: state_id(&to_text),
        summary: ChangeSummary::of(&changes),
        changes,
        text: text_diff::text(&from.document, &to_text),
        warnings: Vec::new(),
        console_changes: Vec::new(),
    }))
}

/// Roll the configuration back to a snapshot (SPEC CFG-5): its document is applied,
/// secrets included, like any apply. Preview first with `dry_run` (the diff from now to
/// the snapshot), then send its `base_state`; 409 if the configuration changed since.
/// The rollback is itself a new snapshot (source `rollback`).
#[utoipa::path(
    post,
    path = "/api/v1/config/snapshots/{id}/rollback",
    tag = "config",
    params(("id" = Uuid, Path, description = "Snapshot id")),
    request_body = RollbackRequest,
    responses(
        (status = 200, description = "The diff, and the new snapshot", body = ApplyOutcome),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn rollback(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<RollbackRequest>,
) -> ApiResult<ApiJson<ApplyOutcome>> {
    let snapshot = config_snapshots::get(&state.db, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    let stored = config_snapshots::secrets(&state.db, id).await?;
    if body.base_state.is_none() && !body.dry_run {
        return Err(ApiError::invalid(
            "base_state",
            "is required: the `base_state` of the preview you reviewed",
        ));
    }
    let given = BTreeMap::new();
    let secrets = Secrets {
        given: &given,
        snapshot: &stored,
    };
    let label = super::apply::label(&principal);
    let message = format!(
        "Rollback to the snapshot of {}",
        snapshot.summary.created_at.format("%Y-%m-%d %H:%M:%S UTC")
    );
    let author = Author {
        actor: (&principal).into(),
        admin_id: principal.admin_id,
        label: &label,
        source: SnapshotSource::Rollback,
        message: Some(&message),
        rolled_back_to: Some(id),
    };
    super::apply::run(
        &state,
        &principal,
        &meta,
        &snapshot.document,
        &secrets,
        body.base_state.as_deref(),
        body.dry_run,
        &author,
    )
    .await
}
