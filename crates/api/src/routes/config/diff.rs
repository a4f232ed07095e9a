use axum::extract::State;
use omni_types::config::{Diff, DocumentRequest};

use crate::app::AppState;
use crate::config_doc::apply::{self, Secrets};
use crate::error::ApiResult;
use crate::http::json::ApiJson;
use crate::openapi::responses::{MalformedBody, ValidationFailed};

/// What applying a document would change, against the current state: entity by entity
/// and field by field (secrets only as "changed"), a summary, the two YAML forms side by
/// side, and (three-way) what changed in the console since the last apply, which the
/// apply would overwrite. Pass `base_state` to the apply. Changes nothing.
#[utoipa::path(
    post,
    path = "/api/v1/config/diff",
    tag = "config",
    request_body = DocumentRequest,
    responses(
        (status = 200, description = "The changes", body = Diff),
        (status = 400, response = MalformedBody),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn diff(State(state): State<AppState>, ApiJson(body): ApiJson<DocumentRequest>) -> ApiResult<ApiJson<Diff>> {
    let mut tx = crate::db::read_snapshot(&state.db).await?;
    let secrets = Secrets {
        given: &body.secrets,
        snapshot: &[],
    };
    let plan = apply::plan(&mut tx, &state.sealer, &body.document, &secrets)
        .await
        .map_err(super::refused)?;
    let console = apply::console_changes(&mut tx, &state.sealer, &plan.current, &plan.base_state).await?;
    tx.commit().await?;
    Ok(ApiJson(plan.diff(console)))
}
