use axum::extract::{Query, State};
use chrono::{DateTime, Utc};
use omni_types::Page;
use omni_types::mcp::HealthCheck;
use uuid::Uuid;

use super::not_found;
use crate::app::AppState;
use crate::db::{mcp_health, mcp_servers};
use crate::error::ApiResult;
use crate::http::json::{ApiJson, ApiPath};
use crate::http::pagination::{PageParams, page};
use crate::openapi::responses::{NotFound, ValidationFailed};

/// A server's health history (checks and hub reports), newest first.
#[utoipa::path(
    get,
    path = "/api/v1/mcp-servers/{id}/health-checks",
    tag = "mcp-servers",
    params(("id" = Uuid, Path, description = "MCP server id"), PageParams),
    responses(
        (status = 200, description = "One page of the history", body = Page<HealthCheck>),
        (status = 404, response = NotFound),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn health_checks(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    Query(params): Query<PageParams>,
) -> ApiResult<ApiJson<Page<HealthCheck>>> {
    let limit = params.limit()?;
    let after: Option<(DateTime<Utc>, Uuid)> = params.after()?;
    if mcp_servers::get(&state.db, id).await?.is_none() {
        return Err(not_found(id));
    }
    let rows = mcp_health::history(&state.db, id, after, i64::from(limit) + 1).await?;
    Ok(ApiJson(page(rows, limit, |c| (c.checked_at, c.id))))
}
