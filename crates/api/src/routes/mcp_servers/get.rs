use axum::extract::State;
use omni_types::mcp::McpServer;
use uuid::Uuid;

use super::not_found;
use crate::app::AppState;
use crate::db::mcp_servers;
use crate::error::ApiResult;
use crate::http::json::{ApiJson, ApiPath};
use crate::openapi::responses::NotFound;

/// One MCP server with its latest health.
#[utoipa::path(
    get,
    path = "/api/v1/mcp-servers/{id}",
    tag = "mcp-servers",
    params(("id" = Uuid, Path, description = "MCP server id")),
    responses((status = 200, description = "The server", body = McpServer), (status = 404, response = NotFound))
)]
pub async fn get(State(state): State<AppState>, ApiPath(id): ApiPath<Uuid>) -> ApiResult<ApiJson<McpServer>> {
    mcp_servers::get(&state.db, id)
        .await?
        .map(ApiJson)
        .ok_or_else(|| not_found(id))
}
