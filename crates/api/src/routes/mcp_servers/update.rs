use anyhow::Context;
use axum::extract::State;
use omni_types::mcp::{McpServer, UpdateMcpServer};
use serde_json::json;
use uuid::Uuid;

use super::{audit_view, not_found, seal_header, validate};
use crate::app::AppState;
use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::mcp_servers::{self, Fields, Secret, WriteError};
use crate::db::{hub_grants, mcp_tools};
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::http::client::ClientMeta;
use crate::http::json::{ApiJson, ApiPath};
use crate::openapi::responses::{MalformedBody, NotFound, ValidationFailed};

/// Change a server: only the fields present change. Switching `transport` drops the
/// other transport's fields. A new endpoint, auth header or timeout, or enabling the
/// server, has it checked again at once.
#[utoipa::path(
    patch,
    path = "/api/v1/mcp-servers/{id}",
    tag = "mcp-servers",
    params(("id" = Uuid, Path, description = "MCP server id")),
    request_body = UpdateMcpServer,
    responses(
        (status = 200, description = "The server as it now is", body = McpServer),
        (status = 400, response = MalformedBody),
        (status = 404, response = NotFound),
        (status = 409, description = "An MCP server with this name exists (`errors.name`)", body = omni_types::Problem),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(patch): ApiJson<UpdateMcpServer>,
) -> ApiResult<ApiJson<McpServer>> {
    let mut tx = state.db.begin().await?;
    mcp_servers::lock(&mut tx, id).await?.ok_or_else(|| not_found(id))?;
    let before = mcp_servers::get(&mut *tx, id).await?.ok_or_else(|| not_found(id))?;

    let mut errors = FieldErrors::new();
    let secret = match &patch.auth_header {
        None => Secret::Keep,
        Some(None) => Secret::Clear,
        Some(Some(value)) => seal_header(&state.sealer, value, &mut errors).map_or(Secret::Keep, Secret::Set),
    };
    let transport = patch.transport.unwrap_or(before.transport);
    let same_transport = transport == before.transport;
    let draft = Fields {
        name: patch.name.clone().unwrap_or_else(|| before.name.clone()),
        description: patch.description.clone().unwrap_or_else(|| before.description.clone()),
        transport,
        url: patch
            .url
            .clone()
            .or_else(|| before.url.clone().filter(|_| same_transport)),
        command: patch
            .command
            .clone()
            .or_else(|| before.command.clone().filter(|_| same_transport)),
        args: patch.args.clone().unwrap_or_else(|| {
            if same_transport {
                before.args.clone()
            } else {
                Vec::new()
            }
        }),
        auth_header_name: patch
            .auth_header_name
            .clone()
            .unwrap_or_else(|| before.auth_header_name.clone()),
        timeout_ms: patch.timeout_ms.unwrap_or(before.timeout_ms),
        degraded_threshold_ms: patch.degraded_threshold_ms.unwrap_or(before.degraded_threshold_ms),
        check_interval_seconds: patch.check_interval_seconds.unwrap_or(before.check_interval_seconds),
        tags: patch.tags.clone().unwrap_or_else(|| before.tags.clone()),
        organization_id: patch
            .organization_id
            .unwrap_or_else(|| before.organization.as_ref().map(|o| o.id)),
        enabled: patch.enabled.unwrap_or(before.enabled),
        require_tool_approval: patch.require_tool_approval.unwrap_or(before.require_tool_approval),
    };
    crate::routes::orgs::check_exists(&state.db, draft.organization_id, &mut errors).await?;
    let fields = validate(draft, &mut errors);
    // A stored secret is for the host it was given for: a writer who cannot read it must
    // not be able to send it elsewhere by changing the URL.
    if let Some(fields) = &fields
        && before.auth_header_set
        && matches!(secret, Secret::Keep)
        && fields.url.is_some()
        && origin(fields.url.as_deref()) != origin(before.url.as_deref())
    {
        errors
            .entry("auth_header".into())
            .or_default()
            .push("must be given again (or set to null) when the URL moves to another scheme, host or port".into());
    }
    let Some(fields) = fields.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let recheck = fields.url != before.url
        || !matches!(secret, Secret::Keep)
        || fields.auth_header_name != before.auth_header_name
        || fields.timeout_ms != before.timeout_ms
        || (fields.enabled && !before.enabled);
    mcp_servers::update(&mut tx, id, &fields, &secret, recheck)
        .await
        .map_err(|e| match e {
            WriteError::NameTaken => ApiError::Conflict {
                field: "name".into(),
                message: "an MCP server with this name (or one differing only in `.`, `_` or `-`) exists".into(),
            },
            WriteError::UnknownOrganization => ApiError::invalid("organization_id", "names no organization"),
            WriteError::Db(e) => e.into(),
        })?;
    // A server that moves to an organization serves only its users from now on.
    let grants_dropped = match fields.organization_id {
        Some(owner) if before.organization.as_ref().map(|o| o.id) != Some(owner) => {
            hub_grants::drop_outside(&mut tx, id, owner).await?
        }
        _ => 0,
    };
    // Approval turned off: what waited is approved by the admin who turned it off.
    let approved_on_release = if before.require_tool_approval && !fields.require_tool_approval {
        mcp_tools::approve_all_pending(&mut tx, id, principal.admin_id).await?
    } else {
        0
    };
    let after = mcp_servers::get(&mut *tx, id).await?.context("server just updated")?;
    let action = match (before.enabled, after.enabled) {
        (true, false) => "mcp_server.disabled",
        (false, true) => "mcp_server.enabled",
        _ => "mcp_server.updated",
    };
    let auth_header = match secret {
        Secret::Keep => "unchanged",
        Secret::Clear => "removed",
        Secret::Set(_) => "replaced",
    };
    let entry = Entry {
        actor: (&principal).into(),
        action,
        resource_type: "mcp_server",
        resource_id: Some(id.to_string()),
        details: json!({ "before": audit_view(&before), "after": audit_view(&after), "auth_header": auth_header,
                         "tool_changes_approved": approved_on_release, "grants_dropped": grants_dropped }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    tx.commit().await?;
    Ok(ApiJson(after))
}

/// `scheme://host:port` of a URL, the unit a secret is bound to.
pub(crate) fn origin(url: Option<&str>) -> Option<String> {
    let url = reqwest::Url::parse(url?).ok()?;
    Some(format!(
        "{}://{}:{}",
        url.scheme(),
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or_default()
    ))
}
