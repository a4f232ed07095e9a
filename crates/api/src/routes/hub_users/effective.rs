use axum::extract::State;
use omni_types::hub_users::{EffectivePermissions, EffectiveServer, EffectiveTool};
use uuid::Uuid;

use super::not_found;
use crate::app::AppState;
use crate::db::hub_grants;
use crate::error::ApiResult;
use crate::http::json::{ApiJson, ApiPath};
use crate::hub_access::{blocked, decide, decide_server};
use crate::openapi::responses::NotFound;

/// What the user can call, and why: every MCP server visible to their organization with
/// each of its tools decided by the same rules as `GET /api/v1/authz/can-call`.
#[utoipa::path(
    get,
    path = "/api/v1/users/{id}/effective-permissions",
    tag = "users",
    params(("id" = Uuid, Path, description = "Hub user id")),
    responses(
        (status = 200, description = "The user's effective permissions", body = EffectivePermissions),
        (status = 404, response = NotFound),
    )
)]
pub async fn effective(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<EffectivePermissions>> {
    let (caller, _) = hub_grants::caller(&state.db, id).await?.ok_or_else(|| not_found(id))?;
    let blocked = blocked(&caller);
    let visible = hub_grants::visible_servers(&state.db, id, caller.organization_id).await?;
    let mut allowed_tool_count = 0;
    let servers = visible
        .into_iter()
        .map(|(server_id, server_name, server, tools)| {
            let tools: Vec<EffectiveTool> = tools
                .into_iter()
                .map(|(name, tool)| {
                    let reason = decide(&caller, &server, &name, Some(tool));
                    allowed_tool_count += i64::from(reason.allows());
                    EffectiveTool {
                        name,
                        allowed: reason.allows(),
                        reason,
                    }
                })
                .collect();
            EffectiveServer {
                server_id,
                server_name,
                reason: decide_server(&caller, &server),
                granted_tools: server.granted,
                tools,
            }
        })
        .collect();
    Ok(ApiJson(EffectivePermissions {
        user_id: id,
        blocked,
        allowed_tool_count,
        servers,
    }))
}
