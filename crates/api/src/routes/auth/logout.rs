use axum::extract::State;
use axum::http::StatusCode;
use axum_extra::extract::CookieJar;
use omni_types::paths::REFRESH_COOKIE;
use serde_json::json;

use crate::app::AppState;
use crate::auth::refresh;
use crate::db::audit::{self, Actor, Entry, actions};
use crate::db::{admins, refresh_tokens};
use crate::error::ApiResult;
use crate::http::client::ClientMeta;

/// Sign out: revoke the session behind the refresh cookie and clear it.
///
/// Works with the cookie alone, so an expired access token does not stop a sign-out.
/// Idempotent: without a (valid) cookie it still answers 204.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "auth",
    params(("omni_refresh" = Option<String>, Cookie, description = "Refresh token set by sign-in")),
    responses((status = 204, description = "Signed out; the refresh cookie is cleared"))
)]
pub async fn logout(
    State(state): State<AppState>,
    meta: ClientMeta,
    jar: CookieJar,
) -> ApiResult<(CookieJar, StatusCode)> {
    if let Some(token) = jar
        .get(REFRESH_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
    {
        let mut tx = state.db.begin().await?;
        if let Some(stored) = refresh_tokens::find_for_update(&mut *tx, &refresh::hash(&token)).await? {
            let revoked = refresh_tokens::revoke_family(&mut *tx, stored.family_id).await?;
            if revoked > 0 {
                let email = admins::me(&mut *tx, stored.admin_id)
                    .await?
                    .map(|m| m.email)
                    .unwrap_or_default();
                let entry = Entry {
                    actor: Actor::Admin {
                        id: stored.admin_id,
                        email,
                    },
                    action: actions::LOGOUT,
                    resource_type: "session",
                    resource_id: Some(stored.family_id.to_string()),
                    details: json!({}),
                };
                audit::record(&mut *tx, entry, &meta).await?;
            }
        }
        tx.commit().await?;
    }
    Ok((jar.add(refresh::clear(&state)), StatusCode::NO_CONTENT))
}
