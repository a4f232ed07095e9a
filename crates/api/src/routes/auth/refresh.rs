use anyhow::Context;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use omni_types::auth::TokenResponse;
use omni_types::paths::REFRESH_COOKIE;
use serde_json::json;

use crate::app::AppState;
use crate::auth::refresh;
use crate::db::audit::{self, Actor, Entry, actions};
use crate::db::{admins, refresh_tokens};
use crate::error::{ApiError, ApiResult};
use crate::http::client::ClientMeta;
use crate::http::json::ApiJson;
use crate::openapi::responses::Unauthenticated;

/// Exchange the refresh cookie for a new access token.
///
/// The refresh token rotates: the response sets a new cookie and the old token is spent.
/// Presenting a spent token again is treated as theft: the whole session is revoked.
#[utoipa::path(
    post,
    path = "/api/v1/auth/refresh",
    tag = "auth",
    params(("omni_refresh" = String, Cookie, description = "Refresh token set by sign-in")),
    responses(
        (status = 200, description = "New access token; `Set-Cookie` carries the next refresh token", body = TokenResponse),
        (status = 401, response = Unauthenticated),
    )
)]
pub async fn refresh(State(state): State<AppState>, meta: ClientMeta, jar: CookieJar) -> Response {
    match rotate(&state, &meta, &jar).await {
        Ok((cookie, body)) => (jar.add(cookie), ApiJson(body)).into_response(),
        // Whatever went wrong, a cookie that did not work is useless: drop it.
        Err(e @ ApiError::Unauthenticated(_)) => (jar.add(refresh::clear(&state)), e).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn rotate(
    state: &AppState,
    meta: &ClientMeta,
    jar: &CookieJar,
) -> ApiResult<(axum_extra::extract::cookie::Cookie<'static>, TokenResponse)> {
    let token = jar
        .get(REFRESH_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
        .ok_or(ApiError::Unauthenticated("No session: sign in."))?;
    let mut tx = state.db.begin().await?;
    let stored = refresh_tokens::find_for_update(&mut *tx, &refresh::hash(&token))
        .await?
        .ok_or(ApiError::Unauthenticated("The session is unknown: sign in."))?;

    if stored.used_at.is_some() || stored.revoked_at.is_some() {
        let revoked = refresh_tokens::revoke_family(&mut *tx, stored.family_id).await?;
        if stored.used_at.is_some() {
            let email = admins::me(&mut *tx, stored.admin_id)
                .await?
                .map(|m| m.email)
                .unwrap_or_default();
            let entry = Entry {
                actor: Actor::Admin {
                    id: stored.admin_id,
                    email,
                },
                action: actions::REFRESH_REUSE,
                resource_type: "session",
                resource_id: Some(stored.family_id.to_string()),
                details: json!({ "revoked_tokens": revoked }),
            };
            audit::record(&mut *tx, entry, meta).await?;
            tracing::warn!(admin_id = %stored.admin_id, session = %stored.family_id, "refresh token reuse: session revoked");
        }
        tx.commit().await?;
        return Err(ApiError::Unauthenticated("The session has ended: sign in again."));
    }
    if stored.expires_at <= chrono::Utc::now() {
        return Err(ApiError::Unauthenticated("The session has expired: sign in again."));
    }
    let Some(me) = admins::me(&mut *tx, stored.admin_id).await? else {
        return Err(ApiError::Unauthenticated("The account no longer exists."));
    };
    let login = admins::find_for_login(&mut *tx, &me.email)
        .await?
        .context("admin row")?;
    if login.disabled {
        refresh_tokens::revoke_family(&mut *tx, stored.family_id).await?;
        tx.commit().await?;
        return Err(ApiError::Unauthenticated("The account is disabled."));
    }
    refresh_tokens::mark_used(&mut *tx, stored.id).await?;
    let cookie = refresh::issue(&mut tx, state, stored.admin_id, stored.family_id, meta).await?;
    tx.commit().await?;
    Ok((cookie, super::token_response(state, me, stored.family_id)?))
}
