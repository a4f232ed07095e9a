use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::{admins, mfa};
use crate::error::{ApiError, ApiResult};
use crate::http::client::ClientMeta;
use crate::http::json::ApiPath;
use crate::openapi::responses::NotFound;

/// Reset another admin's MFA (lost phone): removes their authenticator and backup codes
/// and ends their sessions. They enrol again after signing in with their password.
#[utoipa::path(
    delete,
    path = "/api/v1/admins/{id}/mfa",
    tag = "admins",
    params(("id" = Uuid, Path, description = "Admin id")),
    responses(
        (status = 204, description = "Reset"),
        (status = 404, response = NotFound),
        (status = 422, description = "Your own MFA: use a backup code instead", body = omni_types::Problem),
    )
)]
pub async fn reset_mfa(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    if id == principal.admin_id {
        return Err(ApiError::invalid("id", "another owner must reset your MFA"));
    }
    let mut tx = state.db.begin().await?;
    if !admins::lock(&mut tx, id).await? {
        return Err(ApiError::NotFound(format!("No admin {id}.")));
    }
    let removed = mfa::remove(&mut tx, id).await?;
    let revoked = admins::revoke_sessions(&mut *tx, id).await?;
    let entry = Entry {
        actor: (&principal).into(),
        action: "mfa.reset",
        resource_type: "admin",
        resource_id: Some(id.to_string()),
        details: json!({ "had_mfa": removed, "revoked_sessions": revoked }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
