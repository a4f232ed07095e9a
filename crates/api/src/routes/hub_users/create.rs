use anyhow::Context;
use axum::extract::State;
use axum::http::StatusCode;
use omni_types::hub_users::{CreateHubUser, HubRole, HubUser};
use serde_json::json;
use uuid::Uuid;

use super::{audit_view, validate, write_error};
use crate::app::AppState;
use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::hub_users::{self, Fields};
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::http::client::ClientMeta;
use crate::http::json::ApiJson;
use crate::openapi::responses::{MalformedBody, ValidationFailed};
use crate::routes::orgs::check_exists;

/// Create a hub user. They can call nothing until granted (`PUT …/permissions`).
#[utoipa::path(
    post,
    path = "/api/v1/users",
    tag = "users",
    request_body = CreateHubUser,
    responses(
        (status = 201, description = "Created", body = HubUser),
        (status = 400, response = MalformedBody),
        (status = 409, description = "The email (`errors.email`) or an external id (`errors.external_ids`) is taken in the organization", body = omni_types::Problem),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiJson(body): ApiJson<CreateHubUser>,
) -> ApiResult<(StatusCode, ApiJson<HubUser>)> {
    let mut errors = FieldErrors::new();
    check_exists(&state.db, Some(body.organization_id), &mut errors).await?;
    let draft = Fields {
        name: body.name,
        email: body.email,
        organization_id: body.organization_id,
        role: body.role.unwrap_or(HubRole::Member),
        external_ids: body.external_ids,
        enabled: body.enabled,
    };
    let fields = validate(draft, &mut errors);
    let Some(fields) = fields.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let id = Uuid::now_v7();
    let mut tx = state.db.begin().await?;
    hub_users::insert(&mut tx, id, &fields).await.map_err(write_error)?;
    let user = hub_users::get(&mut *tx, id).await?.context("user just created")?;
    let entry = Entry {
        actor: (&principal).into(),
        action: "hub_user.created",
        resource_type: "hub_user",
        resource_id: Some(id.to_string()),
        details: json!({ "after": audit_view(&user) }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, ApiJson(user)))
}
