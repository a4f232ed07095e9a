//! TOTP multi-factor authentication (SPEC AUTH-4).

use serde::{Deserialize, Serialize};

/// A started enrolment: add the secret to an authenticator app, then confirm with a code.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MfaEnrolment {
    /// Base32 secret, for typing in by hand.
    pub secret: String,
    /// `otpauth://totp/...` URI (what the QR code holds).
    pub otpauth_uri: String,
    /// The URI as a QR code, an SVG document.
    pub qr_svg: String,
}

/// A TOTP code (6 digits) or, where allowed, a backup code.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MfaCode {
    pub code: String,
}

/// `POST /api/v1/auth/login/mfa`: the second step of signing in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MfaLogin {
    /// `mfa_challenge` from the first step's 401 answer.
    pub challenge: String,
    /// A TOTP code from the authenticator app, or one of the backup codes.
    pub code: String,
}

/// Ten one-time backup codes, shown once.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct BackupCodes {
    pub codes: Vec<String>,
}
