use anyhow::Context;
use axum::extract::State;
use omni_types::mcp::{HealthCheckResult, Transport};
use serde_json::json;
use uuid::Uuid;

use super::not_found;
use crate::app::AppState;
use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::{mcp_health, mcp_servers};
use crate::error::{ApiError, ApiResult};
use crate::http::client::ClientMeta;
use crate::http::json::{ApiJson, ApiPath};
use crate::mcp;
use crate::openapi::responses::NotFound;

/// Check the server now: a real MCP session (`initialize`, `notifications/initialized`,
/// `tools/list`) within its timeout. The answer is the check, whatever its status; the
/// discovered tools and any tool changes are stored as by the scheduled checks.
#[utoipa::path(
    post,
    path = "/api/v1/mcp-servers/{id}/health-check",
    tag = "mcp-servers",
    params(("id" = Uuid, Path, description = "MCP server id")),
    responses(
        (status = 200, description = "The check that ran, and the server after it", body = HealthCheckResult),
        (status = 404, response = NotFound),
        (status = 409, description = "A stdio server (the hub reports its health), or its settings changed during the check",
         body = omni_types::Problem),
    )
)]
pub async fn health_check(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<HealthCheckResult>> {
    let server = mcp_servers::get(&state.db, id).await?.ok_or_else(|| not_found(id))?;
    if server.transport == Transport::Stdio {
        return Err(ApiError::Conflict {
            field: "transport".into(),
            message: "stdio servers run inside the hub, which reports their health (POST …/health-reports)".into(),
        });
    }
    let target = mcp_health::target(&state.db, id).await?.ok_or_else(|| not_found(id))?;
    // The network wait happens outside the transaction.
    let outcome = mcp::run(&state.mcp_http, &state.sealer, &target).await;
    let mut tx = state.db.begin().await?;
    let (check, tool_changes) = match mcp::record(&mut tx, &target, outcome).await? {
        mcp::Recorded::Stored(check, changes) => (check, changes),
        mcp::Recorded::Gone => return Err(not_found(id)),
        mcp::Recorded::Changed => {
            return Err(ApiError::Conflict {
                field: "id".into(),
                message: "the server's settings changed while it was being checked: check again".into(),
            });
        }
    };
    let entry = Entry {
        actor: (&principal).into(),
        action: "mcp_server.health_checked",
        resource_type: "mcp_server",
        resource_id: Some(id.to_string()),
        details: json!({ "status": check.status, "latency_ms": check.latency_ms, "error": check.error,
                         "tool_changes": tool_changes.len() }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    let server = mcp_servers::get(&mut *tx, id).await?.context("server just checked")?;
    tx.commit().await?;
    Ok(ApiJson(HealthCheckResult {
        check,
        server,
        tool_changes,
    }))
}
