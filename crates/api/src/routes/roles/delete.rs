use anyhow::Context;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::roles;
use crate::error::{ApiError, ApiResult};
use crate::http::client::ClientMeta;
use crate::http::json::ApiPath;
use crate::openapi::responses::NotFound;

/// Delete a custom role nobody holds. Built-in roles cannot be deleted.
#[utoipa::path(
    delete,
    path = "/api/v1/roles/{id}",
    tag = "rbac",
    params(("id" = Uuid, Path, description = "Role id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, response = NotFound),
        (status = 409, description = "Built in, or still held by admins", body = omni_types::Problem),
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.begin().await?;
    if !roles::lock(&mut tx, id).await? {
        return Err(ApiError::NotFound(format!("No role {id}.")));
    }
    let role = roles::get(&mut *tx, id).await?.context("locked role")?;
    if role.built_in {
        return Err(ApiError::Conflict {
            field: "id".into(),
            message: "built-in roles cannot be deleted".into(),
        });
    }
    if role.admin_count > 0 {
        return Err(ApiError::Conflict {
            field: "id".into(),
            message: format!("{} admin(s) hold this role; take it from them first", role.admin_count),
        });
    }
    roles::delete(&mut tx, id).await?;
    let entry = Entry {
        actor: (&principal).into(),
        action: "role.deleted",
        resource_type: "role",
        resource_id: Some(id.to_string()),
        details: json!({ "before": super::create::snapshot(&role) }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
