//! Roles and permissions as the API shows them (SPEC RBAC-1, RBAC-2).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Role {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    /// Built-in roles (owner, admin, support, billing) cannot be deleted.
    pub built_in: bool,
    /// Admins holding this role must use MFA.
    pub mfa_required: bool,
    /// Granted permissions, sorted.
    pub permissions: Vec<String>,
    /// How many admins hold the role.
    pub admin_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/v1/roles`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CreateRole {
    /// Lower-case letters, digits, `-` and `_`; 2 to 50 characters; unique.
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Permission names from the catalogue.
    pub permissions: Vec<String>,
    #[serde(default)]
    pub mfa_required: bool,
}

/// `PATCH /api/v1/roles/{id}`: only the fields present change. Built-in roles keep their
/// name, and the owner role keeps every permission.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UpdateRole {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_required: Option<bool>,
}

/// One entry of the permission catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PermissionInfo {
    pub name: String,
    pub description: String,
}
