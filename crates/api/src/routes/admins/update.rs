use anyhow::Context;
use axum::extract::State;
use omni_types::admins::{Admin, UpdateAdmin};
use omni_types::permissions::roles::OWNER;
use serde_json::json;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::Principal;
use crate::db::admins::{self, CreateError};
use crate::db::audit::{self, Entry};
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::http::client::ClientMeta;
use crate::http::json::{ApiJson, ApiPath};
use crate::openapi::responses::{MalformedBody, NotFound, ValidationFailed};
use crate::validate;

/// Rename, disable/enable, or set the roles of an admin.
///
/// The last enabled owner cannot be disabled or lose the owner role (409), and nobody
/// can disable themselves. Disabling ends the admin's sessions at once.
#[utoipa::path(
    patch,
    path = "/api/v1/admins/{id}",
    tag = "admins",
    params(("id" = Uuid, Path, description = "Admin id")),
    request_body = UpdateAdmin,
    responses(
        (status = 200, description = "The updated admin", body = Admin),
        (status = 400, response = MalformedBody),
        (status = 404, response = NotFound),
        (status = 409, description = "Would leave no enabled owner", body = omni_types::Problem),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<UpdateAdmin>,
) -> ApiResult<ApiJson<Admin>> {
    let mut errors = FieldErrors::new();
    let display_name = body.display_name.as_deref().and_then(|raw| {
        validate::display_name(raw)
            .map_err(|m| errors.entry("display_name".into()).or_default().push(m.into()))
            .ok()
    });
    let roles = body.roles.as_deref().map(|r| super::check_roles(r, &mut errors));
    if body.disabled == Some(true) && id == principal.admin_id {
        errors
            .entry("disabled".into())
            .or_default()
            .push("you cannot disable yourself".into());
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }

    let mut tx = state.db.begin().await?;
    admins::lock_owners(&mut tx).await?;
    if !admins::lock(&mut tx, id).await? {
        return Err(ApiError::NotFound(format!("No admin {id}.")));
    }
    let before = admins::get(&mut *tx, id).await?.context("locked admin")?;

    let stays_owner = roles.as_ref().map_or(before.roles.iter().any(|r| r == OWNER), |r| {
        r.iter().any(|r| r == OWNER)
    });
    let stays_enabled = body.disabled.map_or(!before.disabled, |d| !d);
    let was_enabled_owner = !before.disabled && before.roles.iter().any(|r| r == OWNER);
    if was_enabled_owner && !(stays_owner && stays_enabled) && admins::other_enabled_owners(&mut tx, id).await? == 0 {
        return Err(ApiError::Conflict {
            field: if stays_enabled { "roles" } else { "disabled" }.into(),
            message: "this is the last enabled owner; make another admin owner first".into(),
        });
    }

    admins::update(&mut tx, id, display_name.as_deref(), body.disabled).await?;
    if let Some(roles) = &roles {
        admins::set_roles(&mut tx, id, roles, Some(principal.admin_id))
            .await
            .map_err(|e| match e {
                CreateError::UnknownRole(name) => ApiError::invalid("roles", format!("no role named `{name}`")),
                CreateError::EmailTaken => ApiError::Internal(anyhow::anyhow!("email conflict while setting roles")),
                CreateError::Db(e) => e.into(),
            })?;
    }
    if body.disabled == Some(true) && !before.disabled {
        admins::revoke_sessions(&mut *tx, id).await?;
    }
    let after = admins::get(&mut *tx, id).await?.context("updated admin")?;
    let action = match (before.disabled, after.disabled) {
        (false, true) => "admin.disabled",
        (true, false) => "admin.enabled",
        _ => "admin.updated",
    };
    let snapshot = |a: &Admin| json!({ "display_name": a.display_name, "disabled": a.disabled, "roles": a.roles });
    let entry = Entry {
        actor: (&principal).into(),
        action,
        resource_type: "admin",
        resource_id: Some(id.to_string()),
        details: json!({ "email": after.email, "before": snapshot(&before), "after": snapshot(&after) }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    tx.commit().await?;
    Ok(ApiJson(after))
}
