use axum::extract::State;
use omni_types::config::{ApplyOutcome, ApplyRequest, SnapshotSource};

use crate::app::AppState;
use crate::auth::Principal;
use crate::auth::principal::Credential;
use crate::config_doc::apply::{self, Author, Secrets};
use crate::error::{ApiError, ApiResult};
use crate::http::client::ClientMeta;
use crate::http::json::ApiJson;
use crate::openapi::responses::{Conflict, Forbidden, MalformedBody, ValidationFailed};

/// Apply a configuration document (SPEC CFG-4). With `dry_run` only the diff comes back.
/// Otherwise `base_state` must be the `base_state` of the diff that was reviewed: if the
/// configuration changed since, nothing is applied and the answer is 409. The apply is
/// one transaction (a failure leaves the database untouched); deletes and renames are
/// ordered so unique names never collide midway (a swap of two names works). Besides
/// `config:write`, each kind of entity it changes needs its own write permission
/// (`orgs:write`, `mcp:write`, `users:write`, `settings:write`). Every apply stores a
/// snapshot (source `file`, `ui` or `api`) and audits each change.
#[utoipa::path(
    post,
    path = "/api/v1/config/apply",
    tag = "config",
    request_body = ApplyRequest,
    responses(
        (status = 200, description = "The diff, and the snapshot the apply stored", body = ApplyOutcome),
        (status = 400, response = MalformedBody),
        (status = 403, response = Forbidden),
        (status = 409, response = Conflict),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn apply(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiJson(body): ApiJson<ApplyRequest>,
) -> ApiResult<ApiJson<ApplyOutcome>> {
    let source = body.source.unwrap_or(SnapshotSource::Api);
    if source == SnapshotSource::Rollback {
        return Err(ApiError::invalid(
            "source",
            "`rollback` is for POST /api/v1/config/snapshots/{id}/rollback",
        ));
    }
    if let Some(m) = &body.message
        && (m.chars().count() > 500 || m.chars().any(|c| c.is_control() && c != '\n'))
    {
        return Err(ApiError::invalid("message", "must be at most 500 characters"));
    }
    let base = match (&body.base_state, body.dry_run) {
        (Some(base), _) => Some(base.as_str()),
        (None, true) => None,
        (None, false) => {
            return Err(ApiError::invalid(
                "base_state",
                "is required: the `base_state` of the diff you reviewed",
            ));
        }
    };
    let secrets = Secrets {
        given: &body.secrets,
        snapshot: &[],
    };
    let author = Author {
        actor: (&principal).into(),
        admin_id: principal.admin_id,
        label: &label(&principal),
        source,
        message: body.message.as_deref().map(str::trim).filter(|m| !m.is_empty()),
        rolled_back_to: None,
    };
    run(
        &state,
        &principal,
        &meta,
        &body.document,
        &secrets,
        base,
        body.dry_run,
        &author,
    )
    .await
}

/// Plans and (unless `dry_run`) executes a document under the apply's locks.
#[allow(clippy::too_many_arguments)]
pub(super) async fn run(
    state: &AppState,
    principal: &Principal,
    meta: &ClientMeta,
    document: &str,
    secrets: &Secrets<'_>,
    base: Option<&str>,
    dry_run: bool,
    author: &Author<'_>,
) -> ApiResult<ApiJson<ApplyOutcome>> {
    if dry_run {
        let mut tx = crate::db::read_snapshot(&state.db).await?;
        let plan = apply::plan(&mut tx, &state.sealer, document, secrets)
            .await
            .map_err(super::refused)?;
        let console = apply::console_changes(&mut tx, &state.sealer, &plan.current, &plan.base_state).await?;
        tx.commit().await?;
        if let Some(base) = base
            && base != plan.base_state
        {
            return Err(super::stale(&plan.base_state));
        }
        return Ok(ApiJson(ApplyOutcome {
            applied: false,
            diff: plan.diff(console),
            snapshot: None,
        }));
    }
    let mut tx = state.db.begin().await?;
    apply::lock(&mut tx).await.map_err(super::busy)?;
    let plan = apply::plan(&mut tx, &state.sealer, document, secrets)
        .await
        .map_err(super::refused)?;
    if base != Some(plan.base_state.as_str()) {
        return Err(super::stale(&plan.base_state));
    }
    if let Some(missing) = plan.permissions().into_iter().find(|p| !principal.can(*p)) {
        return Err(ApiError::Forbidden(missing));
    }
    let console = apply::console_changes(&mut tx, &state.sealer, &plan.current, &plan.base_state).await?;
    let snapshot = apply::execute(&mut tx, &state.sealer, &plan, author, meta)
        .await
        .map_err(super::busy)?;
    tx.commit().await.map_err(super::busy)?;
    Ok(ApiJson(ApplyOutcome {
        applied: true,
        diff: plan.diff(console),
        snapshot,
    }))
}

/// Who a snapshot names: the admin's email, or the token and its creator.
pub(super) fn label(principal: &Principal) -> String {
    match &principal.via {
        Credential::Session { .. } => principal.email.clone(),
        Credential::Token { name, .. } => format!("{name} (token of {})", principal.email),
    }
}
