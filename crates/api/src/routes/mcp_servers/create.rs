use anyhow::Context;
use axum::extract::State;
use axum::http::StatusCode;
use omni_types::mcp::{CreateMcpServer, McpServer};
use serde_json::json;
use uuid::Uuid;

use super::{audit_view, seal_header, validate};
use crate::app::AppState;
use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::mcp_servers::{self, Fields, WriteError};
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::http::client::ClientMeta;
use crate::http::json::ApiJson;
use crate::openapi::responses::{MalformedBody, ValidationFailed};

/// Register an MCP server. An enabled Streamable HTTP server is checked within seconds by
/// the background job (or at once with `POST …/health-check`).
#[utoipa::path(
    post,
    path = "/api/v1/mcp-servers",
    tag = "mcp-servers",
    request_body = CreateMcpServer,
    responses(
        (status = 201, description = "Registered", body = McpServer),
        (status = 400, response = MalformedBody),
        (status = 409, description = "An MCP server with this name exists (`errors.name`)", body = omni_types::Problem),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiJson(body): ApiJson<CreateMcpServer>,
) -> ApiResult<(StatusCode, ApiJson<McpServer>)> {
    let mut errors = FieldErrors::new();
    let secret = body
        .auth_header
        .as_deref()
        .and_then(|value| seal_header(&state.sealer, value, &mut errors));
    let draft = Fields {
        name: body.name,
        description: body.description,
        transport: body.transport,
        url: body.url,
        command: body.command,
        args: body.args,
        auth_header_name: body.auth_header_name.unwrap_or_else(|| "Authorization".into()),
        timeout_ms: body.timeout_ms.unwrap_or(10_000),
        degraded_threshold_ms: body.degraded_threshold_ms.unwrap_or(2_000),
        check_interval_seconds: body.check_interval_seconds.unwrap_or(60),
        tags: body.tags,
        organization_id: body.organization_id,
        enabled: body.enabled,
        require_tool_approval: body.require_tool_approval,
    };
    crate::routes::orgs::check_exists(&state.db, draft.organization_id, &mut errors).await?;
    let fields = validate(draft, &mut errors);
    let Some(fields) = fields.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };

    let id = Uuid::now_v7();
    let mut tx = state.db.begin().await?;
    mcp_servers::insert(&mut tx, id, &fields, secret.as_deref())
        .await
        .map_err(|e| match e {
            WriteError::NameTaken => ApiError::Conflict {
                field: "name".into(),
                message: "an MCP server with this name (or one differing only in `.`, `_` or `-`) exists".into(),
            },
            WriteError::UnknownOrganization => ApiError::invalid("organization_id", "names no organization"),
            WriteError::Db(e) => e.into(),
        })?;
    let server = mcp_servers::get(&mut *tx, id).await?.context("server just created")?;
    let entry = Entry {
        actor: (&principal).into(),
        action: "mcp_server.created",
        resource_type: "mcp_server",
        resource_id: Some(id.to_string()),
        details: json!({ "after": audit_view(&server) }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, ApiJson(server)))
}
