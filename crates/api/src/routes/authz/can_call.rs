use axum::extract::{Query, State};
use omni_types::hub_users::CanCall;
use serde::Deserialize;
use uuid::Uuid;

use crate::app::AppState;
use crate::db::hub_grants;
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::http::json::ApiJson;
use crate::hub_access::{decide, detail};
use crate::openapi::responses::ValidationFailed;
use crate::validate;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CanCallParams {
    /// Hub user id.
    pub user: Option<String>,
    /// MCP server id or name.
    pub server: Option<String>,
    /// Tool name.
    pub tool: Option<String>,
}

/// May this hub user call this tool? The hub asks before each tool call. The answer
/// names the rule that decided (`reason`) and says it in a sentence (`detail`); the rules
/// and their order are those of the effective-permissions view.
#[utoipa::path(
    get,
    path = "/api/v1/authz/can-call",
    tag = "users",
    params(CanCallParams),
    responses(
        (status = 200, description = "The decision and its reason", body = CanCall),
        (status = 404, description = "No such user or MCP server", body = omni_types::Problem),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn can_call(
    State(state): State<AppState>,
    Query(params): Query<CanCallParams>,
) -> ApiResult<ApiJson<CanCall>> {
    let mut errors = FieldErrors::new();
    let mut required = |field: &str, raw: Option<&str>, max: usize| match validate::optional_text(raw, max) {
        Ok(Some(v)) => Some(v),
        Ok(None) => {
            errors.entry(field.into()).or_default().push("is required".into());
            None
        }
        Err(m) => {
            errors.entry(field.into()).or_default().push(m);
            None
        }
    };
    let user = required("user", params.user.as_deref(), 64);
    let server = required("server", params.server.as_deref(), 200);
    // The tool name is taken exactly as sent: a server may spell tools with spaces.
    let tool = match params.tool {
        Some(t) if t.is_empty() => {
            errors.entry("tool".into()).or_default().push("is required".into());
            None
        }
        Some(t) if t.chars().count() > 256 || t.contains('\0') => {
            errors
                .entry("tool".into())
                .or_default()
                .push("must be at most 256 characters, without NUL".into());
            None
        }
        Some(t) => Some(t),
        None => {
            errors.entry("tool".into()).or_default().push("is required".into());
            None
        }
    };
    let user = user.and_then(|u| match u.parse::<Uuid>() {
        Ok(id) => Some(id),
        Err(_) => {
            errors
                .entry("user".into())
                .or_default()
                .push("must be a hub user id".into());
            None
        }
    });
    let (Some(user), Some(server), Some(tool), true) = (user, server, tool, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let by_id = server.parse::<Uuid>().ok();
    let key = (by_id, by_id.is_none().then_some(server.as_str()));
    // From memory while the access cache is current, from the database otherwise: the
    // same facts either way, decided by the same rules.
    let (facts, user_exists) = match state.access.snapshot() {
        Some(snapshot) => (snapshot.call_facts(user, key, &tool), snapshot.has_user(user)),
        None => match hub_grants::call_facts(&state.db, user, key, &tool).await? {
            Some(facts) => (Some(facts), true),
            None => (None, hub_grants::user_exists(&state.db, user).await?),
        },
    };
    let Some(facts) = facts else {
        return Err(if user_exists {
            ApiError::NotFound(format!("No MCP server {server}."))
        } else {
            ApiError::NotFound(format!("No hub user {user}."))
        });
    };
    let reason = decide(&facts.caller, &facts.server, &tool, facts.tool);
    Ok(ApiJson(CanCall {
        allowed: reason.allows(),
        reason,
        detail: detail(reason, &facts.server_name, &tool, facts.status_reason.as_deref()),
        user_id: user,
        server_id: facts.server_id,
        tool,
    }))
}
