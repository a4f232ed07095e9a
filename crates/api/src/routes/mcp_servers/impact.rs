use axum::extract::State;
use omni_types::mcp::DeleteImpact;
use uuid::Uuid;

use super::not_found;
use crate::app::AppState;
use crate::db::mcp_servers;
use crate::error::ApiResult;
use crate::http::json::{ApiJson, ApiPath};
use crate::openapi::responses::NotFound;

/// What deleting the server would remove with it, for the confirmation.
#[utoipa::path(
    get,
    path = "/api/v1/mcp-servers/{id}/impact",
    tag = "mcp-servers",
    params(("id" = Uuid, Path, description = "MCP server id")),
    responses(
        (status = 200, description = "Counts of what goes with the server", body = DeleteImpact),
        (status = 404, response = NotFound),
    )
)]
pub async fn impact(State(state): State<AppState>, ApiPath(id): ApiPath<Uuid>) -> ApiResult<ApiJson<DeleteImpact>> {
    mcp_servers::impact(&state.db, id)
        .await?
        .map(ApiJson)
        .ok_or_else(|| not_found(id))
}
