use axum::extract::{Query, State};
use omni_types::Page;
use omni_types::mcp::{McpTool, ToolStatus};
use serde::Deserialize;
use uuid::Uuid;

use super::not_found;
use crate::app::AppState;
use crate::db::{mcp_servers, mcp_tools};
use crate::error::{ApiError, ApiResult};
use crate::http::json::{ApiJson, ApiPath};
use crate::http::pagination::{PageParams, page};
use crate::openapi::responses::{NotFound, ValidationFailed};
use crate::validate;

/// Filters of `GET /api/v1/mcp-servers/{id}/tools`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ToolFilter {
    /// Part of the name, title or description.
    pub q: Option<String>,
    /// `approved`, `pending` or `rejected`.
    pub status: Option<String>,
}

/// The tools the server offered at its latest successful check, by name.
#[utoipa::path(
    get,
    path = "/api/v1/mcp-servers/{id}/tools",
    tag = "mcp-servers",
    params(("id" = Uuid, Path, description = "MCP server id"), ToolFilter, PageParams),
    responses(
        (status = 200, description = "One page of tools", body = Page<McpTool>),
        (status = 404, response = NotFound),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn tools(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    Query(filter): Query<ToolFilter>,
    Query(params): Query<PageParams>,
) -> ApiResult<ApiJson<Page<McpTool>>> {
    let q = validate::optional_text(filter.q.as_deref(), 200).map_err(|m| ApiError::invalid("q", m))?;
    let status = match filter.status.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(s.parse::<ToolStatus>().map_err(|m| ApiError::invalid("status", m))?),
    };
    let limit = params.limit()?;
    let after: Option<String> = params.after()?;
    if mcp_servers::get(&state.db, id).await?.is_none() {
        return Err(not_found(id));
    }
    let rows = mcp_tools::list(&state.db, id, q.as_deref(), status, after, i64::from(limit) + 1).await?;
    Ok(ApiJson(page(rows, limit, |t| t.name.clone())))
}
