use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;
use uuid::Uuid;

use super::{audit_view, not_found};
use crate::app::AppState;
use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::mcp_servers;
use crate::error::ApiResult;
use crate::http::client::ClientMeta;
use crate::http::json::ApiPath;
use crate::openapi::responses::NotFound;

/// Delete a server with its health history, tools and tool changes
/// (`GET …/impact` tells how much that is).
#[utoipa::path(
    delete,
    path = "/api/v1/mcp-servers/{id}",
    tag = "mcp-servers",
    params(("id" = Uuid, Path, description = "MCP server id")),
    responses((status = 204, description = "Deleted"), (status = 404, response = NotFound))
)]
pub async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.begin().await?;
    mcp_servers::lock(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
    let server = mcp_servers::get(&mut *tx, id).await?.ok_or_else(|| not_found(id))?;
    let impact = mcp_servers::impact(&mut *tx, id).await?.ok_or_else(|| not_found(id))?;
    mcp_servers::delete(&mut tx, id).await?;
    let entry = Entry {
        actor: (&principal).into(),
        action: "mcp_server.deleted",
        resource_type: "mcp_server",
        resource_id: Some(id.to_string()),
        details: json!({ "before": audit_view(&server), "impact": impact }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
