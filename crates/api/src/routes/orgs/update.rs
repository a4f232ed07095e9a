use anyhow::Context;
use axum::extract::State;
use omni_types::orgs::{Organization, UpdateOrganization};
use serde_json::json;
use uuid::Uuid;

use super::{audit_view, not_found, validate, write_error};
use crate::app::AppState;
use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::orgs::{self, Fields};
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::http::client::ClientMeta;
use crate::http::json::{ApiJson, ApiPath};
use crate::openapi::responses::{MalformedBody, NotFound, ValidationFailed};

/// Change an organization: only the fields present change, within `settings` too (`null`
/// clears an override). Suspend and activate have their own routes (they need a reason).
#[utoipa::path(
    patch,
    path = "/api/v1/organizations/{id}",
    tag = "organizations",
    params(("id" = Uuid, Path, description = "Organization id")),
    request_body = UpdateOrganization,
    responses(
        (status = 200, description = "The organization as it now is", body = Organization),
        (status = 400, response = MalformedBody),
        (status = 404, response = NotFound),
        (status = 409, description = "An organization with this slug exists (`errors.slug`)", body = omni_types::Problem),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(patch): ApiJson<UpdateOrganization>,
) -> ApiResult<ApiJson<Organization>> {
    let mut tx = state.db.begin().await?;
    if !orgs::lock(&mut tx, id).await? {
        return Err(not_found(id));
    }
    let before = orgs::get(&mut *tx, id).await?.ok_or_else(|| not_found(id))?;
    let draft = Fields {
        name: patch.name.unwrap_or_else(|| before.name.clone()),
        slug: patch.slug.unwrap_or_else(|| before.slug.clone()),
        plan: patch.plan.unwrap_or(before.plan),
        settings: match patch.settings {
            Some(changes) => changes.apply(&before.settings),
            None => before.settings.clone(),
        },
    };
    let mut errors = FieldErrors::new();
    let Some(fields) = validate(&mut tx, draft, &mut errors).await? else {
        return Err(ApiError::Validation(errors));
    };
    orgs::update(&mut tx, id, &fields).await.map_err(write_error)?;
    let after = orgs::get(&mut *tx, id).await?.context("organization just updated")?;
    let entry = Entry {
        actor: (&principal).into(),
        action: "organization.updated",
        resource_type: "organization",
        resource_id: Some(id.to_string()),
        details: json!({ "before": audit_view(&before), "after": audit_view(&after) }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    tx.commit().await?;
    Ok(ApiJson(after))
}
