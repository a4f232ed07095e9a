use axum::extract::State;
use omni_types::config::ConfigStatus;

use crate::app::AppState;
use crate::config_doc::{apply, export, state_id, yaml};
use crate::db::config_snapshots;
use crate::error::{ApiError, ApiResult};
use crate::http::json::ApiJson;

/// Where the live configuration came from (SPEC CFG-6): the last apply or rollback (who,
/// when, from a file, the console or the API), and whether the configuration drifted
/// from it since, with the console changes that make the drift.
#[utoipa::path(
    get,
    path = "/api/v1/config/status",
    tag = "config",
    responses((status = 200, description = "The source and drift", body = ConfigStatus))
)]
pub async fn status(State(state): State<AppState>) -> ApiResult<ApiJson<ConfigStatus>> {
    let mut tx = crate::db::read_snapshot(&state.db).await?;
    let current = export::read(&mut tx).await?;
    let text = yaml::to_string(&current.document).map_err(|e| ApiError::Internal(e.into()))?;
    let id = state_id(&text);
    let last = config_snapshots::latest(&mut tx).await?;
    let console_changes = apply::console_changes(&mut tx, &state.sealer, &current, &id).await?;
    tx.commit().await?;
    Ok(ApiJson(ConfigStatus {
        drifted: last
            .as_ref()
            .is_some_and(|s| s.summary.state != id || !console_changes.is_empty()),
        state: id,
        last_snapshot: last.map(|s| s.summary),
        console_changes,
        counts: apply::counts(&current.document),
    }))
}
