use axum::extract::{Query, State};
use omni_types::Page;
use omni_types::mcp::{HealthStatus, McpServer, Transport};
use serde::Deserialize;
use uuid::Uuid;

use crate::app::AppState;
use crate::db::mcp_servers::{self, ListFilter, OrgScope, Sort};
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::http::json::ApiJson;
use crate::http::pagination::{PageParams, parse_sort, sorted_page};
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
    let q = validate::optional_text(filter.q.as_deref(), 200)
        .map_err(|m| err("q", m))
        .unwrap_or_default();
    let status = validate::optional_choice::<HealthStatus>(filter.status.as_deref())
        .map_err(|m| err("status", m))
        .unwrap_or_default();
    let transport = validate::optional_choice::<Transport>(filter.transport.as_deref())
        .map_err(|m| err("transport", m))
        .unwrap_or_default();
    let sort = parse_sort(filter.sort.as_deref(), Sort::LABELS).map_err(|m| err("sort", m));
    let tag = validate::optional_text(filter.tag.as_deref(), 40)
        .map_err(|m| err("tag", m))
        .unwrap_or_default();
    let owner = validate::optional_text(filter.organization.as_deref(), 64)
        .map_err(|m| err("organization", m))
        .unwrap_or_default();
    let organization = match (owner, filter.visible_to) {
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
    let (Ok((label, sort, descending)), true) = (sort, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let after = params.after_sorted(&label, sort == Sort::CreatedAt)?;
    let limit = limit?;
    let filter = ListFilter {
        q,
        status,
        tag,
        enabled: filter.enabled,
        transport,
        organization,
    };
    let rows = mcp_servers::list(&state.db, &filter, (sort, descending), after, i64::from(limit) + 1).await?;
    Ok(ApiJson(sorted_page(rows, limit, &label, |s| {
        (sort.cursor_value(s), s.id)
    })))
}
