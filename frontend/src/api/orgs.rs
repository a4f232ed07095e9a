//! The organization pages' calls: the tenants, their settings overrides and their status
//! (SPEC ORG-1..4).

use gloo_net::http::Method;
use omni_types::orgs::{
    ChangeOrgStatus, CreateOrganization, OrgDeleteImpact, OrgStatus, OrgStatusChange, Organization, UpdateOrganization,
};
use omni_types::page::MAX_LIMIT;
use omni_types::{Page, paths};
use uuid::Uuid;

use super::query::non_blank;
use super::{Api, ApiError, Call, decode, encode, page_params};

/// What the organization list is narrowed to and how it is sorted; blank fields are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgFilter {
    /// Part of the name or slug.
    pub q: String,
    /// `active` or `suspended`.
    pub status: String,
    pub plan: String,
    /// `name` (default), `slug` or `created_at`; `-` first for descending.
    pub sort: String,
}

impl OrgFilter {
    /// Whether anything narrows the list (the sort order does not).
    pub fn is_narrowed(&self) -> bool {
        !(self.q.trim().is_empty() && self.status.is_empty() && self.plan.is_empty())
    }

    fn params(&self) -> Vec<(String, String)> {
        non_blank([
            ("q", &self.q),
            ("status", &self.status),
            ("plan", &self.plan),
            ("sort", &self.sort),
        ])
    }
}

impl Api {
    pub async fn organizations(
        &self,
        filter: &OrgFilter,
        cursor: Option<String>,
    ) -> Result<Page<Organization>, ApiError> {
        let params = page_params(filter.params(), cursor);
        decode(
            self.authorized(&Call::new(Method::GET, paths::ORGANIZATIONS).query(&params))
                .await?,
        )
        .await
    }

    /// Organizations to pick from (a select), by name: the largest page the API gives,
    /// narrowed by `q` when there are more than that.
    pub async fn organization_choices(&self, q: &str) -> Result<Page<Organization>, ApiError> {
        let q = q.to_owned();
        let mut params = non_blank([("q", &q)]);
        params.push(("limit".into(), MAX_LIMIT.to_string()));
        decode(
            self.authorized(&Call::new(Method::GET, paths::ORGANIZATIONS).query(&params))
                .await?,
        )
        .await
    }

    pub async fn organization(&self, id: Uuid) -> Result<Organization, ApiError> {
        decode(
            self.authorized(&Call::new(Method::GET, &paths::organization(id)))
                .await?,
        )
        .await
    }

    pub async fn organization_create(&self, org: &CreateOrganization) -> Result<Organization, ApiError> {
        let body = encode(org)?;
        decode(
            self.authorized(&Call::new(Method::POST, paths::ORGANIZATIONS).body(&body))
                .await?,
        )
        .await
    }

    pub async fn organization_update(&self, id: Uuid, change: &UpdateOrganization) -> Result<Organization, ApiError> {
        let body = encode(change)?;
        decode(
            self.authorized(&Call::new(Method::PATCH, &paths::organization(id)).body(&body))
                .await?,
        )
        .await
    }

    /// Deletes the organization with its users; refused (409) while it owns MCP servers.
    pub async fn organization_delete(&self, id: Uuid) -> Result<(), ApiError> {
        self.authorized(&Call::new(Method::DELETE, &paths::organization(id)))
            .await?;
        Ok(())
    }

    pub async fn organization_impact(&self, id: Uuid) -> Result<OrgDeleteImpact, ApiError> {
        let path = paths::organization_impact(id);
        decode(self.authorized(&Call::new(Method::GET, &path)).await?).await
    }

    /// Suspends or activates the organization (`to`), with the reason the history keeps.
    pub async fn organization_set_status(
        &self,
        id: Uuid,
        to: OrgStatus,
        reason: &str,
    ) -> Result<Organization, ApiError> {
        let path = match to {
            OrgStatus::Suspended => paths::organization_suspend(id),
            OrgStatus::Active => paths::organization_activate(id),
        };
        let body = encode(&ChangeOrgStatus {
            reason: reason.to_owned(),
        })?;
        decode(self.authorized(&Call::new(Method::POST, &path).body(&body)).await?).await
    }

    /// Suspensions and activations, newest first.
    pub async fn organization_status_history(
        &self,
        id: Uuid,
        cursor: Option<String>,
    ) -> Result<Page<OrgStatusChange>, ApiError> {
        let path = paths::organization_status_history(id);
        let params = page_params(Vec::new(), cursor);
        decode(self.authorized(&Call::new(Method::GET, &path).query(&params)).await?).await
    }
}
