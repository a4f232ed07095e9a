//! Suspend and activate (SPEC ORG-3): each with a reason, kept in the status history.

use anyhow::Context;
use axum::extract::{Query, State};
use omni_types::Page;
use omni_types::orgs::{ChangeOrgStatus, OrgStatus, OrgStatusChange, Organization};
use serde_json::json;
use uuid::Uuid;

use super::{audit_view, not_found};
use crate::app::AppState;
use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::orgs;
use crate::error::{ApiError, ApiResult};
use crate::http::client::ClientMeta;
use crate::http::json::{ApiJson, ApiPath};
use crate::http::pagination::{PageParams, page};
use crate::openapi::responses::{MalformedBody, NotFound, ValidationFailed};
use crate::validate;

/// Suspend an organization: its users can call nothing and its usage events are refused
/// until it is activated.
#[utoipa::path(
    post,
    path = "/api/v1/organizations/{id}/suspend",
    tag = "organizations",
    params(("id" = Uuid, Path, description = "Organization id")),
    request_body = ChangeOrgStatus,
    responses(
        (status = 200, description = "The organization, suspended", body = Organization),
        (status = 400, response = MalformedBody),
        (status = 404, response = NotFound),
        (status = 409, description = "Already suspended (`errors.status`)", body = omni_types::Problem),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn suspend(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ChangeOrgStatus>,
) -> ApiResult<ApiJson<Organization>> {
    change(&state, &principal, &meta, id, OrgStatus::Suspended, &body.reason).await
}

/// Activate a suspended organization.
#[utoipa::path(
    post,
    path = "/api/v1/organizations/{id}/activate",
    tag = "organizations",
    params(("id" = Uuid, Path, description = "Organization id")),
    request_body = ChangeOrgStatus,
    responses(
        (status = 200, description = "The organization, active", body = Organization),
        (status = 400, response = MalformedBody),
        (status = 404, response = NotFound),
        (status = 409, description = "Already active (`errors.status`)", body = omni_types::Problem),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn activate(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ChangeOrgStatus>,
) -> ApiResult<ApiJson<Organization>> {
    change(&state, &principal, &meta, id, OrgStatus::Active, &body.reason).await
}

async fn change(
    state: &AppState,
    principal: &Principal,
    meta: &ClientMeta,
    id: Uuid,
    status: OrgStatus,
    reason: &str,
) -> ApiResult<ApiJson<Organization>> {
    let reason = match validate::optional_text(Some(reason), 500) {
        Ok(Some(reason)) => reason,
        Ok(None) => return Err(ApiError::invalid("reason", "is required")),
        Err(m) => return Err(ApiError::invalid("reason", m)),
    };
    let mut tx = state.db.begin().await?;
    if !orgs::lock(&mut tx, id).await? {
        return Err(not_found(id));
    }
    let before = orgs::get(&mut *tx, id).await?.ok_or_else(|| not_found(id))?;
    if before.status == status {
        return Err(ApiError::Conflict {
            field: "status".into(),
            message: format!("the organization is already {status}"),
        });
    }
    orgs::set_status(&mut tx, id, status, &reason, Some(principal.admin_id)).await?;
    let after = orgs::get(&mut *tx, id).await?.context("organization just changed")?;
    let action = match status {
        OrgStatus::Suspended => "organization.suspended",
        OrgStatus::Active => "organization.activated",
    };
    let entry = Entry {
        actor: principal.into(),
        action,
        resource_type: "organization",
        resource_id: Some(id.to_string()),
        details: json!({ "reason": reason, "before": audit_view(&before), "after": audit_view(&after) }),
    };
    audit::record(&mut *tx, entry, meta).await?;
    tx.commit().await?;
    Ok(ApiJson(after))
}

/// The organization's suspensions and activations, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/organizations/{id}/status-history",
    tag = "organizations",
    params(("id" = Uuid, Path, description = "Organization id"), PageParams),
    responses(
        (status = 200, description = "One page of status changes", body = Page<OrgStatusChange>),
        (status = 404, response = NotFound),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn history(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    Query(params): Query<PageParams>,
) -> ApiResult<ApiJson<Page<OrgStatusChange>>> {
    let limit = params.limit()?;
    let after = params.after()?;
    if orgs::reference(&state.db, id).await?.is_none() {
        return Err(not_found(id));
    }
    let rows = orgs::status_history(&state.db, id, after, i64::from(limit) + 1).await?;
    Ok(ApiJson(page(rows, limit, |c| (c.changed_at, c.id))))
}
