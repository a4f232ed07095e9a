//! The MCP server pages' calls: registry, health, tools and tool changes.

use gloo_net::http::Method;
use omni_types::mcp::{
    CreateMcpServer, DecideToolChange, DeleteImpact, HealthCheck, HealthCheckResult, McpServer, McpTool, ToolChange,
    ToolChangeStatus, UpdateMcpServer,
};
use omni_types::{Page, paths};
use uuid::Uuid;

use super::query::non_blank;
use super::{Api, ApiError, Call, decode, encode, page_params};

/// What the server list is narrowed to and how it is sorted; blank fields are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct McpFilter {
    pub q: String,
    pub status: String,
    pub tag: String,
    pub transport: String,
    /// An organization's id (the servers it owns), or `global` (servers without an owner).
    pub organization: String,
    /// Only the servers this organization's users can see: global ones and its own.
    pub visible_to: Option<Uuid>,
    /// `name`, `-name`, `created_at`, `-created_at`, `status`, `-status`.
    pub sort: String,
}

impl McpFilter {
    /// Whether anything narrows the list (the sort order does not).
    pub fn is_narrowed(&self) -> bool {
        !(self.q.trim().is_empty()
            && self.status.is_empty()
            && self.tag.is_empty()
            && self.transport.is_empty()
            && self.organization.is_empty()
            && self.visible_to.is_none())
    }

    fn params(&self) -> Vec<(String, String)> {
        let visible_to = self.visible_to.map(|id| id.to_string()).unwrap_or_default();
        non_blank([
            ("q", &self.q),
            ("status", &self.status),
            ("tag", &self.tag),
            ("transport", &self.transport),
            ("organization", &self.organization),
            ("visible_to", &visible_to),
            ("sort", &self.sort),
        ])
    }
}

impl Api {
    pub async fn mcp_servers(&self, filter: &McpFilter, cursor: Option<String>) -> Result<Page<McpServer>, ApiError> {
        let params = page_params(filter.params(), cursor);
        decode(
            self.authorized(&Call::new(Method::GET, paths::MCP_SERVERS).query(&params))
                .await?,
        )
        .await
    }

    pub async fn mcp_server(&self, id: Uuid) -> Result<McpServer, ApiError> {
        decode(self.authorized(&Call::new(Method::GET, &paths::mcp_server(id))).await?).await
    }

    pub async fn mcp_server_create(&self, server: &CreateMcpServer) -> Result<McpServer, ApiError> {
        let body = encode(server)?;
        decode(
            self.authorized(&Call::new(Method::POST, paths::MCP_SERVERS).body(&body))
                .await?,
        )
        .await
    }

    pub async fn mcp_server_update(&self, id: Uuid, change: &UpdateMcpServer) -> Result<McpServer, ApiError> {
        let body = encode(change)?;
        decode(
            self.authorized(&Call::new(Method::PATCH, &paths::mcp_server(id)).body(&body))
                .await?,
        )
        .await
    }

    pub async fn mcp_server_delete(&self, id: Uuid) -> Result<(), ApiError> {
        self.authorized(&Call::new(Method::DELETE, &paths::mcp_server(id)))
            .await?;
        Ok(())
    }

    pub async fn mcp_server_impact(&self, id: Uuid) -> Result<DeleteImpact, ApiError> {
        let path = paths::mcp_server_impact(id);
        decode(self.authorized(&Call::new(Method::GET, &path)).await?).await
    }

    /// Runs a health check now and waits for it.
    pub async fn mcp_server_check(&self, id: Uuid) -> Result<HealthCheckResult, ApiError> {
        let path = paths::mcp_server_health_check(id);
        decode(self.authorized(&Call::new(Method::POST, &path)).await?).await
    }

    pub async fn mcp_server_history(&self, id: Uuid, cursor: Option<String>) -> Result<Page<HealthCheck>, ApiError> {
        let path = paths::mcp_server_health_checks(id);
        let params = page_params(Vec::new(), cursor);
        decode(self.authorized(&Call::new(Method::GET, &path).query(&params)).await?).await
    }

    pub async fn mcp_server_tools(&self, id: Uuid, q: &str, cursor: Option<String>) -> Result<Page<McpTool>, ApiError> {
        let path = paths::mcp_server_tools(id);
        let filter = (!q.trim().is_empty()).then(|| ("q".to_owned(), q.trim().to_owned()));
        let params = page_params(filter.into_iter().collect(), cursor);
        decode(self.authorized(&Call::new(Method::GET, &path).query(&params)).await?).await
    }

    pub async fn mcp_server_tool_changes(
        &self,
        id: Uuid,
        cursor: Option<String>,
    ) -> Result<Page<ToolChange>, ApiError> {
        let path = paths::mcp_server_tool_changes(id);
        let params = page_params(Vec::new(), cursor);
        decode(self.authorized(&Call::new(Method::GET, &path).query(&params)).await?).await
    }

    /// Approves or rejects a pending tool change.
    pub async fn mcp_tool_change_decide(
        &self,
        server: Uuid,
        change: Uuid,
        status: ToolChangeStatus,
    ) -> Result<ToolChange, ApiError> {
        let path = paths::mcp_server_tool_change(server, change);
        let body = encode(&DecideToolChange { status })?;
        decode(self.authorized(&Call::new(Method::PATCH, &path).body(&body)).await?).await
    }
}
