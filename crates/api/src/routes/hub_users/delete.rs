use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;
use uuid::Uuid;

use super::{audit_view, not_found};
use crate::app::AppState;
use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::{hub_grants, hub_users};
use crate::error::ApiResult;
use crate::http::client::ClientMeta;
use crate::http::json::ApiPath;
use crate::openapi::responses::NotFound;

/// Delete a hub user and their grants.
#[utoipa::path(
    delete,
    path = "/api/v1/users/{id}",
    tag = "users",
    params(("id" = Uuid, Path, description = "Hub user id")),
    responses((status = 204, description = "Deleted"), (status = 404, response = NotFound))
)]
pub async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.begin().await?;
    if !hub_users::lock(&mut tx, id).await? {
        return Err(not_found(id));
    }
    let user = hub_users::get(&mut *tx, id).await?.ok_or_else(|| not_found(id))?;
    let grants = hub_grants::list(&mut *tx, id).await?;
    hub_users::delete(&mut tx, id).await?;
    let grants: Vec<_> = grants
        .iter()
        .map(|g| json!({ "server_id": g.server_id, "server_name": g.server_name, "tools": g.tools }))
        .collect();
    let entry = Entry {
        actor: (&principal).into(),
        action: "hub_user.deleted",
        resource_type: "hub_user",
        resource_id: Some(id.to_string()),
        details: json!({ "before": audit_view(&user), "grants": grants }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
