//! Sign-in, session and identity types (SPEC AUTH-1, AUTH-2).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `POST /api/v1/auth/login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    #[cfg_attr(feature = "server", schema(example = "owner@example.com"))]
    pub email: String,
    #[cfg_attr(feature = "server", schema(example = "correct horse battery staple"))]
    pub password: String,
}

/// A fresh access token; the refresh token travels in an HttpOnly cookie beside it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    /// JWT to send as `Authorization: Bearer <token>`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until `access_token` expires.
    pub expires_in: u64,
    /// The signed-in admin.
    pub admin: Me,
}

/// The signed-in admin, with roles and effective permissions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Me {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    /// Role names, sorted.
    pub roles: Vec<String>,
    /// Effective permissions (union over roles), sorted.
    pub permissions: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
    /// An owner reset the password: until a new one is chosen, only the profile and the
    /// password change are open.
    #[serde(default)]
    pub must_change_password: bool,
    /// A confirmed TOTP authenticator is set up.
    #[serde(default)]
    pub mfa_enabled: bool,
    /// One of the admin's roles requires MFA.
    #[serde(default)]
    pub mfa_required: bool,
}

impl Me {
    /// Whether the admin holds `permission` through any role.
    pub fn can(&self, permission: crate::Permission) -> bool {
        self.permissions.iter().any(|p| p == permission.as_str())
    }
}

/// `PUT /api/v1/auth/password`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ChangePassword {
    pub current_password: String,
    /// At least 12 characters, not a common password, not your email.
    pub new_password: String,
}

/// A temporary password set by an owner's reset, shown once.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PasswordReset {
    pub temporary_password: String,
}
