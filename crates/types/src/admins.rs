//! Admins of the console and what they may do (SPEC RBAC-4, RBAC-5).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An admin of this console (not a hub user).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Admin {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    /// Role names, sorted.
    pub roles: Vec<String>,
    pub disabled: bool,
    pub disabled_at: Option<DateTime<Utc>>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/v1/admins`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CreateAdmin {
    pub email: String,
    #[serde(default)]
    pub display_name: String,
    /// At least one role name.
    pub roles: Vec<String>,
    /// Initial password (at least 12 characters). Omit it to have one generated and
    /// returned once in the response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// The new admin, and the generated password when none was given (shown once).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CreatedAdmin {
    pub admin: Admin,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_password: Option<String>,
}

/// `PATCH /api/v1/admins/{id}`: only the fields present change.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UpdateAdmin {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Disable (true) or enable (false). Disabling ends the admin's sessions at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    /// The complete new set of role names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
}

/// Answer of `GET /api/v1/authz/check`: can this admin do this, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct AuthzDecision {
    pub admin_id: Uuid,
    pub permission: String,
    pub allowed: bool,
    /// Roles of the admin that grant the permission (empty when denied).
    pub granted_by: Vec<String>,
    /// Why, in one sentence (e.g. "disabled admins can do nothing").
    pub reason: String,
}
