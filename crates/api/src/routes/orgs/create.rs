use anyhow::Context;
use axum::extract::State;
use axum::http::StatusCode;
use omni_types::orgs::{CreateOrganization, Organization, Plan};
use serde_json::json;
use uuid::Uuid;

use super::{audit_view, validate, write_error};
use crate::app::AppState;
use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::orgs::{self, Fields};
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::http::client::ClientMeta;
use crate::http::json::ApiJson;
use crate::openapi::responses::{MalformedBody, ValidationFailed};

/// Create an organization (active).
#[utoipa::path(
    post,
    path = "/api/v1/organizations",
    tag = "organizations",
    request_body = CreateOrganization,
    responses(
        (status = 201, description = "Created", body = Organization),
        (status = 400, response = MalformedBody),
        (status = 409, description = "An organization with this slug exists (`errors.slug`)", body = omni_types::Problem),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiJson(body): ApiJson<CreateOrganization>,
) -> ApiResult<(StatusCode, ApiJson<Organization>)> {
    let mut errors = FieldErrors::new();
    let draft = Fields {
        name: body.name,
        slug: body.slug,
        plan: body.plan.unwrap_or(Plan::Free),
        settings: body.settings,
    };
    let mut tx = state.db.begin().await?;
    let Some(fields) = validate(&mut tx, draft, &mut errors).await? else {
        return Err(ApiError::Validation(errors));
    };
    let id = Uuid::now_v7();
    orgs::insert(&mut tx, id, &fields).await.map_err(write_error)?;
    let org = orgs::get(&mut *tx, id).await?.context("organization just created")?;
    let entry = Entry {
        actor: (&principal).into(),
        action: "organization.created",
        resource_type: "organization",
        resource_id: Some(id.to_string()),
        details: json!({ "after": audit_view(&org) }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, ApiJson(org)))
}
