use axum::extract::State;
use omni_types::orgs::OrgDeleteImpact;
use uuid::Uuid;

use super::not_found;
use crate::app::AppState;
use crate::db::orgs;
use crate::error::ApiResult;
use crate::http::json::{ApiJson, ApiPath};
use crate::openapi::responses::NotFound;

/// What deleting the organization would remove, for the confirmation.
#[utoipa::path(
    get,
    path = "/api/v1/organizations/{id}/impact",
    tag = "organizations",
    params(("id" = Uuid, Path, description = "Organization id")),
    responses(
        (status = 200, description = "Counts of what goes with the organization", body = OrgDeleteImpact),
        (status = 404, response = NotFound),
    )
)]
pub async fn impact(State(state): State<AppState>, ApiPath(id): ApiPath<Uuid>) -> ApiResult<ApiJson<OrgDeleteImpact>> {
    orgs::impact(&state.db, id)
        .await?
        .map(ApiJson)
        .ok_or_else(|| not_found(id))
}
