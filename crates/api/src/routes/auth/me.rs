use axum::extract::State;
use omni_types::auth::Me;

use crate::app::AppState;
use crate::auth::Principal;
use crate::auth::principal::Credential;
use crate::db::admins;
use crate::error::{ApiError, ApiResult};
use crate::http::json::ApiJson;

/// The signed-in admin: profile, roles and effective permissions. With an API token: the
/// token's creator, and the permissions the token may use.
#[utoipa::path(
    get,
    path = "/api/v1/auth/me",
    tag = "auth",
    responses((status = 200, description = "The signed-in admin", body = Me))
)]
pub async fn me(State(state): State<AppState>, principal: Principal) -> ApiResult<ApiJson<Me>> {
    let mut me = admins::me(&state.db, principal.admin_id)
        .await?
        .ok_or(ApiError::Unauthenticated("The account no longer exists."))?;
    if let Credential::Token { .. } = principal.via {
        // An API token acts as its creator, with only its own scope.
        me.permissions = principal.permissions.iter().map(|p| p.as_str().to_owned()).collect();
    }
    Ok(ApiJson(me))
}
