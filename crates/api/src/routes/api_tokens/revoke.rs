use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::Principal;
use crate::db::api_tokens;
use crate::db::audit::{self, Entry};
use crate::error::{ApiError, ApiResult};
use crate::http::client::ClientMeta;
use crate::http::json::ApiPath;
use crate::openapi::responses::NotFound;

/// Revoke one of your API tokens; it stops working at once. Revoking twice is fine.
#[utoipa::path(
    delete,
    path = "/api/v1/api-tokens/{id}",
    tag = "api-tokens",
    params(("id" = Uuid, Path, description = "Token id")),
    responses((status = 204, description = "Revoked"), (status = 404, response = NotFound))
)]
pub async fn revoke(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.begin().await?;
    // Someone else's token is as invisible as a missing one.
    let token = match api_tokens::get(&mut *tx, id).await? {
        Some((owner, token)) if owner == principal.admin_id => token,
        _ => return Err(ApiError::NotFound(format!("No API token {id}."))),
    };
    if api_tokens::revoke(&mut *tx, id).await? {
        let entry = Entry {
            actor: (&principal).into(),
            action: "api_token.revoked",
            resource_type: "api_token",
            resource_id: Some(id.to_string()),
            details: json!({ "name": token.name, "prefix": token.prefix }),
        };
        audit::record(&mut *tx, entry, &meta).await?;
    }
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
