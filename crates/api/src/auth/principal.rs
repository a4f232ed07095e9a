//! `Principal`: who is calling an authenticated route, and what they may do.

use std::collections::BTreeSet;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use omni_types::Permission;
use uuid::Uuid;

use crate::error::ApiError;

#[derive(Debug, Clone)]
pub struct Principal {
    /// The admin, or for an API token its creator.
    pub admin_id: Uuid,
    pub email: String,
    pub via: Credential,
    /// What this caller may do now (for a token: its scope within its creator's rights).
    pub permissions: BTreeSet<Permission>,
}

/// How the caller authenticated.
#[derive(Debug, Clone)]
pub enum Credential {
    /// A browser or CLI session: the refresh-token family the access token belongs to.
    Session {
        session_id: Uuid,
        /// What the account must do before anything permissioned (owner reset, MFA).
        pending: Option<Pending>,
    },
    /// An integrator's API token.
    Token { token_id: Uuid, name: String },
}

/// A step a signed-in admin must take before the console opens to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    /// An owner reset the password: choose a new one.
    PasswordChange,
    /// A role requires MFA and none is set up.
    MfaEnrolment,
}

impl Pending {
    pub fn error(self) -> ApiError {
        match self {
            Pending::PasswordChange => ApiError::PasswordChangeRequired,
            Pending::MfaEnrolment => ApiError::MfaEnrolmentRequired,
        }
    }
}

impl Principal {
    /// The step this caller must take first, if any (tokens have none of their own:
    /// their creator's are checked when the token is authenticated).
    pub fn pending(&self) -> Option<Pending> {
        match self.via {
            Credential::Session { pending, .. } => pending,
            Credential::Token { .. } => None,
        }
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.permissions.contains(&permission)
    }
}

/// Set by the route guard; a handler on a public route that asks for it gets a 401.
impl<S: Send + Sync> FromRequestParts<S> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .ok_or(ApiError::Unauthenticated("This route needs a signed-in admin."))
    }
}
