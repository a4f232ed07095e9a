use axum::extract::State;
use omni_types::hub_users::HubUser;
use uuid::Uuid;

use super::not_found;
use crate::app::AppState;
use crate::db::hub_users;
use crate::error::ApiResult;
use crate::http::json::{ApiJson, ApiPath};
use crate::openapi::responses::NotFound;

/// One hub user.
#[utoipa::path(
    get,
    path = "/api/v1/users/{id}",
    tag = "users",
    params(("id" = Uuid, Path, description = "Hub user id")),
    responses((status = 200, description = "The user", body = HubUser), (status = 404, response = NotFound))
)]
pub async fn get(State(state): State<AppState>, ApiPath(id): ApiPath<Uuid>) -> ApiResult<ApiJson<HubUser>> {
    hub_users::get(&state.db, id)
        .await?
        .map(ApiJson)
        .ok_or_else(|| not_found(id))
}
