use axum::extract::State;
use omni_types::rbac::Role;
use uuid::Uuid;

use crate::app::AppState;
use crate::db::roles;
use crate::error::{ApiError, ApiResult};
use crate::http::json::{ApiJson, ApiPath};
use crate::openapi::responses::NotFound;

/// One role with its permissions.
#[utoipa::path(
    get,
    path = "/api/v1/roles/{id}",
    tag = "rbac",
    params(("id" = Uuid, Path, description = "Role id")),
    responses((status = 200, description = "The role", body = Role), (status = 404, response = NotFound))
)]
pub async fn get(State(state): State<AppState>, ApiPath(id): ApiPath<Uuid>) -> ApiResult<ApiJson<Role>> {
    roles::get(&state.db, id)
        .await?
        .map(ApiJson)
        .ok_or_else(|| ApiError::NotFound(format!("No role {id}.")))
}
