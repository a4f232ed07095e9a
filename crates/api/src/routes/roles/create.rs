use anyhow::Context;
use axum::extract::State;
use axum::http::StatusCode;
use omni_types::rbac::{CreateRole, Role};
use serde_json::json;

use crate::app::AppState;
use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::roles;
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::http::client::ClientMeta;
use crate::http::json::ApiJson;
use crate::openapi::responses::{MalformedBody, ValidationFailed};

/// Create a custom role from the permission catalogue.
#[utoipa::path(
    post,
    path = "/api/v1/roles",
    tag = "rbac",
    request_body = CreateRole,
    responses(
        (status = 201, description = "Created", body = Role),
        (status = 400, response = MalformedBody),
        (status = 409, description = "A role with this name exists", body = omni_types::Problem),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiJson(body): ApiJson<CreateRole>,
) -> ApiResult<(StatusCode, ApiJson<Role>)> {
    let mut errors = FieldErrors::new();
    let name = super::check_name(&body.name, &mut errors);
    let description = super::check_description(&body.description, &mut errors);
    let permissions = super::check_permissions(&body.permissions, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut tx = state.db.begin().await?;
    let id = roles::create(&mut tx, &name, &description, body.mfa_required, &permissions)
        .await?
        .ok_or_else(|| ApiError::Conflict {
            field: "name".into(),
            message: "a role with this name already exists".into(),
        })?;
    let role = roles::get(&mut *tx, id).await?.context("role just created")?;
    let entry = Entry {
        actor: (&principal).into(),
        action: "role.created",
        resource_type: "role",
        resource_id: Some(id.to_string()),
        details: json!({ "after": snapshot(&role) }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, ApiJson(role)))
}

/// The audited fields of a role.
pub(super) fn snapshot(role: &Role) -> serde_json::Value {
    json!({ "name": role.name, "description": role.description, "permissions": role.permissions,
            "mfa_required": role.mfa_required })
}
