//! The hub user pages' calls: users, their CSV import, their grants and what they may
//! call (SPEC USER-1, USER-2, USER-4).

use gloo_net::http::Method;
use omni_types::hub_users::{
    CanCall, CreateHubUser, EffectivePermissions, GrantView, HubUser, ImportReport, ReplaceGrants, UpdateHubUser,
};
use omni_types::{Page, paths};
use uuid::Uuid;

use super::query::non_blank;
use super::{Api, ApiError, CSV, Call, decode, encode, page_params};

/// What the user list is narrowed to and how it is sorted; blank fields are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserFilter {
    /// Part of the name or email.
    pub q: String,
    /// An organization's id.
    pub organization: String,
    /// `viewer`, `member` or `admin`.
    pub role: String,
    /// `true` or `false`.
    pub enabled: String,
    /// Users holding a grant on this MCP server (an id).
    pub server: String,
    /// `name` (default), `email` or `created_at`; `-` first for descending.
    pub sort: String,
}

impl UserFilter {
    /// Whether anything narrows the list (the sort order does not).
    pub fn is_narrowed(&self) -> bool {
        !(self.q.trim().is_empty()
            && self.organization.is_empty()
            && self.role.is_empty()
            && self.enabled.is_empty()
            && self.server.is_empty())
    }

    fn params(&self) -> Vec<(String, String)> {
        non_blank([
            ("q", &self.q),
            ("organization", &self.organization),
            ("role", &self.role),
            ("enabled", &self.enabled),
            ("server", &self.server),
            ("sort", &self.sort),
        ])
    }
}

impl Api {
    pub async fn users(&self, filter: &UserFilter, cursor: Option<String>) -> Result<Page<HubUser>, ApiError> {
        let params = page_params(filter.params(), cursor);
        decode(
            self.authorized(&Call::new(Method::GET, paths::USERS).query(&params))
                .await?,
        )
        .await
    }

    pub async fn user(&self, id: Uuid) -> Result<HubUser, ApiError> {
        decode(self.authorized(&Call::new(Method::GET, &paths::user(id))).await?).await
    }

    pub async fn user_create(&self, user: &CreateHubUser) -> Result<HubUser, ApiError> {
        let body = encode(user)?;
        decode(
            self.authorized(&Call::new(Method::POST, paths::USERS).body(&body))
                .await?,
        )
        .await
    }

    pub async fn user_update(&self, id: Uuid, change: &UpdateHubUser) -> Result<HubUser, ApiError> {
        let body = encode(change)?;
        decode(
            self.authorized(&Call::new(Method::PATCH, &paths::user(id)).body(&body))
                .await?,
        )
        .await
    }

    pub async fn user_delete(&self, id: Uuid) -> Result<(), ApiError> {
        self.authorized(&Call::new(Method::DELETE, &paths::user(id))).await?;
        Ok(())
    }

    /// Sends a CSV file of users. A dry run only checks it (200 with the problems); a real
    /// import creates every row or none (201, or 422 naming each bad line).
    pub async fn users_import(&self, csv: &str, dry_run: bool) -> Result<ImportReport, ApiError> {
        let params = [("dry_run".to_owned(), dry_run.to_string())];
        let call = Call::new(Method::POST, paths::USERS_IMPORT)
            .query(&params)
            .body_as(csv, CSV);
        decode(self.authorized(&call).await?).await
    }

    /// The user's grants, by server name.
    pub async fn user_grants(&self, id: Uuid) -> Result<Vec<GrantView>, ApiError> {
        decode(
            self.authorized(&Call::new(Method::GET, &paths::user_permissions(id)))
                .await?,
        )
        .await
    }

    /// Replaces every grant of the user with `grants`.
    pub async fn user_grants_replace(&self, id: Uuid, grants: &ReplaceGrants) -> Result<Vec<GrantView>, ApiError> {
        let body = encode(grants)?;
        decode(
            self.authorized(&Call::new(Method::PUT, &paths::user_permissions(id)).body(&body))
                .await?,
        )
        .await
    }

    pub async fn user_effective_permissions(&self, id: Uuid) -> Result<EffectivePermissions, ApiError> {
        let path = paths::user_effective_permissions(id);
        decode(self.authorized(&Call::new(Method::GET, &path)).await?).await
    }

    /// "May this user call this tool?", as the hub asks before each call. `server` is an
    /// id or a name.
    pub async fn can_call(&self, user: Uuid, server: &str, tool: &str) -> Result<CanCall, ApiError> {
        let params = [
            ("user".to_owned(), user.to_string()),
            ("server".to_owned(), server.to_owned()),
            ("tool".to_owned(), tool.to_owned()),
        ];
        decode(
            self.authorized(&Call::new(Method::GET, paths::AUTHZ_CAN_CALL).query(&params))
                .await?,
        )
        .await
    }
}
