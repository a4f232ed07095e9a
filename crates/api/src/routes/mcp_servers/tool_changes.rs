//! Tool changes of a server and the admin's decision on pending ones.

use anyhow::Context;
use axum::extract::{Query, State};
use chrono::{DateTime, Utc};
use omni_types::Page;
use omni_types::mcp::{DecideToolChange, ToolChange, ToolChangeKind, ToolChangeStatus, ToolStatus};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::not_found;
use crate::app::AppState;
use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::{mcp_servers, mcp_tools};
use crate::error::{ApiError, ApiResult};
use crate::http::client::ClientMeta;
use crate::http::json::{ApiJson, ApiPath};
use crate::http::pagination::{PageParams, page};
use crate::openapi::responses::{MalformedBody, NotFound, ValidationFailed};

/// Filters of `GET /api/v1/mcp-servers/{id}/tool-changes`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ToolChangeFilter {
    /// `applied`, `pending`, `approved` or `rejected`.
    pub status: Option<String>,
}

/// Tools added, removed or changed between checks, newest first, each with its diff.
#[utoipa::path(
    get,
    path = "/api/v1/mcp-servers/{id}/tool-changes",
    tag = "mcp-servers",
    params(("id" = Uuid, Path, description = "MCP server id"), ToolChangeFilter, PageParams),
    responses(
        (status = 200, description = "One page of tool changes", body = Page<ToolChange>),
        (status = 404, response = NotFound),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    Query(filter): Query<ToolChangeFilter>,
    Query(params): Query<PageParams>,
) -> ApiResult<ApiJson<Page<ToolChange>>> {
    let status = match filter.status.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(
            s.parse::<ToolChangeStatus>()
                .map_err(|m| ApiError::invalid("status", m))?,
        ),
    };
    let limit = params.limit()?;
    let after: Option<(DateTime<Utc>, Uuid)> = params.after()?;
    if mcp_servers::get(&state.db, id).await?.is_none() {
        return Err(not_found(id));
    }
    let rows = mcp_tools::changes(&state.db, id, status, after, i64::from(limit) + 1).await?;
    Ok(ApiJson(page(rows, limit, |c| (c.detected_at, c.id))))
}

/// Approve or reject a pending tool change. Approving makes the tool available to the
/// hub as the server now describes it; rejecting keeps it from the hub.
#[utoipa::path(
    patch,
    path = "/api/v1/mcp-servers/{id}/tool-changes/{change_id}",
    tag = "mcp-servers",
    params(
        ("id" = Uuid, Path, description = "MCP server id"),
        ("change_id" = Uuid, Path, description = "Tool change id"),
    ),
    request_body = DecideToolChange,
    responses(
        (status = 200, description = "The change with its decision", body = ToolChange),
        (status = 400, response = MalformedBody),
        (status = 404, response = NotFound),
        (status = 409, description = "The change is not pending (decided, applied or superseded)", body = omni_types::Problem),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn decide(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiPath((id, change_id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<DecideToolChange>,
) -> ApiResult<ApiJson<ToolChange>> {
    let tool_status = match body.status {
        ToolChangeStatus::Approved => ToolStatus::Approved,
        ToolChangeStatus::Rejected => ToolStatus::Rejected,
        _ => return Err(ApiError::invalid("status", "must be `approved` or `rejected`")),
    };
    let mut tx = state.db.begin().await?;
    // The server's lock orders this against a check rewriting the same tools.
    mcp_servers::lock(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
    let change = mcp_tools::change(&mut *tx, id, change_id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("No tool change {change_id} on MCP server {id}.")))?;
    if !mcp_tools::decide(&mut tx, change_id, body.status, principal.admin_id).await? {
        return Err(ApiError::Conflict {
            field: "status".into(),
            message: format!("this change is {}, not pending", change.status),
        });
    }
    if change.kind != ToolChangeKind::Removed {
        mcp_tools::set_decision(&mut tx, id, &change.tool_name, tool_status).await?;
    }
    let action = match body.status {
        ToolChangeStatus::Approved => "mcp_tool_change.approved",
        _ => "mcp_tool_change.rejected",
    };
    let entry = Entry {
        actor: (&principal).into(),
        action,
        resource_type: "mcp_tool_change",
        resource_id: Some(change_id.to_string()),
        details: json!({ "server_id": id, "tool": change.tool_name, "kind": change.kind, "fields": change.fields }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    let decided = mcp_tools::change(&mut *tx, id, change_id)
        .await?
        .context("change just decided")?;
    tx.commit().await?;
    Ok(ApiJson(decided))
}
