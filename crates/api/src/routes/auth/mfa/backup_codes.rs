use axum::extract::State;
use omni_types::mfa::{BackupCodes, MfaCode};

use crate::app::AppState;
use crate::auth::Principal;
use crate::error::ApiResult;
use crate::http::client::ClientMeta;
use crate::http::json::ApiJson;
use crate::openapi::responses::{RateLimited, ValidationFailed};

/// Replace your backup codes with ten new ones (the old ones stop working). Needs a
/// current code from the authenticator app.
#[utoipa::path(
    post,
    path = "/api/v1/auth/mfa/backup-codes",
    tag = "auth",
    request_body = MfaCode,
    responses(
        (status = 200, description = "New backup codes (shown once)", body = BackupCodes),
        (status = 422, response = ValidationFailed),
        (status = 429, response = RateLimited),
    )
)]
pub async fn regenerate(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    ApiJson(body): ApiJson<MfaCode>,
) -> ApiResult<ApiJson<BackupCodes>> {
    let issue = super::Issue {
        confirming: false,
        action: "mfa.backup_codes_regenerated",
        wrong_code: "is not a current code from your authenticator app",
    };
    let codes = super::issue_backup_codes(&state, &principal, &meta, &body.code, issue).await?;
    Ok(ApiJson(BackupCodes { codes }))
}
