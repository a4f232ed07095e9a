use anyhow::Context;
use axum::extract::State;
use omni_types::Permission;
use omni_types::permissions::roles::OWNER;
use omni_types::rbac::{Role, UpdateRole};
use serde_json::json;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::roles;
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::http::client::ClientMeta;
use crate::http::json::{ApiJson, ApiPath};
use crate::openapi::responses::{MalformedBody, NotFound, ValidationFailed};

/// Edit a role: name and description (custom roles), permissions, MFA requirement.
///
/// Built-in roles keep their names; the owner role keeps every permission, so the
/// console always has someone who can do everything.
#[utoipa::path(
    patch,
    path = "/api/v1/roles/{id}",
    tag = "rbac",
    params(("id" = Uuid, Path, description = "Role id")),
    request_body = UpdateRole,
    responses(
        (status = 200, description = "The updated role", body = Role),
        (status = 400, response = MalformedBody),
        (status = 404, response = NotFound),
        (status = 409, description = "The new name is taken", body = omni_types::Problem),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<UpdateRole>,
) -> ApiResult<ApiJson<Role>> {
    let mut errors = FieldErrors::new();
    let name = body.name.as_deref().map(|n| super::check_name(n, &mut errors));
    let description = body
        .description
        .as_deref()
        .map(|d| super::check_description(d, &mut errors));
    let permissions = body
        .permissions
        .as_deref()
        .map(|p| super::check_permissions(p, &mut errors));
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut tx = state.db.begin().await?;
    if !roles::lock(&mut tx, id).await? {
        return Err(ApiError::NotFound(format!("No role {id}.")));
    }
    let before = roles::get(&mut *tx, id).await?.context("locked role")?;
    if before.built_in && name.as_ref().is_some_and(|n| *n != before.name) {
        return Err(ApiError::invalid("name", "built-in roles cannot be renamed"));
    }
    if before.name == OWNER && permissions.as_ref().is_some_and(|p| p.len() != Permission::ALL.len()) {
        return Err(ApiError::invalid(
            "permissions",
            "the owner role keeps every permission",
        ));
    }
    if !roles::update(&mut tx, id, name.as_deref(), description.as_deref(), body.mfa_required).await? {
        return Err(ApiError::Conflict {
            field: "name".into(),
            message: "a role with this name already exists".into(),
        });
    }
    if let Some(permissions) = &permissions {
        roles::set_permissions(&mut tx, id, permissions).await?;
    }
    let after = roles::get(&mut *tx, id).await?.context("updated role")?;
    let entry = Entry {
        actor: (&principal).into(),
        action: "role.updated",
        resource_type: "role",
        resource_id: Some(id.to_string()),
        details: json!({ "before": super::create::snapshot(&before), "after": super::create::snapshot(&after) }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    tx.commit().await?;
    Ok(ApiJson(after))
}
