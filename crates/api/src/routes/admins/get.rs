use axum::extract::State;
use omni_types::admins::Admin;
use uuid::Uuid;

use crate::app::AppState;
use crate::db::admins;
use crate::error::{ApiError, ApiResult};
use crate::http::json::{ApiJson, ApiPath};
use crate::openapi::responses::NotFound;

/// One admin, with roles.
#[utoipa::path(
    get,
    path = "/api/v1/admins/{id}",
    tag = "admins",
    params(("id" = Uuid, Path, description = "Admin id")),
    responses((status = 200, description = "The admin", body = Admin), (status = 404, response = NotFound))
)]
pub async fn get(State(state): State<AppState>, ApiPath(id): ApiPath<Uuid>) -> ApiResult<ApiJson<Admin>> {
    admins::get(&state.db, id)
        .await?
        .map(ApiJson)
        .ok_or_else(|| ApiError::NotFound(format!("No admin {id}.")))
}
