use axum::extract::State;
use omni_types::mfa::{BackupCodes, MfaCode};
use serde_json::json;

use crate::app::AppState;
use crate::auth::{Principal, throttle};
use crate::db::audit::{self, Entry};
use crate::error::{ApiError, ApiResult};
use crate::http::client::ClientMeta;
use crate::http::json::ApiJson;
use crate::openapi::responses::{RateLimited, ValidationFailed};

/// Confirm enrolment with a code from the app: MFA is on from now, and the ten backup
/// codes are returned (shown once).
#[utoipa::path(
    post,
    path = "/api/v1/auth/mfa/enrolment/confirm",
    tag = "auth",
    request_body = MfaCode,
    responses(
        (status = 200, description = "MFA enabled; backup codes (shown once)", body = BackupCodes),
        (status = 422, response = ValidationFailed),
        (status = 429, response = RateLimited),
    )
)]
pub async fn confirm(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiJson(body): ApiJson<MfaCode>,
) -> ApiResult<ApiJson<BackupCodes>> {
    let account = principal.email.to_lowercase();
    let mut tx = state.db.begin().await?;
    throttle::check(&mut tx, &account, meta.ip, state.config.login_attempts_per_minute).await??;
    let passed = super::check_code(
        &mut tx,
        &state,
        principal.admin_id,
        &principal.email,
        &body.code,
        true,
        false,
    )
    .await?;
    throttle::record(&mut tx, &account, meta.ip, passed.is_some()).await?;
    if passed.is_none() {
        tx.commit().await?;
        return Err(ApiError::invalid(
            "code",
            "is not the current code of a pending enrolment",
        ));
    }
    let codes = super::new_backup_codes(&mut tx, &state, principal.admin_id).await?;
    let entry = Entry {
        actor: (&principal).into(),
        action: "mfa.enabled",
        resource_type: "admin",
        resource_id: Some(principal.admin_id.to_string()),
        details: json!({ "backup_codes": codes.len() }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    tx.commit().await?;
    Ok(ApiJson(BackupCodes { codes }))
}
