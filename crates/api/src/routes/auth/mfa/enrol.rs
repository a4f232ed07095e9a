use axum::extract::State;
use omni_types::mfa::MfaEnrolment;
use serde_json::json;

use crate::app::AppState;
use crate::auth::{Principal, mfa};
use crate::db::audit::{self, Entry};
use crate::error::{ApiError, ApiResult};
use crate::http::client::ClientMeta;
use crate::http::json::ApiJson;

/// Start MFA enrolment: a new TOTP secret, as text, URI and QR code (SVG).
///
/// Nothing changes at sign-in until the enrolment is confirmed with a code. Starting
/// again replaces a pending enrolment; an enabled MFA must be reset by an owner first.
#[utoipa::path(
    post,
    path = "/api/v1/auth/mfa/enrolment",
    tag = "auth",
    responses(
        (status = 200, description = "The secret to add to an authenticator app", body = MfaEnrolment),
        (status = 409, description = "MFA is already enabled", body = omni_types::Problem),
    )
)]
pub async fn enrol(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
) -> ApiResult<ApiJson<MfaEnrolment>> {
    let secret = mfa::new_secret();
    let totp = mfa::totp(&secret, &principal.email)?;
    let otpauth_uri = totp.to_url().map_err(|e| anyhow::anyhow!("otpauth URI: {e}"))?;
    let mut tx = state.db.begin().await?;
    if !crate::db::mfa::start(&mut tx, principal.admin_id, &state.sealer.seal(&secret)).await? {
        return Err(ApiError::Conflict {
            field: "mfa".into(),
            message: "MFA is already enabled".into(),
        });
    }
    let entry = Entry {
        actor: (&principal).into(),
        action: "mfa.enrolment_started",
        resource_type: "admin",
        resource_id: Some(principal.admin_id.to_string()),
        details: json!({}),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    tx.commit().await?;
    Ok(ApiJson(MfaEnrolment {
        secret: mfa::base32(&secret),
        qr_svg: mfa::qr_svg(&otpauth_uri)?,
        otpauth_uri,
    }))
}
