use axum::extract::State;
use omni_types::orgs::Organization;
use serde_json::json;
use uuid::Uuid;

use super::not_found;
use crate::app::AppState;
use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::orgs;
use crate::error::ApiResult;
use crate::http::client::ClientMeta;
use crate::http::json::{ApiJson, ApiPath};
use crate::openapi::responses::NotFound;

/// One organization. Opening an organization's details is a sensitive read: audited
/// (SPEC AUDIT-2).
#[utoipa::path(
    get,
    path = "/api/v1/organizations/{id}",
    tag = "organizations",
    params(("id" = Uuid, Path, description = "Organization id")),
    responses((status = 200, description = "The organization", body = Organization), (status = 404, response = NotFound))
)]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<ApiJson<Organization>> {
    let mut tx = state.db.begin().await?;
    let org = orgs::get(&mut *tx, id).await?.ok_or_else(|| not_found(id))?;
    let entry = Entry {
        actor: (&principal).into(),
        action: "organization.viewed",
        resource_type: "organization",
        resource_id: Some(id.to_string()),
        details: json!({ "slug": org.slug }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    tx.commit().await?;
    Ok(ApiJson(org))
}
