//! Refresh sessions (SPEC AUTH-1): an opaque random token in an HttpOnly cookie, stored
//! as SHA-256, rotated on every use. One sign-in = one family of tokens.

use axum_extra::extract::cookie::{Cookie, SameSite};
use base64::Engine;
use chrono::Utc;
use omni_types::paths::{AUTH_COOKIE_PATH, REFRESH_COOKIE};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::app::AppState;
use crate::db::refresh_tokens::{self, NewToken};
use crate::http::client::ClientMeta;

pub fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Issues a new refresh token in `family_id` and returns its cookie.
pub async fn issue(
    conn: &mut PgConnection,
    state: &AppState,
    admin_id: Uuid,
    family_id: Uuid,
    meta: &ClientMeta,
) -> sqlx::Result<Cookie<'static>> {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let ttl = state.config.refresh_token_ttl;
    let expires_at = Utc::now() + ttl;
    refresh_tokens::insert(
        conn,
        NewToken {
            family_id,
            admin_id,
            token_hash: &hash(&token),
            expires_at,
        },
        meta,
    )
    .await?;
    Ok(cookie(state, token, ttl.as_secs() as i64))
}

/// A cookie that deletes the refresh cookie.
pub fn clear(state: &AppState) -> Cookie<'static> {
    cookie(state, String::new(), 0)
}

fn cookie(state: &AppState, value: String, max_age_seconds: i64) -> Cookie<'static> {
    Cookie::build((REFRESH_COOKIE, value))
        .path(AUTH_COOKIE_PATH)
        .http_only(true)
        .secure(state.config.cookie_secure)
        .same_site(SameSite::Strict)
        .max_age(time::Duration::seconds(max_age_seconds))
        .build()
}
