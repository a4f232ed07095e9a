use axum::extract::State;
use omni_types::mfa::{BackupCodes, MfaCode};

use crate::app::AppState;
use crate::auth::Principal;
use crate::error::ApiResult;
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
    let issue = super::Issue {
        confirming: true,
        action: "mfa.enabled",
        wrong_code: "is not the current code of a pending enrolment",
    };
    let codes = super::issue_backup_codes(&state, &principal, &meta, &body.code, issue).await?;
    Ok(ApiJson(BackupCodes { codes }))
}
