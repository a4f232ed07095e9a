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
