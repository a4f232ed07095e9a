use axum::extract::State;
use omni_types::auth::PasswordReset;
use secrecy::ExposeSecret;
use serde_json::json;
use uuid::Uuid;

use crate::app::{AppState, generate_password};
use crate::auth::{Principal, password};
use crate::db::admins;
use crate::db::audit::{self, Entry};
use crate::error::{ApiError, ApiResult};
use crate::http::client::ClientMeta;
use crate::http::json::{ApiJson, ApiPath};
use crate::openapi::responses::NotFound;

/// Reset another admin's password to a temporary one, shown once.
///
/// Their sessions end at once, and at the next sign-in they must choose a new password
/// before anything else.
#[utoipa::path(
    post,
    path = "/api/v1/admins/{id}/password-reset",
    tag = "admins",
    params(("id" = Uuid, Path, description = "Admin id")),
    responses(
        (status = 200, description = "The temporary password (shown once)", body = PasswordReset),
        (status = 404, response = NotFound),
        (status = 422, description = "Resetting your own password: change it instead", body = omni_types::Problem),
    )
)]
pub async fn reset_password(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<PasswordReset>> {
    if id == principal.admin_id {
        return Err(ApiError::invalid(
            "id",
            "use PUT /api/v1/auth/password to change your own password",
        ));
    }
    let temporary = generate_password();
    let hash = password::hash(temporary.clone()).await?;
    let mut tx = state.db.begin().await?;
    if !admins::lock(&mut tx, id).await? {
        return Err(ApiError::NotFound(format!("No admin {id}.")));
    }
    admins::set_password(&mut *tx, id, &hash, true).await?;
    let revoked = admins::revoke_sessions(&mut *tx, id).await?;
    let entry = Entry {
        actor: (&principal).into(),
        action: "admin.password_reset",
        resource_type: "admin",
        resource_id: Some(id.to_string()),
        details: json!({ "revoked_sessions": revoked, "must_change_password": true }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    tx.commit().await?;
    Ok(ApiJson(PasswordReset {
        temporary_password: temporary.expose_secret().to_owned(),
    }))
}
