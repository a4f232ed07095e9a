//! The settings pages' calls: admins, roles and permissions, API tokens.

use gloo_net::http::Method;
use omni_types::admins::{Admin, AuthzDecision, CreateAdmin, CreatedAdmin, UpdateAdmin};
use omni_types::auth::PasswordReset;
use omni_types::rbac::{CreateRole, PermissionInfo, Role, UpdateRole};
use omni_types::tokens::{ApiToken, CreateApiToken, CreatedApiToken};
use omni_types::{Page, paths};
use uuid::Uuid;

use super::query::non_blank;
use super::{Api, ApiError, Call, decode, encode, page_params};

/// What the admin list is narrowed to; blank fields are left out of the request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdminFilter {
    pub q: String,
    /// `active` or `disabled`.
    pub status: String,
    pub role: String,
}

impl AdminFilter {
    pub fn is_empty(&self) -> bool {
        self == &AdminFilter::default()
    }

    fn params(&self) -> Vec<(String, String)> {
        non_blank([("q", &self.q), ("status", &self.status), ("role", &self.role)])
    }
}

impl Api {
    pub async fn admins_list(&self, filter: &AdminFilter, cursor: Option<String>) -> Result<Page<Admin>, ApiError> {
        let params = page_params(filter.params(), cursor);
        decode(
            self.authorized(&Call::new(Method::GET, paths::ADMINS).query(&params))
                .await?,
        )
        .await
    }

    pub async fn admin(&self, id: Uuid) -> Result<Admin, ApiError> {
        decode(self.authorized(&Call::new(Method::GET, &paths::admin(id))).await?).await
    }

    pub async fn admin_create(&self, admin: &CreateAdmin) -> Result<CreatedAdmin, ApiError> {
        let body = encode(admin)?;
        decode(
            self.authorized(&Call::new(Method::POST, paths::ADMINS).body(&body))
                .await?,
        )
        .await
    }

    pub async fn admin_update(&self, id: Uuid, change: &UpdateAdmin) -> Result<Admin, ApiError> {
        let body = encode(change)?;
        decode(
            self.authorized(&Call::new(Method::PATCH, &paths::admin(id)).body(&body))
                .await?,
        )
        .await
    }

    /// A temporary password for the admin, returned this once.
    pub async fn admin_reset_password(&self, id: Uuid) -> Result<PasswordReset, ApiError> {
        let path = paths::admin_password_reset(id);
        decode(self.authorized(&Call::new(Method::POST, &path)).await?).await
    }

    /// Removes the admin's authenticator (lost phone); they enrol again at next sign-in.
    pub async fn admin_reset_mfa(&self, id: Uuid) -> Result<(), ApiError> {
        self.authorized(&Call::new(Method::DELETE, &paths::admin_mfa(id)))
            .await?;
        Ok(())
    }

    /// "Can this admin do that, and why?"
    pub async fn authz_check(&self, admin: Uuid, permission: &str) -> Result<AuthzDecision, ApiError> {
        let params = [
            ("admin".to_owned(), admin.to_string()),
            ("permission".to_owned(), permission.to_owned()),
        ];
        decode(
            self.authorized(&Call::new(Method::GET, paths::AUTHZ_CHECK).query(&params))
                .await?,
        )
        .await
    }

    /// Every role; there are few, so one page of the largest size holds them.
    pub async fn roles(&self) -> Result<Vec<Role>, ApiError> {
        let params = [("limit".to_owned(), omni_types::page::MAX_LIMIT.to_string())];
        let page: Page<Role> = decode(
            self.authorized(&Call::new(Method::GET, paths::ROLES).query(&params))
                .await?,
        )
        .await?;
        Ok(page.items)
    }

    pub async fn role_create(&self, role: &CreateRole) -> Result<Role, ApiError> {
        let body = encode(role)?;
        decode(
            self.authorized(&Call::new(Method::POST, paths::ROLES).body(&body))
                .await?,
        )
        .await
    }

    pub async fn role_update(&self, id: Uuid, change: &UpdateRole) -> Result<Role, ApiError> {
        let body = encode(change)?;
        decode(
            self.authorized(&Call::new(Method::PATCH, &paths::role(id)).body(&body))
                .await?,
        )
        .await
    }

    pub async fn role_delete(&self, id: Uuid) -> Result<(), ApiError> {
        self.authorized(&Call::new(Method::DELETE, &paths::role(id))).await?;
        Ok(())
    }

    /// The permission catalogue, in catalogue order.
    pub async fn permissions(&self) -> Result<Vec<PermissionInfo>, ApiError> {
        decode(self.authorized(&Call::new(Method::GET, paths::PERMISSIONS)).await?).await
    }

    /// The signed-in admin's own tokens, newest first.
    pub async fn api_tokens(&self, cursor: Option<String>) -> Result<Page<ApiToken>, ApiError> {
        let params = page_params(Vec::new(), cursor);
        decode(
            self.authorized(&Call::new(Method::GET, paths::API_TOKENS).query(&params))
                .await?,
        )
        .await
    }

    pub async fn api_token_create(&self, token: &CreateApiToken) -> Result<CreatedApiToken, ApiError> {
        let body = encode(token)?;
        decode(
            self.authorized(&Call::new(Method::POST, paths::API_TOKENS).body(&body))
                .await?,
        )
        .await
    }

    pub async fn api_token_revoke(&self, id: Uuid) -> Result<(), ApiError> {
        self.authorized(&Call::new(Method::DELETE, &paths::api_token(id)))
            .await?;
        Ok(())
    }
}

impl ApiError {
    /// Whether a form must show this failure in a message of its own: it names none of the
    /// form's `fields`, or also fields the form does not have.
    pub fn needs_own_message(&self, fields: &[&str]) -> bool {
        fields.iter().all(|field| self.field_errors(field).is_empty()) || self.has_errors_beyond(fields)
    }
}
