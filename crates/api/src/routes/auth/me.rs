use axum::extract::State;
use omni_types::auth::Me;

use crate::app::AppState;
use crate::auth::Principal;
use crate::db::admins;
use crate::error::{ApiError, ApiResult};
use crate::http::json::ApiJson;

/// The signed-in admin: profile, roles and effective permissions.
#[utoipa::path(
    get,
    path = "/api/v1/auth/me",
    tag = "auth",
    responses((status = 200, description = "The signed-in admin", body = Me))
)]
pub async fn me(State(state): State<AppState>, principal: Principal) -> ApiResult<ApiJson<Me>> {
    admins::me(&state.db, principal.admin_id)
        .await?
        .map(ApiJson)
        .ok_or(ApiError::Unauthenticated("The account no longer exists."))
}
