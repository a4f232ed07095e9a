use anyhow::Context;
use axum::extract::State;
use axum_extra::extract::CookieJar;
use omni_types::auth::{ChangePassword, TokenResponse};
use serde_json::json;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::{Principal, password, refresh, throttle};
use crate::db::admins;
use crate::db::audit::{self, Entry};
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::http::client::ClientMeta;
use crate::http::json::ApiJson;
use crate::openapi::responses::{MalformedBody, RateLimited, ValidationFailed};

/// Change your own password (the current one is required).
///
/// Every session of the account is revoked, this one included; the response carries a
/// fresh session for the caller so the browser stays signed in. Wrong current passwords
/// count towards the sign-in attempt limits.
#[utoipa::path(
    put,
    path = "/api/v1/auth/password",
    tag = "auth",
    request_body = ChangePassword,
    responses(
        (status = 200, description = "Changed; a new session (token and cookie)", body = TokenResponse),
        (status = 400, response = MalformedBody),
        (status = 422, response = ValidationFailed),
        (status = 429, response = RateLimited),
    )
)]
pub async fn change(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    jar: CookieJar,
    ApiJson(body): ApiJson<ChangePassword>,
) -> ApiResult<(CookieJar, ApiJson<TokenResponse>)> {
    let mut errors = FieldErrors::new();
    if body.current_password.is_empty() {
        errors.insert("current_password".into(), vec!["is required".into()]);
    }
    if let Err(e) = password::check_policy_for("new_password", &body.new_password, Some(&principal.email)) {
        errors.extend(e);
    }
    if !body.current_password.is_empty() && body.current_password == body.new_password {
        errors
            .entry("new_password".into())
            .or_default()
            .push("must differ from the current password".into());
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }

    let mut tx = state.db.begin().await?;
    let account = principal.email.to_lowercase();
    throttle::check(&mut tx, &account, meta.ip, state.config.login_attempts_per_minute).await??;
    let row = admins::find_for_login(&mut *tx, &principal.email)
        .await?
        .context("signed-in admin row")?;
    let ok = password::verify(body.current_password.into(), Some(row.password_hash)).await?;
    throttle::record(&mut tx, &account, meta.ip, ok).await?;
    if !ok {
        tx.commit().await?; // the failed attempt counts
        return Err(ApiError::invalid("current_password", "is not your current password"));
    }

    let hash = password::hash(body.new_password.into()).await?;
    admins::set_password(&mut *tx, principal.admin_id, &hash, false).await?;
    let revoked = admins::revoke_sessions(&mut *tx, principal.admin_id).await?;
    let session_id = Uuid::now_v7();
    let cookie = refresh::issue(&mut tx, &state, principal.admin_id, session_id, &meta).await?;
    let entry = Entry {
        actor: (&principal).into(),
        action: "auth.password.changed",
        resource_type: "admin",
        resource_id: Some(principal.admin_id.to_string()),
        details: json!({ "revoked_sessions": revoked }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    let me = admins::me(&mut *tx, principal.admin_id).await?.context("admin row")?;
    tx.commit().await?;
    Ok((jar.add(cookie), ApiJson(super::token_response(&state, me, session_id)?)))
}
