//! A hub user's grants (SPEC USER-2): read them, or replace them all at once.

use std::collections::HashSet;

use axum::extract::State;
use omni_types::hub_users::{ALL_TOOLS, Grant, GrantView, ReplaceGrants};
use serde_json::json;
use uuid::Uuid;

use super::not_found;
use crate::app::AppState;
use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::{hub_grants, hub_users};
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::http::client::ClientMeta;
use crate::http::json::{ApiJson, ApiPath};
use crate::openapi::responses::{MalformedBody, NotFound, ValidationFailed};

/// The user's grants, by server name.
#[utoipa::path(
    get,
    path = "/api/v1/users/{id}/permissions",
    tag = "users",
    params(("id" = Uuid, Path, description = "Hub user id")),
    responses((status = 200, description = "The user's grants", body = Vec<GrantView>), (status = 404, response = NotFound))
)]
pub async fn list(State(state): State<AppState>, ApiPath(id): ApiPath<Uuid>) -> ApiResult<ApiJson<Vec<GrantView>>> {
    if !hub_grants::user_exists(&state.db, id).await? {
        return Err(not_found(id));
    }
    Ok(ApiJson(hub_grants::list(&state.db, id).await?))
}

/// Replace the user's grants with the given set. Each names a server visible to the
/// user's organization (global or its own) and tools it offers, or `["*"]` for all of them
/// (including tools it adds later). Errors name the grant: `grants[2].tools`.
#[utoipa::path(
    put,
    path = "/api/v1/users/{id}/permissions",
    tag = "users",
    params(("id" = Uuid, Path, description = "Hub user id")),
    request_body = ReplaceGrants,
    responses(
        (status = 200, description = "The user's grants as they now are", body = Vec<GrantView>),
        (status = 400, response = MalformedBody),
        (status = 404, response = NotFound),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn replace(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ReplaceGrants>,
) -> ApiResult<ApiJson<Vec<GrantView>>> {
    let mut tx = state.db.begin().await?;
    if !hub_users::lock(&mut tx, id).await? {
        return Err(not_found(id));
    }
    let user = hub_users::get(&mut *tx, id).await?.ok_or_else(|| not_found(id))?;
    let mut errors = FieldErrors::new();
    if body.grants.len() > 500 {
        return Err(ApiError::invalid("grants", "must be at most 500 grants"));
    }
    let ids: Vec<Uuid> = body.grants.iter().map(|g| g.server_id).collect();
    let servers = hub_grants::grantable(&mut *tx, &ids).await?;
    let mut seen = HashSet::new();
    let mut grants = Vec::with_capacity(body.grants.len());
    for (i, grant) in body.grants.into_iter().enumerate() {
        let mut err =
            |field: &str, message: String| errors.entry(format!("grants[{i}].{field}")).or_default().push(message);
        if !seen.insert(grant.server_id) {
            err("server_id", "is granted twice".into());
            continue;
        }
        let Some(server) = servers.get(&grant.server_id) else {
            err("server_id", "names no MCP server".into());
            continue;
        };
        if server
            .organization_id
            .is_some_and(|owner| owner != user.organization.id)
        {
            err("server_id", format!("{} belongs to another organization", server.name));
            continue;
        }
        // Tool names are compared exactly, as the server spells them.
        let mut tools = grant.tools;
        tools.sort();
        tools.dedup();
        if tools.is_empty() {
            err("tools", "must name at least one tool, or `*` for all".into());
        } else if tools.iter().any(|t| t == ALL_TOOLS) {
            if tools.len() > 1 {
                err("tools", "`*` already means every tool: give it alone".into());
            }
        } else {
            let unknown: Vec<&str> = tools
                .iter()
                .filter(|t| !server.tools.contains(t))
                .map(String::as_str)
                .collect();
            if !unknown.is_empty() {
                err(
                    "tools",
                    format!("{} does not offer: {}", server.name, unknown.join(", ")),
                );
            }
        }
        grants.push(Grant {
            server_id: grant.server_id,
            tools,
        });
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let before = hub_grants::list(&mut *tx, id).await?;
    hub_grants::replace(&mut tx, id, &grants, Some(principal.admin_id)).await?;
    let after = hub_grants::list(&mut *tx, id).await?;
    let view = |gs: &[GrantView]| -> Vec<_> {
        gs.iter()
            .map(|g| json!({ "server_id": g.server_id, "server_name": g.server_name, "tools": g.tools }))
            .collect()
    };
    let entry = Entry {
        actor: (&principal).into(),
        action: "hub_user.permissions_replaced",
        resource_type: "hub_user",
        resource_id: Some(id.to_string()),
        details: json!({ "email": user.email, "before": view(&before), "after": view(&after) }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    tx.commit().await?;
    Ok(ApiJson(after))
}
