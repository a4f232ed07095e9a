use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;
use uuid::Uuid;

use super::{audit_view, not_found};
use crate::app::AppState;
use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::orgs;
use crate::error::{ApiError, ApiResult};
use crate::http::client::ClientMeta;
use crate::http::json::ApiPath;
use crate::openapi::responses::NotFound;

/// Delete an organization with its hub users and their grants (`GET …/impact` counts
/// them). Refused while it owns MCP servers: reassign or delete them first.
#[utoipa::path(
    delete,
    path = "/api/v1/organizations/{id}",
    tag = "organizations",
    params(("id" = Uuid, Path, description = "Organization id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, response = NotFound),
        (status = 409, description = "The organization owns MCP servers (`errors.servers`)", body = omni_types::Problem),
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.begin().await?;
    if !orgs::lock(&mut tx, id).await? {
        return Err(not_found(id));
    }
    let org = orgs::get(&mut *tx, id).await?.ok_or_else(|| not_found(id))?;
    let impact = orgs::impact(&mut *tx, id).await?.ok_or_else(|| not_found(id))?;
    if impact.server_count > 0 {
        return Err(ApiError::Conflict {
            field: "servers".into(),
            message: format!(
                "the organization owns {} MCP server(s): reassign or delete them first",
                impact.server_count
            ),
        });
    }
    orgs::delete(&mut tx, id).await?;
    let entry = Entry {
        actor: (&principal).into(),
        action: "organization.deleted",
        resource_type: "organization",
        resource_id: Some(id.to_string()),
        details: json!({ "before": audit_view(&org), "impact": impact }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
