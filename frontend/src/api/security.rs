//! Account security: the sign-in code step, password change, MFA enrolment and backup codes.

use gloo_net::http::Method;
use omni_types::auth::{ChangePassword, TokenResponse};
use omni_types::mfa::{BackupCodes, MfaCode, MfaEnrolment, MfaLogin};
use omni_types::paths;
use omni_types::problem::kinds;

use super::{Api, ApiError, Call, decode, encode, send};

impl Api {
    /// The second step of signing in; on success the session is signed in as by `login`.
    pub async fn login_mfa(&self, step: &MfaLogin) -> Result<(), ApiError> {
        let body = encode(step)?;
        let response = send(&Call::new(Method::POST, paths::AUTH_LOGIN_MFA).body(&body), None).await?;
        self.session.sign_in(decode::<TokenResponse>(response).await?);
        Ok(())
    }

    /// Changes the admin's password. The server ends every session and opens a fresh one,
    /// which replaces this one.
    pub async fn change_password(&self, change: &ChangePassword) -> Result<(), ApiError> {
        let body = encode(change)?;
        let call = Call::new(Method::PUT, paths::AUTH_PASSWORD).body(&body);
        self.session
            .sign_in(decode::<TokenResponse>(self.authorized(&call).await?).await?);
        Ok(())
    }

    /// Starts (or restarts) setting up an authenticator app.
    pub async fn mfa_enrol(&self) -> Result<MfaEnrolment, ApiError> {
        decode(
            self.authorized(&Call::new(Method::POST, paths::AUTH_MFA_ENROLMENT))
                .await?,
        )
        .await
    }

    /// Finishes the enrolment with a code from the app; returns the backup codes (shown once).
    pub async fn mfa_confirm(&self, code: &MfaCode) -> Result<BackupCodes, ApiError> {
        let body = encode(code)?;
        let call = Call::new(Method::POST, paths::AUTH_MFA_CONFIRM).body(&body);
        let codes = decode(self.authorized(&call).await?).await?;
        self.session.mark_mfa_enabled();
        Ok(codes)
    }

    /// Replaces every backup code; needs a current code from the app.
    pub async fn mfa_backup_codes(&self, code: &MfaCode) -> Result<BackupCodes, ApiError> {
        let body = encode(code)?;
        let call = Call::new(Method::POST, paths::AUTH_MFA_BACKUP_CODES).body(&body);
        decode(self.authorized(&call).await?).await
    }
}

impl ApiError {
    /// For a sign-in that needs a second factor: the challenge to answer with a code.
    pub fn mfa_challenge(&self) -> Option<&str> {
        match self {
            ApiError::Problem(p) if p.kind == kinds::MFA_REQUIRED => p.mfa_challenge.as_deref(),
            _ => None,
        }
    }
}
