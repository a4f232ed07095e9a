use anyhow::Context;
use axum::extract::State;
use omni_types::hub_users::{HubUser, UpdateHubUser};
use serde_json::json;
use uuid::Uuid;

use super::{audit_view, not_found, validate, write_error};
use crate::app::AppState;
use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::hub_users::{self, Fields};
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::http::client::ClientMeta;
use crate::http::json::{ApiJson, ApiPath};
use crate::openapi::responses::{MalformedBody, NotFound, ValidationFailed};
use crate::routes::orgs::check_exists;

/// Change a hub user: only the fields present change. `enabled: false` stops every call
/// at once (`can-call` answers `user_disabled`).
#[utoipa::path(
    patch,
    path = "/api/v1/users/{id}",
    tag = "users",
    params(("id" = Uuid, Path, description = "Hub user id")),
    request_body = UpdateHubUser,
    responses(
        (status = 200, description = "The user as they now are", body = HubUser),
        (status = 400, response = MalformedBody),
        (status = 404, response = NotFound),
        (status = 409, description = "The email (`errors.email`) or an external id (`errors.external_ids`) is taken in the organization", body = omni_types::Problem),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(patch): ApiJson<UpdateHubUser>,
) -> ApiResult<ApiJson<HubUser>> {
    let mut tx = state.db.begin().await?;
    if !hub_users::lock(&mut tx, id).await? {
        return Err(not_found(id));
    }
    let before = hub_users::get(&mut *tx, id).await?.ok_or_else(|| not_found(id))?;
    let mut errors = FieldErrors::new();
    let moved_to = patch.organization_id.filter(|org| *org != before.organization.id);
    check_exists(&mut *tx, moved_to, &mut errors).await?;
    let draft = Fields {
        name: patch.name.unwrap_or_else(|| before.name.clone()),
        email: patch.email.unwrap_or_else(|| before.email.clone()),
        organization_id: patch.organization_id.unwrap_or(before.organization.id),
        role: patch.role.unwrap_or(before.role),
        external_ids: patch.external_ids.unwrap_or_else(|| before.external_ids.clone()),
        enabled: patch.enabled.unwrap_or(before.enabled),
    };
    let fields = validate(draft, &mut errors);
    let Some(fields) = fields.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let grants_dropped = hub_users::update(&mut tx, id, &fields).await.map_err(write_error)?;
    let after = hub_users::get(&mut *tx, id).await?.context("user just updated")?;
    let action = match (before.enabled, after.enabled) {
        (true, false) => "hub_user.disabled",
        (false, true) => "hub_user.enabled",
        _ => "hub_user.updated",
    };
    let entry = Entry {
        actor: (&principal).into(),
        action,
        resource_type: "hub_user",
        resource_id: Some(id.to_string()),
        details: json!({ "before": audit_view(&before), "after": audit_view(&after), "grants_dropped": grants_dropped }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    tx.commit().await?;
    Ok(ApiJson(after))
}
