use axum::extract::{Query, State};
use omni_types::Permission;
use omni_types::admins::AuthzDecision;
use serde::Deserialize;
use uuid::Uuid;

use crate::app::AppState;
use crate::db::admins;
use crate::error::{ApiError, ApiResult};
use crate::http::json::ApiJson;
use crate::openapi::responses::{NotFound, ValidationFailed};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CheckParams {
    /// Admin id.
    pub admin: Option<String>,
    /// Permission name, e.g. `mcp:write`.
    pub permission: Option<String>,
}

/// Whether an admin holds a permission, and through which roles.
#[utoipa::path(
    get,
    path = "/api/v1/authz/check",
    tag = "admins",
    params(CheckParams),
    responses(
        (status = 200, description = "The decision and its reason", body = AuthzDecision),
        (status = 404, response = NotFound),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn check(
    State(state): State<AppState>,
    Query(params): Query<CheckParams>,
) -> ApiResult<ApiJson<AuthzDecision>> {
    let mut errors = crate::error::FieldErrors::new();
    let admin_id = match params.admin.as_deref().map(str::trim) {
        None | Some("") => {
            errors.insert("admin".into(), vec!["is required".into()]);
            None
        }
        Some(raw) => raw
            .parse::<Uuid>()
            .map_err(|_| errors.insert("admin".into(), vec!["is not an id".into()]))
            .ok(),
    };
    let permission = match params.permission.as_deref().map(str::trim) {
        None | Some("") => {
            errors.insert("permission".into(), vec!["is required".into()]);
            None
        }
        Some(raw) => raw
            .parse::<Permission>()
            .map_err(|e| errors.insert("permission".into(), vec![e.to_string()]))
            .ok(),
    };
    let (Some(admin_id), Some(permission)) = (admin_id, permission) else {
        return Err(ApiError::Validation(errors));
    };
    let admin = admins::get(&state.db, admin_id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("No admin {admin_id}.")))?;
    let granted_by = admins::granting_roles(&state.db, admin_id, permission.as_str()).await?;
    let (allowed, reason) = if admin.disabled {
        (
            false,
            "The admin is disabled: disabled admins can do nothing.".to_owned(),
        )
    } else if granted_by.is_empty() {
        (
            false,
            format!(
                "None of the admin's roles ({}) grants `{permission}`.",
                admin.roles.join(", ")
            ),
        )
    } else {
        (true, format!("Granted by the role(s): {}.", granted_by.join(", ")))
    };
    Ok(ApiJson(AuthzDecision {
        admin_id,
        permission: permission.as_str().to_owned(),
        allowed,
        granted_by: if allowed { granted_by } else { Vec::new() },
        reason,
    }))
}
