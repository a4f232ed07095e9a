use anyhow::Context;
use axum::extract::State;
use axum_extra::extract::CookieJar;
use chrono::Utc;
use omni_types::auth::{LoginRequest, TokenResponse};
use secrecy::SecretString;
use serde_json::json;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::{password, refresh, throttle};
use crate::db::audit::{self, Actor, Entry, actions};
use crate::db::{admins, mfa};
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::http::client::ClientMeta;
use crate::http::json::ApiJson;
use crate::openapi::responses::{InvalidCredentials, MalformedBody, RateLimited, ValidationFailed};

/// A checked sign-in request.
struct Credentials {
    /// Lower-cased, trimmed: the rate-limit key and the lookup key.
    account: String,
    password: SecretString,
}

impl Credentials {
    fn parse(body: LoginRequest) -> Result<Self, ApiError> {
        let mut errors = FieldErrors::new();
        let account = body.email.trim().to_lowercase();
        if account.is_empty() {
            errors.entry("email".into()).or_default().push("is required".into());
        } else if account.len() > 254 || !account.contains('@') {
            errors
                .entry("email".into())
                .or_default()
                .push("is not an email address".into());
        }
        if body.password.is_empty() {
            errors.entry("password".into()).or_default().push("is required".into());
        } else if body.password.len() > password::MAX_LENGTH {
            errors.entry("password".into()).or_default().push("is too long".into());
        }
        if errors.is_empty() {
            Ok(Credentials {
                account,
                password: body.password.into(),
            })
        } else {
            Err(ApiError::Validation(errors))
        }
    }
}

/// Sign in with email and password.
///
/// Returns a 15-minute access token and sets the rotating refresh token as an HttpOnly
/// cookie. For an admin with MFA the answer is a 401 `/problems/mfa-required` carrying
/// `mfa_challenge`: send it with a code to `POST /api/v1/auth/login/mfa`. A wrong password and an unknown email get the same answer. Each account and
/// each IP may try 5 times a minute; 10 failures in a row lock the account for 15 minutes.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; `Set-Cookie` carries the refresh token", body = TokenResponse),
        (status = 400, response = MalformedBody),
        (status = 401, response = InvalidCredentials),
        (status = 422, response = ValidationFailed),
        (status = 429, response = RateLimited),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    meta: ClientMeta,
    jar: CookieJar,
    ApiJson(body): ApiJson<LoginRequest>,
) -> ApiResult<(CookieJar, ApiJson<TokenResponse>)> {
    let credentials = Credentials::parse(body)?;
    let account = credentials.account.as_str();
    let mut tx = state.db.begin().await?;

    if let Err(limited) = throttle::check(&mut tx, account, meta.ip, state.config.login_attempts_per_minute).await? {
        let entry = Entry {
            actor: Actor::Anonymous {
                label: account.to_owned(),
            },
            action: actions::LOGIN_RATE_LIMITED,
            resource_type: "session",
            resource_id: None,
            details: json!({ "email": account, "retry_after_seconds": limited.retry_after_seconds() }),
        };
        audit::record(&mut *tx, entry, &meta).await?;
        tx.commit().await?;
        return Err(limited);
    }

    let row = admins::find_for_login(&mut *tx, account).await?;
    let password_ok = password::verify(credentials.password, row.as_ref().map(|r| r.password_hash.clone())).await?;
    let admin = row.filter(|r| password_ok && !r.disabled);

    let Some(admin) = admin else {
        throttle::record(&mut tx, account, meta.ip, false).await?;
        let reason = if password_ok {
            "account disabled"
        } else {
            "wrong email or password"
        };
        let entry = Entry {
            actor: Actor::Anonymous {
                label: account.to_owned(),
            },
            action: actions::LOGIN_FAILED,
            resource_type: "session",
            resource_id: None,
            details: json!({ "email": account, "reason": reason }),
        };
        audit::record(&mut *tx, entry, &meta).await?;
        tx.commit().await?;
        return Err(ApiError::InvalidCredentials);
    };

    if mfa::is_enabled(&mut *tx, admin.id).await? {
        // Half a sign-in is not a success: the attempt stays counted as a failure until
        // the code step succeeds, so guessing codes runs into the lockout.
        throttle::record(&mut tx, account, meta.ip, false).await?;
        let entry = Entry {
            actor: Actor::Admin {
                id: admin.id,
                email: admin.email.clone(),
            },
            action: actions::LOGIN_MFA_CHALLENGED,
            resource_type: "session",
            resource_id: None,
            details: json!({}),
        };
        audit::record(&mut *tx, entry, &meta).await?;
        tx.commit().await?;
        return Err(ApiError::MfaRequired {
            challenge: state.jwt.issue_challenge(admin.id)?,
        });
    }

    throttle::record(&mut tx, account, meta.ip, true).await?;
    let (cookie, body) = start_session(
        &mut tx,
        &state,
        admin.id,
        &admin.email,
        json!({ "method": "password" }),
        &meta,
    )
    .await?;
    tx.commit().await?;
    Ok((jar.add(cookie), ApiJson(body)))
}

/// Completes a sign-in: a new session (refresh family), the audit entry, the token body.
pub(crate) async fn start_session(
    tx: &mut sqlx::PgConnection,
    state: &AppState,
    admin_id: Uuid,
    email: &str,
    details: serde_json::Value,
    meta: &ClientMeta,
) -> ApiResult<(axum_extra::extract::cookie::Cookie<'static>, TokenResponse)> {
    let session_id = Uuid::now_v7();
    let cookie = refresh::issue(tx, state, admin_id, session_id, meta).await?;
    admins::record_login(&mut *tx, admin_id, Utc::now()).await?;
    let entry = Entry {
        actor: Actor::Admin {
            id: admin_id,
            email: email.to_owned(),
        },
        action: actions::LOGIN_SUCCEEDED,
        resource_type: "session",
        resource_id: Some(session_id.to_string()),
        details,
    };
    audit::record(&mut *tx, entry, meta).await?;
    let me = admins::me(&mut *tx, admin_id)
        .await?
        .context("admin vanished during sign-in")?;
    Ok((cookie, super::token_response(state, me, session_id)?))
}
