use axum::extract::{Query, State};
use omni_types::Page;
use omni_types::mcp::{HealthStatus, McpServer, Transport};
use serde::Deserialize;
use uuid::Uuid;

use crate::app::AppState;
use crate::db::mcp_servers::{self, ListFilter, OrgScope, Sort};
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::http::json::ApiJson;
use crate::http::pagination::{PageParams, page};
use crate::openapi::responses::ValidationFailed;
use crate::validate;

/// Filters and sort of `GET /api/v1/mcp-servers`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct McpServerFilter {
    /// Part of the name or description.
    pub q: Option<String>,
    /// `up`, `degraded`, `down`, `auth_required`, `disabled` or `unknown`.
    pub status: Option<String>,
    /// Servers carrying this tag.
    pub tag: Option<String>,
    /// `true` or `false`.
    pub enabled: Option<bool>,
    /// `streamable_http` or `stdio`.
    pub transport: Option<String>,
    /// Servers this organization (an id) owns, or `global` for servers without an owner.
    pub organization: Option<String>,
    /// Servers the users of this organization (an id) can see: global ones and its own.
    pub visible_to: Option<Uuid>,
    /// `name` (default), `created_at` or `status`; prefix `-` for descending. Status is a
    /// live value: a server whose status changes between two pages may move across them.
    pub sort: Option<String>,
}

/// List MCP servers with their latest health.
#[utoipa::path(
    get,
    path = "/api/v1/mcp-servers",
    tag = "mcp-servers",
    params(McpServerFilter, PageParams),
    responses(
        (status = 200, description = "One page of servers", body = Page<McpServer>),
        (status = 422, response = ValidationFailed),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Query(filter): Query<McpServerFilter>,
    Query(params): Query<PageParams>,
) -> ApiResult<ApiJson<Page<McpServer>>> {
    let mut errors = FieldErrors::new();
    let mut err = |field: &str, message: String| errors.entry(field.into()).or_default().push(message);
    let text = |v: Option<String>| v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let q = validate::optional_text(filter.q.as_deref(), 200)
        .map_err(|m| err("q", m))
        .unwrap_or_default();
    let status = text(filter.status).and_then(|s| s.parse::<HealthStatus>().map_err(|m| err("status", m)).ok());
    let transport = text(filter.transport).and_then(|s| s.parse::<Transport>().map_err(|m| err("transport", m)).ok());
    let sort_label = text(filter.sort).unwrap_or_else(|| "name".into());
    let sort = match sort_label.as_str() {
        "name" => Some((Sort::Name, false)),
        "-name" => Some((Sort::Name, true)),
        "created_at" => Some((Sort::CreatedAt, false)),
        "-created_at" => Some((Sort::CreatedAt, true)),
        "status" => Some((Sort::Status, false)),
        "-status" => Some((Sort::Status, true)),
        _ => {
            err(
                "sort",
                "must be `name`, `created_at` or `status`, optionally prefixed with `-`".into(),
            );
            None
        }
    };
    let tag = validate::optional_text(filter.tag.as_deref(), 40)
        .map_err(|m| err("tag", m))
        .unwrap_or_default();
    let organization = match (text(filter.organization), filter.visible_to) {
        (Some(_), Some(_)) => {
            err("visible_to", "cannot be combined with `organization`".into());
            None
        }
        (None, Some(org)) => Some(OrgScope::VisibleTo(org)),
        (Some(org), None) if org == "global" => Some(OrgScope::Global),
        (Some(org), None) => match org.parse::<Uuid>() {
            Ok(org) => Some(OrgScope::Owned(org)),
            Err(_) => {
                err("organization", "must be an organization id or `global`".into());
                None
            }
        },
        (None, None) => None,
    };
    let limit = params.limit();
    // The cursor names the order it continues: one from another sort is refused, not
    // misread.
    let after = params.after_sorted(&sort_label, sort.is_some_and(|(key, _)| key == Sort::CreatedAt));
    let (Some(sort), true) = (sort, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let (limit, after) = (limit?, after?);
    let filter = ListFilter {
        q,
        status,
        tag,
        enabled: filter.enabled,
        transport,
        organization,
    };
    let rows = mcp_servers::list(&state.db, &filter, sort, after, i64::from(limit) + 1).await?;
    Ok(ApiJson(page(rows, limit, |s| {
        (sort_label.clone(), sort.0.cursor_value(s), s.id)
    })))
}
