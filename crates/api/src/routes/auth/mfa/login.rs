use anyhow::Context;
use axum::extract::State;
use axum_extra::extract::CookieJar;
use omni_types::auth::TokenResponse;
use omni_types::mfa::MfaLogin;
use serde_json::json;

use crate::app::AppState;
use crate::auth::throttle;
use crate::db::admins;
use crate::db::audit::{self, Actor, Entry, actions};
use crate::error::{ApiError, ApiResult};
use crate::http::client::ClientMeta;
use crate::http::json::ApiJson;
use crate::openapi::responses::{MalformedBody, RateLimited, Unauthenticated};

/// Second sign-in step: the challenge from the first step and a TOTP or backup code.
///
/// A TOTP code works once; a backup code works once. Attempts count towards the same
/// limits as passwords.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login/mfa",
    tag = "auth",
    request_body = MfaLogin,
    responses(
        (status = 200, description = "Signed in; `Set-Cookie` carries the refresh token", body = TokenResponse),
        (status = 400, response = MalformedBody),
        (status = 401, response = Unauthenticated),
        (status = 429, response = RateLimited),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    meta: ClientMeta,
    jar: CookieJar,
    ApiJson(body): ApiJson<MfaLogin>,
) -> ApiResult<(CookieJar, ApiJson<TokenResponse>)> {
    let admin_id = state
        .jwt
        .verify_challenge(&body.challenge)
        .ok_or(ApiError::Unauthenticated(
            "The sign-in challenge is invalid or expired: sign in again.",
        ))?;
    let mut tx = state.db.begin().await?;
    let me = admins::me(&mut *tx, admin_id).await?.context("challenged admin")?;
    let account = me.email.to_lowercase();
    throttle::check(&mut tx, &account, meta.ip, state.config.login_attempts_per_minute).await??;
    let login = admins::find_for_login(&mut *tx, &me.email)
        .await?
        .context("admin row")?;
    let passed = if login.disabled {
        None
    } else {
        super::check_code(&mut tx, &state, admin_id, &me.email, &body.code, false, true).await?
    };
    throttle::record(&mut tx, &account, meta.ip, passed.is_some()).await?;
    let Some(passed) = passed else {
        let entry = Entry {
            actor: Actor::Admin {
                id: admin_id,
                email: me.email.clone(),
            },
            action: actions::LOGIN_FAILED,
            resource_type: "session",
            resource_id: None,
            details: json!({ "reason": "wrong or reused MFA code" }),
        };
        audit::record(&mut *tx, entry, &meta).await?;
        tx.commit().await?;
        return Err(ApiError::Unauthenticated("The code is wrong, expired or already used."));
    };
    let remaining = crate::db::mfa::remaining_backup_codes(&mut *tx, admin_id).await?;
    let details = json!({ "method": format!("password+{}", passed.as_str()), "backup_codes_left": remaining });
    let (cookie, body) =
        crate::routes::auth::login::start_session(&mut tx, &state, admin_id, &me.email, details, &meta).await?;
    tx.commit().await?;
    Ok((jar.add(cookie), ApiJson(body)))
}
