//! `/api/v1/auth/*`: sign-in, silent refresh, sign-out, and who am I (SPEC AUTH-1..3).

pub mod login;
pub mod logout;
pub mod me;
pub mod mfa;
pub mod password;
pub mod refresh;

use omni_types::auth::{Me, TokenResponse};
use uuid::Uuid;

use crate::app::AppState;
use crate::error::ApiResult;

/// The body every successful sign-in or refresh returns.
pub(crate) fn token_response(state: &AppState, admin: Me, session_id: Uuid) -> ApiResult<TokenResponse> {
    Ok(TokenResponse {
        access_token: state.jwt.issue(admin.id, session_id)?,
        token_type: "Bearer".into(),
        expires_in: state.jwt.ttl().as_secs(),
        admin,
    })
}
